"""Who may read, change, sign off and reopen a self-assessment."""

from peerchallenge.accounts.access import can_manage_region, can_view_authority
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments.access import observes, review_writer_authority_ids
from peerchallenge.assignments.queries import reviewer_authority_ids
from peerchallenge.cycles.models import Cycle
from peerchallenge.moderation.access import is_allocated_moderator
from peerchallenge.regions.models import Authority


def can_view_submission(user: User, cycle: Cycle, authority: Authority, submission=None) -> bool:
    """The authority's people, the region's leads and admins; once signed off, its allocated moderators, and
    its assigned reviewers and the observer and consultant of its peer group (with moderation on, only once
    reviews start)."""
    if authority.region_id != cycle.region_id or not user.is_authenticated:
        return False
    if can_view_authority(user, authority):
        return True
    if submission is None or not submission.is_signed_off:
        return False
    if is_allocated_moderator(user, cycle, authority):
        return True
    return cycle.peers_may_read and (
        is_assigned_reviewer(user, cycle, authority) or observes(user, cycle, authority)
    )


def is_assigned_reviewer(user: User, cycle: Cycle, authority: Authority) -> bool:
    """The user reviews this authority: as director of, or delegate for, a reviewing authority."""
    reviewing = reviewer_authority_ids(cycle, authority)
    if not reviewing:
        return False
    return bool(reviewing & review_writer_authority_ids(user))


def can_edit_submission(user: User, authority: Authority) -> bool:
    """The authority's director and contributors upload and edit."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)


def can_mark_submission_ready(user: User, authority: Authority) -> bool:
    """The authority's contributors tell the director a draft is ready; the director signs it off."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.CONTRIBUTOR)


def can_sign_off_submission(user: User, authority: Authority) -> bool:
    """Only the authority's director signs off."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR)


def can_reopen_submission(user: User, cycle: Cycle) -> bool:
    return can_manage_region(user, cycle.region)
