"""Delegates who may submit, drafts marked ready, and reviews submitted on a director's behalf

Revision ID: 0009c_reviewform
Revises: 0009b_rubric
Create Date: 2026-12-01 07:10:00

A director may let a delegate submit reviews (delegations.may_submit, off for existing delegations: they
were made when delegates only drafted). A delegate who may not submit marks a review ready for the director,
and a contributor marks a self-assessment ready for sign-off (ready_at, ready_by_id). A review a delegate
submits records the director it was submitted for (submitted_for_id).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009c_reviewform"
down_revision = "0009b_rubric"
branch_labels = None
depends_on = None


def _ready_columns(batch_op, table: str) -> None:
    batch_op.add_column(sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True))
    batch_op.add_column(sa.Column("ready_by_id", sa.Integer(), nullable=True))
    batch_op.create_foreign_key(op.f(f"fk_{table}_ready_by_id_users"), "users", ["ready_by_id"], ["id"])


def upgrade():
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("may_submit", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        _ready_columns(batch_op, "submissions")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_for_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_reviews_submitted_for_id_users"), "users", ["submitted_for_id"], ["id"]
        )
        _ready_columns(batch_op, "reviews")


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_reviews_ready_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_reviews_submitted_for_id_users"), type_="foreignkey")
        batch_op.drop_column("ready_by_id")
        batch_op.drop_column("ready_at")
        batch_op.drop_column("submitted_for_id")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_submissions_ready_by_id_users"), type_="foreignkey")
        batch_op.drop_column("ready_by_id")
        batch_op.drop_column("ready_at")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_column("may_submit")
