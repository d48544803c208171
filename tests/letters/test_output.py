"""The letter as PDF and as Word: real files read back with pypdf and python-docx, and nothing fetched."""

import io
import re
import threading
import zipfile
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pypdf
import pytest

from peerchallenge.letters.output import (
    PDF_TEMPLATE,
    LetterDetails,
    _compiler,
    letter_docx,
    letter_pdf,
    letter_tree,
)
from peerchallenge.sanitise import render_markdown

REGION = "Eastern Region"
LETTER = """Dear Director,

This letter brings together the challenge from **Suffolk** and *Norfolk*, with a [guide](https://example.org/guide).

## 1. Early help

### Ratings

| Measure | Suffolk | Norfolk | Agreement |
|---|---|---|---|
| Evidence strength | Strong | Adequate | Differ |
| Brevity and focus | Concise | Concise | Agree |

### Strengths

- Early help assessments are timely
- Families say they are listened to
    - Nested: the family hubs survey

### Challenge questions

1. How do you know step-down is safe?
2. What do children say about their plans?

## 2. Children in care

> Stability has improved for the youngest children.

Placements *closer to home* remain a worry.
"""
HEADINGS = ("1. Early help", "Ratings", "Strengths", "Challenge questions", "2. Children in care")
HOSTILE = """## Hostile

<script>alert("boom")</script>

<img src="http://127.0.0.1:{port}/pixel.png">

![tracker](http://127.0.0.1:{port}/tracker.png)

<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">

<style>@import url("http://127.0.0.1:{port}/import.css");</style>

[click me](javascript:alert(1)) and [a real link](http://127.0.0.1:{port}/page)

<p onclick="alert(2)">Kept paragraph</p>
"""
NON_ASCII = "Café – the child’s “voice” matters 😀 naïve façade"


def make(render, body: str = LETTER, **overrides):
    printed = {
        "title": "Peer challenge letter 2025: Essex",
        "authority_name": "Essex",
        "region_name": REGION,
        "released_on": date(2025, 11, 3),
    }
    return render(LetterDetails.from_markdown(body, **{**printed, **overrides}))


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


class CountingServer:
    """A loopback HTTP server that counts every request made to it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def letter_pdf_bytes() -> bytes:
    return make(letter_pdf)


@pytest.fixture(scope="module")
def letter_document():
    return open_docx(make(letter_docx))


# PDF


def test_pdf_is_a_readable_pdf_with_the_letter_the_region_and_page_numbers(letter_pdf_bytes):
    assert letter_pdf_bytes.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf_bytes))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in HEADINGS:
        assert heading in text
    assert "Early help assessments are timely" in text
    assert "Nested: the family hubs survey" in text
    assert "Evidence strength" in text and "Adequate" in text
    assert "Stability has improved" in text
    assert REGION in text
    assert "Essex" in text and "3 November 2025" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    # A link keeps its address on paper.
    assert "(https://example.org/guide)" in text.replace("\n", "")
    assert reader.metadata.title == "Peer challenge letter 2025: Essex"
    assert reader.metadata.author == REGION


def test_pdf_page_is_a4(letter_pdf_bytes):
    box = pypdf.PdfReader(io.BytesIO(letter_pdf_bytes)).pages[0].mediabox
    # A4 is 595.28 x 841.89 points.
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1


def test_long_letter_runs_to_several_pages_each_numbered_with_the_region_in_the_margin():
    sections = "\n\n".join(
        f"## Section {number}\n\n"
        + "\n\n".join(f"Paragraph {number}.{p} " + "evidence " * 80 for p in range(4))
        for number in range(1, 9)
    )
    pages = pdf_text(make(letter_pdf, sections))
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert REGION in text  # the running header, not only the title block


def test_table_header_row_is_repeated_on_every_page_the_table_runs_on_to():
    rows = "\n".join(f"| Measure {number} | Strong | Adequate |" for number in range(120))
    body = f"## Ratings\n\n| Rating scale | First peer | Second peer |\n|---|---|---|\n{rows}\n"
    pages = pdf_text(make(letter_pdf, body))
    assert len(pages) >= 2
    assert all("Rating scale" in text for text in pages)
    assert "Measure 119" in pages[-1]


def test_each_thread_reuses_its_own_compiler():
    # A Typst compiler cannot be used by two threads at once; within one it is reused for every letter.
    here = _compiler()
    assert _compiler() is here
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(_compiler()))
    thread.start()
    thread.join()
    assert elsewhere and elsewhere[0] is not here


def test_letters_made_in_several_threads_at_once_are_each_their_own():
    results: dict[str, str] = {}

    def render(name: str) -> None:
        for _ in range(3):
            results[name] = "\n".join(pdf_text(make(letter_pdf, f"Letter for {name}.", authority_name=name)))

    threads = [threading.Thread(target=render, args=(name,)) for name in ("Essex", "Kent", "Luton")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Essex", "Kent", "Luton"]
    for name, text in results.items():
        assert f"Letter for {name}." in text


# A Markdown list that starts at 4 keeps its start (CommonMark writes <ol start="4">).
START_AT_FOUR = "1. First\n2. Second\n\nA paragraph between.\n\n4. Fourth\n5. Fifth\n"


def test_numbered_list_keeps_its_start_number_in_the_pdf():
    text = pdf_text(make(letter_pdf, START_AT_FOUR))[0]
    assert all(f"{number}." in text for number in (1, 2, 4, 5))
    assert "3." not in text


def test_unreleased_letter_says_it_is_a_draft():
    assert "Not released yet (draft)" in pdf_text(make(letter_pdf, "Text.", released_on=None))[0]
    paragraphs = [p.text for p in open_docx(make(letter_docx, "Text.", released_on=None)).paragraphs]
    assert "Released: Not released yet (draft)" in paragraphs


# Word


def test_docx_headings_have_heading_styles_under_a_title(letter_document):
    styles = {paragraph.text: paragraph.style.name for paragraph in letter_document.paragraphs}
    assert styles["Peer challenge letter 2025: Essex"] == "Title"
    # The body's top level (##) becomes Heading 1 under the title, ### Heading 2.
    assert styles["1. Early help"] == "Heading 1"
    assert styles["2. Children in care"] == "Heading 1"
    for heading in ("Ratings", "Strengths", "Challenge questions"):
        assert styles[heading] == "Heading 2"
    assert len(letter_document.paragraphs) > 15  # structure, not one block of text


def test_docx_lists_use_list_styles_with_nesting(letter_document):
    styles = {paragraph.text: paragraph.style.name for paragraph in letter_document.paragraphs}
    assert styles["Early help assessments are timely"] == "List Bullet"
    assert styles["Families say they are listened to"] == "List Bullet"
    assert styles["Nested: the family hubs survey"] == "List Bullet 2"
    assert styles["How do you know step-down is safe?"] == "List Number"
    assert styles["Stability has improved for the youngest children."] == "Quote"


def test_docx_paragraph_keeps_bold_and_italic_runs(letter_document):
    paragraph = next(p for p in letter_document.paragraphs if p.text.startswith("This letter brings"))
    runs = {run.text: run for run in paragraph.runs}
    assert runs["Suffolk"].bold is True
    assert runs["Norfolk"].italic is True
    assert not runs["This letter brings together the challenge from "].bold
    assert paragraph.text.endswith("with a guide.")
    assert [(link.text, link.url) for link in paragraph.hyperlinks] == [
        ("guide", "https://example.org/guide")
    ]


def test_docx_table_is_a_real_table_with_a_bold_header_row(letter_document):
    (table,) = letter_document.tables
    assert table.style.name == "Table Grid"
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        ["Measure", "Suffolk", "Norfolk", "Agreement"],
        ["Evidence strength", "Strong", "Adequate", "Differ"],
        ["Brevity and focus", "Concise", "Concise", "Agree"],
    ]
    header_runs = [run for cell in table.rows[0].cells for run in cell.paragraphs[0].runs]
    assert header_runs and all(run.bold for run in header_runs)
    assert not any(run.bold for run in table.rows[1].cells[1].paragraphs[0].runs)


def test_docx_footer_properties_and_page_size(letter_document):
    footer = letter_document.sections[0].footer
    assert REGION in footer.paragraphs[0].text
    assert 'w:instr="PAGE"' in footer._element.xml
    properties = letter_document.core_properties
    assert properties.title == "Peer challenge letter 2025: Essex"
    assert properties.author == REGION
    assert "python-docx" not in (properties.comments or "") + (properties.last_modified_by or "")
    assert round(letter_document.sections[0].page_width.mm) == 210


def test_docx_each_numbered_list_counts_from_its_own_start():
    document = open_docx(make(letter_docx, START_AT_FOUR))
    numbered = {
        p.text: p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"
    }
    assert numbered["First"] == numbered["Second"]
    assert numbered["Fourth"] == numbered["Fifth"] != numbered["First"]
    numbering = document.part.numbering_part.element
    (second_list,) = [num for num in numbering.num_lst if num.numId == numbered["Fourth"]]
    assert second_list.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["4"]


def test_docx_loose_lists_code_and_breaks_lose_no_text():
    body = (
        "- First item\n\n    with a second paragraph\n\n- Second item\n\n"
        "Line one  \nline two with `code`\n\n```\npre one\npre two\n```\n\n---\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n| c | d |\n|---|---|\n| 3 | 4 |\n"
    )
    document = open_docx(make(letter_docx, body))
    styles = [(p.text, p.style.name) for p in document.paragraphs if p.text]
    assert ("First item", "List Bullet") in styles
    assert ("with a second paragraph", "List Continue") in styles
    assert ("Second item", "List Bullet") in styles
    assert ("Line one\nline two with code", "Normal") in styles
    assert ("pre one\npre two", "Normal") in styles
    assert [[c.text for c in row.cells] for t in document.tables for row in t.rows] == [
        ["a", "b"],
        ["1", "2"],
        ["c", "d"],
        ["3", "4"],
    ]
    # Two tables stay two tables in Word: a paragraph sits between them.
    body_children = [child.tag.rsplit("}", 1)[1] for child in document.element.body]
    first = body_children.index("tbl")
    assert body_children[first + 1] == "p" and body_children[first + 2] == "tbl"


def test_docx_unknown_tags_degrade_to_their_text_and_control_characters_are_dropped():
    body = "<details><summary>Summary kept</summary>Detail kept</details>\n\nPasted\x0c from a PDF\x0b text"
    document = open_docx(make(letter_docx, body))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Summary kept" in text and "Detail kept" in text
    assert "Pasted from a PDF text" in text


# Safety


def active_pdf_content(data: bytes) -> list[str]:
    """JavaScript, launch actions and non-web link targets anywhere in the PDF's catalogue or annotations."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        if key in root:
            found.append(key)
    if "/Names" in root and "/JavaScript" in root["/Names"]:
        found.append("/Names/JavaScript")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            if action.get("/S") != "/URI":
                found.append(str(action.get("/S")))
            elif not str(action["/URI"]).startswith(("http://", "https://", "mailto:")):
                found.append(str(action["/URI"]))
    return found


def test_hostile_markdown_gives_no_active_content_and_no_fetch():
    with CountingServer() as server:
        body = HOSTILE.format(port=server.port)
        pdf = make(letter_pdf, body)
        word = make(letter_docx, body)
    assert server.requests == []

    assert active_pdf_content(pdf) == []
    text = "\n".join(pdf_text(pdf))
    assert "Kept paragraph" in text and "click me" in text
    # Raw HTML is not rendered: it reads as the text it is, and nothing in it acts.
    assert '<script>alert("boom")</script>' in text

    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        names = archive.namelist()
        xml = "\n".join(
            archive.read(name).decode("utf-8") for name in names if name.endswith((".xml", ".rels"))
        )
    assert not any(name.startswith("word/media/") for name in names)
    assert "javascript" not in " ".join(re.findall(r"<[^>]*>", xml)).lower() and "<script" not in xml
    document = open_docx(word)
    links = [(link.text, link.url) for p in document.paragraphs for link in p.hyperlinks]
    assert links == [("a real link", f"http://127.0.0.1:{server.port}/page")]
    assert any("Kept paragraph" in p.text for p in document.paragraphs)


def test_closed_loopback_port_does_not_hang():
    # Nothing listens on port 9 (discard); a fetch attempt would wait or fail, a refusal is instant.
    body = "<img src='http://127.0.0.1:9/x.png'>\n\n![x](http://127.0.0.1:9/y.png)\n\nText after."
    assert "Text after." in pdf_text(make(letter_pdf, body))[0]


def test_non_ascii_text_survives_both_files():
    body = f"## Résumé – “quotes”\n\n{NON_ASCII}\n\n- {NON_ASCII}\n"
    pdf = "\n".join(pdf_text(make(letter_pdf, body, authority_name="Southend-on-Sea – test")))
    assert NON_ASCII in pdf.replace("\n", " ")
    assert "Résumé – “quotes”" in pdf
    document = open_docx(make(letter_docx, body))
    paragraphs = [(p.text, p.style.name) for p in document.paragraphs]
    assert ("Résumé – “quotes”", "Heading 1") in paragraphs
    assert (NON_ASCII, "Normal") in paragraphs
    assert (NON_ASCII, "List Bullet") in paragraphs


# A PDF a screen reader can read


def structure_types(data: bytes) -> list[str]:
    """The structure elements of a tagged PDF, in document order, with Typst's own roles mapped."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "/S" in node:
            found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(tree["/K"])
    return found


def test_pdf_is_tagged_with_its_title_language_and_pdf_ua_identifier(letter_pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf_bytes))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # a reader shows the title, not a file name
    assert reader.metadata.title == "Peer challenge letter 2025: Essex"
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "en-GB" in xmp
    # Marked content on the page ties its text to the structure tree.
    content = reader.pages[0].get_contents().get_data()
    assert b"/MCID" in content and b"BDC" in content


def test_pdf_has_real_headings_lists_quotes_links_and_table_headers(letter_pdf_bytes):
    types = structure_types(letter_pdf_bytes)
    # The letter's title is the one level 1 heading; the body's ## and ### come under it.
    assert types.count("/H1") == 1 and types.count("/H2") == 2 and types.count("/H3") == 3
    assert types.index("/H1") < types.index("/H2") < types.index("/H3")
    assert types.count("/L") == 3 and types.count("/LI") == 5  # two lists, one nested; five items
    assert types.count("/Table") == 1 and types.count("/TH") == 4 and "/THead" in types
    assert "/BlockQuote" in types and "/Link" in types


def test_headings_that_skip_a_level_are_brought_up_so_none_is_skipped():
    body = "#### Deep first\n\nText\n\n## Top\n\n##### Far below\n\n### Third\n"
    tree = letter_tree(str(render_markdown(body)))
    assert [(block["runs"][0]["text"], block["level"]) for block in tree if block["type"] == "heading"] == [
        ("Deep first", 2),
        ("Top", 2),
        ("Far below", 3),
        ("Third", 3),
    ]
    types = structure_types(make(letter_pdf, body))
    assert [kind for kind in types if kind.startswith("/H")] == ["/H1", "/H2", "/H2", "/H3", "/H3"]


# Letter text is data, never Typst: every field, through the PDF and the Word file

TYPST_ATTACKS = (
    '#import "@preview/cetz:0.3.4": *',
    '#read("/etc/passwd")',
    '#include "letter.typ"',
    '#set page(paper: "a5")',
    '#panic("stop")',
    "#sys.inputs.letter",
    "$x^2 + sqrt(y)$",
    "] #text(fill: red)[",
    "@label and <label>",
    "= Not a heading",
    "back\\ slash \\",
    "#{ let x = 1 }",
)


def flat(text: str) -> str:
    return "".join(text.split())


def test_typst_syntax_in_every_field_is_plain_text_in_the_pdf_and_word_file():
    attack = " ".join(TYPST_ATTACKS)
    code = "\n".join(TYPST_ATTACKS)
    body = "\n\n".join(
        [
            *TYPST_ATTACKS,
            f"- {TYPST_ATTACKS[1]}\n- **{TYPST_ATTACKS[3]}**",
            f"| {TYPST_ATTACKS[6]} | x |\n|---|---|\n| {TYPST_ATTACKS[0]} | y |",
            f"`{TYPST_ATTACKS[2]}`",
            f"```typst\n{code}\n```",
            f"[{TYPST_ATTACKS[4]}](https://example.org/?q=%22%5D)",
        ]
    )
    fields = {"title": f"Title {attack}", "authority_name": f"Authority {attack}", "region_name": attack}
    pdf = make(letter_pdf, body, **fields)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    for piece in TYPST_ATTACKS:
        # In the body, in the code block, the title, the authority and the region: each at least five times.
        assert text.count(flat(piece)) >= 5, piece
    assert "root:" not in text  # no file was read
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595  # still A4: `#set page` did nothing
    assert reader.metadata.title == fields["title"]
    assert reader.metadata.author == attack

    document = open_docx(make(letter_docx, body, **fields))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for piece in TYPST_ATTACKS:
        assert piece in paragraphs, piece
    assert document.core_properties.title == fields["title"]
    assert f"Authority: Authority {attack}" in paragraphs


def test_the_typst_template_reads_only_the_letter_it_is_given():
    # Nothing to fetch or read: no package, no import, no file but the letter passed in sys.inputs.
    source = PDF_TEMPLATE.read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    for forbidden in ("#import", "#include", "read(", "@preview", "plugin(", "image("):
        assert forbidden not in code
    assert "json(bytes(sys.inputs.letter))" in code


def test_text_no_font_here_can_show_still_makes_a_tagged_pdf():
    # PDF/UA-1 refuses characters without a glyph (no CJK font is installed): the letter is made all the same,
    # tagged and in its language, without the PDF/UA claim.
    pdf = make(letter_pdf, "## 中文 heading\n\nThe borough's Chinese community: 中文.")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/H2" in structure_types(pdf)
    assert "The borough's Chinese community" in pdf_text(pdf)[0]


def test_empty_headings_are_dropped_and_quotes_45_deep_are_laid_out_twenty_deep():
    body = "##\n\n## \n\nBefore.\n\n" + ">" * 45 + " Deep inside.\n\nAfter."
    tree = letter_tree(str(render_markdown(body)))
    assert [block["type"] for block in tree] == ["paragraph", "quote", "paragraph"]
    depth, quote = 0, tree[1]
    while quote["type"] == "quote":
        depth, quote = depth + 1, quote["blocks"][0]
    assert depth == 20 and quote["runs"][0]["text"] == "Deep inside."
    text = pdf_text(make(letter_pdf, body))[0]
    assert "Deep inside." in text and "After." in text
