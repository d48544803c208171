"""Writing audit events."""

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db


def record_event(
    kind: str,
    summary: str,
    *,
    actor=None,
    region_id: int | None = None,
    authority_id: int | None = None,
    subject_user=None,
    **details,
) -> AuditEvent:
    """Add an audit event to the session; the request's commit writes it with the change it records."""
    event = AuditEvent(
        kind=kind,
        summary=summary[:500],
        actor_id=actor.id if actor is not None else None,
        region_id=region_id,
        authority_id=authority_id,
        subject_user_id=subject_user.id if subject_user is not None else None,
        details=details,
    )
    db.session.add(event)
    return event
