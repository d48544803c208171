"""The scrutiny pack's Word file: its summary page, then the letter and the response."""

import io
from datetime import date

import docx
import mammoth

from peerchallenge.letters.output import LetterDetails
from peerchallenge.letters.pack import ActionLine, PackDetails, pack_docx
from peerchallenge.sanitise import render_markdown

LETTER = """Dear Sam,

## Our overall view

We rated your self-assessment's evidence strength as strong.

## Strengths

- Audit findings are current and candid.

## Areas for consideration

- Placement sufficiency is described but not measured.
"""


def details(**overrides) -> PackDetails:
    values = {
        "letter": LetterDetails.from_markdown(
            LETTER,
            title="Peer challenge letter 2026",
            authority_name="Thurrock",
            region_name="ADCS Eastern Region",
            released_on=date(2026, 12, 4),
        ),
        "cycle_title": "Eastern Region peer challenge 2026",
        "headline": "Your self-assessment knows itself well.\n\nIts plans need owners and dates.",
        "strengths": ["Audit findings are current and candid."],
        "areas": ["Placement sufficiency is described but not measured."],
        "actions": [
            ActionLine(
                "Publish a sufficiency dashboard",
                "Head of Service, Children in Care",
                date(2027, 3, 31),
                "In progress",
            ),
            ActionLine("Review the threshold document", "Family Help lead", None, "Dropped: replaced by FFP"),
        ],
        "response_html": str(render_markdown("We accept the letter's findings.")),
    }
    return PackDetails(**(values | overrides))


def opened(pack: PackDetails) -> docx.document.Document:
    return docx.Document(io.BytesIO(pack_docx(pack)))


def paragraphs(document) -> list[tuple[str, str, bool]]:
    return [
        (paragraph.style.name, paragraph.text, bool(paragraph.paragraph_format.page_break_before))
        for paragraph in document.paragraphs
    ]


def test_the_pack_opens_with_a_summary_page_then_the_letter_then_the_response():
    document = opened(details())
    shown = paragraphs(document)
    assert shown[0] == ("Title", "Thurrock: peer challenge pack", False)
    texts = [text for _, text, _ in shown]
    assert texts.index("Summary") < texts.index("The peers' overall view") < texts.index("Strengths")
    assert "Its plans need owners and dates." in texts
    assert ("List Bullet", "Audit findings are current and candid.", False) in shown
    # The summary's page ends where the letter starts; the response has a page of its own.
    breaks = [text for _, text, page_break in shown if page_break]
    assert breaks == ["The challenge letter", "The authority's response"]
    summary = texts[: texts.index("The challenge letter")]
    assert "Dear Sam," not in summary
    letter = shown[texts.index("The challenge letter") :]
    assert ("Heading 2", "Our overall view", False) in letter  # the letter's headings sit under the pack's
    assert texts[-1] == "We accept the letter's findings."
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Action", "Owner", "Due", "Status"],
        [
            "Publish a sufficiency dashboard",
            "Head of Service, Children in Care",
            "31 March 2027",
            "In progress",
        ],
        ["Review the threshold document", "Family Help lead", "Not set", "Dropped: replaced by FFP"],
    ]
    assert document.core_properties.title == "Thurrock: peer challenge pack"
    assert "ADCS Eastern Region" in document.sections[0].footer.paragraphs[0].text


def test_a_pack_without_actions_or_response_says_so_and_other_readers_open_it():
    pack = details(actions=[], response_html="", strengths=[], headline="")
    texts = [text for _, text, _ in paragraphs(opened(pack))]
    assert "No actions have been recorded yet." in texts
    assert "The authority has not responded to the letter yet." in texts
    assert "None listed in the letter." in texts and "The letter has no headline." in texts
    converted = mammoth.convert_to_html(io.BytesIO(pack_docx(pack)))
    assert "<h1>Summary</h1>" in converted.value


def test_hostile_text_stays_text_in_the_pack():
    pack = details(
        headline="<script>alert(1)</script>\x0c\x00",
        actions=[ActionLine("<b>bold</b>\x07", "Owner \x1f", date(2027, 1, 1), "Done")],
    )
    document = opened(pack)
    texts = [text for _, text, _ in paragraphs(document)]
    assert "<script>alert(1)</script>" in texts
    assert document.tables[0].rows[1].cells[0].text == "<b>bold</b>"
