"""Reading regions and authorities for pages, in a fixed number of queries."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority, Region


def regions_with_authorities(region_ids: Iterable[int] | None = None) -> list[Region]:
    """Regions by name with their authorities loaded; all regions when no ids are given."""
    query = sa.select(Region).options(selectinload(Region.authorities)).order_by(Region.name)
    if region_ids is not None:
        ids = list(region_ids)
        if not ids:
            return []
        query = query.where(Region.id.in_(ids))
    return list(db.session.scalars(query))


def authorities_by_ids(authority_ids: Iterable[int]) -> list[Authority]:
    ids = list(authority_ids)
    if not ids:
        return []
    query = (
        sa.select(Authority)
        .options(selectinload(Authority.region))
        .where(Authority.id.in_(ids))
        .order_by(Authority.name)
    )
    return list(db.session.scalars(query))
