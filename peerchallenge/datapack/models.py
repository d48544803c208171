"""The region's data pack for a cycle, a region's own indicators, areas for development and calibration."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.datapack.catalogue import Indicator, Unit
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.inspections.models import Inspection
from peerchallenge.regions.models import Authority, Region


class RegionIndicator(Model):
    """An indicator a region's lead added to the shipped catalogue."""

    __tablename__ = "region_indicators"
    __table_args__ = (sa.UniqueConstraint("region_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(150))
    unit: Mapped[Unit] = mapped_column(string_enum(Unit, length=20))
    higher_is_better: Mapped[bool | None]
    section: Mapped[str] = mapped_column(sa.String(150))
    words: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()

    def as_indicator(self) -> Indicator:
        return Indicator(
            self.key,
            self.name,
            self.unit,
            self.higher_is_better,
            self.section,
            tuple(self.words),
            shipped=False,
        )


class DataPack(Model):
    """The region's figures for a cycle, as the lead last uploaded them (an upload replaces it whole)."""

    __tablename__ = "data_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    value_count: Mapped[int] = mapped_column(default=0)

    cycle: Mapped[Cycle] = relationship()
    uploaded_by: Mapped[User] = relationship()


class DataValue(Model):
    """One authority's value of one indicator for one period, with the comparators the file gave."""

    __tablename__ = "data_values"
    __table_args__ = (sa.UniqueConstraint("pack_id", "authority_id", "indicator", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(sa.ForeignKey("data_packs.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    indicator: Mapped[str] = mapped_column(sa.String(40))  # a catalogue key
    period: Mapped[str] = mapped_column(sa.String(7))
    value: Mapped[float]
    england: Mapped[float | None]
    region: Mapped[float | None]
    neighbours: Mapped[float | None]


class DevelopmentArea(Model):
    """One of the areas for development an authority names in its self-assessment for a cycle."""

    __tablename__ = "development_areas"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "authority_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.String(500))
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()


class CalibrationCorrection(Model):
    """A person's answer to which area for development an inspection's area for improvement was (or none)."""

    __tablename__ = "calibration_corrections"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "improvement_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    improvement_index: Mapped[int]
    improvement: Mapped[str] = mapped_column(
        sa.Text
    )  # the words it answered, so an edited inspection is asked again
    development: Mapped[str | None] = mapped_column(sa.String(500))  # None: not named in the self-assessment
    corrected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inspection: Mapped[Inspection] = relationship()
    corrected_by: Mapped[User] = relationship()
