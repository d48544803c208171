"""In a real browser, by keyboard: the lead starts next year's cycle from a closed cycle; the admin merges
two authorities (axe-core checks every page on the way)."""

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.extensions import db
from tests.browser import focused, sign_in, sign_in_by_keyboard, tab

pytestmark = pytest.mark.browser


def test_the_lead_starts_next_years_cycle_from_a_closed_cycle(world, cycle, live_server, browser_page):
    cycle.title = f"Region A peer challenge {cycle.year}"
    cycle.sections[0].title = "Early help for families"
    cycle.state = CycleState.CLOSED
    db.session.commit()
    page = browser_page
    sign_in_by_keyboard(page, live_server, world.lead)
    page.goto(f"{live_server}/cycles/{cycle.id}")
    page.get_by_role("link", name="Start next year's cycle").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Start next year's cycle")).to_be_visible()
    expect(page.get_by_text(f"Region A peer challenge {cycle.year + 1}")).to_be_visible()
    expect(page.get_by_text("Nobody is emailed")).to_be_visible()
    page.get_by_role("link", name="Back").focus()
    while focused(page) != "button Start next year's cycle":
        tab(page)
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Check its dates and title")
    new = db.session.scalar(sa.select(Cycle).where(Cycle.year == cycle.year + 1))
    assert new is not None and new.state == CycleState.DRAFT
    expect(page.get_by_label("Title", exact=True)).to_have_value(f"Region A peer challenge {cycle.year + 1}")
    page.goto(f"{live_server}/cycles/{new.id}")
    expect(page.get_by_role("heading", name=f"Region A peer challenge {cycle.year + 1}")).to_be_visible()
    expect(page.get_by_role("cell", name="Early help for families", exact=True)).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()


def test_the_admin_merges_two_authorities(world, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server}/admin")
    page.get_by_role("link", name="Add, rename, merge or split authorities in Region A").click()
    # Each screen shows its form (and axe checks it) before the merge.
    for role, name in (("link", "Rename Alpha"), ("link", "Split Alpha"), ("button", "Add an authority")):
        page.get_by_role(role, name=name).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Merge authorities").click()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the change takes effect")
    page.get_by_label("Alpha").check()
    page.get_by_label("Beta").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill(str(date.today().year + 1))
    page.get_by_label("Name of the new authority").fill("Alphabeta")
    page.get_by_label("DfE code").fill("950")
    page.get_by_label("ONS code").fill("E06000950")
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("merged into Alphabeta")
    expect(page.get_by_role("row", name="Alpha").first).to_contain_text("Ended 31 March")
