"""Who sees a cycle's themes report, and whose names its quotes show; who corrects an authority's asks and
offers. To anyone else the pages do not exist (404)."""

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority, Region


def director_region_ids(user: User) -> set[int]:
    """The regions of the authorities the user is a director of."""
    authority_ids = user.authority_ids(Role.DIRECTOR)
    if not authority_ids:
        return set()
    return set(db.session.scalars(sa.select(Authority.region_id).where(Authority.id.in_(authority_ids))))


def can_manage_themes(user: User, region: Region) -> bool:
    """The region's leads and admins: the lexicon, tagging again, the settings, names everywhere."""
    return can_manage_region(user, region)


def can_see_report(user: User, cycle: Cycle) -> bool:
    """The region's leads and admins, and the directors of the region's authorities (not while a draft)."""
    if not user.is_authenticated:
        return False
    if can_manage_region(user, cycle.region):
        return True
    return not cycle.is_draft and cycle.region_id in director_region_ids(user)


def sees_names(user: User, cycle: Cycle, quotes_named: bool) -> bool:
    """Quotes name their authorities for the lead and admin; for directors only if the cycle says so."""
    return quotes_named or can_manage_region(user, cycle.region)


def can_read_asks(user: User, authority: Authority) -> bool:
    """An authority's asks and offers: its own people, its region's leads and admins."""
    return user.is_authenticated and (
        authority.id in user.authority_ids() or can_manage_region(user, authority.region)
    )


def can_correct_asks(user: User, authority: Authority) -> bool:
    """An authority corrects its own asks and offers: its director and contributors."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)
