"""A letter as a PDF (Typst) and as a Word file (python-docx), both from the sanitised HTML.

The letter's Markdown goes through peerchallenge.sanitise.render_markdown first, so the browser, the PDF and
the Word file show the same allow-listed HTML. Neither function needs a request or an app context.

The PDF is made by the Typst compiler (the `typst` package) from one fixed template,
templates/letters/pdf/letter.typ. The letter reaches it as data: the HTML is read into a tree of blocks and
runs of text (letter_tree), passed as JSON through sys.inputs, and the template places every string with
Typst functions, so no text of the letter is ever read as Typst markup or code. The PDF is tagged (PDF/UA-1:
a structure tree, headings, lists, table headers, the title and the language).

python-docx and Typst are imported by the functions that write a file, not with the app: a worker that
serves pages never loads them until it renders a letter.
"""

from __future__ import annotations

import io
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from peerchallenge.letters.compose import ANNEX
from peerchallenge.sanitise import render_markdown

if TYPE_CHECKING:
    import typst
    from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
# The Typst template's folder is the compiler's root: the only files a Typst document could read.
PDF_ROOT = TEMPLATES / "letters" / "pdf"
PDF_TEMPLATE = PDF_ROOT / "letter.typ"
MAX_QUOTE_DEPTH = 20
PDF_STANDARD: Final = "ua-1"  # PDF/UA-1: tagged, titled, with its language
LANGUAGE = "en-GB"
MONOSPACE_FONT = "Courier New"
LINK_COLOUR = "1D70B8"  # as Word writes an RGB colour
# Characters XML 1.0 cannot hold (python-docx refuses them); text pasted from PDFs carries form feeds.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LetterDetails:
    """What a letter's PDF and Word file are made from: its text and what they print around it."""

    body_html: str  # the sanitised HTML of the letter's version, stored when it was saved
    title: str
    authority_name: str
    region_name: str
    released_on: date | None

    @classmethod
    def from_markdown(cls, body_markdown: str, **printed: Any) -> LetterDetails:
        """The details of a letter whose text is Markdown not yet rendered (tests, benchmarks)."""
        return cls(body_html=str(render_markdown(body_markdown)), **printed)


def released_text(released_on: date | None) -> str:
    """The release date as GOV.UK writes dates ("3 March 2025"), or a note that it is a draft."""
    if released_on is None:
        return "Not released yet (draft)"
    return f"{released_on.day} {released_on:%B %Y}"


# PDF -------------------------------------------------------------------------------------------------------

Block = dict[str, Any]
Inline = dict[str, Any]


_EMPHASIS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code"}


class _LetterHTMLReader(HTMLParser):
    """What the PDF's and the Word file's readers of the sanitised HTML share: the emphasis open at each
    piece of text, self-closing tags, and text without the characters XML cannot hold."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bold = self.italic = self.code = 0

    def emphasis(self, tag: str, *, opening: bool) -> bool:
        """Count an opening or closing <strong>, <em> or <code>; False for any other tag."""
        name = _EMPHASIS.get(tag)
        if name is not None:
            setattr(self, name, max(getattr(self, name) + (1 if opening else -1), 0))
        return name is not None

    def add_text(self, text: str) -> None:
        raise NotImplementedError

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.add_text(XML_INVALID.sub("", data))


class _TreeBuilder(_LetterHTMLReader):
    """Reads the sanitised HTML into blocks (heading, paragraph, list, quote, code, rule, table) of runs.

    A run is a piece of text with its emphasis, a line break, or a link holding runs. Headings are
    renumbered so that the body's top level sits under the letter's title (level 2) and no level is
    skipped, as a screen reader's list of headings expects. Tags it does not know give up only their text.
    """

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[Block] = []
        self.containers: list[list[Block]] = [self.blocks]  # where the next block goes
        self.lists: list[Block] = []
        self.runs: list[Inline] | None = None  # where the next text goes
        self.links: list[list[Inline]] = []
        self.code_block: Block | None = None
        self.quotes: list[bool] = []  # for each open <blockquote>, whether it is a block of its own
        self.table: Block | None = None
        self.row: list[list[Inline]] | None = None
        self.header_rows: list[bool] = []  # for each row of the table, whether all its cells are <th>

    # Blocks

    def add_block(self, block: Block) -> Block:
        self.runs = None
        self.containers[-1].append(block)
        return block

    def open_runs(self, block_type: str, **details: Any) -> None:
        self.runs = self.add_block({"type": block_type, "runs": [], **details})["runs"]
        self.links = []

    def open_list(self, *, ordered: bool, start: int) -> None:
        self.lists.append(self.add_block({"type": "list", "ordered": ordered, "start": start, "items": []}))

    def inline_target(self) -> list[Inline]:
        if self.links:
            return self.links[-1]
        if self.runs is None:
            self.open_runs("paragraph")  # text straight inside a list item or a quote
        assert self.runs is not None
        return self.runs

    def add_text(self, text: str) -> None:
        if self.code_block is not None:
            self.code_block["text"] += text
            return
        text = WHITESPACE.sub(" ", text)
        if self.runs is None and not self.links and not text.strip():
            return  # whitespace between blocks
        target = self.inline_target()
        previous = target[-1].get("text", " ") if target else " "
        if text.startswith(" ") and previous.endswith(" "):
            text = text[1:]  # spaces collapse across inline tags, as in a browser
        if text:
            target.append(
                {"text": text, "bold": bool(self.bold), "italic": bool(self.italic), "code": bool(self.code)}
            )

    # Parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.emphasis(tag, opening=True):
            pass
        elif self.table is not None and tag in ("tr", "th", "td", "p", "thead", "tbody"):
            self.table_tag(tag, attributes)
        elif tag in _HEADINGS:
            self.open_runs("heading", level=_HEADINGS[tag])
        elif tag == "p":
            self.open_runs("paragraph")
        elif tag in ("ul", "ol"):
            start = _integer(attributes.get("start"), default=1)
            self.open_list(ordered=tag == "ol", start=start)
        elif tag == "li":
            if not self.lists:
                self.open_list(ordered=False, start=1)  # a stray <li> still reads as a bullet
            item: list[Block] = []
            self.lists[-1]["items"].append(item)
            self.containers.append(item)
            self.runs = None
        elif tag == "blockquote":
            # Deeper quotes go on at the deepest level kept: Typst lays out a quote within a quote by
            # calling itself, and refuses to go 40 deep.
            deep = self.quotes.count(True) >= MAX_QUOTE_DEPTH
            self.quotes.append(not deep)
            if not deep:
                quote = self.add_block({"type": "quote", "blocks": []})
                self.containers.append(quote["blocks"])
        elif tag == "pre":
            self.code_block = self.add_block({"type": "code", "text": ""})
        elif tag == "table":
            self.table = self.add_block({"type": "table", "header": [], "rows": [], "align": []})
        elif tag == "a":
            href = attributes.get("href")
            if href:
                link: Inline = {"link": href, "runs": []}
                self.inline_target().append(link)
                self.links.append(link["runs"])
        elif tag == "br":
            if self.code_block is None:
                self.inline_target().append({"break": True})
        elif tag == "hr":
            self.add_block({"type": "rule"})

    def handle_endtag(self, tag: str) -> None:
        if self.emphasis(tag, opening=False):
            pass
        elif tag in _HEADINGS or tag == "p":
            if self.table is None:
                if tag in _HEADINGS and self.runs is not None and not _has_text(self.runs):
                    self.containers[-1].pop()  # an empty heading ("##" alone) is no heading to read out
                self.runs = None
                self.links = []
        elif tag == "blockquote":
            if self.quotes.pop() if self.quotes else False:
                self.containers.pop()
            self.runs = None
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.runs = None
        elif tag == "li":
            if len(self.containers) > 1:
                self.containers.pop()
            self.runs = None
        elif tag == "pre":
            self.code_block = None
        elif tag == "table":
            self.close_table()
        elif tag in ("th", "td") and self.table is not None:
            self.runs = None
        elif tag == "a" and self.links:
            self.links.pop()

    # Tables

    def table_tag(self, tag: str, attributes: dict[str, str | None]) -> None:
        assert self.table is not None
        if tag == "tr":
            self.row = []
            self.table["rows"].append(self.row)
            self.header_rows.append(True)
        elif tag in ("th", "td"):
            if self.row is None:
                self.table_tag("tr", {})
            assert self.row is not None
            self.header_rows[-1] = self.header_rows[-1] and tag == "th"
            column = len(self.row)
            align = attributes.get("align") or "left"
            if column >= len(self.table["align"]):
                self.table["align"].append(align if align in ("left", "center", "right") else "left")
            cell: list[Inline] = []
            self.row.append(cell)
            self.runs = cell
            self.links = []
        elif tag == "p" and self.runs:
            self.runs.append({"break": True})

    def close_table(self) -> None:
        table, self.table, self.row, self.runs = self.table, None, None, None
        header_rows, self.header_rows = self.header_rows, []
        if table is None:
            return
        kept = [(row, is_header) for row, is_header in zip(table["rows"], header_rows, strict=True) if row]
        rows = [row for row, _ in kept]
        if not rows:
            self.containers[-1].remove(table)
            return
        columns = max(len(row) for row in rows)
        for row in rows:
            row.extend([] for _ in range(columns - len(row)))
        table["align"] = (table["align"] + ["left"] * columns)[:columns]
        table["columns"] = columns
        # A first row of header cells is the table's header: tagged as such and repeated on every page.
        table["header"], table["rows"] = (rows[:1], rows[1:]) if kept[0][1] else ([], rows)

    def close(self) -> None:
        super().close()
        if self.table is not None:
            self.close_table()


def _has_text(runs: list[Inline]) -> bool:
    return any(_has_text(run["runs"]) if "link" in run else bool(run.get("text", "").strip()) for run in runs)


def _renumber_headings(blocks: list[Block], top: int) -> None:
    """Headings from level `top` down, each at most one level below the one before it."""
    headings = list(_headings(blocks))
    if not headings:
        return
    shift = min(heading["level"] for heading in headings) - top
    previous = top - 1
    for heading in headings:
        heading["level"] = min(max(heading["level"] - shift, top), previous + 1)
        previous = heading["level"]


def _headings(blocks: list[Block]):
    for block in blocks:
        if block["type"] == "heading":
            yield block
        elif block["type"] == "quote":
            yield from _headings(block["blocks"])
        elif block["type"] == "list":
            for item in block["items"]:
                yield from _headings(item)


def _plain(runs: list[Inline]) -> str:
    return "".join(_plain(run["runs"]) if "link" in run else run.get("text", "") for run in runs)


def starts_new_page(level: int, text: str) -> bool:
    """The annex starts on a page of its own: a top heading (level 2, under the title) that begins "Annex"."""
    return level == 2 and text.lstrip().startswith(ANNEX)


def letter_tree(body_html: str) -> list[Block]:
    """The sanitised letter as a tree of blocks, its headings under the title's level 1."""
    builder = _TreeBuilder()
    builder.feed(body_html)
    builder.close()
    _renumber_headings(builder.blocks, top=2)
    for block in builder.blocks:
        if block["type"] == "heading" and starts_new_page(block["level"], _plain(block["runs"])):
            block["new_page"] = True
    return builder.blocks


_compilers = threading.local()


def _compiler() -> typst.Compiler:
    """This thread's Typst compiler over the letter template, made once and reused for every letter.

    Reusing it keeps the fonts and the compiled template (about 30 ms to make); a compiler cannot be used by
    two threads at once, so each thread has its own.
    """
    import typst

    compiler = getattr(_compilers, "compiler", None)
    if compiler is None:
        compiler = _compilers.compiler = typst.Compiler(str(PDF_TEMPLATE), root=str(PDF_ROOT))
    return compiler


def letter_pdf(details: LetterDetails) -> bytes:
    """The letter as a tagged A4 PDF: title block, letter text, the region and page numbers in the margins."""
    import typst

    letter = {
        "title": details.title,
        "description": f"{details.title}: {details.authority_name}, {details.region_name}",
        "authority": details.authority_name,
        "region": details.region_name,
        "released": released_text(details.released_on),
        "blocks": letter_tree(details.body_html),
    }
    inputs = {"letter": json.dumps(letter, ensure_ascii=False)}
    try:
        pdf = _compiler().compile(sys_inputs=inputs, pdf_standards=PDF_STANDARD)
    except typst.TypstError as error:
        if "PDF/UA" not in error.message:
            raise
        # PDF/UA-1 refuses a character that no font here can show (Chinese without a CJK font, say). The
        # letter is then made without the PDF/UA claim: still tagged, titled and in its language.
        pdf = _compiler().compile(sys_inputs=inputs)
    assert isinstance(pdf, bytes)  # one file, since the format is PDF
    return pdf


# Word ------------------------------------------------------------------------------------------------------


@dataclass
class _Segment:
    """A piece of inline text with its formatting; a line break when text is None."""

    text: str | None
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass
class _Block:
    """A paragraph being collected: its style, its segments and, for numbered items, its numbering."""

    style: str
    segments: list[_Segment] = field(default_factory=list)
    num_id: int | None = None
    list_item: bool = False
    preformatted: bool = False
    alignment: str | None = None
    level: int = 0  # a heading's level in the letter (2 for a top heading), else 0

    def is_empty(self) -> bool:
        return all(segment.text is not None and not segment.text.strip() for segment in self.segments)


@dataclass
class _List:
    ordered: bool
    start: int = 1
    num_id: int | None = None


@dataclass
class _Cell:
    header: bool
    block: _Block


class _WordWriter(_LetterHTMLReader):
    """Walks the sanitised HTML and writes Word structure; tags it does not know give up only their text."""

    def __init__(self, document) -> None:
        super().__init__()
        self.document = document
        self.block: _Block | None = None
        self.lists: list[_List] = []
        self.quote_depth = 0
        self.preformatted = 0
        self.links: list[str | None] = []
        self.table_rows: list[list[_Cell]] | None = None
        self.cell: _Cell | None = None
        self.heading_shift = 1
        self.style_ids: dict[str, str] = {}
        self.last_was_table = False
        self.section_properties = document.element.body.sectPr

    # Blocks

    def context_style(self) -> str:
        if self.lists:
            return _list_style("List Continue", len(self.lists))
        if self.quote_depth:
            return "Quote"
        return "Normal"

    def open_block(self, style: str | None = None, **options) -> _Block:
        self.close_block()
        self.block = _Block(style or self.context_style(), **options)
        return self.block

    def new_paragraph(self, style: str | None = None) -> Paragraph:
        """A paragraph at the end of the body, in a style.

        Built as XML in the schema's order and put straight before the section properties: python-docx's
        add_paragraph and style setter look for their place among every element so far, and a long letter's
        time grew with its square.
        """
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        if style is not None:
            properties = OxmlElement("w:pPr")
            properties.append(_element("w:pStyle", val=self.style_id(style)))
            element.append(properties)
        self.section_properties.addprevious(element)
        return Paragraph(element, self.document._body)

    def close_block(self) -> None:
        block, self.block = self.block, None
        if block is None or self.cell is not None:
            return
        if block.is_empty() and not block.list_item:
            return
        paragraph = self.new_paragraph(block.style)
        self.last_was_table = False
        if block.num_id is not None:
            _set_numbering(paragraph, block.num_id)
        if block.alignment and (alignment := _alignment(block.alignment)) is not None:
            paragraph.alignment = alignment
        if block.level and starts_new_page(block.level, "".join(part.text or "" for part in block.segments)):
            paragraph.paragraph_format.page_break_before = True
        _write_segments(paragraph, block.segments, preformatted=block.preformatted)

    def add_text(self, text: str) -> None:
        if self.preformatted:
            lines = text.split("\n")
        else:
            text = WHITESPACE.sub(" ", text)
            if self.block is None and self.cell is None and not text.strip():
                return  # whitespace between blocks
            lines = [text]
        block = self.cell.block if self.cell is not None else (self.block or self.open_block())
        for number, line in enumerate(lines):
            if number:
                block.segments.append(_Segment(None))
            if not line:
                continue
            previous = block.segments[-1].text if block.segments else ""
            if not self.preformatted and line.startswith(" ") and (previous or " ").endswith(" "):
                line = line[1:]  # collapse spaces across inline tags, as a browser would
                if not line:
                    continue
            block.segments.append(
                _Segment(
                    line,
                    bold=bool(self.bold),
                    italic=bool(self.italic),
                    code=bool(self.code),
                    href=self.links[-1] if self.links else None,
                )
            )

    def style_id(self, name: str) -> str:
        # python-docx finds a style by name with a linear search through all of them: once per name is enough.
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    # Parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.emphasis(tag, opening=True):
            pass
        elif tag in _HEADINGS:
            level = min(max(_HEADINGS[tag] - self.heading_shift, 1), 9)
            self.open_block(f"Heading {level}", level=level + 1)
        elif tag == "p":
            if self.block is not None and self.block.list_item and self.block.is_empty():
                return  # a loose list's <li><p>: the item's own paragraph
            if self.cell is None:
                self.open_block()
        elif tag in ("ul", "ol"):
            self.close_block()
            start = _integer(attributes.get("start"), default=1)
            self.lists.append(_List(ordered=tag == "ol", start=start))
        elif tag == "li":
            self.list_item()
        elif tag == "blockquote":
            self.close_block()
            self.quote_depth += 1
        elif tag == "pre":
            self.open_block(preformatted=True)
            self.preformatted += 1
        elif tag == "table":
            self.close_block()
            self.table_rows = []
        elif tag == "tr" and self.table_rows is not None:
            self.table_rows.append([])
        elif tag in ("th", "td") and self.table_rows is not None:
            if not self.table_rows:
                self.table_rows.append([])
            block = _Block("Normal", alignment=attributes.get("align"))
            self.cell = _Cell(header=tag == "th", block=block)
            self.table_rows[-1].append(self.cell)
        elif tag == "a":
            self.links.append(attributes.get("href") or None)
        elif tag == "br":
            self.line_break()
        elif tag == "hr":
            self.close_block()
            _add_rule(self.new_paragraph())
            self.last_was_table = False

    def handle_endtag(self, tag: str) -> None:
        if self.emphasis(tag, opening=False):
            pass
        elif tag in _HEADINGS or tag in ("p", "li"):
            if self.cell is None:
                self.close_block()
        elif tag in ("ul", "ol"):
            self.close_block()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.close_block()
            self.quote_depth = max(self.quote_depth - 1, 0)
        elif tag == "pre":
            self.close_block()
            self.preformatted = max(self.preformatted - 1, 0)
        elif tag in ("th", "td"):
            self.cell = None
        elif tag == "table":
            self.write_table()
        elif tag == "a" and self.links:
            self.links.pop()

    # Structures

    def list_item(self) -> None:
        if not self.lists:
            self.lists.append(_List(ordered=False))  # a stray <li> still reads as a bullet
        current = self.lists[-1]
        depth = len(self.lists)
        if current.ordered:
            if current.num_id is None:
                current.num_id = _restart_numbering(
                    self.document, _list_style("List Number", depth), current.start
                )
            self.open_block(_list_style("List Number", depth), num_id=current.num_id, list_item=True)
        else:
            self.open_block(_list_style("List Bullet", depth), list_item=True)

    def line_break(self) -> None:
        block = self.cell.block if self.cell is not None else (self.block or self.open_block())
        block.segments.append(_Segment(None))

    def write_table(self) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT

        rows = [row for row in self.table_rows or [] if row]
        self.table_rows = None
        self.cell = None
        if not rows:
            return
        if self.last_was_table:
            # Word joins two tables into one unless a paragraph separates them.
            self.document.add_paragraph()
        self.last_was_table = True
        columns = max(len(row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table._tbl.tblPr.style = self.style_id("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for row_number, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
            if row_number == 0 and all(cell.header for cell in cells):
                _repeat_as_header(row)
            for target, cell in zip(row.cells, cells, strict=False):
                paragraph = target.paragraphs[0]
                if cell.block.alignment:
                    paragraph.alignment = _alignment(cell.block.alignment)
                _write_segments(paragraph, cell.block.segments, bold=cell.header)

    def close(self) -> None:
        super().close()
        if self.table_rows is not None:
            self.write_table()
        self.close_block()


_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_ALIGNMENTS = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}  # WD_ALIGN_PARAGRAPH's names


def _alignment(name: str) -> Any:
    """Word's alignment for an HTML `align`, or None for one Word is not told."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    member = _ALIGNMENTS.get(name)
    return None if member is None else getattr(WD_ALIGN_PARAGRAPH, member)


def _integer(value: str | None, *, default: int) -> int:
    try:
        return max(int(value or default), 0)
    except ValueError:
        return default


def _list_style(base: str, depth: int) -> str:
    # The default template has three levels of each list style; deeper lists stay at the third.
    return base if depth <= 1 else f"{base} {min(depth, 3)}"


def _write_segments(
    paragraph, segments: list[_Segment], *, bold: bool = False, preformatted: bool = False
) -> None:
    """Runs (and hyperlinks) for the segments, without the paragraph's leading and trailing spaces."""
    segments = list(segments)
    while segments and segments[-1].text is None:
        segments.pop()  # a trailing break (the last newline of a <pre>) would only add an empty line
    if not preformatted:
        while segments and segments[0].text is not None and not segments[0].text.strip():
            segments.pop(0)
        while segments and segments[-1].text is not None and not segments[-1].text.strip():
            segments.pop()
        if segments and segments[0].text:
            segments[0] = _replace_text(segments[0], segments[0].text.lstrip())
        if segments and segments[-1].text:
            segments[-1] = _replace_text(segments[-1], segments[-1].text.rstrip())
    hyperlink = None
    hyperlink_href = None
    for segment in segments:
        if segment.href != hyperlink_href:
            hyperlink = _add_hyperlink(paragraph, segment.href) if segment.href else None
            hyperlink_href = segment.href
        run = _run(
            segment.text,
            bold=segment.bold or bold,
            italic=segment.italic,
            monospace=segment.code or preformatted,
            link=hyperlink is not None,
        )
        (hyperlink if hyperlink is not None else paragraph._p).append(run)


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _run(text: str | None, *, bold: bool, italic: bool, monospace: bool, link: bool):
    """A run of text (a line break when None) with its properties, built in the schema's order (fonts, bold,
    italic, colour, underline): python-docx's setters look for each one's place, which cost more than the
    text. Only what is on is written."""
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    properties = []
    if monospace:
        properties.append(_element("w:rFonts", ascii=MONOSPACE_FONT, hAnsi=MONOSPACE_FONT))
    if bold:
        properties.append(_element("w:b"))
    if italic:
        properties.append(_element("w:i"))
    if link:
        properties += [_element("w:color", val=LINK_COLOUR), _element("w:u", val="single")]
    if properties:
        run_properties = OxmlElement("w:rPr")
        run_properties.extend(properties)
        run.append(run_properties)
    if text is None:
        run.append(OxmlElement("w:br"))
        return run
    for number, part in enumerate(text.split("\t")):
        if number:
            run.append(OxmlElement("w:tab"))  # a tab becomes Word's tab
        if part:
            text_element = OxmlElement("w:t")
            text_element.text = part
            if part != part.strip():
                text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(text_element)
    return run


def _replace_text(segment: _Segment, text: str) -> _Segment:
    return _Segment(text, bold=segment.bold, italic=segment.italic, code=segment.code, href=segment.href)


def _add_hyperlink(paragraph, url: str):
    """A real Word hyperlink to url (already limited to http, https and mailto by the sanitiser)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relationship_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship_id)
    paragraph._p.append(hyperlink)
    return hyperlink


def _set_numbering(paragraph, num_id: int) -> None:
    properties = paragraph._p.get_or_add_pPr()
    numbering = properties.get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


def _restart_numbering(document, style_name: str, start: int) -> int:
    """A new numbering instance for one numbered list, so that each list counts from its own start."""
    style = document.styles[style_name]
    style_numbering = style.element.pPr.numPr if style.element.pPr is not None else None
    assert style_numbering is not None  # the template's list styles are numbered
    numbering = document.part.numbering_part.element
    style_num_id = style_numbering.numId.val
    abstract_id = next(num.abstractNumId.val for num in numbering.num_lst if num.numId == style_num_id)
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    num_id: int = num.numId
    return num_id


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    # Word repeats a header row at the top of each page the table runs on to.
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _add_rule(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "B1B4B6")):
        bottom.set(qn(name), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _add_field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    # A simple field Word fills in when it lays the page out; "1" shows until then.
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def heading_shift(html: str) -> int:
    """How far to lift the body's headings so that its top level becomes Heading 1 under the title."""
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    return min(levels) - 1 if levels else 0


def _write_footer(document, section, region_name: str) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    text_width = section.page_width - section.left_margin - section.right_margin
    paragraph.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(xml_safe(region_name))
    paragraph.add_run("\tPage ")
    _add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _add_field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(9)


def xml_safe(text: str) -> str:
    return XML_INVALID.sub("", text or "")


def word_document(title: str, region_name: str, authority_name: str, lines: list[tuple[str, str]]):
    """A new A4 Word document for an authority (the region its author): a title, then "Label: value" lines."""
    import docx
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)

    properties = document.core_properties
    properties.title = xml_safe(title)
    properties.author = xml_safe(region_name)
    properties.last_modified_by = xml_safe(region_name)
    properties.subject = xml_safe(authority_name)
    properties.comments = ""  # the template's says "generated by python-docx"
    document.add_paragraph(xml_safe(title), style="Title")
    for label, value in lines:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_safe(value))
    return document


def write_html(document, html: str, *, top_heading: int = 1) -> None:
    """Sanitised HTML as Word structure at the end of the document, its top heading level at `top_heading`."""
    writer = _WordWriter(document)
    writer.heading_shift = heading_shift(html) - (top_heading - 1)
    writer.feed(html)
    writer.close()


def word_bytes(document, region_name: str) -> bytes:
    """The document with the region and page numbers in its footer, as the bytes of a .docx file."""
    _write_footer(document, document.sections[0], region_name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_docx(details: LetterDetails) -> bytes:
    """The letter as a Word file: Title and Heading styles, lists, tables, quotes, links, and a footer."""
    lines = [
        ("Authority", details.authority_name),
        ("Region", details.region_name),
        ("Released", released_text(details.released_on)),
    ]
    document = word_document(details.title, details.region_name, details.authority_name, lines)
    write_html(document, details.body_html)
    return word_bytes(document, details.region_name)
