"""Regions and the local authorities in them."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.extensions import Model, string_enum
from peerchallenge.status import LabelledEnum


class Region(Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    # How the region signs its letters' letterhead, e.g. "ADCS Eastern Region"; empty for its name.
    display_name: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")

    authorities: Mapped[list["Authority"]] = relationship(back_populates="region", order_by="Authority.name")

    @property
    def letterhead_name(self) -> str:
        """The name the region's letters carry at the top: its display name, else its name."""
        return self.display_name.strip() or self.name

    def __repr__(self) -> str:
        return f"<Region {self.name}>"


class Authority(Model):
    """A local authority with children's services responsibilities."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    dfe_code: Mapped[str] = mapped_column(sa.String(3), unique=True)
    ons_code: Mapped[str] = mapped_column(sa.String(9), unique=True)
    authority_type: Mapped[str] = mapped_column(sa.String(50))
    active_from: Mapped[date | None] = mapped_column(sa.Date)
    active_to: Mapped[date | None] = mapped_column(sa.Date)

    region: Mapped[Region] = relationship(back_populates="authorities")

    def is_active_on(self, day: date) -> bool:
        """Whether the authority exists on the given day (authorities merge and split)."""
        if self.active_from and day < self.active_from:
            return False
        return not (self.active_to and day > self.active_to)

    @property
    def audit_scope(self) -> dict[str, int]:
        """What an audit event about it belongs to (see audit.services.record_about)."""
        return {"region_id": self.region_id, "authority_id": self.id}

    def __repr__(self) -> str:
        return f"<Authority {self.dfe_code} {self.name}>"


class ChangeKind(LabelledEnum):
    MERGED = "merged", "Merged"
    SPLIT = "split", "Split"


class AuthorityLink(Model):
    """One step of a reorganisation: a predecessor ended (or continued) and a successor carried on from it.

    A merge links each merged authority to the one successor; a split links the ended authority to each of
    its successors. A successor inherits its predecessors' pairing history, letters and actions.
    """

    __tablename__ = "authority_links"
    __table_args__ = (
        sa.UniqueConstraint("predecessor_id", "successor_id"),
        sa.CheckConstraint("predecessor_id <> successor_id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    successor_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(string_enum(ChangeKind))
    effective_on: Mapped[date]

    predecessor: Mapped[Authority] = relationship(foreign_keys=[predecessor_id])
    successor: Mapped[Authority] = relationship(foreign_keys=[successor_id])
