"""Running the migrations from the tests."""

from flask import current_app


def alembic_config():
    return current_app.extensions["migrate"].migrate.get_config()
