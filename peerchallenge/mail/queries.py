"""Who may read the outbox, and reading it a page at a time in a fixed number of queries."""

import math
from dataclasses import dataclass

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.extensions import db
from peerchallenge.mail.models import EmailStatus, OutboxEmail

PAGE_SIZE = 50


def can_read_outbox(user: User) -> bool:
    """Admins read every message; regional leads read the messages about their regions."""
    return user.is_authenticated and (user.is_admin or bool(user.lead_region_ids()))


def can_read_email(user: User, email: OutboxEmail) -> bool:
    """A message without a region is the admin's alone."""
    if not user.is_authenticated:
        return False
    return user.is_admin or (email.region_id is not None and email.region_id in user.lead_region_ids())


def _readable_by(user: User):
    """The messages a user may read, as a condition for a query."""
    if user.is_admin:
        return sa.true()
    return OutboxEmail.region_id.in_(sorted(user.lead_region_ids()))


@dataclass
class OutboxPage:
    emails: list[OutboxEmail]
    counts: dict[EmailStatus, int]
    status: EmailStatus | None
    page: int
    page_count: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def matching(self) -> int:
        return self.counts.get(self.status, 0) if self.status else self.total


def outbox_page(user: User, status: EmailStatus | None, page: int, page_size: int = PAGE_SIZE) -> OutboxPage:
    """One page of the messages a user may read, newest first, with how many there are of each status."""
    readable = _readable_by(user)
    counts = {status: 0 for status in EmailStatus}
    rows = db.session.execute(
        sa.select(OutboxEmail.status, sa.func.count()).where(readable).group_by(OutboxEmail.status)
    )
    counts.update({EmailStatus(row_status): number for row_status, number in rows})
    matching = counts[status] if status else sum(counts.values())
    query = sa.select(OutboxEmail).where(readable)
    if status:
        query = query.where(OutboxEmail.status == status)
    query = (
        query.order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return OutboxPage(
        emails=list(db.session.scalars(query)),
        counts=counts,
        status=status,
        page=page,
        page_count=max(1, math.ceil(matching / page_size)),
    )


def recent_emails(limit: int, status: EmailStatus | None = None) -> list[OutboxEmail]:
    """The newest messages in the whole outbox, for `flask mail list`."""
    query = sa.select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxEmail.status == status)
    return list(db.session.scalars(query))
