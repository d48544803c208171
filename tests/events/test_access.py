"""Who reaches which page of the event: one row per page, one column per person.

A peer group of Alpha (director Dana "host", contributor Cal "contrib") and Beta (director Sid, who
reviews Alpha: "reviewer"), with an observer director; Cara (Cedar's director) chairs its session; Del
("bystand", Delta's director) is of the region but not of the session; Otto ("dcs_B") is of region
B; Nora has no role. The session has finished: Alpha's outcome note is released, Beta's a draft. "login":
a signed-out visitor is sent to sign in.
"""

import pytest

from peerchallenge.events import services
from peerchallenge.extensions import db
from tests.events.builders import event_scenario, letter_with_enquiries, under_way
from tests.pages import assert_outcome

PAGES = """
page                               anon  norole dcs_B bystand observer reviewer host contrib chair lead
/cycles/{cycle}/event              login 404    404   404     200      200      200  200     200   200
/cycles/{cycle}/event/new          login 403    403   403     403      403      403  403     403   200
/events/{event}/edit               login 403    403   403     403      403      403  403     403   200
/sessions/{session}                login 404    404   404     200      200      200  200     200   200
/sessions/{session}/edit           login 404    404   404     403      403      403  403     403   200
/sessions/{session}/finish         login 404    404   404     403      403      403  403     200   200
/outcome-notes/{released}          login 404    404   404     200      200      200  200     200   200
/outcome-notes/{released}/note.pdf login 404    404   404     200      200      200  200     200   200
/outcome-notes/{draft}             login 404    404   404     404      404      404  404     200   200
/outcome-notes/{draft}/note.docx   login 404    404   404     404      404      404  404     200   200
"""

# Sent as a POST with a valid form; 302 means it was done (or refused with a message on the page).
ACTIONS = """
action                         anon  norole dcs_B bystand observer reviewer host contrib chair lead
/sessions/{session}/start      login 404    404   404     403      403      403  403     302   302
/outcome-notes/{draft}/approve login 404    404   404     404      404      404  404     403   302
"""


def cases(table: str) -> list:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    return [
        pytest.param(path, person, expected, id=f"{person}-{expected}-{path}")
        for path, *outcomes in rows
        for person, expected in zip(header[1:], outcomes, strict=True)
    ]


@pytest.fixture
def finished(world):
    scenario = event_scenario(world, groups=True)
    letter_with_enquiries(scenario.cycle, world.sibling, world.lead)
    session = scenario.session
    services.update_session(world.lead, session, "10:00", "11:00", scenario.chair.id, session.version)
    db.session.commit()
    under_way(scenario)
    services.finish_session(world.lead, session)
    alpha, beta = sorted(session.outcome_notes, key=lambda note: note.authority.name)
    services.approve_outcome(world.lead, alpha)
    services.release_outcome(world.lead, alpha)
    db.session.commit()
    people = {
        "norole": world.no_role,
        "dcs_B": world.other_director,
        "bystand": scenario.bystander,
        "observer": scenario.observer,
        "reviewer": scenario.reviewer_director,
        "host": scenario.host_director,
        "contrib": scenario.host_contributor,
        "chair": scenario.chair,
        "lead": world.lead,
    }
    ids = {"cycle": scenario.cycle.id, "event": scenario.event.id, "session": session.id}
    return people, ids | {"released": alpha.id, "draft": beta.id}


def client_of(person, people, client, sign_in):
    return client if person == "anon" else sign_in(people[person])


@pytest.mark.parametrize(("path", "person", "expected"), cases(PAGES))
def test_pages(finished, client, sign_in, path, person, expected):
    people, ids = finished
    url = path.format(**ids)
    assert_outcome(client_of(person, people, client, sign_in).get(url), url, expected)


@pytest.mark.parametrize(("path", "person", "expected"), cases(ACTIONS))
def test_actions(finished, client, sign_in, path, person, expected):
    people, ids = finished
    url = path.format(**ids)
    assert_outcome(client_of(person, people, client, sign_in).post(url), url, expected)
