"""The regional lead's own tasks, for the home page: letters to approve and release, and what is overdue.

- approve a letter: composed, and every review of its authority is in (a reopened review holds it back);
- release a letter: approved, not released;
- approve and release a challenge event's outcome note (a draft, or approved and not released; no deadline:
  the cycle sets none for them);
- a self-assessment not uploaded or not signed off once its due date has passed (chase its authority);
- a review overdue whose self-assessment is signed off (chase its reviewer; one waiting for a sign-off is the
  sign-off's delay, which is listed itself).

Each is due on the cycle's date for it and links to the page where the lead acts. Only cycles under way count.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle
from peerchallenge.events.queries import notes_waiting_for_approval
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.monitoring.reminders import most_urgent_first
from peerchallenge.monitoring.tasks import Task, TaskKind, cycle_tasks, open_cycles, possessive
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review, ReviewState

# What others owe that the lead chases once it is overdue.
_CHASED = (TaskKind.UPLOAD, TaskKind.SIGN_OFF, TaskKind.REVIEW)


def lead_tasks(user: User, today: date, cycles: Sequence[Cycle] | None = None) -> list[Task]:
    """The lead's tasks in the cycles under way of the regions they lead, most urgent first.

    `cycles`: those regions' cycles under way, when the caller has them already.
    """
    region_ids = user.lead_region_ids()
    if not region_ids or not user.is_active:
        return []
    if cycles is None:
        cycles = open_cycles(region_ids)
    if not cycles:
        return []
    tasks = _letter_tasks(cycles) + _outcome_tasks(cycles)
    for task in cycle_tasks(cycles):
        overdue = task.due_on is not None and task.due_on < today
        if task.kind in _CHASED and overdue and not task.waiting_for:
            # The lead reads what is owed ("Beta has not signed off its self-assessment") and opens it.
            tasks.append(replace(task, title=task.lead_title, user_ids=frozenset({user.id})))
    return sorted(tasks, key=lambda task: most_urgent_first(task.due_on, task.title))


def _letter_tasks(cycles: Sequence[Cycle]) -> list[Task]:
    """Letters to approve (composed, every review in) and to release (approved). One query."""
    by_id = {cycle.id: cycle for cycle in cycles}
    review_missing = (
        sa.select(Assignment.id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.cycle_id == Letter.cycle_id,
            Assignment.reviewed_id == Letter.authority_id,
            Assignment.state == AssignmentState.PUBLISHED,
            sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED),
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(Letter.id, Letter.cycle_id, Letter.state, Authority.id, Authority.name)
        .join(Authority, Authority.id == Letter.authority_id)
        .where(
            Letter.cycle_id.in_(by_id),
            sa.or_(
                sa.and_(Letter.state == LetterState.COMPOSED, ~review_missing),
                Letter.state == LetterState.APPROVED,
            ),
        )
        .order_by(Authority.name, Letter.id)
    )
    tasks = []
    for letter_id, cycle_id, state, authority_id, name in rows:
        cycle = by_id[cycle_id]
        approve = state == LetterState.COMPOSED
        title = f"{'Approve' if approve else 'Release'} {possessive(name)} challenge letter"
        tasks.append(
            Task(
                key=f"c{cycle_id}:{'approve' if approve else 'release'}:l{letter_id}",
                kind=TaskKind.APPROVE_LETTER if approve else TaskKind.RELEASE_LETTER,
                title=title,
                lead_title=title,
                cycle_id=cycle_id,
                region_id=cycle.region_id,
                authority_id=authority_id,
                due_on=cycle.letters_due_on,
                endpoint="letters.letter" if approve else "letters.release",
                url_args=(("letter_id", letter_id),),
            )
        )
    return tasks


def _outcome_tasks(cycles: Sequence[Cycle]) -> list[Task]:
    """Outcome notes of the challenge events to approve (drafts) and to release (approved)."""
    by_id = {cycle.id: cycle for cycle in cycles}
    tasks = []
    for note, cycle_id in notes_waiting_for_approval(list(by_id)):
        approve = note.is_draft
        verb = "Approve" if approve else "Release"
        title = f"{verb} {possessive(note.authority.name)} challenge event outcome note"
        tasks.append(
            Task(
                key=f"c{cycle_id}:{'approve' if approve else 'release'}:o{note.id}",
                kind=TaskKind.APPROVE_OUTCOME if approve else TaskKind.RELEASE_OUTCOME,
                title=title,
                lead_title=title,
                cycle_id=cycle_id,
                region_id=by_id[cycle_id].region_id,
                authority_id=note.authority_id,
                due_on=None,
                endpoint="events.outcome_note" if approve else "events.release_outcome",
                url_args=(("note_id", note.id),),
            )
        )
    return tasks
