"""Marks on sanitised HTML: read its text as a reader sees it, then wrap spans of that text in <mark>.

The measures (repeated text, and later other signals) run on the text of the stored, sanitised HTML, and
say which characters of it to mark. The tags are copied as the sanitiser wrote them, the text is escaped
again, and the result passes the sanitiser once more (`sanitise.clean_marked_html`), so no one's text
ever becomes markup. A span crossing an inline tag (bold, a link) is marked in pieces, one per text run.

Plain values in, plain values out: no request, no database.
"""

import html
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup

from peerchallenge.sanitise import clean_marked_html

# Tags that start and end a block of text: text on either side is never one sentence.
BLOCKS = frozenset(
    {"p", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "th", "td", "hr", "br"}
    | {f"h{level}" for level in range(1, 7)}
)


@dataclass(frozen=True)
class Mark:
    """Characters start:end of the HTML's text, marked with a kind's class and a label read out before."""

    start: int
    end: int
    kind: str
    label: str


class _Reader(HTMLParser):
    """The HTML as pieces: tags as written (str) and runs of text with where they start in the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str | tuple[int, str]] = []
        self.text: list[str] = []
        self.length = 0

    def _add_text(self, text: str) -> None:
        self.text.append(text)
        self.length += len(text)

    def _tag(self, tag: str, raw: str) -> None:
        self.pieces.append(raw)
        if tag in BLOCKS:
            self._add_text("\n")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._tag(tag, self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._tag(tag, self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.pieces.append((self.length, data))
        self._add_text(data)


def _read(sanitised: str) -> _Reader:
    reader = _Reader()
    reader.feed(sanitised)
    reader.close()
    return reader


def html_text(sanitised: str) -> str:
    """The text of sanitised HTML as a reader sees it, with a line break around every block."""
    return "".join(_read(sanitised).text)


def mark_html(sanitised: str, marks: list[Mark]) -> Markup:
    """The HTML with each mark's characters of html_text(sanitised) wrapped in <mark>, the label first.

    Marks must not overlap one another.
    """
    marks = sorted(marks, key=lambda mark: (mark.start, mark.end))
    out: list[str] = []
    first = 0  # the first mark not yet behind the run of text being written
    for piece in _read(sanitised).pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        start, data = piece
        while first < len(marks) and marks[first].end <= start:
            first += 1
        out.extend(_marked_run(start, data, marks, first))
    return clean_marked_html("".join(out))


def _marked_run(start: int, data: str, marks: list[Mark], first: int) -> list[str]:
    """One run of text, escaped, with the parts inside marks wrapped; a mark's label where it starts."""
    out, position, end = [], start, start + len(data)
    for mark in marks[first:]:
        if mark.start >= end:
            break
        cut_from, cut_to = max(mark.start, position), min(mark.end, end)
        out.append(html.escape(data[position - start : cut_from - start], quote=False))
        label = ""
        if cut_from == mark.start:
            label = f'<span class="govuk-visually-hidden">{html.escape(mark.label)} </span>'
        text = html.escape(data[cut_from - start : cut_to - start], quote=False)
        out.append(f'<mark class="app-mark app-mark--{mark.kind}">{label}{text}</mark>')
        position = cut_to
    out.append(html.escape(data[position - start :], quote=False))
    return out
