"""A letter version's PDF and Word files: rendered once, stored in the database, served from there.

The files are rendered when the letter is approved (the lead's preview) and again when it is released (the
file then carries the release date instead of "draft"); a download of a version without a current file
renders it then and stores it. Two requests asking for the same missing file at once render it once: the
second waits on the version's row lock and finds the file the first stored.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

import sqlalchemy as sa

from peerchallenge.dates import UK_TIME
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.compose import letter_title
from peerchallenge.letters.models import FileKind, KeptFile, Letter, LetterFile
from peerchallenge.letters.output import LetterDetails, letter_docx, letter_pdf

RENDERERS: dict[FileKind, Callable[[LetterDetails], bytes]] = {
    FileKind.PDF: letter_pdf,
    FileKind.DOCX: letter_docx,
}
MIMETYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def letter_details(letter: Letter) -> LetterDetails:
    """The letter's current text and what its files print around it."""
    cycle = letter.cycle
    return LetterDetails(
        body_html=letter.current_version.body_html,
        title=letter_title(cycle.title),
        authority_name=letter.authority.name,
        region_name=cycle.region.letterhead_name,
        released_on=letter.released_at.astimezone(UK_TIME).date() if letter.released_at else None,
    )


def source_hash(details: Any) -> str:
    """The SHA-256 of everything a file is made from (a dataclass, such as LetterDetails): a stored file with
    another hash is out of date."""
    text = json.dumps(asdict(details), sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """What JSON does not take, as it is hashed: a set in order (its own order differs between processes),
    anything else (dates, enums) as its text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


F = TypeVar("F", bound=KeptFile)  # a letter version's file, an outcome note's, a pack, a themes paper


def current_file(
    details: Any,
    render: Callable[[], bytes],
    lock_target: object,
    query: sa.Select[F],
    make: Callable[[str, bytes], F],
) -> F:
    """The file made from `details` (a dataclass): the kept one (what `query` finds) if it was made from them,
    else rendered now (`render`) and kept (a new row from `make(hash, data)`, or the old row again, in place).

    Missing or out of date, it takes `lock_target`'s row lock first, so that a second request for the same
    file waits there, then looks again: it finds the file the first one stored and renders nothing.
    """
    wanted = source_hash(details)

    def find() -> F | None:
        return db.session.scalar(query.execution_options(populate_existing=True))

    found = find()
    if found is not None and found.source_sha256 == wanted:
        return found
    # FOR NO KEY UPDATE: a second request for the file waits here, but rows referring to the locked one (an
    # action on the letter, a tag of the cycle) can still be added while the file is made.
    lock_for_update(lock_target, key_share=True)
    found = find()
    if found is not None and found.source_sha256 == wanted:
        return found
    data = render()
    if found is None:
        found = make(wanted, data)
        db.session.add(found)
    else:
        found.source_sha256, found.data, found.rendered_at = wanted, data, utcnow()
    db.session.flush()
    return found


def letter_file(letter: Letter, kind: FileKind) -> LetterFile:
    """The current version's file of this kind, rendered and stored first if it is missing or out of date."""
    version = letter.current_version
    details = letter_details(letter)
    return current_file(
        details,
        lambda: RENDERERS[kind](details),
        version,
        sa.select(LetterFile).where(LetterFile.version_id == version.id, LetterFile.kind == kind),
        lambda sha256, data: LetterFile(version=version, kind=kind, source_sha256=sha256, data=data),
    )


def render_files(letter: Letter) -> None:
    """Make sure the current version has its PDF and Word files, as the letter stands now."""
    for kind in FileKind:
        letter_file(letter, kind)
