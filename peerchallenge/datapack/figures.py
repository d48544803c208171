"""Figures a self-assessment states, checked against the data pack's latest period.

Pure code, linear in the length of the text. A sentence (documents.repeated.sentences) that names an indicator
by one of the catalogue's words and states a number for it is compared with the pack; the number taken is
the first after the indicator's words (else the last before them) that is not a comparator:

- a percentage indicator takes only a number with % or "per cent"; a rate per 10,000 only a number in a
  sentence that says "10,000"; counts and days a number without %;
- numbers inside the indicator's own words ("within 12 months", "per 10,000"), inside brackets, after
  "per", years (1990 to 2039), numbers shortly after "England", "national", "region", "neighbours",
  "compared with" or "last year", or straight after "from" (a comparator or an earlier figure), are not
  the authority's figure.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerchallenge.datapack.catalogue import Indicator, Unit
from peerchallenge.documents.repeated import sentences

NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w-])(\s*(?:%|per\s?cent\b))?")
COMPARATOR_BEFORE = re.compile(
    r"(?:(?:england|national|neighbour|region|compared with|last year)[^.;,]{0,18}|\bfrom\s*(?:about\s*)?)$"
)
COMPARATOR_AFTER = re.compile(r"^\s*(?:%|per\s?cent)?\s*(nationally|in england|across england|regionally)")
PER = re.compile(r"per\s*$")
DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class StatedFigure:
    indicator: str  # its key
    stated: float
    sentence: str


@dataclass(frozen=True)
class Mismatch:
    indicator: Indicator
    stated: float
    actual: float
    period: str
    sentence: str

    @property
    def stated_text(self) -> str:
        return self.indicator.show(self.stated)

    @property
    def actual_text(self) -> str:
        return self.indicator.show(self.actual)


def _phrases(indicators: Iterable[Indicator]) -> tuple[re.Pattern[str] | None, dict[str, Indicator]]:
    owner: dict[str, Indicator] = {}
    for indicator in indicators:
        for word in indicator.words:
            owner.setdefault(word, indicator)
    if not owner:
        return None, owner
    alternatives = "|".join(re.escape(word) for word in sorted(owner, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), owner


def _candidates(sentence: str, spans: list[tuple[int, int]]) -> list[tuple[int, float, bool]]:
    """(position, value, has a % sign) of each number in the sentence that could be the authority's figure."""
    found = []
    depth_at = []
    depth = 0
    for character in sentence:  # the bracket depth before each character, in one pass
        depth_at.append(depth)
        if character == "(":
            depth += 1
        elif character == ")":
            depth = max(depth - 1, 0)
    for match in NUMBER.finditer(sentence):
        start, end = match.span()
        if any(a <= start < b for a, b in spans) or depth_at[start] > 0:
            continue
        before, after = (
            sentence[max(0, start - 40) : start],
            sentence[match.end(2) if match.group(2) else match.end(1) :],
        )
        if PER.search(before) or COMPARATOR_BEFORE.search(before) or COMPARATOR_AFTER.match(after[:30]):
            continue
        whole, decimals, percent = match.groups()
        value = float(whole.replace(",", "") + (decimals or ""))
        if not percent and not decimals and 1990 <= value <= 2039 and "," not in whole:
            continue
        found.append((start, value, bool(percent)))
    return found


def figure_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the text that holds a digit: the only ones that can state a figure.

    Found once, when a version is saved, and stored with its text, so that a page checks the figures of a
    long self-assessment without splitting it into sentences again.
    """
    return [
        (found.start, found.end) for found in sentences(text) if DIGIT.search(text, found.start, found.end)
    ]


def stated_figures(
    text: str, indicators: Iterable[Indicator], stored: Sequence[Sequence[int]] | None = None
) -> list[StatedFigure]:
    """Each (sentence, indicator) the text states a figure for, in order (`stored`: its `figure_sentences`,
    when they were stored)."""
    pattern, owner = _phrases(indicators)
    if pattern is None:
        return []
    stated = []
    for start, end in figure_sentences(text) if stored is None else stored:
        raw = text[start:end]
        folded = raw.casefold()
        if len(folded) != len(raw):  # a rare character changes length when folded: keep positions honest
            folded = raw.lower()
        named: dict[str, list[tuple[int, int]]] = {}
        for match in pattern.finditer(folded):
            named.setdefault(owner[match.group()].key, []).append(match.span())
        if not named:
            continue
        spans = [span for found in named.values() for span in found]
        candidates = _candidates(folded, spans)
        for key, found in named.items():
            indicator = next(i for i in owner.values() if i.key == key)
            if indicator.unit == Unit.PERCENTAGE:
                usable = [c for c in candidates if c[2]]
            elif indicator.unit == Unit.RATE and "10,000" not in folded and "10000" not in folded:
                usable = []
            else:
                usable = [c for c in candidates if not c[2]]
            after = [c for c in usable if c[0] >= found[0][1]]
            before = [c for c in usable if c[0] < found[0][0]]
            chosen = after[0] if after else (before[-1] if before else None)
            if chosen is not None:
                stated.append(StatedFigure(key, chosen[1], raw.strip()))
    return stated


def check_figures(
    text: str,
    indicators: Mapping[str, Indicator],
    latest: Mapping[str, tuple[str, float]],
    stored: Sequence[Sequence[int]] | None = None,
) -> list[Mismatch]:
    """The stated figures that differ from the pack's latest value (`latest`: key -> (period, value);
    `stored`: the text's stored `figure_sentences`)."""
    mismatches = []
    for figure in stated_figures(text, indicators.values(), stored):
        if figure.indicator not in latest:
            continue
        period, actual = latest[figure.indicator]
        indicator = indicators[figure.indicator]
        if indicator.differs(figure.stated, actual):
            mismatches.append(Mismatch(indicator, figure.stated, actual, period, figure.sentence))
    return mismatches
