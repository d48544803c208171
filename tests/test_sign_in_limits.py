"""Limits on signing in: failures only, per address (Flask-Limiter) and per email address (in the database).

Per account it is throttling, never a lockout: the right password after the wait always passes.
"""

import html
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.accounts import services
from peerchallenge.accounts.models import SignInThrottle
from peerchallenge.accounts.services import (
    FIRST_WAIT,
    LONGEST_WAIT,
    describe_wait,
    wait_after_failures,
)
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow
from tests import factories

SIGN_IN_ERROR = "Enter a correct email address and password"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def attempt(client, email, password, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def throttle(email: str) -> SignInThrottle | None:
    db.session.expire_all()
    return db.session.get(SignInThrottle, email)


def let_the_wait_pass(email: str) -> None:
    """Move the wait into the past, as if the time had gone by."""
    row = throttle(email)
    row.wait_until = utcnow() - timedelta(seconds=1)
    row.last_failed_at = utcnow() - timedelta(seconds=31)
    db.session.commit()


def failures_recorded() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.kind == "sign_in_failed")
    )


# The per-address limit ------------------------------------------------------------------------------------


def test_successful_sign_ins_do_not_count_towards_the_address_limit(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")

    # A whole office behind one address signs in, more often than the limit.
    for user in [world.director, world.contributor, world.lead, world.sibling_director, world.director]:
        assert attempt(site.test_client(), user.email, factories.PASSWORD).status_code == 302


def test_failures_count_towards_the_address_limit_and_successes_do_not_reset_it(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    client = site.test_client()

    assert attempt(client, world.director.email, "typo").status_code == 401
    assert attempt(site.test_client(), world.director.email, factories.PASSWORD).status_code == 302
    assert attempt(client, world.contributor.email, "typo").status_code == 401
    assert attempt(client, "nobody@test.example", "guess").status_code == 401

    refused = attempt(client, world.lead.email, factories.PASSWORD)
    assert refused.status_code == 429
    assert "<title>Too many attempts" in text(refused)


# The per-account wait -------------------------------------------------------------------------------------


def test_the_wait_grows_from_30_seconds_doubling_to_15_minutes():
    waits = [wait_after_failures(failures) for failures in range(1, 14)]

    assert waits[:4] == [timedelta(0)] * 4
    assert waits[4:10] == [timedelta(seconds=seconds) for seconds in (30, 60, 120, 240, 480, 900)]
    assert set(waits[10:]) == {LONGEST_WAIT}
    assert wait_after_failures(10_000) == LONGEST_WAIT
    assert waits[4] == FIRST_WAIT


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (30, "30 seconds"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_waits_are_said_in_words(seconds, words):
    assert describe_wait(seconds) == words


def test_five_failures_make_the_account_wait_and_the_page_says_how_long(world, client):
    email = world.director.email
    for _ in range(4):
        assert attempt(client, email, "guess").status_code == 401
    assert throttle(email).wait_until is None

    fifth = attempt(client, email, "guess")
    assert fifth.status_code == 401
    assert SIGN_IN_ERROR in text(fifth)

    # During the wait even the right password is refused, without being checked.
    waiting = attempt(client, email, factories.PASSWORD)
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 30
    page = text(waiting)
    assert "govuk-error-summary" in page
    assert "Wait 30 seconds before trying again" in page or "Wait 29 seconds before trying again" in page
    assert failures_recorded() == 5  # the refused attempt was not checked, so not counted
    assert throttle(email).failures == 5


def test_the_right_password_after_the_wait_always_passes(world, client):
    email = world.director.email
    for _ in range(5):
        attempt(client, email, "guess")

    let_the_wait_pass(email)
    response = attempt(client, email, factories.PASSWORD)

    assert response.status_code == 302
    assert throttle(email) is None  # the count starts again


def test_a_wrong_password_after_the_wait_doubles_it(world, client):
    email = world.director.email
    for _ in range(5):
        attempt(client, email, "guess")
    let_the_wait_pass(email)

    assert attempt(client, email, "guess again").status_code == 401
    response = attempt(client, email, factories.PASSWORD)

    assert response.status_code == 429
    assert "Wait 1 minute before trying again" in text(response)
    assert throttle(email).failures == 6


def test_the_wait_belongs_to_one_email_address_only(world, client):
    for _ in range(5):
        attempt(client, world.director.email, "guess")

    # The same address, another account: a colleague in the same office signs in.
    assert attempt(client, world.contributor.email, factories.PASSWORD).status_code == 302


def test_an_email_nobody_has_waits_in_the_same_way(world, client):
    pages = []
    for email in (world.director.email, "nobody@test.example"):
        statuses = [attempt(client, email, "guess").status_code for _ in range(5)]
        waiting = attempt(client, email, "guess")
        assert statuses == [401] * 5
        assert waiting.status_code == 429
        page = re.sub(r"Wait \d+ seconds", "Wait N seconds", text(waiting).replace(email, "EMAIL"))
        pages.append(re.sub(r'nonce="[^"]*"', "", page))
    assert "Wait N seconds before trying again" in pages[0]
    assert pages[0] == pages[1]


def test_the_email_is_counted_however_it_is_typed(world, client):
    for typed in (
        "Nobody@Test.Example",
        " nobody@test.example",
        "NOBODY@test.example",
        "nobody@test.example",
        "x",
    ):
        attempt(client, typed if typed != "x" else "nobody@TEST.example", "guess")

    assert throttle("nobody@test.example").failures == 5
    assert attempt(client, "nobody@test.example", "guess").status_code == 429


def test_failures_long_ago_are_forgotten(world, client):
    email = world.director.email
    for _ in range(4):
        attempt(client, email, "guess")
    row = throttle(email)
    row.last_failed_at = utcnow() - timedelta(minutes=16)
    db.session.commit()

    assert attempt(client, email, "guess").status_code == 401

    assert throttle(email).failures == 1
    assert throttle(email).wait_until is None


def test_counts_quiet_for_a_day_are_cleared_away(world, client):
    db.session.add(
        SignInThrottle(email="old@test.example", failures=3, last_failed_at=utcnow() - timedelta(days=2))
    )
    db.session.add(SignInThrottle(email="recent@test.example", failures=3, last_failed_at=utcnow()))
    db.session.commit()

    attempt(client, world.director.email, "guess")

    assert throttle("old@test.example") is None
    assert throttle("recent@test.example").failures == 3
    assert throttle(world.director.email).failures == 1


def test_several_workers_share_the_count(world, make_site):
    """Two apps on one database, as two workers would be: the count is in the database, not in memory."""
    first, second = make_site(), make_site()
    email = world.director.email

    for number in range(5):
        site = first if number % 2 else second
        assert attempt(site.test_client(), email, "guess").status_code == 401

    assert attempt(first.test_client(), email, factories.PASSWORD).status_code == 429
    assert attempt(second.test_client(), email, factories.PASSWORD).status_code == 429


def test_a_deactivated_accounts_failures_count_like_any_other(world, client):
    world.director.active = False
    db.session.commit()

    for _ in range(5):
        assert attempt(client, world.director.email, factories.PASSWORD).status_code == 401

    assert attempt(client, world.director.email, factories.PASSWORD).status_code == 429


def test_waiting_attempts_count_towards_the_address_limit(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="7 per minute")
    client = site.test_client()
    for _ in range(5):
        assert attempt(client, world.director.email, "guess").status_code == 401
    assert attempt(client, world.director.email, "guess").status_code == 429  # the account waits

    # The seventh failure from this address is its last this minute.
    assert attempt(client, world.contributor.email, "guess").status_code == 401
    refused = attempt(client, world.contributor.email, factories.PASSWORD)
    assert refused.status_code == 429
    assert "<title>Too many attempts" in text(refused)


# Trusting a reverse proxy ---------------------------------------------------------------------------------


def test_the_forwarded_address_is_ignored_unless_proxies_are_trusted(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="2 per minute")
    for number in range(2):
        forged = {"X-Forwarded-For": f"198.51.100.{number}"}
        assert attempt(site.test_client(), "nobody@test.example", "x", headers=forged).status_code == 401

    forged = {"X-Forwarded-For": "198.51.100.99"}
    assert (
        attempt(site.test_client(), world.director.email, factories.PASSWORD, headers=forged).status_code
        == 429
    )


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="2 per minute", PROXY_COUNT=1)
    office = {"X-Forwarded-For": "198.51.100.7"}
    for _ in range(2):
        assert attempt(site.test_client(), "nobody@test.example", "x", headers=office).status_code == 401

    assert (
        attempt(site.test_client(), world.director.email, factories.PASSWORD, headers=office).status_code
        == 429
    )
    elsewhere = {"X-Forwarded-For": "203.0.113.5"}
    assert (
        attempt(site.test_client(), world.director.email, factories.PASSWORD, headers=elsewhere).status_code
        == 302
    )
    # Only the address the trusted proxy added counts, not one the client put in front of it.
    spoofed = {"X-Forwarded-For": "203.0.113.200, 198.51.100.7"}
    assert (
        attempt(site.test_client(), world.director.email, factories.PASSWORD, headers=spoofed).status_code
        == 429
    )


# Failures at the same moment ------------------------------------------------------------------------------


def test_failures_at_the_same_moment_are_all_counted(world, app):
    """Workers failing the same email at once (the first failure included) lose no count and raise nothing."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock and upsert matter on PostgreSQL")
    attempts = 6
    barrier = threading.Barrier(attempts)
    errors = []

    def fail_once():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                assert services.authenticate("nobody@test.example", "guess") is None
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (reported by the assertion below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=fail_once) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert throttle("nobody@test.example").failures == attempts
    assert throttle("nobody@test.example").wait_until is not None
