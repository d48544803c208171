"""The regional overview: each authority's consolidated evidence strength per section, and counts per rating.

How the peers' ratings are consolidated: the median of the submitted reviews' levels, where a tie between two
middle levels goes to the weaker one. With two peers that is the weaker of their two ratings, marked
"(peers differ)" when they disagree. Levels are ordered strongest first, as the rating scales store them.
Only submitted reviews of published pairings count; a draft is not yet a rating.
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

EVIDENCE_SCALE = "evidence"
OVERALL = "Overall"
# Shades from light (weakest) to dark (strongest), as CSS classes app-strength--1 to app-strength--5.
SHADES = 5


@dataclass(frozen=True)
class Consolidated:
    position: int | None  # None when nobody has rated it yet
    peers_differ: bool
    ratings: int


def consolidate(positions: list[int]) -> Consolidated:
    """The median of the peers' level positions, ties to the weaker (higher) position."""
    if not positions:
        return Consolidated(None, False, 0)
    ordered = sorted(positions)
    return Consolidated(ordered[len(ordered) // 2], len(set(ordered)) > 1, len(ordered))


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


def cycle_parts(cycle: Cycle) -> list[tuple[str | None, str]]:
    """(key in the review content, title) for each template section, then the overall part (key None)."""
    sections = db.session.scalars(
        sa.select(TemplateSection)
        .where(TemplateSection.cycle_id == cycle.id)
        .order_by(TemplateSection.position)
    )
    return [(str(section.id), section.title) for section in sections] + [(None, OVERALL)]


def cycle_scales(cycle: Cycle) -> list[RatingScale]:
    return list(
        db.session.scalars(
            sa.select(RatingScale)
            .where(RatingScale.cycle_id == cycle.id)
            .options(selectinload(RatingScale.levels))
            .order_by(RatingScale.position)
        )
    )


def submitted_reviews(cycle: Cycle) -> list[SubmittedReview]:
    """The submitted reviews of the cycle's published pairings, by reviewed authority then peer, in one query.

    Peers are numbered per reviewed authority in the order they were assigned, counting reviews not yet
    submitted, so that a peer keeps its number as the others come in.
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
    label: str  # the words shown: a level, "Adequate (peers differ)", or "Not rated yet"
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
    levels: list[tuple[str, int]]  # the evidence scale's levels and their shades, for the key
    parts: list[str]
    rows: list[tuple[Authority, list[OverviewCell]]]
    counts: list[ScaleCounts] = field(default_factory=list)
    reviews: int = 0


def regional_overview(cycle: Cycle) -> Overview:
    """The consolidated evidence strength per authority and section, and the region's counts per rating."""
    parts = cycle_parts(cycle)
    scales = cycle_scales(cycle)
    reviews = submitted_reviews(cycle)
    authorities = cycle_authorities(cycle)
    by_authority: dict[int, list[SubmittedReview]] = {}
    for review in reviews:
        by_authority.setdefault(review.reviewed_id, []).append(review)

    evidence = next((scale for scale in scales if scale.key == EVIDENCE_SCALE), scales[0] if scales else None)
    rows = []
    if evidence is not None:
        index = {level.position: number for number, level in enumerate(evidence.levels)}
        labels = {level.position: level.label for level in evidence.levels}
        for authority in authorities:
            cells = []
            for key, _title in parts:
                positions = [
                    position
                    for review in by_authority.get(authority.id, [])
                    if (position := part_ratings(review.content, key).get(evidence.key)) in labels
                ]
                result = consolidate(positions)
                if result.position is None:
                    cells.append(OverviewCell("Not rated yet", None, 0))
                    continue
                label = labels[result.position] + (" (peers differ)" if result.peers_differ else "")
                cells.append(
                    OverviewCell(label, shade(index[result.position], len(evidence.levels)), result.ratings)
                )
            rows.append((authority, cells))

    counts = []
    for scale in scales:
        tally = {level.position: LevelCount(level.label, 0, 0) for level in scale.levels}
        for review in reviews:
            for key, _title in parts:
                position = part_ratings(review.content, key).get(scale.key)
                if position in tally:
                    if key is None:
                        tally[position].overall += 1
                    else:
                        tally[position].sections += 1
        counts.append(ScaleCounts(scale.name, list(tally.values())))

    return Overview(
        scale_name=evidence.name if evidence else None,
        levels=[(level.label, shade(n, len(evidence.levels))) for n, level in enumerate(evidence.levels)]
        if evidence
        else [],
        parts=[title for _key, title in parts],
        rows=rows,
        counts=counts,
        reviews=len(reviews),
    )
