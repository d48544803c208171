"""Reading cycles for pages."""

from collections.abc import Iterable

import sqlalchemy as sa

from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.extensions import scalars_where_in


def cycles_for_regions(region_ids: Iterable[int]) -> list[Cycle]:
    """Cycles of the given regions, newest first."""
    query = sa.select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())
    return scalars_where_in(query, Cycle.region_id, region_ids)


def current_cycles(region_ids: Iterable[int]) -> dict[int, Cycle]:
    """For each region, its newest cycle that is under way (not a draft, not closed)."""
    result: dict[int, Cycle] = {}
    for cycle in cycles_for_regions(region_ids):
        if cycle.state not in (CycleState.DRAFT, CycleState.CLOSED):
            result.setdefault(cycle.region_id, cycle)
    return result
