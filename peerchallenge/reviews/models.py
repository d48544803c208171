"""A peer review: one per assignment, its content kept as one document with a version for safe saving."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import ReadyMark, User
from peerchallenge.assignments.models import Assignment
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Review(ReadyMark, Model):
    """The review one authority writes of another's self-assessment.

    `content` holds the form as it was saved: {"sections": {template section id: {"ratings": {scale key:
    level position}, "strengths": str, "development": str, "questions": [str]}}, "overall": {...,
    "summary": str}}. `version` goes up with every save, so a save from a stale page is refused.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    state: Mapped[ReviewState] = mapped_column(string_enum(ReviewState), default=ReviewState.DRAFT)
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The reviewing authority's director, when a delegate submitted the review for them.
    submitted_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship()
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    submitted_for: Mapped[User | None] = relationship(foreign_keys=[submitted_for_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED

    @property
    def is_ready(self) -> bool:
        """A delegate has marked the draft ready for the director to submit."""
        return self.ready_at is not None and not self.is_submitted

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.assignment.cycle.reviews_due_at
