"""The regional overview: each authority's consolidated evidence strength per section, and counts per rating.

How the peers' ratings are consolidated on an ordered scale: the median of the submitted reviews' levels,
where a tie between two middle levels goes to the weaker one. With two peers that is the weaker of their two
ratings, marked "(peers differ)" when they disagree. Levels are ordered strongest first, as the rating
scales store them. A median means nothing on a scale that is not ordered (self-knowledge): there the peers
agree only on the same level, and otherwise the cell says "Peers differ". Only submitted reviews of published
pairings count; a draft is not yet a rating. Until every peer of an authority has submitted, a cell says how
many have ("1 of 2 reviews") and is not coloured, so that a partial result never reads as final.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle, RatingScale, TemplateSection
from peerchallenge.extensions import db
from peerchallenge.monitoring.dashboard import cycle_authorities
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.models import SectionText, Submission, SubmissionVersion

EVIDENCE_SCALE = "evidence"
OVERALL = "Overall"
# Shades from light (weakest) to dark (strongest), as CSS classes app-strength--1 to app-strength--5.
SHADES = 5


@dataclass(frozen=True)
class Consolidated:
    position: int | None  # None when nobody has rated it yet
    peers_differ: bool
    ratings: int


def consolidate(positions: list[int], *, ordered: bool = True) -> Consolidated:
    """The median of the peers' level positions, ties to the weaker (higher) position; on a scale that is not
    ordered, the level they all gave, or none when they differ."""
    if not positions:
        return Consolidated(None, False, 0)
    differ = len(set(positions)) > 1
    if not ordered:
        return Consolidated(None if differ else positions[0], differ, len(positions))
    in_order = sorted(positions)
    return Consolidated(in_order[len(in_order) // 2], differ, len(in_order))


def shade(index: int, levels: int) -> int:
    """1 (lightest) for the weakest level up to SHADES (darkest) for the strongest."""
    if levels <= 1:
        return SHADES
    return 1 + round((levels - 1 - index) * (SHADES - 1) / (levels - 1))


@dataclass
class SubmittedReview:
    reviewed_id: int
    reviewed_name: str
    reviewer_name: str
    peer: str  # the reviewer's name, or "Peer 1" / "Peer 2" when the cycle is anonymous
    content: dict


@dataclass(frozen=True)
class Part:
    key: str | None  # the section's key in the review content; None for the overall part
    title: str
    scale_keys: tuple[str, ...] | None  # the scales the part is rated on; None (overall) for every scale

    def rated_on(self, scale_key: str) -> bool:
        return self.scale_keys is None or scale_key in self.scale_keys


def cycle_parts(cycle: Cycle) -> list[Part]:
    """Each template section with the scales it is rated on, then the overall part (rated on every scale)."""
    sections = db.session.scalars(
        sa.select(TemplateSection)
        .where(TemplateSection.cycle_id == cycle.id)
        .options(selectinload(TemplateSection.scales))
        .order_by(TemplateSection.position)
    )
    return [Part(str(section.id), section.title, section.scale_keys) for section in sections] + [
        Part(None, OVERALL, None)
    ]


def left_out_sections(cycle: Cycle) -> set[tuple[int, str]]:
    """(authority id, section key) of each optional section an authority's current self-assessment left out,
    in one query; authorities without a self-assessment are not in it."""
    latest = (
        sa.select(SubmissionVersion.submission_id, sa.func.max(SubmissionVersion.number).label("number"))
        .group_by(SubmissionVersion.submission_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Submission.authority_id, TemplateSection.id, sa.func.max(SectionText.word_count))
        .join(latest, latest.c.submission_id == Submission.id)
        .join(
            SubmissionVersion,
            (SubmissionVersion.submission_id == Submission.id)
            & (SubmissionVersion.number == latest.c.number),
        )
        .join(TemplateSection, (TemplateSection.cycle_id == cycle.id) & TemplateSection.optional.is_(True))
        .outerjoin(
            SectionText,
            (SectionText.version_id == SubmissionVersion.id)
            & (SectionText.template_section_id == TemplateSection.id),
        )
        .where(Submission.cycle_id == cycle.id)
        .group_by(Submission.authority_id, TemplateSection.id)
    )
    return {(authority_id, str(section_id)) for authority_id, section_id, words in rows if not words}


def cycle_scales(cycle: Cycle) -> list[RatingScale]:
    return list(
        db.session.scalars(
            sa.select(RatingScale)
            .where(RatingScale.cycle_id == cycle.id)
            .options(selectinload(RatingScale.levels))
            .order_by(RatingScale.position)
        )
    )


def submitted_reviews(cycle: Cycle, expected: dict[int, int] | None = None) -> list[SubmittedReview]:
    """The submitted reviews of the cycle's published pairings, by reviewed authority then peer, in one query.

    Peers are numbered per reviewed authority in the order they were assigned, counting reviews not yet
    submitted, so that a peer keeps its number as the others come in. Given a dict `expected`, it is filled
    with the number of reviews each reviewed authority has coming, submitted or not.
    """
    reviewed, reviewer = sa.orm.aliased(Authority), sa.orm.aliased(Authority)
    query = (
        sa.select(Assignment.reviewed_id, reviewed.name, reviewer.name, Review.state, Review.content)
        .join(reviewed, Assignment.reviewed_id == reviewed.id)
        .join(reviewer, Assignment.reviewer_id == reviewer.id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED)
        .order_by(reviewed.name, Assignment.reviewed_id, Assignment.id)
    )
    found: list[SubmittedReview] = []
    numbers: dict[int, int] = {}
    for reviewed_id, reviewed_name, reviewer_name, state, content in db.session.execute(query):
        numbers[reviewed_id] = numbers.get(reviewed_id, 0) + 1
        if expected is not None:
            expected[reviewed_id] = numbers[reviewed_id]
        if state != ReviewState.SUBMITTED:
            continue
        peer = f"Peer {numbers[reviewed_id]}" if cycle.anonymous else reviewer_name
        found.append(SubmittedReview(reviewed_id, reviewed_name, reviewer_name, peer, content or {}))
    return found


def part_ratings(content: dict, key: str | None) -> dict[str, int]:
    part = content.get("overall", {}) if key is None else content.get("sections", {}).get(key, {})
    ratings = part.get("ratings", {}) if isinstance(part, dict) else {}
    # Only whole numbers are level positions; anything else stored by mistake is left out, never a 500.
    if not isinstance(ratings, dict):
        return {}
    return {key: value for key, value in ratings.items() if isinstance(value, int)}


@dataclass
class OverviewCell:
    label: str  # the words shown: a level, "Sufficient (peers differ)", "Strong (1 of 2 reviews)", ...
    shade: int | None  # the colour class, None when not rated
    ratings: int


@dataclass
class LevelCount:
    label: str
    sections: int
    overall: int


@dataclass
class ScaleCounts:
    name: str
    levels: list[LevelCount]

    @property
    def total_sections(self) -> int:
        return sum(level.sections for level in self.levels)

    @property
    def total_overall(self) -> int:
        return sum(level.overall for level in self.levels)


@dataclass
class Overview:
    scale_name: str | None
    levels: list[tuple[str, int]]  # the evidence scale's levels and their shades, for the key (if ordered)
    parts: list[str]
    rows: list[tuple[Authority, list[OverviewCell]]]
    counts: list[ScaleCounts] = field(default_factory=list)
    reviews: int = 0
    ordered: bool = True  # whether the scale shown is ordered (else no median and no shades)
    partial: bool = False  # some authority's cells rest on only some of its reviews


NOT_RATED_YET = "Not rated yet"
NOT_RATED = "Not rated"  # every review is in and none rated it (section ratings may be optional)
NOT_INCLUDED = "Not included"  # an optional section the self-assessment left out
PEERS_DIFFER = "Peers differ"


def cell(
    result: Consolidated, labels: dict[int, str], shades: dict[int, int] | None, submitted: int, expected: int
) -> OverviewCell:
    """One authority's consolidated rating as words (and a shade only when every review is in)."""
    if result.ratings == 0:
        return OverviewCell(NOT_RATED if 0 < expected <= submitted else NOT_RATED_YET, None, 0)
    notes = []
    if result.peers_differ and result.position is not None:
        notes.append("peers differ")
    partial = submitted < expected
    if partial:
        notes.append(f"{submitted} of {expected} reviews")
    words = labels[result.position] if result.position is not None else PEERS_DIFFER
    label = words + (f" ({'; '.join(notes)})" if notes else "")
    final_shade = shades[result.position] if shades and result.position is not None and not partial else None
    return OverviewCell(label, final_shade, result.ratings)


@dataclass(frozen=True)
class CycleRatings:
    """What the overview and its calibration table both read, read once for the page: the cycle's scales,
    its authorities, its submitted reviews and how many reviews each authority has coming."""

    scales: list[RatingScale]
    authorities: list[Authority]
    reviews: list[SubmittedReview]
    expected: dict[int, int]


def cycle_ratings(cycle: Cycle) -> CycleRatings:
    expected: dict[int, int] = {}
    reviews = submitted_reviews(cycle, expected)
    return CycleRatings(cycle_scales(cycle), cycle_authorities(cycle), reviews, expected)


def regional_overview(cycle: Cycle, ratings: CycleRatings) -> Overview:
    """The consolidated evidence strength per authority and section, and the region's counts per rating."""
    parts = cycle_parts(cycle)
    scales, reviews = ratings.scales, ratings.reviews
    left_out = left_out_sections(cycle)
    by_authority: dict[int, list[SubmittedReview]] = {}
    for review in reviews:
        by_authority.setdefault(review.reviewed_id, []).append(review)

    evidence = next((scale for scale in scales if scale.key == EVIDENCE_SCALE), scales[0] if scales else None)
    shown = [part for part in parts if evidence is not None and part.rated_on(evidence.key)]
    rows = []
    partial = False
    if evidence is not None:
        labels = {level.position: level.label for level in evidence.levels}
        shades = (
            {
                level.position: shade(number, len(evidence.levels))
                for number, level in enumerate(evidence.levels)
            }
            if evidence.ordered
            else None
        )
        for authority in ratings.authorities:
            given = by_authority.get(authority.id, [])
            cells = []
            for part in shown:
                if (authority.id, part.key) in left_out:
                    cells.append(OverviewCell(NOT_INCLUDED, None, 0))
                    continue
                positions = [
                    position
                    for review in given
                    if (position := part_ratings(review.content, part.key).get(evidence.key)) in labels
                ]
                result = consolidate(positions, ordered=evidence.ordered)
                cells.append(cell(result, labels, shades, len(given), ratings.expected.get(authority.id, 0)))
            partial = partial or 0 < len(given) < ratings.expected.get(authority.id, 0)
            rows.append((authority, cells))

    counts = []
    for scale in scales:
        tally = {level.position: LevelCount(level.label, 0, 0) for level in scale.levels}
        for review in reviews:
            for part in parts:
                if not part.rated_on(scale.key):
                    continue
                position = part_ratings(review.content, part.key).get(scale.key)
                if position in tally:
                    if part.key is None:
                        tally[position].overall += 1
                    else:
                        tally[position].sections += 1
        counts.append(ScaleCounts(scale.name, list(tally.values())))

    return Overview(
        scale_name=evidence.name if evidence else None,
        levels=[(level.label, shade(n, len(evidence.levels))) for n, level in enumerate(evidence.levels)]
        if evidence and evidence.ordered
        else [],
        parts=[part.title for part in shown],
        rows=rows,
        counts=counts,
        reviews=len(reviews),
        ordered=evidence.ordered if evidence else True,
        partial=partial,
    )
