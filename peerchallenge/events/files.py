"""An outcome note's PDF and Word files, made by the letter's renderers (letters/output.py: Typst, tagged to
PDF/UA-1, and python-docx) and kept like a letter's (letters/files.py).

They are rendered when the lead approves the note (a preview) and again at release (dated); a download of a
note without a current file renders it then and stores it, under the note's row lock, so two workers render
it once. Each file keeps the hash of what it was made from: a file made from an older text is made again.
"""

import sqlalchemy as sa

from peerchallenge.dates import UK_TIME
from peerchallenge.events.models import OutcomeFile, OutcomeNote
from peerchallenge.letters.files import RENDERERS, current_file
from peerchallenge.letters.models import FileKind
from peerchallenge.letters.output import LetterDetails


def outcome_title(cycle_title: str) -> str:
    return f"Challenge event outcome note: {cycle_title}"


def outcome_details(note: OutcomeNote) -> LetterDetails:
    cycle = note.cycle
    return LetterDetails(
        body_html=note.body_html,
        title=outcome_title(cycle.title),
        authority_name=note.authority.name,
        region_name=cycle.region.letterhead_name,
        released_on=note.released_at.astimezone(UK_TIME).date() if note.released_at else None,
    )


def outcome_file(note: OutcomeNote, kind: FileKind) -> OutcomeFile:
    """The note's file of this kind, rendered and stored first if it is missing or out of date."""
    details = outcome_details(note)
    return current_file(
        details,
        lambda: RENDERERS[kind](details),
        note,
        sa.select(OutcomeFile).where(OutcomeFile.note_id == note.id, OutcomeFile.kind == kind),
        lambda sha256, data: OutcomeFile(note=note, kind=kind, source_sha256=sha256, data=data),
    )


def render_outcome_files(note: OutcomeNote) -> None:
    for kind in FileKind:
        outcome_file(note, kind)
