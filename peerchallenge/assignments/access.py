"""Who writes reviews for an authority, observes a peer group, declares conflicts and manages delegates."""

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments.models import AssignmentState, ReviewGroup
from peerchallenge.assignments.queries import delegated_authority_ids, group_member_ids
from peerchallenge.cycles.models import Cycle
from peerchallenge.regions.models import Authority


def review_writer_authority_ids(user: User) -> set[int]:
    """Authorities whose reviews the user writes: as their director, or as a delegate the director nominated.

    The one rule for "who reviews for an authority": reviews, self-assessments, letters, tasks and the menu
    all ask it.
    """
    if not user.is_authenticated:
        return set()
    return user.authority_ids(Role.DIRECTOR) | delegated_authority_ids(user)


def review_submitter_authority_ids(user: User) -> set[int]:
    """Authorities whose reviews the user may submit: as director, or as a delegate the director let submit.

    Other delegates draft and mark a review ready; the director submits it.
    """
    if not user.is_authenticated:
        return set()
    return user.authority_ids(Role.DIRECTOR) | delegated_authority_ids(user, submitting=True)


def can_declare_conflict_for(user: User, authority: Authority) -> bool:
    """A lead for any authority in the region; a director for its own authority."""
    if not user.is_authenticated:
        return False
    return can_manage_region(user, authority.region) or authority.id in user.authority_ids(Role.DIRECTOR)


def can_manage_delegates(user: User, authority: Authority) -> bool:
    """Only the authority's director nominates who drafts its reviews."""
    return user.is_authenticated and authority.id in user.authority_ids(Role.DIRECTOR)


def observed_group_ids(user: User) -> set[int]:
    """The peer groups the user observes (an observer director) or advises (an independent consultant)."""
    if not user.is_authenticated:
        return set()
    return {grant.review_group_id for grant in user.grants if grant.review_group_id is not None}


def observes(user: User, cycle: Cycle, authority: Authority) -> bool:
    """The user observes or advises a published group of the cycle that the authority is a member of."""
    groups = observed_group_ids(user)
    return bool(groups) and authority.id in group_member_ids(cycle, groups)


def can_view_group(user: User, group: ReviewGroup) -> bool:
    """The region's leads and admins, and the group's observer and consultant once it is published."""
    if not user.is_authenticated:
        return False
    if can_manage_region(user, group.cycle.region):
        return True
    return group.state == AssignmentState.PUBLISHED and group.id in observed_group_ids(user)
