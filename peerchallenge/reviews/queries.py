"""Reading reviews with their assignments for lists, in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db, scalars_where_in
from peerchallenge.reviews.models import Review
from peerchallenge.status import Tag
from peerchallenge.submissions.models import Submission
from peerchallenge.submissions.queries import submissions_for


@dataclass
class ReviewStatus:
    assignment: Assignment
    review: Review | None
    submission: Submission | None

    @property
    def is_ready(self) -> bool:
        """The self-assessment is signed off, so the review can be written."""
        return self.submission is not None and self.submission.is_signed_off

    @property
    def tag(self) -> Tag:
        if not self.is_ready:
            return Tag("Waiting for sign-off", "grey")
        if self.review is None:
            return Tag("Not started", "blue")
        if self.review.is_submitted:
            return Tag("Submitted late", "orange") if self.review.is_late else Tag("Submitted", "green")
        return Tag("Draft", "yellow")


def review_statuses(assignments: Iterable[Assignment]) -> list[ReviewStatus]:
    """Each assignment with its review and the self-assessment it reviews."""
    assignments = list(assignments)
    if not assignments:
        return []
    reviews = {
        review.assignment_id: review
        for review in db.session.scalars(
            sa.select(Review).where(Review.assignment_id.in_([a.id for a in assignments]))
        )
    }
    submissions = submissions_for({(a.cycle_id, a.reviewed_id) for a in assignments})
    return [
        ReviewStatus(a, reviews.get(a.id), submissions.get((a.cycle_id, a.reviewed_id))) for a in assignments
    ]


def assignments_of_reviewers(authority_ids: Iterable[int]) -> list[Assignment]:
    """Published assignments in which the given authorities are the reviewers, newest cycle first."""
    query = (
        sa.select(Assignment)
        .where(Assignment.state == AssignmentState.PUBLISHED)
        .options(
            selectinload(Assignment.reviewed),
            selectinload(Assignment.reviewer),
            selectinload(Assignment.cycle),
        )
        .order_by(Assignment.cycle_id.desc(), Assignment.id)
    )
    return scalars_where_in(query, Assignment.reviewer_id, authority_ids)


def cycle_review_statuses(cycle: Cycle) -> list[ReviewStatus]:
    from peerchallenge.assignments.queries import cycle_assignments

    return review_statuses(cycle_assignments(cycle, AssignmentState.PUBLISHED))
