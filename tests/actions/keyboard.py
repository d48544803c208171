"""Adding an action by keyboard, for the browser tests of actions."""

from playwright.sync_api import expect

from tests.browser import tab, tab_to


def open_add_action(page, base: str, letter) -> None:
    """From the released letter as its authority reads it, through its actions, to the form of a new one."""
    page.goto(f"{base}/letters/{letter.id}/read")
    tab_to(page, "link Turn this letter into actions")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Actions in answer to the letter to {letter.authority.name}"
    )
    tab_to(page, "link Add an action")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add an action", level=1)).to_be_visible()


def fill_action(page, what: str, *, owner: str = "Head of Service, Front Door", year: int = 2031) -> None:
    """From the top of the action's form: what, owner, due on 30 June of `year`, the letter's area for
    consideration; the focus is left on the first status, Not started."""
    tab_to(page, "textarea what")
    page.keyboard.type(what)
    assert tab(page) == "text owner"
    page.keyboard.type(owner)
    for part in ("30", "6", str(year)):
        assert tab(page) == "text due_on"
        page.keyboard.type(part)
    assert tab(page) == "select#point_id"
    page.keyboard.type("Areas for consideration")  # a select jumps to the option typed
    assert tab(page) == "radio status not_started"
