"""In a real browser: an author reads a section's guidance on the upload page, grades the services and records
an inspection; axe-core checks every page on the way."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerchallenge.extensions import db
from peerchallenge.inspections.framework import Grade, JudgementArea
from peerchallenge.inspections.models import Inspection, OwnGrade
from tests.browser import sign_in
from tests.scenarios import open_cycle

pytestmark = pytest.mark.browser


def test_an_author_reads_guidance_grades_the_services_and_records_an_inspection(
    world, live_server, browser_page
):
    open_cycle(world)
    page = browser_page
    sign_in(page, live_server, world.contributor)
    page.get_by_role("link", name="Upload your self-assessment").click()
    page.get_by_role("button", name="Upload your self-assessment").click()
    expect(page.get_by_role("heading", name="Upload the self-assessment")).to_be_visible()

    care_leavers = page.locator(".app-template-sections > li").filter(has_text="Care leavers").first
    guidance = care_leavers.locator("details")
    expect(guidance.get_by_text("staying close and staying put")).to_be_hidden()
    guidance.get_by_text("Guidance for this section").click()
    expect(guidance.get_by_text("staying close and staying put")).to_be_visible()
    expect(guidance.get_by_text("What worries us?")).to_be_visible()
    expect(page.get_by_text("Other headings that count: ‘Early help’", exact=False)).to_be_visible()

    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Grade your services").click()
    leaders = page.get_by_role("group", name=JudgementArea.LEADERS.label)
    leaders.get_by_label("Requires improvement to be good").check()
    page.get_by_role("button", name="Save grades").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your grades have been saved")
    expect(page.locator("#own-grades")).to_contain_text("Requires improvement to be good")

    page.get_by_role("link", name="Record or change inspections").click()
    page.get_by_role("button", name="Record an inspection").click()
    page.get_by_label("Focused visit").check()
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Areas for improvement").fill(
        "Quality of pathway plans\nTimeliness of strategy discussions"
    )
    page.get_by_role("button", name="Save inspection").click()
    expect(page.get_by_role("heading", name="Focused visit, 4 November 2025")).to_be_visible()
    expect(page.get_by_text("Timeliness of strategy discussions")).to_be_visible()

    db.session.expire_all()
    (grade,) = db.session.scalars(sa.select(OwnGrade))
    assert (grade.area, grade.grade) == (JudgementArea.LEADERS, Grade.REQUIRES_IMPROVEMENT)
    inspection = db.session.scalar(sa.select(Inspection))
    assert inspection.areas_for_improvement == [
        "Quality of pathway plans",
        "Timeliness of strategy discussions",
    ]
