"""Downloads: the dashboard as CSV and Excel (matching the page), every rating of a cycle as CSV, safe against
formula injection, and each download recorded in the audit log."""

import csv
import io

import openpyxl
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from peerchallenge.monitoring.dashboard import STAGES, Status
from peerchallenge.monitoring.exports import csv_safe
from peerchallenge.monitoring.routes import uk_today
from tests.monitoring.builders import (
    EXPECTED,
    add_assignment,
    add_review,
    at,
    counting_queries,
    every_state,
    make_cycle,
    rated_cycle,
    read_dashboard,
)

HEADER = [
    "Authority",
    "Self-assessment: Uploaded",
    "Self-assessment: Signed off",
    "Reviews: Given",
    "Reviews: Received",
    "Letter: Composed",
    "Letter: Approved",
    "Letter: Released",
    "Letter: Read",
    "Letter: Responded",
]
TOTALS = [
    "Total (all authorities)",
    "4 of 5 done, 1 overdue",
    "3 of 5 done, 2 overdue",
    "3 of 4 done, 1 overdue",
    "3 of 4 done, 1 overdue",
    "4 of 5 done",
    "3 of 5 done",
    "3 of 5 done",
    "2 of 5 done",
    "1 of 5 done",
]
INJECTED = '=HYPERLINK("http://example.com/steal","Click")'


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"  # the charset said once
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def events(kind: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    )


def test_the_dashboard_as_csv_matches_the_page(world, sign_in):
    scenario = every_state(world)
    client = sign_in(world.lead)
    base = f"/cycles/{scenario.cycle.id}"
    page = read_dashboard(client.get(f"{base}/dashboard").get_data(as_text=True))

    response = client.get(f"{base}/dashboard.csv")

    rows = read_csv(response)
    assert rows[0] == HEADER
    assert rows[-1] == TOTALS
    shown = [[name] + [cells[stage.key][0] for stage in STAGES] for name, cells in page.items()]
    assert rows[1:-1] == shown == [[name, *words] for name, words in EXPECTED.items()]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="peer-challenge-dashboard-')
    assert disposition.endswith(f'{uk_today().isoformat()}.csv"')
    [event] = events("dashboard_exported")
    assert event.actor_id == world.lead.id and event.region_id == world.region.id
    assert event.details == {"cycle_id": scenario.cycle.id, "format": "csv", "overdue_only": False, "rows": 5}


def test_the_overdue_only_csv_holds_the_rows_the_filtered_page_shows(world, sign_in):
    scenario = every_state(world)
    client = sign_in(world.lead)

    rows = read_csv(client.get(f"/cycles/{scenario.cycle.id}/dashboard.csv?show=overdue"))

    assert [row[0] for row in rows[1:]] == ["Beta", "Cedar", "Delta", "Total (all authorities)"]
    assert events("dashboard_exported")[0].details["overdue_only"] is True


def test_downloads_asked_for_again_are_kept_apart_for_their_filter_and_audited_each_time(world, sign_in):
    """Kept files (peerchallenge/page_cache.py): the whole table and the overdue rows are two files."""
    scenario = every_state(world)
    client = sign_in(world.lead)
    base = f"/cycles/{scenario.cycle.id}"
    counts = []
    for _ in range(2):
        with counting_queries() as statements:
            everyone = read_csv(client.get(f"{base}/dashboard.csv"))
            overdue = read_csv(client.get(f"{base}/dashboard.csv?show=overdue"))
        counts.append(len(statements))
        assert len(everyone) == 7 and [row[0] for row in overdue[1:]] == ["Beta", "Cedar", "Delta", TOTALS[0]]
    assert counts[1] < counts[0]  # made once each, then kept
    assert [event.details["overdue_only"] for event in events("dashboard_exported")] == [False, True] * 2


def test_the_dashboard_as_excel_has_the_words_a_bold_frozen_header_and_the_colours(world, sign_in):
    scenario = every_state(world)
    client = sign_in(world.lead)
    base = f"/cycles/{scenario.cycle.id}"
    csv_rows = read_csv(client.get(f"{base}/dashboard.csv"))

    response = client.get(f"{base}/dashboard.xlsx")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == csv_rows
    assert all(cell.font.bold for cell in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "B2"
    board = {row[0].value: row for row in sheet.iter_rows(min_row=2, max_row=6)}
    delta_uploaded, alpha_read = board["Delta"][1], board["Alpha"][8]
    assert delta_uploaded.value == "Overdue" and delta_uploaded.fill.fgColor.rgb.endswith(Status.OVERDUE.fill)
    assert alpha_read.value == "Done" and alpha_read.fill.fgColor.rgb.endswith(Status.DONE.fill)
    assert board["Beta"][1].fill.fgColor.rgb.endswith(Status.DONE_LATE.fill)
    assert [event.details["format"] for event in events("dashboard_exported")] == ["csv", "xlsx"]


def test_text_that_looks_like_a_formula_stays_text(world, sign_in):
    world.authority.name = INJECTED
    cycle = make_cycle(world.lead, world.region, uk_today())
    first = cycle.sections[0]
    first.title = "@SUM(1+1)"
    add_review(add_assignment(cycle, world.sibling, world.authority), world.lead, submitted=at(uk_today(), 9))
    db.session.commit()
    client = sign_in(world.lead)
    base = f"/cycles/{cycle.id}"

    dashboard = read_csv(client.get(f"{base}/dashboard.csv"))
    ratings = read_csv(client.get(f"{base}/ratings.csv"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/dashboard.xlsx").data)).active

    assert "'" + INJECTED in [row[0] for row in dashboard]
    assert ["'" + INJECTED, "'@SUM(1+1)", world.sibling.name] == ratings[1][:3]
    excel = next(cell for cell in sheet["A"] if cell.value and "HYPERLINK" in cell.value)
    assert excel.value == INJECTED and excel.data_type == "s"  # a string, never a formula
    assert INJECTED not in client.get(f"{base}/dashboard").get_data(as_text=True)  # escaped in HTML


def test_csv_safe_guards_each_formula_start():
    assert [csv_safe(v) for v in ["=1+1", "+1", "-1", "@A1", "\t=1", "Essex", "", None, 3]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\t=1",
        "Essex",
        "",
        "",
        "3",
    ]


def test_the_ratings_csv_has_a_row_per_submitted_review_and_part_with_each_scales_level(world, sign_in):
    cycle = rated_cycle(world, anonymous=False)

    rows = read_csv(sign_in(world.lead).get(f"/cycles/{cycle.id}/ratings.csv"))

    header, *body = rows
    assert header == [
        "Authority reviewed",
        "Section",
        "Peer",
        "Evidence strength",
        "Brevity and focus",
        "Self-knowledge",
        "Plans",
    ]
    parts = [section.title for section in cycle.sections] + ["Overall"]
    assert len(body) == 3 * len(parts)  # the draft and the replaced pairing's review are left out
    assert [row[:3] for row in body[: len(parts)]] == [["Alpha", part, "Beta"] for part in parts]
    # The headline summary is not rated on evidence; progress since last year is not rated on brevity.
    assert body[0][3:7] == ["", "", "", ""]
    assert body[1][3:7] == ["Strong", "", "Partly accurate", ""]
    assert body[2][3:7] == ["Strong", "Mostly concise", "Partly accurate", ""]
    assert body[len(parts) + 1][:4] == ["Alpha", parts[1], "Cedar", "Limited"]
    beta = [row for row in body if row[0] == "Beta"]
    assert [row[3] for row in beta[:4]] == [
        "",
        "Sufficient",
        "Not evidenced",
        "",
    ]  # the fourth section was not rated
    assert beta[-1][1:6] == ["Overall", "Alpha", "Sufficient", "Mostly concise", "Partly accurate"]
    [event] = events("ratings_exported")
    assert event.details == {"cycle_id": cycle.id, "rows": 3 * len(parts)}
    assert event.region_id == world.region.id


def test_an_anonymous_cycles_ratings_name_peers_by_number(world, sign_in):
    cycle = rated_cycle(world, anonymous=True)

    rows = read_csv(sign_in(world.lead).get(f"/cycles/{cycle.id}/ratings.csv"))

    peers = {(row[0], row[2]) for row in rows[1:]}
    assert peers == {("Alpha", "Peer 1"), ("Alpha", "Peer 2"), ("Beta", "Peer 1")}
    assert not any(name in row[2] for row in rows[1:] for name in ("Alpha", "Beta", "Cedar"))
