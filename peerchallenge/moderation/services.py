"""Moderation's changes: allocate moderators, publish the allocation, tell them, save and submit comments."""

import sqlalchemy as sa

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.accounts.queries import authority_users
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.dates import uk_date
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.moderation.allocation import AllocationImpossible, allocate
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from peerchallenge.regions.models import Authority
from peerchallenge.sanitise import plain_text, render_markdown
from peerchallenge.submissions.models import Submission, SubmissionState
from peerchallenge.text_limits import shape_problem

# A comment is a few paragraphs; a long one is about a page.
MAX_COMMENT = 10_000
COMMENTS = (
    ("evidence_comment", "evidence_html", "The comment on evidence", "evidence"),
    ("data_comment", "data_html", "The comment on data accuracy", "data"),
)
ALLOCATING_STATES = (CycleState.OPEN, CycleState.MODERATION)


def moderators_of_region(region_id: int) -> dict[int, int]:
    """The region's active moderators: user id -> the authority they work for (the first, if several)."""
    rows = db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.authority_id)
        .join(User, User.id == RoleGrant.user_id)
        .join(Authority, Authority.id == RoleGrant.authority_id)
        .where(Authority.region_id == region_id, RoleGrant.role == Role.MODERATOR, User.active.is_(True))
        .order_by(RoleGrant.id)
    )
    found: dict[int, int] = {}
    for user_id, authority_id in rows:
        if authority_id is not None:  # always, for a moderator's grant
            found.setdefault(user_id, authority_id)
    return found


def _published_reviews(cycle: Cycle) -> list[tuple[int, int]]:
    rows = db.session.execute(
        sa.select(Assignment.reviewer_id, Assignment.reviewed_id).where(
            Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
        )
    )
    return [(reviewer_id, reviewed_id) for reviewer_id, reviewed_id in rows]


def _rows(cycle: Cycle, state: AllocationState) -> list[ModerationAssignment]:
    return list(
        db.session.scalars(
            sa.select(ModerationAssignment).where(
                ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == state
            )
        )
    )


def signed_off_ids(cycle: Cycle) -> sa.Select:
    """The authorities whose self-assessment in the cycle is signed off."""
    return sa.select(Submission.authority_id).where(
        Submission.cycle_id == cycle.id, Submission.state == SubmissionState.SIGNED_OFF
    )


def to_allocate(cycle: Cycle) -> list[int]:
    """The authorities with a signed-off self-assessment and no published moderators yet."""
    published = sa.select(ModerationAssignment.authority_id).where(
        ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == AllocationState.PUBLISHED
    )
    return list(db.session.scalars(signed_off_ids(cycle).where(Submission.authority_id.not_in(published))))


def _check_allocating(cycle: Cycle) -> None:
    check_not_closed(cycle, "its moderation is read-only")
    if not cycle.moderation:
        raise ServiceError("This cycle has no moderation. Turn it on in the cycle's details before it opens.")
    if cycle.state not in ALLOCATING_STATES:
        raise ServiceError("Moderators are allocated while the cycle is open or in moderation.")


def generate(actor: User, cycle: Cycle) -> list[ModerationAssignment]:
    """A new proposal, in place of the last: moderators for each signed-off self-assessment not allocated."""
    lock_for_update(cycle)
    _check_allocating(cycle)
    reviews = _published_reviews(cycle)
    if not reviews:
        raise ServiceError(
            "Publish who reviews whom first: a moderator may not come from a reviewing authority."
        )
    authority_ids = to_allocate(cycle)
    if not authority_ids:
        raise ServiceError(
            "Every signed-off self-assessment has its moderators. Nothing is left to allocate."
        )
    moderators = moderators_of_region(cycle.region_id)
    if not moderators:
        raise ServiceError(
            "The region has no moderators. Add them on the Users page, with the role Moderator."
        )
    cycle.moderation_seed += 1
    try:
        allocation = allocate(
            authority_ids, moderators, reviews, cycle.moderators_per_submission, cycle.moderation_seed
        )
    except AllocationImpossible as impossible:
        name = db.session.get(Authority, impossible.authority_id).name  # type: ignore[union-attr]
        have = (
            "no moderator"
            if impossible.eligible == 0
            else f"only {impossible.eligible} moderator" + ("" if impossible.eligible == 1 else "s")
        )
        raise ServiceError(
            f"{name} cannot be given {impossible.needed} moderator{'s' if impossible.needed > 1 else ''}: "
            f"{have} work{'s' if impossible.eligible == 1 else ''} for an authority that neither is "
            f"{name} nor reviews it. Add moderators from other authorities."
        ) from None
    for row in _rows(cycle, AllocationState.PROPOSED):
        db.session.delete(row)
    db.session.flush()
    created = []
    for authority_id, chosen in allocation.moderators.items():
        for moderator_id in chosen:
            row = ModerationAssignment(
                cycle=cycle,
                authority_id=authority_id,
                moderator_id=moderator_id,
                moderator_authority_id=moderators[moderator_id],
                state=AllocationState.PROPOSED,
            )
            db.session.add(row)
            created.append(row)
    db.session.flush()
    record_about(
        "moderation_generated",
        f"Moderators were proposed for {len(allocation.moderators)} self-assessments of '{cycle.title}'",
        actor,
        cycle,
        seed=cycle.moderation_seed,
    )
    return created


def publish(actor: User, cycle: Cycle) -> int:
    """Publish the proposed allocation; moderators are emailed now if the cycle is already in moderation."""
    lock_for_update(cycle)
    _check_allocating(cycle)
    proposed = _rows(cycle, AllocationState.PROPOSED)
    if not proposed:
        raise ServiceError("There is no proposal to publish. Generate one first.")
    signed_off = set(db.session.scalars(signed_off_ids(cycle)))
    if any(row.authority_id not in signed_off for row in proposed):
        raise ServiceError(
            "A self-assessment in the proposal was reopened since. Generate the proposal again."
        )
    for row in proposed:
        row.state = AllocationState.PUBLISHED
    db.session.flush()
    record_about(
        "moderation_published",
        f"Moderators were published for {len({row.authority_id for row in proposed})} self-assessments "
        f"of '{cycle.title}'",
        actor,
        cycle,
    )
    if cycle.in_moderation:
        tell_moderators(cycle, proposed)
    return len(proposed)


def tell_moderators(cycle: Cycle, rows: list[ModerationAssignment] | None = None) -> None:
    """Email each moderator (of `rows`, or of every published allocation not done) what to moderate."""
    if rows is None:
        rows = [row for row in _rows(cycle, AllocationState.PUBLISHED) if not row.is_done]
    by_moderator: dict[int, list[ModerationAssignment]] = {}
    for row in rows:
        by_moderator.setdefault(row.moderator_id, []).append(row)
    for moderator_id in sorted(by_moderator):
        moderator = db.session.get(User, moderator_id)
        if moderator is None or not moderator.active:
            continue
        names = sorted(row.authority.name for row in by_moderator[moderator_id])
        due = f" by {uk_date(cycle.moderation_due_on)}" if cycle.moderation_due_on else ""
        queue_email(
            moderator,
            "moderation_open",
            f"{cycle.title}: self-assessments to moderate",
            f"Dear {moderator.how_to_address},\n\nPlease moderate these self-assessments{due}: "
            + "; ".join(names)
            + ".\nComment on the evidence they give and the accuracy of their data. Your tasks are at\n"
            f"{public_url('moderation.my_moderation')}\n",
            region_id=cycle.region_id,
        )


def closed_reason(row: ModerationAssignment) -> str | None:
    """Why the comments cannot be changed or submitted now, or None while they can."""
    cycle = row.cycle
    if cycle.is_closed:
        return "This cycle is closed: its moderation is read-only."
    if row.is_done:
        return "These comments have been submitted, so they can no longer be changed."
    if cycle.state in (CycleState.DRAFT, CycleState.OPEN):
        return "Moderation has not started yet. Your regional lead starts it once self-assessments are in."
    if cycle.state != CycleState.MODERATION:
        return "Moderation has finished: reviews have started."
    return None


def _check_writable(actor: User, row: ModerationAssignment) -> None:
    if not row.is_published or row.moderator_id != actor.id:
        raise ServiceError("You are not a moderator of this self-assessment.")
    if reason := closed_reason(row):
        raise ServiceError(reason)


def save_comments(
    actor: User, row: ModerationAssignment, *, evidence: str, data: str, base_version: int
) -> int:
    """Save the moderator's two comments as typed (rendered once); the version they are saved as."""
    lock_for_update(row)
    _check_writable(actor, row)
    if base_version != row.version:
        raise EditConflict(
            "These comments were saved in another tab or window after you opened this page. Nothing "
            "you typed has been lost: it is in the form below. Compare it with the saved comments, then "
            "save again."
        )
    for (field, html_field, what, _), typed in zip(COMMENTS, (evidence, data), strict=True):
        text = plain_text(typed).strip()
        if len(text) > MAX_COMMENT:
            raise ServiceError(f"{what} must be {MAX_COMMENT:,} characters or fewer", field=field)
        if problem := shape_problem(text, what, "a comment", max_characters=MAX_COMMENT):
            raise ServiceError(problem, field=field)
        if text != getattr(row, field):
            setattr(row, field, text)
            setattr(row, html_field, str(render_markdown(text)))  # once, here: pages show the stored HTML
    row.version += 1
    row.updated_at = utcnow()
    row.progress = ModerationProgress.IN_PROGRESS
    record_about(
        "moderation_saved",
        f"{actor.name} saved moderation comments on {row.authority.name}'s self-assessment",
        actor,
        row,
        version=row.version,
    )
    return row.version


def submit_comments(actor: User, row: ModerationAssignment) -> None:
    """Submit the saved comments: the author sees them now, and the peers once reviews start."""
    lock_for_update(row)
    _check_writable(actor, row)
    missing = [what for field, _, what, _ in COMMENTS if not getattr(row, field).strip()]
    if missing:
        raise ServiceError(f"{missing[0]} is empty. Write it and save before you submit.")
    row.progress = ModerationProgress.DONE
    row.submitted_at = utcnow()
    record_about(
        "moderation_submitted",
        f"{actor.name} submitted moderation comments on {row.authority.name}'s self-assessment",
        actor,
        row,
    )
    cycle = row.cycle
    for director in authority_users(row.authority_id, Role.DIRECTOR):
        queue_email(
            director,
            "moderation_submitted",
            f"{cycle.title}: moderation comments on your self-assessment",
            f"Dear {director.how_to_address},\n\nA moderator has commented on your authority's "
            "self-assessment. The comments are on its page, and your peers will see them beside it:\n"
            f"{public_url('submissions.view', cycle_id=cycle.id, authority_id=row.authority_id)}\n",
            region_id=cycle.region_id,
        )
