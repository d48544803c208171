"""Migration 0015_actions: the actions and their history, and the cycle's two dates; going down drops them,
and coming back up gives empty tables that keep the dropped-needs-a-reason rule."""

import pytest
import sqlalchemy as sa
from alembic import command

from peerchallenge.extensions import db
from tests import factories
from tests.actions.builders import add, letter_with_points
from tests.conftest import empty_tables
from tests.migrating import alembic_config
from tests.scenarios import open_cycle


def tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def cycle_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("cycles")}


def test_the_actions_come_and_go_with_the_migration(migrations_app):
    command.upgrade(alembic_config(), "head")
    try:
        world = factories.make_world()
        letter = letter_with_points(open_cycle(world), world.authority, world.lead)
        add(world.director, letter, status="dropped", dropped_reason="Superseded")
        ids = {"letter": letter.id, "user": world.director.id}
        db.session.remove()

        command.downgrade(alembic_config(), "0014_authority_changes")
        assert not {"actions", "action_status_changes"} & tables()
        assert not {"response_due_on", "actions_update_due_on"} & cycle_columns()

        command.upgrade(alembic_config(), "head")
        assert {"actions", "action_status_changes"} <= tables()
        assert {"response_due_on", "actions_update_due_on"} <= cycle_columns()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM actions")).scalar_one() == 0
        with db.engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(
                sa.text(
                    "INSERT INTO actions (letter_id, what, owner, due_on, status, dropped_reason, version, "
                    "created_at, created_by_id, updated_at, updated_by_id) VALUES (:letter, 'x', 'y', "
                    "'2030-01-01', 'dropped', '', 1, '2030-01-01', :user, '2030-01-01', :user)"
                ),
                ids,
            )
    finally:
        db.session.remove()
        empty_tables()
