"""Reading regions and authorities for pages, in a fixed number of queries."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.extensions import db, scalars_where_in
from peerchallenge.regions.models import Authority, AuthorityLink, Region


def regions_with_authorities(region_ids: Iterable[int] | None = None) -> list[Region]:
    """Regions by name with their authorities loaded; all regions when no ids are given."""
    query = sa.select(Region).options(selectinload(Region.authorities)).order_by(Region.name)
    if region_ids is None:
        return list(db.session.scalars(query))
    return scalars_where_in(query, Region.id, region_ids)


def authorities_by_ids(authority_ids: Iterable[int]) -> list[Authority]:
    query = sa.select(Authority).options(selectinload(Authority.region)).order_by(Authority.name)
    return scalars_where_in(query, Authority.id, authority_ids)


def region_links(region_id: int) -> list[AuthorityLink]:
    """The region's lineage: which authority carried on from which, most recent change first."""
    predecessor = sa.orm.aliased(Authority)
    return list(
        db.session.scalars(
            sa.select(AuthorityLink)
            .join(predecessor, AuthorityLink.predecessor_id == predecessor.id)
            .where(predecessor.region_id == region_id)
            .options(selectinload(AuthorityLink.predecessor), selectinload(AuthorityLink.successor))
            .order_by(AuthorityLink.effective_on.desc(), AuthorityLink.id)
        )
    )


def predecessors(authority: Authority) -> list[Authority]:
    """Every authority this one carried on from, through any number of merges and splits, nearest first.

    A successor inherits its predecessors' pairing history, letters and actions: this is the one rule for
    which authorities those are.
    """
    before: dict[int, list[int]] = {}
    for link in region_links(authority.region_id):
        before.setdefault(link.successor_id, []).append(link.predecessor_id)
    found: list[int] = []
    frontier = [authority.id]
    while frontier:
        step = sorted({pid for aid in frontier for pid in before.get(aid, ()) if pid not in found})
        step = [pid for pid in step if pid != authority.id]
        found.extend(step)
        frontier = step
    by_id = {found_authority.id: found_authority for found_authority in authorities_by_ids(found)}
    return [by_id[pid] for pid in found]


def predecessor_ids(authority_ids: Iterable[int]) -> set[int]:
    """The ids of every authority that the given ones carried on from (for reading their letters)."""
    wanted = set(authority_ids)
    if not wanted:
        return set()
    links = list(db.session.execute(sa.select(AuthorityLink.predecessor_id, AuthorityLink.successor_id)))
    before: dict[int, set[int]] = {}
    for predecessor_id, successor_id in links:
        before.setdefault(successor_id, set()).add(predecessor_id)
    found: set[int] = set()
    frontier = wanted
    while frontier:
        frontier = {pid for aid in frontier for pid in before.get(aid, ())} - found - wanted
        found |= frontier
    return found


def carried_on_by(region_id: int, current_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each authority of the region, the given current authorities that carry it on.

    An authority among `current_ids` carries itself on; one that merged or split is carried on by its
    successors that are current, through any number of changes. The solver's history is mapped with this.
    """
    current = set(current_ids)
    after: dict[int, set[int]] = {}
    for link in region_links(region_id):
        after.setdefault(link.predecessor_id, set()).add(link.successor_id)

    def descend(authority_id: int, seen: frozenset[int]) -> set[int]:
        if authority_id in current:
            return {authority_id}
        result: set[int] = set()
        for successor_id in after.get(authority_id, ()):
            if successor_id not in seen:
                result |= descend(successor_id, seen | {successor_id})
        return result

    ids = set(db.session.scalars(sa.select(Authority.id).where(Authority.region_id == region_id)))
    return {authority_id: descend(authority_id, frozenset({authority_id})) for authority_id in ids}
