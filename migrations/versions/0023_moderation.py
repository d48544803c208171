"""Moderation: a cycle's moderation settings and state, the moderator role, and moderators' allocations with
their comments

Revision ID: 0023_moderation
Revises: 0022_event
Create Date: 2026-12-01 20:30:00

Cycles gain moderation (off for every existing cycle), moderators_per_submission (1, or 2), moderation_due_on
and moderation_seed, and a state 'moderation' between 'open' and 'reviewing'. role_grants gain the role
'moderator', scoped to an authority like a director or contributor. moderation_assignments holds each moderator
allocated to a self-assessment (users gain a job title, shown beside a moderator's name), with the two comments (Markdown and sanitised HTML) and a version.

A downgrade moves cycles in moderation back to open, removes moderator grants, then drops the table, the
columns and the new values.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_moderation"
down_revision = "0022_event"
branch_labels = None
depends_on = None

OLD_STATES = ("draft", "open", "reviewing", "consolidating", "released", "closed")
NEW_STATES = ("draft", "open", "moderation", "reviewing", "consolidating", "released", "closed")
OLD_ROLES = ("admin", "lead", "director", "contributor", "observer", "consultant")
NEW_ROLES = (*OLD_ROLES, "moderator")
GROUP_SCOPE = (
    " OR (role IN ('observer', 'consultant') AND region_id IS NOT NULL AND authority_id IS NULL"
    " AND review_group_id IS NOT NULL)"
)
OLD_SCOPE = (
    "(role = 'admin' AND region_id IS NULL AND authority_id IS NULL)"
    " OR (role = 'lead' AND region_id IS NOT NULL AND authority_id IS NULL)"
    " OR (role IN ('director', 'contributor') AND region_id IS NULL AND authority_id IS NOT NULL)"
    + GROUP_SCOPE
)
NEW_SCOPE = (
    "(role = 'admin' AND region_id IS NULL AND authority_id IS NULL)"
    " OR (role = 'lead' AND region_id IS NOT NULL AND authority_id IS NULL)"
    " OR (role IN ('director', 'contributor', 'moderator') AND region_id IS NULL"
    " AND authority_id IS NOT NULL)" + GROUP_SCOPE
)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column("moderators_per_submission", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("moderation_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("moderation_seed", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            batch_op.f("ck_cycles_moderators_per_submission_1_or_2"), "moderators_per_submission IN (1, 2)"
        )
        batch_op.drop_constraint(batch_op.f("ck_cycles_cyclestate"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_cycles_cyclestate"), _in("state", NEW_STATES))

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("job_title", sa.String(length=150), server_default="", nullable=False))
    with op.batch_alter_table("role_grants") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_role_grants_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_role"), _in("role", NEW_ROLES))
        batch_op.drop_constraint(batch_op.f("ck_role_grants_scope_matches_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_scope_matches_role"), NEW_SCOPE)

    op.create_table(
        "moderation_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("moderator_authority_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "published",
                name="allocationstate",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "progress",
            sa.Enum(
                "not_started",
                "in_progress",
                "done",
                name="moderationprogress",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("evidence_comment", sa.Text(), nullable=False),
        sa.Column("evidence_html", sa.Text(), nullable=False),
        sa.Column("data_comment", sa.Text(), nullable=False),
        sa.Column("data_html", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_moderation_assignments_authority_id_authorities"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_moderation_assignments_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_authority_id"],
            ["authorities.id"],
            name=op.f("fk_moderation_assignments_moderator_authority_id_authorities"),
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"], ["users.id"], name=op.f("fk_moderation_assignments_moderator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_assignments")),
        sa.UniqueConstraint(
            "cycle_id",
            "authority_id",
            "moderator_id",
            "state",
            name=op.f("uq_moderation_assignments_one_per_state"),
        ),
    )
    with op.batch_alter_table("moderation_assignments") as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_assignments_cycle_id"), ["cycle_id"])
        batch_op.create_index(batch_op.f("ix_moderation_assignments_authority_id"), ["authority_id"])
        batch_op.create_index(batch_op.f("ix_moderation_assignments_moderator_id"), ["moderator_id"])


def downgrade():
    with op.batch_alter_table("moderation_assignments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_assignments_moderator_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_assignments_authority_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_assignments_cycle_id"))
    op.drop_table("moderation_assignments")

    op.execute("DELETE FROM role_grants WHERE role = 'moderator'")
    with op.batch_alter_table("role_grants") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_role_grants_scope_matches_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_scope_matches_role"), OLD_SCOPE)
        batch_op.drop_constraint(batch_op.f("ck_role_grants_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_role"), _in("role", OLD_ROLES))
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("job_title")

    op.execute("UPDATE cycles SET state = 'open' WHERE state = 'moderation'")
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cycles_cyclestate"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_cycles_cyclestate"), _in("state", OLD_STATES))
        batch_op.drop_constraint(batch_op.f("ck_cycles_moderators_per_submission_1_or_2"), type_="check")
        batch_op.drop_column("moderation_seed")
        batch_op.drop_column("moderation_due_on")
        batch_op.drop_column("moderators_per_submission")
        batch_op.drop_column("moderation")
