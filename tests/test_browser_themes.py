"""In a real browser: the lead opens the themes report from the menu, reads the chart and its table, follows a
theme to its traced sentences, and downloads the Word paper, which opens and carries the chart. By keyboard;
axe-core checks every page."""

import io
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from peerchallenge.demo.cycle import seed_demo_cycle
from peerchallenge.demo.seed import seed_demo
from peerchallenge.extensions import db
from tests.browser import focused, tab_to

pytestmark = pytest.mark.browser

PASSWORD = "themes in the browser"
LEAD = "lead.eastern@demo.example"


@pytest.fixture
def demo(app, monkeypatch):
    monkeypatch.setattr(
        "peerchallenge.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    result = seed_demo(PASSWORD)
    cycle = seed_demo_cycle(result.region, date.today())
    db.session.commit()
    return cycle


def test_the_lead_follows_a_theme_to_its_sentences_and_downloads_the_word_paper(
    demo, live_server, browser_page
):
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")

    # From the menu, by keyboard.
    tab_to(page, "link Themes")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/cycles/{demo.id}/themes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes")
    table = page.locator("#themes-table")
    expect(table).to_contain_text("Help and protection")
    expect(table).to_contain_text("Ofsted judgement area")
    # The chart: shapes with their words, and the same facts as a table.
    chart = page.locator("figure.app-chart svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title").first).to_contain_text("Themes by authority")
    page.get_by_text("The chart as a table").click()
    expect(page.locator("#chart-table")).to_contain_text("Bedford Borough")
    expect(page.locator("#matches-table")).to_contain_text("Sufficiency of homes")

    # Follow a theme to its quotes and traced sentences.
    tab_to(page, "link Workforce", most=120)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/cycles/{demo.id}/themes/workforce")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce")
    first = page.locator("table.app-traced").first
    expect(first.locator("mark").first).to_be_visible()
    expect(first).to_contain_text("review:")
    page.go_back()

    # The Word paper: downloaded, opened, with its headings and the chart.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a Word paper for the board").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as file:
        document = Document(io.BytesIO(file.read()))
    headings = [
        paragraph.text for paragraph in document.paragraphs if paragraph.style.name.startswith("Heading")
    ]
    assert "Themes by authority" in headings and "Workforce" in headings
    assert len(document.inline_shapes) == 1
    assert focused(page)  # the page is still there, and keyboard focus with it
