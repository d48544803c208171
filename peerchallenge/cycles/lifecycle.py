"""The cycle's life: moving it on (draft, open, reviewing, consolidating, released, closed) and back a step.

A cycle with moderation on passes through moderation between open and reviewing (`MODERATED_FORWARD` and
`MODERATED_BACK` replace the moves either side of it).

Each move checks the state, records an audit event and queues the emails it implies. What holds a move is said
in words by `holding`: most holds only warn (the lead may move on with a late authority and says so on the
confirmation page); a hold that would leave the data broken blocks the move (`blocking`).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from peerchallenge.accounts.models import Role, User
from peerchallenge.accounts.queries import authority_users
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.services import record_about
from peerchallenge.cycles import services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import uk_date
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from peerchallenge.moderation.services import signed_off_ids, tell_moderators
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.models import Submission, SubmissionState
from peerchallenge.themes.services import tag_on_close


@dataclass(frozen=True)
class Move:
    """A move of the cycle from one state to the next (or back one), with what it changes in words."""

    to: CycleState
    button: str  # the button on the cycle page
    changes: tuple[str, ...]  # what will change, for the confirmation page
    emails: str  # who is emailed


FORWARD = {
    CycleState.OPEN: Move(
        CycleState.REVIEWING,
        "Start reviews",
        (
            "Authorities can no longer upload or sign off their self-assessments, unless you reopen one.",
            "Peers can write and submit their reviews.",
        ),
        "The directors of every reviewing authority are emailed that their reviews are open.",
    ),
    CycleState.REVIEWING: Move(
        CycleState.CONSOLIDATING,
        "Start consolidating letters",
        (
            "Self-assessments reopened late can no longer be changed.",
            "You can approve and release letters. Peers can still finish and submit their reviews.",
        ),
        "Nobody is emailed.",
    ),
    CycleState.CONSOLIDATING: Move(
        CycleState.RELEASED,
        "Mark letters as released",
        (
            "The cycle shows as letters released. You can still approve and release the remaining letters.",
            "Reviews can no longer be written, submitted or reopened.",
        ),
        "Nobody else is emailed: each authority's people were emailed when its letter was released.",
    ),
    CycleState.RELEASED: Move(
        CycleState.CLOSED,
        "Close the cycle",
        (
            "Self-assessments, reviews and letters become read-only.",
            "Everyone who could read them can still read them.",
            "Letters not released by then stay unreleased.",
        ),
        "Nobody is emailed.",
    ),
}

# With moderation on, the cycle goes open -> moderation -> reviewing, and back the same way.
MODERATED_FORWARD = {
    CycleState.OPEN: Move(
        CycleState.MODERATION,
        "Start moderation",
        (
            "Authorities can no longer upload or sign off their self-assessments, unless you reopen one.",
            "Moderators can read the self-assessments allocated to them and write and submit their comments.",
            "Peers cannot read the self-assessments or write reviews yet.",
        ),
        "Every moderator with a published allocation is emailed which self-assessments to moderate.",
    ),
    CycleState.MODERATION: Move(
        CycleState.REVIEWING,
        "Start reviews",
        (
            "Moderators can no longer change or submit their comments.",
            "Peers can read the self-assessments, with the moderators' submitted comments beside them, and "
            "write and submit their reviews.",
        ),
        "The directors of every reviewing authority are emailed that their reviews are open.",
    ),
}
MODERATED_BACK = {
    CycleState.MODERATION: Move(
        CycleState.OPEN,
        "Reopen for submissions",
        (
            "Authorities can upload and sign off their self-assessments again.",
            "Moderators cannot change their comments until you start moderation again.",
        ),
        "Nobody is emailed.",
    ),
    CycleState.REVIEWING: Move(
        CycleState.MODERATION,
        "Back to moderation",
        (
            "Peers can no longer read the self-assessments or change their reviews until you start reviews "
            "again.",
            "Moderators who have not submitted can write and submit their comments again.",
        ),
        "Nobody is emailed.",
    ),
}

BACK = {
    CycleState.REVIEWING: Move(
        CycleState.OPEN,
        "Reopen for submissions",
        (
            "Authorities can upload and sign off their self-assessments again.",
            "Peers cannot change their reviews until you start reviews again.",
        ),
        "Nobody is emailed.",
    ),
    CycleState.CONSOLIDATING: Move(
        CycleState.REVIEWING,
        "Back to reviewing",
        (
            "Letters can no longer be approved or released until you start consolidating again.",
            "Self-assessments you reopen late can be changed again.",
        ),
        "Nobody is emailed.",
    ),
    CycleState.RELEASED: Move(
        CycleState.CONSOLIDATING,
        "Back to consolidating",
        ("Peers can submit and reopen reviews again. Letters already released stay released.",),
        "Nobody is emailed.",
    ),
    CycleState.CLOSED: Move(
        CycleState.RELEASED,
        "Reopen the cycle",
        ("Letters can be approved and released again.", "Self-assessments and reviews stay read-only."),
        "Nobody is emailed.",
    ),
}


def next_move(cycle: Cycle) -> Move | None:
    """The move on from the cycle's state (opening a draft is `services.open_cycle`, on its own page)."""
    if cycle.moderation and cycle.state in MODERATED_FORWARD:
        return MODERATED_FORWARD[cycle.state]
    return FORWARD.get(cycle.state)


def back_move(cycle: Cycle) -> Move | None:
    if cycle.moderation and cycle.state in MODERATED_BACK:
        return MODERATED_BACK[cycle.state]
    return BACK.get(cycle.state)


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _counted(number: int, thing: str, what: str) -> list[str]:
    """'2 reviews not submitted' as a list of one, or nothing when the number is 0."""
    return [f"{number} {thing}{'' if number == 1 else 's'} {what}"] if number else []


def _reviewed_ids(cycle: Cycle) -> sa.Select:
    return sa.select(Assignment.reviewed_id).where(
        Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
    )


def _published(cycle: Cycle) -> sa.Select:
    return sa.select(Assignment.id).where(
        Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
    )


def _not_signed_off(cycle: Cycle) -> int:
    authorities = sa.select(Authority.id).where(Authority.region_id == cycle.region_id)
    signed_off = sa.select(Submission.authority_id).where(
        Submission.cycle_id == cycle.id, Submission.state == SubmissionState.SIGNED_OFF
    )
    return _count(authorities.where(Authority.id.not_in(signed_off)))


def _reviews_not_submitted(cycle: Cycle) -> int:
    submitted = sa.select(Review.assignment_id).where(Review.state == ReviewState.SUBMITTED)
    return _count(_published(cycle).where(Assignment.id.not_in(submitted)))


def _letters_not_in(cycle: Cycle, *states: LetterState) -> int:
    done = sa.select(Letter.authority_id).where(Letter.cycle_id == cycle.id, Letter.state.in_(states))
    return _count(_reviewed_ids(cycle).distinct().where(Assignment.reviewed_id.not_in(done)))


def _reopened_not_signed_off(cycle: Cycle) -> int:
    return _count(
        sa.select(Submission.id).where(
            Submission.cycle_id == cycle.id,
            Submission.reopened_late,
            Submission.state != SubmissionState.SIGNED_OFF,
        )
    )


def not_moderated(cycle: Cycle) -> int:
    """Signed-off self-assessments without a published moderator, or with one who has not submitted."""
    published = sa.select(ModerationAssignment.authority_id).where(
        ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == AllocationState.PUBLISHED
    )
    unfinished = published.where(ModerationAssignment.progress != ModerationProgress.DONE)
    return _count(
        signed_off_ids(cycle).where(
            sa.or_(Submission.authority_id.not_in(published), Submission.authority_id.in_(unfinished))
        )
    )


def blocking(cycle: Cycle) -> list[str]:
    """What stops the next move outright, because moving would leave the data broken."""
    if cycle.state == CycleState.OPEN and not _count(_published(cycle)):
        # Moderators are allocated away from each self-assessment's reviewers, so these come first too.
        starts = "moderation starts" if cycle.moderation else "reviews start"
        return [f"The reviewers are not published: publish who reviews whom before {starts}"]
    return []


def holding(cycle: Cycle) -> list[str]:
    """What holds the next move, in words; the lead may still move on (see `blocking` for what may not)."""
    held = list(blocking(cycle))
    if cycle.state == CycleState.OPEN:
        held += _counted(_not_signed_off(cycle), "self-assessment", "not signed off")
    if cycle.state == CycleState.MODERATION:
        held += _counted(not_moderated(cycle), "self-assessment", "not moderated")
        held += _counted(_reopened_not_signed_off(cycle), "reopened self-assessment", "not signed off")
    if cycle.state in (CycleState.REVIEWING, CycleState.CONSOLIDATING):
        held += _counted(_reviews_not_submitted(cycle), "review", "not submitted")
    if cycle.state == CycleState.REVIEWING:
        held += _counted(_reopened_not_signed_off(cycle), "reopened self-assessment", "not signed off")
    if cycle.state == CycleState.CONSOLIDATING:
        approved = _letters_not_in(cycle, LetterState.APPROVED, LetterState.RELEASED)
        held += _counted(approved, "letter", "not approved")
    if cycle.state == CycleState.RELEASED:
        held += _counted(_letters_not_in(cycle, LetterState.RELEASED), "letter", "not released")
    return held


def _check(cycle: Cycle, expected: CycleState) -> None:
    lock_for_update(cycle)
    if cycle.state != expected:
        raise ServiceError(f"This cycle is now {cycle.state.label.lower()}: reload the page and check again.")


def move_on(actor: User, cycle: Cycle, expected: CycleState) -> CycleState:
    """Move the cycle on one state from `expected` (the state the lead saw); the state it is now in."""
    if expected == CycleState.DRAFT:
        services.open_cycle(actor, cycle)
        return cycle.state
    _check(cycle, expected)
    move = next_move(cycle)
    if move is None:
        raise ServiceError("This cycle cannot move on from here.")
    if blocked := blocking(cycle):
        raise ServiceError(blocked[0])
    held = holding(cycle)
    before = cycle.state
    cycle.state = move.to
    record_about(
        "cycle_moved",
        f"Cycle '{cycle.title}' moved from {before.label.lower()} to {move.to.label.lower()}",
        actor,
        cycle,
        before=before.value,
        after=move.to.value,
        holding=held,
    )
    if move.to == CycleState.MODERATION:
        tell_moderators(cycle)
    if move.to == CycleState.REVIEWING:
        _tell_reviewers(cycle)
    if move.to == CycleState.CLOSED:
        tag_on_close(actor, cycle)
    return cycle.state


def move_back(actor: User, cycle: Cycle, expected: CycleState) -> CycleState:
    """Move the cycle back one state from `expected`, e.g. to let a late authority submit."""
    _check(cycle, expected)
    move = back_move(cycle)
    if move is None:
        raise ServiceError("This cycle cannot move back from here.")
    if cycle.is_closed:
        services.check_no_other_active(cycle, "reopening")
    before = cycle.state
    cycle.state = move.to
    record_about(
        "cycle_moved_back",
        f"Cycle '{cycle.title}' moved back from {before.label.lower()} to {move.to.label.lower()}",
        actor,
        cycle,
        before=before.value,
        after=move.to.value,
    )
    return cycle.state


def _tell_reviewers(cycle: Cycle) -> None:
    """Email the directors of every authority reviewing in this cycle that their reviews are open."""
    reviewer_ids = db.session.scalars(
        sa.select(Assignment.reviewer_id)
        .where(Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED)
        .distinct()
    ).all()
    for authority_id in sorted(reviewer_ids):
        for director in authority_users(authority_id, Role.DIRECTOR):
            queue_email(
                director,
                "reviews_open",
                f"{cycle.title}: your peer reviews are open",
                f"Dear {director.how_to_address},\n\nYour authority's peer reviews are open. Please "
                f"submit them by {uk_date(cycle.reviews_due_on)}. Your tasks are at\n"
                f"{public_url('core.home')}\n",
                region_id=cycle.region_id,
            )
