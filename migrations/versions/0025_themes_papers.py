"""Each cycle's themes paper, kept as last made

Revision ID: 0025_themes_papers
Revises: 0024_pack_files
Create Date: 2026-12-02 10:30:00

One new table, themes_papers: a cycle's themes report as a Word paper with the hash of everything it prints,
so that a download of an unchanged report serves the kept file. Nothing existing changes; papers are made at
their next download. A downgrade drops the table (the papers are made again on demand).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_themes_papers"
down_revision = "0024_pack_files"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_themes_papers_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_papers")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_themes_papers_cycle_id")),
    )


def downgrade():
    op.drop_table("themes_papers")
