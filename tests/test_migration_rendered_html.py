"""Migration 0006 renders the Markdown of rows saved before it, with the service's one renderer."""

import sqlalchemy as sa
from alembic import command

from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState, LetterVersion, VersionSource
from peerchallenge.sanitise import render_markdown
from peerchallenge.submissions import services as submission_services
from tests import factories
from tests.conftest import empty_tables
from tests.migrating import alembic_config
from tests.scenarios import open_cycle, self_assessment_md


def test_upgrade_fills_the_html_of_existing_rows(migrations_app):
    command.upgrade(alembic_config(), "head")
    try:
        world = factories.make_world()
        cycle = open_cycle(world)
        submission_services.upload_version(
            world.contributor, cycle, world.authority, "ours.md", self_assessment_md(extra="Some *emphasis*.")
        )
        letter = Letter(
            cycle=cycle, authority=world.authority, state=LetterState.RELEASED, response="We *will*."
        )
        letter.versions.append(LetterVersion(number=1, body="# Dear director", source=VersionSource.COMPOSED))
        db.session.add(letter)
        db.session.commit()
        db.session.remove()

        command.downgrade(alembic_config(), "0006-1")  # the columns go, the rows stay
        command.upgrade(alembic_config(), "head")

        with db.engine.connect() as connection:
            rendered = [
                *connection.execute(sa.text("SELECT markdown, html FROM section_texts")),
                *connection.execute(sa.text("SELECT body, body_html FROM letter_versions")),
                *connection.execute(sa.text("SELECT response, response_html FROM letters")),
            ]
        assert len(rendered) > 3
        assert all(html == str(render_markdown(markdown)) for markdown, html in rendered)
        assert ("# Dear director", "<h1>Dear director</h1>\n") in rendered
        assert ("We *will*.", "<p>We <em>will</em>.</p>\n") in rendered
    finally:
        db.session.remove()
        empty_tables()
