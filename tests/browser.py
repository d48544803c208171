"""Helpers for the browser tests."""

from playwright.sync_api import expect

from tests import factories


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


# What has the focus, in words a test can compare: the kind of control and its name.
FOCUSED = """() => {
  const element = document.activeElement;
  const text = (element.textContent || "").replace(/\\s+/g, " ").trim();
  if (element.type === "radio") return `radio ${element.name} ${element.value}`;
  if (element.tagName === "TEXTAREA") return `textarea ${element.name}`;
  if (element.tagName === "INPUT") return `${element.type} ${element.name}`;
  if (element.tagName === "BUTTON") return `button ${text}`;
  if (element.tagName === "A") return `link ${text}`;
  if (element.getAttribute("role") === "region") return `region ${element.getAttribute("aria-label")}`;
  return `${element.tagName.toLowerCase()}#${element.id}`;
}"""


def focused(page) -> str:
    return page.evaluate(FOCUSED)


def tab(page, *, back: bool = False) -> str:
    page.keyboard.press("Shift+Tab" if back else "Tab")
    return focused(page)


def tab_to(page, target: str, most: int = 60) -> None:
    """Tab forward until `target` (in the words of `focused`) has the focus."""
    for _ in range(most):
        if tab(page) == target:
            return
    raise AssertionError(f"{target} never had the focus; last: {focused(page)}")


def sign_out_by_keyboard(page, base: str) -> None:
    tab_to(page, "button Sign out")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/sign-in")


def sign_in_by_keyboard(page, base: str, user) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").focus()
    page.keyboard.type(user.email)
    assert tab(page) == "password password"
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def skip_to_main(page) -> None:
    """From the top of a page: the skip link first, then into the main content."""
    assert tab(page) == "link Skip to main content"
    page.keyboard.press("Enter")
    assert focused(page) == "main#main-content"


def follow_error_summary(page, message: str, field: str) -> None:
    """The error summary has the focus and says `message`; its link takes the focus to `field`."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    assert tab(page) == f"link {message}"
    page.keyboard.press("Enter")
    assert focused(page) == field


def press_on(page, control) -> None:
    """Take a control by keyboard: focus it, as tabbing would, and press Enter.

    GOV.UK Frontend moves the focus to a success banner when it starts the banner: wait for that first (it
    marks the banner as started), or the banner can take the focus back from the control in between."""
    banner = page.locator(".govuk-notification-banner--success")
    if banner.count():
        expect(banner).to_have_attribute("data-govuk-notification-banner-init", "")
    control.focus()
    expect(control).to_be_focused()
    page.keyboard.press("Enter")
