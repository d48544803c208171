"""Helpers for the browser tests."""

from tests import factories


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
