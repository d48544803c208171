"""The one entry point for an uploaded self-assessment: check it, extract Markdown, split it into sections.

Plain values in, plain values out: no request, no session, no database.
"""

from dataclasses import dataclass
from typing import Any

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE
from peerchallenge.documents.checks import DocumentRejected, check_upload, safe_filename
from peerchallenge.documents.extract import extract_markdown
from peerchallenge.documents.repeated import repeated_text
from peerchallenge.documents.sections import (
    SectionSpec,
    SectionText,
    count_words,
    promote_plain_headings,
    section_warnings,
    split_markdown,
)
from peerchallenge.documents.signals import text_signals
from peerchallenge.text_limits import MAX_DOCUMENT_CHARACTERS, shape_problem

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_SECTIONS",
    "DocumentAnalysis",
    "DocumentRejected",
    "SectionSpec",
    "SectionText",
    "analyse_document",
    "count_words",
    "safe_filename",
    "section_warnings",
    "split_markdown",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# The cycles' default template, as the document code sees it (for a dry run without a cycle).
DEFAULT_SECTIONS: list[SectionSpec] = [
    SectionSpec(
        section.title,
        suggested_words=section.suggested_words,
        optional=section.optional,
        other_headings=section.other_headings,
    )
    for section in DEFAULT_TEMPLATE
]


@dataclass
class DocumentAnalysis:
    """A self-assessment's text, split into the template's sections, with word counts and warnings."""

    kind: str
    markdown: str
    sections: list[SectionText]
    unmatched: list[tuple[str | None, str]]
    warnings: list[str]
    total_words: int

    def to_dict(self, previous: "DocumentAnalysis | None" = None) -> dict:
        """JSON-ready, for `flask documents extract`. Each section and unmatched part has signals: passages
        read as business as usual or as evidence (documents/signals.py); with `previous` (last year's
        self-assessment, split into the same sections), first the text repeated from last year."""
        result: dict[str, Any] = {
            "kind": self.kind,
            "total_words": self.total_words,
            "warnings": list(self.warnings),
            "sections": [
                {
                    "index": section.index,
                    "title": section.title,
                    "found": section.found,
                    "heading": section.heading,
                    "word_count": section.word_count,
                    "suggested_words": section.suggested_words,
                    "markdown": section.markdown,
                }
                for section in self.sections
            ],
            "unmatched": [
                {"heading": heading, "word_count": count_words(markdown), "markdown": markdown}
                for heading, markdown in self.unmatched
            ],
            "markdown": self.markdown,
        }
        for entry, section in zip(result["sections"], self.sections, strict=True):
            entry["signals"] = [signal.to_dict() for signal in text_signals(section.markdown)]
        for entry, (_, markdown) in zip(result["unmatched"], self.unmatched, strict=True):
            entry["signals"] = [signal.to_dict() for signal in text_signals(markdown)]
        if previous is not None:
            pairs = zip(self.sections, previous.sections, strict=True)
            for entry, (section, before) in zip(result["sections"], pairs, strict=True):
                entry["signals"].insert(0, repeated_text(section.markdown, before.markdown).to_signal())
            for entry, (_, markdown) in zip(result["unmatched"], self.unmatched, strict=True):
                entry["signals"].insert(0, repeated_text(markdown, previous.markdown).to_signal())
        return result


def check_shape(text: str) -> None:
    """DocumentRejected, with the reason, for text whose shape is over a limit in text_limits."""
    problem = shape_problem(
        text, "This document", "a self-assessment", max_characters=MAX_DOCUMENT_CHARACTERS
    )
    if problem:
        raise DocumentRejected(problem)


def analyse_document(
    filename: str, data: bytes, sections: list[SectionSpec], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DocumentAnalysis:
    """Check, extract and split an uploaded self-assessment; DocumentRejected for a file it refuses."""
    kind = check_upload(filename, data, max_bytes=max_bytes)
    markdown, warnings = extract_markdown(kind, data)
    # Before the splitter reads it. For .md and .txt, extraction only decodes the bytes and makes line ends
    # Unix ones (a file with only "\r" has lines too), so this is before anything parses the text.
    check_shape(markdown)
    if kind in ("pdf", "txt"):
        markdown = promote_plain_headings(markdown, sections)
    section_texts, unmatched, split_warnings = split_markdown(markdown, sections)
    return DocumentAnalysis(
        kind=kind,
        markdown=markdown,
        sections=section_texts,
        unmatched=unmatched,
        warnings=warnings + split_warnings,
        total_words=count_words(markdown),
    )
