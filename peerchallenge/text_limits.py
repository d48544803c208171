"""The limits on the shape of text the service accepts, and the one check that applies them.

Every piece of Markdown people give the service (an upload once it is text, a section edit, a letter, its
template, a response) is measured here in one pass, before any parser reads it. The parsers are linear, but
some shapes make each character cost far more than ordinary prose, and some (a heading on every line) make
the rest of the service do work per part. Real self-assessments have 10 to 40 sections and up to about 150
pages, so none of these limits refuses a real document; they refuse files made to hurt.

Plain values in and out: no request, no database.
"""

import re
from dataclasses import dataclass

# A self-assessment as text. 150 dense A4 pages are about 500,000 characters; this leaves room for 200 and
# keeps the one-off work of an upload (split, count, render every section) near a second.
MAX_DOCUMENT_CHARACTERS = 750_000
# Markdown headings in one text. A real self-assessment has a few dozen (sections and their sub-headings);
# each heading can start a part of its own, and 900,000 of them once took 1.5 GB.
MAX_HEADINGS = 500
# Lists and quotes inside each other. People nest three or four deep; the renderer stops rendering (and
# drops text) past its own nesting limit, set well above this one.
MAX_NESTING = 20
# Characters on one line. A long paragraph is a few thousand; Word and PDF extraction break lines at
# paragraphs, so only a made-up file has a line this long. The splitter matches each line as a whole.
MAX_LINE_CHARACTERS = 100_000
# Columns in a Markdown table (cells between the pipes on one line). Word tables are cut to 63 columns on
# extraction; a printed page holds about a dozen.
MAX_TABLE_COLUMNS = 100
# Cells in the Markdown tables of one text (pipes on table lines). The renderer spends about as long on one
# cell as on 30 characters of prose; a self-assessment with a table on most of its 150 pages has a few
# thousand cells.
MAX_TABLE_CELLS = 20_000
# Of each character that starts inline markup ("[" for links, "*" and "_" for emphasis, "`" for code) in
# the text rendered at once (a section, a letter, a response). Each makes the renderer look for its closing
# partner, at 5 to 20 times the cost of a plain character. Past this many of one kind (a real section has
# a few hundred) that character is shown as typed and starts no markup, so rendering stays fast; nothing is
# refused and no text is lost.
MAX_MARKUP_CHARACTERS = 10_000

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
LIST_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)")


@dataclass(frozen=True)
class TextShape:
    """What the limits look at, measured in one pass."""

    characters: int
    longest_line: int
    headings: int
    deepest_nesting: int
    widest_table: int
    table_cells: int


def measure(text: str) -> TextShape:
    """The shape of a Markdown text, in time linear in its length; code in fences counts only as lines."""
    headings = deepest = widest = longest = cells = 0
    fence: str | None = None
    list_indents: list[int] = []  # where the content of each open list item starts
    previous_text = False
    for line in text.split("\n"):
        longest = max(longest, len(line))
        fence_match = FENCE.match(line)
        if fence is not None:
            closing = fence_match.group(1) if fence_match else ""
            if closing[:1] == fence[0] and len(closing) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            previous_text = False
            continue
        if not line.strip():
            previous_text = False
            continue
        if ATX_HEADING.match(line) or (previous_text and SETEXT_UNDERLINE.match(line)):
            headings += 1
        deepest = max(deepest, nesting(line, list_indents))
        if pipes := line.count("|"):
            edges = line.strip().startswith("|") + line.strip().endswith("|")
            columns = max(1, pipes + 1 - edges)  # "| a | b |" and "a | b" are both two
            widest = max(widest, columns)
            cells += columns
        previous_text = True
    return TextShape(len(text), longest, headings, deepest, widest, cells)


def nesting(line: str, list_indents: list[int]) -> int:
    """How deep a line sits in lists and quotes; list_indents carries the open list items to the next line."""
    position = len(line) - len(line.lstrip(" \t"))
    while list_indents and position < list_indents[-1]:
        list_indents.pop()
    quotes = 0
    rule = is_thematic_break(line)  # once per line: asked per marker, a line of markers took quadratic time
    while position < len(line):
        if line[position] == ">":
            quotes += 1
            position += 1
        elif not rule and (marker := LIST_MARKER.match(line, position)):
            position = marker.end()
            list_indents.append(position + 1)
        else:
            break
        while position < len(line) and line[position] in " \t":
            position += 1
    return quotes + len(list_indents)


def is_thematic_break(line: str) -> bool:
    """A line like "- - -" or "***", which is a rule, not a list inside a list."""
    stripped = line.strip(" \t>")
    return len(stripped) >= 3 and stripped[0] in "-*_" and not stripped.replace(stripped[0], "").strip(" \t")


def shape_problem(text: str, subject: str, whole: str, *, max_characters: int) -> str | None:
    """Why a text can't be accepted, in one line ("This document has 900,000 headings; ..."), else None.

    subject names the text ("This document"), whole what kind of thing it is ("a self-assessment").
    """
    if len(text) > max_characters:
        return f"{subject} has {len(text):,} characters; {whole} can have at most {max_characters:,}."
    shape = measure(text)
    if shape.headings > MAX_HEADINGS:
        return f"{subject} has {shape.headings:,} headings; {whole} can have at most {MAX_HEADINGS:,}."
    if shape.longest_line > MAX_LINE_CHARACTERS:
        return (
            f"{subject} has a line of {shape.longest_line:,} characters; lines can be at most "
            f"{MAX_LINE_CHARACTERS:,} characters. Break it into paragraphs and try again."
        )
    if shape.deepest_nesting > MAX_NESTING:
        return (
            f"{subject} has lists or quotes nested {shape.deepest_nesting:,} deep; they can be nested "
            f"at most {MAX_NESTING} deep. Flatten the deepest ones and try again."
        )
    if shape.widest_table > MAX_TABLE_COLUMNS:
        return (
            f"{subject} has a table row with {shape.widest_table:,} columns; a table can have at most "
            f"{MAX_TABLE_COLUMNS} columns. Split the table and try again."
        )
    if shape.table_cells > MAX_TABLE_CELLS:
        return (
            f"{subject} has {shape.table_cells:,} table cells; {whole} can have at most {MAX_TABLE_CELLS:,}. "
            "Leave out or shorten the largest tables and try again."
        )
    return None
