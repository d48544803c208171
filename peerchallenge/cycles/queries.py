"""Reading cycles for pages."""

from collections.abc import Iterable

import sqlalchemy as sa

from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.extensions import db


def cycles_for_regions(region_ids: Iterable[int]) -> list[Cycle]:
    """Cycles of the given regions, newest first."""
    ids = list(region_ids)
    if not ids:
        return []
    query = sa.select(Cycle).where(Cycle.region_id.in_(ids)).order_by(Cycle.year.desc(), Cycle.id.desc())
    return list(db.session.scalars(query))


def current_cycles(region_ids: Iterable[int]) -> dict[int, Cycle]:
    """For each region, its newest cycle that is under way (not a draft, not closed)."""
    result: dict[int, Cycle] = {}
    for cycle in cycles_for_regions(region_ids):
        if cycle.state not in (CycleState.DRAFT, CycleState.CLOSED):
            result.setdefault(cycle.region_id, cycle)
    return result
