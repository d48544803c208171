"""In a real browser: the lead changes a draft cycle's rubric (axe-core checks every page on the way)."""

import pytest
from playwright.sync_api import expect

from peerchallenge.extensions import db
from tests.browser import sign_in
from tests.scenarios import open_cycle

pytestmark = pytest.mark.browser


def test_the_lead_adds_a_scale_with_levels_and_rates_a_section_on_it(world, live_server, browser_page):
    cycle = open_cycle(world, draft=True)
    page = browser_page
    sign_in(page, live_server, world.lead)
    page.goto(f"{live_server}/cycles/{cycle.id}")
    page.get_by_role("link", name="Change the rubric").click()
    expect(page.get_by_role("heading", name="Rubric", exact=True)).to_be_visible()

    page.get_by_role("button", name="Add a scale").click()
    page.get_by_label("Name of the scale").fill("Children's voice")
    page.get_by_role("button", name="Save scale").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Now add its levels")
    for label in ("Heard throughout", "Heard in places"):
        page.get_by_role("link", name="Add a level to Children's voice").click()
        page.get_by_label("Level").fill(label)
        page.get_by_role("button", name="Save level").click()

    page.get_by_role("link", name="Change which scales each section is rated on").click()
    page.get_by_role("group", name="Care leavers").get_by_label("Children's voice").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name="Care leavers")).to_contain_text("Children's voice")

    db.session.expire_all()
    care_leavers = next(section for section in cycle.sections if section.title == "Care leavers")
    assert "children_s_voice" in care_leavers.scale_keys
