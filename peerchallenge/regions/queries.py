"""Reading regions and authorities for pages, in a fixed number of queries."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.extensions import db, scalars_where_in
from peerchallenge.regions.models import Authority, Region


def regions_with_authorities(region_ids: Iterable[int] | None = None) -> list[Region]:
    """Regions by name with their authorities loaded; all regions when no ids are given."""
    query = sa.select(Region).options(selectinload(Region.authorities)).order_by(Region.name)
    if region_ids is None:
        return list(db.session.scalars(query))
    return scalars_where_in(query, Region.id, region_ids)


def authorities_by_ids(authority_ids: Iterable[int]) -> list[Authority]:
    query = sa.select(Authority).options(selectinload(Authority.region)).order_by(Authority.name)
    return scalars_where_in(query, Authority.id, authority_ids)
