"""Reading pages and access tables in the tests."""

from urllib.parse import quote

import pytest

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
