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


review_group_members = sa.Table(
    "review_group_members",
    Model.metadata,
    sa.Column("group_id", sa.ForeignKey("review_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("authority_id", sa.ForeignKey("authorities.id"), primary_key=True, index=True),
)


class ReviewGroup(Model):
    """A peer group of a cycle in the groups model: each member reviews every other member.

    Its assignments (one per ordered pair of members) carry the reviews; the group is what the pages show, and
    what an observer's or consultant's role grant is scoped to.
    """

    __tablename__ = "review_groups"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "number", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    number: Mapped[int]  # 1, 2, ...: "Group 1", in the order the pages list them
    state: Mapped[AssignmentState] = mapped_column(string_enum(AssignmentState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    members: Mapped[list[Authority]] = relationship(secondary=review_group_members, order_by=Authority.name)

    @property
    def name(self) -> str:
        return f"Group {self.number}"

    @property
    def member_names(self) -> str:
        return ", ".join(member.name for member in self.members)

    @property
    def audit_scope(self) -> dict[str, int]:
        return {"region_id": self.cycle.region_id, "cycle_id": self.cycle_id}


class Delegation(Model):
    """A contributor whom the authority's director has nominated to draft its reviews."""

    __tablename__ = "delegations"
    __table_args__ = (sa.UniqueConstraint("authority_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Whether the director lets this delegate submit reviews on their behalf (otherwise they only draft).
    may_submit: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
