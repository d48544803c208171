"""In a real browser, by keyboard: the lead generates peer groups, moves an authority, checks, publishes."""

import pytest
from playwright.sync_api import expect

from peerchallenge.assignments.models import AssignmentState
from peerchallenge.assignments.queries import cycle_groups
from peerchallenge.extensions import db
from tests.browser import press_on, sign_in_by_keyboard
from tests.scenarios import seven_in_groups

pytestmark = pytest.mark.browser


def groups_of(cycle, state=AssignmentState.PROPOSED) -> list[set[str]]:
    """The cycle's groups in the state, as their members' names, by number."""
    db.session.expire_all()
    return [{member.name for member in group.members} for group in cycle_groups(cycle, state)]


def test_lead_generates_adjusts_checks_and_publishes_groups_by_keyboard(six, live_server, browser_page):
    seven = seven_in_groups(six)
    page = browser_page
    sign_in_by_keyboard(page, live_server, seven.lead)
    page.goto(f"{live_server}/cycles/{seven.cycle.id}/assignments")

    press_on(page, page.get_by_role("button", name="Generate the groups"))
    expect(page.locator("#groups-table")).to_contain_text("Group 2")
    generated = groups_of(seven.cycle)
    assert sorted(len(group) for group in generated) == [3, 4]

    press_on(page, page.get_by_role("button", name="Adjust by hand"))
    expect(page.get_by_role("heading", name="Adjust the groups")).to_be_visible()
    # A member of the quartet moves to the triad: a triad and a quartet still, the other way round.
    quartet_number = next(number for number, group in enumerate(generated, start=1) if len(group) == 4)
    triad_number = 3 - quartet_number
    moved = sorted(generated[quartet_number - 1])[0]
    select = page.get_by_label(f"Group of {moved}")
    select.focus()
    expect(select).to_be_focused()
    page.keyboard.press("ArrowDown" if triad_number > quartet_number else "ArrowUp")
    expect(select).to_have_value(str(triad_number))

    press_on(page, page.get_by_role("button", name="Check changes"))
    expect(page.locator("body")).to_contain_text("Every rule is kept")
    expect(page.get_by_label(f"Group of {moved}")).to_have_value(str(triad_number))
    assert groups_of(seven.cycle) == generated  # checked, not saved

    press_on(page, page.get_by_role("button", name="Save changes"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your changes to the groups have been saved"
    )
    adjusted = [set(group) for group in generated]
    adjusted[quartet_number - 1].discard(moved)
    adjusted[triad_number - 1].add(moved)
    assert sorted(groups_of(seven.cycle), key=sorted) == sorted(adjusted, key=sorted)

    press_on(page, page.get_by_role("button", name="Publish", exact=True))
    expect(page.get_by_role("heading", name="Publish the assignment?")).to_be_visible()
    press_on(page, page.get_by_role("button", name="Publish"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")

    published = groups_of(seven.cycle, AssignmentState.PUBLISHED)
    assert sorted(published, key=sorted) == sorted(adjusted, key=sorted)
    assert groups_of(seven.cycle) == []
    table = page.locator("#groups-table")
    for number, members in enumerate(published, start=1):
        expect(table.get_by_role("link", name=f"Group {number}")).to_be_visible()
        for name in members:
            expect(table).to_contain_text(name)
