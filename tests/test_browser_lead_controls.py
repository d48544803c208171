"""In a real browser: the dashboard fits a laptop screen; the lead sends reminders from it by keyboard."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests.browser import focused, sign_in, sign_in_by_keyboard, tab
from tests.monitoring.builders import every_state

pytestmark = pytest.mark.browser

# The table's full width against the box it scrolls in, and the page's against the window.
WIDTHS = """() => {
  const table = document.querySelector("#dashboard");
  return {
    table: table.scrollWidth,
    box: table.parentElement.clientWidth,
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
  };
}"""


def test_the_dashboard_fits_a_1280_px_screen_without_scrolling_sideways(world, live_server, browser_page):
    scenario = every_state(world)
    # The longest name of an English authority, whose words set the first column's width.
    scenario.authorities["Echo"].name = "Bournemouth, Christchurch and Poole"
    db.session.commit()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, world.lead)

    page.goto(f"{live_server}/cycles/{scenario.cycle.id}/dashboard")
    widths = page.evaluate(WIDTHS)
    assert widths["table"] <= widths["box"], widths
    assert widths["page"] <= widths["window"], widths
    # The last column is on the screen.
    last = page.locator("#stage-responded").bounding_box()
    assert last is not None and last["x"] + last["width"] <= 1280


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until `name` has the focus (as tests.browser.focused words it)."""
    for _ in range(limit):
        if tab(page) == name:
            return
    raise AssertionError(f"{name} never had the focus; last {focused(page)}")


def outbox_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) or 0


def test_the_lead_previews_and_sends_reminders_by_keyboard(world, live_server, browser_page):
    scenario = every_state(world)
    page = browser_page
    sign_in_by_keyboard(page, live_server, world.lead)
    before = outbox_count()

    # The navigation has the dashboard of the lead's cycle under way.
    tab_to(page, "link Dashboard")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/cycles/{scenario.cycle.id}/dashboard")

    tab_to(page, "link Preview and send today's reminders")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send reminders")
    # Cedar and Delta have nobody to remind and are 20 days overdue: the lead is told.
    lead_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Lee Lead"))
    expect(lead_row).to_contain_text(world.lead.email)
    expect(lead_row).to_contain_text("Cedar has not signed off its self-assessment: overdue by 20 days")
    expect(lead_row).to_contain_text("Delta has not uploaded its self-assessment: overdue by 20 days")
    expect(page.locator("#reminders caption")).to_have_text("1 email to 1 person")

    tab_to(page, "button Send reminders")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Queued 1 reminder email to 1 person")
    # Sent once: the preview now says nobody is due one, and there is nothing to send.
    expect(page.locator("#nobody-due")).to_have_text("Nobody is due a reminder today.")
    expect(page.get_by_role("button", name="Send reminders")).to_have_count(0)
    assert outbox_count() == before + 1
