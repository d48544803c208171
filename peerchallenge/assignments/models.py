"""Conflicts between authorities, who reviews whom in a cycle, and delegation of reviews."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle, scope_in_cycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.regions.models import Authority


class Conflict(Model):
    """Two authorities that must not review each other, and why (stored with the lower id first)."""

    __tablename__ = "conflicts"
    __table_args__ = (
        sa.UniqueConstraint("first_authority_id", "second_authority_id"),
        sa.CheckConstraint("first_authority_id < second_authority_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    second_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    declared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    first_authority: Mapped[Authority] = relationship(foreign_keys=[first_authority_id])
    second_authority: Mapped[Authority] = relationship(foreign_keys=[second_authority_id])
    declared_by: Mapped[User] = relationship()

    @property
    def audit_scope(self) -> dict[str, int]:
        """Events about a conflict belong to the authorities' region."""
        return {"region_id": self.first_authority.region_id}


class AssignmentState(enum.StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    REPLACED = "replaced"


class Assignment(Model):
    """One reviewing authority reviewing one other authority in a cycle."""

    __tablename__ = "assignments"
    __table_args__ = (sa.CheckConstraint("reviewer_id <> reviewed_id", name="not_reviewing_itself"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    reviewed_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    state: Mapped[AssignmentState] = mapped_column(string_enum(AssignmentState))
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()
    reviewer: Mapped[Authority] = relationship(foreign_keys=[reviewer_id])
    reviewed: Mapped[Authority] = relationship(foreign_keys=[reviewed_id])
    replaced_by: Mapped["Assignment | None"] = relationship(remote_side=[id])

    @property
    def is_replaced(self) -> bool:
        """Its reviewer was withdrawn and another authority took its place."""
        return self.state == AssignmentState.REPLACED

    @property
    def audit_scope(self) -> dict[str, int]:
        """An event about a review belongs to the reviewed authority."""
        return scope_in_cycle(self.cycle, self.reviewed_id, assignment_id=self.id)


class Delegation(Model):
    """A contributor whom the authority's director has nominated to draft its reviews."""

    __tablename__ = "delegations"
    __table_args__ = (sa.UniqueConstraint("authority_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
