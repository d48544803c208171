"""The demo authorities' inspections and own grades, recorded from their profiles (demo/profiles.py).

Each authority's last inspection goes into the inspections model as the authority would record it, and
each self-assessment carries the authority's own grades: Ofsted's grades at that inspection, one step more
generous for an authority that judges itself optimistically, one step harsher for a cautious one. An
authority whose last inspection was ungraded (a focused visit or a JTAI) grades itself from how well it
evidences its practice.
"""

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.demo.profiles import FOCUSED_VISIT, ILACS, ILACS_SHORT, JTAI, AuthorityProfile
from peerchallenge.inspections import services as inspection_services
from peerchallenge.inspections.framework import Grade, InspectionKind, JudgementArea
from peerchallenge.inspections.queries import own_grade_areas
from peerchallenge.regions.models import Authority

KINDS = {
    ILACS: InspectionKind.ILACS_STANDARD,
    ILACS_SHORT: InspectionKind.ILACS_SHORT,
    FOCUSED_VISIT: InspectionKind.FOCUSED_VISIT,
    JTAI: InspectionKind.JTAI,
}
GRADES = list(Grade)  # best first
SHIFT = {"optimistic": -1, "accurate": 0, "cautious": 1}


def _area(label: str) -> JudgementArea:
    return next(area for area in JudgementArea if area.label == label)


def _grade(label: str) -> Grade:
    return next(grade for grade in Grade if grade.label == label)


def record_inspection(actor: User, authority: Authority, profile: AuthorityProfile) -> None:
    """The authority's last inspection, with Ofsted's grades and areas for improvement."""
    inspection = profile.inspection
    inspection_services.add_inspection(
        actor,
        authority,
        kind=KINDS[inspection.kind].value,
        inspected_on=inspection.inspected,
        grades={_area(area): _grade(grade).value for area, grade in inspection.judgements},
        areas_for_improvement=list(inspection.areas_for_improvement),
    )


def own_grades(profile: AuthorityProfile, areas: tuple[JudgementArea, ...]) -> dict[JudgementArea, str]:
    """The grades the authority gives itself on the cycle's judgement areas."""
    judged = {_area(area): _grade(grade) for area, grade in profile.inspection.judgements}
    fallback = Grade.GOOD if profile.evidence >= 2 else Grade.REQUIRES_IMPROVEMENT
    grades = {}
    for area in areas:
        index = GRADES.index(judged.get(area, fallback)) + SHIFT.get(profile.outlook, 0)
        grades[area] = GRADES[min(max(index, 0), len(GRADES) - 1)].value
    return grades


def record_own_grades(actor: User, cycle: Cycle, authority: Authority, profile: AuthorityProfile) -> None:
    inspection_services.save_own_grades(actor, cycle, authority, own_grades(profile, own_grade_areas(cycle)))
