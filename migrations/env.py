"""Alembic's environment: the application's engine and models, batch mode for SQLite."""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

from peerchallenge.page_cache import RAISE_BOTH_STAMPS, UNSEEN_BY_PAGES, DataStamp

config = context.config
# Leave the host's logging alone when it has its own (the tests, a running app).
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

migrate_extension = current_app.extensions["migrate"]
target_metadata = migrate_extension.db.metadata


def skip_empty_autogenerate(context_, revision, directives):
    """`flask db migrate` with no model changes writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logging.getLogger("alembic.env").info("No changes in the models.")


def render_item(type_, obj, autogen_context):
    """Write the app's UTC timestamp type as the plain column type it stores."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=migrate_extension.db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        **migrate_extension.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with migrate_extension.db.engine.connect() as connection:
        # The migrations' statements do not raise the stamps (peerchallenge/page_cache.py): their table may
        # not be there yet. They are raised once at the end, so that workers still running drop what they
        # kept.
        connection.execution_options(**{UNSEEN_BY_PAGES: True})
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=skip_empty_autogenerate,
            render_item=render_item,
            **migrate_extension.configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sa.inspect(connection).has_table(DataStamp.__tablename__):
            connection.exec_driver_sql(RAISE_BOTH_STAMPS)
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
