"""Reading cycles for pages."""

from collections.abc import Iterable

import sqlalchemy as sa

from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db, scalars_where_in


def cycles_for_regions(region_ids: Iterable[int]) -> list[Cycle]:
    """Cycles of the given regions, newest first."""
    query = sa.select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())
    return scalars_where_in(query, Cycle.region_id, region_ids)


def current_cycles(region_ids: Iterable[int]) -> dict[int, Cycle]:
    """For each region, its newest cycle that is under way (not a draft, not closed)."""
    return newest_under_way(cycles_for_regions(region_ids))


def newest_under_way(cycles: Iterable[Cycle]) -> dict[int, Cycle]:
    """`current_cycles` of cycles already loaded, newest first: by region, the first under way."""
    result: dict[int, Cycle] = {}
    for cycle in cycles:
        if cycle.is_under_way:
            result.setdefault(cycle.region_id, cycle)
    return result


def next_cycle(cycle: Cycle) -> Cycle | None:
    """The region's next cycle: the first to open after this one."""
    return db.session.scalar(
        sa.select(Cycle)
        .where(Cycle.region_id == cycle.region_id, Cycle.opens_on > cycle.opens_on)
        .order_by(Cycle.opens_on, Cycle.id)
        .limit(1)
    )


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """The region's cycle before this one: the last to open before it."""
    return db.session.scalar(
        sa.select(Cycle)
        .where(Cycle.region_id == cycle.region_id, Cycle.opens_on < cycle.opens_on)
        .order_by(Cycle.opens_on.desc(), Cycle.id.desc())
        .limit(1)
    )
