"""Reading actions for pages: a letter's, a region's (filtered), and last year's beside this year's work."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.accounts.models import User
from peerchallenge.actions.models import FINISHED, Action, ActionStatus
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.queries import previous_cycle
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.regions.models import Authority
from peerchallenge.regions.queries import predecessors

LOADED = (
    selectinload(Action.letter).selectinload(Letter.authority),
    selectinload(Action.letter).selectinload(Letter.cycle),
    selectinload(Action.point),
)


def letter_actions(letter: Letter) -> list[Action]:
    """The letter's actions, soonest due first. Each action's letter is `letter` itself, found in the
    session by its key, so only the points they answer are loaded with them."""
    return list(
        db.session.scalars(
            sa.select(Action)
            .where(Action.letter_id == letter.id)
            .options(selectinload(Action.point))
            .order_by(Action.due_on, Action.id)
        )
    )


@dataclass(frozen=True)
class ActionFilters:
    """What the lead's list of the region's actions shows."""

    cycle_id: int | None = None
    authority_id: int | None = None
    status: ActionStatus | None = None
    overdue: bool = False


def region_actions(region_id: int, filters: ActionFilters, today: date) -> list[Action]:
    """The region's actions that pass the filters, by cycle (newest first), authority and due date.

    Overdue: due before today, neither done nor dropped.
    """
    query = (
        sa.select(Action)
        .join(Letter, Letter.id == Action.letter_id)
        .join(Cycle, Cycle.id == Letter.cycle_id)
        .join(Authority, Authority.id == Letter.authority_id)
        .where(Cycle.region_id == region_id)
    )
    if filters.cycle_id is not None:
        query = query.where(Letter.cycle_id == filters.cycle_id)
    if filters.authority_id is not None:
        query = query.where(Letter.authority_id == filters.authority_id)
    if filters.status is not None:
        query = query.where(Action.status == filters.status)
    if filters.overdue:
        query = query.where(Action.due_on < today, Action.status.not_in(FINISHED))
    query = query.order_by(Cycle.opens_on.desc(), Authority.name, Action.due_on, Action.id)
    return list(db.session.scalars(query.options(*LOADED)))


@dataclass(frozen=True)
class StatusChange:
    """One line of an action's history: who changed its status, when, from what (None: created) to what."""

    by: User
    at: datetime
    before: ActionStatus | None
    after: ActionStatus


def history(action: Action) -> list[StatusChange]:
    """The action's status changes, oldest first; the first is its creation."""
    changes = action.changes
    befores: Sequence[ActionStatus | None] = [None, *(change.status for change in changes)]
    return [
        StatusChange(change.changed_by, change.changed_at, before, change.status)
        for change, before in zip(changes, befores, strict=False)
    ]


# The template section in which an authority writes about last year: its title starts with these words.
PROGRESS_TITLE = "Progress since last year"


def is_progress_section(title: str) -> bool:
    return title.strip().lower().startswith(PROGRESS_TITLE.lower())


@dataclass
class LastYear:
    """The region's previous cycle, and the letters to an authority (and to those it carries on from) that
    were released in it, with their actions."""

    cycle: Cycle
    letters: list[Letter]
    actions: list[Action]

    def actions_of(self, letter: Letter) -> list[Action]:
        return [action for action in self.actions if action.letter_id == letter.id]


def last_year(cycle: Cycle, authority: Authority) -> LastYear | None:
    """Last year's letters and actions of the authority and its predecessors, or None without a previous
    cycle."""
    previous = previous_cycle(cycle)
    if previous is None:
        return None
    ids = [authority.id, *(before.id for before in predecessors(authority))]
    letters = list(
        db.session.scalars(
            sa.select(Letter)
            .where(
                Letter.cycle_id == previous.id,
                Letter.authority_id.in_(ids),
                Letter.state == LetterState.RELEASED,
            )
            .options(selectinload(Letter.authority))
            .order_by(Letter.id)
        )
    )
    actions = (
        list(
            db.session.scalars(
                sa.select(Action)
                .where(Action.letter_id.in_([letter.id for letter in letters]))
                # Their letters (and those letters' cycle) are in the session already.
                .options(selectinload(Action.point))
                .order_by(Action.due_on, Action.id)
            )
        )
        if letters
        else []
    )
    return LastYear(previous, letters, actions)
