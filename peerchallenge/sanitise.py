"""The one sanitiser: every piece of user text shown as HTML passes through here.

Markdown is rendered by python-markdown (with tables and fenced code) and the HTML is cleaned by nh3
against an explicit allow-list, so raw HTML in the Markdown, javascript: links and event attributes never
reach a page.
"""

import re

import markdown
import nh3
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.tables import TableExtension
from markupsafe import Markup

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


def clean_html(html: str) -> Markup:
    """HTML reduced to the allow-list: safe to show as it is."""
    return Markup(  # noqa: S704 (nh3 has just reduced it to the allow-list)
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(ALLOWED_URL_SCHEMES),
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )


def render_markdown(text: str) -> Markup:
    """Markdown (python-markdown, tables and fenced code) as HTML cleaned by nh3."""
    # A Markdown instance keeps state between calls, so each call builds its own.
    # Fenced code too: the section splitter reads a "# line" inside a fence as text, so the page must as well.
    extensions = [TableExtension(use_align_attribute=True), FencedCodeExtension()]
    html = markdown.markdown(text or "", extensions=extensions, output_format="html")
    return clean_html(html)
