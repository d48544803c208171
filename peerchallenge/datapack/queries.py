"""Reads of the data pack, the catalogue and areas for development, in a fixed number of queries."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle, TemplateSection
from peerchallenge.datapack.access import can_correct_calibration, can_name_development_areas
from peerchallenge.datapack.calibration import match
from peerchallenge.datapack.catalogue import Indicator, catalogue
from peerchallenge.datapack.chart import Series, line_chart
from peerchallenge.datapack.figures import Mismatch, check_figures
from peerchallenge.datapack.models import (
    CalibrationCorrection,
    DataPack,
    DataValue,
    DevelopmentArea,
    RegionIndicator,
)
from peerchallenge.dates import UK_TIME
from peerchallenge.extensions import db
from peerchallenge.inspections.models import Inspection
from peerchallenge.regions.models import Authority, Region
from peerchallenge.submissions.models import SectionText, Submission

COMPARATORS = (("england", "England"), ("region", "Region"), ("neighbours", "Statistical neighbours"))


def pack_of(cycle: Cycle) -> DataPack | None:
    return db.session.scalar(sa.select(DataPack).where(DataPack.cycle_id == cycle.id))


def region_indicators(region: Region) -> list[RegionIndicator]:
    return list(
        db.session.scalars(
            sa.select(RegionIndicator)
            .where(RegionIndicator.region_id == region.id)
            .order_by(RegionIndicator.name)
        )
    )


def region_catalogue(region: Region) -> dict[str, Indicator]:
    """The shipped indicators and the region's own, by key."""
    return catalogue(row.as_indicator() for row in region_indicators(region))


def region_development_areas(cycle: Cycle, authority_ids: Iterable[int]) -> dict[int, list[DevelopmentArea]]:
    rows = db.session.scalars(
        sa.select(DevelopmentArea)
        .where(DevelopmentArea.cycle_id == cycle.id, DevelopmentArea.authority_id.in_(list(authority_ids)))
        .order_by(DevelopmentArea.authority_id, DevelopmentArea.position)
    )
    found: dict[int, list[DevelopmentArea]] = {}
    for row in rows:
        found.setdefault(row.authority_id, []).append(row)
    return found


@dataclass
class Point:
    period: str
    value: float
    comparators: dict[str, float | None]


@dataclass
class IndicatorView:
    """One indicator for one authority: its values over the periods, the latest, the trend and the chart."""

    indicator: Indicator
    points: list[Point]
    chart_id: str

    @property
    def latest(self) -> Point:
        return self.points[-1]

    @property
    def periods(self) -> list[str]:
        return [point.period for point in self.points]

    def show(self, value: float | None) -> str:
        return "Not given" if value is None else self.indicator.show(value)

    @property
    def comparators(self) -> list[tuple[str, str]]:
        """The comparators the file gave for the latest period, as (name, key)."""
        return [
            (label, key)
            for key, label in COMPARATORS
            if any(p.comparators[key] is not None for p in self.points)
        ]

    @property
    def trend(self) -> str:
        """The change since the first period loaded, in words that do not rest on colour."""
        if len(self.points) < 2:
            return "One period loaded"
        first, last = self.points[0], self.points[-1]
        change = last.value - first.value
        direction = self.indicator.judge(change)
        if direction == "no change":
            return f"No change since {first.period}"
        verb = "up" if change > 0 else "down"
        size = self.indicator.show(abs(change)).replace("%", " percentage points")
        better = f" ({direction})" if direction in ("better", "worse") else ""
        return f"{verb.capitalize()} {size} since {first.period}{better}"

    @property
    def chart(self) -> Markup:
        series = [Series("This authority", tuple(point.value for point in self.points))]
        for key, label in COMPARATORS:
            values = tuple(point.comparators[key] for point in self.points)
            if any(value is not None for value in values):
                series.append(Series(label, values))
        labels = {
            value: self.indicator.show(value) for each in series for value in each.values if value is not None
        }
        svg = line_chart(self.chart_id, f"{self.indicator.name}, by period", self.periods, series, labels)
        return Markup(svg)  # noqa: S704 (built by chart.line_chart, which escapes every string it writes)


@dataclass
class SectionPack:
    indicators: list[IndicatorView] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)


def _belongs(indicator: Indicator, section: TemplateSection) -> bool:
    names = {section.title.casefold(), *(heading.casefold() for heading in section.other_headings or [])}
    return indicator.section.casefold() in names


def authority_values(cycle: Cycle, authority: Authority) -> dict[str, list[DataValue]]:
    """The authority's values in the cycle's pack, by indicator key, in period order."""
    rows = db.session.scalars(
        sa.select(DataValue)
        .join(DataPack, DataPack.id == DataValue.pack_id)
        .where(DataPack.cycle_id == cycle.id, DataValue.authority_id == authority.id)
        .order_by(DataValue.indicator, DataValue.period)
    )
    found: dict[str, list[DataValue]] = {}
    for row in rows:
        found.setdefault(row.indicator, []).append(row)
    return found


def section_packs(
    cycle: Cycle, authority: Authority, texts: Mapping[int | None, SectionText | str]
) -> dict[int | None, SectionPack]:
    """Each template section's indicators for the authority, and the figures its text states that differ
    from the pack's latest period (`texts`: by template section id, a version's stored text, whose sentences
    with figures were found when it was saved, or Markdown being edited)."""
    values = authority_values(cycle, authority)
    if not values:
        return {}
    known = region_catalogue(cycle.region)
    latest = {key: (rows[-1].period, rows[-1].value) for key, rows in values.items() if key in known}
    packs: dict[int | None, SectionPack] = {}
    for section in cycle.sections:
        views = [
            IndicatorView(
                known[key],
                [Point(row.period, row.value, {k: getattr(row, k) for k, _ in COMPARATORS}) for row in rows],
                f"chart-{section.id}-{key}",
            )
            for key, rows in values.items()
            if key in known and _belongs(known[key], section)
        ]
        packs[section.id] = SectionPack(views)
    for section_id, text in texts.items():
        markdown, spans = (text, None) if isinstance(text, str) else (text.markdown, text.figure_sentences)
        if markdown:
            mismatches = check_figures(markdown, known, latest, spans)
            if mismatches:
                packs.setdefault(section_id, SectionPack()).mismatches = mismatches
    return packs


@dataclass
class CalibrationPair:
    index: int
    improvement: str  # Ofsted's words
    development: str | None  # the self-assessment's area it matched, or None
    score: int
    corrected: bool  # a person said so


@dataclass
class Calibration:
    """An inspection after sign-off, its areas for improvement matched to the areas for development."""

    inspection: Inspection
    pairs: list[CalibrationPair]

    @property
    def named(self) -> int:
        return sum(1 for pair in self.pairs if pair.development is not None)

    @property
    def summary(self) -> str:
        return f"named in our self-assessment: {self.named} of {len(self.pairs)}"


def calibrations(cycle: Cycle, authority_ids: list[int]) -> dict[int, list[Calibration]]:
    """For each authority, its inspections from the day its self-assessment was signed off, matched to its
    areas for development (corrections by a person win), in four queries whatever the number."""
    signed_off = {
        submission.authority_id: submission.signed_off_at.astimezone(UK_TIME).date()
        for submission in db.session.scalars(
            sa.select(Submission).where(
                Submission.cycle_id == cycle.id,
                Submission.authority_id.in_(authority_ids),
                Submission.signed_off_at.is_not(None),
            )
        )
        if submission.signed_off_at is not None
    }
    if not signed_off:
        return {}
    inspections = [
        inspection
        for inspection in db.session.scalars(
            sa.select(Inspection)
            .where(Inspection.authority_id.in_(list(signed_off)))
            .order_by(Inspection.inspected_on, Inspection.id)
        )
        if inspection.inspected_on >= signed_off[inspection.authority_id] and inspection.areas_for_improvement
    ]
    if not inspections:
        return {}
    corrections: dict[tuple[int, int], CalibrationCorrection] = {
        (row.inspection_id, row.improvement_index): row
        for row in db.session.scalars(
            sa.select(CalibrationCorrection).where(
                CalibrationCorrection.inspection_id.in_([inspection.id for inspection in inspections])
            )
        )
    }
    areas = {
        authority_id: [row.text for row in rows]
        for authority_id, rows in region_development_areas(cycle, list(signed_off)).items()
    }
    found: dict[int, list[Calibration]] = {}
    for inspection in inspections:
        developments = areas.get(inspection.authority_id, [])
        improvements = list(inspection.areas_for_improvement)
        pairs = []
        for index, (matched, score) in enumerate(match(improvements, developments)):
            pair = CalibrationPair(
                index,
                improvements[index],
                developments[matched] if matched is not None else None,
                score,
                False,
            )
            correction = corrections.get((inspection.id, index))
            if (
                correction is not None
                and correction.improvement == pair.improvement
                and (correction.development is None or correction.development in developments)
            ):
                pair.development, pair.corrected = correction.development, True
            pairs.append(pair)
        found.setdefault(inspection.authority_id, []).append(Calibration(inspection, pairs))
    return found


@dataclass
class DevelopmentSummary:
    """What the self-assessment page shows: the areas for development, and how inspections matched them."""

    areas: list[str]
    can_edit: bool
    can_correct: bool
    calibrations: list[Calibration]


def development_summary(cycle: Cycle, authority: Authority, user: User) -> DevelopmentSummary:
    areas = [row.text for row in region_development_areas(cycle, [authority.id]).get(authority.id, [])]
    return DevelopmentSummary(
        areas,
        can_edit=can_name_development_areas(user, authority),
        can_correct=can_correct_calibration(user, authority),
        calibrations=calibrations(cycle, [authority.id]).get(authority.id, []),
    )
