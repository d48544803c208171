"""An authority's own grades (per cycle) and its inspections (per authority): rules, pages, access, audit."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.audit.models import AuditEvent
from peerchallenge.dates import uk_today
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.inspections import services
from peerchallenge.inspections.framework import (
    Grade,
    InspectionKind,
    JudgementArea,
    judgement_areas_on,
)
from peerchallenge.inspections.models import Inspection, InspectionJudgement, OwnGrade
from peerchallenge.inspections.queries import inspection_summary, own_grade_areas
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.scenarios import date_form, page_url, self_assessment_md

AREAS_NOW = (
    JudgementArea.LEADERS,
    JudgementArea.HELP_AND_PROTECTION,
    JudgementArea.CHILDREN_IN_CARE,
    JudgementArea.CARE_LEAVERS,
)


def grades_url(cycle, authority) -> str:
    return page_url(cycle, authority) + "/own-grades"


def inspections_url(authority, tail: str = "") -> str:
    return f"/authorities/{authority.id}/inspections{tail}"


def grades_form(**grades: str) -> dict[str, str]:
    return {f"grade_{area}": grade for area, grade in grades.items()}


def inspection_form(kind: str, day: date, grades: dict[str, str] | None = None, areas: str = "") -> MultiDict:
    form = [("kind", kind), *date_form("inspected_on", day), ("areas_for_improvement", areas)]
    form += [(f"grade_{area}", grade) for area, grade in (grades or {}).items()]
    return MultiDict(form)


def with_month(form: MultiDict, month: str) -> MultiDict:
    """The form with the date's month box typed as given."""
    day, _month, year = form.getlist("inspected_on")
    changed = MultiDict([(key, value) for key, value in form.items(multi=True) if key != "inspected_on"])
    for part in (day, month, year):
        changed.add("inspected_on", part)
    return changed


def events(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind)))


def stored_grades(cycle, authority) -> dict[JudgementArea, Grade]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(OwnGrade).where(OwnGrade.cycle_id == cycle.id, OwnGrade.authority_id == authority.id)
    )
    return {row.area: row.grade for row in rows}


# Ofsted's judgements over time.


def test_the_judgement_areas_follow_ofsteds_changes():
    assert judgement_areas_on(date(2022, 12, 31)) == (
        JudgementArea.OVERALL_EFFECTIVENESS,
        JudgementArea.LEADERS,
        JudgementArea.HELP_AND_PROTECTION,
        JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
    )
    assert judgement_areas_on(date(2023, 1, 1)) == (JudgementArea.OVERALL_EFFECTIVENESS, *AREAS_NOW)
    assert judgement_areas_on(date(2026, 3, 31))[0] == JudgementArea.OVERALL_EFFECTIVENESS
    assert judgement_areas_on(date(2026, 4, 1)) == AREAS_NOW


def test_grade_and_area_words_are_ofsteds():
    assert Grade.REQUIRES_IMPROVEMENT.label == "Requires improvement to be good"
    assert JudgementArea.LEADERS.label == (
        "The impact of leaders on social work practice with children and families"
    )
    assert JudgementArea.CARE_LEAVERS.label == "The experiences and progress of care leavers"
    assert InspectionKind.ILACS_SHORT.in_sentence == "an ILACS short inspection"
    assert InspectionKind.JTAI.in_sentence == "a joint targeted area inspection (JTAI)"
    assert [kind for kind in InspectionKind if kind.is_graded] == [
        InspectionKind.ILACS_STANDARD,
        InspectionKind.ILACS_SHORT,
    ]


def test_a_cycle_grades_the_areas_judged_when_it_opened(world, cycle):
    assert own_grade_areas(cycle) == judgement_areas_on(cycle.opens_on)
    cycle.opens_on = date(2025, 9, 1)
    assert own_grade_areas(cycle)[0] == JudgementArea.OVERALL_EFFECTIVENESS


# Own grades.


def test_a_contributor_grades_the_services_and_the_page_shows_it(world, cycle, sign_in):
    client = sign_in(world.contributor)
    page = client.get(grades_url(cycle, world.authority)).get_data(as_text=True)
    assert (
        "The experiences and progress of care leavers" in page and "Requires improvement to be good" in page
    )

    response = client.post(
        grades_url(cycle, world.authority),
        data=grades_form(leaders="good", care_leavers="requires_improvement", help_and_protection=""),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(cycle, world.authority) + "#own-grades")
    assert stored_grades(cycle, world.authority) == {
        JudgementArea.LEADERS: Grade.GOOD,
        JudgementArea.CARE_LEAVERS: Grade.REQUIRES_IMPROVEMENT,
    }
    (event,) = events("own_grades_saved")
    assert event.actor_id == world.contributor.id and event.authority_id == world.authority.id
    assert {item["area"] for item in event.details["grades"]} == {"leaders", "care_leavers"}

    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "Own grades and inspections" in page and "Change your own grades" in page
    assert "Requires improvement to be good" in page and "Not graded" in page


def test_a_blank_choice_removes_a_grade_and_an_unchanged_form_records_nothing(world, cycle, sign_in):
    client = sign_in(world.director)
    client.post(grades_url(cycle, world.authority), data=grades_form(leaders="good", care_leavers="good"))
    client.post(grades_url(cycle, world.authority), data=grades_form(leaders="good", care_leavers=""))
    assert stored_grades(cycle, world.authority) == {JudgementArea.LEADERS: Grade.GOOD}
    client.post(grades_url(cycle, world.authority), data=grades_form(leaders="good"))
    assert len(events("own_grades_saved")) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (grades_form(leaders="brilliant"), "Choose a grade for the impact of leaders"),
        (
            grades_form(care_leavers="adequate"),
            "Choose a grade for the experiences and progress of care leavers",
        ),
    ],
)
def test_a_grade_that_is_not_ofsteds_gets_a_message_and_nothing_is_saved(
    world, cycle, sign_in, data, message
):
    client = sign_in(world.contributor)
    response = client.post(
        grades_url(cycle, world.authority), data={**grades_form(help_and_protection="good"), **data}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_grades(cycle, world.authority) == {}
    assert events("own_grades_saved") == []


def test_own_grades_are_read_only_once_signed_off(world, cycle, sign_in):
    submission_services.upload_version(
        world.contributor, cycle, world.authority, "sa.md", self_assessment_md()
    )
    services.save_own_grades(world.contributor, cycle, world.authority, {JudgementArea.LEADERS: "good"})
    submission_services.sign_off(world.director, find_submission(cycle, world.authority))
    db.session.commit()

    client = sign_in(world.contributor)
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "Good" in page and "Change your own grades" not in page
    response = client.post(grades_url(cycle, world.authority), data=grades_form(leaders="inadequate"))
    assert response.status_code == 400
    assert "signed off, so its grades cannot change" in response.get_data(as_text=True)
    assert stored_grades(cycle, world.authority) == {JudgementArea.LEADERS: Grade.GOOD}

    with pytest.raises(ServiceError):
        services.save_own_grades(world.lead, cycle, world.authority, {JudgementArea.LEADERS: "outstanding"})
    db.session.rollback()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("director", 200),
        ("contributor", 200),
        ("lead", 200),
        ("admin", 200),
        ("sibling_director", 403),
        ("other_lead", 403),
        ("other_director", 403),
        ("no_role", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_own_grades_page(world, cycle, client_for, who, status):
    client = client_for(who)
    assert client.get(grades_url(cycle, world.authority)).status_code == status
    response = client.post(grades_url(cycle, world.authority), data=grades_form(leaders="good"))
    assert response.status_code == (302 if status == 200 else status)
    assert bool(stored_grades(cycle, world.authority)) == (status == 200)


def test_a_stranger_never_sees_the_grades_of_another_region(world, cycle, sign_in):
    client = sign_in(world.contributor)
    assert client.get(grades_url(cycle, world.other_authority)).status_code == 404


# Inspections.


def test_a_contributor_records_an_ilacs_inspection_with_its_judgements(world, sign_in):
    client = sign_in(world.contributor)
    assert client.get(inspections_url(world.authority, "/new")).status_code == 200
    day = date(2024, 3, 4)
    grades = {"overall_effectiveness": "good", "leaders": "good", "help_and_protection": "good"}
    grades |= {"children_in_care": "requires_improvement", "care_leavers": "good"}
    response = client.post(
        inspections_url(world.authority, "/new"),
        data=inspection_form(
            "ilacs_standard",
            day,
            grades,
            "Placement sufficiency for older children\n\n  Supervision  records \n",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    inspection = db.session.scalar(sa.select(Inspection))
    assert inspection.kind == InspectionKind.ILACS_STANDARD and inspection.inspected_on == day
    assert inspection.areas_for_improvement == [
        "Placement sufficiency for older children",
        "Supervision records",
    ]
    assert inspection.grades[JudgementArea.CHILDREN_IN_CARE] == Grade.REQUIRES_IMPROVEMENT
    assert len(inspection.judgements) == 5
    (event,) = events("inspection_added")
    assert event.authority_id == world.authority.id and event.details["type"] == "ilacs_standard"

    page = client.get(inspections_url(world.authority)).get_data(as_text=True)
    assert "ILACS standard inspection, 4 March 2024" in page
    assert "Placement sufficiency for older children" in page


def test_a_focused_visit_has_no_judgements(world, sign_in):
    client = sign_in(world.director)
    day = uk_today() - timedelta(days=30)
    response = client.post(
        inspections_url(world.authority, "/new"),
        data=inspection_form("focused_visit", day, areas="Timeliness of strategy discussions"),
    )
    assert response.status_code == 302
    page = client.get(inspections_url(world.authority)).get_data(as_text=True)
    assert "Ofsted makes no graded judgements at a focused visit." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (inspection_form("focused_visit", date(2025, 5, 6), {"leaders": "good"}), "Leave the grades blank"),
        (
            inspection_form("ilacs_short", date(2025, 5, 6), {"leaders": "good"}),
            "Choose Ofsted&#39;s grade for overall effectiveness",
        ),
        (
            inspection_form(
                "ilacs_short",
                date(2021, 5, 6),
                {
                    "overall_effectiveness": "good",
                    "leaders": "good",
                    "help_and_protection": "good",
                    "children_in_care_and_care_leavers": "good",
                    "care_leavers": "good",
                },
            ),
            "did not make the judgement",
        ),
        (
            inspection_form("ilacs_standard", date(2017, 6, 1), {"leaders": "good"}),
            "ILACS inspections began in January 2018",
        ),
        (inspection_form("focused_visit", uk_today() + timedelta(days=2)), "today or in the past"),
        (inspection_form("inspection_by_post", date(2025, 5, 6)), "Choose the type of inspection"),
        (inspection_form("", date(2025, 5, 6)), "Choose the type of inspection"),
        (inspection_form("jtai", date(2025, 5, 6), {"leaders": "superb"}), "Choose a grade for the impact"),
        (with_month(inspection_form("jtai", date(2025, 5, 6)), "13"), "must be a real date"),
        (inspection_form("jtai", date(2025, 5, 6), areas="x" * 1001), "1,000 characters or fewer"),
        (inspection_form("jtai", date(2025, 5, 6), areas="area\n" * 31), "at most 30 areas"),
    ],
)
def test_bad_inspections_get_a_message_and_nothing_is_saved(world, sign_in, data, message):
    client = sign_in(world.contributor)
    response = client.post(inspections_url(world.authority, "/new"), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 0
    assert events("inspection_added") == []


def record(world, kind=InspectionKind.ILACS_SHORT, day=date(2024, 10, 7), grade="good", areas=()):
    grades = {area: grade for area in judgement_areas_on(day)} if kind.is_graded else {}
    inspection = services.add_inspection(
        world.lead,
        world.authority,
        kind=kind.value,
        inspected_on=day,
        grades=grades,
        areas_for_improvement=list(areas),
    )
    db.session.commit()
    return inspection


def test_a_lead_corrects_and_removes_an_inspection(world, sign_in):
    inspection = record(world, areas=["Care leavers' accommodation"])
    client = sign_in(world.lead)
    url = inspections_url(world.authority, f"/{inspection.id}/edit")
    page = client.get(url).get_data(as_text=True)
    assert "Care leavers&#39; accommodation" in page

    grades = {area.value: "requires_improvement" for area in judgement_areas_on(date(2024, 10, 8))}
    response = client.post(url, data=inspection_form("ilacs_standard", date(2024, 10, 8), grades, "Audit"))
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Inspection, inspection.id)
    assert changed.kind == InspectionKind.ILACS_STANDARD and changed.areas_for_improvement == ["Audit"]
    assert set(changed.grades.values()) == {Grade.REQUIRES_IMPROVEMENT} and changed.updated_at
    (event,) = events("inspection_changed")
    assert (
        event.details["before"]["type"] == "ilacs_short"
        and event.details["after"]["type"] == "ilacs_standard"
    )

    assert (
        client.post(
            url, data=inspection_form("ilacs_standard", date(2024, 10, 8), grades, "Audit")
        ).status_code
        == 302
    )
    assert len(events("inspection_changed")) == 1  # nothing changed, nothing recorded

    remove = inspections_url(world.authority, f"/{inspection.id}/remove")
    assert "Remove an ILACS standard inspection of 8 October 2024?" in client.get(remove).get_data(
        as_text=True
    )
    assert client.post(remove).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InspectionJudgement)) == 0
    assert len(events("inspection_removed")) == 1


@pytest.mark.parametrize(
    ("who", "list_status", "record_status"),
    [
        ("director", 200, 200),
        ("contributor", 200, 200),
        ("lead", 200, 200),
        ("admin", 200, 200),
        ("sibling_director", 403, 403),
        ("other_lead", 403, 403),
        ("no_role", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_who_may_read_and_record_inspections(world, client_for, who, list_status, record_status):
    inspection = record(world)
    client = client_for(who)
    assert client.get(inspections_url(world.authority)).status_code == list_status
    assert client.get(inspections_url(world.authority, "/new")).status_code == record_status
    assert client.get(inspections_url(world.authority, f"/{inspection.id}/edit")).status_code == record_status
    response = client.post(inspections_url(world.authority, f"/{inspection.id}/remove"))
    assert response.status_code == (302 if record_status == 200 else record_status)
    db.session.expire_all()
    remaining = db.session.scalar(sa.select(sa.func.count()).select_from(Inspection))
    assert remaining == (0 if record_status == 200 else 1)


def test_an_inspection_is_reached_only_through_its_own_authority(world, sign_in):
    inspection = record(world)
    client = sign_in(world.sibling_director)
    assert client.get(inspections_url(world.sibling, f"/{inspection.id}/edit")).status_code == 404
    assert client.post(inspections_url(world.sibling, f"/{inspection.id}/remove")).status_code == 404
    assert db.session.get(Inspection, inspection.id) is not None


# What reviewers read.


def test_reviewers_read_the_grades_and_latest_inspection_but_change_nothing(reviewing, sign_in):
    reviewed = reviewing.six.authorities[0]
    cycle = reviewing.cycle
    reviewing.six.cycle.region  # noqa: B018 (loaded before the requests)
    inspection = services.add_inspection(
        reviewing.lead,
        reviewed,
        kind="focused_visit",
        inspected_on=date(2025, 11, 4),
        grades={},
        areas_for_improvement=["Quality of pathway plans"],
    )
    db.session.add(
        OwnGrade(
            cycle=cycle,
            authority=reviewed,
            area=JudgementArea.LEADERS,
            grade=Grade.GOOD,
            updated_by=reviewing.lead,
        )
    )
    db.session.commit()

    client = sign_in(reviewing.reviewer_director)
    page = client.get(page_url(cycle, reviewed)).get_data(as_text=True)
    assert "Own grades and inspections" in page
    assert "Focused visit, 4 November 2025" in page and "Quality of pathway plans" in page
    assert "Change your own grades" not in page and "Record or change inspections" not in page
    assert "Guidance for this section" not in page
    assert client.get(grades_url(cycle, reviewed)).status_code == 403
    assert client.get(inspections_url(reviewed)).status_code == 403
    assert client.post(inspections_url(reviewed, f"/{inspection.id}/remove")).status_code == 403


def test_before_2023_one_judgement_covered_children_in_care_and_care_leavers(world, cycle):
    record(world, day=date(2022, 6, 6), grade="requires_improvement")
    services.save_own_grades(world.director, cycle, world.authority, {JudgementArea.CARE_LEAVERS: "good"})
    db.session.commit()
    summary = inspection_summary(cycle, world.authority)
    rows = {row.area: (row.own, row.ofsted) for row in summary.rows}
    assert rows[JudgementArea.CARE_LEAVERS] == (Grade.GOOD, Grade.REQUIRES_IMPROVEMENT)
    assert rows[JudgementArea.CHILDREN_IN_CARE] == (None, Grade.REQUIRES_IMPROVEMENT)
    assert summary.latest_graded is summary.latest


def test_the_latest_inspection_and_the_latest_graded_one_can_differ(world, cycle):
    record(world, day=date(2024, 2, 5), grade="good")
    record(world, kind=InspectionKind.FOCUSED_VISIT, day=date(2025, 9, 1))
    summary = inspection_summary(cycle, world.authority)
    assert summary.latest.kind == InspectionKind.FOCUSED_VISIT
    assert summary.latest_graded.kind == InspectionKind.ILACS_SHORT
    assert {row.ofsted for row in summary.rows} == {Grade.GOOD}
