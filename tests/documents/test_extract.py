"""Extraction to Markdown: Word through mammoth's HTML, PDF text, plain text."""

import docx
import pytest

from peerchallenge.documents.extract import (
    docx_to_markdown,
    escape_text,
    html_to_markdown,
    pdf_page_to_markdown,
    pdf_to_markdown,
    text_to_markdown,
)
from peerchallenge.sanitise import render_markdown
from tests.documents import builders


def test_word_headings_paragraphs_lists_tables_and_links():
    data, _built = builders.self_assessment_docx()
    markdown = docx_to_markdown(data)
    assert markdown.startswith("# Anyshire children's services self-assessment 2025\n\n")
    assert "\n# Headline summary and context\n\n" in markdown
    assert "\n## What we know\n\n" in markdown
    assert f"\n- {builders.words(4, seed=1)}\n" in markdown
    assert f"\n1. {builders.words(5, seed=2)}\n" in markdown
    assert "| Measure | 2024 | 2025 |\n| --- | --- | --- |\n| Re-referrals | 21% | 18% |" in markdown
    assert "Read the [partnership report](https://example.org/report) for more." in markdown


def test_word_bold_paragraphs_become_bold_lines():
    data, _built = builders.self_assessment_docx(heading_style="bold", numbering="{n}. ")
    markdown = docx_to_markdown(data)
    assert "\n**3. Family help, including early help**\n" in markdown
    assert "\n**What we know**\n" in markdown


def test_word_numbered_headings_keep_their_numbers_as_text():
    data, _built = builders.self_assessment_docx(numbering="Section {n}: ")
    assert "\n# Section 3: Family help, including early help\n" in docx_to_markdown(data)


def test_word_text_that_looks_like_markdown_stays_text():
    document = docx.Document()
    document.add_paragraph("2025. A year of <b>change</b> & *progress* in [brackets] with #1 priority")
    document.add_paragraph("# not a heading")
    document.add_paragraph("- not a list")
    markdown = docx_to_markdown(builders.save(document))
    html = render_markdown(markdown)
    assert "2025. A year of &lt;b&gt;change&lt;/b&gt; &amp; *progress* in [brackets] with #1 priority" in html
    assert "<p># not a heading</p>" in html
    assert "<p>- not a list</p>" in html
    assert "<h1>" not in html and "<li>" not in html and "<b>" not in html


def test_word_images_are_dropped_keeping_their_alt_text():
    assert "\n\\[image\\]\n" in docx_to_markdown(builders.docx_with_picture())
    markdown = docx_to_markdown(builders.docx_with_picture("Chart of re-referrals"))
    assert "\\[image: Chart of re-referrals\\]" in markdown
    assert "data:" not in markdown and "base64" not in markdown and "](" not in markdown


def test_word_line_breaks_stay_line_breaks():
    markdown = docx_to_markdown(builders.docx_with_picture())
    assert "Line one  \nline two" in markdown
    assert "Line one<br>\nline two" in render_markdown(markdown)


def test_word_javascript_links_pass_through_to_the_markdown():
    document = docx.Document()
    paragraph = document.add_paragraph("Click ")
    builders.add_hyperlink(paragraph, "here", "javascript:alert(document.cookie)")
    markdown = docx_to_markdown(builders.save(document))
    assert "[here](javascript:alert%28document.cookie%29)" in markdown


def test_an_empty_word_document_is_empty_markdown():
    assert docx_to_markdown(builders.save(docx.Document())) == ""


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<h2>Early <strong>help</strong></h2>", "## Early **help**\n"),
        ("<p><strong>Early </strong><strong>help</strong></p>", "**Early help**\n"),
        ("<p><strong>Bold </strong>then plain</p>", "**Bold** then plain\n"),
        ("<p><em>lean</em></p><p><strong> </strong></p>", "*lean*\n"),
        (
            "<ul><li>one<ul><li>two<ol><li>three</li></ol></li></ul></li><li>four</li></ul>",
            "- one\n    - two\n        1. three\n- four\n",
        ),
        # A list of the other kind starts a new list by itself; two of a kind need a comment between them.
        ("<ol><li>one</li></ol><ul><li>two</li></ul>", "1. one\n\n- two\n"),
        ("<ul><li>one</li></ul><ul><li>two</li></ul>", "- one\n\n<!-- -->\n\n- two\n"),
        ("<ol><li>one</li></ol><ol><li>two</li></ol>", "1. one\n\n<!-- -->\n\n1. two\n"),
        ('<p><a id="_Toc1"></a><a href="#_Toc2">Early help\t3</a></p>', "Early help 3\n"),
        (
            '<p><a href="https://a.example/x y(1)">a link</a></p>',
            "[a link](https://a.example/x%20y%281%29)\n",
        ),
        ("<p>Tabbed\tfirst    line</p>", "Tabbed first line\n"),
        ("<p>1. typed number</p>", "1\\. typed number\n"),
        ("<p>&amp;copy; stays &lt;text&gt;</p>", "&amp;copy; stays &lt;text>\n"),
    ],
)
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


def test_tables_pad_merged_cells_and_flatten_what_a_cell_cannot_hold():
    html = (
        '<table><thead><tr><th colspan="2">Measure</th><th>Value</th></tr></thead><tbody>'
        "<tr><td><p>a</p><p>b | c</p></td><td><ul><li>l1</li><li>l2</li></ul></td>"
        "<td><table><tr><td>n1</td><td>n2</td></tr></table></td></tr>"
        "<tr><td>short row</td></tr></tbody></table>"
    )
    assert html_to_markdown(html) == (
        "| Measure |  | Value |\n| --- | --- | --- |\n"
        "| a<br>b \\| c | - l1<br>- l2 | n1 n2 |\n| short row |  |  |\n"
    )
    rendered = render_markdown(html_to_markdown(html))
    assert rendered.count("<tr>") == 3 and "b | c" in rendered


def test_merged_cells_keep_the_columns_in_line():
    html = (
        '<table><tr><td rowspan="2">Area</td><td>2024</td><td>2025</td></tr>'
        "<tr><td>21%</td><td>18%</td></tr>"
        '<tr><td colspan="2">Both years</td><td>x</td></tr></table>'
    )
    assert html_to_markdown(html) == (
        "| Area | 2024 | 2025 |\n| --- | --- | --- |\n|  | 21% | 18% |\n| Both years |  | x |\n"
    )


def test_absurd_spans_from_a_hostile_file_are_clamped():
    html = '<table><tr><td colspan="1000000000" rowspan="1000000000">x</td></tr><tr><td>y</td></tr></table>'
    lines = html_to_markdown(html).splitlines()
    assert len(lines) == 3
    assert all(line.count("|") == 64 for line in lines)
    assert lines[0].startswith("| x |") and lines[2].endswith("| y |")


def test_escape_text():
    assert (
        escape_text("a_b *c* [d] `e` \\ <f> &amp; a < b")
        == "a\\_b \\*c\\* \\[d\\] \\`e\\` \\\\ &lt;f> &amp;amp; a < b"
    )
    assert escape_text("# hash", line_start=True) == "\\# hash"
    assert escape_text("12. twelve", line_start=True) == "12\\. twelve"


def test_pdf_page_paragraphs_bullets_and_standalone_lines():
    long_line = "word " * 17 + "wrapped"
    text = "\n".join(
        [
            "Early help",
            long_line,
            "to the end.",
            "\u2022 A bullet point",
            "\uf0b7 A Word symbol bullet",
            "Short line",
            long_line,
            "ends *here*.",
            "*starred*",
        ]
    )
    assert pdf_page_to_markdown(text).split("\n\n") == [
        "Early help",
        f"{long_line}\nto the end.",
        "- A bullet point",
        "- A Word symbol bullet",
        "Short line",
        f"{long_line}\nends \\*here\\*.",
        "\\*starred\\*",
    ]


def test_pdf_text():
    data, _expected = builders.self_assessment_pdf()
    markdown = pdf_to_markdown(data)
    assert "\n1\\. Headline summary and context\n\n" in markdown
    assert f"\n- {builders.words(6, seed=2)}\n" in markdown


def test_a_pdf_without_text_is_empty_markdown():
    assert pdf_to_markdown(builders.blank_pdf()).strip() == ""


def test_text_line_ends_and_control_characters():
    assert (
        text_to_markdown("\r\n\r\nOne\r\ntwo\rthree\x07\x1b[0m\fnext page\n\n")
        == "One\ntwo\nthree[0m\n\nnext page\n"
    )


def test_word_text_that_commonmark_would_read_as_structure_stays_text():
    lines = ["~~~", "1) Not a list", "---", "===", "-5 degrees", "+ plus", "# hash", "Last paragraph"]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    html = str(render_markdown(docx_to_markdown(builders.save(document))))
    assert html == "".join(f"<p>{line}</p>\n" for line in lines)  # no fence, list, rule or heading
