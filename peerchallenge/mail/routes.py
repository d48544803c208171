"""The outbox pages: every message the service has sent or will send, for admins and regional leads."""

from datetime import datetime

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.error_pages import render_error
from peerchallenge.extensions import db, utcnow
from peerchallenge.forms import ConfirmForm, button_action
from peerchallenge.mail import delivery
from peerchallenge.mail.models import EmailStatus, OutboxEmail
from peerchallenge.mail.queries import can_read_email, can_read_outbox, outbox_page
from peerchallenge.page_cache import keep_page_until
from peerchallenge.routing import pagination

bp = Blueprint("mail", __name__)


@bp.get("/outbox")
@login_required
def outbox():
    if not can_read_outbox(current_user):
        abort(403)
    status_value = request.args.get("status", "")
    page_value = request.args.get("page", "1")
    if status_value and status_value not in {status.value for status in EmailStatus}:
        return render_error(400, "Choose a status from the list: queued, sent or failed.")
    if not (page_value.isascii() and page_value.isdigit() and len(page_value) <= 6 and int(page_value) > 0):
        return render_error(400, "The page number must be a whole number, 1 or more.")
    listing = outbox_page(current_user, EmailStatus(status_value) if status_value else None, int(page_value))
    if listing.page > listing.page_count:
        abort(404)
    status_arg = listing.status.value if listing.status else None
    now = utcnow()
    for email in listing.emails:
        _keep_page_until_retry(email, now)
    return render_template(
        "mail/outbox.html",
        listing=listing,
        pagination=pagination(
            listing.page,
            listing.page_count,
            lambda number: url_for("mail.outbox", status=status_arg, page=number),
            nearby=2,
        ),
        smtp_configured=bool(current_app.config.get("MAIL_SMTP_HOST")),
        now=now,
    )


def _keep_page_until_retry(email: OutboxEmail, now: datetime) -> None:
    """A failed message's status says when it will be tried again, until that time (mail/_status.html)."""
    if email.is_failed and email.next_attempt_at and email.next_attempt_at > now:
        keep_page_until(email.next_attempt_at)


def _load_readable_email(email_id: int) -> OutboxEmail:
    """The message, if the signed-in person may read it: 403 for people with no outbox, else 404."""
    if not can_read_outbox(current_user):
        abort(403)
    email = db.session.get(OutboxEmail, email_id)
    # A lead is not told that another region's message exists.
    if email is None or not can_read_email(current_user, email):
        abort(404)
    return email


@bp.get("/outbox/<int:email_id>")
@login_required
def email_detail(email_id: int):
    email = _load_readable_email(email_id)
    now = utcnow()
    _keep_page_until_retry(email, now)
    return render_template(
        "mail/email.html",
        email=email,
        form=ConfirmForm(),
        smtp_configured=bool(current_app.config.get("MAIL_SMTP_HOST")),
        now=now,
    )


@bp.post("/outbox/<int:email_id>/retry")
@login_required
def retry_email(email_id: int):
    email = _load_readable_email(email_id)
    return button_action(
        lambda: delivery.retry_now(current_user, email),
        "The service will try to send this message again in the next few minutes.",
        url_for("mail.email_detail", email_id=email.id),
    )
