"""In a real browser: the lead releases a letter; the director reads, downloads and answers it; the lead sees
who read it and the response."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.scenarios import letter_of, submit_both

pytestmark = pytest.mark.browser

RESPONSE = """We accept the challenge and will act on it.

- Refresh the sufficiency strategy with partners by June
- Report progress to the improvement board each quarter
"""

# As the uk_datetime filter writes it, for example "3 March 2026 at 2:05pm".
UK_DATETIME = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d{2}(am|pm)")


def sign_out(page, base: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/sign-in")


def test_the_lead_releases_the_director_responds_the_lead_sees_it(reviewing, live_server, browser_page):
    letter = submit_both(reviewing)
    assert letter is not None, "both reviews are submitted, so the letter should be composed"
    authority = letter.authority.name
    director = reviewing.reviewed_director
    page = browser_page
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    banner = page.locator(".govuk-notification-banner")

    # The lead approves and releases the letter.
    sign_in(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/cycles/{reviewing.cycle.id}/letters")
    expect(page.get_by_role("heading", name="Challenge letters", exact=True, level=1)).to_be_visible()
    page.get_by_role("link", name=f"{authority} letter", exact=True).click()
    expect(page.get_by_role("heading", name=f"Letter to {authority}", exact=True, level=1)).to_be_visible()
    page.get_by_role("button", name="Approve letter").click()
    expect(banner).to_contain_text("The letter has been approved. It is ready to release.")
    # Before release the lead checks the files the authority will get: the draft, from the stored files.
    with page.expect_download(timeout=60_000) as download_info:  # generous: the test machine may be busy
        page.get_by_role("link", name="Download the draft as Word").click()
    assert download_info.value.suggested_filename.endswith(".docx")
    page.get_by_role("link", name=f"Release to {authority}").click()
    expect(
        page.get_by_role("heading", name=f"Release the letter to {authority}?", exact=True, level=1)
    ).to_be_visible()
    page.get_by_role("button", name="Release letter").click()
    expect(banner).to_contain_text(f"The letter has been released to {authority}.")
    expect(page.locator("main .govuk-tag", has_text="Released")).to_be_visible()
    expect(page.get_by_role("button", name="Approve letter")).to_have_count(0)
    sign_out(page, live_server)

    # The authority's director finds it under Letters, reads it, downloads it and responds.
    sign_in(page, live_server, director)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Letters", exact=True).click()
    expect(
        page.get_by_role("heading", name="Your peer challenge letters", exact=True, level=1)
    ).to_be_visible()
    page.get_by_role("link", name=re.compile(f"letter to {authority}$")).click()
    expect(
        page.get_by_role("heading", name=f"Peer challenge letter to {authority}", exact=True, level=1)
    ).to_be_visible()
    body = page.get_by_role("article", name="The letter")
    for title in (
        "Strengths",
        "Areas for consideration",
        "Key lines of enquiry",
        "Annex: section by section",
    ):
        expect(body.get_by_role("heading", name=title, exact=True, level=2)).to_be_visible()
    for title in [section.title for section in reviewing.cycle.sections]:
        expect(body.get_by_role("heading", name=title, exact=True, level=3)).to_be_visible()

    with page.expect_download(timeout=60_000) as download_info:  # stored at release; generous when busy
        page.get_by_role("link", name="Download the letter as PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.get_by_label("We have read this letter: thank you for your reflections").check()
    page.get_by_label("What will you do?", exact=True).fill(RESPONSE)
    page.get_by_role("button", name="Save response").click()
    expect(banner).to_contain_text("Your response has been saved.")
    expect(page.get_by_role("main")).to_contain_text(f"{director.name} thanked the peers for this letter")
    answer = page.get_by_role("heading", name="Your response as others see it")
    expect(answer).to_be_visible()
    seen = answer.locator("xpath=following-sibling::div[1]")
    expect(seen.get_by_role("listitem")).to_have_text(
        [
            "Refresh the sufficiency strategy with partners by June",
            "Report progress to the improvement board each quarter",
        ]
    )
    expect(seen).not_to_contain_text("- Refresh")
    sign_out(page, live_server)

    # The lead sees who read it, and when, and the response.
    stored = letter_of(reviewing)
    assert stored.acknowledged_by_id == director.id and stored.response == RESPONSE.strip()
    sign_in(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/cycles/{reviewing.cycle.id}/letters")
    listed = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"{authority} letter", exact=True)
    )
    expect(listed.get_by_role("cell")).to_have_text(["Responded", "1 person", re.compile(r"^Received \d")])
    listed.get_by_role("link", name=f"{authority} letter", exact=True).click()
    expect(page.get_by_role("heading", name="Who has read it")).to_be_visible()
    read_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=director.name, exact=True)
    )
    expect(read_row).to_have_count(1)
    expect(read_row.get_by_role("cell")).to_have_text(UK_DATETIME)
    expect(read_row).not_to_contain_text("Not read yet")
    response_heading = page.get_by_role("heading", name=f"{authority}'s response")
    expect(response_heading).to_be_visible()
    response = response_heading.locator("xpath=following-sibling::div[1]")
    expect(response.get_by_role("listitem")).to_have_text(
        [
            "Refresh the sufficiency strategy with partners by June",
            "Report progress to the improvement board each quarter",
        ]
    )
    expect(response).to_contain_text("We accept the challenge and will act on it.")
    assert page.script_errors == []


def test_a_director_says_how_letters_address_them_and_the_lead_names_the_region(
    reviewing, live_server, browser_page
):
    page = browser_page
    director = reviewing.reviewed_director
    banner = page.locator(".govuk-notification-banner")

    sign_in(page, live_server, director)
    page.goto(f"{live_server}/account")
    expect(page.locator("#salutation")).to_have_text(f"Dear {director.name.split()[0]},")
    page.get_by_role("link", name="Change how letters address you").click()
    field = page.get_by_label("How to address you in a letter")
    field.fill("S" * 151)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("How to address you must be 150 characters")
    page.get_by_label("How to address you in a letter").fill("Sam")
    page.get_by_role("button", name="Save").click()
    expect(banner).to_contain_text("Letters will address you as you asked.")
    expect(page.locator("#salutation")).to_have_text("Dear Sam,")
    page.goto(f"{live_server}/")  # the account page has a second "Sign out" button: everywhere
    sign_out(page, live_server)

    region = reviewing.cycle.region
    sign_in(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/regions/{region.id}")
    page.get_by_role("link", name="Change the name on the region's letters").click()
    page.get_by_label("Name on letters").fill("ADCS Test Region")
    page.get_by_role("button", name="Save").click()
    expect(banner).to_contain_text("The name on the region's letters has been saved.")
    expect(page.locator("#display-name")).to_have_text("ADCS Test Region")

    letter = submit_both(reviewing)
    page.goto(f"{live_server}/letters/{letter.id}")
    expect(page.get_by_role("main")).to_contain_text("Dear Sam,")
    expect(page.get_by_role("main")).to_contain_text("Yours sincerely,")
