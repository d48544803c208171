"""Who may reach which page: one row per page, one column per person, as tables.

The people come from the `world` fixture: region A holds the authority (with its director, "dcs",
and its contributor) and a sibling authority; region B holds authority_B and its director, "dcs_B".
"lead" leads region A, "lead_B" region B; "norole" has an account and no role. "login" means a
signed-out visitor is sent to sign in, with the page to come back to.
"""

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import RoleGrant, User
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests.pages import assert_outcome, read_table
from tests.scenarios import NEWCOMER_EMAIL

PAGES = """
page                                anon   norole contrib dcs    dcs_B  lead   lead_B admin
/                                   login  200    200     200    200    200    200    200
/regions/{region}                   login  403    403     403    403    200    403    200
/regions/{region_B}                 login  403    403     403    403    403    200    200
/regions/{region}/users             login  403    403     403    403    200    403    200
/regions/{region}/users/new         login  403    403     403    403    200    403    200
/users/{dcs}                        login  403    403     403    403    200    403    200
/users/{dcs}/deactivate             login  403    403     403    403    200    403    200
/users/{dcs}/reactivate             login  403    403     403    403    200    403    200
/users/{dcs}/roles/{grant}/remove   login  403    403     403    403    200    403    200
/authorities/{authority}            login  403    200     200    403    200    403    200
/authorities/{sibling}              login  403    403     403    403    200    403    200
/authorities/{authority_B}          login  403    403     403    200    403    200    200
/admin                              login  403    403     403    403    403    403    200
/account                            login  200    200     200    200    200    200    200
/account/password                   login  200    200     200    200    200    200    200
/account/sign-out-everywhere        login  200    200     200    200    200    200    200
/accessibility                      200    200    200     200    200    200    200    200
/sign-in                            200    302    302     302    302    302    302    302
"""

# Each action is sent as a POST with a valid form; 302 means it was done.
ACTIONS = """
action                              anon   norole contrib dcs    dcs_B  lead   lead_B admin
/regions/{region}/users/new         login  403    403     403    403    302    403    302
/users/{dcs}/deactivate             login  403    403     403    403    302    403    302
/users/{dcs}/roles/{grant}/remove   login  403    403     403    403    302    403    302
/users/{dcs}/set-password-link      login  403    403     403    403    302    403    302
"""


def fill_in(path: str, world) -> str:
    return path.format(
        region=world.region.id,
        region_B=world.other_region.id,
        authority=world.authority.id,
        sibling=world.sibling.id,
        authority_B=world.other_authority.id,
        dcs=world.director.id,
        grant=world.director.grants[0].id,
    )


@pytest.mark.parametrize(("path", "person", "expected"), read_table(PAGES))
def test_who_sees_which_page(world, client_for, path, person, expected):
    url = fill_in(path, world)

    response = client_for(person).get(url)

    assert_outcome(response, url, expected)


def director_state(world) -> tuple:
    db.session.expire_all()
    newcomer = db.session.scalar(sa.select(User).where(User.email == NEWCOMER_EMAIL))
    grants = db.session.scalars(sa.select(RoleGrant.id).where(RoleGrant.user_id == world.director.id)).all()
    emails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))
    return world.director.active, grants, newcomer is not None, emails


@pytest.mark.parametrize(("path", "person", "expected"), read_table(ACTIONS))
def test_who_may_do_what(world, client_for, path, person, expected):
    url = fill_in(path, world)
    client = client_for(person)
    before = director_state(world)
    form = {
        "name": "Nia Newcomer",
        "email": NEWCOMER_EMAIL,
        "role": "director",
        "authority": world.sibling.id,
    }

    response = client.post(url, data=form if url.endswith("/users/new") else {})

    assert_outcome(response, url, expected)
    with client.session_transaction() as session:
        link_made = any(key.startswith("set_password_link") for key in session)
    if expected == "302":
        assert director_state(world) != before or link_made
    else:
        assert director_state(world) == before
        assert not link_made


@pytest.mark.parametrize("person", ["lead", "admin", "director"])
@pytest.mark.parametrize(
    "path", ["/regions/999999", "/regions/999999/users", "/users/999999", "/authorities/999999"]
)
def test_missing_things_are_not_found_whoever_asks(world, client_for, person, path):
    assert client_for(person).get(path).status_code == 404


def test_lead_cannot_reach_a_grant_through_another_user(world, client_for):
    path = f"/users/{world.director.id}/roles/{world.sibling_director.grants[0].id}/remove"

    assert client_for("lead").get(path).status_code == 404
    assert client_for("other_lead").get(path).status_code == 403
