"""Actions: what an authority will do in answer to its released letter, and its status over time; the cycle's
due dates for the response and the first update of the actions

Revision ID: 0015_actions
Revises: 0014_authority_changes
Create Date: 2026-12-01 14:30:00

A downgrade drops the actions and their history, and the two dates.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_actions"
down_revision = "0014_authority_changes"
branch_labels = None
depends_on = None

STATUSES = ("not_started", "in_progress", "done", "dropped")


def status_column(name: str) -> sa.Column:
    status = sa.Enum(*STATUSES, name="actionstatus", native_enum=False, create_constraint=True, length=20)
    return sa.Column(name, status, nullable=False)


def upgrade():
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=1000), nullable=False),
        sa.Column("owner", sa.String(length=150), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        status_column("status"),
        sa.Column("dropped_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'dropped' OR dropped_reason <> ''", name=op.f("ck_actions_dropped_has_reason")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], name=op.f("fk_actions_letter_id_letters")),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["letter_points.id"],
            name=op.f("fk_actions_point_id_letter_points"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_actions_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions") as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_letter_id"), ["letter_id"])
        batch_op.create_index(batch_op.f("ix_actions_point_id"), ["point_id"])

    op.create_table(
        "action_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        status_column("status"),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_status_changes_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_action_status_changes_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_status_changes")),
    )
    with op.batch_alter_table("action_status_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_action_status_changes_action_id"), ["action_id"])

    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(sa.Column("response_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("actions_update_due_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_column("actions_update_due_on")
        batch_op.drop_column("response_due_on")
    with op.batch_alter_table("action_status_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_status_changes_action_id"))
    op.drop_table("action_status_changes")
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_point_id"))
        batch_op.drop_index(batch_op.f("ix_actions_letter_id"))
    op.drop_table("actions")
