"""The themes and the default lexicon (data, `data/lexicon.json`), and the checks on a lead's edit of it.

Pure code: plain values in, plain values out.
"""

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DEFAULT_LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.json"
MAX_TERMS = 200
MAX_TERM_LENGTH = 80
MAX_TERM_WORDS = 8


class ThemeKind(StrEnum):
    JUDGEMENT = "judgement"
    CROSS_CUTTING = "cross_cutting"

    @property
    def label(self) -> str:
        return "Ofsted judgement area" if self is ThemeKind.JUDGEMENT else "Cross-cutting"


@dataclass(frozen=True)
class Theme:
    """One theme: its fixed key, its name, its kind and the terms that earn it."""

    key: str
    name: str
    kind: ThemeKind
    terms: tuple[str, ...]


@cache
def default_lexicon() -> tuple[Theme, ...]:
    """The shipped lexicon, in its order (the judgement areas first)."""
    data = json.loads(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    return tuple(
        Theme(entry["key"], entry["name"], ThemeKind(entry["kind"]), tuple(entry["terms"]))
        for entry in data["themes"]
    )


THEME_KEYS: tuple[str, ...] = tuple(theme.key for theme in default_lexicon())
THEME_NAMES: dict[str, str] = {theme.key: theme.name for theme in default_lexicon()}


def parse_terms(text: str) -> tuple[str, ...]:
    """Terms typed one a line as a tuple, blanks and repeats dropped.

    Raises ValueError with a message for the person when a term is too long or there are too many.
    """
    terms: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        term = " ".join(line.split())
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH or len(term.split()) > MAX_TERM_WORDS:
            raise ValueError(
                f"Each term must be at most {MAX_TERM_LENGTH} characters and {MAX_TERM_WORDS} words: "
                f"“{term[:40]}…” is longer"
            )
        if not any(character.isalnum() for character in term) or "*" in term.rstrip("*"):
            raise ValueError(f"“{term}” is not a term: write words, and a * only at the end")
        if term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise ValueError(f"A theme can have at most {MAX_TERMS} terms; this one has {len(terms)}")
    return tuple(terms)
