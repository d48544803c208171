"""Audit events: written by services, never edited or deleted."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from peerchallenge.extensions import Model, UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(sa.String(500))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id])
    # Read-only: an event names who and what it concerns through the ids set when it was recorded.
    subject_user = relationship("User", foreign_keys=[subject_user_id], viewonly=True)
    authority = relationship("Authority", viewonly=True)

    @property
    def who(self) -> str:
        """Who did it: the signed-in person, someone who was not signed in, or the service itself."""
        return who_did_it(self.actor.name if self.actor is not None else None, self.details)

    @property
    def who_email(self) -> str:
        """The actor's email, or the one typed at a failed sign-in."""
        return self.actor.email if self.actor is not None else typed_email(self.details)

    @property
    def typed_email(self) -> str:
        return typed_email(self.details)


def who_did_it(actor_name: str | None, details: dict | None) -> str:
    """An event's "who" from its actor's name (None without an actor) and its details."""
    if actor_name is not None:
        return actor_name
    return "Not signed in" if typed_email(details) else "The service"


def typed_email(details: dict | None) -> str:
    """The email typed at a failed sign-in, if the event has one."""
    email = (details or {}).get("email")
    return email if isinstance(email, str) else ""


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_changed_events(session: Session, flush_context, instances) -> None:
    """Events are only ever added: a flush that would update or delete one fails, and nothing is written."""
    for event in session.deleted:
        if isinstance(event, AuditEvent):
            raise AuditLogIsAppendOnly("Audit events cannot be deleted")
    for event in session.dirty:
        if isinstance(event, AuditEvent) and session.is_modified(event):
            raise AuditLogIsAppendOnly("Audit events cannot be changed")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    """The same rule for bulk UPDATE and DELETE statements run through a session, which skip the flush."""
    if (state.is_update or state.is_delete) and (
        getattr(state.statement.table, "name", None) == AuditEvent.__tablename__
    ):
        raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted")
