"""Signing in and out, set-password links, changing passwords, and the lead's pages for managing users.

Everything goes through the real app, the real database and the real test client.
"""

import html
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from peerchallenge.accounts.models import Role, RoleGrant, User, UserSession
from peerchallenge.accounts.routes import load_user, safe_next_path
from peerchallenge.accounts.services import SET_PASSWORD_SALT
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from tests import factories
from tests.scenarios import NEWCOMER_EMAIL

SIGN_IN_ERROR = "Enter a correct email address and password"
NEW_PASSWORD = "a brand new long passphrase"


def text(response) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True))


def fresh(obj):
    """The object as the database has it now: requests change it through their own sessions."""
    db.session.expire_all()
    return obj


def events(kind: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def attempt_sign_in(client, email, password, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def is_signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def new_passwords(password: str, confirmation: str | None = None) -> dict:
    return {"new_password": password, "confirm_password": password if confirmation is None else confirmation}


# Signing in ---------------------------------------------------------------------------------------------


def test_sign_in_goes_home_and_is_recorded(world, client):
    response = attempt_sign_in(client, world.director.email, factories.PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Dana Director" in text(client.get("/"))
    director = fresh(world.director)
    assert datetime.now(UTC) - director.last_signed_in_at < timedelta(minutes=1)
    [event] = events("signed_in")
    assert event.actor_id == event.subject_user_id == director.id


def test_email_address_case_and_surrounding_spaces_do_not_matter(world, client):
    response = attempt_sign_in(client, f"  {world.director.email.upper()} ", factories.PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def _without_nonces(page: str) -> str:
    return re.sub(r"nonce[-=]\"?[\w-]+", "nonce", page)


def test_wrong_password_and_unknown_email_get_the_same_answer(world, client):
    wrong_password = attempt_sign_in(client, world.director.email, "not the password")
    unknown_email = attempt_sign_in(client, "nobody@test.example", factories.PASSWORD)

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert SIGN_IN_ERROR in text(response)
        assert "not the password" not in text(response)
        assert factories.PASSWORD not in text(response)
    # Apart from the email address typed, the two pages are the same: nothing says which part was wrong.
    assert _without_nonces(text(wrong_password).replace(world.director.email, "EMAIL")) == _without_nonces(
        text(unknown_email).replace("nobody@test.example", "EMAIL")
    )
    assert not is_signed_in(client)


def test_failed_sign_ins_are_recorded(world, client):
    attempt_sign_in(client, world.director.email, "not the password")
    attempt_sign_in(client, "Nobody@Test.Example", factories.PASSWORD)

    known, unknown = events("sign_in_failed")
    assert known.subject_user_id == world.director.id
    assert known.details == {"email": world.director.email, "failures": 1}
    assert unknown.subject_user_id is None
    assert unknown.details == {"email": "nobody@test.example", "failures": 1}
    assert events("signed_in") == []


def test_deactivated_user_cannot_sign_in_and_is_not_told_why(world, client):
    user = factories.make_user((Role.DIRECTOR, world.authority), active=False)

    response = attempt_sign_in(client, user.email, factories.PASSWORD)

    assert response.status_code == 401
    assert SIGN_IN_ERROR in text(response)
    assert "deactivated" not in text(response).lower()
    assert not is_signed_in(client)
    assert [event.subject_user_id for event in events("sign_in_failed")] == [user.id]
    assert fresh(user).last_signed_in_at is None


def test_user_who_has_not_set_a_password_cannot_sign_in(world, client):
    user = factories.make_user((Role.DIRECTOR, world.authority))
    user.password_hash = None
    db.session.commit()

    response = attempt_sign_in(client, user.email, factories.PASSWORD)

    assert response.status_code == 401
    assert SIGN_IN_ERROR in text(response)


def test_empty_sign_in_form_asks_for_both_fields(world, client):
    response = attempt_sign_in(client, "", "")

    assert response.status_code == 400
    page = text(response)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page
    assert events("sign_in_failed") == []


def test_signed_in_user_who_is_deactivated_is_signed_out_on_the_next_request(world, sign_in):
    director_client = sign_in(world.director)
    assert is_signed_in(director_client)

    world.director.active = False
    db.session.commit()

    response = director_client.get(f"/regions/{world.region.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_session_ended_on_the_server_signs_the_user_out(world, sign_in):
    director_client = sign_in(world.director)

    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == world.director.id))
    db.session.commit()

    assert not is_signed_in(director_client)


def test_user_loader_needs_an_active_user_and_a_live_session(world, sign_in):
    sign_in(world.director)
    session_id = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == world.director.id))
    director = load_user(session_id)
    assert director is world.director
    assert director.get_id() == session_id
    for stale in (
        "",
        ":",
        str(world.director.id),
        f"{world.director.id}:{session_id}",
        session_id[:-1],
        session_id + "x",
        "x" * 10_000,
    ):
        assert load_user(stale) is None, stale

    world.director.active = False
    db.session.commit()
    assert load_user(session_id) is None


def test_sign_out_is_a_post_and_ends_the_session(world, sign_in):
    director_client = sign_in(world.director)

    assert director_client.get("/sign-out").status_code == 405
    assert is_signed_in(director_client)

    response = director_client.post("/sign-out", follow_redirects=True)
    assert response.request.path == "/sign-in"
    assert "You have signed out." in text(response)
    assert not is_signed_in(director_client)
    with director_client.session_transaction() as session:
        assert "_user_id" not in session


def test_sign_out_forgets_a_set_password_link_not_yet_shown(world, sign_in):
    lead_client = sign_in(world.lead)
    response = lead_client.post(
        f"/regions/{world.region.id}/users/new",
        data={"name": "Nia", "email": NEWCOMER_EMAIL, "role": "contributor", "authority": world.sibling.id},
    )
    assert response.status_code == 302  # the redirect to the page with the link is not followed

    lead_client.post("/sign-out")

    with lead_client.session_transaction() as session:
        assert not [key for key in session if key.startswith("set_password_link")]


def test_signed_in_user_visiting_sign_in_goes_home(world, sign_in):
    director_client = sign_in(world.director)

    response = director_client.get("/sign-in")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# Where to go after signing in ------------------------------------------------------------------------------

LOCAL_PATHS = ["/account/password", "/regions/7/users?page=2", "/accessibility#contact", "/a//b"]

HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "http://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: stolen=1",
    "/home\x00",
    "/\x01",
    "/\x7f",
    "/\x85",
    "/\u2028evil",
    "/\u202eelpmaxe.live",
    "",
]

# The same attacks as they arrive in a query string, percent-encoded.
HOSTILE_QUERY_STRINGS = [
    "next=%2F%2Fevil.example",
    "next=%2F%5Cevil.example",
    "next=%5C%5Cevil.example",
    "next=%2F%09%2Fevil.example",
    "next=%2F%0d%0aSet-Cookie:%20stolen=1",
    "next=/%0d%0aLocation:%20https://evil.example",
    "next=https%3A%2F%2Fevil.example",
    "next=javascript%3Aalert(1)",
]


@pytest.mark.parametrize("next_path", LOCAL_PATHS)
def test_sign_in_returns_to_a_local_next_path(world, client, next_path):
    response = attempt_sign_in(client, world.lead.email, factories.PASSWORD, query_string={"next": next_path})

    assert response.status_code == 302
    assert response.headers["Location"] == next_path


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_refuses_to_go_off_site(world, client, target):
    response = attempt_sign_in(client, world.lead.email, factories.PASSWORD, query_string={"next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("query_string", HOSTILE_QUERY_STRINGS)
def test_sign_in_refuses_to_go_off_site_when_next_is_percent_encoded(world, client, query_string):
    response = attempt_sign_in(client, world.lead.email, factories.PASSWORD, query_string=query_string)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers or "stolen" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_signed_in_user_at_sign_in_is_not_sent_off_site(world, sign_in, target):
    lead_client = sign_in(world.lead)

    response = lead_client.get("/sign-in", query_string={"next": target})

    assert response.headers["Location"] == "/"


def test_signed_in_user_at_sign_in_is_sent_to_a_local_next_path(world, sign_in):
    lead_client = sign_in(world.lead)

    response = lead_client.get("/sign-in", query_string={"next": "/account/password"})

    assert response.headers["Location"] == "/account/password"


def test_protected_page_round_trip_through_sign_in(world, client):
    path = f"/regions/{world.region.id}/users"
    to_sign_in = client.get(path)
    assert to_sign_in.headers["Location"] == f"/sign-in?next=%2Fregions%2F{world.region.id}%2Fusers"

    response = client.post(
        to_sign_in.headers["Location"], data={"email": world.lead.email, "password": factories.PASSWORD}
    )

    assert response.headers["Location"] == path
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("target", "expected"),
    [(path, path) for path in [*LOCAL_PATHS, "/", "/caf\u00e9"]]
    + [(target, None) for target in HOSTILE_NEXT]
    + [(None, None)],
)
def test_safe_next_path(target, expected):
    assert safe_next_path(target) == expected


# Set-password links ----------------------------------------------------------------------------------------

SET_PASSWORD_LINK = re.compile(r"https?://[^/\s<]+(/set-password/[\w.\-]+)")


def add_newcomer(lead_client, world, **fields):
    """The lead adds a contributor to the sibling authority through the form."""
    data = {
        "name": "Nia Newcomer",
        "email": NEWCOMER_EMAIL,
        "role": "contributor",
        "authority": world.sibling.id,
    }
    return lead_client.post(f"/regions/{world.region.id}/users/new", data={**data, **fields})


def link_on_page(page: str) -> str | None:
    match = SET_PASSWORD_LINK.search(page)
    return match.group(1) if match else None


@pytest.fixture
def newcomer_link(world, sign_in):
    """(lead's client, the new user, the path of their set-password link)."""
    lead_client = sign_in(world.lead)
    response = add_newcomer(lead_client, world)
    assert response.status_code == 302
    link = link_on_page(text(lead_client.get(response.headers["Location"])))
    assert link
    return lead_client, user_by_email(NEWCOMER_EMAIL), link


def test_lead_adds_a_user_and_sees_their_link_once(world, sign_in):
    lead_client = sign_in(world.lead)

    response = add_newcomer(lead_client, world)

    newcomer = user_by_email(NEWCOMER_EMAIL)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/{newcomer.id}"
    assert newcomer.name == "Nia Newcomer"
    assert newcomer.password_hash is None
    assert [(grant.role, grant.authority_id) for grant in newcomer.grants] == [
        (Role.CONTRIBUTOR, world.sibling.id)
    ]
    [added] = events("user_added")
    assert (added.actor_id, added.subject_user_id, added.region_id) == (
        world.lead.id,
        newcomer.id,
        world.region.id,
    )
    [granted] = events("role_granted")
    assert (granted.actor_id, granted.authority_id) == (world.lead.id, world.sibling.id)

    first = text(lead_client.get(f"/users/{newcomer.id}"))
    assert "Nia Newcomer has been added" in first
    assert "Password not set" in first
    assert link_on_page(first)
    assert link_on_page(text(lead_client.get(f"/users/{newcomer.id}"))) is None


def test_set_password_link_sets_the_password_and_signs_in(newcomer_link, app):
    _, newcomer, link = newcomer_link
    newcomer_client = app.test_client()

    form = newcomer_client.get(link)
    assert form.status_code == 200
    assert "Set your password" in text(form)
    assert NEWCOMER_EMAIL in text(form)

    response = newcomer_client.post(link, data=new_passwords(NEW_PASSWORD))

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = text(newcomer_client.get("/"))
    assert "Your password has been set. You are signed in." in home
    assert "Nia Newcomer" in home
    assert fresh(newcomer).check_password(NEW_PASSWORD)
    assert [event.subject_user_id for event in events("password_set")] == [newcomer.id]
    assert attempt_sign_in(app.test_client(), NEWCOMER_EMAIL, NEW_PASSWORD).status_code == 302


def test_set_password_link_works_only_once(newcomer_link, app):
    _, newcomer, link = newcomer_link
    assert app.test_client().post(link, data=new_passwords(NEW_PASSWORD)).status_code == 302

    again = app.test_client()
    for response in (again.get(link), again.post(link, data=new_passwords("someone else's password"))):
        assert response.status_code == 400
        assert "This link has already been used" in text(response)
    assert not is_signed_in(again)
    assert fresh(newcomer).check_password(NEW_PASSWORD)


def link_signed_hours_ago(app, link: str, hours: float) -> str:
    """The same link, its token signed `hours` ago."""
    token = link.rsplit("/", 1)[1]
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT)
    payload = serializer.loads(token)

    class SignedEarlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - hours * 3600)

    earlier = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT, signer=SignedEarlier)
    return f"/set-password/{earlier.dumps(payload)}"


def test_set_password_link_lasts_the_configured_hours(newcomer_link, app, client):
    _, newcomer, link = newcomer_link
    assert app.config["SET_PASSWORD_LINK_HOURS"] == 72

    assert client.get(link_signed_hours_ago(app, link, 71)).status_code == 200

    expired = link_signed_hours_ago(app, link, 73)
    for response in (client.get(expired), client.post(expired, data=new_passwords(NEW_PASSWORD))):
        assert response.status_code == 400
        assert "This link has expired. Ask your regional lead for a new one." in text(response)
    assert fresh(newcomer).password_hash is None


def test_set_password_link_hours_come_from_the_config(newcomer_link, app, client):
    _, _, link = newcomer_link
    app.config["SET_PASSWORD_LINK_HOURS"] = 1

    response = client.get(link_signed_hours_ago(app, link, 2))

    assert response.status_code == 400
    assert "This link has expired" in text(response)


def test_tampered_set_password_links_are_refused(newcomer_link, app, client, world):
    _, newcomer, link = newcomer_link
    token = link.rsplit("/", 1)[1]
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT).loads(token)
    # The director's id in the payload, the newcomer's signature kept.
    other_payload = URLSafeTimedSerializer("any key", salt=SET_PASSWORD_SALT).dumps(
        {**payload, "user": world.director.id}
    )
    tampered = ".".join([other_payload.split(".")[0], *token.split(".")[1:]])
    signed_with_another_key = URLSafeTimedSerializer("not the secret key", salt=SET_PASSWORD_SALT).dumps(
        payload
    )
    signed_for_another_purpose = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps(payload)

    for bad_token in (tampered, signed_with_another_key, signed_for_another_purpose, token[:-5], "nonsense"):
        response = client.post(f"/set-password/{bad_token}", data=new_passwords(NEW_PASSWORD))
        assert response.status_code == 400, bad_token
        assert "This link is not valid. Check you copied all of it." in text(response)
    assert fresh(newcomer).password_hash is None
    assert fresh(world.director).check_password(factories.PASSWORD)


def test_set_password_link_of_a_deactivated_user_is_refused(newcomer_link, app, client):
    lead_client, newcomer, link = newcomer_link
    assert lead_client.post(f"/users/{newcomer.id}/deactivate").status_code == 302

    for response in (client.get(link), client.post(link, data=new_passwords(NEW_PASSWORD))):
        assert response.status_code == 400
        assert "This account has been deactivated. Ask your regional lead." in text(response)
    assert fresh(newcomer).password_hash is None
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("", "", "Enter a new password"),
        ("too short", "too short", "Password must be 10 to 200 characters long"),
        (NEWCOMER_EMAIL, NEWCOMER_EMAIL, "Password must not be your email address"),
        (
            f" {NEWCOMER_EMAIL.upper()} ",
            f" {NEWCOMER_EMAIL.upper()} ",
            "Password must not be your email address",
        ),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The passwords do not match"),
        (NEW_PASSWORD, "", "Enter the new password again"),
    ],
)
def test_weak_password_through_the_link_is_refused_and_changes_nothing(
    newcomer_link, client, password, confirmation, message
):
    _, newcomer, link = newcomer_link

    response = client.post(link, data=new_passwords(password, confirmation))

    assert response.status_code == 400
    assert message in text(response)
    assert "<title>Error: Set your password" in text(response)
    assert fresh(newcomer).password_hash is None
    assert not is_signed_in(client)
    assert events("password_set") == []
    assert client.get(link).status_code == 200  # the link can still be used


def test_new_link_lets_someone_who_forgot_set_a_new_password(world, sign_in, app):
    director_elsewhere = sign_in(world.director)
    lead_client = sign_in(world.lead)

    response = lead_client.post(f"/users/{world.director.id}/set-password-link")

    assert response.headers["Location"] == f"/users/{world.director.id}"
    link = link_on_page(text(lead_client.get(response.headers["Location"])))
    director_client = app.test_client()
    assert director_client.post(link, data=new_passwords(NEW_PASSWORD)).status_code == 302
    assert is_signed_in(director_client)
    assert not is_signed_in(director_elsewhere)
    assert attempt_sign_in(app.test_client(), world.director.email, factories.PASSWORD).status_code == 401


def test_no_new_link_for_a_deactivated_user(world, sign_in):
    world.director.active = False
    db.session.commit()
    lead_client = sign_in(world.lead)

    response = lead_client.post(f"/users/{world.director.id}/set-password-link", follow_redirects=True)

    assert "Reactivate the account before sending a link." in text(response)
    assert link_on_page(text(response)) is None


# Changing your password ------------------------------------------------------------------------------------


def change_password_form(current: str, new: str, confirmation: str | None = None) -> dict:
    return {"current_password": current, **new_passwords(new, confirmation)}


def test_change_password_needs_the_current_password(world, sign_in):
    director_client = sign_in(world.director)

    response = director_client.post("/account/password", data=change_password_form("wrong", NEW_PASSWORD))

    assert response.status_code == 400
    assert "Your current password is not correct" in text(response)
    assert fresh(world.director).check_password(factories.PASSWORD)
    assert is_signed_in(director_client)
    assert events("password_changed") == []


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short", "Password must be 10 to 200 characters long"),
        ("EMAIL", "Password must not be your email address"),
    ],
)
def test_change_password_refuses_a_weak_password(world, sign_in, new, message):
    director_client = sign_in(world.director)
    new = world.director.email if new == "EMAIL" else new

    response = director_client.post("/account/password", data=change_password_form(factories.PASSWORD, new))

    assert response.status_code == 400
    assert message in text(response)
    assert fresh(world.director).check_password(factories.PASSWORD)


def test_change_password_signs_out_other_sessions_but_not_this_one(world, sign_in, app):
    here = sign_in(world.director)
    elsewhere = sign_in(world.director)
    bystander = sign_in(world.contributor)

    response = here.post("/account/password", data=change_password_form(factories.PASSWORD, NEW_PASSWORD))

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "Your password has been changed." in text(here.get("/account"))
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(bystander)
    assert fresh(world.director).check_password(NEW_PASSWORD)
    [event] = events("password_changed")
    assert event.actor_id == event.subject_user_id == world.director.id
    assert attempt_sign_in(app.test_client(), world.director.email, factories.PASSWORD).status_code == 401
    assert attempt_sign_in(app.test_client(), world.director.email, NEW_PASSWORD).status_code == 302


# The lead's pages for managing users -----------------------------------------------------------------------


def test_region_users_lists_everyone_with_a_role_in_the_region_only(world, sign_in):
    page = text(sign_in(world.lead).get(f"/regions/{world.region.id}/users"))

    for name in ("Lee Lead", "Dana Director", "Cal Contributor", "Sid Sibling"):
        assert name in page
    for name in ("Otto Other", "Olive Otherlead", "Ada Admin", "Nora Norole"):
        assert name not in page


def grant_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RoleGrant))


@pytest.mark.parametrize(
    ("fields", "field_with_error", "message"),
    [
        ({"role": "director", "authority": 0}, "authority", "Select the authority"),
        ({"role": "contributor", "authority": ""}, "authority", "Select the authority"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"email": ""}, "email", "Enter the person's email address"),
        ({"name": ""}, "name", "Enter the person's full name"),
        ({"role": ""}, "role", "Select a role"),
        ({"role": "admin"}, "role", "Not a valid choice"),
        ({"role": "director", "authority": "OTHER"}, "authority", "Not a valid choice"),
    ],
)
def test_add_user_form_explains_what_to_fix(world, sign_in, fields, field_with_error, message):
    lead_client = sign_in(world.lead)
    if fields.get("authority") == "OTHER":
        fields = {**fields, "authority": world.other_authority.id}
    grants_before = grant_count()

    response = add_newcomer(lead_client, world, **fields)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert f'id="{field_with_error}-error"' in page
    assert user_by_email(NEWCOMER_EMAIL) is None
    assert grant_count() == grants_before


def test_adding_an_existing_email_adds_the_role_to_that_account(world, sign_in):
    lead_client = sign_in(world.lead)
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))

    response = add_newcomer(
        lead_client, world, email=world.sibling_director.email.upper(), name="Someone Else"
    )

    assert response.headers["Location"] == f"/users/{world.sibling_director.id}"
    page = text(lead_client.get(response.headers["Location"]))
    assert "Sid Sibling already had an account. The new role has been added to it." in page
    assert link_on_page(page) is None
    sibling_director = fresh(world.sibling_director)
    assert sibling_director.name == "Sid Sibling"
    assert {(grant.role, grant.authority_id) for grant in sibling_director.grants} == {
        (Role.DIRECTOR, world.sibling.id),
        (Role.CONTRIBUTOR, world.sibling.id),
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
    assert events("user_added") == []


def test_adding_a_role_someone_already_has_is_refused(world, sign_in):
    lead_client = sign_in(world.lead)

    response = add_newcomer(
        lead_client, world, email=world.director.email, role="director", authority=world.authority.id
    )

    assert response.status_code == 400
    assert "Dana Director already has this role" in text(response)
    assert 'id="email-error"' in text(response)
    assert len(fresh(world.director).grants) == 1


def test_lead_can_add_another_lead_for_their_region(world, sign_in):
    response = add_newcomer(sign_in(world.lead), world, role="lead", authority=0)

    assert response.status_code == 302
    newcomer = user_by_email(NEWCOMER_EMAIL)
    assert [(grant.role, grant.region_id, grant.authority_id) for grant in newcomer.grants] == [
        (Role.LEAD, world.region.id, None)
    ]


def test_adding_someone_from_another_region_lands_on_a_page_the_lead_can_see(world, sign_in):
    lead_client = sign_in(world.lead)

    response = add_newcomer(
        lead_client, world, email=world.other_director.email, authority=world.authority.id
    )

    assert response.status_code == 302
    page = lead_client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Otto Other already had an account. The new role has been added to it." in text(page)
    assert "Otto Other" in text(lead_client.get(f"/regions/{world.region.id}/users"))
    assert (Role.CONTRIBUTOR, world.authority.id) in {
        (grant.role, grant.authority_id) for grant in fresh(world.other_director).grants
    }


def test_lead_cannot_add_users_to_another_region(world, sign_in):
    lead_client = sign_in(world.lead)
    path = f"/regions/{world.other_region.id}/users/new"

    assert lead_client.get(path).status_code == 403
    response = lead_client.post(
        path,
        data={
            "name": "N",
            "email": NEWCOMER_EMAIL,
            "role": "director",
            "authority": world.other_authority.id,
        },
    )
    assert response.status_code == 403
    assert user_by_email(NEWCOMER_EMAIL) is None


def test_deactivating_asks_first_then_signs_the_user_out_for_good(world, sign_in, app):
    director_client = sign_in(world.director)
    lead_client = sign_in(world.lead)
    path = f"/users/{world.director.id}/deactivate"

    confirm = lead_client.get(path)
    assert confirm.status_code == 200
    assert "Are you sure you want to deactivate Dana Director?" in text(confirm)
    assert fresh(world.director).active

    response = lead_client.post(path)

    assert response.headers["Location"] == f"/users/{world.director.id}"
    page = text(lead_client.get(response.headers["Location"]))
    assert "Dana Director has been deactivated and can no longer sign in." in page
    assert "Deactivated" in page
    assert not fresh(world.director).active
    [event] = events("user_deactivated")
    assert (event.actor_id, event.subject_user_id) == (world.lead.id, world.director.id)
    assert not is_signed_in(director_client)
    assert attempt_sign_in(app.test_client(), world.director.email, factories.PASSWORD).status_code == 401


def test_lead_cannot_deactivate_themselves(world, sign_in):
    lead_client = sign_in(world.lead)
    assert "Deactivate this account" not in text(lead_client.get(f"/users/{world.lead.id}"))

    response = lead_client.post(f"/users/{world.lead.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account" in text(response)
    assert fresh(world.lead).active
    assert is_signed_in(lead_client)
    assert events("user_deactivated") == []


def test_reactivating_lets_the_user_sign_in_again(world, sign_in, app):
    director_client = sign_in(world.director)
    lead_client = sign_in(world.lead)
    lead_client.post(f"/users/{world.director.id}/deactivate")
    path = f"/users/{world.director.id}/reactivate"

    confirm = lead_client.get(path)
    assert "Reactivate Dana Director?" in text(confirm)
    assert not fresh(world.director).active

    response = lead_client.post(path, follow_redirects=True)

    assert "Dana Director has been reactivated." in text(response)
    assert fresh(world.director).active
    assert [event.actor_id for event in events("user_reactivated")] == [world.lead.id]
    assert not is_signed_in(director_client)  # the session ended by deactivation stays ended
    assert attempt_sign_in(app.test_client(), world.director.email, factories.PASSWORD).status_code == 302


def test_reactivating_an_active_user_says_so(world, sign_in):
    response = sign_in(world.lead).post(f"/users/{world.director.id}/reactivate", follow_redirects=True)

    assert "Dana Director is already active" in text(response)
    assert events("user_reactivated") == []


def test_removing_a_role_asks_first(world, sign_in):
    both = factories.make_user(
        (Role.DIRECTOR, world.authority), (Role.CONTRIBUTOR, world.sibling), name="Bo Both"
    )
    contributor_grant = next(grant for grant in both.grants if grant.role == Role.CONTRIBUTOR)
    lead_client = sign_in(world.lead)
    path = f"/users/{both.id}/roles/{contributor_grant.id}/remove"

    confirm = lead_client.get(path)
    assert "Remove this role from Bo Both?" in text(confirm)
    assert "Contributor, Beta" in text(confirm)
    assert len(fresh(both).grants) == 2

    response = lead_client.post(path)

    assert response.headers["Location"] == f"/users/{both.id}"
    assert "The role has been removed." in text(lead_client.get(response.headers["Location"]))
    assert [(grant.role, grant.authority_id) for grant in fresh(both).grants] == [
        (Role.DIRECTOR, world.authority.id)
    ]
    [event] = events("role_removed")
    assert (event.actor_id, event.subject_user_id, event.authority_id) == (
        world.lead.id,
        both.id,
        world.sibling.id,
    )


def test_removing_someones_last_role_goes_home(world, sign_in):
    grant = world.contributor.grants[0]
    lead_client = sign_in(world.lead)

    response = lead_client.post(f"/users/{world.contributor.id}/roles/{grant.id}/remove")

    assert response.headers["Location"] == "/"
    assert fresh(world.contributor).grants == []


def test_removing_a_role_of_someone_else_is_not_found(world, sign_in):
    sibling_grant = world.sibling_director.grants[0]

    response = sign_in(world.lead).get(f"/users/{world.director.id}/roles/{sibling_grant.id}/remove")

    assert response.status_code == 404


def test_lead_cannot_remove_their_own_lead_role(world, sign_in):
    grant = world.lead.grants[0]

    response = sign_in(world.lead).post(
        f"/users/{world.lead.id}/roles/{grant.id}/remove", follow_redirects=True
    )

    assert "You cannot remove your own lead or admin role" in text(response)
    assert len(fresh(world.lead).grants) == 1


@pytest.fixture
def two_region_user(world):
    """Someone with a role in the lead's region and one in another region."""
    return factories.make_user(
        (Role.DIRECTOR, world.authority), (Role.CONTRIBUTOR, world.other_authority), name="Tess Tworegions"
    )


@pytest.mark.parametrize("target", ["two_region_user", "admin", "no_role", "other_director", "other_lead"])
def test_lead_cannot_manage_users_beyond_their_region(world, sign_in, two_region_user, target):
    user = two_region_user if target == "two_region_user" else getattr(world, target)
    lead_client = sign_in(world.lead)
    grants_before = len(user.grants)
    grant_path = f"/users/{user.id}/roles/{user.grants[0].id}/remove" if user.grants else None

    assert lead_client.get(f"/users/{user.id}").status_code == 403
    for path in (f"/users/{user.id}/deactivate", f"/users/{user.id}/reactivate", grant_path):
        if path:
            assert lead_client.get(path).status_code == 403, path
            assert lead_client.post(path).status_code == 403, path
    assert lead_client.post(f"/users/{user.id}/set-password-link").status_code == 403

    user = fresh(user)
    assert user.active
    assert len(user.grants) == grants_before
    assert events("user_deactivated") == events("role_removed") == []


def test_admin_manages_users_in_any_region(world, sign_in, two_region_user):
    admin_client = sign_in(world.admin)

    assert admin_client.get(f"/users/{two_region_user.id}").status_code == 200
    assert admin_client.post(f"/users/{two_region_user.id}/deactivate").status_code == 302
    assert not fresh(two_region_user).active


# Protection against forged forms and guessing --------------------------------------------------------------

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(page: str) -> str:
    return CSRF_TOKEN.search(page).group(1)


def test_post_without_csrf_token_is_refused_with_the_service_error_page(world, app, client):
    app.config["WTF_CSRF_ENABLED"] = True

    response = attempt_sign_in(client, world.director.email, factories.PASSWORD)

    assert response.status_code == 400
    page = text(response)
    assert "<title>There is a problem with your request – Peer challenge</title>" in page
    assert "The form had expired or was sent from somewhere else." in page
    assert not is_signed_in(client)
    assert events("signed_in") == events("sign_in_failed") == []


def test_post_with_the_csrf_token_from_the_form_works(world, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token(text(client.get("/sign-in")))

    response = client.post(
        "/sign-in", data={"email": world.director.email, "password": factories.PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert is_signed_in(client)


def test_signed_in_actions_need_the_csrf_token(world, app, sign_in):
    lead_client = sign_in(world.lead)
    app.config["WTF_CSRF_ENABLED"] = True
    path = f"/users/{world.director.id}/deactivate"

    assert lead_client.post(path).status_code == 400
    assert lead_client.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert lead_client.post("/sign-out").status_code == 400
    assert fresh(world.director).active
    assert is_signed_in(lead_client)

    response = lead_client.post(path, data={"csrf_token": csrf_token(text(lead_client.get(path)))})

    assert response.status_code == 302
    assert not fresh(world.director).active


def test_sign_in_attempts_are_rate_limited(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    client = site.test_client()

    for _ in range(3):
        assert attempt_sign_in(client, world.director.email, "guess").status_code == 401
    response = attempt_sign_in(client, world.director.email, factories.PASSWORD)

    assert response.status_code == 429
    assert "<title>Too many attempts – Peer challenge</title>" in text(response)
    assert int(response.headers["Retry-After"]) > 0
    assert not is_signed_in(client)
    assert len(events("sign_in_failed")) == 3
    assert events("signed_in") == []
    assert client.get("/sign-in").status_code == 200  # only attempts are counted
    # The limit is per address: someone elsewhere can still sign in.
    elsewhere = attempt_sign_in(
        site.test_client(),
        world.director.email,
        factories.PASSWORD,
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 302


# How letters address a user ----------------------------------------------------------------------------


def test_letters_address_a_user_by_their_first_name_until_they_say_otherwise(world, sign_in):
    client = sign_in(world.director)
    assert "Dear Dana," in text(client.get("/account"))
    form = text(client.get("/account/address"))
    assert "How to address you in a letter" in form

    response = client.post("/account/address", data={"salutation": "  Dr\tOkafor \n"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    user = fresh(world.director)
    assert user.salutation == "Dr Okafor" and user.how_to_address == "Dr Okafor"
    assert "Dear Dr Okafor," in text(client.get("/account"))
    (event,) = events("user_salutation_changed")
    assert event.actor_id == world.director.id and "Dr Okafor" in event.summary

    # Saving the same again changes nothing; emptying it goes back to the first name.
    client.post("/account/address", data={"salutation": "Dr Okafor"})
    assert len(events("user_salutation_changed")) == 1
    client.post("/account/address", data={"salutation": ""})
    assert fresh(world.director).how_to_address == "Dana"


def test_a_salutation_too_long_is_refused_and_nothing_saved(world, sign_in):
    client = sign_in(world.director)
    response = client.post("/account/address", data={"salutation": "S" * 151})
    assert response.status_code == 400
    page = text(response)
    assert "How to address you must be 150 characters or fewer" in page and "govuk-error-summary" in page
    assert fresh(world.director).salutation == ""
    assert events("user_salutation_changed") == []


def test_a_lead_sets_how_letters_address_someone_in_their_region(world, sign_in):
    lead = sign_in(world.lead)
    page = text(lead.get(f"/users/{world.director.id}"))
    assert "Dear Dana," in page and f"/users/{world.director.id}/address" in page
    assert "How to address Dana Director in a letter" in text(lead.get(f"/users/{world.director.id}/address"))
    response = lead.post(f"/users/{world.director.id}/address", data={"salutation": "Dana and team"})
    assert response.status_code == 302 and response.headers["Location"] == f"/users/{world.director.id}"
    assert fresh(world.director).how_to_address == "Dana and team"
    (event,) = events("user_salutation_changed")
    assert event.actor_id == world.lead.id and event.region_id == world.region.id


def test_a_lead_cannot_set_how_letters_address_someone_beyond_their_region(world, sign_in):
    lead = sign_in(world.lead)
    for user in (world.other_director, world.admin):
        assert lead.get(f"/users/{user.id}/address").status_code == 403
        assert lead.post(f"/users/{user.id}/address", data={"salutation": "Hi"}).status_code == 403
    assert fresh(world.other_director).salutation == ""
    # A director cannot set another's either.
    director = sign_in(world.director)
    assert (
        director.post(f"/users/{world.sibling_director.id}/address", data={"salutation": "X"}).status_code
        == 403
    )


def test_the_first_name_is_the_first_word_of_the_name():
    assert User(name="Sarah Jane Smith", salutation="").how_to_address == "Sarah"
    assert User(name="  ", salutation="").how_to_address == ""
    assert User(name="Sarah Smith", salutation=" Sally ").how_to_address == "Sally"
