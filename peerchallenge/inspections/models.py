"""An authority's own grades for a cycle, and its inspections with Ofsted's judgements."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.inspections.framework import AREA_ORDER, Grade, InspectionKind, JudgementArea
from peerchallenge.regions.models import Authority


class OwnGrade(Model):
    """The grade an authority gives itself for one judgement area, with its self-assessment in a cycle."""

    __tablename__ = "own_grades"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "authority_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    area: Mapped[JudgementArea] = mapped_column(string_enum(JudgementArea, length=40))
    grade: Mapped[Grade] = mapped_column(string_enum(Grade, length=30))
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    authority: Mapped[Authority] = relationship()
    updated_by: Mapped[User] = relationship()


class Inspection(Model):
    """An Ofsted inspection or visit of an authority's children's services, as the authority recorded it."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    kind: Mapped[InspectionKind] = mapped_column(string_enum(InspectionKind))
    # The first day of the inspection or visit.
    inspected_on: Mapped[date]
    # Ofsted's areas for improvement, in its words, one string each.
    areas_for_improvement: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    authority: Mapped[Authority] = relationship()
    created_by: Mapped[User] = relationship()
    judgements: Mapped[list["InspectionJudgement"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )

    @property
    def grades(self) -> dict[JudgementArea, Grade]:
        """Ofsted's grade per judgement area (none for a visit)."""
        return {judgement.area: judgement.grade for judgement in self.judgements}

    @property
    def graded_areas(self) -> list[tuple[JudgementArea, Grade]]:
        """The judgements in the order of Ofsted's reports."""
        grades = self.grades
        return [(area, grades[area]) for area in AREA_ORDER if area in grades]


class InspectionJudgement(Model):
    """Ofsted's grade for one judgement area at one inspection."""

    __tablename__ = "inspection_judgements"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    area: Mapped[JudgementArea] = mapped_column(string_enum(JudgementArea, length=40))
    grade: Mapped[Grade] = mapped_column(string_enum(Grade, length=30))

    inspection: Mapped[Inspection] = relationship(back_populates="judgements")
