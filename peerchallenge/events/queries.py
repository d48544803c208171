"""Reads the event's pages need, each in a fixed number of queries whatever the number of sessions."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.accounts.models import User
from peerchallenge.assignments.models import ReviewGroup
from peerchallenge.cycles.models import ACTIVE_STATES, Cycle
from peerchallenge.events.models import (
    AgreedAction,
    ChallengeEvent,
    EventSession,
    OutcomeNote,
    OutcomeState,
    SessionNote,
)
from peerchallenge.extensions import db, scalars_where_in
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter, LetterPoint
from peerchallenge.regions.models import Authority

SESSION_LOADS = (
    selectinload(EventSession.authority),
    selectinload(EventSession.review_group).selectinload(ReviewGroup.members),
    selectinload(EventSession.chair),
)


def event_for(cycle: Cycle) -> ChallengeEvent | None:
    return db.session.scalar(sa.select(ChallengeEvent).where(ChallengeEvent.cycle_id == cycle.id))


def sessions_of(event: ChallengeEvent) -> list[EventSession]:
    """The event's sessions in time order, with their authority or group (and its members) and chair."""
    return list(
        db.session.scalars(
            sa.select(EventSession)
            .where(EventSession.event_id == event.id)
            .options(*SESSION_LOADS, selectinload(EventSession.outcome_notes))
            .order_by(EventSession.starts_at, EventSession.position)
        )
    )


@dataclass
class AgendaItem:
    """One authority's part of a session: its letter (if composed) and the letter's key lines of enquiry."""

    authority: Authority
    letter: Letter | None
    points: list[LetterPoint] = field(default_factory=list)

    @property
    def has_letter(self) -> bool:
        return self.letter is not None


def agenda(session: EventSession) -> list[AgendaItem]:
    """Each authority of the session with its letter's key lines of enquiry, in the letter's order."""
    authorities = session.authorities
    letters = {
        letter.authority_id: letter
        for letter in scalars_where_in(
            sa.select(Letter)
            .where(Letter.cycle_id == session.event.cycle_id)
            .options(selectinload(Letter.points)),
            Letter.authority_id,
            [authority.id for authority in authorities],
        )
    }
    items = []
    for authority in authorities:
        letter = letters.get(authority.id)
        points = [point for point in letter.points if point.kind == PointKind.ENQUIRY] if letter else []
        items.append(AgendaItem(authority, letter, points))
    return items


def notes_by_point(session: EventSession) -> dict[int, SessionNote]:
    return {
        note.point_id: note
        for note in db.session.scalars(
            sa.select(SessionNote)
            .where(SessionNote.session_id == session.id)
            .options(selectinload(SessionNote.updated_by))
        )
    }


def agreed_actions(session: EventSession) -> list[AgreedAction]:
    return list(
        db.session.scalars(
            sa.select(AgreedAction)
            .where(AgreedAction.session_id == session.id)
            .options(selectinload(AgreedAction.authority), selectinload(AgreedAction.point))
            .order_by(AgreedAction.id)
        )
    )


def notes_waiting_for_approval(cycle_ids: list[int]) -> list[tuple[OutcomeNote, int]]:
    """Draft outcome notes of these cycles, with their cycle's id, by authority (the lead's tasks)."""
    rows = scalars_where_in(
        sa.select(OutcomeNote)
        .join(EventSession, EventSession.id == OutcomeNote.session_id)
        .join(ChallengeEvent, ChallengeEvent.id == EventSession.event_id)
        .where(OutcomeNote.state.in_([OutcomeState.DRAFT, OutcomeState.APPROVED]))
        .options(
            selectinload(OutcomeNote.authority),
            selectinload(OutcomeNote.session).selectinload(EventSession.event),
        )
        .order_by(OutcomeNote.id),
        ChallengeEvent.cycle_id,
        cycle_ids,
    )
    return [(note, note.session.event.cycle_id) for note in rows]


def current_events(user: User) -> list[ChallengeEvent]:
    """The events of the cycles under way in the regions the user leads or belongs to (by an authority or a
    peer group), newest first, with their sessions loaded: one per region at the most."""
    region_ids = user.lead_region_ids() | {
        grant.region_id for grant in user.grants if grant.review_group_id is not None and grant.region_id
    }
    authority_regions = sa.select(Authority.region_id).where(Authority.id.in_(user.authority_ids()))
    return list(
        db.session.scalars(
            sa.select(ChallengeEvent)
            .join(Cycle, Cycle.id == ChallengeEvent.cycle_id)
            .where(
                Cycle.state.in_(ACTIVE_STATES),
                sa.or_(Cycle.region_id.in_(region_ids), Cycle.region_id.in_(authority_regions)),
            )
            .options(
                selectinload(ChallengeEvent.cycle),
                selectinload(ChallengeEvent.sessions).options(*SESSION_LOADS),
            )
            .order_by(Cycle.opens_on.desc())
        )
    )
