"""In a real browser, by keyboard where a person acts, the year-on-year journey: the lead releases Alpha's
letter, Alpha turns it into an action, the lead closes the cycle and starts and opens next year's; Alpha's
author then sees last year's action while writing, and Alpha's new reviewer reads last year's letter and the
action's status beside the self-assessment. axe-core checks every page."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.actions.builders import letter_with_points
from tests.actions.keyboard import fill_action, open_add_action
from tests.browser import focused, sign_in_by_keyboard, sign_out_by_keyboard, tab_to
from tests.monitoring.builders import publish_pair, submit_review, upload
from tests.scenarios import move_to, open_cycle

pytestmark = pytest.mark.browser

LETTER = "Dear Alpha, your front door is strong; supervision is not."
WHAT = "Audit supervision records every month"
LAST_YEARS = "Last year's actions of Alpha"


def approved_letter_a_year_ago(world) -> Letter:
    """Last year's cycle of region A, consolidating: Beta's review of Alpha is in, Alpha's letter approved.

    Its dates are a year back, so that next year's cycle, a year on from them, is open now."""
    due = uk_today() + timedelta(days=10) - timedelta(days=365)
    cycle = open_cycle(world, due=due, title=f"Peer challenge {due.year}")
    submit_review(publish_pair(cycle, world.sibling, world.authority), world.sibling_director)
    letter = letter_with_points(cycle, world.authority, world.lead, released=False)
    letter.versions[-1].body = LETTER
    letter.versions[-1].body_html = f"<p>{LETTER}</p>"
    cycle.state = CycleState.CONSOLIDATING
    db.session.commit()
    return letter


def press(page, target: str) -> None:
    """Tab to `target` (in the words of tests.browser.focused) and press Enter."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def confirm(page, heading: str, button: str) -> None:
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    press(page, f"button {button}")


def the_lead_releases_the_letter(page, base: str, letter: Letter) -> None:
    page.goto(f"{base}/letters/{letter.id}")
    press(page, "link Release to Alpha")
    confirm(page, "Release the letter to Alpha?", "Release letter")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("The letter has been released to Alpha.")


def the_authority_adds_an_action_in_progress(page, base: str, letter: Letter) -> None:
    open_add_action(page, base, letter)
    fill_action(page, WHAT, year=uk_today().year + 1)
    page.keyboard.press("ArrowDown")  # moves to, and chooses, In progress
    assert focused(page) == "radio status in_progress"
    press(page, "button Save action")
    row = page.locator("#actions tbody tr")
    expect(row).to_contain_text(WHAT)
    expect(row).to_contain_text("In progress")


def the_lead_closes_and_starts_next_year(page, base: str, cycle) -> None:
    """From the cycle's page: letters released, closed, next year's cycle started, saved and opened."""
    banner = page.locator(".govuk-notification-banner")
    page.goto(f"{base}/cycles/{cycle.id}")
    press(page, "link Mark letters as released")
    confirm(page, "Mark letters as released?", "Mark letters as released")
    expect(banner).to_contain_text("The cycle is now letters released.")
    press(page, "link Close the cycle")
    confirm(page, "Close the cycle?", "Close the cycle")
    expect(banner).to_contain_text("The cycle is now closed.")
    press(page, "link Start next year's cycle")
    confirm(page, "Start next year's cycle", "Start next year's cycle")
    expect(banner).to_contain_text("Check its dates and title")
    expect(page.get_by_label("Title", exact=True)).to_have_value(f"Peer challenge {cycle.year + 1}")
    press(page, "button Save cycle")  # the dates a year on suit: it opens before today
    expect(banner).to_contain_text("The cycle has been saved.")
    expect(page.get_by_role("heading", name=f"Peer challenge {cycle.year + 1}", level=1)).to_be_visible()
    press(page, "link Open the cycle")
    confirm(page, f"Open Peer challenge {cycle.year + 1}?", "Open the cycle")
    expect(banner).to_contain_text("The cycle is open.")


def test_last_years_letter_and_actions_follow_alpha_into_next_years_cycle(world, live_server, browser_page):
    letter = approved_letter_a_year_ago(world)
    last = letter.cycle
    page = browser_page

    # 1. The lead releases the letter.
    sign_in_by_keyboard(page, live_server, world.lead)
    the_lead_releases_the_letter(page, live_server, letter)
    sign_out_by_keyboard(page, live_server)

    # 2. Alpha's contributor turns it into an action, already in progress.
    sign_in_by_keyboard(page, live_server, world.contributor)
    the_authority_adds_an_action_in_progress(page, live_server, letter)
    sign_out_by_keyboard(page, live_server)

    # 3. The lead closes the cycle, then starts and opens next year's.
    sign_in_by_keyboard(page, live_server, world.lead)
    the_lead_closes_and_starts_next_year(page, live_server, last)
    sign_out_by_keyboard(page, live_server)
    db.session.expire_all()
    this = db.session.scalar(sa.select(Cycle).where(Cycle.region_id == world.region.id, Cycle.id != last.id))
    assert this.state == CycleState.OPEN

    # 4. Alpha's author sees last year's action on the upload page, and beside "Progress since last year".
    sign_in_by_keyboard(page, live_server, world.contributor)
    view = f"{live_server}/cycles/{this.id}/authorities/{world.authority.id}/self-assessment"
    page.goto(view)
    press(page, "link Upload your self-assessment")
    actions = page.get_by_role("list", name=LAST_YEARS)  # beside the author's text, one under another
    expect(actions).to_contain_text(WHAT)
    expect(actions).to_contain_text("In progress")
    upload(world.contributor, this, world.authority)
    page.goto(view)
    press(page, "link Edit Progress since last year")
    expect(page.locator("#last-year")).to_contain_text(f"{last.title}: the letter to Alpha, released")
    expect(actions).to_contain_text("In progress")
    sign_out_by_keyboard(page, live_server)

    # 5. Beta, reviewing Alpha this year, opens last year's letter and sees the action's status.
    submission_services.sign_off(world.director, find_submission(this, world.authority))
    db.session.commit()
    assignment = publish_pair(this, world.sibling, world.authority)
    move_to(this, world.lead, CycleState.REVIEWING)
    sign_in_by_keyboard(page, live_server, world.sibling_director)
    page.goto(f"{live_server}/reviews/{assignment.id}")
    letter_text = page.locator(f"#last-year-letter-{letter.id} .govuk-details__text")
    expect(letter_text).to_be_hidden()
    tab_to(page, "summary#", most=80)
    expect(page.locator(f"#last-year-letter-{letter.id} summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(letter_text).to_contain_text(LETTER)
    actions = page.get_by_role("table", name=LAST_YEARS)  # the review form has room for a table
    expect(actions).to_contain_text(WHAT)
    expect(actions).to_contain_text("In progress")
