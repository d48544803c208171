"""Ids out of the database's range are a 404 (in the URL) or a 4xx (in a form), never a database error.

PostgreSQL refuses to compare an integer column with 99999999999999999999 ("integer out of range"): a 500.
"""

import re

import pytest

from tests.scenarios import open_cycle, page_url, self_assessment_md, upload

HUGE = "99999999999999999999"
JUST_TOO_BIG = str(2**31)

# Values for the route arguments that are not ids, so that every route can be built.
OTHER_ARGUMENTS = {
    "kind": "pdf",
    "direction": "up",
    "file_format": "csv",
    "from_state": "open",
    "theme": "workforce",
}


def id_routes(app, number: str) -> list[tuple[str, str]]:
    """Every route with an <int:...> part: (method, path with the number in each such part)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", number, rule.rule)
        path = re.sub(r"<(?:any\([^)]*\):)?(\w+)>", lambda match: OTHER_ARGUMENTS[match.group(1)], path)
        routes.append(("GET" if "GET" in rule.methods else "POST", path))
    return routes


def test_every_kind_of_id_is_in_the_table(app):
    paths = " ".join(path for _, path in id_routes(app, HUGE))
    for prefix in ("cycles", "letters", "reviews", "users", "outbox", "authorities", "regions", "conflicts"):
        assert f"/{prefix}/{HUGE}" in paths


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG])
def test_an_id_out_of_range_is_not_found_on_every_route(app, world, sign_in, number):
    admin, lead = sign_in(world.admin), sign_in(world.lead)
    failures = []
    for method, path in id_routes(app, number):
        for client in (admin, lead):
            status = client.open(path, method=method).status_code
            if status != 404:
                failures.append(f"{method} {path}: {status}")
    assert failures == []


def test_the_largest_id_the_database_holds_is_simply_not_found(world, sign_in):
    admin = sign_in(world.admin)
    for path in ("/cycles/2147483647", "/letters/2147483647", "/users/2147483647", "/regions/2147483647"):
        assert admin.get(path).status_code == 404


def test_ids_in_forms_out_of_range_are_refused(world, sign_in):
    lead, director = sign_in(world.lead), sign_in(world.director)
    posts = [
        (lead, f"/regions/{world.region.id}/conflicts", {"first": HUGE, "other": HUGE, "reason": "x"}),
        (
            lead,
            f"/regions/{world.region.id}/users/new",
            {"name": "New Person", "email": "new@test.example", "role": "director", "authority": HUGE},
        ),
        (director, f"/authorities/{world.authority.id}/delegates", {"delegate": HUGE}),
    ]
    for client, path, data in posts:
        status = client.post(path, data=data).status_code
        assert 400 <= status < 500, f"POST {path}: {status}"
    # A filter the form refuses shows the page with a message; it never reaches the database.
    assert lead.get(f"/audit?authority={HUGE}").status_code in (200, 400)


def test_a_version_number_out_of_range_is_a_conflict_not_an_error(world, sign_in):
    cycle = open_cycle(world)
    contributor = sign_in(world.contributor)
    upload(contributor, cycle, world.authority, self_assessment_md(), "sef.md")
    url = page_url(cycle, world.authority) + "/sections/0/edit"
    response = contributor.post(url, data={"markdown": "Typed text", "base_version": HUGE})
    assert response.status_code == 409
    assert "Typed text" in response.get_data(as_text=True)
    assert contributor.get(page_url(cycle, world.authority) + f"?version={HUGE}").status_code in (200, 404)
