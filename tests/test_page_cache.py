"""Kept pages (peerchallenge/page_cache.py): a page asked for again is served as it was, and only while
nothing in the database has changed since; anything written, by a request or outside one, shows at once."""

import re
import time

import sqlalchemy as sa
from alembic import command

from peerchallenge.accounts.services import make_set_password_token
from peerchallenge.extensions import db
from peerchallenge.page_cache import UNSEEN_BY_PAGES, DataStamp, KeptPage, PageCache
from peerchallenge.regions.models import Region
from tests import factories
from tests.migrating import alembic_config
from tests.monitoring.builders import counting_queries
from tests.scenarios import approve_and_release, submit_both


def stamp() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(sa.select(DataStamp.value))


def nonce_of(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found
    return found.group(1)


def kept(client, url: str):
    """The page after it has been asked for twice (the first view after signing in shows a message)."""
    client.get(url)
    client.get(url)
    with counting_queries() as statements:
        response = client.get(url)
    return response, statements


def test_a_page_asked_for_again_is_served_as_kept_with_a_nonce_of_its_own(world, sign_in):
    client = sign_in(world.director)
    client.get("/account")
    first = client.get("/account")
    response, statements = kept(client, "/account")
    assert response.status_code == 200
    assert len(statements) == 1  # the session's person, with the stamp: the page was not rendered
    first_nonce, nonce = nonce_of(first), nonce_of(response)
    assert first_nonce != nonce
    body = response.get_data(as_text=True)
    assert f'nonce="{nonce}"' in body and first_nonce not in body
    assert body == first.get_data(as_text=True).replace(first_nonce, nonce)
    assert response.headers["Cache-Control"] == "no-store"  # still never kept by a browser or a proxy


def test_a_change_saved_shows_at_once(world, sign_in):
    client = sign_in(world.director)
    response, _ = kept(client, "/account")
    assert "Dear Dana," in response.get_data(as_text=True)
    saved = client.post("/account/address", data={"salutation": "Dr Director"})
    assert saved.status_code == 302
    client.get("/account")  # shows the flashed message
    response, statements = kept(client, "/account")
    assert "Dear Dr Director," in response.get_data(as_text=True) and len(statements) == 1


def test_a_change_made_outside_any_request_shows_at_once(world, sign_in):
    """As a `flask` command or another worker writes: the commit raises the stamp, whoever makes it."""
    client = sign_in(world.director)
    kept(client, "/account")
    world.director.name = "Dana Renamed"
    db.session.commit()
    with counting_queries() as statements:
        response = client.get("/account")
    assert "Dana Renamed" in response.get_data(as_text=True) and len(statements) > 1


def test_a_read_recorded_by_one_person_shows_on_the_page_another_kept(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    approve_and_release(lead, letter)
    name = reviewing.reviewed_director.name

    def first_read() -> str:
        page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
        row = re.search(rf">{re.escape(name)}</th>\s*<td[^>]*>([^<]+)</td>", page)
        assert row
        return row.group(1)

    kept(lead, f"/letters/{letter.id}")
    assert first_read() == "Not read yet"
    director = sign_in(reviewing.reviewed_director)
    director.get(f"/letters/{letter.id}/read")  # the first reading is recorded: a GET that writes
    assert first_read() not in ("Not read yet", "")


def test_a_view_that_writes_is_rendered_every_time(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    approve_and_release(lead, letter)
    director = sign_in(reviewing.reviewed_director)
    director.get("/account")
    with counting_queries() as first:
        director.get(f"/letters/{letter.id}/read")  # writes the read and its audit event: not kept
    with counting_queries() as second:
        response = director.get(f"/letters/{letter.id}/read")
    assert response.status_code == 200
    assert any(statement.startswith("INSERT") for statement in first)
    assert len(second) > 1  # rendered: the first view wrote, so it was not kept


def test_a_message_flashed_since_is_shown_not_the_kept_page(world, sign_in):
    client = sign_in(world.director)
    kept(client, "/account")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "A message for this page")]
    assert "A message for this page" in client.get("/account").get_data(as_text=True)


def test_a_set_password_link_held_in_the_session_is_shown_once_not_the_kept_page(world, sign_in):
    """A lead adds someone with no email set up: the link to pass on is shown once, from the session."""
    lead = sign_in(world.lead)
    kept(lead, f"/users/{world.director.id}")
    with lead.session_transaction() as session:
        session[f"set_password_link_{world.director.id}"] = "a-token"
    assert "/set-password/a-token" in lead.get(f"/users/{world.director.id}").get_data(as_text=True)
    assert "/set-password/a-token" not in lead.get(f"/users/{world.director.id}").get_data(as_text=True)


def test_an_ended_session_gets_no_kept_page(world, sign_in):
    client = sign_in(world.director)
    kept(client, "/account")
    other = sign_in(world.director)
    assert other.post("/account/sign-out-everywhere").status_code == 302
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_deactivated_person_gets_no_kept_page(world, sign_in):
    client = sign_in(world.director)
    kept(client, "/account")
    world.director.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_each_session_has_its_own_pages_and_csrf_tokens(app, world, sign_in):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = sign_in_with_token(app, world.director), sign_in_with_token(app, world.director)
    one, _ = kept(first, "/account/address")
    two, statements = kept(second, "/account/address")
    assert len(statements) == 1
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    first_token = token.search(one.get_data(as_text=True))
    second_token = token.search(two.get_data(as_text=True))
    assert first_token and second_token and first_token.group(1) != second_token.group(1)
    posted = second.post("/account/address", data={"salutation": "Dr D", "csrf_token": second_token.group(1)})
    assert posted.status_code == 302


def sign_in_with_token(app, user):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found
    response = client.post(
        "/sign-in", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": found.group(1)}
    )
    assert response.status_code == 302
    return client


def test_nothing_is_kept_when_the_cache_is_off(app, world, sign_in):
    app.config["PAGE_CACHE_BYTES"] = 0
    client = sign_in(world.director)
    _, statements = kept(client, "/account")
    assert len(statements) > 1


def test_the_stamp_rises_once_for_each_commit_that_writes(app, world):
    before = stamp()
    db.session.scalar(sa.select(Region.id).limit(1))
    db.session.commit()
    assert stamp() == before  # read only
    world.region.display_name = "Changed, then not"
    db.session.flush()
    db.session.rollback()
    assert stamp() == before  # rolled back
    region = db.session.get(Region, world.region.id)
    region.display_name, world.other_region.display_name = "East", "West"
    db.session.commit()
    assert stamp() == before + 1  # two rows, one commit
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Region).values(display_name="Unseen"), execution_options={UNSEEN_BY_PAGES: True}
        )
    assert stamp() == before + 1  # marked as shown on no page
    with db.engine.begin() as connection:
        connection.execute(sa.update(Region).values(display_name="Seen"))
    assert stamp() == before + 2


def page(stamp: int, size: int, seconds: float = 60) -> KeptPage:
    return KeptPage(stamp, time.monotonic() + seconds, b"nonce", "text/html", b"x" * size)


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("a",), page(1, 100))
    cache.put(("b",), page(1, 100))
    assert cache.get(("a",), 1) is not None  # a is now the most recently used
    for name in "cdefghijk":  # eleven pages of 100 bytes in 1,000
        cache.put((name,), page(1, 100))
    assert cache.size <= 1000
    assert cache.get(("b",), 1) is None and cache.get(("a",), 1) is not None
    cache.put(("big",), page(1, 200))  # more than an eighth of the whole: not kept
    assert cache.get(("big",), 1) is None


def test_a_kept_page_of_another_stamp_or_too_old_is_dropped():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("a",), page(1, 10))
    assert cache.get(("a",), 2) is None and cache.get(("a",), 1) is None and cache.size == 0
    cache.put(("b",), page(1, 10, seconds=-1))  # expired a second ago
    assert cache.get(("b",), 1) is None and cache.size == 0


def test_the_migrations_raise_the_stamp_once_when_they_have_run(migrations_app):
    """So that workers still running the old code drop the pages they kept (migrations/env.py)."""
    before = stamp()
    command.upgrade(alembic_config(), "head")
    assert stamp() == before + 1


def test_a_set_password_form_is_never_kept(world, sign_in):
    """A link's age closes the form without anything written."""
    client = sign_in(world.director)
    url = f"/set-password/{make_set_password_token(world.contributor)}"
    _, statements = kept(client, url)
    assert len(statements) > 1
