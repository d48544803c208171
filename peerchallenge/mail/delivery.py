"""Delivering the outbox by SMTP, one connection per run, for `flask mail deliver` run from cron.

Nothing here sends while a request is being served: services only queue messages, so a slow or broken
mail server never slows a page down or loses a message. Each run claims one due message at a time and
commits as it goes, so that a run that stops half way (a crash, a dead connection) leaves every other
message as it was, and two runs at once never send the same message.

Failed messages are retried for ever, further apart each time (see RETRY_DELAYS). A message is never
given up on because the outbox is the record of what the service told people: most failures that
look permanent (relay refused, sender not allowed, authentication) are the server's settings, fixed by
whoever runs it hours or days later, and a message dropped silently is worse than one sent late. A
retry every 6 hours costs nothing, and the lead sees every failed message, with its error, in the outbox.
"""

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_event
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, row_count, utcnow
from peerchallenge.mail.models import EmailStatus, OutboxEmail

# The wait after the 1st, 2nd, ... failure; the last one repeats for ever.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
SECURITY_CHOICES = ("starttls", "tls", "none")
MAX_ERROR_LENGTH = 500
DEACTIVATED_RECIPIENT = (
    "Not sent: the recipient's account has been deactivated. It will be sent if the account is reactivated."
)


class MailSettingsError(ValueError):
    """The mail settings cannot work; the message says which one to fix."""


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server; an empty host means email is not sent, only kept in the outbox."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 10
    sender: str = "Peer challenge <peerchallenge@localhost>"

    @classmethod
    def from_config(cls, config: Mapping) -> "SmtpSettings":
        """Read the MAIL_* settings of an app's config, refusing values that cannot work."""
        security = str(config.get("MAIL_SMTP_SECURITY") or "starttls").strip().lower()
        if security not in SECURITY_CHOICES:
            raise MailSettingsError(f"MAIL_SMTP_SECURITY must be starttls, tls or none, not {security!r}")
        try:
            port = int(config.get("MAIL_SMTP_PORT") or 587)
            timeout = float(config.get("MAIL_SMTP_TIMEOUT") or 10)
        except (TypeError, ValueError) as error:
            raise MailSettingsError("MAIL_SMTP_PORT and MAIL_SMTP_TIMEOUT must be numbers") from error
        if not 0 < port < 65536 or timeout <= 0:
            raise MailSettingsError("MAIL_SMTP_PORT must be 1 to 65535 and MAIL_SMTP_TIMEOUT above 0")
        return cls(
            host=str(config.get("MAIL_SMTP_HOST") or "").strip(),
            port=port,
            security=security,
            username=str(config.get("MAIL_SMTP_USERNAME") or ""),
            password=str(config.get("MAIL_SMTP_PASSWORD") or ""),
            timeout=timeout,
            sender=str(config.get("MAIL_FROM") or cls.sender),
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def claim_lease(self) -> timedelta:
        """How long a claimed message is left alone by other runs: longer than any one send can take."""
        return max(timedelta(minutes=5), timedelta(seconds=6 * self.timeout))


@dataclass
class DeliveryReport:
    """What one delivery run did, and what is left in the outbox afterwards."""

    configured: bool
    sent: int = 0
    failed: int = 0
    queued: int = 0
    waiting_for_retry: int = 0
    # Why the run stopped before the outbox was empty (the mail server could not be reached), if it did.
    stopped_because: str | None = None

    def summary(self) -> str:
        if not self.configured:
            waiting = self.queued + self.waiting_for_retry
            count = "1 message is" if waiting == 1 else f"{waiting} messages are"
            return f"SMTP is not configured: {count} waiting in the outbox"
        text = f"Sent {self.sent}, failed {self.failed}, {self.waiting_for_retry} waiting for retry"
        if self.queued:
            text += f", {self.queued} queued for the next run"
        if self.stopped_because:
            text += f". Stopped early: {self.stopped_because}"
        return text


def deliver_due(
    settings: SmtpSettings | Mapping, now: datetime | None = None, limit: int = 200
) -> DeliveryReport:
    """Send up to `limit` due messages, oldest first, over one SMTP connection; commits after each.

    `settings` is an SmtpSettings or an app's config. Due means queued, or failed with its next attempt
    at or before `now`. Without SMTP settings nothing changes. If the server cannot be reached or drops
    the connection, the message being sent is marked failed and the run stops, leaving the rest as they
    were for the next run.
    """
    if not isinstance(settings, SmtpSettings):
        settings = SmtpSettings.from_config(settings)
    now = now or utcnow()
    report = DeliveryReport(configured=settings.configured)
    if settings.configured:
        _deliver(settings, now, limit, report)
    report.queued, report.waiting_for_retry = _unsent_counts()
    return report


def _deliver(settings: SmtpSettings, now: datetime, limit: int, report: DeliveryReport) -> None:
    connection: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            email = _claim_next_due(now, now + settings.claim_lease)
            if email is None:
                break
            connection, error, connection_lost = _send(settings, connection, email, now)
            if error is None:
                _record_success(email, now)
                report.sent += 1
            else:
                _record_failure(email, error, now)
                report.failed += 1
            db.session.commit()
            if connection_lost:
                report.stopped_because = error
                break
    finally:
        if connection is not None:
            _close(connection)


def _send(settings: SmtpSettings, connection, email: OutboxEmail, now: datetime):
    """Try one message: (the connection to reuse or None, the error or None, whether to stop the run)."""
    refusal = _refusal(email)
    if refusal:
        return connection, refusal, False
    try:
        message = build_message(email, settings.sender, now)
    except (ValueError, TypeError) as error:
        return connection, _shorten(f"The message could not be written: {error}", settings), False
    try:
        if connection is None:
            connection = connect(settings)
        connection.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        # A refusal of this one message leaves the connection usable; anything else ends the run.
        alive = (
            connection is not None
            and connection.sock is not None
            and isinstance(error, smtplib.SMTPException)
            and not isinstance(error, smtplib.SMTPServerDisconnected)
        )
        if not alive and connection is not None:
            _close(connection)
            connection = None
        return connection, describe_error(error, settings), not alive
    return connection, None, False


def _due(now: datetime):
    return sa.and_(
        OutboxEmail.status.in_([EmailStatus.QUEUED, EmailStatus.FAILED]),
        sa.or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now),
    )


def _claim_next_due(now: datetime, lease_until: datetime) -> OutboxEmail | None:
    """Take the oldest due message for this run, so that no other run sends it meanwhile.

    The claim moves the message's next attempt to the end of a lease and is committed before sending:
    another run skips it (PostgreSQL's SKIP LOCKED while we hold the row; the lease afterwards), and on
    SQLite, where the select takes no lock, the conditional update lets only one run win. If this run
    dies before recording the outcome, the message becomes due again when the lease ends.
    """
    for _ in range(10):
        query = (
            sa.select(OutboxEmail.id)
            .where(_due(now))
            .order_by(OutboxEmail.created_at, OutboxEmail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        email_id = db.session.scalar(query)
        if email_id is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == email_id, _due(now))
            .values(next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if row_count(claimed) == 1:
            return db.session.get(OutboxEmail, email_id, populate_existing=True)
    return None


def _refusal(email: OutboxEmail) -> str | None:
    """Why the service will not send this message now, if it will not.

    A deactivated user has left the role that the message is about (a director who has moved on), and
    messages carry details of other authorities' self-assessments; so it waits, marked failed and
    retried with the rest, and goes out only if the account is reactivated.
    """
    if email.to_user_id is None:
        return None
    active = db.session.scalar(sa.select(User.active).where(User.id == email.to_user_id))
    return DEACTIVATED_RECIPIENT if active is False else None


def build_message(email: OutboxEmail, sender: str, now: datetime) -> EmailMessage:
    """The message as sent: plain UTF-8 text, with a Message-ID that stays the same on every retry."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    # Subjects are written by the service; a stray line break must not become a header of its own.
    message["Subject"] = " ".join(email.subject.split())
    message["Date"] = format_datetime(now)
    message["Message-ID"] = _message_id(email, sender)
    message.set_content(email.body, charset="utf-8")
    return message


def _message_id(email: OutboxEmail, sender: str) -> str:
    # Stable across retries, so a receiving server that got a message twice can tell.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{email.id}.{int(email.created_at.timestamp())}@{domain}>"


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """Open a connection to the mail server, secured and signed in as the settings say."""
    context = ssl.create_default_context()
    connection: smtplib.SMTP
    if settings.security == "tls":
        connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password)
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def describe_error(error: BaseException, settings: SmtpSettings) -> str:
    """A short account of a delivery failure for the outbox, never including the password."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        text = f"The mail server refused the username or password ({error.smtp_code})"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (None, b""))
        text = f"The mail server refused the recipient: {code} {_reply_text(reply)}"
    elif isinstance(error, smtplib.SMTPSenderRefused):
        text = (
            f"The mail server refused the sender address: {error.smtp_code} {_reply_text(error.smtp_error)}"
        )
    elif isinstance(error, smtplib.SMTPDataError):
        text = f"The mail server refused the message: {error.smtp_code} {_reply_text(error.smtp_error)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"The mail server answered {error.smtp_code} {_reply_text(error.smtp_error)}"
    elif isinstance(error, TimeoutError) or (
        # smtplib reports a reply that never came as a disconnection.
        isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, TimeoutError)
    ):
        text = f"The mail server at {where} did not answer within {settings.timeout:g} seconds"
    else:
        text = _failure_text(error, where, settings)
    return _shorten(text, settings)


# The other failures, the most specific kind first (SMTP errors and the socket's are all OSErrors).
_FAILURE_TEXTS: tuple[tuple[type[BaseException], str], ...] = (
    (smtplib.SMTPServerDisconnected, "The mail server closed the connection: {error}"),
    (smtplib.SMTPException, "The mail server could not take the message: {error}"),
    (ConnectionRefusedError, "Could not connect to the mail server at {where}: the connection was refused"),
    (socket.gaierror, "Could not find the mail server {settings.host}: {error.strerror}"),
    (ssl.SSLError, "Could not set up a secure connection to the mail server at {where}: {error}"),
)


def _failure_text(error: BaseException, where: str, settings: SmtpSettings) -> str:
    for kind, text in _FAILURE_TEXTS:
        if isinstance(error, kind):
            return text.format(error=error, where=where, settings=settings)
    if isinstance(error, OSError):
        return f"Could not reach the mail server at {where}: {error.strerror or error}"
    return f"Could not reach the mail server at {where}: {error}"


def _reply_text(reply) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", errors="replace")
    return str(reply)


def _shorten(text: str, settings: SmtpSettings) -> str:
    if settings.password:
        text = text.replace(settings.password, "(password)")
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next try of a message that has failed `attempts` times."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _record_success(email: OutboxEmail, now: datetime) -> None:
    email.status = EmailStatus.SENT
    email.attempts += 1
    email.sent_at = now
    email.next_attempt_at = None
    email.last_error = None


def _record_failure(email: OutboxEmail, error: str, now: datetime) -> None:
    email.status = EmailStatus.FAILED
    email.attempts += 1
    email.last_error = error
    email.next_attempt_at = now + retry_delay(email.attempts)


def _unsent_counts() -> tuple[int, int]:
    """How many messages are queued, and how many failed and wait for a retry."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxEmail.status, sa.func.count())
            .where(OutboxEmail.status != EmailStatus.SENT)
            .group_by(OutboxEmail.status)
        ).all()
    )
    return counts.get(EmailStatus.QUEUED, 0), counts.get(EmailStatus.FAILED, 0)


def retry_now(actor: User, email: OutboxEmail, now: datetime | None = None) -> None:
    """Bring a failed message's next try forward to the next delivery run; it is not sent from here."""
    if email.status != EmailStatus.FAILED:
        raise ServiceError("Only a message that failed to send can be tried again.")
    email.next_attempt_at = now or utcnow()
    record_event(
        "email_retry_requested",
        f"Asked for another try at sending “{email.subject}” to {email.to_address}",
        actor=actor,
        region_id=email.region_id,
        email_id=email.id,
    )
