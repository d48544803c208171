"""Migration 0009b_rubric: cycles made before it keep what they had, every scale on every section, every
scale ordered but self-knowledge, and every rating required."""

import sqlalchemy as sa
from alembic import command

from peerchallenge.extensions import db
from tests import factories
from tests.conftest import empty_tables
from tests.migrating import alembic_config
from tests.scenarios import open_cycle


def test_existing_cycles_keep_every_scale_on_every_section_and_every_rating_required(migrations_app):
    command.upgrade(alembic_config(), "head")
    try:
        world = factories.make_world()
        cycle = open_cycle(world)
        sections, scales = len(cycle.sections), len(cycle.scales)
        db.session.remove()

        command.downgrade(alembic_config(), "0008")  # the rubric's columns and links go, the cycle stays
        command.upgrade(alembic_config(), "head")

        with db.engine.connect() as connection:
            ordered = dict(connection.execute(sa.text("SELECT key, ordered FROM rating_scales")).all())
            links = connection.scalar(sa.text("SELECT count(*) FROM template_section_scales"))
            required = connection.scalar(sa.text("SELECT section_ratings_required FROM cycles"))
        assert {key: bool(value) for key, value in ordered.items()} == {
            "evidence": True,
            "brevity": True,
            "self_knowledge": False,
            "plans": True,
        }
        assert links == sections * scales
        assert bool(required) is True
    finally:
        db.session.remove()
        empty_tables()
