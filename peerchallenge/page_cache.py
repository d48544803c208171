"""Pages kept for the session that saw them, and downloads for the person, until the database changes.

Most page views change nothing: a director opening their home page again, a lead going back to the cycle's
page between two letters. Rendering a page costs up to 35 times what `/healthz` costs in-process; serving it
again as it was costs about twice (benchmarks/README.md, the seventh round).

**The data stamp.** `data_stamps` holds it (row 1). Every transaction that writes anything but audit events,
through any worker or `flask` command, raises it as its last statement before it commits (`_raise_stamp`, a
SQLAlchemy `commit` event), so the new number and the change are committed together. A page is kept with the
stamp read at the start of its request, before anything the page shows was read; it is served again only while
the stamp is unchanged. A page cannot therefore lack anything committed before it is served: a change commits
with a new stamp, and the kept page has an older one.

**What is kept.** The HTML of a 200 answer to a GET by a signed-in person, under the session and what it
holds, the person, the URL and the UK date (a page may say what is due or overdue today). It is kept only if
its request wrote nothing (a view that records a read or an audit event renders every time), changed nothing
in the session (no message flashed, no CSRF token made), and set no header of its own. Pages that change with
the time of day say until when they hold (`keep_page_until`: the outbox, when a failed message's next try is
due).

**Served again.** After the same checks a request would make before its view: the session is looked up (an
ended or idle session, or a deactivated person, is signed out as before), and a hit answers from here instead
of the view. The page's CSP nonce is replaced by this response's own. Each entry lasts `PAGE_CACHE_SECONDS`
(well inside a form's 8-hour CSRF token) and each worker keeps at most `PAGE_CACHE_BYTES` of compressed HTML,
dropping the least recently used; 0 turns the cache off.

**The audit stamp.** Audit events are written by views that otherwise only read (every download is
audited) and are shown on one page, the audit log. Writing them raises a second number, the audit stamp, and
not the data stamp; a page whose request read the audit events (any statement naming the table) is kept with
both numbers and served only while both are unchanged. So a download drops no other kept page.

**Files kept.** A download's view runs every time, because it audits the download. `kept_file` keeps what
making the file returned, for the person and the day, with the stamps read at the start of the request, and
gives it back while they are unchanged: the view still checks access and records its audit event, and skips
only the making. The same sizes and times bound it as kept pages (they share the cache). `kept_value` and
`keep_value` keep a value while the data stamp alone is unchanged, for a caller that checks for itself what
audit events were added since (the audit log's CSV).

**Writes that change no page.** A statement run with the execution option `unseen_by_pages` does not raise
the stamp: noting that a session was seen (which no page shows), and the migrations' own statements (the
table may not be there yet; `migrations/env.py` raises it once when they have run). Anything else that writes
raises it: there is no list of tables to keep true. A change made by hand in the database, outside the app,
shows when entries expire or workers restart.

**What it costs writers.** Every writing commit updates a stamp's row, so commits take turns from that update
to the end of the commit. It is the last lock a transaction takes, so it cannot close a deadlock; the turn
lasts one UPDATE and the commit's write to disk. How long writers waited under load was not measured.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from peerchallenge.dates import uk_today
from peerchallenge.extensions import Model, db, utcnow

# Endpoints never kept: what answers without looking anyone up (the load balancer's check, the static files),
# and the set-password form, which a link's age closes without anything written.
UNKEPT = frozenset({"core.healthz", "static", "accounts.set_password", None})
# The first word of statements that write nothing: anything else raises the stamp.
READING = frozenset(
    {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SHOW", "SET", "PRAGMA"}
)
# The rows of data_stamps: what any write but an audit event raises, and what audit events raise.
DATA, AUDIT = 1, 2
# The one table whose writes raise the audit stamp, and only pages that read it compare it.
AUDIT_TABLE = "audit_events"
AUDIT_INSERT = f"INSERT INTO {AUDIT_TABLE} "
RAISE_STAMP = "UPDATE data_stamps SET value = value + 1 WHERE id = 1"
RAISE_AUDIT_STAMP = "UPDATE data_stamps SET value = value + 1 WHERE id = 2"
RAISE_BOTH_STAMPS = "UPDATE data_stamps SET value = value + 1"
# On a connection's info: it wrote data, or audit events, in its open transaction.
WROTE = "peerchallenge.wrote"
WROTE_AUDIT = "peerchallenge.wrote_audit"
UNSEEN_BY_PAGES = "unseen_by_pages"


class DataStamp(Model):
    """Two rows: numbers raised by every transaction that writes data (id 1) or audit events (id 2), so that
    a kept page can tell it is current."""

    __tablename__ = "data_stamps"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


READ_STAMP = sa.select(DataStamp.value).where(DataStamp.id == DATA)
READ_AUDIT_STAMP = sa.select(DataStamp.value).where(DataStamp.id == AUDIT)


# Raising the stamp ------------------------------------------------------------------------------------------


def watch_writes(engine: sa.Engine) -> None:
    """Raise the stamp in every transaction on `engine` that writes, as its last statement before commit."""
    if event.contains(engine, "before_cursor_execute", _note_write):
        return
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _raise_stamp)
    event.listen(engine, "rollback", _forget_write)
    event.listen(engine, "checkin", _forget_write_on_checkin)  # the pool rolls back without the event above


def _note_write(connection, cursor, statement, parameters, context, executemany) -> None:
    words = statement[:40].split(None, 1)
    if not words:
        return
    if words[0].upper() in READING:
        if AUDIT_TABLE in statement and has_app_context():
            g.page_cache_read_audit = True
        return
    if connection.get_execution_options().get(UNSEEN_BY_PAGES) or (
        context is not None and context.execution_options.get(UNSEEN_BY_PAGES)
    ):
        return
    audit = statement.startswith(AUDIT_INSERT)
    connection.info[WROTE_AUDIT if audit else WROTE] = True
    if has_app_context():
        # Any write keeps the page from being kept: a view that audits a reading must run every time.
        g.page_cache_wrote = True
        if audit:
            g.page_cache_wrote_audit = True
        else:
            g.page_cache_wrote_data = True


def _raise_stamp(connection) -> None:
    wrote, wrote_audit = connection.info.pop(WROTE, False), connection.info.pop(WROTE_AUDIT, False)
    if wrote or wrote_audit:
        # Raising a stamp is not itself a write anything kept could show.
        connection.exec_driver_sql(
            RAISE_BOTH_STAMPS if wrote and wrote_audit else RAISE_STAMP if wrote else RAISE_AUDIT_STAMP,
            execution_options={UNSEEN_BY_PAGES: True},
        )


def _forget_write(connection) -> None:
    connection.info.pop(WROTE, None)
    connection.info.pop(WROTE_AUDIT, None)


def _forget_write_on_checkin(dbapi_connection, connection_record) -> None:
    if connection_record is not None:
        connection_record.info.pop(WROTE, None)
        connection_record.info.pop(WROTE_AUDIT, None)


# Keeping pages ----------------------------------------------------------------------------------------------


Stamps = tuple[int, int | None]  # the data stamp, and the audit stamp where what is kept read audit events


@dataclass(frozen=True)
class Kept:
    """A kept page or file: what it was made with, until when it may be served, and how big it is."""

    stamps: Stamps
    expires: float  # on time.monotonic()'s clock
    size: int

    def is_current(self, stamps: Stamps) -> bool:
        data, audit = self.stamps
        return data == stamps[0] and (audit is None or audit == stamps[1])


@dataclass(frozen=True)
class KeptPage(Kept):
    nonce: bytes
    content_type: str
    compressed: bytes


@dataclass(frozen=True)
class KeptFile(Kept):
    value: Any


class PageCache:
    """The pages and files one worker keeps: the least recently used go first when their size passes
    `max_bytes`."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.size = 0
        self.pages: OrderedDict[tuple, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, stamps: Stamps) -> Kept | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if not page.is_current(stamps) or time.monotonic() > page.expires:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Kept) -> None:
        if page.size > self.max_bytes // 8:
            return  # one page may not push out most of the others
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = page
            self.size += page.size
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: tuple) -> None:
        self.size -= self.pages.pop(key).size

    def clear(self) -> None:
        """Keep nothing, as a worker just started (after a database is restored, whose stamps go back)."""
        with self.lock:
            self.pages.clear()
            self.size = 0


def init_page_cache(app: Flask) -> None:
    """Watch the app's database for writes and keep its pages.

    Called after the blueprints, so that these hooks run after the CSRF check, the rate limits and the CSP
    nonce, and see the view's answer before any other after-request hook.
    """
    with app.app_context():
        watch_writes(db.engine)
    cache = PageCache(
        int(app.config.get("PAGE_CACHE_BYTES", 0)), float(app.config.get("PAGE_CACHE_SECONDS", 300))
    )
    app.extensions["page_cache"] = cache
    app.before_request(_serve_kept_page)
    app.after_request(_keep_page)


def _cache() -> PageCache | None:
    """The app's cache, or None where PAGE_CACHE_BYTES is 0: the setting is read each time, so that it can be
    changed on a running app (as the tests and benchmarks do)."""
    max_bytes = current_app.config.get("PAGE_CACHE_BYTES", 0)
    if max_bytes <= 0:
        return None
    cache: PageCache = current_app.extensions["page_cache"]
    cache.max_bytes = max_bytes
    return cache


def _serve_kept_page() -> Response | None:
    if request.method != "GET" or request.endpoint in UNKEPT:
        return None
    cache = _cache()
    if cache is None or not current_user.is_authenticated or "_flashes" in session:
        return None
    if not current_user.current_session_id or "csp_nonce" not in g:
        return None
    # Read with the person by the user loader (one query), before anything the page shows.
    stamps = _request_stamps()
    if stamps is None:
        return None
    # The session's contents too: a page may show what the session holds (a set-password link shown once).
    key = (
        current_user.current_session_id,
        current_user.id,
        request.url,
        uk_today(),
        repr(sorted(session.items())),
    )
    g.page_cache_key = (key, stamps)
    page = cache.get(key, stamps)
    if not isinstance(page, KeptPage):
        return None
    g.page_cache_served = True
    body = zlib.decompress(page.compressed).replace(page.nonce, g.csp_nonce.encode())
    return Response(body, status=200, content_type=page.content_type)


def _keep_page(response: Response) -> Response:
    wanted = g.pop("page_cache_key", None)
    if wanted is None or g.get("page_cache_served") or g.get("page_cache_wrote") or session.modified:
        return response
    cache = _cache()
    if (
        cache is None
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.is_streamed
        or response.direct_passthrough
        or set(response.headers.keys()) - {"Content-Type", "Content-Length"}
    ):
        return response
    key, stamps = wanted
    seconds = _seconds(cache)
    if seconds <= 0:
        return response
    compressed = zlib.compress(response.get_data(), 1)
    nonce = g.csp_nonce.encode()  # there, or no key was made
    expires = time.monotonic() + seconds
    cache.put(
        key, KeptPage(_as_read(stamps), expires, len(compressed), nonce, response.content_type, compressed)
    )
    return response


def _request_stamps() -> Stamps | None:
    """The stamps read with the signed-in person at the start of the request, or None (an empty table: keep
    nothing rather than guess)."""
    data, audit = current_user.data_stamp, current_user.audit_stamp
    return None if data is None or audit is None else (data, audit)


def _as_read(stamps: Stamps) -> Stamps:
    """The stamps to keep something with: the audit stamp only if its making read audit events."""
    return stamps if g.get("page_cache_read_audit") else (stamps[0], None)


def _seconds(cache: PageCache) -> float:
    if "page_cache_until" in g:
        return min(cache.seconds, float((g.page_cache_until - utcnow()).total_seconds()))
    return cache.seconds


def keep_page_until(moment: datetime) -> None:
    """Say that this request's page changes at `moment` without anything being written (a retry falls due):
    it is kept until then at most."""
    if "page_cache_until" not in g or moment < g.page_cache_until:
        g.page_cache_until = moment


T = TypeVar("T")


def kept_file(key: tuple, make: Callable[[], T]) -> T:
    """What `make()` returns (a file's bytes or text, or a tuple holding them), kept for the signed-in person
    and the UK day under `key`: given back without calling `make` while nothing has been written since.

    `key` names the file and whatever it depends on besides the data, the person and the day (a format, the
    filters). A making that writes (a file made and stored for the first time) is not kept.
    """
    where = _cache_and_stamps()
    if where is None:
        return make()
    cache, stamps = where
    full_key = (KeptFile, _person_id(), uk_today(), *key)
    kept = cache.get(full_key, stamps)
    if isinstance(kept, KeptFile):
        return cast(T, kept.value)
    read_audit_before = g.pop("page_cache_read_audit", False)
    value = make()
    read_audit = g.get("page_cache_read_audit", False)
    g.page_cache_read_audit = read_audit_before or read_audit
    # Kept only if what it read was committed: nothing written in this request that it could have read.
    if g.get("page_cache_wrote_data") or (read_audit and g.get("page_cache_wrote_audit")):
        return value
    _put_file(cache, full_key, stamps if read_audit else (stamps[0], None), value, _size(value))
    return value


def _cache_and_stamps() -> tuple[PageCache, Stamps] | None:
    """The cache and the stamps read at the start of the request, if something can be kept for the signed-in
    person (a `flask` command keeps nothing)."""
    cache = _cache() if has_request_context() else None
    stamps = _request_stamps() if cache is not None and current_user.is_authenticated else None
    return None if cache is None or stamps is None else (cache, stamps)


def _put_file(cache: PageCache, key: tuple, stamps: Stamps, value: object, size: int) -> None:
    seconds = _seconds(cache)
    if seconds > 0:
        cache.put(key, KeptFile(stamps, time.monotonic() + seconds, size, value))


def _kept_value_key(key: tuple) -> tuple[PageCache, tuple, Stamps] | None:
    where = _cache_and_stamps()
    if where is None:
        return None
    cache, stamps = where
    return cache, ("while data unchanged", _person_id(), *key), stamps


def _person_id() -> int:
    """The signed-in person's id, without reading them again: after a commit they are expired, and a
    streamed response is sent after their session has ended."""
    person_id: int = sa.inspect(current_user._get_current_object()).identity[0]
    return person_id


def kept_value(key: tuple) -> Any:
    """What `keep_value` kept under `key` for the signed-in person, if no data has been written since (audit
    events aside: whoever keeps a value that shows them checks for themselves what was added); else None."""
    where = _kept_value_key(key)
    if where is None:
        return None
    cache, full_key, stamps = where
    kept = cache.get(full_key, stamps)
    return kept.value if isinstance(kept, KeptFile) else None


def keep_value(key: tuple, value: object, size: int) -> None:
    """Keep `value` (of about `size` bytes) for the signed-in person under `key`, for `kept_value`, with the
    data stamp read at the start of the request: not if this request wrote data it could have read."""
    where = _kept_value_key(key)
    if where is None or g.get("page_cache_wrote_data"):
        return
    cache, full_key, stamps = where
    _put_file(cache, full_key, (stamps[0], None), value, size)


def _size(value: object) -> int:
    """The bytes and text a kept file holds, to weigh it against the cache's size."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(part) for part in value)
    return 0
