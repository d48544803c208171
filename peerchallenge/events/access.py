"""Who may run the challenge event, chair or read a session, and read an outcome note.

- the region's leads (and admins) run the event: create it, set its sessions' times and chairs, approve and
  release outcome notes; they chair every session the lead has not handed to a director;
- a session's chair (a director of the region the lead named) runs that session: notes, agreed actions,
  finishing it, and editing its outcome notes before release;
- a session is read by those, by its authorities' own people (directors and contributors), by the people
  who review them in the cycle and, in groups, by the group's observer director and independent consultant;
- an outcome note is read by the lead and the chair while a draft, and once released by everyone who reads
  its session;
- the event's page is the lead's, and that of anyone who reads one of its sessions: it lists only those.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments.access import observed_group_ids, review_writer_authority_ids
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle
from peerchallenge.events.models import ChallengeEvent, EventSession, OutcomeNote
from peerchallenge.extensions import scalars_where_in
from peerchallenge.letters.models import Letter


def can_manage_event(user: User, cycle: Cycle) -> bool:
    """The region's leads and admins."""
    return can_manage_region(user, cycle.region)


def is_chair(user: User, session: EventSession) -> bool:
    return user.is_authenticated and session.chair_id is not None and session.chair_id == user.id


def can_run_session(user: User, session: EventSession) -> bool:
    """The lead, and the director the lead named to chair this session."""
    return can_manage_event(user, session.event.cycle) or is_chair(user, session)


def readable_session_ids(user: User, event: ChallengeEvent, sessions: Iterable[EventSession]) -> set[int]:
    """The sessions (of those given, with their groups' members loaded) the user may read; a fixed number
    of queries whatever the number of sessions."""
    sessions = list(sessions)
    if not user.is_authenticated:
        return set()
    if can_manage_event(user, event.cycle):
        return {session.id for session in sessions}
    own = user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)
    observed = observed_group_ids(user)
    reviewed = set(
        scalars_where_in(
            sa.select(Assignment.reviewed_id).where(
                Assignment.cycle_id == event.cycle_id, Assignment.state == AssignmentState.PUBLISHED
            ),
            Assignment.reviewer_id,
            review_writer_authority_ids(user),
        )
    )
    readable = set()
    for session in sessions:
        members = {authority.id for authority in session.authorities}
        if (
            session.chair_id == user.id
            or members & (own | reviewed)
            or (session.review_group_id is not None and session.review_group_id in observed)
        ):
            readable.add(session.id)
    return readable


def can_read_session(user: User, session: EventSession) -> bool:
    return session.id in readable_session_ids(user, session.event, [session])


def can_see_points(user: User, session: EventSession, letter: Letter | None) -> bool:
    """A letter's key lines of enquiry show on the agenda once the letter exists to those who run the
    session, and once it is released to everyone else (an authority reads its letter only then)."""
    if letter is None:
        return False
    return letter.is_released or can_run_session(user, session)


def can_read_outcome(user: User, note: OutcomeNote) -> bool:
    if can_run_session(user, note.session):
        return True
    return note.is_released and can_read_session(user, note.session)


def can_edit_outcome(user: User, note: OutcomeNote) -> bool:
    """The lead and the chair edit a note until it is released."""
    return not note.is_released and can_run_session(user, note.session)


def can_approve_outcome(user: User, note: OutcomeNote) -> bool:
    """Only the lead approves and releases."""
    return can_manage_event(user, note.cycle)
