"""Who sees and does what in moderation: the allocated moderators, the region's leads and admins."""

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.moderation.models import AllocationState, ModerationAssignment
from peerchallenge.regions.models import Authority


def holds_moderator_role(user: User) -> bool:
    return user.is_authenticated and any(grant.role == Role.MODERATOR for grant in user.grants)


def can_manage_moderation(user: User, cycle: Cycle) -> bool:
    """The region's leads and admins allocate moderators and read every comment."""
    return can_manage_region(user, cycle.region)


def is_allocated_moderator(user: User, cycle: Cycle, authority: Authority) -> bool:
    """The user is a published moderator of this authority's self-assessment in this cycle (one query, asked
    only of people holding the moderator role)."""
    if not holds_moderator_role(user):
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(ModerationAssignment.id)).where(
                ModerationAssignment.cycle_id == cycle.id,
                ModerationAssignment.authority_id == authority.id,
                ModerationAssignment.moderator_id == user.id,
                ModerationAssignment.state == AllocationState.PUBLISHED,
            )
        )
    )


def can_view_moderation(user: User, row: ModerationAssignment) -> bool:
    """A published allocation's page: its moderator, and the region's leads and admins."""
    if not user.is_authenticated:
        return False
    if can_manage_moderation(user, row.cycle):
        return True
    return row.is_published and row.moderator_id == user.id


def can_write_moderation(user: User, row: ModerationAssignment) -> bool:
    """Only the allocated moderator writes and submits the comments (the lead reads them)."""
    return (
        user.is_authenticated
        and row.is_published
        and row.moderator_id == user.id
        and holds_moderator_role(user)
    )


def sees_comments(user: User, cycle: Cycle, authority: Authority, *, own: bool) -> bool:
    """Submitted comments are read by the author (`own`: the authority's people), the lead and, once reviews
    start, the peers (whoever may read the self-assessment by then)."""
    return own or can_manage_moderation(user, cycle) or cycle.peers_may_read
