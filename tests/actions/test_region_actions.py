"""The lead's list of the region's actions: filters (overdue, status, authority, cycle), CSV and Excel,
audited; and the reminders of the cycle's two new dates."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from peerchallenge.actions import services
from peerchallenge.actions.models import ActionStatus
from peerchallenge.audit.models import AuditEvent
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.letters.choice import PointKind
from peerchallenge.monitoring.services import plan_reminders, send_planned
from tests.actions.builders import add, fields, letter_with_points, point_of, released_letter
from tests.scenarios import cycle_form, date_form, open_cycle

PAST = uk_today() - timedelta(days=3)
FUTURE = uk_today() + timedelta(days=30)


@pytest.fixture
def region_actions(world):
    """Alpha: one action overdue, one done though past due, one dropped; Beta: one in progress, due later."""
    alpha = released_letter(world)
    beta = letter_with_points(alpha.cycle, world.sibling, world.lead)
    point = point_of(alpha, PointKind.CONSIDERATION)
    add(world.director, alpha, what="Audit supervision", due_on=PAST, point_id=point.id)
    add(world.director, alpha, what="Publish the offer", due_on=PAST, status="done")
    add(
        world.director,
        alpha,
        what="Pilot a panel",
        due_on=PAST,
        status="dropped",
        dropped_reason="No funding",
    )
    add(world.sibling_director, beta, what='=HYPERLINK("x")', due_on=FUTURE, status="in_progress")
    return alpha, beta


def whats(page: str) -> list[str]:
    return [
        what
        for what in ("Audit supervision", "Publish the offer", "Pilot a panel", "HYPERLINK")
        if what in page
    ]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["Audit supervision", "Publish the offer", "Pilot a panel", "HYPERLINK"]),
        ("?overdue=y", ["Audit supervision"]),
        ("?status=in_progress", ["HYPERLINK"]),
        ("?status=dropped&overdue=y", []),
    ],
)
def test_the_lead_filters_the_regions_actions(world, region_actions, sign_in, query, shown):
    response = sign_in(world.lead).get(f"/regions/{world.region.id}/actions{query}")
    assert response.status_code == 200
    assert whats(response.get_data(as_text=True)) == shown


def test_filter_by_authority_and_cycle(world, region_actions, sign_in):
    alpha, _ = region_actions
    client = sign_in(world.lead)
    page = client.get(f"/regions/{world.region.id}/actions?authority={world.sibling.id}").get_data(
        as_text=True
    )
    assert whats(page) == ["HYPERLINK"]
    page = client.get(f"/regions/{world.region.id}/actions?cycle={alpha.cycle.id}").get_data(as_text=True)
    assert len(whats(page)) == 4
    assert "Overdue" in page


@pytest.mark.parametrize(
    "query", ["?status=finished", "?authority=banana", f"?authority={10**6}", "?cycle=-1"]
)
def test_a_filter_that_is_not_in_the_lists_is_a_400(world, region_actions, sign_in, query):
    client = sign_in(world.lead)
    response = client.get(f"/regions/{world.region.id}/actions{query}")
    assert response.status_code == 400
    assert "from the list" in response.get_data(as_text=True)
    assert client.get(f"/regions/{world.region.id}/actions.csv{query}").status_code == 400


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("lead", 200),
        ("admin", 200),
        ("other_lead", 403),
        ("director", 403),
        ("no_role", 403),
        ("anonymous", 302),
    ],
)
def test_only_the_regions_leads_and_admins_see_the_list(world, client_for, person, status):
    client = client_for(person)
    assert client.get(f"/regions/{world.region.id}/actions").status_code == status
    assert client.get(f"/regions/{world.region.id}/actions.csv").status_code == status


def test_the_csv_holds_what_the_filtered_page_shows_and_is_audited(world, region_actions, sign_in):
    alpha, _ = region_actions
    client = sign_in(world.lead)
    response = client.get(f"/regions/{world.region.id}/actions.csv?overdue=y")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="region-a-actions-')
    rows = read_csv(response)
    assert rows[0][:3] == ["Cycle", "Authority", "Action"]
    assert rows[1:] == [
        [
            alpha.cycle.title,
            "Alpha",
            "Audit supervision",
            "Areas for consideration",
            point_of(alpha, PointKind.CONSIDERATION).text,
            "Head of Service, Front Door",
            PAST.isoformat(),
            "Not started",
            "Yes",
            "",
            rows[1][-1],
        ]
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "actions_exported"))
    assert event.region_id == world.region.id and event.actor_id == world.lead.id
    assert event.details["overdue_only"] is True and event.details["rows"] == 1


def test_the_excel_file_has_every_action_as_text(world, region_actions, sign_in):
    client = sign_in(world.lead)
    csv_rows = read_csv(client.get(f"/regions/{world.region.id}/actions.csv"))
    response = client.get(f"/regions/{world.region.id}/actions.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    formula = next(row for row in values if "HYPERLINK" in row[2])
    assert formula[2] == '=HYPERLINK("x")'  # text in Excel: a string cell, never a formula
    assert sheet.cell(row=values.index(formula) + 1, column=3).data_type == "s"
    assert [row[2] for row in csv_rows if "HYPERLINK" in row[2]] == ['\'=HYPERLINK("x")']
    assert [row[7] for row in values[1:]] == [row[7] for row in csv_rows[1:]]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    kinds = db.session.scalars(
        sa.select(AuditEvent.details).where(AuditEvent.kind == "actions_exported")
    ).all()
    assert [details["format"] for details in kinds] == ["csv", "xlsx"]


def test_the_statuses_are_in_the_page_in_words(world, region_actions, sign_in):
    page = sign_in(world.lead).get(f"/regions/{world.region.id}/actions").get_data(as_text=True)
    for status in ActionStatus:
        assert status.label in page
    assert "No funding" in page


# Reminders of the two dates a cycle may set.


def test_the_response_and_the_first_update_are_reminded_when_the_cycle_sets_their_dates(world):
    letter = released_letter(world)
    cycle = letter.cycle
    today = uk_today()
    planned = plan_reminders(today)
    assert not any("letter" in title for digest in planned.digests for title in digest.titles())
    cycle.response_due_on = today + timedelta(days=1)
    cycle.actions_update_due_on = today + timedelta(days=7)
    db.session.commit()
    plan = plan_reminders(today)
    titles = {digest.user.id: digest.titles() for digest in plan.digests}
    for person in (world.director, world.contributor):
        assert titles[person.id] == [
            "Read and respond to Alpha's challenge letter",
            "Turn Alpha's challenge letter into actions and update them",
        ]
    run = send_planned(plan)
    db.session.commit()
    assert run.emails == len(plan.digests)
    assert plan_reminders(today).digests == []  # each occasion once


def test_the_first_update_is_done_once_an_action_is_updated(world, sign_in):
    letter = released_letter(world)
    letter.cycle.actions_update_due_on = uk_today() - timedelta(days=8)  # overdue: the lead is told too
    db.session.commit()

    def titles() -> set[str]:
        return {title for digest in plan_reminders(uk_today()).digests for title in digest.titles()}

    assert titles() == {
        "Turn Alpha's challenge letter into actions and update them",
        "Alpha has not added or updated its actions",
    }
    action = add(world.director, letter)
    assert "Alpha has not added or updated its actions" in titles()  # added, not updated yet
    services.update_action(world.director, action, fields(status="in_progress"), action.version)
    db.session.commit()
    assert titles() == set()


def test_the_cycle_form_sets_the_two_dates_after_the_letters(world, sign_in):
    cycle = open_cycle(world)
    form = cycle_form(
        title=cycle.title,
        opens_on=cycle.opens_on,
        submissions_due_on=cycle.submissions_due_on,
        reviews_due_on=cycle.reviews_due_on,
        letters_due_on=cycle.letters_due_on,
    )
    client = sign_in(world.lead)
    early = form.copy()
    for key, value in date_form("response_due_on", cycle.letters_due_on - timedelta(days=1)):
        early.add(key, value)
    response = client.post(f"/cycles/{cycle.id}/edit", data=early)
    assert response.status_code == 400
    assert "must be on or after the date letters are due" in response.get_data(as_text=True)
    for name, offset in (("response_due_on", 14), ("actions_update_due_on", 90)):
        for key, value in date_form(name, cycle.letters_due_on + timedelta(days=offset)):
            form.add(key, value)
    assert client.post(f"/cycles/{cycle.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert cycle.response_due_on == cycle.letters_due_on + timedelta(days=14)
    assert cycle.actions_update_due_on == cycle.letters_due_on + timedelta(days=90)
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "First update of the actions due" in page


def test_the_leads_preview_lists_the_two_new_reminders(world, sign_in):
    letter = released_letter(world)
    letter.cycle.response_due_on = uk_today()
    letter.cycle.actions_update_due_on = uk_today() + timedelta(days=3)
    db.session.commit()
    page = sign_in(world.lead).get(f"/cycles/{letter.cycle.id}/reminders").get_data(as_text=True)
    assert "Read and respond to Alpha&#39;s challenge letter" in page
    assert "Turn Alpha&#39;s challenge letter into actions and update them" in page
