"""A letter edited in Word and uploaded back as a new version of its text.

Regional programme managers work in Word: the lead downloads the draft (`output.letter_docx`), edits it and
uploads it here. The file passes the same checks as a self-assessment, mammoth reads it as Markdown, and what
the Word writer put around the body (the title, the authority, region and release lines) is taken off, so
that a file uploaded unchanged gives back the letter's text.
"""

import hashlib
import re

from flask import current_app

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.documents.checks import DocumentRejected, check_upload, document_kind, safe_filename
from peerchallenge.documents.extract import extract_markdown
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import lock_for_update
from peerchallenge.letters.compose import letter_title
from peerchallenge.letters.models import Letter, VersionSource
from peerchallenge.letters.output import heading_shift
from peerchallenge.letters.services import LETTERS_READ_ONLY, MAX_LETTER, LetterChanged, save_version
from peerchallenge.sanitise import plain_text
from peerchallenge.text_limits import shape_problem

# A letter without pictures is a few tens of kilobytes as Word; this leaves room for a logo or two.
MAX_LETTER_FILE = 10 * 1024 * 1024

WORD_ONLY = "Upload the letter as a Word file (.docx)."
EMPTY = "The Word file has no letter in it: only the title and details that the download adds, or nothing."
RELEASED = "This letter has been released and can no longer be changed."

# The lines letter_docx writes under the title, as mammoth's Markdown has them.
DETAIL_LINE = re.compile(r"\*\*(?:Authority|Region|Released):\*\* ")
MARKDOWN_ESCAPE = re.compile(r"\\(.)")
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
TABLE_RULE = re.compile(r"\|(?: --- \|)+")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
BLANK_LINES = re.compile(r"\n{3,}")
BOLD_CELL = re.compile(r"\*\*((?:(?!\*\*).)+)\*\*")


def same_text(uploaded: str, current: str) -> bool:
    """Whether an uploaded text is the current one; Word keeps no blank lines, so a run of them is one."""
    return BLANK_LINES.sub("\n\n", uploaded) == BLANK_LINES.sub("\n\n", current)


def _words(markdown: str) -> str:
    return " ".join(MARKDOWN_ESCAPE.sub(r"\1", markdown).split())


def _without_details(blocks: list[str], title: str) -> list[str]:
    """The blocks after the title heading and the detail lines that letter_docx writes before the body."""
    start = 0
    if blocks and blocks[0].startswith("# "):
        followed_by_details = len(blocks) > 1 and DETAIL_LINE.match(blocks[1]) is not None
        if followed_by_details or _words(blocks[0][2:]) == _words(title):
            start = 1
    while start < len(blocks) and DETAIL_LINE.match(blocks[start]):
        start += 1
    return blocks[start:]


def _plain_header_row(table: str) -> str:
    """A table's header cells without the bold that the Word file gives them (a header shows bold anyway)."""
    lines = table.split("\n")
    if len(lines) < 2 or not TABLE_RULE.fullmatch(lines[1]):
        return table
    cells = UNESCAPED_PIPE.split(lines[0])[1:-1]
    plain = [BOLD_CELL.fullmatch(cell.strip()) for cell in cells]
    lines[0] = (
        "| " + " | ".join(m.group(1) if m else c.strip() for m, c in zip(plain, cells, strict=True)) + " |"
    )
    return "\n".join(lines)


def letter_text(word_markdown: str, title: str, shift: int) -> str:
    """The letter's Markdown from the Markdown of its Word file.

    Drops the title and detail lines the download adds, puts the headings back down the `shift` levels the
    download lifted them (`output.heading_shift` of the current text) and takes the bold off table headers.
    """
    blocks = _without_details(word_markdown.strip("\n").split("\n\n"), title)
    text = "\n\n".join(_plain_header_row(block) if block.startswith("| ") else block for block in blocks)
    if shift:
        text = HEADING.sub(lambda match: "#" * min(len(match.group(1)) + shift, 6) + " ", text)
    return text.strip() + "\n"


def _read_word_file(filename: str, data: bytes) -> str:
    """The Markdown of a checked Word file; any other kind of file, or an unsafe one, is refused."""
    try:
        if document_kind(filename) != "docx":  # which names an older or macro-enabled Word file's problem
            raise DocumentRejected(WORD_ONLY)
        max_bytes = min(MAX_LETTER_FILE, current_app.config["MAX_CONTENT_LENGTH"])
        markdown, _warnings = extract_markdown(check_upload(filename, data, max_bytes=max_bytes), data)
    except DocumentRejected as error:
        raise ServiceError(error.message, field="file") from error
    return markdown


def upload_version(actor: User, letter: Letter, filename: str, data: bytes, base_version: int) -> bool:
    """Save a Word file of the letter as a new version; False when its text is the current text."""
    lock_for_update(letter)
    check_not_closed(letter.cycle, LETTERS_READ_ONLY)
    if letter.is_released:
        raise ServiceError(RELEASED)  # shown at the top: a released letter has no upload form
    markdown = _read_word_file(filename, data)
    shift = heading_shift(letter.current_version.body_html)
    body = plain_text(letter_text(markdown, letter_title(letter.cycle.title), shift))
    if not body.strip():
        raise ServiceError(EMPTY, field="file")
    if problem := shape_problem(body, "The letter", "a letter", max_characters=MAX_LETTER):
        raise ServiceError(problem, field="file")
    if letter.current_version.number != base_version:
        raise LetterChanged(letter)
    if same_text(body, letter.body):
        return False
    version = save_version(
        letter, body, VersionSource.UPLOADED, actor, "a new version was uploaded from Word"
    )
    record_about(
        "letter_uploaded",
        f"{letter.authority.name}'s letter was uploaded from Word ({safe_filename(filename)})",
        actor,
        letter,
        version=version.number,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    return True
