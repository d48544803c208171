"""The one sanitiser: every piece of user text shown as HTML passes through here.

Markdown is rendered by markdown-it-py (CommonMark with tables; raw HTML off) and the HTML is cleaned by
nh3 against an explicit allow-list, so raw HTML in the Markdown, javascript: links and event attributes
never reach a page.

markdown-it-py rather than python-markdown: python-markdown's inline patterns take quadratic time on a run
of "[", "<" or "[a](" (60,000 "[" took 76 s), while markdown-it is built and tested against pathological
input and renders every shape in tests/pathological.py in time linear in its length. The shapes whose
cost grows with nesting are bounded before rendering by peerchallenge.text_limits.
"""

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from peerchallenge.errors import ServiceError
from peerchallenge.text_limits import MAX_MARKUP_CHARACTERS, MAX_NESTING

ALLOWED_TAGS = frozenset(
    {
        *(f"h{level}" for level in range(1, 7)),
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "em",
        "strong",
        "a",
        "blockquote",
        "code",
        "pre",
        "br",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(text: str) -> str:
    """Typed text with Unix line ends and no control characters but tab and newline.

    PostgreSQL refuses NUL in text, and no other control character belongs in what people type.
    """
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Typed text as one line: no control characters, runs of spaces and line breaks made one space."""
    return " ".join(plain_text(text).split())


def one_line_within(text: str, max_length: int, subject: str, field: str) -> str:
    """Typed text as one line (see one_line), refused with a ServiceError on `field` if it is too long."""
    line = one_line(text)
    if len(line) > max_length:
        raise ServiceError(f"{subject} must be {max_length} characters or fewer", field=field)
    return line


def clean_html(html: str) -> Markup:
    """HTML reduced to the allow-list: safe to show as it is."""
    return _clean(html, {})


# Marks the service puts on sanitised text (documents/marks.py): <mark> with a kind's class, and a visually
# hidden label saying what the mark means, and a note after it saying why (documents/signals.py). Only these
# classes pass; nothing a person typed becomes one.
MARK_CLASSES = {
    "mark": {"app-mark", "app-mark--repeated", "app-mark--business-as-usual", "app-mark--evidence"},
    "span": {"govuk-visually-hidden", "app-mark-note"},
}


def clean_marked_html(html: str) -> Markup:
    """Sanitised HTML with the service's marks added, reduced again to the allow-list plus those marks."""
    return _clean(html, MARK_CLASSES)


def _clean(html: str, classes: dict[str, set[str]]) -> Markup:
    return Markup(  # noqa: S704 (nh3 has just reduced it to the allow-list)
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS) | set(classes),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            allowed_classes={tag: set(names) for tag, names in classes.items()},
            url_schemes=set(ALLOWED_URL_SCHEMES),
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )


def _alignment_as_attribute(state: StateCore) -> None:
    """Table cells say their alignment as align="..." (kept by the allow-list), not as a style (removed)."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("align", style.removeprefix("text-align:"))


# Built once: rendering keeps its state in a fresh StateCore per call, so one instance serves every thread.
# The nesting limit (20 by default, where a list ten deep already loses its text) is set well above the
# nesting text_limits accepts: each list level is two levels here, and a paragraph one more.
MARKDOWN = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": 3 * MAX_NESTING}
).enable("table")
MARKDOWN.core.ruler.push("alignment_as_attribute", _alignment_as_attribute)
# Noncharacters (no one types them, and the renderer reads them as text) stand in for markup characters
# that a text has too many of: see MAX_MARKUP_CHARACTERS.
STAND_INS = {"[": "\ufdd0", "*": "\ufdd1", "_": "\ufdd2", "`": "\ufdd3"}
NO_STAND_INS = str.maketrans(dict.fromkeys(STAND_INS.values()))


def costly_markup(text: str) -> frozenset[str]:
    """The markup characters text has more than MAX_MARKUP_CHARACTERS of, to be shown as typed."""
    return frozenset(char for char in STAND_INS if text.count(char) > MAX_MARKUP_CHARACTERS)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused, then restored as it was.

    markdown-it allocates an object per token; the collector, running again and again as they pile up,
    made rendering grow faster than the text (3.7 times as long for twice the links). Tokens form no
    cycles, so reference counting frees them all the same.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_markdown(text: str | None, *, as_typed: frozenset[str] | None = None) -> Markup:
    """Markdown (CommonMark with tables) as HTML cleaned by nh3, in time linear in the length of the text.

    Each character in as_typed (by default, those the text has more than MAX_MARKUP_CHARACTERS of) shows
    as typed and starts no markup: looking for the partner of each is what costs most on a flood of them.
    """
    if not text:
        return Markup("")
    text = text.translate(NO_STAND_INS)
    if as_typed is None:
        as_typed = costly_markup(text)
    if not as_typed:
        with no_cycle_collection():
            return clean_html(MARKDOWN.render(text))
    to_stand_ins: dict[str, str | int | None] = {char: STAND_INS[char] for char in as_typed}
    back: dict[str, str | int | None] = {STAND_INS[char]: char for char in as_typed}
    with no_cycle_collection():
        html = MARKDOWN.render(text.translate(str.maketrans(to_stand_ins)))
    return clean_html(html.translate(str.maketrans(back)))


LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")


def render_lines(text: str | None) -> Markup:
    """Markdown typed one point a line (a template section's guidance): each line break starts a new
    paragraph, where Markdown would run the lines together into one, and lines of a list stay one list."""
    if not text:
        return Markup("")
    lines: list[str] = []
    previous = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if lines and not (LIST_ITEM.match(line) and LIST_ITEM.match(previous)):
            lines.append("")
        lines.append(line)
        previous = line
    return render_markdown("\n".join(lines))
