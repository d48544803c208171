"""In a real browser: the lead opens the dashboard, shows only what is overdue, and downloads it as CSV."""

import csv
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.monitoring.builders import EXPECTED, every_state

pytestmark = pytest.mark.browser


def test_the_lead_filters_the_dashboard_to_overdue_and_downloads_it(world, live_server, browser_page):
    scenario = every_state(world)
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, world.lead)

    page.goto(f"{live_server}/cycles/{scenario.cycle.id}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    table = page.locator("#dashboard")
    expect(table.locator("tbody tr")).to_have_count(5)
    delta = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Delta"))
    signed_off = delta.locator('td[data-stage="signed_off"]')
    expect(signed_off).to_contain_text("Overdue")
    # The colour is a second channel: the red tint behind the words.
    expect(signed_off).to_have_css("background-color", "rgb(244, 205, 198)")
    expect(page.locator("#deadlines")).to_contain_text("Passed 20 days ago")

    page.get_by_role("link", name="Overdue only (3)").click()
    expect(page).to_have_url(f"{live_server}/cycles/{scenario.cycle.id}/dashboard?show=overdue")
    expect(table.locator("tbody th")).to_have_text(["Beta", "Cedar", "Delta"])
    expect(page.get_by_role("link", name="Overdue only (3)")).to_have_attribute("aria-current", "page")

    with page.expect_download(timeout=60_000) as download_info:  # generous: CI machines can be busy
        page.get_by_role("link", name="Download this table as CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("peer-challenge-dashboard-")
    with Path(download.path()).open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert [row[0] for row in rows[1:-1]] == ["Beta", "Cedar", "Delta"]
    assert rows[1:-1] == [[name, *EXPECTED[name]] for name in ("Beta", "Cedar", "Delta")]

    # The cell links to what it is about: Delta owes one review, and its cell opens it.
    delta.locator('td[data-stage="reviews_given"] a').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Beta by Delta")
    assert errors == []
