"""Reading the audit log: who sees which events, filtering, paging and the CSV export.

A lead sees the events recorded against a region it leads. Events recorded without a region (sign-ins,
failed sign-ins, password changes) concern a person's account rather than one region's work; a lead sees
those about the people who hold a role in a region it leads now (a person with roles in two regions is
seen by both regions' leads). A failed sign-in with an email nobody has concerns nobody: only admins see it.
"""

import csv
import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from peerchallenge.accounts.models import User
from peerchallenge.accounts.queries import user_ids_in_regions
from peerchallenge.audit.models import AuditEvent, typed_email, who_did_it
from peerchallenge.dates import UK_TIME, start_of_uk_day
from peerchallenge.extensions import db
from peerchallenge.page_cache import keep_value, kept_value
from peerchallenge.regions.models import Authority

CSV_HEADER = ("Event", "When (UK time)", "Who", "Email", "What", "Kind", "Authority", "Details")
CSV_BATCH = 500
KEY_BATCH = 2000  # events' keys read at a time: a key is small
# The most an export kept whole for its person may take, compressed (bytes; a CSV compresses about 20 times):
# a larger one is made again each time. Its lines are compressed in blocks of about KEPT_BLOCK characters.
KEPT_EXPORT_MAX = 2 * 1024 * 1024
KEPT_BLOCK = 256 * 1024
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class EventFilters:
    authority_id: int | None = None
    user: str = ""
    kind: str = ""
    from_day: date | None = None
    to_day: date | None = None


def can_view_audit_log(user: User) -> bool:
    """Admins see the whole log; regional leads see their regions' part of it."""
    return user.is_authenticated and (user.is_admin or bool(user.lead_region_ids()))


def _visible(user: User) -> sa.ColumnElement[bool]:
    if user.is_admin:
        return sa.true()
    led = sorted(user.lead_region_ids())
    return sa.or_(
        AuditEvent.region_id.in_(led),
        sa.and_(AuditEvent.region_id.is_(None), AuditEvent.subject_user_id.in_(user_ids_in_regions(led))),
    )


def visible_authorities(user: User) -> list[tuple[int, str]]:
    """The ids and names of the authorities whose events this person may filter by (an admin's are all 153:
    rows, not objects)."""
    statement = sa.select(Authority.id, Authority.name).order_by(Authority.name, Authority.id)
    if not user.is_admin:
        statement = statement.where(Authority.region_id.in_(sorted(user.lead_region_ids())))
    return [(row.id, row.name) for row in db.session.execute(statement)]


def kinds_present(user: User) -> list[str]:
    """The kinds of event in the part of the log this person sees."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent.kind).where(_visible(user)).distinct().order_by(AuditEvent.kind)
        )
    )


def filtered_events(user: User, filters: EventFilters) -> sa.Select:
    """The events this person sees that match the filters, newest first."""
    statement = sa.select(AuditEvent).where(_visible(user))
    if filters.authority_id:
        statement = statement.where(AuditEvent.authority_id == filters.authority_id)
    if filters.kind:
        statement = statement.where(AuditEvent.kind == filters.kind)
    if filters.user:
        text = filters.user.strip().lower()
        people = sa.select(User.id).where(
            sa.or_(
                sa.func.lower(User.email).contains(text, autoescape=True),
                sa.func.lower(User.name).contains(text, autoescape=True),
            )
        )
        statement = statement.where(
            sa.or_(
                AuditEvent.actor_id.in_(people),
                AuditEvent.subject_user_id.in_(people),
                # The email typed at a failed sign-in, which may belong to nobody.
                sa.func.lower(AuditEvent.details["email"].as_string()).contains(text, autoescape=True),
            )
        )
    if filters.from_day:
        statement = statement.where(AuditEvent.occurred_at >= start_of_uk_day(filters.from_day))
    if filters.to_day:
        statement = statement.where(
            AuditEvent.occurred_at < start_of_uk_day(filters.to_day + timedelta(days=1))
        )
    return statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def count_events(statement: sa.Select) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()


def _with_people(statement: sa.Select) -> sa.Select:
    return statement.options(
        joinedload(AuditEvent.actor), joinedload(AuditEvent.subject_user), joinedload(AuditEvent.authority)
    )


def page_of_events(statement: sa.Select, page: int, per_page: int) -> list[AuditEvent]:
    """One page of events with the people and authorities they name, in one query."""
    return list(db.session.scalars(_with_people(statement).limit(per_page).offset((page - 1) * per_page)))


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(row: sa.Row) -> list[str]:
    """One event as CSV cells, from a row of `CSV_COLUMNS`."""
    cells = [
        str(row.id),
        row.occurred_at.astimezone(UK_TIME).strftime("%Y-%m-%d %H:%M:%S"),
        who_did_it(row.actor_name, row.details),
        row.actor_email if row.actor_name is not None else typed_email(row.details),
        row.summary,
        row.kind,
        row.authority_name or "",
        json.dumps(row.details or {}, sort_keys=True, ensure_ascii=False),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


# The person who acted, joined to each event by the export's queries.
ACTOR = sa.orm.aliased(User, name="actor")


def _with_names(statement: sa.Select, *columns: sa.SQLColumnExpression[Any]) -> sa.Select:
    """The statement's events as plain rows of these columns, joined to the person who acted and to the
    authority: building an object per event (and per actor and authority) took most of a large export's
    time."""
    return (
        statement.with_only_columns(*columns, maintain_column_froms=True)
        .outerjoin_from(AuditEvent, ACTOR, AuditEvent.actor_id == ACTOR.id)
        .outerjoin(Authority, AuditEvent.authority_id == Authority.id)
    )


# What makes each event's line what it is: the event (its id, and its time as stored, since an emptied
# database gives ids out again) and the names it shows, which can change.
LINE_KEY = (
    AuditEvent.id,
    sa.cast(AuditEvent.occurred_at, sa.String).label("stored_at"),
    ACTOR.name.label("actor_name"),
    ACTOR.email.label("actor_email"),
    Authority.name.label("authority_name"),
)
# Everything a line shows, its key's columns last.
CSV_COLUMNS = (AuditEvent.occurred_at, AuditEvent.kind, AuditEvent.summary, AuditEvent.details, *LINE_KEY)


LineKey = tuple[int, str, str | None, str | None, str | None]


class CsvLines:
    """Events' CSV lines, made once by each worker: an event never changes, so its line changes only with the
    names it shows, which are part of its key. Reading an event's key costs about 3 to 4 µs, reading it whole
    and making its line about 30 (benchmarks/README.md, the eighth round). At most `max_bytes` of lines are
    kept; when they would pass it, all are dropped and kept again from the next export."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.lines: dict[LineKey, str] = {}
        self.lock = threading.Lock()

    def get(self, key: LineKey) -> str | None:
        return self.lines.get(key)

    def put(self, key: LineKey, line: str) -> None:
        with self.lock:
            if self.size + len(line) > self.max_bytes:
                self.lines.clear()
                self.size = 0
            if key not in self.lines:
                self.lines[key] = line
                self.size += len(line)


CSV_LINES = CsvLines(max_bytes=8 * 1024 * 1024)


class _LastLine:
    """What a csv.writer writes to, keeping the one line it wrote last."""

    line = ""

    def write(self, text: str) -> None:
        self.line = text


def _header() -> str:
    last = _LastLine()
    csv.writer(last).writerow(CSV_HEADER)
    # The byte order mark makes Excel read the file as UTF-8 (names with accents, curly apostrophes).
    return "\ufeff" + last.line


def _line_batches(statement: sa.Select, stream: bool = True) -> Iterator[tuple[str, list[sa.Row]]]:
    """The statement's events as CSV lines, a batch at a time, each with its events' keys and times.

    Each batch reads the events' keys; only the events whose lines are not kept yet (CSV_LINES) are read
    whole and made into lines. The keys are streamed from the database (on PostgreSQL a server-side cursor,
    which costs round trips of its own), unless `stream` is false: for a few events.
    """
    last = _LastLine()
    writer = csv.writer(last)
    keys_of = _with_names(statement, *LINE_KEY, AuditEvent.occurred_at.label("at"))
    # Through the session's connection: the ORM's handling of each row cost more than reading it.
    keys = db.session.connection().execute(
        keys_of.execution_options(yield_per=KEY_BATCH) if stream else keys_of
    )
    for batch in keys.partitions(KEY_BATCH):
        kept = [CSV_LINES.get(tuple(row[: len(LINE_KEY)])) for row in batch]
        made: dict[int, str] = {}
        missing = [row[0] for row, line in zip(batch, kept, strict=True) if line is None]
        if missing:
            events = sa.select(AuditEvent).where(AuditEvent.id.in_(missing))
            for row in db.session.execute(_with_names(events, *CSV_COLUMNS)):
                writer.writerow(csv_row(row))
                made[row.id] = last.line
                CSV_LINES.put(tuple(row[-len(LINE_KEY) :]), last.line)
        lines = (made[row[0]] if line is None else line for row, line in zip(batch, kept, strict=True))
        yield "".join(lines), list(batch)


@dataclass(frozen=True)
class KeptExport:
    """A person's export as it was made: the lines (newest first) of the `count` events before `up_to`, and
    the newest one's time. The lines are `head` (the newest, as text) then `blocks`, each a run of lines
    compressed: 2 MB of lines take about 100 KB, compressed in about 5 ms and read back in about 3."""

    up_to: int
    count: int
    newest: datetime | None
    head: str
    blocks: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return len(self.head) + sum(len(block) for block in self.blocks)

    def text(self) -> Iterator[str]:
        yield self.head
        for block in self.blocks:
            yield zlib.decompress(block).decode()

    def after(self, export_id: int, lines: str, rows: list[sa.Row]) -> "KeptExport":
        """This export with later events' lines (newest first) before it, as export `export_id` keeps it."""
        head, blocks = lines + self.head, self.blocks
        if len(head) >= KEPT_BLOCK:
            head, blocks = "", (_compressed(head), *blocks)
        newest = rows[0].at if rows else self.newest
        return KeptExport(export_id, self.count + len(rows), newest, head, blocks)


def _compressed(text: str) -> bytes:
    return zlib.compress(text.encode(), 1)  # the fastest: a CSV compresses well even so


def events_csv(statement: sa.Select, export_id: int, filters: EventFilters) -> Iterator[str]:
    """The events of a query before the export's own, as CSV text, read from the database and sent in
    batches.

    The file last made for this person with these filters is kept while no data is written (a name it shows,
    a role that lets them see an event). A later export reads only the events after it, and sends them before
    it if three things hold:
    - the kept file was made by an earlier export (two exports asked for at once may be sent in either order);
    - the events before it are as many as it holds (so no event has appeared among them since: one
      committed late, with a lower id than one committed earlier);
    - the later events all come before it in the file's order, newest first.
    Otherwise it makes the whole file again.
    """
    yield _header()
    key = ("audit csv", filters)
    kept: KeptExport | None = kept_value(key)
    if (
        kept is not None
        and kept.up_to < export_id  # not kept by a later export sent first (a second click, another tab)
        and count_events(statement.where(AuditEvent.id < kept.up_to)) == kept.count
    ):
        later = statement.where(AuditEvent.id >= kept.up_to, AuditEvent.id < export_id)
        batches = list(_line_batches(later, stream=False))  # those since the last export: few
        rows = [row for _, batch in batches for row in batch]
        if not rows or kept.newest is None or rows[-1].at >= kept.newest:
            lines = "".join(text for text, _ in batches)
            yield lines
            yield from kept.text()
            again = kept.after(export_id, lines, rows)
            if again.size <= KEPT_EXPORT_MAX:
                keep_value(key, again, again.size)
            return
    blocks: list[bytes] = []
    pending: list[str] = []
    count, pending_size, size, newest = 0, 0, 0, None
    for text, batch in _line_batches(statement.where(AuditEvent.id < export_id)):
        yield text
        if newest is None and batch:
            newest = batch[0].at
        count = count + len(batch)
        if size > KEPT_EXPORT_MAX:
            continue  # too large to keep: only counted
        pending.append(text)
        pending_size += len(text)
        if pending_size >= KEPT_BLOCK:
            blocks.append(_compressed("".join(pending)))
            size += len(blocks[-1])
            pending, pending_size = [], 0
    if pending:
        blocks.append(_compressed("".join(pending)))
        size += len(blocks[-1])
    if size <= KEPT_EXPORT_MAX:
        keep_value(key, KeptExport(export_id, count, newest, "", tuple(blocks)), size)
