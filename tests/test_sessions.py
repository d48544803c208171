"""Sessions kept on the server: signing out ends one, "sign out everywhere" ends them all, and neither
spends an outstanding set-password link.

A copied cookie is the attacker's view: it is replayed from a fresh client after the session ended.
"""

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from peerchallenge.accounts.models import UserSession
from peerchallenge.accounts.services import SESSION_SEEN_INTERVAL
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow

NEW_PASSWORD = "a brand new long passphrase"
SET_PASSWORD_LINK = re.compile(r"<code>https?://[^/<]+(/set-password/[^<]+)</code>")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def is_signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def copied_cookie(client) -> str:
    """The session cookie's value, as someone who copied it from the browser would have it."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def client_with_cookie(app, value: str):
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def sessions_of(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


def set_password_link(lead_client, user) -> str:
    response = lead_client.post(f"/users/{user.id}/set-password-link", follow_redirects=True)
    match = SET_PASSWORD_LINK.search(text(response))
    assert match, "no link on the page"
    return match.group(1)


def test_a_copied_cookie_opens_nothing_after_sign_out(world, sign_in, app):
    director_client = sign_in(world.director)
    cookie = copied_cookie(director_client)
    assert is_signed_in(client_with_cookie(app, cookie))

    director_client.post("/sign-out")

    replayed = client_with_cookie(app, cookie)
    response = replayed.get(f"/regions/{world.region.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert not is_signed_in(replayed)
    assert sessions_of(world.director) == []


def test_signing_out_on_one_device_leaves_the_others_signed_in(world, sign_in):
    laptop = sign_in(world.director)
    phone = sign_in(world.director)
    assert len(sessions_of(world.director)) == 2

    laptop.post("/sign-out")

    assert not is_signed_in(laptop)
    assert is_signed_in(phone)
    assert len(sessions_of(world.director)) == 1


def test_sign_in_records_a_session_with_a_random_id_never_the_user_id(world, sign_in):
    client = sign_in(world.director)

    [record] = sessions_of(world.director)
    with client.session_transaction() as session:
        assert session["_user_id"] == record.id
    assert len(record.id) >= 40
    assert str(world.director.id) != record.id
    assert record.created_at <= utcnow() and record.last_seen_at <= utcnow()


def test_account_page_says_where_you_are_signed_in(world, sign_in):
    client = sign_in(world.director)
    sign_in(world.director)

    page = text(client.get("/account"))

    assert "<title>Your account" in page
    assert world.director.email in page
    assert "You are signed in on 2 devices or browsers, including this one." in page
    assert 'href="/account/sign-out-everywhere"' in page
    assert 'href="/account/password"' in page


def test_sign_out_everywhere_asks_first_then_ends_every_session(world, sign_in, app):
    here = sign_in(world.director)
    elsewhere = sign_in(world.director)
    cookie = copied_cookie(elsewhere)
    bystander = sign_in(world.contributor)

    confirm = here.get("/account/sign-out-everywhere")
    assert confirm.status_code == 200
    assert "Are you sure you want to sign out everywhere?" in text(confirm)
    assert "govuk-button--warning" in text(confirm)
    assert len(sessions_of(world.director)) == 2  # asking changes nothing

    response = here.post("/account/sign-out-everywhere", follow_redirects=True)

    assert response.request.path == "/sign-in"
    assert "You have signed out on every device." in text(response)
    assert not is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(client_with_cookie(app, cookie))
    assert is_signed_in(bystander)
    assert sessions_of(world.director) == []
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "signed_out_everywhere"))
    assert event.actor_id == event.subject_user_id == world.director.id
    assert event.details["sessions"] == 2
    # Signing in again works as usual.
    assert is_signed_in(sign_in(world.director))


def test_sign_out_everywhere_needs_a_signed_in_person_and_the_csrf_token(world, sign_in, app, client):
    assert client.post("/account/sign-out-everywhere").status_code == 302
    director_client = sign_in(world.director)
    app.config["WTF_CSRF_ENABLED"] = True

    assert director_client.post("/account/sign-out-everywhere").status_code == 400
    assert is_signed_in(director_client)


def test_an_outstanding_set_password_link_survives_sign_out_everywhere(world, sign_in, app):
    lead_client = sign_in(world.lead)
    link = set_password_link(lead_client, world.director)
    director_client = sign_in(world.director)

    director_client.post("/account/sign-out-everywhere")

    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    assert (
        newcomer.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}).status_code
        == 302
    )
    assert is_signed_in(newcomer)
    # Still single use.
    assert app.test_client().get(link).status_code == 400


def test_an_outstanding_set_password_link_survives_ordinary_sign_out(world, sign_in, app):
    lead_client = sign_in(world.lead)
    link = set_password_link(lead_client, world.director)
    sign_in(world.director).post("/sign-out")
    lead_client.post("/sign-out")

    assert app.test_client().get(link).status_code == 200


def test_setting_a_password_through_a_link_ends_every_older_session(world, sign_in, app):
    lead_client = sign_in(world.lead)
    link = set_password_link(lead_client, world.director)
    old_device = sign_in(world.director)

    fresh = app.test_client()
    fresh.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    assert not is_signed_in(old_device)
    assert is_signed_in(fresh)
    assert len(sessions_of(world.director)) == 1


def test_a_link_set_by_someone_else_signed_in_on_the_browser_ends_their_session(world, sign_in):
    lead_client = sign_in(world.lead)
    link = set_password_link(lead_client, world.director)

    # The lead opens the director's link in its own browser and sets the password.
    lead_client.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    assert sessions_of(world.lead) == []
    assert len(sessions_of(world.director)) == 1


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(world, sign_in, app):
    director_client = sign_in(world.director)
    cookie = copied_cookie(director_client)
    lead_client = sign_in(world.lead)

    lead_client.post(f"/users/{world.director.id}/deactivate")
    assert sessions_of(world.director) == []
    lead_client.post(f"/users/{world.director.id}/reactivate")

    assert not is_signed_in(director_client)
    assert not is_signed_in(client_with_cookie(app, cookie))


def test_a_link_sent_before_deactivation_stays_spent_after_reactivation(world, sign_in, app):
    lead_client = sign_in(world.lead)
    link = set_password_link(lead_client, world.director)

    lead_client.post(f"/users/{world.director.id}/deactivate")
    lead_client.post(f"/users/{world.director.id}/reactivate")

    response = app.test_client().get(link)
    assert response.status_code == 400
    assert "This link has already been used" in text(response)


def test_a_session_idle_longer_than_the_session_lifetime_has_ended(world, sign_in, app):
    client = sign_in(world.director)
    [record] = sessions_of(world.director)
    record.last_seen_at = utcnow() - app.permanent_session_lifetime - timedelta(minutes=1)
    db.session.commit()

    assert not is_signed_in(client)


def test_using_a_session_keeps_it_alive_without_writing_on_every_page(world, sign_in, app):
    client = sign_in(world.director)
    [record] = sessions_of(world.director)
    recently = utcnow() - SESSION_SEEN_INTERVAL / 2
    record.last_seen_at = recently
    db.session.commit()

    assert is_signed_in(client)
    assert sessions_of(world.director)[0].last_seen_at == recently

    long_ago = utcnow() - app.permanent_session_lifetime + timedelta(minutes=1)
    record.last_seen_at = long_ago
    db.session.commit()

    assert is_signed_in(client)
    assert sessions_of(world.director)[0].last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_failed_sign_in_starts_no_session(world, client):
    response = client.post("/sign-in", data={"email": world.director.email, "password": "wrong"})

    assert response.status_code == 401
    assert sessions_of(world.director) == []
    assert not is_signed_in(client)
