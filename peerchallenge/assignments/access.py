"""Who may declare conflicts, manage delegates and read the self-assessments they review."""

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.regions.models import Authority


def can_declare_conflict_for(user: User, authority: Authority) -> bool:
    """A lead for any authority in the region; a director for its own authority."""
    if not user.is_authenticated:
        return False
    return can_manage_region(user, authority.region) or authority.id in user.authority_ids(Role.DIRECTOR)


def can_manage_delegates(user: User, authority: Authority) -> bool:
    """Only the authority's director nominates who drafts its reviews."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR)
