"""A pack for Ofsted's annual engagement meeting and elected members' scrutiny: a Word file per authority.

A one-page summary (the peers' headline judgement, the strengths and areas for consideration of the letter,
the actions taken on it and their status), then the letter, then the authority's response. Pure: it is given
the texts, already sanitised, and needs no request, app or database.
"""

from dataclasses import dataclass
from datetime import date

from peerchallenge.dates import uk_date
from peerchallenge.letters.output import (
    LetterDetails,
    released_text,
    word_bytes,
    word_document,
    write_html,
    xml_safe,
)


@dataclass(frozen=True)
class ActionLine:
    """One action, as the pack lists it."""

    what: str
    owner: str
    due_on: date | None
    status: str  # in words: "In progress", "Dropped: no longer needed"


# How the pack is written: one more whenever pack_docx (or the letter's Word writer) writes it differently, so
# that packs kept from before are made again at their next download rather than served as they were.
PACK_LAYOUT = 1


@dataclass(frozen=True)
class PackDetails:
    """What a pack is written from, and how (`layout`): their hash tells whether a kept pack is current."""

    letter: LetterDetails
    cycle_title: str
    headline: str  # the lead's headline, plain text in paragraphs
    strengths: list[str]
    areas: list[str]
    actions: list[ActionLine]
    response_html: str  # sanitised; empty when the authority has not responded
    layout: int = PACK_LAYOUT

    @property
    def title(self) -> str:
        return f"{self.letter.authority_name}: peer challenge pack"


def pack_docx(pack: PackDetails) -> bytes:
    """The pack as a Word file: the summary on its first page, the letter and the response after it."""
    letter = pack.letter
    lines = [
        ("Peer challenge", pack.cycle_title),
        ("Region", letter.region_name),
        ("Letter released", released_text(letter.released_on)),
    ]
    document = word_document(pack.title, letter.region_name, letter.authority_name, lines)
    _write_summary(document, pack)
    _heading_on_new_page(document, "The challenge letter")
    write_html(document, letter.body_html, top_heading=2)
    _heading_on_new_page(document, "The authority's response")
    if pack.response_html:
        write_html(document, pack.response_html, top_heading=2)
    else:
        document.add_paragraph("The authority has not responded to the letter yet.")
    return word_bytes(document, letter.region_name)


def _write_summary(document, pack: PackDetails) -> None:
    document.add_heading("Summary", level=1)
    document.add_heading("The peers' overall view", level=2)
    paragraphs = [text.strip() for text in pack.headline.split("\n\n") if text.strip()]
    for text in paragraphs or ["The letter has no headline."]:
        document.add_paragraph(xml_safe(text))
    for heading, points in (("Strengths", pack.strengths), ("Areas for consideration", pack.areas)):
        document.add_heading(heading, level=2)
        for point in points or ["None listed in the letter."]:
            document.add_paragraph(xml_safe(point), style="List Bullet" if points else None)
    document.add_heading("Actions", level=2)
    if not pack.actions:
        document.add_paragraph("No actions have been recorded yet.")
        return
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Action", "Owner", "Due", "Status"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for action in pack.actions:
        due = uk_date(action.due_on) if action.due_on else "Not set"
        for cell, text in zip(
            table.add_row().cells, (action.what, action.owner, due, action.status), strict=True
        ):
            cell.paragraphs[0].add_run(xml_safe(text))


def _heading_on_new_page(document, text: str) -> None:
    document.add_heading(text, level=1).paragraph_format.page_break_before = True
