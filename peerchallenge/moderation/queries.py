"""Reading moderation for pages, in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from peerchallenge.status import Tag

_LOADED = (
    joinedload(ModerationAssignment.authority),
    joinedload(ModerationAssignment.moderator),
    joinedload(ModerationAssignment.moderator_authority),
    joinedload(ModerationAssignment.cycle),
)


def allocation(cycle: Cycle, state: AllocationState) -> list[ModerationAssignment]:
    """The cycle's allocation in this state, by moderated authority and moderator: one query."""
    query = (
        sa.select(ModerationAssignment)
        .options(*_LOADED)
        .where(ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == state)
    )
    rows = list(db.session.scalars(query))
    return sorted(rows, key=lambda row: (row.authority.name, row.moderator.name, row.id))


def moderation_of(user: User) -> list[ModerationAssignment]:
    """A moderator's published allocations, newest cycle first, then by authority: one query."""
    query = (
        sa.select(ModerationAssignment)
        .options(*_LOADED)
        .join(Cycle, Cycle.id == ModerationAssignment.cycle_id)
        .where(
            ModerationAssignment.moderator_id == user.id,
            ModerationAssignment.state == AllocationState.PUBLISHED,
        )
    )
    rows = list(db.session.scalars(query))
    return sorted(rows, key=lambda row: (-row.cycle.year, row.cycle.title, row.authority.name))


@dataclass(frozen=True)
class ShownComment:
    """A submitted moderation comment as the author and peers see it: who, and what they said."""

    who: str
    row: ModerationAssignment


def moderator_label(row: ModerationAssignment, number: int, *, named: bool) -> str:
    """'Sam Patel, Suffolk' (with their job title when they have one), or 'Moderator 1' in an anonymous cycle
    (as peers are Peer 1 and Peer 2)."""
    if named:
        job = f" ({row.moderator.job_title})" if row.moderator.job_title else ""
        return f"{row.moderator.name}{job}, {row.moderator_authority.name}"
    return f"Moderator {number}"


def submitted_comments(cycle: Cycle, authority_id: int, *, names: bool | None = None) -> list[ShownComment]:
    """The submitted comments on an authority's self-assessment, oldest first: one query.

    Named unless the cycle is anonymous (`names` overrides it: the lead always sees the names).
    """
    query = (
        sa.select(ModerationAssignment)
        .options(*_LOADED)
        .where(
            ModerationAssignment.cycle_id == cycle.id,
            ModerationAssignment.authority_id == authority_id,
            ModerationAssignment.state == AllocationState.PUBLISHED,
            ModerationAssignment.progress == ModerationProgress.DONE,
        )
        .order_by(ModerationAssignment.submitted_at, ModerationAssignment.id)
    )
    named = (not cycle.anonymous) if names is None else names
    return [
        ShownComment(moderator_label(row, number, named=named), row)
        for number, row in enumerate(db.session.scalars(query), start=1)
    ]


MODERATION_NOT_STARTED = Tag("Moderation not started", "grey")
MODERATION_IN_PROGRESS = Tag("Moderation in progress", "blue")
MODERATION_DONE = Tag("Moderation done", "green")
NOT_ALLOCATED = Tag("No moderator yet", "grey")


def progress_by_authority(cycle: Cycle, authority_ids: Iterable[int]) -> dict[int, Tag]:
    """For each authority, where its moderation stands, as a tag: one query.

    Done when every published moderator has submitted; in progress once any has saved or submitted.
    """
    counts: dict[int, list[ModerationProgress]] = {}
    for authority_id, progress in db.session.execute(
        sa.select(ModerationAssignment.authority_id, ModerationAssignment.progress).where(
            ModerationAssignment.cycle_id == cycle.id,
            ModerationAssignment.state == AllocationState.PUBLISHED,
        )
    ):
        counts.setdefault(authority_id, []).append(progress)
    tags = {}
    for authority_id in authority_ids:
        progresses = counts.get(authority_id)
        if not progresses:
            tags[authority_id] = NOT_ALLOCATED
        elif all(progress == ModerationProgress.DONE for progress in progresses):
            tags[authority_id] = MODERATION_DONE
        elif all(progress == ModerationProgress.NOT_STARTED for progress in progresses):
            tags[authority_id] = MODERATION_NOT_STARTED
        else:
            tags[authority_id] = MODERATION_IN_PROGRESS
    return tags
