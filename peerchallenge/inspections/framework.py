"""Ofsted's inspection of local authority children's services (ILACS), as plain data: its kinds of
inspection, its judgement areas and grades, and which judgements were made when.

Words from Ofsted's framework "Inspecting local authority children's services" (first published November
2017, used from January 2018) and its changes: the separate care leavers judgement from January 2023, and no
overall effectiveness judgement from April 2026. docs/domain.md gives the sources.
"""

from datetime import date

from peerchallenge.status import LabelledEnum

ILACS_STARTED = date(2018, 1, 1)
# Inspections from this day judge care leavers apart from children in care.
CARE_LEAVERS_JUDGED_FROM = date(2023, 1, 1)
# Inspections from this day make no overall effectiveness judgement.
NO_OVERALL_JUDGEMENT_FROM = date(2026, 4, 1)


class InspectionKind(LabelledEnum):
    ILACS_STANDARD = "ilacs_standard", "ILACS standard inspection"
    ILACS_SHORT = "ilacs_short", "ILACS short inspection"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    JTAI = "jtai", "Joint targeted area inspection (JTAI)"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"

    @property
    def in_sentence(self) -> str:
        """The kind with its article, as in "an ILACS short inspection" or "a focused visit"."""
        label = self.label if self.label.startswith("ILACS") else self.label[0].lower() + self.label[1:]
        return f"an {label}" if self.label.startswith("ILACS") else f"a {label}"

    @property
    def is_graded(self) -> bool:
        """Standard and short inspections grade each judgement area; visits and JTAIs grade none."""
        return self in (InspectionKind.ILACS_STANDARD, InspectionKind.ILACS_SHORT)


class JudgementArea(LabelledEnum):
    OVERALL_EFFECTIVENESS = "overall_effectiveness", "Overall effectiveness"
    LEADERS = "leaders", "The impact of leaders on social work practice with children and families"
    HELP_AND_PROTECTION = (
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    )
    CHILDREN_IN_CARE = "children_in_care", "The experiences and progress of children in care"
    CARE_LEAVERS = "care_leavers", "The experiences and progress of care leavers"
    # Before January 2023 one judgement covered children in care and care leavers.
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = (
        "children_in_care_and_care_leavers",
        "The experiences and progress of children in care and care leavers",
    )


class Grade(LabelledEnum):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


def judgement_areas_on(day: date) -> tuple[JudgementArea, ...]:
    """The areas a standard or short inspection on that day judged, in the order of Ofsted's reports."""
    areas = []
    if day < NO_OVERALL_JUDGEMENT_FROM:
        areas.append(JudgementArea.OVERALL_EFFECTIVENESS)
    areas += [JudgementArea.LEADERS, JudgementArea.HELP_AND_PROTECTION]
    if day < CARE_LEAVERS_JUDGED_FROM:
        areas.append(JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS)
    else:
        areas += [JudgementArea.CHILDREN_IN_CARE, JudgementArea.CARE_LEAVERS]
    return tuple(areas)


# Every area in report order, for tables that show areas of several dates.
AREA_ORDER = (
    JudgementArea.OVERALL_EFFECTIVENESS,
    JudgementArea.LEADERS,
    JudgementArea.HELP_AND_PROTECTION,
    JudgementArea.CHILDREN_IN_CARE,
    JudgementArea.CARE_LEAVERS,
    JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
)
