"""Invitations: a new user's set-password link goes out through the outbox, single-use and expiring."""

import html
import re

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests.scenarios import NEWCOMER_EMAIL

NEW_PASSWORD = "a brand new long passphrase"
LINK_IN_EMAIL = re.compile(r"^(https?://\S+)/set-password/(\S+)$", re.MULTILINE)
LINK_ON_PAGE = re.compile(r"<code>https?://[^/<]+(/set-password/[^<]+)</code>")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def emails(kind: str | None = None) -> list[OutboxEmail]:
    db.session.expire_all()
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if kind:
        query = query.where(OutboxEmail.kind == kind)
    return list(db.session.scalars(query))


def link_path(email: OutboxEmail, app) -> str:
    [(base, token)] = LINK_IN_EMAIL.findall(email.body)
    assert base == app.config["PUBLIC_URL"]
    return f"/set-password/{token}"


def add_newcomer(lead_client, world):
    return lead_client.post(
        f"/regions/{world.region.id}/users/new",
        data={
            "name": "Nia Newcomer",
            "email": NEWCOMER_EMAIL,
            "role": "contributor",
            "authority": world.sibling.id,
        },
    )


def newcomer() -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == NEWCOMER_EMAIL))


def set_password(client, path):
    return client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


def test_a_new_user_is_emailed_a_set_password_link_through_the_outbox(world, sign_in, app):
    lead_client = sign_in(world.lead)

    add_newcomer(lead_client, world)

    [invitation] = emails()
    user = newcomer()
    assert invitation.kind == "invitation"
    assert (invitation.to_address, invitation.to_user_id) == (NEWCOMER_EMAIL, user.id)
    assert invitation.region_id == world.region.id  # the lead reads it in the region's outbox
    assert invitation.subject == "Set your password for Peer challenge"
    assert "Dear Nia," in invitation.body  # as directors write to each other: the first name
    assert f"{world.lead.name} has added you to Peer challenge" in invitation.body
    assert "The link works once and for 72 hours." in invitation.body
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "set_password_link_sent"))
    assert (event.actor_id, event.subject_user_id, event.region_id) == (
        world.lead.id,
        user.id,
        world.region.id,
    )

    path = link_path(invitation, app)
    person = app.test_client()
    assert set_password(person, path).status_code == 302
    assert person.get("/").status_code == 200
    # Single use.
    spent = app.test_client().get(path)
    assert spent.status_code == 400
    assert "This link has already been used" in text(spent)


def test_with_email_set_up_the_lead_is_told_it_was_emailed_and_no_link_is_shown(world, sign_in, app):
    app.config["MAIL_SMTP_HOST"] = "smtp.example.gov.uk"  # nothing is sent until `flask mail deliver`
    lead_client = sign_in(world.lead)

    response = add_newcomer(lead_client, world)
    page = text(lead_client.get(response.headers["Location"]))

    assert "Nia Newcomer has been added. We have emailed Nia Newcomer a link to set their password." in page
    assert "/set-password/" not in page
    assert "/set-password/" not in response.headers["Location"]
    with lead_client.session_transaction() as session:
        assert not [key for key in session if key.startswith("set_password_link")]


def test_without_email_set_up_the_lead_is_told_and_sees_the_link_once(world, sign_in, app):
    assert not app.config["MAIL_SMTP_HOST"]
    lead_client = sign_in(world.lead)

    response = add_newcomer(lead_client, world)
    first = text(lead_client.get(response.headers["Location"]))

    assert "waiting in the outbox" in first
    assert "Email is not set up, so send this link to Nia Newcomer yourself." in first
    [path] = LINK_ON_PAGE.findall(first)
    assert "/set-password/" not in response.headers["Location"]
    assert not LINK_ON_PAGE.findall(text(lead_client.get(response.headers["Location"])))
    assert app.test_client().get(path).status_code == 200


def test_the_invitation_can_be_sent_again_until_a_password_is_set(world, sign_in, app):
    lead_client = sign_in(world.lead)
    add_newcomer(lead_client, world)
    user = newcomer()

    detail = text(lead_client.get(f"/users/{user.id}"))
    assert "Send the invitation again" in detail
    response = lead_client.post(f"/users/{user.id}/set-password-link")

    assert response.status_code == 302
    first, second = emails("invitation")
    assert second.to_user_id == user.id
    # Either link works until one is used; then both are spent.
    assert set_password(app.test_client(), link_path(second, app)).status_code == 302
    assert app.test_client().get(link_path(first, app)).status_code == 400
    assert "Email a link to set a new password" in text(lead_client.get(f"/users/{user.id}"))


def test_someone_with_a_password_is_emailed_a_link_to_set_a_new_one(world, sign_in, app):
    lead_client = sign_in(world.lead)

    lead_client.post(f"/users/{world.director.id}/set-password-link")

    [email] = emails()
    assert email.kind == "set_password_link"
    assert email.subject == "Set a new password for Peer challenge"
    assert email.to_address == world.director.email
    assert email.region_id == world.region.id
    assert set_password(app.test_client(), link_path(email, app)).status_code == 302


def test_no_link_is_emailed_to_a_deactivated_user(world, sign_in):
    world.director.active = False
    db.session.commit()
    lead_client = sign_in(world.lead)

    response = lead_client.post(f"/users/{world.director.id}/set-password-link", follow_redirects=True)

    assert "Reactivate the account before sending a link." in text(response)
    assert emails() == []


def test_an_existing_user_given_a_new_role_gets_no_invitation(world, sign_in):
    lead_client = sign_in(world.lead)

    lead_client.post(
        f"/regions/{world.region.id}/users/new",
        data={
            "name": "Any",
            "email": world.director.email,
            "role": "contributor",
            "authority": world.sibling.id,
        },
    )

    assert emails() == []


def test_an_admin_created_on_the_command_line_gets_no_invitation(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "root@test.example", "Root", "--password", NEW_PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert emails() == []
