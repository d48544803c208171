"""The migrations: one head, the models' exact schema from an empty database, and a working downgrade.

These run on the shared test database and leave it at head, as the other tests expect.
"""

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from peerchallenge.extensions import db
from tests.conftest import reset_database
from tests.migrating import alembic_config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_drift() -> list:
    """What autogenerate would change to make the database match the models ([] when they agree)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def check_constraints_in_database() -> set[tuple[str, str]]:
    inspector = sa.inspect(db.engine)
    return {
        (table, check["name"])
        for table in db.metadata.tables
        for check in inspector.get_check_constraints(table)
    }


def check_constraints_in_models() -> set[tuple[str, str]]:
    return {
        (table.name, constraint.name)
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }


def partial_indexes_in_database() -> set[tuple[str, str]]:
    """Autogenerate compares an index's columns, not its WHERE clause: at least check it has one."""
    inspector = sa.inspect(db.engine)
    where = f"{db.engine.dialect.name}_where"
    return {
        (table, index["name"])
        for table in db.metadata.tables
        for index in inspector.get_indexes(table)
        if index.get("dialect_options", {}).get(where) is not None
    }


def partial_indexes_in_models() -> set[tuple[str, str]]:
    where = f"{db.engine.dialect.name}_where"
    return {
        (table.name, index.name)
        for table in db.metadata.sorted_tables
        for index in table.indexes
        if index.kwargs.get(where) is not None
    }


def assert_no_drift() -> None:
    assert schema_drift() == []
    # Autogenerate leaves CHECK constraints out of its comparison.
    assert check_constraints_in_database() == check_constraints_in_models()
    assert partial_indexes_in_database() == partial_indexes_in_models()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_there_is_exactly_one_head(migrations_app):
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: {heads}; merge them"


def test_upgrade_of_an_empty_database_gives_the_models_schema(migrations_app, database_url):
    reset_database(database_url)
    db.engine.dispose()
    assert table_names() == set()

    command.upgrade(alembic_config(), "head")

    assert current_revision() == head_revision()
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    assert_no_drift()


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(migrations_app):
    command.upgrade(alembic_config(), "head")

    command.downgrade(alembic_config(), "base")

    assert current_revision() is None
    assert table_names() == {"alembic_version"}
    inspector = sa.inspect(db.engine)
    if db.engine.dialect.name == "postgresql":
        assert inspector.get_sequence_names() == []
        assert inspector.get_enums() == []
        with db.engine.connect() as connection:
            functions = connection.scalar(
                sa.text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_append_only'")
            )
        assert functions == 0

    command.upgrade(alembic_config(), "head")

    assert current_revision() == head_revision()
    assert_no_drift()
