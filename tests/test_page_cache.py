"""Kept pages (peerchallenge/page_cache.py): a page asked for again is served as it was, and only while
nothing in the database has changed since; anything written, by a request or outside one, shows at once."""

import re
import time

import sqlalchemy as sa
from alembic import command

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.services import make_set_password_token
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from peerchallenge.page_cache import AUDIT, DATA, UNSEEN_BY_PAGES, DataStamp, KeptPage, PageCache
from peerchallenge.regions.models import Region
from tests import factories
from tests.actions.builders import add, released_letter
from tests.migrating import alembic_config
from tests.monitoring.builders import counting_queries
from tests.scenarios import approve_and_release, submit_both


def stamp(which: int = DATA) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(sa.select(DataStamp.value).where(DataStamp.id == which))


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


def page(stamp: int, size: int, seconds: float = 60, audit: int | None = None) -> KeptPage:
    body = b"x" * size
    return KeptPage((stamp, audit), time.monotonic() + seconds, size, b"nonce", "text/html", body)


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("a",), page(1, 100))
    cache.put(("b",), page(1, 100))
    assert cache.get(("a",), (1, 0)) is not None  # a is now the most recently used
    for name in "cdefghijk":  # eleven pages of 100 bytes in 1,000
        cache.put((name,), page(1, 100))
    assert cache.size <= 1000
    assert cache.get(("b",), (1, 0)) is None and cache.get(("a",), (1, 0)) is not None
    cache.put(("big",), page(1, 200))  # more than an eighth of the whole: not kept
    assert cache.get(("big",), (1, 0)) is None


def test_a_kept_page_of_another_stamp_or_too_old_is_dropped():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("a",), page(1, 10))
    assert cache.get(("a",), (2, 0)) is None and cache.get(("a",), (1, 0)) is None and cache.size == 0
    cache.put(("b",), page(1, 10, seconds=-1))  # expired a second ago
    assert cache.get(("b",), (1, 0)) is None and cache.size == 0


def test_a_cleared_cache_keeps_nothing():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("a",), page(1, 10))
    cache.clear()
    assert cache.get(("a",), (1, 0)) is None and cache.size == 0


def test_only_a_page_that_read_audit_events_compares_the_audit_stamp():
    cache = PageCache(max_bytes=1000, seconds=60)
    cache.put(("page",), page(1, 10))
    cache.put(("audit log",), page(1, 10, audit=5))
    assert cache.get(("page",), (1, 6)) is not None  # audit events written since: still current
    assert cache.get(("audit log",), (1, 6)) is None


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


def test_an_audit_event_raises_the_audit_stamp_and_not_the_data_stamp(app, world):
    data, audit = stamp(), stamp(AUDIT)
    db.session.add(AuditEvent(kind="test", summary="Only an event"))
    db.session.commit()
    assert (stamp(), stamp(AUDIT)) == (data, audit + 1)
    db.session.add(AuditEvent(kind="test", summary="An event and a change"))
    world.region.display_name = "East"
    db.session.commit()
    assert (stamp(), stamp(AUDIT)) == (data + 1, audit + 2)


def test_an_audited_download_drops_no_kept_page_but_shows_on_the_audit_log(world, sign_in):
    lead = sign_in(world.lead)
    kept(lead, "/account")
    kept(lead, "/audit")
    assert "exported the region" not in lead.get("/audit").get_data(as_text=True).lower()
    data = stamp()
    assert lead.get(f"/regions/{world.region.id}/actions.csv").status_code == 200
    assert stamp() == data  # only its audit event was written
    with counting_queries() as statements:
        assert lead.get("/account").status_code == 200
    assert len(statements) == 1  # still kept
    with counting_queries() as statements:
        log = lead.get("/audit").get_data(as_text=True)
    assert len(statements) > 1 and "Downloaded" in log and "actions" in log


def test_a_download_asked_for_again_is_not_made_again_but_is_audited_each_time(world, sign_in):
    letter = released_letter(world)
    add(world.director, letter, what="Audit supervision")
    lead = sign_in(world.lead)
    url = f"/regions/{world.region.id}/actions.csv"
    first = lead.get(url)
    with counting_queries() as statements:
        second = lead.get(url)
    assert second.data == first.data and "Audit supervision" in second.get_data(as_text=True)
    assert not any("FROM actions" in statement for statement in statements)  # not made again
    exported = sa.select(sa.func.count()).where(AuditEvent.kind == "actions_exported")
    assert db.session.scalar(exported) == 2
    other = sign_in(world.lead)  # signing in writes: signed in before the change and the download
    add(world.director, letter, what="Publish the offer")  # a change: made again
    assert "Publish the offer" in lead.get(url).get_data(as_text=True)
    with counting_queries() as statements:
        response = other.get(url)  # another session of the same person shares it
    assert "Publish the offer" in response.get_data(as_text=True)
    assert not any("FROM actions" in statement for statement in statements)


def test_a_kept_download_is_for_the_person_who_asked(world, sign_in):
    letter = released_letter(world)
    add(world.director, letter, what="Audit supervision")
    second_lead = factories.make_user((Role.LEAD, world.region))
    first, second = sign_in(world.lead), sign_in(second_lead)
    url = f"/regions/{world.region.id}/actions.csv"
    first.get(url)
    with counting_queries() as statements:
        response = second.get(url)
    assert "Audit supervision" in response.get_data(as_text=True)
    assert any("FROM actions" in statement for statement in statements)


def test_no_statement_after_a_download_commits_reads_the_person_again(world, sign_in):
    lead = sign_in(world.lead)
    url = f"/regions/{world.region.id}/actions.csv"
    lead.get(url)
    with counting_queries() as statements:
        lead.get(url)
    after = statements[[s.split()[0] for s in statements].index("UPDATE") + 1 :]
    assert not any("FROM users" in statement for statement in after)
