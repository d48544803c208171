"""Delivering the outbox to a real SMTP server on loopback: sending, failing, retrying, never twice."""

import asyncio
import shutil
import smtplib
import socket
import ssl
import subprocess
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import AuthResult

from peerchallenge.accounts.models import Role
from peerchallenge.extensions import db
from peerchallenge.mail.delivery import (
    DEACTIVATED_RECIPIENT,
    RETRY_DELAYS,
    SmtpSettings,
    deliver_due,
    describe_error,
)
from peerchallenge.mail.models import EmailStatus, OutboxEmail
from tests import factories
from tests.mail.conftest import RecordingHandler, free_port, plain_settings, reload

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def statuses(*emails) -> list[tuple[str, int]]:
    return [(reload(email).status.value, reload(email).attempts) for email in emails]


def test_queued_messages_arrive_with_their_address_subject_and_utf8_body(smtp, queue, world):
    zoe = factories.make_user((Role.DIRECTOR, world.sibling), name="Zoë Ødegård", email="zoe@test.example")
    first = queue(world.director, subject="Spring 2026: your peer reviews", body="Dear Dana,\n\nReview Beta.")
    second = queue(
        zoe, subject="Zoë, your letter is ready", body="Dear Zoë Ødegård,\n\nRéponse — 5 “quotes” ✓\n"
    )

    report = deliver_due(plain_settings(smtp, sender="Peer challenge <noreply@pc.example>"), now=NOW)

    assert (report.sent, report.failed, report.queued, report.waiting_for_retry) == (2, 0, 0, 0)
    assert report.summary() == "Sent 2, failed 0, 0 waiting for retry"
    received = smtp.handler.received
    assert [rcpt for _, rcpt, _ in received] == [[world.director.email], ["zoe@test.example"]]
    messages = [message for _, _, message in received]
    assert [m["To"] for m in messages] == [world.director.email, "zoe@test.example"]
    assert [m["Subject"] for m in messages] == ["Spring 2026: your peer reviews", "Zoë, your letter is ready"]
    assert messages[0].get_content() == "Dear Dana,\n\nReview Beta.\n"
    assert messages[1].get_content() == "Dear Zoë Ødegård,\n\nRéponse — 5 “quotes” ✓\n"
    assert messages[1].get_content_type() == "text/plain"
    assert messages[1].get_content_charset() == "utf-8"
    assert messages[0]["From"] == "Peer challenge <noreply@pc.example>"
    assert messages[0]["Date"].datetime == NOW
    assert messages[0]["Message-ID"].startswith(f"<outbox.{first.id}.")
    assert messages[0]["Message-ID"].endswith("@pc.example>")
    # One connection for the whole run: both came from the same client port.
    assert received[0][0] == received[1][0]
    for email in (first, second):
        stored = reload(email)
        assert stored.status == EmailStatus.SENT
        assert stored.sent_at == NOW
        assert stored.attempts == 1
        assert stored.next_attempt_at is None
        assert stored.last_error is None


def test_a_sent_message_is_never_sent_again(smtp, queue):
    email = queue()
    deliver_due(plain_settings(smtp), now=NOW)

    report = deliver_due(plain_settings(smtp), now=NOW + timedelta(days=1))

    assert (report.sent, report.failed) == (0, 0)
    assert len(smtp.handler.received) == 1
    assert statuses(email) == [("sent", 1)]


def test_oldest_first_and_no_more_than_the_limit(smtp, queue):
    emails = [queue(subject=f"Message {number}") for number in range(3)]

    report = deliver_due(plain_settings(smtp), now=NOW, limit=2)

    assert [m["Subject"] for _, _, m in smtp.handler.received] == ["Message 0", "Message 1"]
    assert (report.sent, report.queued) == (2, 1)
    assert report.summary() == "Sent 2, failed 0, 0 waiting for retry, 1 queued for the next run"
    assert statuses(*emails) == [("sent", 1), ("sent", 1), ("queued", 0)]


def test_a_refused_recipient_fails_that_message_and_the_run_goes_on(smtp, queue, world):
    smtp.handler.refuse_recipient[world.director.email] = "550 5.1.1 No such user here"
    refused = queue(world.director)
    accepted = queue(world.contributor)

    report = deliver_due(plain_settings(smtp), now=NOW)

    assert (report.sent, report.failed, report.waiting_for_retry) == (1, 1, 1)
    assert report.summary() == "Sent 1, failed 1, 1 waiting for retry"
    assert [rcpt for _, rcpt, _ in smtp.handler.received] == [[world.contributor.email]]
    stored = reload(refused)
    assert stored.status == EmailStatus.FAILED
    assert stored.attempts == 1
    assert stored.last_error == "The mail server refused the recipient: 550 5.1.1 No such user here"
    assert stored.next_attempt_at == NOW + timedelta(minutes=1)
    assert stored.sent_at is None
    assert statuses(accepted) == [("sent", 1)]


def test_a_refused_message_waits_for_its_retry_time_then_succeeds(smtp, queue):
    smtp.handler.refuse_data.append("451 4.3.0 Temporary local problem, try later")
    email = queue(body="Ready when you are")

    deliver_due(plain_settings(smtp), now=NOW)
    failed = reload(email)
    assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
    assert (
        failed.last_error
        == "The mail server refused the message: 451 4.3.0 Temporary local problem, try later"
    )
    assert failed.next_attempt_at == NOW + timedelta(minutes=1)

    too_soon = deliver_due(plain_settings(smtp), now=NOW + timedelta(seconds=59))
    assert (too_soon.sent, too_soon.failed, too_soon.waiting_for_retry) == (0, 0, 1)
    assert smtp.handler.received == []
    assert statuses(email) == [("failed", 1)]

    retried = deliver_due(plain_settings(smtp), now=NOW + timedelta(minutes=1))
    assert (retried.sent, retried.failed, retried.waiting_for_retry) == (1, 0, 0)
    assert [m.get_content() for _, _, m in smtp.handler.received] == ["Ready when you are\n"]
    sent = reload(email)
    assert (sent.status, sent.attempts, sent.last_error) == (EmailStatus.SENT, 2, None)
    assert sent.sent_at == NOW + timedelta(minutes=1)


def test_a_closed_port_fails_the_first_message_and_leaves_the_rest(queue):
    port = free_port()  # nothing listens there
    first, second = queue(), queue()

    report = deliver_due(plain_settings(port), now=NOW)

    error = f"Could not connect to the mail server at 127.0.0.1:{port}: the connection was refused"
    assert (report.sent, report.failed, report.queued, report.waiting_for_retry) == (0, 1, 1, 1)
    assert report.stopped_because == error
    assert (
        report.summary()
        == f"Sent 0, failed 1, 1 waiting for retry, 1 queued for the next run. Stopped early: {error}"
    )
    stored = reload(first)
    assert (stored.status, stored.attempts, stored.last_error) == (EmailStatus.FAILED, 1, error)
    assert stored.next_attempt_at == NOW + timedelta(minutes=1)
    untouched = reload(second)
    assert (untouched.status, untouched.attempts, untouched.next_attempt_at) == (EmailStatus.QUEUED, 0, None)


def test_a_connection_lost_mid_run_leaves_the_rest_as_they_were(start_smtp, queue):
    class ClosesAfterOne(RecordingHandler):
        async def handle_DATA(self, server, session, envelope):
            if self.received:
                # 421: the server is closing the connection, so smtplib hangs up.
                return "421 4.3.2 Service shutting down"
            return await super().handle_DATA(server, session, envelope)

    smtp = start_smtp(ClosesAfterOne())
    first, second, third = queue(subject="One"), queue(subject="Two"), queue(subject="Three")

    report = deliver_due(plain_settings(smtp), now=NOW)

    assert (report.sent, report.failed, report.queued) == (1, 1, 1)
    assert report.stopped_because == "The mail server refused the message: 421 4.3.2 Service shutting down"
    assert [m["Subject"] for _, _, m in smtp.handler.received] == ["One"]
    assert statuses(first, second, third) == [("sent", 1), ("failed", 1), ("queued", 0)]
    assert reload(third).next_attempt_at is None


def test_failures_back_off_and_are_never_given_up(start_smtp, queue):
    port = free_port()
    email = queue()
    now = NOW
    delays = []
    for _ in range(len(RETRY_DELAYS) + 2):
        deliver_due(plain_settings(port), now=now)
        stored = reload(email)
        assert stored.status == EmailStatus.FAILED
        delays.append(stored.next_attempt_at - now)
        now = stored.next_attempt_at

    assert delays == [*RETRY_DELAYS, RETRY_DELAYS[-1], RETRY_DELAYS[-1]]
    assert reload(email).attempts == len(RETRY_DELAYS) + 2

    # The server comes back on that port: the message goes out at its next try.
    server = start_smtp(port=port)
    report = deliver_due(plain_settings(port), now=now)

    assert report.sent == 1
    assert len(server.handler.received) == 1
    assert statuses(email) == [("sent", len(RETRY_DELAYS) + 3)]


def test_a_server_that_never_answers_times_out(queue):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # the connection is accepted by the kernel, but no greeting ever comes
    email = queue()
    try:
        report = deliver_due(plain_settings(silent.getsockname()[1], timeout=0.5), now=NOW)
    finally:
        silent.close()

    assert report.failed == 1
    stored = reload(email)
    assert stored.status == EmailStatus.FAILED
    assert stored.last_error.endswith("did not answer within 0.5 seconds")


def accept_only(login: bytes, password: bytes):
    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: aiosmtpd answers 235 or 535 itself.
        return AuthResult(success=(auth_data.login, auth_data.password) == (login, password), handled=False)

    return authenticator


def test_a_refused_password_fails_without_revealing_it(start_smtp, queue):
    server = start_smtp(auth_require_tls=False, authenticator=accept_only(b"mailer", b"right-password"))
    email = queue()

    report = deliver_due(plain_settings(server, username="mailer", password="wrong-password"), now=NOW)

    assert report.failed == 1
    stored = reload(email)
    assert stored.last_error == "The mail server refused the username or password (535)"
    assert "wrong-password" not in report.summary()
    assert server.handler.received == []


def test_the_right_password_signs_in_and_sends(start_smtp, queue):
    server = start_smtp(auth_require_tls=False, authenticator=accept_only(b"mailer", b"right-password"))
    email = queue()

    report = deliver_due(plain_settings(server, username="mailer", password="right-password"), now=NOW)

    assert report.sent == 1
    assert len(server.handler.received) == 1
    assert statuses(email) == [("sent", 1)]


def test_errors_never_include_the_password():
    settings = SmtpSettings(host="mail.example", password="s3cret-pass")

    text = describe_error(OSError("login s3cret-pass failed"), settings)

    assert "s3cret-pass" not in text
    assert text == "Could not reach the mail server at mail.example:587: login (password) failed"


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (smtplib.SMTPServerDisconnected("gone"), "The mail server closed the connection: gone"),
        (smtplib.SMTPNotSupportedError("no AUTH"), "The mail server could not take the message: no AUTH"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "Could not connect to the mail server at mail.example:25: the connection was refused",
        ),
        (
            socket.gaierror(-2, "Name or service not known"),
            "Could not find the mail server mail.example: Name or service not known",
        ),
        (
            ssl.SSLError(1, "bad record"),
            "Could not set up a secure connection to the mail server at mail.example:25: bad record",
        ),
        (
            OSError(113, "No route to host"),
            "Could not reach the mail server at mail.example:25: No route to host",
        ),
        (OSError("odd"), "Could not reach the mail server at mail.example:25: odd"),
        (RuntimeError("odd"), "Could not reach the mail server at mail.example:25: odd"),
    ],
)
def test_each_kind_of_failure_is_described(error, text):
    assert describe_error(error, SmtpSettings(host="mail.example", port=25)) == text


def test_without_smtp_settings_nothing_changes(queue):
    first, second = queue(), queue()

    report = deliver_due(SmtpSettings(host=""), now=NOW)

    assert not report.configured
    assert report.summary() == "SMTP is not configured: 2 messages are waiting in the outbox"
    assert statuses(first, second) == [("queued", 0), ("queued", 0)]
    assert reload(first).next_attempt_at is None


def test_a_deactivated_recipient_is_not_sent_to_until_reactivated(smtp, queue, world):
    email = queue(world.director)
    world.director.active = False
    db.session.commit()

    report = deliver_due(plain_settings(smtp), now=NOW)

    assert (report.sent, report.failed) == (0, 1)
    assert smtp.handler.received == []
    stored = reload(email)
    assert (stored.status, stored.last_error) == (EmailStatus.FAILED, DEACTIVATED_RECIPIENT)

    world.director.active = True
    db.session.commit()
    later = deliver_due(plain_settings(smtp), now=stored.next_attempt_at)
    assert later.sent == 1
    assert [rcpt for _, rcpt, _ in smtp.handler.received] == [[world.director.email]]


def test_two_runs_at_once_never_send_a_message_twice(app, start_smtp, queue):
    class SlowHandler(RecordingHandler):
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.1)
            return await super().handle_DATA(server, session, envelope)

    server = start_smtp(SlowHandler())
    emails = [queue(subject=f"Message {number}") for number in range(8)]
    reports, errors = [], []

    def run():
        try:
            with app.app_context():
                reports.append(deliver_due(plain_settings(server), now=NOW))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    subjects = sorted(m["Subject"] for _, _, m in server.handler.received)
    assert subjects == sorted(f"Message {number}" for number in range(8))
    assert sum(report.sent for report in reports) == 8
    assert all(status == ("sent", 1) for status in statuses(*emails))


def test_a_message_locked_by_another_run_is_skipped(app, smtp, queue):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite relies on the conditional claim")
    locked, free = queue(subject="Locked"), queue(subject="Free")
    with db.engine.connect() as other_run:
        other_run.execute(
            sa.select(OutboxEmail.id).where(OutboxEmail.id == locked.id).with_for_update()
        ).all()

        report = deliver_due(plain_settings(smtp), now=NOW)

        other_run.rollback()
    assert report.sent == 1
    assert [m["Subject"] for _, _, m in smtp.handler.received] == ["Free"]
    assert statuses(locked, free) == [("queued", 0), ("sent", 1)]


# STARTTLS and implicit TLS, with a throwaway certificate made by the openssl command.


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by the client through SSL_CERT_FILE."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_is_used_when_asked_for(start_smtp, queue, certificate):
    server = start_smtp(tls_context=certificate, require_starttls=True)
    email = queue()

    report = deliver_due(plain_settings(server, security="starttls"), now=NOW)

    assert report.sent == 1
    assert statuses(email) == [("sent", 1)]


def test_without_starttls_a_server_that_requires_it_refuses(start_smtp, queue, certificate):
    server = start_smtp(tls_context=certificate, require_starttls=True)
    email = queue()

    report = deliver_due(plain_settings(server, security="none"), now=NOW)

    assert report.failed == 1
    assert "530" in reload(email).last_error


def test_an_untrusted_certificate_is_refused(start_smtp, queue, certificate, monkeypatch):
    server = start_smtp(tls_context=certificate, require_starttls=True)
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
    email = queue()

    report = deliver_due(plain_settings(server, security="starttls"), now=NOW)

    assert report.failed == 1
    assert reload(email).last_error.startswith("Could not set up a secure connection to the mail server")
    assert server.handler.received == []


def test_implicit_tls_is_used_when_asked_for(start_smtp, queue, certificate):
    server = start_smtp(ssl_context=certificate)
    email = queue()

    report = deliver_due(plain_settings(server, security="tls"), now=NOW)

    assert report.sent == 1
    assert statuses(email) == [("sent", 1)]


# The settings and the commands.


def test_settings_come_from_prefixed_environment_variables(make_site, monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_MAIL_SMTP_HOST", "smtp.example.gov.uk")
    monkeypatch.setenv("PEERCHALLENGE_MAIL_SMTP_PORT", "465")
    monkeypatch.setenv("PEERCHALLENGE_MAIL_SMTP_SECURITY", "tls")
    monkeypatch.setenv("PEERCHALLENGE_MAIL_SMTP_USERNAME", "mailer")
    monkeypatch.setenv("PEERCHALLENGE_MAIL_SMTP_PASSWORD", "pa55-word")
    monkeypatch.setenv("PEERCHALLENGE_MAIL_FROM", "Eastern peer challenge <pc@example.gov.uk>")

    settings = SmtpSettings.from_config(make_site().config)

    assert settings == SmtpSettings(
        host="smtp.example.gov.uk",
        port=465,
        security="tls",
        username="mailer",
        password="pa55-word",
        timeout=10,
        sender="Eastern peer challenge <pc@example.gov.uk>",
    )
    assert "pa55-word" not in repr(settings)


def configure_smtp(app, server_or_port, **settings):
    port = server_or_port if isinstance(server_or_port, int) else server_or_port.port
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_SECURITY="none", MAIL_SMTP_USERNAME=""
    )
    app.config.update(settings)


def test_delivery_reads_an_apps_config(app, smtp, queue):
    configure_smtp(app, smtp)
    email = queue()

    report = deliver_due(app.config, now=NOW)

    assert report.sent == 1
    assert statuses(email) == [("sent", 1)]


def test_deliver_command_sends_and_says_how_it_went(app, smtp, queue, world):
    configure_smtp(app, smtp)
    smtp.handler.refuse_recipient[world.contributor.email] = "550 5.1.1 Unknown user"
    queue(world.director), queue(world.contributor), queue(world.lead)

    result = app.test_cli_runner().invoke(args=["mail", "deliver"])

    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2, failed 1, 1 waiting for retry\n"
    assert len(smtp.handler.received) == 2


def test_deliver_command_without_smtp_says_how_many_wait(app, queue):
    app.config["MAIL_SMTP_HOST"] = ""
    email = queue()

    result = app.test_cli_runner().invoke(args=["mail", "deliver"])

    assert result.exit_code == 0
    assert result.output == "SMTP is not configured: 1 message is waiting in the outbox\n"
    assert statuses(email) == [("queued", 0)]


def test_deliver_command_refuses_settings_that_cannot_work(app, queue):
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_SECURITY="ssl")
    email = queue()

    result = app.test_cli_runner().invoke(args=["mail", "deliver"])

    assert result.exit_code == 1
    assert "MAIL_SMTP_SECURITY must be starttls, tls or none, not 'ssl'" in result.output
    assert statuses(email) == [("queued", 0)]


def test_list_command_shows_the_newest_messages_with_their_status(app, queue, world):
    app.config["MAIL_SMTP_HOST"] = ""
    sent = queue(world.lead, subject="Review submitted", status=EmailStatus.SENT, attempts=1)
    failed = queue(
        world.director,
        subject="Your peer reviews",
        status=EmailStatus.FAILED,
        attempts=2,
        next_attempt_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
    )

    result = app.test_cli_runner().invoke(args=["mail", "list"])
    failed_only = app.test_cli_runner().invoke(args=["mail", "list", "--status", "failed"])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{sent.id:>6}  ")
    assert lines[1].endswith(f"  sent  {world.lead.email}  Review submitted")
    assert f"failed (attempt 2, next at 1 July 2026 at 1:00pm)  {world.director.email}" in lines[0]
    assert failed_only.output.splitlines() == [lines[0]]
    assert str(failed.id) in lines[0]
