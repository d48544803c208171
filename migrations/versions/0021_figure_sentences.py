"""Where each section's text can state a figure, found once per version

Revision ID: 0021_figure_sentences
Revises: 0020_themes
Create Date: 2026-12-03 09:00:00

One nullable column on section_texts: the (start, end) of each sentence of the Markdown that holds a digit,
the only sentences the data pack's figure check reads. Existing rows stay NULL: pages find the sentences as
they show them until `flask documents measure` stores them. A downgrade drops the column.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_figure_sentences"
down_revision = "0020_themes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("section_texts") as batch_op:
        batch_op.add_column(sa.Column("figure_sentences", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("section_texts") as batch_op:
        batch_op.drop_column("figure_sentences")
