"""Migration 0012_letter_upload: a letter version may come from a Word upload; going back down keeps such a
version's text and calls it an edit."""

import pytest
import sqlalchemy as sa
from alembic import command

from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState, LetterVersion, VersionSource
from tests import factories
from tests.conftest import empty_tables
from tests.migrating import alembic_config
from tests.scenarios import open_cycle


def sources() -> list[tuple[str, str]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text("SELECT source, body FROM letter_versions"))]


def test_an_uploaded_version_is_allowed_and_becomes_an_edit_on_the_way_down(migrations_app):
    command.upgrade(alembic_config(), "head")
    try:
        world = factories.make_world()
        letter = Letter(
            cycle=open_cycle(world), authority=world.authority, state=LetterState.COMPOSED, response=""
        )
        letter.versions.append(LetterVersion(number=1, body="From Word\n", source=VersionSource.UPLOADED))
        db.session.add(letter)
        db.session.commit()
        db.session.remove()
        assert sources() == [("uploaded", "From Word\n")]

        command.downgrade(alembic_config(), "0011_letter_choices")
        assert sources() == [("edited", "From Word\n")]
        with db.engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text("UPDATE letter_versions SET source = 'uploaded'"))

        command.upgrade(alembic_config(), "head")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE letter_versions SET source = 'uploaded'"))
        assert sources() == [("uploaded", "From Word\n")]
    finally:
        db.session.remove()
        empty_tables()
