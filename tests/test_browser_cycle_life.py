"""In a real browser, by keyboard: the lead moves a cycle on from consolidating and closes it; a reviewer
still reads their review, read-only."""

import pytest
from playwright.sync_api import expect

from tests.browser import press_on, sign_in, sign_in_by_keyboard
from tests.scenarios import submit_both

pytestmark = pytest.mark.browser

CLOSED = "This cycle is closed: its self-assessments, reviews and letters are read-only."


def press(page, role: str, name: str) -> None:
    press_on(page, page.get_by_role(role, name=name, exact=True))


def test_the_lead_moves_the_cycle_on_and_closes_it(reviewing, live_server, browser_page):
    submit_both(reviewing)  # Anyshire's reviews are in and the cycle is consolidating
    page = browser_page
    banner = page.locator(".govuk-notification-banner")
    state = page.locator("#cycle-state")
    sign_in_by_keyboard(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/cycles/{reviewing.cycle.id}")
    expect(state).to_contain_text("Consolidating")
    expect(page.locator("#holds")).to_contain_text("10 reviews not submitted")

    press(page, "button", "Mark letters as released")
    expect(page.get_by_role("heading", name="Mark letters as released?", level=1)).to_be_visible()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Reviews can no longer be written, submitted or reopened.")
    expect(page.locator("#emails")).to_contain_text("Nobody else is emailed")
    press(page, "button", "Mark letters as released anyway")
    expect(banner).to_contain_text("The cycle is now letters released.")
    expect(state).to_contain_text("Letters released")
    expect(page.locator("#holds")).to_contain_text("6 letters not released")

    press(page, "button", "Close the cycle")
    expect(changes).to_contain_text("Self-assessments, reviews and letters become read-only.")
    press(page, "button", "Close the cycle anyway")
    expect(banner).to_contain_text("The cycle is now closed.")
    expect(state).to_contain_text("Closed")
    expect(page.locator("#cycle-closed")).to_contain_text(CLOSED)
    expect(page.get_by_role("link", name="Change the details and dates")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen the cycle", exact=True)).to_be_visible()

    # A reviewer still reads the review they submitted, with nothing to change.
    page.context.clear_cookies()
    sign_in(page, live_server, reviewing.reviewer_director)
    page.goto(f"{live_server}{reviewing.url}")
    expect(page.locator("#cycle-closed")).to_contain_text(CLOSED)
    expect(page.get_by_text("A candid and well evidenced self-assessment.").first).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen for changes")).to_have_count(0)
