"""How much of a section repeats the same section of last year's self-assessment, and which passages.

The text is split into sentences (at line breaks and at ".", "!" or "?" before a space), each sentence
normalised (case, punctuation and spacing ignored, every number the same word), and each of this year's
sentences matched against last year's: first exactly, then with rapidfuzz's token sort ratio (word order
within the sentence ignored) at REPEATED_SCORE or more. Only a few candidates are compared per sentence,
found through the rarest word pairs the two share, so the time grows with the length of the texts, not
their product. The share is of this year's words: the words of the sentences matched, out of all.

Plain values in, plain values out: no request, no database.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup

from peerchallenge.documents.marks import Mark, html_text, mark_html
from peerchallenge.documents.sections import plain_text

# A sentence matches one of last year's at this token sort ratio (0-100) or more: a changed word in ten,
# a figure updated, a typo or two. Chosen on the demo's and hand-made pairs; "We will improve care" and
# "We will improve housing" score 80.
REPEATED_SCORE = 85
# Shorter sentences (headings, "Our strengths.") match only when the same word for word: fuzzy scores on a
# few words say little.
MIN_FUZZY_WORDS = 4
# A "sentence" longer than this many words (a table row, text without full stops) is cut into pieces of
# this length, so no comparison costs more than two sentences' worth.
MAX_SENTENCE_WORDS = 120
# Per sentence: the rarest word pairs looked up, the entries read from each, and the candidates compared.
RAREST_PAIRS = 6
MAX_POSTINGS = 50
MAX_COMPARISONS = 8

# A sentence ends at a line break or at a run of ".", "!" or "?" (and closing quotes or brackets) before a
# space; the look-behind makes a long run of dots one attempt, not one per dot.
SENTENCE_END = re.compile(r"\n|(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s|\Z)")
WORD = re.compile(r"[^\W_]++(?:[.,'’][^\W_]++)*+")
NUMBER = "0"
DIGIT = re.compile(r"\d")


class Sentence(NamedTuple):
    """A sentence as characters start:end of its text, its words normalised, and them as one string."""

    start: int
    end: int
    words: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class Passage:
    """A sentence of this year's text found in last year's: text[start:end], and the sentence it matched."""

    start: int
    end: int
    text: str
    previous: str
    score: int


@dataclass(frozen=True)
class Repetition:
    """How much of a text repeats last year's: share of its words (0-100) and the passages repeated."""

    share: int
    words: int
    repeated_words: int
    passages: tuple[Passage, ...]

    def to_signal(self, year: int | None = None) -> dict:
        """As a signal (JSON-ready): kind "repeated", the share, each passage with last year's sentence."""
        signal: dict = {"kind": "repeated", "share": self.share}
        if year is not None:
            signal["year"] = year
        signal["passages"] = [
            {"text": passage.text, "previous": passage.previous, "start": passage.start, "end": passage.end}
            for passage in self.passages
        ]
        return signal


def normalise(word: str) -> str:
    """A word as compared: case folded, compatibility forms unified, any number the same word."""
    if DIGIT.search(word):
        return NUMBER
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word).replace("’", "'")
    return word.casefold()


def sentences(text: str) -> list[Sentence]:
    """The text's sentences in order, each cut to MAX_SENTENCE_WORDS; one pass, linear in the length."""
    found: list[Sentence] = []
    ends = SENTENCE_END.finditer(text)
    boundary = next(ends, None)
    normalised: dict[str, str] = {}  # a text uses a few thousand different words, many times each
    words: list[str] = []
    start = last = 0

    def close(end: int) -> None:
        found.append(Sentence(start, end, tuple(words), " ".join(words)))
        words.clear()

    for match in WORD.finditer(text):
        if boundary is not None and match.start() >= boundary.end():
            if words:
                close(boundary.end() if boundary.group() != "\n" else last)
            while boundary is not None and match.start() >= boundary.end():
                boundary = next(ends, None)
        if len(words) == MAX_SENTENCE_WORDS:
            close(last)
        if not words:
            start = match.start()
        word = match.group()
        if (same := normalised.get(word)) is None:
            same = normalised[word] = normalise(word)
        words.append(same)
        last = match.end()
    if words:
        close(boundary.end() if boundary is not None and boundary.group() != "\n" else last)
    return found


def _pairs(words: tuple[str, ...]) -> set[str]:
    if len(words) == 1:
        return {words[0]}
    return {f"{first} {second}" for first, second in zip(words, words[1:], strict=False)}


class Index:
    """Last year's sentences, looked up exactly by their words or through the word pairs they contain."""

    def __init__(self, text: str):
        self.text = text
        self.sentences: list[Sentence] = []
        self.exact: dict[str, int] = {}
        self.postings: dict[str, list[int]] = {}
        for sentence in sentences(text):
            if sentence.key in self.exact:
                continue  # boilerplate said twice is one candidate
            number = len(self.sentences)
            self.sentences.append(sentence)
            self.exact[sentence.key] = number
            for pair in _pairs(sentence.words):
                self.postings.setdefault(pair, []).append(number)

    def match(self, sentence: Sentence) -> tuple[Sentence, int] | None:
        """Last year's sentence this one repeats, with its score, or None."""
        from rapidfuzz import fuzz

        if (number := self.exact.get(sentence.key)) is not None:
            return self.sentences[number], 100
        if len(sentence.words) < MIN_FUZZY_WORDS:
            return None
        best: tuple[Sentence, int] | None = None
        for number in self._candidates(sentence):
            candidate = self.sentences[number]
            if len(candidate.words) < MIN_FUZZY_WORDS:
                continue
            score = fuzz.token_sort_ratio(sentence.key, candidate.key, score_cutoff=REPEATED_SCORE)
            if score and (best is None or score > best[1]):
                best = candidate, round(score)
        return best

    def _candidates(self, sentence: Sentence) -> list[int]:
        """Up to MAX_COMPARISONS of last year's sentences sharing the most of this one's rarest word pairs."""
        known = [pair for pair in _pairs(sentence.words) if pair in self.postings]
        known.sort(key=lambda pair: (len(self.postings[pair]), pair))
        hits: dict[int, int] = {}
        for pair in known[:RAREST_PAIRS]:
            for number in self.postings[pair][:MAX_POSTINGS]:
                hits[number] = hits.get(number, 0) + 1
        ranked = sorted(hits, key=lambda number: (-hits[number], number))
        return ranked[:MAX_COMPARISONS]

    def quote(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]


def repeated_in(text: str, index: Index) -> Repetition:
    """How much of `text` (plain text) repeats the text `index` was built from."""
    passages = []
    words = repeated = 0
    for sentence in sentences(text):
        words += len(sentence.words)
        if (found := index.match(sentence)) is None:
            continue
        previous, score = found
        repeated += len(sentence.words)
        quoted = text[sentence.start : sentence.end]
        passages.append(Passage(sentence.start, sentence.end, quoted, index.quote(previous), score))
    share = round(100 * repeated / words) if words else 0
    return Repetition(share, words, repeated, tuple(passages))


def repeated_text(markdown: str, previous_markdown: str) -> Repetition:
    """How much of a section's Markdown repeats last year's; passages are spans of its text without syntax."""
    return repeated_in(plain_text(markdown), Index(plain_text(previous_markdown)))


def repeated_html(sanitised: str, previous_html: str, year: int) -> tuple[Repetition, Markup | None]:
    """How much of a section's stored HTML repeats last year's, and the HTML with the repeated passages
    marked ("Repeated from 2025:" read out before each), or None when nothing is repeated.

    Measured on the text a reader sees (marks.html_text), so the marks fall exactly on what was measured.
    """
    text = html_text(sanitised)
    repetition = repeated_in(text, Index(html_text(previous_html)))
    if not repetition.passages:
        return repetition, None
    return repetition, mark_html(sanitised, repeated_marks(text, repetition, year))


def repeated_marks(text: str, repetition: Repetition, year: int) -> list[Mark]:
    """The marks for the repeated passages of `text`, "Repeated from 2025:" read out before each."""
    label = f"Repeated from {year}:"
    return [Mark(start, end, "repeated", label) for start, end in joined_spans(text, repetition.passages)]


def joined_spans(text: str, passages: tuple[Passage, ...]) -> list[tuple[int, int]]:
    """The passages' spans, with neighbours on the same line (only spaces between them) made one."""
    spans: list[tuple[int, int]] = []
    for passage in passages:
        if spans and not text[spans[-1][1] : passage.start].strip(" \t"):
            spans[-1] = (spans[-1][0], passage.end)
        else:
            spans.append((passage.start, passage.end))
    return spans
