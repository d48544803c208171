"""Next year's cycle: what it copies, its dates and title, and the solver history it starts with."""

from datetime import date

import pytest
import sqlalchemy as sa

from peerchallenge.assignments import services as assignment_services
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.cycles.next_year import a_year_later, next_title, start_next_year
from peerchallenge.extensions import db
from tests.scenarios import current_pairs, publish


@pytest.mark.parametrize(
    ("day", "later"),
    [
        (date(2026, 3, 1), date(2027, 3, 1)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2026, 12, 31), date(2027, 12, 31)),
    ],
)
def test_a_date_moves_on_a_year_and_29_february_becomes_28(day, later):
    assert a_year_later(day) == later


@pytest.mark.parametrize(
    ("title", "moved"),
    [
        ("Eastern Region peer challenge 2026", "Eastern Region peer challenge 2027"),
        ("Peer challenge 2026-27", "Peer challenge 2027-28"),
        ("Peer challenge 2099/00", "Peer challenge 2100/01"),
        ("Peer challenge", "Peer challenge (2027)"),
    ],
)
def test_the_title_moves_its_year_on_or_gains_next_year(title, moved):
    assert next_title(title, 2026) == moved


def _closed_last_year(six) -> Cycle:
    """Last year's cycle, published and closed, with its own choices in the template, rubric and settings."""
    cycle = six.cycle
    cycle.title = f"{six.region.name} peer challenge {cycle.year}"
    cycle.opens_on = date(2028, 2, 29)
    cycle.challenge_event_on = date(2028, 6, 3)
    cycle.anonymous, cycle.letter_annex, cycle.section_ratings_required = True, False, True
    cycle.signatory_name, cycle.signatory_title = "Sam Chair", "Chair"
    cycle.letter_template = "Dear {{ director }},\n\n{{ content }}"
    cycle.sections[0].guidance = "Tell us about **early help**."
    cycle.sections[0].scales = cycle.scales[:1]
    cycle.scales[0].levels[0].label = "Very strong"
    publish(six)
    cycle.state = CycleState.CLOSED
    db.session.commit()
    return cycle


def test_next_year_copies_template_rubric_settings_and_letter_with_dates_a_year_on(six):
    last = _closed_last_year(six)
    new = start_next_year(six.lead, last)
    db.session.commit()
    assert (new.state, new.year, new.region_id) == (CycleState.DRAFT, last.year + 1, last.region_id)
    assert new.title == f"{six.region.name} peer challenge {last.year + 1}"
    assert new.opens_on == date(2029, 2, 28)
    assert new.challenge_event_on == date(2029, 6, 3)
    for field in ("submissions_due_on", "reviews_due_on", "letters_due_on"):
        assert getattr(new, field) == getattr(last, field).replace(year=getattr(last, field).year + 1)
    for field in ("peers_per_authority", "anonymous", "letter_annex", "section_ratings_required"):
        assert getattr(new, field) == getattr(last, field)
    assert (new.signatory_name, new.signatory_title) == ("Sam Chair", "Chair")
    assert new.letter_template == last.letter_template
    assert [(s.title, s.guidance, s.guidance_html, s.scale_keys) for s in new.sections] == [
        (s.title, s.guidance, s.guidance_html, s.scale_keys) for s in last.sections
    ]
    assert new.sections[0].scale_keys == (last.scales[0].key,)
    assert {s.id for s in new.scales}.isdisjoint({s.id for s in last.scales})
    assert [[(lv.label, lv.definition) for lv in s.levels] for s in new.scales] == [
        [(lv.label, lv.definition) for lv in s.levels] for s in last.scales
    ]
    assert new.scales[0].levels[0].label == "Very strong"
    assert new.assignments_published_at is None and new.opened_at is None
    # Last year's cycle is untouched.
    assert last.state == CycleState.CLOSED and len(last.sections) == len(new.sections)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.kind == "cycle_created").order_by(AuditEvent.id.desc())
    )
    assert event.details["cycle_id"] == new.id and event.details["from_cycle_id"] == last.id
    assert event.summary == f"Cycle '{new.title}' was started from '{last.title}'"


def test_a_second_start_picks_a_free_title(six):
    last = _closed_last_year(six)
    first = start_next_year(six.lead, last)
    second = start_next_year(six.lead, last)
    db.session.commit()
    assert second.title == first.title + " (2)"
    titles = db.session.scalars(sa.select(Cycle.title).where(Cycle.region_id == six.region.id)).all()
    assert len(titles) == len(set(titles)) == 3


def test_next_years_solver_avoids_last_years_pairings(six):
    last = _closed_last_year(six)
    last_pairs = current_pairs(last, assignment_services.AssignmentState.PUBLISHED)
    new = start_next_year(six.lead, last)
    new.opens_on = date.today()
    cycle_services.open_cycle(six.lead, new)
    solution = assignment_services.generate_proposal(six.lead, new)
    db.session.commit()
    assert solution.repeated == 0
    assert current_pairs(new) and current_pairs(new).isdisjoint(last_pairs)
    # The history is really there: last year's pairs, proposed again, count as repeated.
    by_id = {authority.id: authority for authority in six.authorities}
    again = [(by_id[reviewer], by_id[reviewed]) for reviewer, reviewed in last_pairs]
    assert assignment_services.evaluate_pairs(new, again).repeated == len(last_pairs)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("admin", 200),
        ("lead", 200),
        ("other_lead", 403),
        ("director", 403),
        ("no_role", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_start_next_years_cycle(world, cycle, client_for, person, status):
    client = client_for(person)
    url = f"/cycles/{cycle.id}/next-year"
    assert client.get(url).status_code == status
    posted = client.post(url)
    count = db.session.scalar(sa.select(sa.func.count(Cycle.id)))
    if status == 200:
        new = db.session.scalar(sa.select(Cycle).where(Cycle.year == cycle.year + 1))
        assert posted.status_code == 302 and posted.location.endswith(f"/cycles/{new.id}/edit")
        assert count == 2
    else:
        assert posted.status_code == status and count == 1


def test_the_confirmation_says_what_is_copied_and_the_cycle_page_links_to_it(world, cycle, client_for):
    lead = client_for("lead")
    assert f"/cycles/{cycle.id}/next-year" in lead.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    page = lead.get(f"/cycles/{cycle.id}/next-year").get_data(as_text=True).replace("&#39;", "'")
    assert f"Peer challenge ({cycle.year + 1})" in page
    assert f"the template's {len(cycle.sections)} sections" in page and "the letter template" in page
    assert "Nobody is emailed" in page
