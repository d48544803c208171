"""Rules the database keeps by itself, whatever code writes to it: one grant of each kind, known states,
nobody reviewing itself, and (on PostgreSQL) an audit log that refuses UPDATE and DELETE."""

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from peerchallenge.accounts.models import Role, RoleGrant
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.services import record_event
from peerchallenge.extensions import db
from tests.scenarios import open_cycle

POSTGRESQL_ONLY = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="the audit log's trigger is PostgreSQL's; SQLite keeps only the ORM's rule",
)


def refused(statement, **params) -> bool:
    """Whether the database refuses the statement (in a savepoint of its own, so the test goes on)."""
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text(statement), params)
    except (IntegrityError, DBAPIError):
        return True
    return False


def add_grant(**fields) -> bool:
    """Whether the database accepts one more grant, written past the service's own check."""
    try:
        with db.session.begin_nested():
            db.session.add(RoleGrant(**fields))
    except IntegrityError:
        return False
    return True


def test_the_same_grant_twice_is_refused_for_every_kind(world):
    w = world
    assert not add_grant(user_id=w.lead.id, role=Role.LEAD, region_id=w.region.id)
    assert not add_grant(user_id=w.admin.id, role=Role.ADMIN)
    assert not add_grant(user_id=w.director.id, role=Role.DIRECTOR, authority_id=w.authority.id)
    assert not add_grant(user_id=w.contributor.id, role=Role.CONTRIBUTOR, authority_id=w.authority.id)


def test_different_grants_of_one_person_are_accepted(world):
    w = world
    assert add_grant(user_id=w.lead.id, role=Role.LEAD, region_id=w.other_region.id)
    assert add_grant(user_id=w.director.id, role=Role.CONTRIBUTOR, authority_id=w.authority.id)
    assert add_grant(user_id=w.director.id, role=Role.DIRECTOR, authority_id=w.sibling.id)
    assert add_grant(user_id=w.lead.id, role=Role.ADMIN)


def test_nobody_reviews_itself(world):
    cycle = open_cycle(world)
    try:
        with db.session.begin_nested():
            db.session.add(
                Assignment(
                    cycle=cycle,
                    reviewer=world.authority,
                    reviewed=world.authority,
                    state=AssignmentState.PROPOSED,
                )
            )
    except IntegrityError:
        pass
    else:
        pytest.fail("an authority was assigned to review itself")


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("cycles", "state"),
        ("role_grants", "role"),
    ],
)
def test_a_state_column_holds_only_known_values(world, table, column):
    open_cycle(world)
    assert refused(f"UPDATE {table} SET {column} = 'archived'")  # noqa: S608 (fixed names)


def test_every_enum_column_has_a_check_made_from_the_enum():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.Enum):
                checks = [
                    constraint
                    for constraint in table.constraints
                    if isinstance(constraint, sa.CheckConstraint) and column.name in str(constraint.sqltext)
                ]
                assert checks, f"{table.name}.{column.name} has no CHECK constraint"


def test_a_cycle_needs_at_least_one_peer_per_authority(world):
    open_cycle(world)
    assert refused("UPDATE cycles SET peers_per_authority = 0")
    assert not refused("UPDATE cycles SET peers_per_authority = 3")


@POSTGRESQL_ONLY
def test_the_database_refuses_to_change_or_delete_audit_events(world):
    event = record_event("test_event", "Something happened", actor=world.admin)
    db.session.commit()
    with db.engine.connect() as connection:
        for statement in (
            "UPDATE audit_events SET summary = 'Nothing happened'",
            "DELETE FROM audit_events",
        ):
            with pytest.raises(DBAPIError, match="append-only"), connection.begin():
                connection.execute(sa.text(statement))
    db.session.expire_all()
    assert db.session.get(type(event), event.id).summary == "Something happened"
