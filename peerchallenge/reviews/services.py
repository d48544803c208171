"""Review transitions: save a draft, submit, reopen. Each save checks the version it started from."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from peerchallenge.accounts.models import User
from peerchallenge.accounts.queries import region_leads
from peerchallenge.assignments.models import Assignment
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.services import compose_when_complete, mark_review_reopened
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.reviews import content as review_content
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.queries import find_submission


def template_parts(cycle: Cycle) -> list[tuple[int, str]]:
    return [(section.id, section.title) for section in cycle.sections]


def scales(cycle: Cycle) -> list[review_content.Scale]:
    return [
        review_content.Scale(scale.key, scale.name, tuple(level.position for level in scale.levels))
        for scale in cycle.scales
    ]


def find_review(assignment: Assignment) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.assignment_id == assignment.id))


class ReviewChanged(EditConflict):
    """Someone saved the review after this page was opened; nothing was saved."""

    def __init__(self, current: Review | None):
        who = current.updated_by.name if current is not None else "someone else"
        super().__init__(
            f"This review was changed by {who} after you opened it. "
            "Nothing you typed has been lost: it is in the form below. "
            "Compare it with theirs, then save again."
        )
        self.current = current


class NotSignedOff(ServiceError):
    """The self-assessment under review has not been signed off, so the review cannot start."""


def not_ready_reason(assignment: Assignment) -> str | None:
    """Why the review can't be written yet, or None: peers review only what the authority's DCS signed off."""
    submission = find_submission(assignment.cycle, assignment.reviewed)
    if submission is None or not submission.is_signed_off:
        return f"{assignment.reviewed.name}'s self-assessment has not been signed off yet."
    return None


def check_ready_for_review(assignment: Assignment) -> None:
    """Refuse unless the reviewed self-assessment is signed off."""
    reason = not_ready_reason(assignment)
    if reason:
        raise NotSignedOff(reason)


def save_draft(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """Save the form as it is, complete or not; refused before sign-off, after submission or on a conflict."""
    check_ready_for_review(assignment)
    review = find_review(assignment)
    if review is None:
        if base_version != 0:
            raise ServiceError("This review could not be found. Reload the page and try again.")
        review = Review(assignment=assignment, state=ReviewState.DRAFT, content=content, updated_by=actor)
        db.session.add(review)
    else:
        if review.is_submitted:
            raise ServiceError("This review has been submitted and can no longer be changed.")
        if review.version != base_version:
            raise ReviewChanged(review)
        review.content = content
        review.updated_by = actor
        review.updated_at = utcnow()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        # Two saves passed the version check at the same moment; the database let only one through.
        raise ReviewChanged(None) from error
    record_about(
        "review_saved",
        f"{assignment.reviewer.name}'s review of {assignment.reviewed.name} was saved",
        actor,
        assignment,
        version=review.version,
    )
    return review


def submit(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """Save and submit: every rating is required; after this the review is read-only."""
    # The reviews of one authority are submitted one at a time, so the last one sees all the others
    # and composes the letter exactly once.
    submission = find_submission(assignment.cycle, assignment.reviewed)
    if submission is not None:
        lock_for_update(submission)
    missing = review_content.missing_ratings(
        content, template_parts(assignment.cycle), scales(assignment.cycle)
    )
    review = save_draft(actor, assignment, content, base_version)
    if missing:
        raise IncompleteReview(missing, review)
    review.state = ReviewState.SUBMITTED
    review.submitted_at = utcnow()
    review.submitted_by = actor
    db.session.flush()
    late = " (late)" if review.is_late else ""
    record_about(
        "review_submitted",
        f"{assignment.reviewer.name}'s review of {assignment.reviewed.name} was submitted{late}",
        actor,
        assignment,
        late=review.is_late,
    )
    for lead in region_leads(assignment.cycle.region_id):
        queue_email(
            lead,
            "review_submitted",
            f"{assignment.cycle.title}: review of {assignment.reviewed.name} submitted",
            f"Dear {lead.name},\n\n{assignment.reviewer.name} has submitted its review of "
            f"{assignment.reviewed.name}{late}:\n"
            f"{public_url('reviews.review_page', assignment_id=assignment.id)}\n",
            region_id=assignment.cycle.region_id,
        )
    compose_when_complete(actor, assignment.cycle, assignment.reviewed)
    return review


class IncompleteReview(ServiceError):
    """A submission without every rating; the draft was saved."""

    def __init__(self, missing: dict[str, list[str]], review: Review):
        super().__init__(
            "Your draft has been saved, but the review cannot be submitted until every rating is given."
        )
        self.missing = missing
        self.review = review


def reopen(actor: User, review: Review) -> None:
    """The lead reopens a submitted review so its reviewer can change it."""
    lock_for_update(review)
    if not review.is_submitted:
        raise ServiceError("This review is not submitted")
    mark_review_reopened(actor, review.assignment)
    review.state = ReviewState.DRAFT
    review.submitted_at = None
    review.submitted_by = None
    record_about(
        "review_reopened",
        f"The review of {review.assignment.reviewed.name} by {review.assignment.reviewer.name} was reopened",
        actor,
        review.assignment,
    )
