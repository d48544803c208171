"""In a real browser: a contributor uploads a Word file, sees its sections, edits one; the DCS signs off."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerchallenge.extensions import db
from peerchallenge.submissions.models import Submission, SubmissionState
from tests.browser import sign_in
from tests.documents import builders
from tests.scenarios import FAMILY_HELP, open_cycle

pytestmark = pytest.mark.browser


def test_upload_edit_and_sign_off_in_the_browser(world, live_server, browser_page, tmp_path):
    open_cycle(world)
    data, built = builders.self_assessment_docx(numbering="{n}. ", extra_words={2: 1500})
    word_file = tmp_path / "Alpha self-assessment.docx"
    word_file.write_bytes(data)
    page = browser_page

    sign_in(page, live_server, world.contributor)
    page.get_by_role("link", name="Upload your self-assessment").click()
    page.get_by_role("button", name="Upload your self-assessment").click()
    page.get_by_label("Upload a file").set_input_files(str(word_file))
    page.get_by_role("button", name="Upload", exact=True).click()

    assert "Version 1 has been uploaded" in page.inner_text(".govuk-notification-banner")
    contents = page.inner_text(".app-contents")
    for section in built:
        assert section.title in contents
    early_help = next(section for section in built if section.title == FAMILY_HELP)
    assert f"{early_help.words:,} words of 800 suggested" in contents
    assert f"'{FAMILY_HELP}' has" in page.inner_text("#warnings")

    page.get_by_role("link", name=f"Edit {FAMILY_HELP}").click()
    page.get_by_label(f"Text of {FAMILY_HELP}").fill(
        "We know our early help works: re-referrals fell to 12%."
    )
    page.get_by_role("button", name="Save as a new version").click()
    assert "saved as a new version" in page.inner_text(".govuk-notification-banner")
    assert "10 words of 800 suggested" in page.inner_text(".app-contents")
    assert "re-referrals fell to 12%" in page.inner_text("#main-content")
    assert page.locator("#warnings").count() == 0 or FAMILY_HELP not in page.inner_text("#warnings")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, world.director)
    page.get_by_role("link", name="Your self-assessment").click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("heading", name="Sign off the self-assessment")).to_be_visible()
    assert "version 2" in page.inner_text("main")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Signed off\s+by"))
    assert page.get_by_role("link", name=re.compile("^Edit")).count() == 0

    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == SubmissionState.SIGNED_OFF
    assert submission.signed_off_by_id == world.director.id
