"""Last year beside this year: the author writes "Progress since last year" beside last year's actions, and
the reviewer reads last year's letter and the status of its actions beside the self-assessment."""

from datetime import timedelta

import pytest

from peerchallenge.accounts.models import Role
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.regions import services as region_services
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.actions.builders import add, close, letter_with_points
from tests.monitoring.builders import publish_pair, sign_off, upload
from tests.scenarios import open_cycle


@pytest.fixture
def years(world):
    """Last year's cycle, closed, with Alpha's letter and two actions; this year's cycle, open."""
    today = uk_today()
    last = open_cycle(world, due=today - timedelta(days=365), title="Peer challenge last year")
    letter = letter_with_points(last, world.authority, world.lead)
    letter.versions[-1].body_html = "<p>Dear Alpha, your front door is strong.</p>"
    add(world.director, letter, what="Audit supervision", status="done")
    add(world.director, letter, what="Pilot a panel", status="dropped", dropped_reason="No funding")
    close(last, world.lead)
    this = open_cycle(world, due=today + timedelta(days=10), title="Peer challenge this year")
    return last, this, letter


def progress_position(cycle, authority) -> int:
    version = find_submission(cycle, authority).current_version
    return next(
        s.position
        for s in version.sections
        if s.template_section and s.template_section.title.startswith("Progress")
    )


def other_position(cycle, authority) -> int:
    version = find_submission(cycle, authority).current_version
    return next(
        s.position
        for s in version.sections
        if s.template_section and not s.template_section.title.startswith("Progress")
    )


def test_the_progress_section_shows_last_years_actions_beside_the_text(world, years, sign_in):
    _, this, letter = years
    upload(world.contributor, this, world.authority)
    client = sign_in(world.contributor)
    base = f"/cycles/{this.id}/authorities/{world.authority.id}/self-assessment"
    page = client.get(f"{base}/sections/{progress_position(this, world.authority)}/edit").get_data(
        as_text=True
    )
    assert 'id="last-year"' in page
    assert "Audit supervision" in page and "Done" in page
    assert "Pilot a panel" in page and "Dropped: No funding" in page
    assert f"/letters/{letter.id}/actions" in page
    other = client.get(f"{base}/sections/{other_position(this, world.authority)}/edit").get_data(as_text=True)
    assert 'id="last-year"' not in other


def test_the_upload_page_shows_last_years_actions(world, years, sign_in):
    _, this, _ = years
    page = sign_in(world.director).get(
        f"/cycles/{this.id}/authorities/{world.authority.id}/self-assessment/upload"
    )
    assert "Audit supervision" in page.get_data(as_text=True)


def test_without_a_previous_cycle_the_page_says_so(world, sign_in):
    cycle = open_cycle(world)
    page = sign_in(world.director).get(
        f"/cycles/{cycle.id}/authorities/{world.authority.id}/self-assessment/upload"
    )
    assert "There was no peer challenge in this region last year." in page.get_data(as_text=True)


def test_the_reviewer_reads_last_years_letter_and_its_actions_beside_the_self_assessment(
    world, years, sign_in
):
    _, this, letter = years
    sign_off(world.director, world.contributor, this, world.authority)
    assignment = publish_pair(this, world.sibling, world.authority)
    this.state = CycleState.REVIEWING
    db.session.commit()
    page = sign_in(world.sibling_director).get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assert f'id="last-year-letter-{letter.id}"' in page
    assert "Dear Alpha, your front door is strong." in page
    assert "Audit supervision" in page and "Pilot a panel" in page
    # and the actions' own page opens for this year's reviewer
    assert sign_in(world.sibling_director).get(f"/letters/{letter.id}/actions").status_code == 200


def test_a_successor_sees_its_predecessors_letter_and_actions(world, years, sign_in):
    _, this, _ = years
    merged = region_services.merge_authorities(
        world.admin,
        [world.authority, world.sibling],
        uk_today() - timedelta(days=100),
        new=region_services.NewAuthority(
            name="Alphabet",
            dfe_code="999",
            ons_code="E06000999",
            authority_type=world.authority.authority_type,
        ),
    )
    db.session.commit()
    director = factories.make_user((Role.DIRECTOR, merged), name="Mo Merged")
    page = sign_in(director).get(f"/cycles/{this.id}/authorities/{merged.id}/self-assessment/upload")
    text = page.get_data(as_text=True)
    assert "Audit supervision" in text
    assert "(Alphabet carries it on)" in text
