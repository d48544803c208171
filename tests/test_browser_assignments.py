"""In a real browser: the lead generates an assignment, and the adjust page checks the rules as it changes."""

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.scenarios import current_pairs

pytestmark = pytest.mark.browser


def test_lead_generates_adjusts_with_a_live_check_and_publishes(six, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, six.lead)
    page.goto(f"{live_server}/cycles/{six.cycle.id}/assignments")
    page.get_by_role("button", name="Generate an assignment").click()
    assert "Every rule is kept" in page.inner_text("#evaluation")
    proposal = current_pairs(six.cycle)

    page.get_by_role("button", name="Adjust by hand").click()
    # The live check is the page's script: it listens for changes only once the page has loaded.
    page.wait_for_load_state("load")
    first = six.authorities[0]
    page.get_by_label(f"Reviewer 1 of {first.name}").select_option(label=first.name)
    # No button pressed: the page asks the server and shows what the change breaks.
    expect(page.locator("#evaluation")).to_contain_text("cannot be saved")
    assert f"{first.name} reviews itself" in page.inner_text("#evaluation")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary").first).to_contain_text("was not saved")
    assert current_pairs(six.cycle) == proposal

    page.goto(f"{live_server}/cycles/{six.cycle.id}/assignments/publish")
    page.get_by_role("button", name="Publish").click()
    assert "published" in page.inner_text(".govuk-notification-banner")
