"""Messages queued by the service, kept whatever happens to their delivery."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxEmail(Model):
    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The region the message concerns, so its lead can read the region's outbox.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    status: Mapped[EmailStatus] = mapped_column(string_enum(EmailStatus), default=EmailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When delivery may next be tried: set after a failure, further off each time.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @property
    def is_sent(self) -> bool:
        return self.status == EmailStatus.SENT

    @property
    def is_failed(self) -> bool:
        return self.status == EmailStatus.FAILED

    @property
    def is_queued(self) -> bool:
        return self.status == EmailStatus.QUEUED
