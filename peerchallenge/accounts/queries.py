"""Reading users and their roles for pages, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority

_GRANT_DETAILS = (
    selectinload(User.grants).selectinload(RoleGrant.authority),
    selectinload(User.grants).selectinload(RoleGrant.region),
)


def user_ids_in_regions(region_ids: Iterable[int]) -> sa.Select:
    """The ids of users holding any role in these regions (as a lead or in one of their authorities)."""
    ids = sorted(region_ids)
    return (
        sa.select(RoleGrant.user_id)
        .outerjoin(Authority, RoleGrant.authority_id == Authority.id)
        .where(sa.or_(RoleGrant.region_id.in_(ids), Authority.region_id.in_(ids)))
    )


def users_in_region(region_id: int) -> list[User]:
    """Users holding any role in the region (as its lead or in one of its authorities), by name."""
    query = (
        sa.select(User)
        .options(*_GRANT_DETAILS)
        .where(User.id.in_(user_ids_in_regions([region_id])))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def count_users_in_region(region_id: int) -> int:
    """How many users `users_in_region` lists, counted in the database."""
    query = sa.select(sa.func.count()).select_from(User).where(User.id.in_(user_ids_in_regions([region_id])))
    return db.session.execute(query).scalar_one()


def people_by_authority(authority_ids: Iterable[int]) -> dict[int, list[tuple[User, RoleGrant]]]:
    """For each authority, its users and the role each holds there, directors first."""
    ids = list(authority_ids)
    result: dict[int, list[tuple[User, RoleGrant]]] = defaultdict(list)
    if not ids:
        return result
    query = sa.select(RoleGrant).options(selectinload(RoleGrant.user)).where(RoleGrant.authority_id.in_(ids))
    for grant in db.session.scalars(query):
        assert grant.authority_id is not None  # the query selects grants at an authority
        result[grant.authority_id].append((grant.user, grant))
    for people in result.values():
        people.sort(key=lambda pair: (pair[1].role != Role.DIRECTOR, pair[0].name))
    return result


def _active_users_granted(*conditions: sa.ColumnElement[bool]) -> list[User]:
    """The users who can still sign in and hold a role matching `conditions`, each once, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(*conditions, User.active.is_(True))
            .distinct()
            .order_by(User.name)
        )
    )


def region_leads(region_id: int) -> list[User]:
    """The region's active leads."""
    return _active_users_granted(RoleGrant.role == Role.LEAD, RoleGrant.region_id == region_id)


def authority_users(authority_id: int, *roles: Role) -> list[User]:
    """The authority's users who can still sign in and hold one of these roles, by name."""
    return _active_users_granted(RoleGrant.authority_id == authority_id, RoleGrant.role.in_(roles))


def active_contributors(authority: Authority) -> list[User]:
    """The authority's contributors who can still sign in, by name."""
    return authority_users(authority.id, Role.CONTRIBUTOR)
