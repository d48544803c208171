"""In a real browser: the lead, a director and the administrator follow every kind of link in the demo region,
so that axe-core (tests/accessibility.py) checks one page of each kind they can reach."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from werkzeug.security import generate_password_hash

from peerchallenge.demo.cycle import seed_demo_cycle
from peerchallenge.demo.seed import ADMIN_EMAIL, DEMO_DOMAIN, LEAD_EMAIL, seed_demo, slug
from peerchallenge.extensions import db
from peerchallenge.themes.lexicon import THEME_KEYS

pytestmark = pytest.mark.browser

PASSWORD = "demo password for the tour"
# Links that download a file or change something rather than show a page.
NOT_PAGES = re.compile(r"/download|/export|/original|\.(csv|xlsx|pdf|docx)$|/sign-out")
PAGES_PER_PERSON = 80


@pytest.fixture
def demo(app, monkeypatch):
    monkeypatch.setattr(
        "peerchallenge.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    result = seed_demo(PASSWORD)
    seed_demo_cycle(result.region, date.today())
    db.session.commit()
    return result


# A theme's key in a path names one of a kind, as an id does (a cycle's themes, a region's lexicon).
THEME = re.compile(r"/(" + "|".join(THEME_KEYS) + r")(?=/|$)")


def shape(url: str) -> str:
    """Pages of one kind share a shape: the path with its numbers (and theme keys) taken out."""
    parts = urlsplit(url)
    path = THEME.sub("/T", re.sub(r"\d+", "N", parts.path))
    return path + ("?" + re.sub(r"\d+", "N", parts.query) if parts.query else "")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def tour(page, base: str, seen: set[str]) -> list[str]:
    """Follow the links breadth first from the home page, one page of each shape not `seen` yet."""
    queue, visited = [f"{base}/"], []
    seen.add(shape(f"{base}/"))
    while queue and len(visited) < PAGES_PER_PERSON:
        url = queue.pop(0)
        response = page.goto(url)
        assert response.ok, f"{response.status} from {url}"
        visited.append(shape(url))
        for link in page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)"):
            link = link.split("#", 1)[0]
            if not link.startswith(base) or NOT_PAGES.search(urlsplit(link).path):
                continue
            if shape(link) not in seen:
                seen.add(shape(link))
                queue.append(link)
    return visited


def test_every_kind_of_page_the_lead_a_director_and_the_administrator_reach(demo, live_server, browser_page):
    page, seen = browser_page, set()
    director = f"director.{slug(demo.region.authorities[0].name)}@{DEMO_DOMAIN}"
    visited = {}
    for who, email in (("lead", LEAD_EMAIL), ("director", director), ("administrator", ADMIN_EMAIL)):
        sign_in(page, live_server, email)
        visited[who] = tour(page, live_server, seen)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_server}/sign-in")

    # Each finds the pages of its role (the home page is everyone's, so counted once).
    lead_pages = {"/cycles/N/dashboard", "/cycles/N/letters/template", "/outbox", "/regions/N/users"}
    assert lead_pages | {"/letters/N/compose"} <= set(visited["lead"])
    assert {"/letters", "/reviews", "/authorities/N/delegates"} <= set(visited["director"])
    # The lead reaches the actions from the menu, and through them the letters as authorities read them.
    assert {"/regions/N/actions", "/letters/N/actions", "/actions/N"} <= set(visited["lead"])
    assert "/letters/N/read" in set(visited["lead"]) | set(visited["director"])
    assert "/admin" in visited["administrator"]
    assert sum(map(len, visited.values())) >= 40
