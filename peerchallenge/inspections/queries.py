"""Reads of own grades and inspections for the pages, in a fixed number of queries."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.inspections.framework import Grade, JudgementArea, judgement_areas_on
from peerchallenge.inspections.models import Inspection, OwnGrade
from peerchallenge.regions.models import Authority


def own_grade_areas(cycle: Cycle) -> tuple[JudgementArea, ...]:
    """The judgement areas an authority grades itself on in a cycle: Ofsted's when the cycle opened."""
    return judgement_areas_on(cycle.opens_on)


def own_grades(cycle: Cycle, authority: Authority) -> dict[JudgementArea, Grade]:
    rows = db.session.scalars(
        sa.select(OwnGrade).where(OwnGrade.cycle_id == cycle.id, OwnGrade.authority_id == authority.id)
    )
    return {row.area: row.grade for row in rows}


def inspections_of(authority: Authority) -> list[Inspection]:
    """The authority's inspections, the latest first."""
    return list(
        db.session.scalars(
            sa.select(Inspection)
            .where(Inspection.authority_id == authority.id)
            .options(selectinload(Inspection.judgements))
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        )
    )


@dataclass
class GradeRow:
    area: JudgementArea
    own: Grade | None
    ofsted: Grade | None  # at the latest graded inspection


@dataclass
class InspectionSummary:
    """What the self-assessment page shows: own grades beside Ofsted's, and the latest inspection."""

    rows: list[GradeRow]
    latest: Inspection | None
    latest_graded: Inspection | None

    @property
    def has_own_grades(self) -> bool:
        return any(row.own for row in self.rows)


def ofsted_grade(inspection: Inspection | None, area: JudgementArea) -> Grade | None:
    """Ofsted's grade for an area; before 2023, children in care and care leavers shared one judgement."""
    if inspection is None:
        return None
    grades = inspection.grades
    if area in grades:
        return grades[area]
    if area in (JudgementArea.CHILDREN_IN_CARE, JudgementArea.CARE_LEAVERS):
        return grades.get(JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS)
    return None


def inspection_summary(cycle: Cycle, authority: Authority) -> InspectionSummary:
    inspections = inspections_of(authority)
    latest_graded = next((inspection for inspection in inspections if inspection.kind.is_graded), None)
    grades = own_grades(cycle, authority)
    rows = [
        GradeRow(area, grades.get(area), ofsted_grade(latest_graded, area)) for area in own_grade_areas(cycle)
    ]
    return InspectionSummary(rows, inspections[0] if inspections else None, latest_graded)
