"""In a real browser, by keyboard alone: a director writes and submits a review; the lead edits a letter.

No mouse: the tests move with Tab and Shift+Tab, choose with Space and the arrow keys, press buttons and
links with Enter, and type. After each move they ask the page which element has the focus.
"""

import pytest
from playwright.sync_api import expect

from peerchallenge.reviews.models import ReviewState
from tests.browser import focused, follow_error_summary, sign_in_by_keyboard, skip_to_main, tab
from tests.scenarios import letter_of, stored_review, submit_both

pytestmark = pytest.mark.browser


def test_a_director_writes_and_submits_a_review_with_the_keyboard_alone(reviewing, live_server, browser_page):
    r, page = reviewing, browser_page
    sign_in_by_keyboard(page, live_server, r.reviewer_director)
    page.goto(f"{live_server}{r.url}")
    skip_to_main(page)

    reviewed = r.assignment.reviewed.name
    first = r.cycle.sections[0]
    # Each section is rated on its own scales; the overall part on every scale.
    parts = [(f"s{section.id}", section.title, section.scales) for section in r.cycle.sections]
    parts += [("overall", "Overall", r.cycle.scales)]
    for _prefix, title, _scales in parts:  # the contents list comes first, a link to each part
        assert tab(page) == f"link {title}"
    for prefix, title, scales in parts:
        if prefix != "overall":
            # The section's guidance, then its text: a region that scrolls, so it takes the focus.
            assert tab(page) == "summary#"
            assert tab(page) == f"region {reviewed}: {title}"
        for number, scale in enumerate(scales):
            # Tab enters the group on its first level; Space chooses it, an arrow key the next one.
            assert tab(page) == f"radio {prefix}-{scale.key} {scale.levels[0].position}"
            if number == 1:
                page.keyboard.press("ArrowDown")
                assert focused(page) == f"radio {prefix}-{scale.key} {scale.levels[1].position}"
            else:
                page.keyboard.press("Space")
        for field in ("strengths", "development", "questions"):
            assert tab(page) == f"textarea {prefix}-{field}"
        if prefix == "overall":
            assert tab(page) == "textarea overall-summary"
            page.keyboard.type("Candid, and written without a mouse.")
    assert tab(page) == "button Save draft"
    assert tab(page) == "button Check and submit"

    # Back to the first section's questions, and too many of them: the form refuses and says where.
    for _ in range(len(parts) * 10):
        if tab(page, back=True) == f"textarea s{first.id}-questions":
            break
    page.keyboard.type("\n".join(f"Question {number}?" for number in range(1, 22)))
    assert tab(page, back=True) == f"textarea s{first.id}-development"
    page.keyboard.type("Say more about early help.")
    while tab(page) != "button Check and submit":
        pass
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("write at most 20 challenge questions")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves the focus to the summary
    assert tab(page).startswith(f"link {first.title}: write at most 20 challenge questions")
    page.keyboard.press("Enter")
    assert focused(page) == f"textarea s{first.id}-questions"  # the link takes the focus to the field
    page.keyboard.press("Control+A")
    page.keyboard.type("What does early help change for families?")
    while tab(page) != "button Check and submit":
        pass
    page.keyboard.press("Space")

    # Check your answers: every part, each answer with a link to change it, then the button that submits.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check your review of {reviewed}")
    skip_to_main(page)
    assert tab(page) == f"link Change {first.scales[0].name}: {first.title}"  # the section's own scales
    while (now := tab(page)) != "button Submit review":
        assert now.startswith("link Change ")
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Your review of {reviewed} has been submitted."
    )
    review = stored_review(r.assignment)
    assert review.state == ReviewState.SUBMITTED
    first_part = review.content["sections"][str(first.id)]
    assert first_part["ratings"] == {
        scale.key: scale.levels[1 if number == 1 else 0].position for number, scale in enumerate(first.scales)
    }
    assert first_part["development"] == "Say more about early help."
    assert first_part["questions"] == ["What does early help change for families?"]
    assert review.content["overall"]["summary"] == "Candid, and written without a mouse."


def test_the_lead_edits_and_saves_a_letter_with_the_keyboard_alone(reviewing, live_server, browser_page):
    letter = submit_both(reviewing)
    page = browser_page
    sign_in_by_keyboard(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/letters/{letter.id}")
    skip_to_main(page)

    # The actions come first, then the editor, then its button.
    assert tab(page) == "button Approve letter"
    assert tab(page) == "link Compose again from the reviews"
    assert tab(page) == "link Choose the points"
    assert tab(page) == "textarea body"

    # An empty letter is refused, and the error summary's link leads back to the text.
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    assert tab(page) == "button Save as a new version"
    page.keyboard.press("Enter")
    follow_error_summary(page, "Enter the letter's text", "textarea body")

    page.keyboard.insert_text(letter.body)  # as if pasted back
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n## Written with the keyboard\n\nA paragraph added without a mouse.")
    assert tab(page, back=True) == "link Choose the points"
    assert tab(page) == "textarea body"
    assert tab(page) == "button Save as a new version"
    page.keyboard.press("Space")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as a new version.")
    expect(page.get_by_role("heading", name="Written with the keyboard", level=2)).to_be_visible()
    stored = letter_of(reviewing)
    assert stored.body.rstrip().endswith("## Written with the keyboard\n\nA paragraph added without a mouse.")
    assert stored.current_version.number == 2
