"""Writing audit events: the only thing done to the log is adding to it."""

from collections.abc import Mapping
from typing import Protocol

from peerchallenge.accounts.models import User
from peerchallenge.audit.models import AuditEvent
from peerchallenge.audit.queries import EventFilters
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority


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
    """Add an audit event to the session; the request's commit writes it with the change it records.

    There is deliberately no function here to change or delete an event; models.py refuses both.
    """
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


class Audited(Protocol):
    """A record events can be about: `audit_scope` names its region, its authority (if any) and its ids."""

    @property
    def audit_scope(self) -> Mapping[str, int]: ...


def record_about(kind: str, summary: str, actor: User | None, about: Audited, **details) -> AuditEvent:
    """Record an event about one record (a cycle, a self-assessment, a review, a letter, an authority).

    The event belongs to the record's region and authority, unless `details` names another, and keeps the
    record's ids before the other details.
    """
    return record_event(kind, summary, actor=actor, **{**about.audit_scope, **details})


def record_export(actor: User, filters: EventFilters, count: int) -> AuditEvent:
    """Note that someone downloaded part of the log, with the filters they used.

    The event belongs to the region exported, when that is one region, so its other leads see it too.
    """
    authority = db.session.get(Authority, filters.authority_id) if filters.authority_id else None
    led = actor.lead_region_ids()
    if authority is not None:
        region_id = authority.region_id
    elif not actor.is_admin and len(led) == 1:
        region_id = next(iter(led))
    else:
        region_id = None
    described = {
        "authority_id": filters.authority_id,
        "user": filters.user or None,
        "kind": filters.kind or None,
        "from": filters.from_day.isoformat() if filters.from_day else None,
        "to": filters.to_day.isoformat() if filters.to_day else None,
    }
    event = record_event(
        "audit_exported",
        f"{actor.name} exported {count} audit {'event' if count == 1 else 'events'} as CSV",
        actor=actor,
        region_id=region_id,
        authority_id=filters.authority_id,
        filters={key: value for key, value in described.items() if value is not None},
        count=count,
    )
    db.session.flush()
    return event
