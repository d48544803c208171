"""Letters addressed and signed as directors write to each other

Revision ID: 0010_letter_address
Revises: 0009d_letterfiles
Create Date: 2026-12-01 08:15:00

A user's "how to address me" (empty: their first name), a region's display name for the letterhead
(empty: its name), and a cycle's own signatory (empty: the peer directors sign). Existing rows get empty
strings, which keep today's behaviour apart from the wording.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_letter_address"
down_revision = "0009d_letterfiles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("salutation", sa.String(length=150), server_default="", nullable=False))
    with op.batch_alter_table("regions") as batch_op:
        batch_op.add_column(
            sa.Column("display_name", sa.String(length=150), server_default="", nullable=False)
        )
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(
            sa.Column("signatory_name", sa.String(length=150), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("signatory_title", sa.String(length=150), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_column("signatory_title")
        batch_op.drop_column("signatory_name")
    with op.batch_alter_table("regions") as batch_op:
        batch_op.drop_column("display_name")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("salutation")
