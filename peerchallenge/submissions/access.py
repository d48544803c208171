"""Who may read, change, sign off and reopen a self-assessment."""

from peerchallenge.accounts.access import can_manage_region, can_view_authority
from peerchallenge.accounts.models import Role, User
from peerchallenge.cycles.models import Cycle
from peerchallenge.regions.models import Authority


def can_view_submission(user: User, cycle: Cycle, authority: Authority) -> bool:
    """The authority's own people, the region's leads and admins (reviewers come with assignments)."""
    return authority.region_id == cycle.region_id and can_view_authority(user, authority)


def can_edit_submission(user: User, authority: Authority) -> bool:
    """The authority's director and contributors upload and edit."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)


def can_sign_off_submission(user: User, authority: Authority) -> bool:
    """Only the authority's director signs off."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR)


def can_reopen_submission(user: User, cycle: Cycle) -> bool:
    return can_manage_region(user, cycle.region)
