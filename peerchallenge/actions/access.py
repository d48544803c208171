"""Who may read and write an authority's actions in answer to its letter.

The rules of the letter itself decide: those who receive the released letter, or carry its authority on,
write its actions; the lead reads them; so do the people who review the authority (or one carrying it on).
"""

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.assignments.access import review_writer_authority_ids
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.letters.access import can_manage_letter, is_heir, is_recipient
from peerchallenge.letters.models import Letter
from peerchallenge.regions.queries import predecessor_ids


def can_write_actions(user: User, letter: Letter) -> bool:
    """The authority's director and contributors once its letter is released, and those of its successors."""
    return is_recipient(user, letter) or is_heir(user, letter)


def reviews_authority_since(user: User, letter: Letter) -> bool:
    """The user writes reviews of the letter's authority, or of one carrying it on, in the letter's cycle or
    a later cycle of its region (a peer reads what the authority it reviews said it would do)."""
    if not user.is_authenticated or not letter.is_released:
        return False
    writers = review_writer_authority_ids(user)
    if not writers:
        return False
    reviewed = set(
        db.session.scalars(
            sa.select(Assignment.reviewed_id)
            .join(Cycle, Cycle.id == Assignment.cycle_id)
            .where(
                Cycle.region_id == letter.cycle.region_id,
                Cycle.opens_on >= letter.cycle.opens_on,
                Assignment.reviewer_id.in_(writers),
                Assignment.state == AssignmentState.PUBLISHED,
            )
        )
    )
    return letter.authority_id in reviewed | predecessor_ids(reviewed)


def can_read_actions(user: User, letter: Letter) -> bool:
    """The region's leads, the writers of the actions, and the authority's peers."""
    return (
        can_manage_letter(user, letter)
        or can_write_actions(user, letter)
        or reviews_authority_since(user, letter)
    )


def can_download_pack(user: User, letter: Letter) -> bool:
    """The scrutiny pack is the authority's (for Ofsted and its members) and the lead's, not its peers'."""
    return letter.is_released and (can_manage_letter(user, letter) or can_write_actions(user, letter))
