"""In a real browser, with the keyboard alone: the lead downloads the draft letter as Word, edits it and
uploads it back as a new version (axe checks every page on the way)."""

import docx
import pytest
from playwright.sync_api import expect

from tests.browser import focused, follow_error_summary, sign_in_by_keyboard, skip_to_main, tab
from tests.scenarios import letter_of, submit_both

pytestmark = pytest.mark.browser


def tab_to(page, target: str, most: int = 15) -> None:
    """Tab forward until `target` (as `focused` words it) has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused(page) == target:
            return
    raise AssertionError(f"{target} never had the focus; the last was {focused(page)}")


def choose_and_upload(page, path) -> None:
    """From the focused file upload: open the chooser with the space bar, pick `path`, press the button."""
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(path)
    tab_to(page, "button Upload as a new version", most=3)
    page.keyboard.press("Enter")


def test_the_lead_uploads_a_letter_edited_in_word_with_the_keyboard(
    reviewing, live_server, browser_page, tmp_path
):
    letter = submit_both(reviewing)
    page = browser_page
    sign_in_by_keyboard(page, live_server, reviewing.lead)
    page.goto(f"{live_server}/letters/{letter.id}")
    expect(page.get_by_role("heading", name="Edit in Word", level=2)).to_be_visible()
    skip_to_main(page)

    tab_to(page, "link Download the draft to edit in Word")
    with page.expect_download(timeout=60_000) as download_info:  # generous: the test machine may be busy
        page.keyboard.press("Enter")
    document = docx.Document(download_info.value.path())
    opening = next(p for p in document.paragraphs if p.text.startswith("Thank you for sharing"))
    opening.runs[0].text = "Thank you, edited in Word, for sharing"
    edited = tmp_path / "letter.docx"
    document.save(edited)

    # A PDF is refused: the error summary takes the focus and its link leads back to the file upload.
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert tab(page) == "file word-file"
    choose_and_upload(page, pdf)
    follow_error_summary(page, "Upload the letter as a Word file (.docx).", "file word-file")
    assert letter_of(reviewing).current_version.number == 1

    choose_and_upload(page, edited)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a new version")
    expect(page.locator(".app-letter")).to_contain_text("Thank you, edited in Word, for sharing")
    expect(page.get_by_role("row", name="2 (current)")).to_contain_text("Uploaded from Word")
    stored = letter_of(reviewing)
    assert stored.current_version.number == 2 and "edited in Word" in stored.body
