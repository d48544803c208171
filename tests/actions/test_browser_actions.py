"""In a real browser, by keyboard alone: the authority turns its released letter into an action and updates
its status; the regional lead then finds it in the region's list of actions. axe-core checks every page."""

import pytest
from playwright.sync_api import expect

from tests.actions.builders import CONSIDERATION, released_letter
from tests.actions.keyboard import fill_action, open_add_action
from tests.browser import focused, sign_in_by_keyboard, sign_out_by_keyboard, tab_to

pytestmark = pytest.mark.browser

WHAT = "Audit supervision records every month and report to the practice board"


def test_the_authority_adds_and_updates_an_action_and_the_lead_sees_it(world, live_server, browser_page):
    letter = released_letter(world)
    page = browser_page
    banner = page.locator(".govuk-notification-banner")

    sign_in_by_keyboard(page, live_server, world.contributor)
    open_add_action(page, live_server, letter)
    fill_action(page, WHAT)
    tab_to(page, "button Save action")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The action has been added.")
    row = page.locator("#actions tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CONSIDERATION)
    expect(row).to_contain_text("Not started")

    tab_to(page, f"link {WHAT}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Update the action", level=2)).to_be_visible()
    tab_to(page, "radio status not_started")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, In progress
    assert focused(page) == "radio status in_progress"
    tab_to(page, "button Save changes")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The action has been saved.")
    expect(row).to_contain_text("In progress")
    sign_out_by_keyboard(page, live_server)

    sign_in_by_keyboard(page, live_server, world.lead)
    tab_to(page, "link Actions")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Actions", level=1)).to_be_visible()
    tab_to(page, "select#status")
    page.keyboard.type("In progress")
    tab_to(page, "button Show actions")
    page.keyboard.press("Enter")
    expect(page.locator("#action-count")).to_have_text("1 action.")
    lead_row = page.locator("#actions tbody tr")
    expect(lead_row).to_contain_text("Alpha")
    expect(lead_row).to_contain_text(WHAT)
    expect(lead_row).to_contain_text("In progress")
