"""Each section's text repeated from last year's self-assessment, measured once per version

Revision ID: 0016_repeated_text
Revises: 0015_actions
Create Date: 2026-12-02 10:00:00

Four nullable columns on section_texts: the share repeated, the year compared with, the signals found and
the marked HTML. Existing rows stay NULL (not measured): pages show them unmarked. A downgrade drops them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_repeated_text"
down_revision = "0015_actions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("section_texts") as batch_op:
        batch_op.add_column(sa.Column("repeated_share", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("repeated_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signals", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("marked_html", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("section_texts") as batch_op:
        batch_op.drop_column("marked_html")
        batch_op.drop_column("signals")
        batch_op.drop_column("repeated_year")
        batch_op.drop_column("repeated_share")
