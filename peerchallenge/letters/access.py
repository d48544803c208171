"""Who may manage, read, download and answer a letter."""

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments.access import review_writer_authority_ids
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter
from peerchallenge.regions.queries import predecessor_ids


def can_manage_letter(user: User, letter: Letter) -> bool:
    """The region's leads and admins compose, edit, approve and release letters."""
    return can_manage_region(user, letter.cycle.region)


def is_recipient(user: User, letter: Letter) -> bool:
    """The authority's director and contributors, once the letter is released."""
    return (
        user.is_authenticated
        and letter.is_released
        and letter.authority_id in user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)
    )


def is_peer(user: User, letter: Letter) -> bool:
    """The people who wrote a review of this authority see the released letter and its response."""
    if not user.is_authenticated or not letter.is_released:
        return False
    writers = review_writer_authority_ids(user)
    if not writers:
        return False
    return (
        db.session.execute(
            sa.select(sa.func.count(Assignment.id)).where(
                Assignment.cycle_id == letter.cycle_id,
                Assignment.reviewed_id == letter.authority_id,
                Assignment.reviewer_id.in_(writers),
                Assignment.state == AssignmentState.PUBLISHED,
            )
        ).scalar_one()
        > 0
    )


def is_heir(user: User, letter: Letter) -> bool:
    """The people of an authority that carries on from the letter's (after a merge or split) read it."""
    return (
        user.is_authenticated
        and letter.is_released
        and letter.authority_id in predecessor_ids(user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR))
    )


def can_read_letter(user: User, letter: Letter) -> bool:
    return (
        can_manage_letter(user, letter)
        or is_recipient(user, letter)
        or is_peer(user, letter)
        or is_heir(user, letter)
    )


def can_respond(user: User, letter: Letter) -> bool:
    return is_recipient(user, letter)
