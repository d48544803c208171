"""Peer groups: a cycle's assignment model and group size, review groups and their members, group-scoped roles

Revision ID: 0018_groups
Revises: 0016_repeated_text
Create Date: 2026-12-10 10:00:00

Cycles gain assignment_model ('pairs', the default for every existing cycle, or 'groups') and group_size (3).
review_groups and review_group_members store the groups of the groups model (their assignments stay in
assignments, one per ordered pair of members). role_grants gain review_group_id and two roles, observer and
consultant, scoped to one group (with its region in region_id). A downgrade drops observer and consultant grants,
then the tables and columns.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_groups"
down_revision = "0016_repeated_text"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "lead", "director", "contributor")
NEW_ROLES = (*OLD_ROLES, "observer", "consultant")
OLD_SCOPE = (
    "(role = 'admin' AND region_id IS NULL AND authority_id IS NULL)"
    " OR (role = 'lead' AND region_id IS NOT NULL AND authority_id IS NULL)"
    " OR (role IN ('director', 'contributor') AND region_id IS NULL AND authority_id IS NOT NULL)"
)
NEW_SCOPE = (
    OLD_SCOPE + " OR (role IN ('observer', 'consultant') AND region_id IS NOT NULL AND authority_id IS NULL"
    " AND review_group_id IS NOT NULL)"
)
GROUP_INDEX = "uq_role_grants_group_role"
GROUP_CONDITION = "review_group_id IS NOT NULL"


def _in(values) -> str:
    return "role IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(
            sa.Column(
                "assignment_model",
                sa.Enum("pairs", "groups", name="assignmentmodel", native_enum=False, length=20),
                server_default="pairs",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("group_size", sa.Integer(), server_default="3", nullable=False))
        batch_op.create_check_constraint(
            batch_op.f("ck_cycles_assignmentmodel"), "assignment_model IN ('pairs', 'groups')"
        )

    op.create_table(
        "review_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "published",
                "replaced",
                name="assignmentstate",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_review_groups_cycle_id_cycles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_groups")),
        sa.UniqueConstraint("cycle_id", "number", "state", name=op.f("uq_review_groups_cycle_id_number_state")),
    )
    with op.batch_alter_table("review_groups") as batch_op:
        batch_op.create_index(batch_op.f("ix_review_groups_cycle_id"), ["cycle_id"])
    op.create_table(
        "review_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authorities.id"], name=op.f("fk_review_group_members_authority_id_authorities")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["review_groups.id"],
            name=op.f("fk_review_group_members_group_id_review_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "authority_id", name=op.f("pk_review_group_members")),
    )
    with op.batch_alter_table("review_group_members") as batch_op:
        batch_op.create_index(batch_op.f("ix_review_group_members_authority_id"), ["authority_id"])

    with op.batch_alter_table("role_grants") as batch_op:
        batch_op.add_column(sa.Column("review_group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_role_grants_review_group_id_review_groups"),
            "review_groups",
            ["review_group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_role_grants_review_group_id"), ["review_group_id"])
        batch_op.create_index(
            GROUP_INDEX,
            ["user_id", "role", "review_group_id"],
            unique=True,
            sqlite_where=sa.text(GROUP_CONDITION),
            postgresql_where=sa.text(GROUP_CONDITION),
        )
        batch_op.drop_constraint(batch_op.f("ck_role_grants_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_role"), _in(NEW_ROLES))
        batch_op.drop_constraint(batch_op.f("ck_role_grants_scope_matches_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_scope_matches_role"), NEW_SCOPE)


def downgrade():
    op.execute("DELETE FROM role_grants WHERE role IN ('observer', 'consultant')")
    with op.batch_alter_table("role_grants") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_role_grants_scope_matches_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_scope_matches_role"), OLD_SCOPE)
        batch_op.drop_constraint(batch_op.f("ck_role_grants_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grants_role"), _in(OLD_ROLES))
        batch_op.drop_index(GROUP_INDEX)
        batch_op.drop_index(batch_op.f("ix_role_grants_review_group_id"))
        batch_op.drop_constraint(batch_op.f("fk_role_grants_review_group_id_review_groups"), type_="foreignkey")
        batch_op.drop_column("review_group_id")
    with op.batch_alter_table("review_group_members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_group_members_authority_id"))
    op.drop_table("review_group_members")
    with op.batch_alter_table("review_groups") as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_groups_cycle_id"))
    op.drop_table("review_groups")
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cycles_assignmentmodel"), type_="check")
        batch_op.drop_column("group_size")
        batch_op.drop_column("assignment_model")
