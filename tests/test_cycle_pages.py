"""Every page of a cycle shows its state, the dashboard says what holds the next move, and a closed cycle
is read-only in every service that changes something of it."""

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import Rule

from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.reviews import services as review_services
from tests.scenarios import move_to, review_content, ring, sign_off, submit_both

# Pages under a cycle: a route naming the cycle, or one of its letters or reviews.
CYCLE_ARGUMENTS = {"cycle_id", "letter_id", "assignment_id"}

# Pages of a cycle that are not an HTML page for the lead to read, each with the reason.
NOT_PAGES = {
    "submissions.download": "the uploaded file",
    "monitoring.dashboard_download": "the dashboard as CSV or Excel",
    "monitoring.ratings_csv": "the ratings as CSV",
    "letters.download": "the letter as PDF or Word",
}


def cycle_pages(app) -> list[Rule]:
    """Every page under a cycle (a GET route), downloads left out."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if CYCLE_ARGUMENTS & set(rule.arguments) and "GET" in rule.methods and rule.endpoint not in NOT_PAGES
    ]


def test_the_walk_finds_the_cycles_pages_and_leaves_out_only_real_downloads(app):
    pages = {rule.endpoint for rule in cycle_pages(app)}
    for endpoint in ("monitoring.dashboard", "letters.compose", "assignments.withdraw", "cycles.rubric"):
        assert endpoint in pages
    assert set(NOT_PAGES) <= {rule.endpoint for rule in app.url_map.iter_rules()}


# Pages that are not the lead's: who opens them instead.
NOT_THE_LEADS = {
    "submissions.upload": "contributor",
    "submissions.edit_section": "contributor",
    "submissions.mark_ready": "contributor",
    "submissions.sign_off": "director",
    "reviews.check_answers": "drafting_director",
}
# Pages with nothing to ask in a state: they go back to the cycle's pages (each is tested in its own file).
GOES_BACK = {
    "assignments.adjust": "the assignment is published (the page of a proposal is walked below)",
    "cycles.move_on": "a closed cycle has no next stage",
}


def drafted(reviewing) -> tuple[Assignment, object]:
    """A complete review of Borough saved as a draft, ready to check: its assignment and its writer."""
    six = reviewing.six
    assignment = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.reviewed_id == six.authorities[1].id, Assignment.state == AssignmentState.PUBLISHED)
        .order_by(Assignment.id)
    ).first()
    writer = six.directors[six.authorities.index(assignment.reviewer)]
    review_services.save_draft(writer, assignment, review_content(reviewing.cycle), 0)
    db.session.commit()
    return assignment, writer


def page_url(rule, values: dict) -> str:
    return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize("state", [CycleState.CONSOLIDATING, CycleState.CLOSED])
def test_every_page_of_the_cycle_shows_its_state(app, reviewing, sign_in, state):
    """Walked as the lead, and each page that is not the lead's as the person it is for."""
    draft, drafting_director = drafted(reviewing)
    letter = submit_both(reviewing)
    move_to(reviewing.cycle, reviewing.lead, state)
    cycle, six = reviewing.cycle, reviewing.six
    people = {
        "lead": reviewing.lead,
        "contributor": six.contributors[0],
        "director": six.directors[0],
        "drafting_director": drafting_director,
    }
    scale = cycle.scales[0]
    values = {
        "cycle_id": cycle.id,
        "authority_id": six.authorities[0].id,
        "assignment_id": reviewing.assignment.id,
        "letter_id": letter.id,
        "section_id": cycle.sections[0].id,
        "scale_id": scale.id,
        "level_id": scale.levels[0].id,
        "position": 0,
        "number": 1,
        "from_state": cycle.state.value,
    }
    failures = []
    for rule in cycle_pages(app):
        person = NOT_THE_LEADS.get(rule.endpoint, "lead")
        shown = {**values, "assignment_id": draft.id} if person == "drafting_director" else values
        with app.test_request_context():
            url = page_url(rule, shown)
        response = sign_in(people[person]).get(url)
        page = response.get_data(as_text=True)
        if response.status_code == 302 and rule.endpoint in GOES_BACK:
            continue
        if response.status_code != 200 or 'id="cycle-state"' not in page:
            failures.append(
                f"{url} as the {person}: {response.status_code}, state shown: {'cycle-state' in page}"
            )
        elif state == CycleState.CLOSED and 'id="cycle-closed"' not in page:
            failures.append(f"{url} as the {person}: closed not said")
    assert failures == [], "\n".join(failures)


def test_the_adjust_page_of_a_proposal_shows_the_cycles_state(six, sign_in):
    assignment_services.save_adjusted_proposal(six.lead, six.cycle, ring(six.authorities))
    db.session.commit()
    page = sign_in(six.lead).get(f"/cycles/{six.cycle.id}/assignments/adjust")
    assert page.status_code == 200 and 'id="cycle-state"' in page.get_data(as_text=True)


def test_the_dashboard_says_what_holds_the_next_move_and_links_to_where_the_lead_makes_it(published, sign_in):
    client, cycle_id = sign_in(published.lead), published.cycle.id
    page = client.get(f"/cycles/{cycle_id}/dashboard").get_data(as_text=True)
    top = page[: page.index('id="deadlines"')]
    assert "Next stage: start reviews" in top and "Before you start reviews:" in top
    assert "6 self-assessments not signed off" in top
    assert f'href="/cycles/{cycle_id}#moves">Move the cycle on from its page' in top

    sign_off(published.six, published.six.authorities)
    page = client.get(f"/cycles/{cycle_id}/dashboard").get_data(as_text=True)
    assert "Nothing is holding the next stage." in page
    move_to(published.cycle, published.lead, CycleState.CLOSED)
    page = client.get(f"/cycles/{cycle_id}/dashboard").get_data(as_text=True)
    assert 'id="next-stage"' not in page and 'id="cycle-closed"' in page
