"""The region's inspection calibration beside the peers' self-knowledge ratings, for the regional overview."""

from dataclasses import dataclass

from peerchallenge.cycles.models import Cycle
from peerchallenge.datapack.queries import Calibration, calibrations
from peerchallenge.monitoring.overview import (
    PEERS_DIFFER,
    CycleRatings,
    consolidate,
    part_ratings,
)
from peerchallenge.regions.models import Authority

SELF_KNOWLEDGE = "self_knowledge"


@dataclass
class CalibrationRow:
    authority: Authority
    self_knowledge: str  # the peers' overall rating in words, "Peers differ", or "Not rated yet"
    calibrations: list[Calibration]


def calibration_rows(cycle: Cycle, ratings: CycleRatings) -> list[CalibrationRow]:
    """Each authority: its peers' overall self-knowledge rating and its inspections matched since sign-off
    (`ratings`: what the overview read for the same page)."""
    scale = next((scale for scale in ratings.scales if scale.key == SELF_KNOWLEDGE), None)
    labels = {level.position: level.label for level in scale.levels} if scale else {}
    given: dict[int, list[int]] = {}
    for review in ratings.reviews:
        position = part_ratings(review.content, None).get(SELF_KNOWLEDGE)
        if position in labels:
            given.setdefault(review.reviewed_id, []).append(position)
    authorities = ratings.authorities
    matched = calibrations(cycle, [authority.id for authority in authorities])
    rows = []
    for authority in authorities:
        result = consolidate(given.get(authority.id, []), ordered=bool(scale and scale.ordered))
        if result.ratings == 0:
            words = "Not rated yet"
        else:
            words = labels[result.position] if result.position is not None else PEERS_DIFFER
        rows.append(CalibrationRow(authority, words, matched.get(authority.id, [])))
    return rows
