"""Uploaded self-assessments: checks before parsing, extraction to Markdown, splitting into template sections.

Pure domain code: plain values in, plain values out. Start from analyse_document.
"""

from peerchallenge.documents.analysis import (
    DEFAULT_MAX_BYTES,
    DEFAULT_SECTIONS,
    DocumentAnalysis,
    DocumentRejected,
    SectionSpec,
    SectionText,
    analyse_document,
    count_words,
    safe_filename,
    section_warnings,
    split_markdown,
)

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
