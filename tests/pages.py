"""Reading pages and access tables in the tests, and walking a person's pages by their links."""

import html
import re
from urllib.parse import parse_qsl, quote

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

# Column headings, short so that the tables stay readable, and the world's people they stand for.
PEOPLE = {
    "anon": "anonymous",
    "norole": "no_role",
    "contrib": "contributor",
    "dcs": "director",
    "dcs_B": "other_director",
    "lead": "lead",
    "lead_B": "other_lead",
    "admin": "admin",
}


def read_table(table: str) -> list:
    """A test case (path, person, expected) for every cell of a table."""
    header, *rows = [line.split() for line in table.strip().splitlines()]
    cases = []
    for path, *outcomes in rows:
        assert len(outcomes) == len(header) - 1, path
        for column, expected in zip(header[1:], outcomes, strict=True):
            cases.append(pytest.param(path, PEOPLE[column], expected, id=f"{column}-{expected}-{path}"))
    return cases


def assert_outcome(response, url: str, expected: str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"] == f"/sign-in?next={quote(url, safe='')}"
    else:
        assert response.status_code == int(expected)


# Walking a signed-in person's pages ---------------------------------------------------------------------

LINK = re.compile(r'href="(/[^"#]*)')
# Never walked: signing in (a signed-in person is sent home), the load balancer's check, the assets.
NOT_WALKED = {"accounts.sign_in", "core.healthz", "static"}


def page_key(adapter, target: str) -> str | None:
    """A page as its endpoint and the names of its query arguments, or None for what is not walked."""
    path, _, query = target.partition("?")
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint in NOT_WALKED:
        return None
    names = sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)})
    return endpoint + (f"?{'&'.join(names)}" if names else "")


def walk_pages(app, client, on_page, limit: int = 100) -> dict[str, str]:
    """Every page reachable by links from the signed-in client's home page, one URL per page (its key).

    `on_page(url)` asks for a page and returns the response; the walk follows the links of HTML pages only.
    """
    adapter = app.url_map.bind("localhost")
    pages: dict[str, str] = {}
    queue, seen = ["/"], {"core.home"}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = on_page(url)
        if response.status_code != 200:
            continue
        pages[page_key(adapter, url) or url] = url
        if response.mimetype != "text/html":
            continue
        for link in LINK.findall(response.get_data(as_text=True)):
            target = html.unescape(link)
            found = page_key(adapter, target)
            if found and found not in seen:
                seen.add(found)
                queue.append(target)
    return pages
