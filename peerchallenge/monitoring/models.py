"""The record of reminders sent, so that a reminder goes out once whatever runs the command."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from peerchallenge.extensions import Model, UTCDateTime, utcnow


class ReminderSent(Model):
    """One reminder occasion ("7 days before", "2 weeks overdue") of one task, sent to one person."""

    __tablename__ = "reminders_sent"
    __table_args__ = (sa.UniqueConstraint("user_id", "task_key", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    task_key: Mapped[str] = mapped_column(sa.String(120))
    occasion: Mapped[str] = mapped_column(sa.String(40))
    email_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_emails.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
