"""Authorities' lineage: which authority carried on from which, when councils merge and split

Revision ID: 0014_authority_changes
Revises: 0013_cycle_life
Create Date: 2026-12-01 11:00:00

One row per predecessor and successor. A downgrade drops the lineage; the authorities keep their
active-from and active-to dates, so who existed when is kept.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_authority_changes"
down_revision = "0013_cycle_life"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "authority_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "merged", "split", name="changekind", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.CheckConstraint("predecessor_id <> successor_id", name=op.f("ck_authority_links_not_itself")),
        sa.ForeignKeyConstraint(
            ["predecessor_id"], ["authorities.id"], name=op.f("fk_authority_links_predecessor_id_authorities")
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"], ["authorities.id"], name=op.f("fk_authority_links_successor_id_authorities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_links")),
        sa.UniqueConstraint(
            "predecessor_id", "successor_id", name=op.f("uq_authority_links_predecessor_id_successor_id")
        ),
    )
    with op.batch_alter_table("authority_links") as batch_op:
        batch_op.create_index(batch_op.f("ix_authority_links_predecessor_id"), ["predecessor_id"])
        batch_op.create_index(batch_op.f("ix_authority_links_successor_id"), ["successor_id"])


def downgrade():
    with op.batch_alter_table("authority_links") as batch_op:
        batch_op.drop_index(batch_op.f("ix_authority_links_successor_id"))
        batch_op.drop_index(batch_op.f("ix_authority_links_predecessor_id"))
    op.drop_table("authority_links")
