"""In a real browser: the chair runs a session (starting it and recording a note by keyboard alone), agrees
an action and finishes it; the lead approves and releases the outcome note; the host reads it and finds the
agreed action among its actions. axe-core checks every page."""

import pytest
from playwright.sync_api import expect

from peerchallenge.events import services
from peerchallenge.extensions import db
from tests.browser import sign_in_by_keyboard, sign_out_by_keyboard, tab, tab_to
from tests.events.builders import ENQUIRIES, enquiries, event_scenario

pytestmark = pytest.mark.browser

NOTE = "Step-down is audited monthly by the Principal Social Worker; Beta asked for the last audit."
WHAT = "Share the edge-of-care panel's terms of reference with Beta"


def test_the_chair_runs_a_session_and_the_lead_releases_its_outcome_note(world, live_server, browser_page):
    scenario = event_scenario(world)
    session = scenario.session
    services.update_session(world.lead, session, "10:00", "11:00", scenario.chair.id, session.version)
    db.session.commit()
    first, second = enquiries(scenario.letter)
    page = browser_page
    banner = page.locator(".govuk-notification-banner")

    sign_in_by_keyboard(page, live_server, scenario.chair)
    page.goto(f"{live_server}/cycles/{scenario.cycle.id}/event")
    tab_to(page, "link Alpha")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Session: Alpha")
    expect(page.locator("main")).to_contain_text(ENQUIRIES[0])
    tab_to(page, "button Start the session")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The session is under way.")

    # The note on the first key line of enquiry, by keyboard alone.
    tab_to(page, f"textarea note-{first.id}-text")
    page.keyboard.type(NOTE)
    assert tab(page) == "button Save the note"
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The note has been saved.")
    expect(page.locator(f"#note-{first.id}-text")).to_have_value(NOTE)

    # An agreed action answering the second line.
    tab_to(page, "textarea what")
    page.keyboard.type(WHAT)
    assert tab(page) == "text owner"
    page.keyboard.type("Head of Service, Children in Care")
    for part in ("31", "3", "2031"):
        assert tab(page) == "text due_on"
        page.keyboard.type(part)
    assert tab(page) == "select#answers"
    page.select_option("#answers", f"p-{second.id}")
    assert tab(page) == "button Add the agreed action"
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The agreed action has been added.")
    expect(page.locator("#agreed-actions + table")).to_contain_text(WHAT)

    tab_to(page, "link Finish the session")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish the session for Alpha?")
    tab_to(page, "button Finish the session")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The session has finished.")
    assert "textarea" not in page.locator("main").inner_html()  # the notes are closed
    sign_out_by_keyboard(page, live_server)

    sign_in_by_keyboard(page, live_server, world.lead)
    page.goto(f"{live_server}/sessions/{session.id}")
    tab_to(page, "link Alpha's outcome note")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome note: Alpha")
    body = page.locator("#outcome-body")
    expect(body).to_contain_text(NOTE)
    expect(body).to_contain_text(WHAT)
    tab_to(page, "button Approve the outcome note")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The outcome note has been approved.")
    tab_to(page, "link Release the outcome note")
    page.keyboard.press("Enter")
    tab_to(page, "button Release the outcome note")
    page.keyboard.press("Enter")
    expect(banner).to_contain_text("The outcome note has been released to Alpha.")
    expect(page.locator("#outcome-state")).to_contain_text("Released")
    sign_out_by_keyboard(page, live_server)

    sign_in_by_keyboard(page, live_server, world.director)
    page.goto(f"{live_server}/letters/{scenario.letter.id}/actions")
    expect(page.locator("#actions")).to_contain_text(WHAT)
    page.goto(f"{live_server}/sessions/{session.id}")
    tab_to(page, "link Alpha's outcome note")
    page.keyboard.press("Enter")
    expect(page.locator("#outcome-body")).to_contain_text(NOTE)
