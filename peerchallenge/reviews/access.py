"""Who may write, read and reopen a review."""

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.assignments.queries import delegated_authority_ids
from peerchallenge.extensions import db
from peerchallenge.reviews.models import Review, ReviewState


def writer_authority_ids(user: User) -> set[int]:
    """Authorities whose reviews the user writes: as director, or as a delegate the director nominated."""
    if not user.is_authenticated:
        return set()
    return user.authority_ids(Role.DIRECTOR) | delegated_authority_ids(user)


def can_write_review(user: User, assignment: Assignment) -> bool:
    return assignment.state == AssignmentState.PUBLISHED and assignment.reviewer_id in writer_authority_ids(
        user
    )


def can_manage_reviews(user: User, assignment: Assignment) -> bool:
    return can_manage_region(user, assignment.cycle.region)


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
