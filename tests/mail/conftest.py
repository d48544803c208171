"""A real SMTP server on loopback (aiosmtpd) that records what it receives and can refuse on demand."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from peerchallenge.accounts.models import User
from peerchallenge.extensions import db
from peerchallenge.mail.delivery import SmtpSettings
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.mail.services import queue_email


class RecordingHandler:
    """Keeps every message it accepts; refuses recipients or messages when told to."""

    def __init__(self):
        self.received = []  # (client address, envelope recipients, parsed message)
        self.refuse_recipient: dict[str, str] = {}  # address -> SMTP reply
        self.refuse_data: list[str] = []  # replies for the next DATA commands, in order

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipient:
            return self.refuse_recipient[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data.pop(0)
        # Lines end in CRLF on the wire; compare bodies as Python writes them.
        content = envelope.original_content.replace(b"\r\n", b"\n")
        message = message_from_bytes(content, policy=policy.default)
        self.received.append((session.peer, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_smtp():
    """Start an SMTP server on 127.0.0.1 with extra aiosmtpd options; stopped after the test."""
    controllers = []

    def start(handler=None, port: int | None = None, **options) -> Controller:
        controller = Controller(
            handler or RecordingHandler(), hostname="127.0.0.1", port=port or free_port(), **options
        )
        controller.start()
        controllers.append(controller)
        return controller

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(start_smtp) -> Controller:
    return start_smtp()


def plain_settings(controller_or_port, **changes) -> SmtpSettings:
    port = controller_or_port if isinstance(controller_or_port, int) else controller_or_port.port
    values = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5}
    return SmtpSettings(**(values | changes))


@pytest.fixture
def queue(world):
    """Queue a message for a user (the director by default) and commit it, as a request would."""

    def add(user: User | None = None, subject: str = "Your peer reviews", body: str = "Hello", **fields):
        email = queue_email(
            user or world.director,
            fields.pop("kind", "assignment_published"),
            subject,
            body,
            region_id=fields.pop("region_id", world.region.id),
        )
        for name, value in fields.items():
            setattr(email, name, value)
        db.session.commit()
        return email

    return add


def reload(email: OutboxEmail) -> OutboxEmail:
    """The message as the database has it now."""
    db.session.expire_all()
    return db.session.get(OutboxEmail, email.id)
