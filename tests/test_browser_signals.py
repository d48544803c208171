"""In a real browser: the author sees the business-as-usual and evidence signals on the self-assessment before
it is signed off, and the reviewer sees them beside the section in the review form, each with its reason in
words (never told by colour alone). axe-core checks every page."""

import pytest
from playwright.sync_api import expect

from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.browser import sign_in_by_keyboard, sign_out_by_keyboard, tab_to
from tests.monitoring.builders import publish_pair
from tests.scenarios import move_to, open_cycle
from tests.test_signals import EVIDENCE, FAMILY_HELP_TEXT, USUAL, self_assessment

pytestmark = pytest.mark.browser


def test_the_author_sees_signals_before_sign_off_and_the_reviewer_beside_the_section(
    world, live_server, browser_page
):
    page = browser_page
    cycle = open_cycle(world)
    submission_services.upload_version(
        world.contributor, cycle, world.authority, "sa.md", self_assessment(FAMILY_HELP_TEXT)
    )
    db.session.commit()

    # 1. The author, before sign-off: the section's summary, and each passage marked with its reason.
    sign_in_by_keyboard(page, live_server, world.contributor)
    page.goto(f"{live_server}/cycles/{cycle.id}/authorities/{world.authority.id}/self-assessment")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Family help, including early help")
    )
    expect(section.locator(".app-signals-summary")).to_contain_text(
        f"1 passage reads as business as usual, {len(USUAL.split())} words; "
        f"1 passage carries evidence, {len(EVIDENCE.split())} words."
    )
    usual = section.locator(".app-prose mark.app-mark--business-as-usual").first
    expect(usual).to_contain_text("Our Corporate Parenting Board meets quarterly")
    expect(section.locator(".app-mark-note").first).to_have_text(
        "Business as usual: describes a meeting or board (“meets quarterly”); no outcome"
    )
    expect(section.locator(".app-mark-note").nth(1)).to_contain_text("Evidence: a figure with a comparator")
    # Not colour alone: each kind has its own line under the text.
    styles = [
        section.locator(f".app-prose mark.app-mark--{kind}").first.evaluate(
            "mark => getComputedStyle(mark).textDecorationStyle"
        )
        for kind in ("business-as-usual", "evidence")
    ]
    assert styles == ["dashed", "solid"]
    sign_out_by_keyboard(page, live_server)

    # 2. The reviewer, beside the section in the review form, reaching the text by keyboard.
    submission_services.sign_off(world.director, find_submission(cycle, world.authority))
    db.session.commit()
    assignment = publish_pair(cycle, world.sibling, world.authority)
    move_to(cycle, world.lead, CycleState.REVIEWING)
    sign_in_by_keyboard(page, live_server, world.sibling_director)
    page.goto(f"{live_server}/reviews/{assignment.id}")
    text = page.get_by_role("region", name="Alpha: Family help, including early help")
    tab_to(page, "region Alpha: Family help, including early help", most=120)
    expect(text).to_be_focused()
    expect(text.locator("mark.app-mark--evidence")).to_contain_text("Re-referrals within 12 months fell")
    expect(text.locator(".app-mark-note").first).to_contain_text("Business as usual: describes a meeting")
    summary = page.locator(".app-signals-summary").filter(has_text="1 passage carries evidence")
    expect(summary.first).to_be_visible()
