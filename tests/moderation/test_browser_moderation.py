"""In a real browser, by keyboard: a moderator reads the self-assessment, writes, saves and submits comments,
and the author then reads them on the self-assessment's page (axe-core checks every page shown)."""

import pytest
from playwright.sync_api import expect

from peerchallenge.extensions import db
from peerchallenge.moderation.models import ModerationProgress
from tests.browser import press_on, sign_in_by_keyboard, sign_out_by_keyboard, tab_to
from tests.scenarios import page_url

pytestmark = pytest.mark.browser

EVIDENCE = "The early help section gives no audit findings: add the 2025 audit's grades."
DATA = "The re-referral rate quoted (22%) is the 2023-24 figure; the pack's latest is 24.1%."


def test_a_moderator_writes_and_submits_comments_and_the_author_reads_them(
    moderated, live_server, browser_page
):
    page = browser_page
    row = moderated.rows()[0]
    moderator = moderated.moderator_of(row)
    author = moderated.six.directors[moderated.six.authorities.index(row.authority)]

    sign_in_by_keyboard(page, live_server, moderator)
    expect(page.locator("#your-moderation")).to_contain_text(row.authority.name)
    press_on(page, page.locator("#your-moderation").get_by_role("link", name=row.authority.name))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Moderation of {row.authority.name}")

    # The self-assessment opens from the moderation page, and reads as it was signed off.
    press_on(page, page.locator("#read-self-assessment"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(row.authority.name)
    page.go_back()

    tab_to(page, "textarea evidence_comment")
    page.keyboard.type(EVIDENCE)
    tab_to(page, "textarea data_comment")
    page.keyboard.type(DATA)
    tab_to(page, "button Save comments")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your comments have been saved")

    press_on(page, page.get_by_role("button", name="Submit comments"))
    expect(page.get_by_role("heading", name="Submit your comments?")).to_be_visible()
    press_on(page, page.get_by_role("button", name="Submit comments"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been submitted")
    expect(page.locator("#moderation-status")).to_contain_text("Done")
    expect(page.locator("#data-comment")).to_contain_text("24.1%")
    db.session.expire_all()
    assert db.session.get(type(row), row.id).progress == ModerationProgress.DONE

    sign_out_by_keyboard(page, live_server)
    sign_in_by_keyboard(page, live_server, author)
    page.goto(live_server + page_url(moderated.cycle, row.authority))
    comments = page.locator("#moderation-comments")
    expect(comments).to_contain_text(f"Moderated by {moderator.name}, {row.moderator_authority.name}")
    expect(comments).to_contain_text("2025 audit")
    expect(comments).to_contain_text("24.1%")
