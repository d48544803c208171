"""In a real browser, by keyboard alone: the lead composes a letter by choice (writes the headline, unticks a
point, ticks another, puts it first and rewords it), previews the files, approves and releases it; the
authority's director reads the narrative letter, its annex after it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import focused, press_on, sign_in, sign_in_by_keyboard, skip_to_main, tab
from tests.scenarios import letter_of, review_content, submit_both

pytestmark = pytest.mark.browser


def tab_to(page, wanted: str, *, limit: int = 400) -> None:
    """Tab forward until `wanted` (as `focused` names it) has the focus."""
    for _ in range(limit):
        if tab(page) == wanted:
            return
    raise AssertionError(f"{wanted} was not reached with Tab; the focus is on {focused(page)}")


def test_the_lead_composes_a_letter_by_choice_with_the_keyboard_alone(reviewing, live_server, browser_page):
    cycle = reviewing.cycle
    letter = submit_both(
        reviewing,
        first=review_content(cycle, strength="Strong audit programme", question="How do you know?"),
        second=review_content(cycle, level=1, strength="Children's voices heard", question="Who owns it?"),
    )
    page = browser_page
    banner = page.locator(".govuk-notification-banner")
    sign_in_by_keyboard(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/letters/{letter.id}")
    skip_to_main(page)
    tab_to(page, "link Choose the points")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=f"Compose the letter to {letter.authority.name}", level=1)
    ).to_be_visible()
    # The lead sees where the peers' ratings differ (the test's second peer rates a level lower).
    differences = page.get_by_role("table", name="Ratings on which the peers differ")
    expect(differences.get_by_role("row").nth(1)).to_contain_text("One level apart")

    skip_to_main(page)
    tab_to(page, "textarea headline")
    page.keyboard.press("Control+A")
    page.keyboard.type("A candid self-assessment, written with the keyboard.")
    # The service ticked the first two strengths (the overall part's); the lead unticks the first, and puts
    # the second first, reworded.
    tab_to(page, "checkbox strength-0-include")
    page.keyboard.press("Space")
    tab_to(page, "text strength-1-order")
    page.keyboard.type("1")
    assert tab(page) == "textarea strength-1-text"
    page.keyboard.press("Control+A")
    page.keyboard.type("Reworded without a mouse.")
    tab_to(page, "button Compose the letter from these points")
    page.keyboard.press("Enter")

    expect(banner).to_contain_text(
        "The letter has been composed from the points you chose, as a new version."
    )
    stored = letter_of(reviewing)
    assert "A candid self-assessment, written with the keyboard." in stored.body
    strengths = stored.body.split("## Strengths\n")[1].split("\n## ")[0]
    assert strengths.strip().startswith("- Reworded without a mouse.")
    preview = page.locator(".app-letter").first
    expect(preview.get_by_role("heading", name="Our overall view", level=2)).to_be_visible()
    expect(preview.get_by_role("heading", name="Annex: section by section", level=2)).to_be_visible()

    # The lead previews the files, then approves and releases.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Download the draft as PDF").focus()
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".pdf")
    press_on(page, page.get_by_role("button", name="Approve letter"))
    expect(banner).to_contain_text("The letter has been approved.")
    press_on(page, page.get_by_role("link", name=f"Release to {letter.authority.name}"))
    press_on(page, page.get_by_role("button", name="Release letter"))
    expect(banner).to_contain_text(f"The letter has been released to {letter.authority.name}.")
    page.get_by_role("button", name="Sign out").click()

    # The authority reads a narrative letter, with the annex after the signatures.
    sign_in(page, live_server, reviewing.reviewed_director)
    page.goto(f"{live_server}/letters/{letter.id}/read")
    body = page.get_by_role("article", name="The letter")
    headings = body.get_by_role("heading", level=2)
    expect(headings).to_have_text(
        [
            "Our overall view",
            "Strengths",
            "Areas for consideration",
            "Key lines of enquiry",
            "Annex: section by section",
        ]
    )
    for section in reviewing.cycle.sections:
        expect(body.get_by_role("heading", name=section.title, exact=True, level=3)).to_be_visible()
    expect(body).not_to_contain_text(re.compile("Agreement|apart"))
