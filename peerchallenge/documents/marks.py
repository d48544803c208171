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
    """Characters start:end of the HTML's text, marked with a kind's class and a label read out before;
    with a note, shown after the passage (the reason a signal gives), when there is one."""

    start: int
    end: int
    kind: str
    label: str
    note: str = ""


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
    """The HTML with each mark's characters of html_text(sanitised) wrapped in <mark>, the label first and
    the note after.

    Marks of one kind must not overlap one another; marks of different kinds may (a repeated sentence inside
    a business-as-usual passage): where they do, the text carries both kinds' classes.
    """
    marks = sorted(marks, key=lambda mark: (mark.start, mark.end, mark.kind))
    out: list[str] = []
    waiting = 0  # the first mark not yet begun
    active: list[Mark] = []  # marks begun and not yet ended: a few at most, one per kind
    begun: set[int] = set()  # the marks whose label is written, by id
    for piece in _read(sanitised).pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        start, data = piece
        end = start + len(data)
        for mark in [mark for mark in active if mark.end <= start]:  # ended where no text is
            out.append(_note(mark))
            active.remove(mark)
        while waiting < len(marks) and marks[waiting].start < end:
            if marks[waiting].end > start:
                active.append(marks[waiting])
            waiting += 1
        out.extend(_marked_run(start, data, active, begun))
    out.extend(_note(mark) for mark in active)
    return clean_marked_html("".join(out))


def _note(mark: Mark) -> str:
    if not mark.note:
        return ""
    return f' <span class="app-mark-note">{html.escape(mark.note, quote=False)}</span>'


def _marked_run(start: int, data: str, active: list[Mark], begun: set[int]) -> list[str]:
    """One run of text, escaped, with the parts inside active marks wrapped: a mark's label before its
    first part and its note after its last. Marks ending in this run leave `active`."""
    end = start + len(data)
    cuts = {start, end}
    for mark in active:
        cuts.update(cut for cut in (mark.start, mark.end) if start < cut < end)
    ordered = sorted(cuts)
    out: list[str] = []
    for cut_from, cut_to in zip(ordered, ordered[1:], strict=False):
        text = html.escape(data[cut_from - start : cut_to - start], quote=False)
        covering = [mark for mark in active if mark.start <= cut_from and cut_to <= mark.end]
        if not covering:
            out.append(text)
            continue
        labels = []
        for mark in covering:
            if id(mark) not in begun:
                begun.add(id(mark))
                labels.append(f'<span class="govuk-visually-hidden">{html.escape(mark.label)} </span>')
        classes = " ".join(f"app-mark--{mark.kind}" for mark in covering)
        out.append(f'<mark class="app-mark {classes}">{"".join(labels)}{text}</mark>')
        for mark in covering:
            if mark.end == cut_to:
                out.append(_note(mark))
                active.remove(mark)
    return out
