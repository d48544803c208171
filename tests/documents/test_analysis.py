"""analyse_document end to end: Word, PDF, Markdown and text files split into the template's sections."""

import json
import re

import docx
import pytest

from peerchallenge.documents import (
    DEFAULT_SECTIONS,
    DocumentAnalysis,
    SectionSpec,
    analyse_document,
    count_words,
    split_markdown,
)
from peerchallenge.sanitise import render_markdown
from tests.documents import builders
from tests.documents.builders import parts_word_total

TITLES = [section.title for section in DEFAULT_SECTIONS]
TITLE_WORDS = 5 + 25  # the Word title and the introduction under it


def test_default_sections():
    assert TITLES == [
        "Headline summary and context",
        "Progress since last year",
        "Family help, including early help",
        "Help and protection, including multi-agency child protection",
        "Children in care, including permanence and sufficiency",
        "Care leavers",
        "The impact of leaders on practice with children and families",
        "Workforce",
        "Education and SEND",
        "Plans, asks and offers",
    ]
    assert [section.optional for section in DEFAULT_SECTIONS] == [False] * 8 + [True, False]
    assert all(500 <= section.suggested_words <= 1000 for section in DEFAULT_SECTIONS)


@pytest.mark.parametrize(
    ("heading_style", "numbering"),
    [("heading", ""), ("heading", "{n}. "), ("heading", "Section {n}: "), ("bold", ""), ("bold", "{n}) ")],
)
def test_a_word_self_assessment_splits_into_its_sections(heading_style, numbering):
    data, built = builders.self_assessment_docx(heading_style=heading_style, numbering=numbering)
    analysis = analyse_document("Anyshire SEF 2025.docx", data, DEFAULT_SECTIONS)
    assert analysis.kind == "docx"
    assert analysis.warnings == []
    assert [(s.title, s.found, s.heading, s.word_count) for s in analysis.sections] == [
        (b.title, True, b.heading, b.words) for b in built
    ]
    assert analysis.unmatched == [
        ("Anyshire children's services self-assessment 2025", builders.words(25, seed=99))
    ]
    assert analysis.total_words == sum(b.words for b in built) + TITLE_WORDS + sum(
        count_words(b.heading) for b in built
    )
    assert parts_word_total(analysis.sections, analysis.unmatched) == analysis.total_words


def test_a_word_section_keeps_its_sub_headings_lists_tables_and_links():
    data, _built = builders.self_assessment_docx()
    help_and_protection = analyse_document("sef.docx", data, DEFAULT_SECTIONS).sections[3]
    markdown = help_and_protection.markdown
    assert markdown.startswith(builders.words(60, seed=3))
    assert "## What we know" in markdown
    assert "| Re-referrals | 21% | 18% |" in markdown
    assert "[partnership report](https://example.org/report)" in markdown
    html = render_markdown(markdown)
    assert "<table>" in html and "<li>" in html and "<h2>What we know</h2>" in html


def test_missing_and_long_sections_are_warned_about():
    data, _built = builders.self_assessment_docx(skip=(2, 8), extra_words={7: 2130 - 132})
    analysis = analyse_document("sef.docx", data, DEFAULT_SECTIONS)
    assert analysis.warnings == [
        "Section 'Family help, including early help' was not found.",
        "'Workforce' has 2,130 words; the suggested length is 600.",
    ]
    early_help = analysis.sections[2]
    assert (early_help.found, early_help.heading, early_help.markdown, early_help.word_count) == (
        False,
        None,
        "",
        0,
    )
    assert not analysis.sections[8].found


def test_a_cycles_own_template_is_used():
    data, _built = builders.self_assessment_docx()
    template = [SectionSpec("Early help", 100), SectionSpec("Youth justice", 50), SectionSpec("Workforce")]
    analysis = analyse_document("sef.docx", data, template)
    assert [(s.index, s.title, s.found, s.suggested_words) for s in analysis.sections] == [
        (0, "Early help", True, 100),
        (1, "Youth justice", False, 50),
        (2, "Workforce", True, None),
    ]
    assert "Section 'Youth justice' was not found." in analysis.warnings
    assert "'Early help' has 132 words; the suggested length is 100." not in analysis.warnings
    assert analysis.unmatched[1][0] == "Headline summary and context"
    assert parts_word_total(analysis.sections, analysis.unmatched) == analysis.total_words


def test_a_pdf_self_assessment_splits_on_its_heading_lines():
    data, expected = builders.self_assessment_pdf()
    analysis = analyse_document("sef.pdf", data, DEFAULT_SECTIONS)
    assert analysis.kind == "pdf"
    assert analysis.warnings == []
    assert {s.title: s.word_count for s in analysis.sections} == expected
    assert [s.heading for s in analysis.sections] == [
        f"{n}. {title}" for n, title in enumerate(TITLES, start=1)
    ]
    # The contents page stays, as text before the first heading.
    assert analysis.unmatched[0][0] is None and "Care leavers" in analysis.unmatched[0][1]
    # The kept Markdown has real headings, so it splits the same way after editing.
    assert "\n## 3\\. Family help, including early help\n" in analysis.markdown
    again, _unmatched, _warnings = split_markdown(analysis.markdown, DEFAULT_SECTIONS)
    assert [s.markdown for s in again] == [s.markdown for s in analysis.sections]
    assert parts_word_total(analysis.sections, analysis.unmatched) == analysis.total_words


def test_a_pdf_with_a_missing_section():
    data, _expected = builders.self_assessment_pdf(skip=(3,))
    analysis = analyse_document("sef.pdf", data, DEFAULT_SECTIONS)
    assert analysis.warnings == [
        "Section 'Help and protection, including multi-agency child protection' was not found."
    ]


def test_a_pdf_without_text_is_a_warning_not_a_refusal():
    analysis = analyse_document("scan.pdf", builders.blank_pdf(pages=3), DEFAULT_SECTIONS)
    assert analysis.warnings[0] == (
        "This PDF has no text that can be read. It may be a scanned image: upload the Word version instead."
    )
    assert analysis.total_words == 0
    assert not any(section.found for section in analysis.sections)


def test_a_markdown_file():
    markdown = (
        "Intro.\n\n# 1. Headline summary and context\n\nWe know *our* children.\n\n"
        "## Early help\n\n| Measure | Value |\n|---|---|\n| Contacts | 1,200 |\n"
    )
    analysis = analyse_document("sef.md", markdown.encode(), DEFAULT_SECTIONS)
    assert analysis.kind == "md"
    assert analysis.markdown == markdown
    assert analysis.sections[0].markdown == "We know *our* children."
    assert analysis.sections[2].word_count == 4
    assert analysis.unmatched == [(None, "Intro.")]


def test_a_text_file_with_plain_heading_lines():
    text = (
        "Anyshire self-assessment\r\n\r\nEarly help\r\nWe help families early – £1.2m invested.\r\n\r\n"
        "Care leavers\r\n\r\nOur care leavers say so.\r\n"
    )
    analysis = analyse_document("sef.txt", text.encode("cp1252"), DEFAULT_SECTIONS)
    assert analysis.kind == "txt"
    assert analysis.sections[2].markdown == "We help families early – £1.2m invested."
    assert analysis.sections[5].word_count == 5
    assert "## Early help\n\n" in analysis.markdown
    assert analysis.unmatched == [(None, "Anyshire self-assessment")]


def test_to_dict_is_json_ready():
    data, _built = builders.self_assessment_docx(skip=(4,))
    analysis = analyse_document("sef.docx", data, DEFAULT_SECTIONS)
    as_dict = json.loads(json.dumps(analysis.to_dict()))
    assert as_dict["kind"] == "docx"
    assert as_dict["total_words"] == analysis.total_words
    assert as_dict["warnings"] == [
        "Section 'Children in care, including permanence and sufficiency' was not found."
    ]
    assert as_dict["sections"][4] == {
        "index": 4,
        "title": "Children in care, including permanence and sufficiency",
        "found": False,
        "heading": None,
        "word_count": 0,
        "suggested_words": 1000,
        "markdown": "",
        "signals": [],
    }
    assert as_dict["sections"][2]["heading"] == "Family help, including early help"
    assert as_dict["unmatched"][0]["heading"].startswith("Anyshire")
    assert as_dict["unmatched"][0]["word_count"] == 25
    assert as_dict["markdown"] == analysis.markdown
    assert isinstance(analysis, DocumentAnalysis)


# Hostile content reaches the page only through the sanitiser.


def rendered_tags(html: str) -> str:
    return " ".join(re.findall(r"<[^>]*>", html.lower()))


def test_a_javascript_link_in_word_and_a_script_in_markdown_render_safely():
    document = docx.Document()
    document.add_heading("Early help", level=1)
    paragraph = document.add_paragraph("See ")
    builders.add_hyperlink(paragraph, "our offer", "javascript:alert(document.cookie)")
    builders.add_hyperlink(paragraph, "the report", "https://example.org/report")
    word = analyse_document("sef.docx", builders.save(document), DEFAULT_SECTIONS)
    assert (
        "javascript:" in word.sections[2].markdown
    )  # passed through: the sanitiser removes it at render time

    markdown_file = (
        '# Early help\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n'
        '<a href="javascript:alert(1)" onclick="alert(2)">link</a> [md link](javascript:alert(3))\n'
    )
    markdown = analyse_document("sef.md", markdown_file.encode(), DEFAULT_SECTIONS)

    for section in (word.sections[2], markdown.sections[2]):
        html = render_markdown(section.markdown)
        tags = rendered_tags(html)
        assert "<script" not in tags and "<img" not in tags
        assert not re.search(r"\son\w+\s*=", tags)
        # Raw HTML is shown as text, never as markup: only the rendered tags must be harmless.
        assert "javascript:" not in tags
    assert (
        '<a href="https://example.org/report" rel="noopener noreferrer nofollow">the report</a>'
        in render_markdown(word.sections[2].markdown)
    )
