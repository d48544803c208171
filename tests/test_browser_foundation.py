"""In a real browser: the demo lead signs in and sees the region; no script errors, no GOV.UK brand assets."""

from urllib.parse import urlsplit

import pytest
from werkzeug.security import generate_password_hash

from peerchallenge.demo.seed import DEMO_REGION, LEAD_EMAIL, seed_demo
from peerchallenge.extensions import db
from peerchallenge.regions.loader import read_authorities

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo password for the browser"
FONT_EXTENSIONS = (".woff", ".woff2", ".ttf", ".otf", ".eot")
# GOV.UK's crown and crest, in any of the forms GOV.UK Frontend ships them.
GOVUK_BRAND_IMAGES = ("crown", "crest", "govuk-logotype", "govuk-icon", "govuk-opengraph")


@pytest.fixture
def demo_region(app, monkeypatch):
    """The demo region, committed so that the server thread's own session sees it."""
    monkeypatch.setattr(
        "peerchallenge.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    return sorted(row.name for row in read_authorities() if row.region == DEMO_REGION)


@pytest.fixture
def watched_page(browser_page):
    """The page, recording every request and every problem: console errors, exceptions, failed loads."""
    page = browser_page
    page.requests, page.problems = [], []

    def on_console(message):
        if message.type == "error":
            page.problems.append(f"console error: {message.text}")

    def on_response(response):
        if response.status >= 400:
            page.problems.append(f"{response.status} from {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"uncaught exception: {error}"))
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("requestfailed", lambda request: page.problems.append(f"request failed: {request.url}"))
    page.on("response", on_response)
    return page


def test_demo_lead_signs_in_and_sees_the_regions_authorities(demo_region, live_server, watched_page):
    page = watched_page

    page.goto(f"{live_server}/")
    assert urlsplit(page.url).path == "/sign-in"
    page.get_by_label("Email address").fill(LEAD_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Your peer challenge").is_visible()
    assert page.get_by_role("heading", name="Eastern region").is_visible()
    table = page.get_by_role("table").filter(has_text="authorities in the Eastern region")
    assert table.locator("caption").inner_text() == "11 authorities in the Eastern region"
    assert table.locator("tbody th").all_inner_texts() == demo_region
    assert len(demo_region) == 11

    assert page.problems == []
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert all(url.startswith(live_server) for url in page.requests), page.requests
    paths = [urlsplit(url).path.lower() for url in page.requests]
    assert any(path.endswith("/app.css") for path in paths), "the stylesheet was not loaded"
    assert [path for path in paths if path.endswith(FONT_EXTENSIONS) or "/fonts/" in path] == []
    assert [path for path in paths if any(name in path for name in GOVUK_BRAND_IMAGES)] == []
