"""The lead's cycle dashboard: the status of each stage, a scenario touching every state, the page, access,
and the number of SQL statements it takes, which must not grow with the number of authorities.

The scenarios are written straight into the database, with back-dated times: the transitions that produce them
are tested where they live (test_submissions, test_assignments, test_reviews); here what matters is how the
dashboard reads the result.
"""

from datetime import date, timedelta

import pytest

from peerchallenge.extensions import db
from peerchallenge.monitoring.dashboard import STAGES, Status, classify, cycle_dashboard, days_left_words
from peerchallenge.monitoring.routes import uk_today
from tests.monitoring.builders import (
    EXPECTED,
    add_assignment,
    add_submission,
    at,
    count_statements,
    every_state,
    make_cycle,
    read_dashboard,
    region_of,
)
from tests.pages import assert_outcome, read_table

# Building cycles and their history.


# The status of one stage, from plain values.

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("done", "done_late", "due_on", "applicable", "expected"),
    [
        (True, False, TODAY - timedelta(days=30), True, Status.DONE),
        (True, True, TODAY - timedelta(days=30), True, Status.DONE_LATE),
        (True, False, TODAY + timedelta(days=30), True, Status.DONE),
        (True, False, None, True, Status.DONE),
        (False, False, TODAY - timedelta(days=1), True, Status.OVERDUE),
        (False, False, TODAY - timedelta(days=365), True, Status.OVERDUE),
        (False, False, TODAY, True, Status.DUE_SOON),  # due today is not overdue yet
        (False, False, TODAY + timedelta(days=7), True, Status.DUE_SOON),
        (False, False, TODAY + timedelta(days=8), True, Status.NOT_YET_DUE),
        (False, False, None, True, Status.NOT_YET_DUE),  # no due date: never overdue
        (False, False, TODAY - timedelta(days=3), False, Status.NOT_APPLICABLE),
        (True, True, TODAY - timedelta(days=3), False, Status.NOT_APPLICABLE),
    ],
)
def test_a_stage_is_classified_from_whether_it_is_done_and_its_due_date(
    done, done_late, due_on, applicable, expected
):
    assert (
        classify(done=done, done_late=done_late, due_on=due_on, today=TODAY, applicable=applicable)
        == expected
    )


@pytest.mark.parametrize(
    ("status", "words", "colour"),
    [
        (Status.DONE, "Done", "green"),
        (Status.DONE_LATE, "Done late", "orange"),
        (Status.DUE_SOON, "Due soon", "yellow"),
        (Status.OVERDUE, "Overdue", "red"),
        (Status.NOT_YET_DUE, "Not yet due", "grey"),
        (Status.NOT_APPLICABLE, "Not needed", "white"),
    ],
)
def test_each_status_has_its_own_words_and_colour(status, words, colour):
    assert (status.label, status.colour) == (words, colour)
    assert (
        len({s.label for s in Status})
        == len({s.colour for s in Status})
        == len({s.fill for s in Status})
        == 6
    )


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (0, "Due today"),
        (1, "1 day left"),
        (12, "12 days left"),
        (-1, "Passed 1 day ago"),
        (-4, "Passed 4 days ago"),
    ],
)
def test_days_left_to_a_deadline_in_words(offset, words):
    assert days_left_words(TODAY + timedelta(days=offset), TODAY) == words


# The whole dashboard of a cycle.


def texts(dashboard) -> dict[str, tuple[str, ...]]:
    return {
        row.authority_name: tuple(row.cells[stage.key].text for stage in STAGES) for row in dashboard.rows
    }


def test_every_authority_at_every_stage_including_overdue_and_late(world):
    scenario = every_state(world)

    dashboard = cycle_dashboard(scenario.cycle, scenario.today)

    assert texts(dashboard) == EXPECTED  # Gone, closed before the cycle opened, is left out
    statuses = {cell.status for row in dashboard.rows for cell in row.cells.values()}
    assert statuses == set(Status)
    assert [row.authority_name for row in dashboard.overdue_rows] == ["Beta", "Cedar", "Delta"]
    totals = {key: total.text for key, total in dashboard.totals.items()}
    assert totals == {
        "uploaded": "4 of 5 done, 1 overdue",
        "signed_off": "3 of 5 done, 2 overdue",
        "reviews_given": "3 of 4 done, 1 overdue",
        "reviews_received": "3 of 4 done, 1 overdue",
        "composed": "4 of 5 done",
        "approved": "3 of 5 done",
        "released": "3 of 5 done",
        "read": "2 of 5 done",
        "responded": "1 of 5 done",
    }
    assert dashboard.totals["uploaded"].late == 1 and dashboard.totals["released"].due_soon == 2
    assert [(d.title, d.words) for d in dashboard.deadlines] == [
        ("Self-assessments", "Passed 20 days ago"),
        ("Reviews", "Passed 2 days ago"),
        ("Letters", "Due today"),
    ]


def test_before_any_deadline_nothing_is_overdue(world):
    today = uk_today()
    cycle = make_cycle(world.lead, world.region, today, submissions=3, reviews=20, letters=40)
    add_submission(cycle, world.authority, world.lead, uploaded=at(today, 9))
    add_assignment(cycle, world.authority, world.sibling)
    db.session.commit()

    rows = {row.authority_name: row for row in cycle_dashboard(cycle, today).rows}

    alpha, beta = rows[world.authority.name], rows[world.sibling.name]
    assert alpha.cells["uploaded"].text == "Done" and beta.cells["uploaded"].text == "Due soon"
    assert alpha.cells["signed_off"].text == "Due soon"
    assert alpha.cells["reviews_given"].text == "Not yet due, 0 of 1"
    assert beta.cells["reviews_given"].text == "None assigned"
    assert beta.cells["reviews_received"].text == "Not yet due, 0 of 1"
    assert {alpha.cells[key].text for key in ("composed", "approved", "released", "read", "responded")} == {
        "Not yet due"
    }
    assert not alpha.has_overdue and not beta.has_overdue


# The page.


def test_the_lead_sees_each_cell_in_words_with_its_colour_and_link(world, sign_in, app):
    scenario = every_state(world)
    client = sign_in(world.lead)

    response = client.get(f"/cycles/{scenario.cycle.id}/dashboard")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = read_dashboard(page)
    assert {name: tuple(row[stage.key][0] for stage in STAGES) for name, row in rows.items()} == EXPECTED
    cycle, names = scenario.cycle, scenario.authorities
    delta = rows["Delta"]
    assert delta["uploaded"][1] == f"/cycles/{cycle.id}/authorities/{names['Delta'].id}/self-assessment"
    assert delta["uploaded"][2] == "overdue" and 'app-status--red" data-stage="uploaded"' in page
    # One review outstanding: the cell goes to it; otherwise to the cycle's list of reviews.
    assert delta["reviews_given"][1] == f"/reviews/{scenario.assignments['Delta', 'Beta'].id}"
    assert rows["Alpha"]["reviews_given"][1] == f"/cycles/{cycle.id}/reviews"
    assert delta["released"][1] == f"/letters/{scenario.letters['Delta'].id}"
    assert rows["Beta"]["composed"][1] is None  # no letter yet: nothing to link to
    assert "Passed 20 days ago" in page and "Due today" in page
    assert "All authorities (5)" in page and "Overdue only (3)" in page
    assert "4 of 5 done, 1 overdue" in page


def test_overdue_only_shows_the_authorities_with_something_overdue(world, sign_in):
    scenario = every_state(world)
    client = sign_in(world.lead)

    page = client.get(f"/cycles/{scenario.cycle.id}/dashboard?show=overdue").get_data(as_text=True)

    assert list(read_dashboard(page)) == ["Beta", "Cedar", "Delta"]
    assert "3 of 5 authorities have something overdue" in page
    assert f'href="/cycles/{scenario.cycle.id}/dashboard.csv?show=overdue"' in page
    assert "4 of 5 done, 1 overdue" in page  # totals stay those of all authorities


@pytest.mark.parametrize("query", ["show=junk", "show=", "show=overdue&show=all", "show=%00%ff", "other=1"])
def test_any_other_filter_value_shows_every_authority(world, sign_in, query):
    scenario = every_state(world)
    response = sign_in(world.lead).get(f"/cycles/{scenario.cycle.id}/dashboard?{query}")
    assert response.status_code == 200
    expected = 3 if query.startswith("show=overdue") else 5
    assert len(read_dashboard(response.get_data(as_text=True))) == expected


def test_nothing_overdue_says_so(world, sign_in):
    today = uk_today()
    cycle = make_cycle(world.lead, world.region, today, submissions=10, reviews=20, letters=40)
    db.session.commit()
    page = sign_in(world.lead).get(f"/cycles/{cycle.id}/dashboard?show=overdue").get_data(as_text=True)
    assert "Nothing is overdue." in page


# Who may see it.

URLS = ["dashboard", "dashboard?show=overdue", "dashboard.csv", "dashboard.xlsx", "ratings.csv", "overview"]
ACCESS = "\n".join(
    ["page anon norole contrib dcs dcs_B lead lead_B admin"]
    + [f"{url} login 403 403 403 403 200 403 200" for url in URLS]
)


@pytest.mark.parametrize(("page", "person", "expected"), read_table(ACCESS))
def test_who_sees_the_dashboard_exports_and_overview(world, client_for, page, person, expected):
    cycle = make_cycle(world.lead, world.region, uk_today())
    db.session.commit()
    url = f"/cycles/{cycle.id}/{page}"

    response = client_for(person).get(url)

    assert_outcome(response, url, expected)


@pytest.mark.parametrize("page", ["dashboard", "dashboard.csv", "dashboard.xlsx", "ratings.csv", "overview"])
def test_a_cycle_that_does_not_exist_is_not_found(world, sign_in, page):
    client = sign_in(world.admin)
    assert client.get(f"/cycles/999999/{page}").status_code == 404
    assert client.get(f"/cycles/abc/{page}").status_code == 404


# The number of SQL statements.


COUNTED = [
    "dashboard",
    "dashboard?show=overdue",
    "dashboard.csv",
    "dashboard.xlsx",
    "ratings.csv",
    "overview",
]


def test_the_pages_take_as_many_statements_for_153_authorities_as_for_11(app, sign_in, capsys):
    counts: dict[str, dict[int, int]] = {page: {} for page in COUNTED}
    for size in (11, 153):
        cycle, lead = region_of(size)
        client = sign_in(lead)
        rows = read_dashboard(client.get(f"/cycles/{cycle.id}/dashboard").get_data(as_text=True))
        assert len(rows) == size
        for page in COUNTED:
            counts[page][size] = count_statements(app, client, f"/cycles/{cycle.id}/{page}")
    with capsys.disabled():
        print()
        for page, by_size in counts.items():
            print(f"SQL statements for /{page}: {by_size[11]} with 11 authorities, {by_size[153]} with 153")
    assert all(by_size[11] == by_size[153] for by_size in counts.values()), counts
    assert counts["dashboard"][153] <= 12  # 10, and two counts of what holds the next move
