"""Queueing messages in the outbox; delivery is a separate step, so nothing is lost if it fails."""

from urllib.parse import urlsplit

from flask import current_app

from peerchallenge.accounts.models import User
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail


def queue_email(user: User, kind: str, subject: str, body: str, *, region_id: int | None) -> OutboxEmail:
    """Add a message for a user to the outbox, in the same transaction as the change it reports."""
    email = OutboxEmail(
        to_address=user.email,
        to_user_id=user.id,
        region_id=region_id,
        kind=kind,
        subject=subject,
        body=body,
    )
    db.session.add(email)
    return email


def public_url(endpoint: str, **values) -> str:
    """The full address of a page for an email, from PUBLIC_URL: emails are read outside the service."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
