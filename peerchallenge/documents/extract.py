"""Extracting Markdown from checked Word, PDF and text files.

Word goes through mammoth's HTML, which this module writes out as Markdown itself: mammoth's own Markdown
writer flattens tables into loose paragraphs, passes text such as "<b>" through as raw HTML, and escapes
every full stop and hyphen, which makes a section hard to edit in the browser.
"""

import io
import logging
import re
from html.parser import HTMLParser

from peerchallenge.documents.checks import (
    DAMAGED_DOCX,
    DAMAGED_PDF,
    DocumentRejected,
    decode_text,
    open_pdf,
)

logger = logging.getLogger(__name__)

NO_PDF_TEXT = (
    "This PDF has no text that can be read. It may be a scanned image: upload the Word version instead."
)

# Word styles people use for headings besides the built-in "Heading 1" to "Heading 6".
WORD_STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => h2:fresh",
        # Word's quote styles, as the letters' Word files write a quote.
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        *(f"p[style-name^='Heading {level}'] => h{level}:fresh" for level in range(1, 7)),
        *(f"p[style-name^='heading {level}'] => h{level}:fresh" for level in range(1, 7)),
        # Word's second and third level list styles, which carry no numbering level of their own.
        *(
            f"p[style-name='List {kind} {depth}'] => {'ul|ol > li > ' * (depth - 1)}{tag} > li:fresh"
            for depth in (2, 3)
            for kind, tag in (("Bullet", "ul"), ("Number", "ol"))
        ),
    ]
)


def extract_markdown(kind: str, data: bytes) -> tuple[str, list[str]]:
    """Markdown from a checked file's bytes, and any warnings about what could not be read."""
    if kind == "docx":
        markdown = docx_to_markdown(data)
        return markdown, [] if markdown.strip() else ["The Word document has no text."]
    if kind == "pdf":
        markdown = pdf_to_markdown(data)
        return markdown, [] if markdown.strip() else [NO_PDF_TEXT]
    markdown = text_to_markdown(decode_text(data))
    return markdown, [] if markdown.strip() else ["The file has no text."]


def docx_to_markdown(data: bytes) -> str:
    """Markdown from a checked .docx: headings, paragraphs, lists, tables, links; images as their alt text."""
    import mammoth.images

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=WORD_STYLE_MAP,
            # Images are never read: a placeholder keeps their alt text without embedding their bytes.
            convert_image=mammoth.images.img_element(lambda image: {"src": ""}),
        )
        return html_to_markdown(result.value)
    except Exception as error:  # expat, zipfile and mammoth raise many kinds of error on a damaged file
        logger.info("Refused a damaged Word file: %r", error)
        raise DocumentRejected(DAMAGED_DOCX) from error


def pdf_to_markdown(data: bytes) -> str:
    """Markdown from a checked PDF's text layer: paragraphs guessed from line lengths, bullets as lists."""
    reader = open_pdf(data)
    pages = []
    try:
        for page in reader.pages:
            pages.append(pdf_page_to_markdown(page.extract_text() or ""))
    except Exception as error:  # pypdf raises many kinds of error on a malformed page
        logger.info("Refused a PDF whose pages can't be read: %r", error)
        raise DocumentRejected(DAMAGED_PDF) from error
    return "\n\n".join(page for page in pages if page).strip() + "\n"


def text_to_markdown(text: str) -> str:
    """A .md or .txt file's text with Unix line ends and no control characters besides tab and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = CONTROL_CHARACTERS.sub("", text)
    return text.strip("\n") + "\n"


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Bullets as PDF text has them, including Word's Symbol and Wingdings bullets in the private use area.
PDF_BULLET = re.compile(r"^\s*(?:[•●▪■◦○‣∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc]\s*|[-–*]\s+)")
SENTENCE_END = re.compile(r"[.!?:;]['\"’”)]*$")


def pdf_page_to_markdown(text: str) -> str:
    """One page of PDF text as Markdown paragraphs.

    PDFs keep lines, not paragraphs. A paragraph ends after a line that ends a sentence and stops short of
    the page's width; a short line that does not end a sentence (a heading, a table cell) stands alone.
    """
    lines = [" ".join(CONTROL_CHARACTERS.sub(" ", line).split()) for line in text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line:
            blocks.append([])
            continue
        bullet = PDF_BULLET.match(line)
        if bullet and len(line) > bullet.end():
            line = "- " + escape_text(line[bullet.end() :], line_start=True)
            blocks.append([line])
            continue
        line = escape_text(line, line_start=True)
        short = len(line) < 0.6 * width
        if short and not SENTENCE_END.search(line):
            blocks.append([line])
            blocks.append([])
            continue
        blocks[-1].append(line)
        if SENTENCE_END.search(line) and len(line) < 0.85 * width:
            blocks.append([])
    return "\n\n".join("\n".join(block) for block in blocks if block)


# Markdown from mammoth's HTML.

INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# CommonMark also reads "1)" as a list, "~~~" as a fence (to the end of the document if never closed) and
# "---" or "===" as a rule or an underline, so a line's opening "-", "+", "=", "~" or ">" is always escaped.
LINE_START_SPECIAL = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[>+=~-]|(\d+)[.)](?=\s|$))")
SPACES = re.compile(r"[ \t\r\n\f\v]+")
BOLD_JOIN = re.compile(r"\*\*(\s*)\*\*")
VOID_TAGS = frozenset({"br", "img", "hr", "input", "col", "wbr"})
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "div"})


def escape_text(text: str, *, line_start: bool = False) -> str:
    """Escape characters that Markdown would read as syntax, so Word's text shows as typed."""
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    text = ENTITY_LIKE.sub("&amp;", text)
    text = TAG_LIKE.sub("&lt;", text)
    return escape_line_start(text) if line_start else text


def escape_line_start(line: str) -> str:
    """Escape a line's opening "#", ">", "-", "+", "=", "~", "1." or "1)" so it stays text."""

    def escape(match: re.Match) -> str:
        indent, marker, number = match.group(1), match.group(2), match.group(3)
        if number is not None:
            return f"{indent}{number}\\{marker[-1]}"
        return f"{indent}\\{marker}"

    return LINE_START_SPECIAL.sub(escape, line, count=1)


class Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []


class TreeBuilder(HTMLParser):
    """mammoth's HTML as a small tree (mammoth closes every element it opens)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def html_to_markdown(html: str) -> str:
    """Markdown for the HTML mammoth writes: p, h1-h6, strong, em, a, img, ul, ol, li, table, br."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    blocks = render_blocks(builder.root)
    return "\n\n".join(blocks).strip("\n") + "\n" if blocks else ""


def render_blocks(node: Node) -> list[str]:
    blocks: list[str] = []
    loose: list[Node | str] = []

    def flush_loose() -> None:
        if loose:
            paragraph = render_paragraph(loose)
            if paragraph:
                blocks.append(paragraph)
            loose.clear()

    for child in node.children:
        if isinstance(child, Node) and child.tag in BLOCK_TAGS:
            flush_loose()
            rendered = render_block(child)
            if rendered and child.tag in ("ul", "ol") and blocks and is_list(blocks[-1], child.tag):
                # Markdown would run two lists of a kind in a row together; an empty comment keeps them apart.
                blocks.append("<!-- -->")
            blocks.extend(rendered)
        else:
            loose.append(child)
    flush_loose()
    return blocks


def is_list(block: str, tag: str) -> bool:
    """Whether a Markdown block is a list of this kind ("ul" or "ol"); one of the other kind starts anew."""
    return block.startswith("- ") if tag == "ul" else bool(re.match(r"\d+\. ", block))


def render_block(node: Node) -> list[str]:
    tag = node.tag
    if tag == "p":
        paragraph = render_paragraph(node.children)
        return [paragraph] if paragraph else []
    if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
        text = single_line(render_inline(node.children))
        return [f"{'#' * int(tag[1])} {text}"] if text else []
    if tag in ("ul", "ol"):
        lines = render_list(node, depth=0)
        return ["\n".join(lines)] if lines else []
    if tag == "table":
        table = render_table(node)
        return [table] if table else []
    if tag == "blockquote":
        return [
            "\n".join("> " + line if line else ">" for line in block.split("\n"))
            for block in render_blocks(node)
        ]
    return render_blocks(node)


def render_paragraph(children: list["Node | str"]) -> str:
    text = render_inline(children).strip()
    if not text:
        return ""
    # A line break inside a paragraph is two spaces then a newline.
    return "  \n".join(escape_line_start(line.strip()) for line in text.split("\n"))


def single_line(text: str) -> str:
    return " ".join(text.replace("  \n", " ").split())


def render_inline(children: list["Node | str"]) -> str:
    parts = []
    for child in children:
        if isinstance(child, str):
            parts.append(escape_text(SPACES.sub(" ", child)))
        else:
            parts.append(render_inline_node(child))
    return BOLD_JOIN.sub(r"\1", "".join(parts))


def render_inline_node(node: Node) -> str:
    tag = node.tag
    if tag == "br":
        return "  \n"
    if tag == "img":
        alt = " ".join(node.attrs.get("alt", "").split())
        return f"\\[image: {escape_text(alt)}\\]" if alt else "\\[image\\]"
    inner = render_inline(node.children)
    if tag == "strong":
        return wrap(inner.replace("**", ""), "**")
    if tag == "em":
        return wrap(inner, "*")
    if tag == "a":
        href = node.attrs.get("href", "")
        if not href or href.startswith("#") or not inner.strip():
            # Bookmarks, footnote links and table-of-contents links point into a page that no longer exists.
            return inner
        return f"[{inner}]({escape_url(href)})"
    if tag in BLOCK_TAGS or tag == "li":
        return " " + single_line(inner) + " "
    return inner


def wrap(text: str, marker: str) -> str:
    """Put emphasis markers tight around the words, with the spaces outside, as Markdown needs."""
    stripped = text.strip()
    if not stripped:
        return text
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return f"{leading}{marker}{stripped}{marker}{trailing}"


def escape_url(url: str) -> str:
    return "".join(URL_ESCAPES.get(char, char) for char in url.strip())


URL_ESCAPES = {"|": "%7C", " ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "", "\\": "%5C"}


def render_list(node: Node, depth: int) -> list[str]:
    indent = "    " * depth
    lines = []
    number = 0
    for item in node.children:
        if not isinstance(item, Node) or item.tag != "li":
            continue
        number += 1
        marker = f"{number}. " if node.tag == "ol" else "- "
        inline: list[Node | str] = []
        nested: list[str] = []
        for child in item.children:
            if isinstance(child, Node) and child.tag in ("ul", "ol"):
                nested.extend(render_list(child, depth + 1))
            elif isinstance(child, Node) and child.tag == "p":
                inline.extend([" ", *child.children, " "])
            else:
                inline.append(child)
        text = single_line(render_inline(inline))
        if text or nested:
            lines.append(f"{indent}{marker}{escape_line_start(text)}".rstrip())
            lines.extend(nested)
    return lines


# Word allows 63 columns; spans come from the file, so they are clamped before any list is built from them.
MAX_TABLE_COLUMNS = 63
MAX_ROW_SPAN = 1000


def render_table(node: Node) -> str:
    """A pipe table, its first row the header; merged cells become empty cells so the columns line up."""
    rows = []
    spanned: dict[int, int] = {}  # column -> rows still covered by a cell merged down from above
    for row in table_rows(node):
        cells: list[str] = []
        for cell in row.children:
            if not isinstance(cell, Node) or cell.tag not in ("td", "th"):
                continue
            fill_spanned_columns(cells, spanned)
            column_span = min(int_attr(cell, "colspan"), MAX_TABLE_COLUMNS)
            row_span = min(int_attr(cell, "rowspan"), MAX_ROW_SPAN)
            for offset in range(column_span):
                if row_span > 1:
                    spanned[len(cells) + offset] = row_span - 1
            cells.append(render_cell(cell))
            cells.extend("" for _ in range(column_span - 1))
        fill_spanned_columns(cells, spanned)
        if len(cells) > MAX_TABLE_COLUMNS:
            # Never drop text: whatever overflows shares the last column.
            overflow = [text for text in cells[MAX_TABLE_COLUMNS - 1 :] if text]
            cells = cells[: MAX_TABLE_COLUMNS - 1] + ["<br>".join(overflow)]
        rows.append(cells)
    columns = max((len(row) for row in rows), default=0)
    if not columns:
        return ""
    rows = [row + [""] * (columns - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * columns]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(lines)


def fill_spanned_columns(cells: list[str], spanned: dict[int, int]) -> None:
    """Empty cells where a cell from a row above is merged down into this one."""
    while spanned.get(len(cells), 0) > 0 and len(cells) < MAX_TABLE_COLUMNS:
        spanned[len(cells)] -= 1
        cells.append("")


def table_rows(node: Node) -> list[Node]:
    rows = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(table_rows(child))
    return rows


def render_cell(cell: Node) -> str:
    """A cell's paragraphs on one line, separated by line breaks; a nested table's cells run together."""
    pieces = []
    for child in cell.children:
        if isinstance(child, Node) and child.tag == "table":
            nested = (
                render_cell(inner)
                for row in table_rows(child)
                for inner in row.children
                if isinstance(inner, Node)
            )
            pieces.append(" ".join(text for text in nested if text))
        elif isinstance(child, Node) and child.tag in BLOCK_TAGS:
            pieces.extend(line.strip() for block in render_block(child) for line in block.split("\n"))
        else:
            pieces.append(single_line(render_inline([child])))
    return "<br>".join(piece.replace("|", "\\|") for piece in pieces if piece)


def int_attr(node: Node, name: str) -> int:
    """A positive whole-number attribute such as colspan; 1 when missing or nonsense."""
    try:
        return max(int(node.attrs.get(name, "1")), 1)
    except ValueError:
        return 1
