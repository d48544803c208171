"""Who may write, read and reopen a review."""

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import User
from peerchallenge.assignments.access import (
    observes,
    review_submitter_authority_ids,
    review_writer_authority_ids,
)
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.extensions import db
from peerchallenge.reviews.models import Review, ReviewState


def can_write_review(user: User, assignment: Assignment) -> bool:
    return (
        assignment.state == AssignmentState.PUBLISHED
        and assignment.reviewer_id in review_writer_authority_ids(user)
    )


def can_submit_review(user: User, assignment: Assignment) -> bool:
    """The reviewing authority's director, or a delegate they let submit; other delegates mark it ready."""
    submitters = review_submitter_authority_ids(user)
    return can_write_review(user, assignment) and assignment.reviewer_id in submitters


def can_manage_reviews(user: User, assignment: Assignment) -> bool:
    return can_manage_region(user, assignment.cycle.region)


def can_read_group_review(user: User, assignment: Assignment, review: Review | None) -> bool:
    """A peer group's observer and consultant read its members' reviews of one another, once submitted."""
    return (
        assignment.state == AssignmentState.PUBLISHED
        and review is not None
        and review.is_submitted
        and observes(user, assignment.cycle, assignment.reviewer)
        and observes(user, assignment.cycle, assignment.reviewed)
    )


def co_review(assignment: Assignment) -> list[Review]:
    """The other published reviews of the same self-assessment."""
    return list(
        db.session.scalars(
            sa.select(Review)
            .join(Assignment, Review.assignment_id == Assignment.id)
            .where(
                Assignment.cycle_id == assignment.cycle_id,
                Assignment.reviewed_id == assignment.reviewed_id,
                Assignment.id != assignment.id,
                Assignment.state == AssignmentState.PUBLISHED,
            )
        )
    )


def visible_co_reviews(user: User, assignment: Assignment, own: Review | None) -> list[Review]:
    """Co-reviewers' submitted reviews, once this reviewer has submitted its own, if the cycle allows it."""
    if not can_write_review(user, assignment) or own is None or not own.is_submitted:
        return []
    if not assignment.cycle.co_reviews_visible_after_submission:
        return []
    return [review for review in co_review(assignment) if review.state == ReviewState.SUBMITTED]
