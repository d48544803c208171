"""Uploaded self-assessments: checks before parsing, extraction to Markdown, splitting into template sections.

Pure domain code: plain values in, plain values out. Start from analyse_document.
"""

from peerchallenge.documents import analysis
from peerchallenge.documents.analysis import *  # noqa: F403 (the package's API is analysis's)

__all__ = analysis.__all__
