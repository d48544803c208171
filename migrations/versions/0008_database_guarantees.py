"""The database's own guarantees: one grant of each kind, known states, nobody reviewing itself, and an
append-only audit log on PostgreSQL

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01 03:00:00

The unique constraint over (user_id, role, region_id, authority_id) let PostgreSQL accept two identical
grants, because the always-NULL column never compares equal: one partial unique index per kind of grant
replaces it. The CHECK constraints hold rules the services already keep; existing data satisfies them.
The values of each state column are written out here as they were at this revision, so that the
migration does not change when an enum gains a member (that needs a migration of its own).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, constraint name without the ck_<table>_ prefix, column, values)
KNOWN_VALUES = [
    ("cycles", "cyclestate", "state", ("draft", "open", "reviewing", "consolidating", "released", "closed")),
    ("outbox_emails", "emailstatus", "status", ("queued", "sent", "failed")),
    ("assignments", "assignmentstate", "state", ("proposed", "published", "replaced")),
    ("letters", "letterstate", "state", ("composed", "approved", "released")),
    ("role_grants", "role", "role", ("admin", "lead", "director", "contributor")),
    ("submissions", "submissionstate", "state", ("draft", "signed_off")),
    ("letter_versions", "versionsource", "source", ("composed", "edited", "restored", "recomposed")),
    ("reviews", "reviewstate", "state", ("draft", "submitted")),
    ("submission_versions", "known_source", "source", ("upload", "edit")),
]

# (table, constraint name without the ck_<table>_ prefix, condition)
RULES = [
    ("cycles", "peers_per_authority_positive", "peers_per_authority > 0"),
    ("assignments", "not_reviewing_itself", "reviewer_id <> reviewed_id"),
]

# (name, columns, condition)
GRANT_INDEXES = [
    ("uq_role_grants_admin", ["user_id"], "role = 'admin'"),
    ("uq_role_grants_lead", ["user_id", "region_id"], "role = 'lead'"),
    ("uq_role_grants_authority_role", ["user_id", "role", "authority_id"], "authority_id IS NOT NULL"),
]

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
"""


def _checks_by_table():
    tables = {}
    for table, name, column, values in KNOWN_VALUES:
        listed = ", ".join(f"'{value}'" for value in values)
        tables.setdefault(table, []).append((name, f"{column} IN ({listed})"))
    for table, name, condition in RULES:
        tables.setdefault(table, []).append((name, condition))
    return tables


def upgrade():
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_role_grants_user_id_role_region_id_authority_id"), type_="unique"
        )
        for name, columns, condition in GRANT_INDEXES:
            batch_op.create_index(
                name,
                columns,
                unique=True,
                sqlite_where=sa.text(condition),
                postgresql_where=sa.text(condition),
            )

    for table, checks in _checks_by_table().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{name}"), condition)

    if op.get_bind().dialect.name == "postgresql":
        # TRUNCATE stays possible for the database owner; the service never issues it.
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")

    for table, checks in reversed(list(_checks_by_table().items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in reversed(checks):
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")

    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        for name, _columns, _condition in reversed(GRANT_INDEXES):
            batch_op.drop_index(name)
        batch_op.create_unique_constraint(
            batch_op.f("uq_role_grants_user_id_role_region_id_authority_id"),
            ["user_id", "role", "region_id", "authority_id"],
        )
