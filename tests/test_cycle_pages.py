"""Every page of a cycle shows its state, the dashboard says what holds the next move, and a closed cycle
is read-only in every service that changes something of it."""

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import Rule

from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.inspections import services as inspection_services
from peerchallenge.letters import services as letter_services
from peerchallenge.letters import upload as letter_upload
from peerchallenge.letters.models import Letter
from peerchallenge.monitoring import services as monitoring_services
from peerchallenge.reviews import services as review_services
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import Submission
from peerchallenge.submissions.queries import find_submission
from tests.scenarios import (
    Region6,
    Reviewing,
    details,
    move_to,
    review_content,
    ring,
    self_assessment_md,
    sign_off,
    stored_review,
    submit_both,
)

# Pages under a cycle: a route naming the cycle, or one of its letters or reviews.
CYCLE_ARGUMENTS = {"cycle_id", "letter_id", "assignment_id"}

# Pages of a cycle that are not an HTML page for the lead to read, each with the reason.
NOT_PAGES = {
    "submissions.download": "the uploaded file",
    "monitoring.dashboard_download": "the dashboard as CSV or Excel",
    "monitoring.ratings_csv": "the ratings as CSV",
    "letters.download": "the letter as PDF or Word",
    "actions.download_pack": "the scrutiny pack as Word",
    "themes.download": "the themes report as CSV or Word",
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
    "datapack.development_areas": "contributor",
    "themes.add_ask_offer": "director",
}
# Pages with nothing to ask in a state: they go back to the cycle's pages (each is tested in its own file).
GOES_BACK = {
    "assignments.adjust": "the assignment is published (the page of a proposal is walked below)",
    "cycles.move_on": "a closed cycle has no next stage",
    "assignments.withdraw": "a closed cycle's assignment of peers is read-only",
    "letters.compose": "a closed cycle's letters are read-only",
    "letters.recompose": "a closed cycle's letters are read-only",
    "letters.release": "a closed cycle's letters are read-only",
    "themes.retag": "a closed cycle keeps its tags",
    "themes.add_ask_offer": "a closed cycle's asks and offers are read-only",
}

# Pages that exist only once the letter is released, which it is not in this walk (tested in tests/actions).
AFTER_RELEASE = {"actions.new_action": "the authority adds actions once its letter is released"}


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
        "theme": "workforce",
    }
    failures = []
    for rule in cycle_pages(app):
        if rule.endpoint in AFTER_RELEASE:
            continue
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


def database_rows() -> dict[str, list]:
    """Every row of every table, to show that a refused change left nothing behind."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in db.metadata.sorted_tables
    }


@dataclass
class Closed:
    """A closed cycle with an approved letter to Anyshire, and who works in it."""

    reviewing: Reviewing
    letter: Letter

    @property
    def cycle(self) -> Cycle:
        return self.reviewing.cycle

    @property
    def lead(self):
        return self.reviewing.lead

    @property
    def six(self) -> Region6:
        return self.reviewing.six

    def submission(self, index: int = 0) -> Submission:
        return find_submission(self.cycle, self.six.authorities[index])


def _content(closed: Closed) -> dict:
    return review_content(closed.cycle)


# Every service that changes something of a cycle, called on a closed one.
CHANGES = {
    "change the details": lambda c: cycle_services.update_cycle(c.lead, c.cycle, **details(title="New")),
    "add a section": lambda c: cycle_services.add_section(c.lead, c.cycle, title="New", guidance=""),
    "change a section": lambda c: cycle_services.update_section(c.lead, c.cycle.sections[0], title="New"),
    "remove a section": lambda c: cycle_services.remove_section(c.lead, c.cycle.sections[0]),
    "move a section": lambda c: cycle_services.move_section(c.lead, c.cycle.sections[1], -1),
    "add a scale": lambda c: cycle_services.add_scale(c.lead, c.cycle, name="New", question="", ordered=True),
    "change a scale": lambda c: cycle_services.update_scale(
        c.lead, c.cycle.scales[0], name="New", question="", ordered=True
    ),
    "remove a scale": lambda c: cycle_services.remove_scale(c.lead, c.cycle.scales[0]),
    "add a level": lambda c: cycle_services.add_level(c.lead, c.cycle.scales[0], label="New", definition=""),
    "change a level": lambda c: cycle_services.update_level(
        c.lead, c.cycle.scales[0].levels[0], label="New", definition=""
    ),
    "remove a level": lambda c: cycle_services.remove_level(c.lead, c.cycle.scales[0].levels[0]),
    "move a level": lambda c: cycle_services.move_level(c.lead, c.cycle.scales[0].levels[1], -1),
    "choose the sections' scales": lambda c: cycle_services.set_section_scales(c.lead, c.cycle, {}),
    "require section ratings": lambda c: cycle_services.set_section_ratings_required(c.lead, c.cycle, True),
    "generate peers": lambda c: assignment_services.generate_proposal(c.lead, c.cycle),
    "adjust peers": lambda c: assignment_services.save_adjusted_proposal(
        c.lead, c.cycle, ring(c.six.authorities)
    ),
    "publish peers": lambda c: assignment_services.publish(c.lead, c.cycle),
    "withdraw an authority": lambda c: assignment_services.withdraw_authority(
        c.lead, c.cycle, c.six.authorities[5]
    ),
    "upload a self-assessment": lambda c: submission_services.upload_version(
        c.six.contributors[0], c.cycle, c.six.authorities[0], "sa.md", self_assessment_md()
    ),
    "edit a self-assessment": lambda c: submission_services.edit_section(
        c.six.contributors[0], c.submission(), 0, "New words", c.submission().current_version.number
    ),
    "mark a self-assessment ready": lambda c: submission_services.mark_ready(
        c.six.contributors[0], c.submission()
    ),
    "sign off a self-assessment": lambda c: submission_services.sign_off(c.six.directors[0], c.submission()),
    "reopen a self-assessment": lambda c: submission_services.reopen(c.lead, c.submission()),
    "reopen one late": lambda c: submission_services.reopen_for(c.lead, c.cycle, c.six.authorities[1]),
    "give own grades": lambda c: inspection_services.save_own_grades(
        c.six.contributors[0], c.cycle, c.six.authorities[0], {}
    ),
    "save a review": lambda c: review_services.save_draft(
        c.reviewing.reviewer_director, c.reviewing.assignment, _content(c), 1
    ),
    "submit a review": lambda c: review_services.submit(
        c.reviewing.reviewer_director, c.reviewing.assignment, _content(c), 1
    ),
    "reopen a review": lambda c: review_services.reopen(c.lead, stored_review(c.reviewing.assignment)),
    "save the letter template": lambda c: letter_services.save_template(
        c.lead, c.cycle, "Dear {{ authority }}"
    ),
    "edit a letter": lambda c: letter_services.save_text(c.lead, c.letter, "New words", 1),
    "upload a letter from Word": lambda c: letter_upload.upload_version(c.lead, c.letter, "l.docx", b"", 1),
    "choose a letter's points": lambda c: letter_services.choose_points(c.lead, c.letter, "Headline", {}, 1),
    "compose a letter again": lambda c: letter_services.recompose(c.lead, c.letter, replace_edits=True),
    "keep a letter's edits": lambda c: letter_services.keep_edits(c.lead, c.letter),
    "restore a letter's version": lambda c: letter_services.restore(c.lead, c.letter, 1),
    "approve a letter": lambda c: letter_services.approve(c.lead, c.letter),
    "withdraw a letter's approval": lambda c: letter_services.unapprove(c.lead, c.letter),
    "release a letter": lambda c: letter_services.release(c.lead, c.letter),
    "release every letter": lambda c: letter_services.release_all(c.lead, c.cycle),
    "send reminders": lambda c: monitoring_services.send_reminders_for_cycle(
        c.lead, c.cycle, date.today(), ""
    ),
}


@pytest.fixture
def closed(reviewing) -> Closed:
    letter = submit_both(reviewing)
    letter_services.approve(reviewing.lead, letter)
    db.session.commit()
    move_to(reviewing.cycle, reviewing.lead, CycleState.CLOSED)
    return Closed(reviewing, letter)


@pytest.mark.parametrize("change", CHANGES)
def test_a_closed_cycle_refuses_every_change_and_nothing_is_saved(closed, change):
    before = database_rows()
    with pytest.raises(ServiceError, match=r"^This cycle is closed: .*read-only"):
        CHANGES[change](closed)
    db.session.commit()  # whatever the service did before refusing would be saved now
    db.session.expire_all()
    assert database_rows() == before


def closed_posts(closed: Closed) -> list[tuple[str, dict]]:
    """The lead's forms that would change a closed cycle: (address, what is posted)."""
    cycle, anyshire = f"/cycles/{closed.cycle.id}", closed.six.authorities[0].id
    return [
        (f"{cycle}/edit", {"title": "New"}),
        (f"{cycle}/sections/new", {"title": "New"}),
        (f"{cycle}/rubric", {"section_ratings_required": "y"}),
        (f"{cycle}/scales/new", {"name": "New"}),
        (f"{cycle}/assignments/generate", {}),
        (f"{cycle}/assignments/publish", {}),
        (f"{cycle}/assignments/withdraw/{closed.six.authorities[5].id}", {}),
        (f"{cycle}/letters/template", {"template": "Dear {{ authority }}", "save": "Save"}),
        (f"{cycle}/letters/release", {}),
        (f"{cycle}/reminders", {"previewed": ""}),
        (f"{cycle}/authorities/{anyshire}/self-assessment/reopen", {}),
        (f"/letters/{closed.letter.id}/compose", {"headline": "New"}),
        (f"/letters/{closed.letter.id}/unapprove", {}),
    ]


def test_the_leads_forms_on_a_closed_cycle_are_refused_with_a_message(closed, sign_in):
    client = sign_in(closed.lead)
    before = database_rows()
    failures = []
    for url, data in closed_posts(closed):
        response = client.post(url, data=data, follow_redirects=True)
        page = response.get_data(as_text=True)
        if response.status_code not in (200, 400) or "This cycle is closed" not in page:
            failures.append(f"{url}: {response.status_code}")
    assert failures == [], "\n".join(failures)
    assert database_rows() == before


def test_a_closed_cycles_pages_hide_their_edit_controls(closed, sign_in):
    client, cycle = sign_in(closed.lead), f"/cycles/{closed.cycle.id}"
    hidden = {
        f"{cycle}/assignments": ["Withdraw", "Generate"],
        f"{cycle}/letters": ["Edit the letter template", "Release all"],
        f"{cycle}/letters/template": ['name="save"'],
        f"{cycle}/dashboard": ["Preview and send today", "Move the cycle on"],
        f"{cycle}/reminders": ["Nobody is due a reminder today"],
    }
    for url, controls in hidden.items():
        page = client.get(url).get_data(as_text=True)
        assert 'id="cycle-closed"' in page, url
        for control in controls:
            assert control not in page, (url, control)
    assert "See the letter template" in client.get(f"{cycle}/letters").get_data(as_text=True)
    assert "No reminders are sent from a closed cycle." in client.get(f"{cycle}/reminders").get_data(
        as_text=True
    )
