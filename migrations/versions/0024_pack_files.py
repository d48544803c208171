"""Each released letter's scrutiny pack, kept as last made

Revision ID: 0024_pack_files
Revises: 0023_moderation
Create Date: 2026-12-02 10:00:00

One new table, pack_files: a letter's scrutiny pack (Word) with the hash of what it was made from, so that a
download of an unchanged pack serves the kept file. Nothing existing changes; packs are made at their next
download. A downgrade drops the table (the packs are made again on demand).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_pack_files"
down_revision = "0023_moderation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pack_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_pack_files_letter_id_letters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_files")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_pack_files_letter_id")),
    )


def downgrade():
    op.drop_table("pack_files")
