"""In a real browser: a director drafts a review, reloads it, completes and submits it; autosave; leaving."""

import pytest
from playwright.sync_api import expect

from peerchallenge.reviews.models import ReviewState
from tests.browser import sign_in
from tests.scenarios import stored_review

pytestmark = pytest.mark.browser

# The page saves 4 seconds after the last change; allow for a slow machine, but not forever.
AUTOSAVE_WAIT_MS = 9_000


@pytest.fixture
def review_page(reviewing, live_server, browser_page):
    """The reviewing director, signed in, on the review page opened from "Your reviews"; and the review."""
    page = browser_page
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    sign_in(page, live_server, reviewing.reviewer_director)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your reviews").click()
    page.get_by_role("link", name="Anyshire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Anyshire")
    return reviewing, page


def rating(page, scale, part_title: str, label: str):
    """The radio for one level, found as a person would: by the question, then the level's name.

    Section ratings are optional by default, and their questions say so.
    """
    question = f"{scale.name}: {part_title}" + ("" if part_title == "Overall" else " (optional)")
    return page.get_by_role("group", name=question, exact=True).get_by_label(label, exact=True)


def test_a_director_drafts_reloads_completes_and_submits_a_review(review_page):
    r, page = review_page
    first, second, *rest = r.cycle.sections
    scales = {scale.key: scale for scale in r.cycle.scales}
    # Each section is rated on its own scales: the headline summary not on evidence, progress not on brevity.
    chosen = {
        first: {"brevity": "Concise", "self_knowledge": "Accurate"},
        second: {"evidence": "Limited", "self_knowledge": "Over-optimistic"},
    }
    for section, labels in chosen.items():
        for key, label in labels.items():
            rating(page, scales[key], section.title, label).check()
        page.get_by_label(f"Strengths: {section.title}", exact=True).fill(f"What {section.title} does well.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved.")

    page.reload()
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.locator("li", has_text=first.title)).to_contain_text("Done")
    expect(contents.locator("li", has_text=rest[0].title)).to_contain_text("Not started")
    contents.get_by_role("link", name=second.title, exact=True).click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#section-{second.id}")
    for section, labels in chosen.items():
        for key, label in labels.items():
            expect(rating(page, scales[key], section.title, label)).to_be_checked()
        expect(page.get_by_label(f"Strengths: {section.title}", exact=True)).to_have_value(
            f"What {section.title} does well."
        )
    expect(rating(page, scales["evidence"], rest[0].title, "Strong")).not_to_be_checked()
    expect(page.get_by_role("group", name=f"Evidence strength: {first.title} (optional)")).to_have_count(0)

    for section in rest:
        for scale in section.scales:
            rating(page, scale, section.title, scale.levels[1].label).check()
    for scale in r.cycle.scales:
        rating(page, scale, "Overall", scale.levels[1].label).check()
    page.get_by_label("Summary", exact=True).fill("Honest and mostly evidenced.")
    page.get_by_role("button", name="Check and submit").click()

    # Check your answers; a "Change" link goes back to the field, then on to submit.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your review of Anyshire")
    expect(page.locator("main")).to_contain_text(f"What {first.title} does well.")
    assert stored_review(r.assignment).state == ReviewState.DRAFT
    page.get_by_role("link", name=f"Change Strengths: {second.title}", exact=True).click()
    strengths = page.get_by_label(f"Strengths: {second.title}", exact=True)
    expect(strengths).to_be_focused()
    strengths.fill(f"What {second.title} does better.")
    page.get_by_role("button", name="Check and submit").click()
    expect(page.locator("main")).to_contain_text(f"What {second.title} does better.")
    page.get_by_role("button", name="Submit review").click()

    main = page.locator("main")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your review of Anyshire has been submitted."
    )
    expect(main).to_contain_text("can no longer be changed")
    expect(main).to_contain_text(f"What {first.title} does well.")
    expect(main).to_contain_text("Honest and mostly evidenced.")
    expect(page.locator("form[data-autosave]")).to_have_count(0)
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    assert page.script_errors == []

    review = stored_review(r.assignment)
    assert review.state == ReviewState.SUBMITTED and review.submitted_by_id == r.reviewer_director.id
    assert review.content["sections"][str(second.id)]["ratings"] == {"evidence": 2, "self_knowledge": 2}
    assert review.content["overall"]["summary"] == "Honest and mostly evidenced."


def test_the_review_saves_itself_a_few_seconds_after_typing_stops(review_page):
    r, page = review_page
    summary = page.get_by_label("Summary", exact=True)
    summary.click()
    summary.press_sequentially("Saved without pressing a button.")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Draft saved automatically", timeout=AUTOSAVE_WAIT_MS)

    review = stored_review(r.assignment)
    assert review.state == ReviewState.DRAFT
    assert review.content["overall"]["summary"] == "Saved without pressing a button."
    expect(page.locator("input[name=version]")).to_have_value(str(review.version))

    # The plain form carries on from the version autosave reached: no conflict with itself.
    summary.fill("Then saved with the button.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved.")
    assert stored_review(r.assignment).content["overall"]["summary"] == "Then saved with the button."
    assert page.script_errors == []


def test_leaving_with_unsaved_changes_warns_and_leaving_after_saving_does_not(review_page, live_server):
    r, page = review_page
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    strengths = page.get_by_label(f"Strengths: {r.cycle.sections[0].title}", exact=True)
    strengths.click()
    strengths.press_sequentially("Not saved yet")
    page.locator("a.govuk-back-link").click()  # well within the 4 seconds before autosave
    page.wait_for_url(f"{live_server}/reviews")
    assert dialogs == ["beforeunload"]
    assert stored_review(r.assignment) is None  # leaving anyway keeps nothing

    page.get_by_role("link", name="Anyshire").click()
    strengths.click()
    strengths.press_sequentially("Saved this time")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved.")
    page.locator("a.govuk-back-link").click()
    page.wait_for_url(f"{live_server}/reviews")
    assert dialogs == ["beforeunload"]  # no second warning
    assert page.script_errors == []
