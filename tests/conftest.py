"""Fixtures: an app on a migrated test database, a client, factories and a way to sign in as anyone.

The database is SQLite in a temporary folder, or the one in TEST_DATABASE_URL (PostgreSQL in CI).
Its schema comes from the migrations, as in production; every test starts with empty tables.
"""

import contextlib
import contextvars
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from config import normalise_database_url
from peerchallenge import create_app
from peerchallenge.accounts.models import Role
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.demo.cycle import demo_cycle_title, seed_demo_cycle
from peerchallenge.demo.groups import seed_groups_cycle
from peerchallenge.demo.seed import DEMO_REGION, seed_demo
from peerchallenge.extensions import db
from peerchallenge.page_cache import UNSEEN_BY_PAGES, DataStamp
from peerchallenge.regions.models import Region
from tests import factories
from tests.migrating import alembic_config
from tests.scenarios import (
    NAMES,
    Region6,
    move_to,
    open_cycle,
    publish,
    reviewing_of,
    sign_off,
)

# Properties say what is true, not how fast: one example of the repeated-text properties ran past hypothesis's
# 200 ms deadline on a busy machine. Time linear in the input is asserted by the growth tests
# (tests/test_pathological.py), measured as ratios, not by a deadline.
settings.register_profile("peerchallenge", deadline=None)
settings.load_profile("peerchallenge")

pytest_plugins = ("tests.accessibility",)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole test run.

    Every test builds its own app, and with it a Jinja environment that would otherwise parse and compile each
    template it renders again: about a third of a typical test's time. Jinja checks each template's source
    against the stored checksum, so a changed template is compiled afresh.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def make_app(database_url: str, **overrides) -> Flask:
    """The app as the tests run it: the testing settings on the test database, templates compiled once."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = worker_database(normalise_database_url(url))
        reset_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own on the server, named after it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_database(url: str) -> None:
    """Drop everything in a server database so the migrations start from nothing."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            metadata.drop_all(connection)
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, `g` and database session.

    Without this, requests would share the test's app context, and with it the signed-in user
    cached in `g` and the test's database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


# One app per test database for the whole run (a worker's): building one compiles its ~100 URL rules, about
# 70 ms, which across the suite is minutes. Each test gets its own app context and the settings as built.
APPS: dict[str, Flask] = {}


@contextlib.contextmanager
def app_for_test(database_url: str, *, empty_after: bool) -> Iterator[Flask]:
    """The run's app on `database_url`, in an app context of the test's own; its settings restored after."""
    if database_url not in APPS:
        APPS[database_url] = make_app(database_url)
        APPS[database_url].test_client_class = IsolatedClient
    app = APPS[database_url]
    settings = dict(app.config)
    # Each test starts with nothing kept, as a worker does: a copy of the demo brings the stamps back to the
    # snapshot's, so a file kept for the same person in an earlier test could match them.
    app.extensions["page_cache"].clear()
    with app.app_context():
        yield app
        db.session.remove()
        if empty_after:
            empty_tables()
        db.engine.dispose()
    app.config.clear()
    app.config.update(settings)


@pytest.fixture
def app(database_url):
    with app_for_test(database_url, empty_after=True) as app:
        yield app


# The demo (`flask seed-demo`'s Eastern Region, this year's cycle and last year's, and the South East's cycle
# in triads) takes seconds to seed. It is seeded once per run into a database of its own, and each test that
# reads it gets a fresh copy: SQLite copies the file, PostgreSQL creates the copy from the seeded database
# as a template.
DEMO_DAY = date(2026, 11, 26)
DEMO_PASSWORD = "demo password"


@pytest.fixture(scope="session")
def demo_snapshot_url(database_url, tmp_path_factory) -> str:
    url = sibling_database(database_url, "demo", tmp_path_factory)
    app = make_app(url)
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        upgrade()
        # Hashing the demo's passwords at full strength is slow and beside the point in the tests.
        patch.setattr(
            "peerchallenge.accounts.models.generate_password_hash",
            lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
        )
        seeded = seed_demo(DEMO_PASSWORD)
        seed_demo_cycle(seeded.region, DEMO_DAY)
        seed_groups_cycle(seeded.regions[1], DEMO_DAY)  # the South East, in triads
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def sibling_database(database_url: str, suffix: str, tmp_path_factory) -> str:
    """A new, empty database beside the test database: a file in SQLite, a database on the same server."""
    base = sa.engine.make_url(database_url)
    if base.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(suffix) / f'{suffix}.sqlite'}"
    url = base.set(database=f"{base.database}_{suffix}")
    server_command(database_url, f'DROP DATABASE IF EXISTS "{url.database}"')
    server_command(database_url, f'CREATE DATABASE "{url.database}"')
    return url.render_as_string(hide_password=False)


def server_command(database_url: str, statement: str) -> None:
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture
def demo_app(demo_snapshot_url, database_url):
    """An app on a fresh copy of the seeded demo, in an app context of its own."""
    snapshot = sa.engine.make_url(demo_snapshot_url)
    if snapshot.get_backend_name() == "sqlite":
        assert snapshot.database is not None
        copy = Path(snapshot.database).with_name("demo-copy.sqlite")
        shutil.copyfile(snapshot.database, copy)
        url = f"sqlite:///{copy}"
    else:
        name = f"{snapshot.database}_copy"
        url = snapshot.set(database=name).render_as_string(hide_password=False)
        server_command(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        server_command(database_url, f'CREATE DATABASE "{name}" TEMPLATE "{snapshot.database}"')
    with app_for_test(url, empty_after=False) as app:  # the next test copies the demo over it
        yield app


@dataclass
class Demo:
    region: Region
    cycle: Cycle  # this year's


@pytest.fixture
def demo(demo_app) -> Demo:
    region = db.session.scalar(sa.select(Region).where(Region.name == DEMO_REGION))
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.title == demo_cycle_title(DEMO_DAY.year)))
    assert region is not None and cycle is not None
    return Demo(region, cycle)


def empty_tables() -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The audit log refuses DELETE there (a trigger); TRUNCATE stays with the database owner.
            connection.execute(sa.text(f"TRUNCATE {AuditEvent.__tablename__}"))
        for table in reversed(db.metadata.sorted_tables):
            if table.name == DataStamp.__tablename__:
                continue  # its one row stays, and its number only grows: kept pages of one test never match
            if table.name != AuditEvent.__tablename__ or connection.dialect.name != "postgresql":
                connection.execute(table.delete())


@pytest.fixture
def make_site(app, database_url):
    """Build another app on the test database, for settings read only when the app is created."""
    sites = []

    def make(**overrides):
        site = make_app(database_url, **overrides)
        sites.append(site)
        return site

    yield make
    for site in sites:
        with site.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sign_in(app):
    """Sign a test client in as a user through the real sign-in form."""

    def sign_in_as(user, client=None):
        client = client or app.test_client()
        response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, "sign-in failed"
        return client

    return sign_in_as


@pytest.fixture
def world(app):
    """Two regions, each with two authorities, and one user in every role (plus an outsider)."""
    return factories.make_world()


@pytest.fixture
def live_server(app):
    """The app served over HTTP on loopback, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser_page(request):
    """A page in headless Debian Chromium, driven by Playwright; axe-core checks every page it shows."""
    if not CHROMIUM.exists():
        message = "Chromium is not installed at /usr/bin/chromium (.ci/run installs it)"
        # In CI a skipped browser test would pass unnoticed.
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    from tests.accessibility import unwatch_page, watch_page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        request.node.axe_watch = watch_page(page)
        yield page
        unwatch_page(page)
        context.close()
        browser.close()


@pytest.fixture
def client_for(world, client, sign_in):
    """A client signed in as the named person of the world, or signed out for 'anonymous'."""

    def make(person: str):
        user = world.user(person)
        return client if user is None else sign_in(user)

    return make


@pytest.fixture
def six(app, world):
    """Region A topped up to six authorities, each with a director and a contributor; an open cycle."""
    region = world.region
    world.authority.name, world.sibling.name = NAMES[0], NAMES[1]
    authorities = [world.authority, world.sibling] + [
        factories.make_authority(region, name) for name in NAMES[2:]
    ]
    directors = [world.director, world.sibling_director] + [
        factories.make_user((Role.DIRECTOR, authority)) for authority in authorities[2:]
    ]
    contributors = [world.contributor] + [
        factories.make_user((Role.CONTRIBUTOR, authority)) for authority in authorities[1:]
    ]
    db.session.commit()
    return Region6(region, authorities, directors, contributors, world.lead, open_cycle(world))


@pytest.fixture
def migrations_app(database_url):
    """An app on the test database with no session open, so that tables can be dropped under it."""
    app = make_app(database_url)
    with app.app_context():
        # Rows written at an older schema are seen by no page, and data_stamps may not be there to raise.
        db.engine.update_execution_options(**{UNSEEN_BY_PAGES: True})
        yield app
        db.session.remove()
        # Whatever the test did, hand the database back at head for the tests that follow.
        command.upgrade(alembic_config(), "head")
        db.engine.dispose()


@pytest.fixture
def published(six):
    """The assignment published; no self-assessment signed off yet."""
    publish(six)
    return reviewing_of(six)


@pytest.fixture
def reviewing(published):
    """The assignment published and every self-assessment signed off: reviews can start."""
    sign_off(published.six, published.six.authorities)
    move_to(published.cycle, published.lead, CycleState.REVIEWING)
    return published


@pytest.fixture
def cycle(world):
    return open_cycle(world)
