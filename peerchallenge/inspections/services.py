"""Recording own grades and inspections: each change checked, audited, never committed here."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_event
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.dates import uk_date, uk_today
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.inspections.framework import (
    ILACS_STARTED,
    Grade,
    InspectionKind,
    JudgementArea,
    judgement_areas_on,
)
from peerchallenge.inspections.models import Inspection, InspectionJudgement, OwnGrade
from peerchallenge.inspections.queries import own_grade_areas
from peerchallenge.regions.models import Authority
from peerchallenge.submissions.queries import find_submission

MAX_AREAS_FOR_IMPROVEMENT = 30
MAX_AREA_CHARACTERS = 1000


def grade_field(area: JudgementArea) -> str:
    """The form field of an area's grade, named so that a refusal shows on it."""
    return f"grade_{area.value}"


def _grade(value: str | None, area: JudgementArea) -> Grade | None:
    if not value:
        return None
    grade = next((grade for grade in Grade if grade.value == value), None)
    if grade is None:
        raise ServiceError(f"Choose a grade for {area.label.lower()}", field=grade_field(area))
    return grade


def save_own_grades(
    actor: User, cycle: Cycle, authority: Authority, chosen: dict[JudgementArea, str]
) -> None:
    """Set the authority's own grades for the cycle (a blank choice removes one); not once signed off."""
    check_not_closed(cycle, "self-assessments and their own grades are read-only")
    if not cycle.accepts_submissions:
        raise ServiceError("This cycle is not open for self-assessments")
    submission = find_submission(cycle, authority)
    if submission is not None:
        lock_for_update(submission)
        if submission.is_signed_off:
            raise ServiceError(
                "The self-assessment has been signed off, so its grades cannot change. "
                "Ask your regional lead to reopen it."
            )
    areas = own_grade_areas(cycle)
    wanted = {area: _grade(chosen.get(area), area) for area in areas}
    existing = {
        row.area: row
        for row in db.session.scalars(
            sa.select(OwnGrade).where(OwnGrade.cycle_id == cycle.id, OwnGrade.authority_id == authority.id)
        )
    }
    changed = []
    for area in areas:
        row, grade = existing.get(area), wanted[area]
        if row is not None and grade is None:
            db.session.delete(row)
        elif row is None and grade is not None:
            db.session.add(
                OwnGrade(cycle=cycle, authority=authority, area=area, grade=grade, updated_by=actor)
            )
        elif row is not None and grade is not None and row.grade != grade:
            row.grade, row.updated_by, row.updated_at = grade, actor, utcnow()
        else:
            continue
        changed.append({"area": area.value, "grade": grade.value if grade else None})
    try:
        db.session.flush()
    except IntegrityError as error:  # the first grades saved twice at the same moment
        raise ServiceError(
            "Someone else saved these grades at the same moment. Check them, then save yours again."
        ) from error
    if changed:
        record_event(
            "own_grades_saved",
            f"{authority.name}'s own grades for '{cycle.title}' were changed",
            actor=actor,
            region_id=authority.region_id,
            authority_id=authority.id,
            cycle_id=cycle.id,
            grades=changed,
        )


def _kind(value: str) -> InspectionKind:
    kind = next((kind for kind in InspectionKind if kind.value == value), None)
    if kind is None:
        raise ServiceError("Choose the type of inspection", field="kind")
    return kind


def _clean_areas(areas: list[str]) -> list[str]:
    cleaned = [" ".join(area.split()) for area in areas]
    cleaned = [area for area in cleaned if area]
    if len(cleaned) > MAX_AREAS_FOR_IMPROVEMENT:
        raise ServiceError(
            f"Enter at most {MAX_AREAS_FOR_IMPROVEMENT} areas for improvement", field="areas_for_improvement"
        )
    if any(len(area) > MAX_AREA_CHARACTERS for area in cleaned):
        raise ServiceError(
            f"Each area for improvement must be {MAX_AREA_CHARACTERS:,} characters or fewer",
            field="areas_for_improvement",
        )
    return cleaned


def _checked(
    kind_value: str, inspected_on: date | None, chosen: dict[JudgementArea, str]
) -> tuple[InspectionKind, date, dict[JudgementArea, Grade]]:
    """The inspection's kind, date and grades, checked against what Ofsted judged on that date."""
    kind = _kind(kind_value)
    if inspected_on is None:
        raise ServiceError("Enter the date the inspection started", field="inspected_on")
    if inspected_on > uk_today():
        raise ServiceError("The date of the inspection must be today or in the past", field="inspected_on")
    if inspected_on.year < 2000:
        raise ServiceError("The date of the inspection must be in 2000 or later", field="inspected_on")
    if kind.is_graded and inspected_on < ILACS_STARTED:
        raise ServiceError("ILACS inspections began in January 2018: check the date", field="inspected_on")
    grades = {area: grade for area, value in chosen.items() if (grade := _grade(value, area)) is not None}
    if not kind.is_graded:
        if grades:
            first = next(iter(grades))
            raise ServiceError(
                f"Leave the grades blank: Ofsted makes no graded judgements at {kind.in_sentence}",
                field=grade_field(first),
            )
        return kind, inspected_on, grades
    judged = judgement_areas_on(inspected_on)
    for area in grades:
        if area not in judged:
            raise ServiceError(
                f"Ofsted did not make the judgement '{area.label}' at inspections on that date",
                field=grade_field(area),
            )
    for area in judged:
        if area not in grades:
            raise ServiceError(f"Choose Ofsted's grade for {area.label.lower()}", field=grade_field(area))
    return kind, inspected_on, grades


def _audit(kind: str, summary: str, actor: User, inspection: Inspection, **details) -> None:
    record_event(
        kind,
        summary,
        actor=actor,
        region_id=inspection.authority.region_id,
        authority_id=inspection.authority_id,
        inspection_id=inspection.id,
        **details,
    )


def _describe(inspection: Inspection) -> dict:
    return {
        "type": inspection.kind.value,
        "date": inspection.inspected_on.isoformat(),
        "judgements": {area.value: grade.value for area, grade in inspection.graded_areas},
        "areas_for_improvement": len(inspection.areas_for_improvement),
    }


def add_inspection(
    actor: User,
    authority: Authority,
    *,
    kind: str,
    inspected_on: date | None,
    grades: dict[JudgementArea, str],
    areas_for_improvement: list[str],
) -> Inspection:
    """Record an inspection or visit of the authority, with Ofsted's grades and areas for improvement."""
    checked_kind, day, checked_grades = _checked(kind, inspected_on, grades)
    inspection = Inspection(
        authority=authority,
        kind=checked_kind,
        inspected_on=day,
        areas_for_improvement=_clean_areas(areas_for_improvement),
        created_by=actor,
        judgements=[InspectionJudgement(area=area, grade=grade) for area, grade in checked_grades.items()],
    )
    db.session.add(inspection)
    db.session.flush()
    _audit(
        "inspection_added",
        f"Inspection recorded for {authority.name}: {checked_kind.label}, {uk_date(day)}",
        actor,
        inspection,
        **_describe(inspection),
    )
    return inspection


def update_inspection(
    actor: User,
    inspection: Inspection,
    *,
    kind: str,
    inspected_on: date | None,
    grades: dict[JudgementArea, str],
    areas_for_improvement: list[str],
) -> None:
    """Correct a recorded inspection."""
    lock_for_update(inspection)
    checked_kind, day, checked_grades = _checked(kind, inspected_on, grades)
    before, before_areas = _describe(inspection), list(inspection.areas_for_improvement)
    inspection.kind = checked_kind
    inspection.inspected_on = day
    inspection.areas_for_improvement = _clean_areas(areas_for_improvement)
    current = {judgement.area: judgement for judgement in inspection.judgements}
    for area, judgement in current.items():
        if area not in checked_grades:
            inspection.judgements.remove(judgement)
    for area, grade in checked_grades.items():
        if area in current:
            current[area].grade = grade
        else:
            inspection.judgements.append(InspectionJudgement(area=area, grade=grade))
    db.session.flush()
    after = _describe(inspection)
    if after != before or inspection.areas_for_improvement != before_areas:
        inspection.updated_at = utcnow()
        _audit(
            "inspection_changed",
            f"Inspection changed for {inspection.authority.name}: {checked_kind.label}, {uk_date(day)}",
            actor,
            inspection,
            before=before,
            after=after,
        )


def remove_inspection(actor: User, inspection: Inspection) -> None:
    """Remove an inspection recorded by mistake."""
    lock_for_update(inspection)
    described = _describe(inspection)
    _audit(
        "inspection_removed",
        f"Inspection removed for {inspection.authority.name}: {inspection.kind.label}, "
        f"{uk_date(inspection.inspected_on)}",
        actor,
        inspection,
        **described,
    )
    db.session.delete(inspection)
    db.session.flush()
