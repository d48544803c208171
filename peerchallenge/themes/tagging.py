"""Theme tagging: which themes a sentence raises, each with the term that earned it.

Pure code. A term is a sequence of words matched whole and in order; a word matches its plural and possessive
forms ("care leavers", "children's"), and a word ending in * matches any word it starts ("recruit*":
recruitment, recruiting). The lexicon is compiled once into a table keyed by a term's first word, so tagging
reads each word of the text once and tries only the terms starting with it: linear in the text, whatever its
content. The longest term at a place wins and its words are not read again.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peerchallenge.documents.repeated import sentences as split_sentences
from peerchallenge.themes.lexicon import Theme

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A prefix term's stem must be this long to be looked up by its start (shorter stems would match too much).
PREFIX_KEY = 4
ACRONYM = re.compile(r"([A-Z][A-Z0-9]+)(?:'?s)?")
IRREGULAR = {"children": "child", "people": "person", "women": "woman", "men": "man"}
# Words ending in s that are not plurals.
NOT_PLURAL = ("ss", "us", "is")
MAX_SENTENCE_CHARACTERS = 2000


def normalise(word: str) -> str:
    """A word as compared: case folded, the possessive dropped, a plural made singular.

    A word in capitals (an acronym: SEND, MASH, EHCPs) keeps its case, so "SEND" is not the verb "send".
    """
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word)
    if acronym := ACRONYM.fullmatch(word):
        return acronym.group(1)
    word = word.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("s'"):
        word = word[:-1]
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(NOT_PLURAL):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return [normalise(match.group()) for match in TOKEN.finditer(text)]


@dataclass(frozen=True)
class _Term:
    theme: str
    text: str
    words: tuple[str, ...]
    prefix: bool  # the last word matches any word it starts


@dataclass(frozen=True)
class Tag:
    """A theme raised by a sentence, and the lexicon's term that earned it."""

    theme: str
    term: str


@dataclass(frozen=True)
class TaggedSentence:
    """A sentence of a text (text[start:end]) and its tags, one per theme, in the lexicon's order."""

    text: str
    start: int
    end: int
    tags: tuple[Tag, ...]


class Tagger:
    """A lexicon compiled for tagging."""

    def __init__(self, themes: Iterable[Theme]):
        self.order: dict[str, int] = {}
        self.exact: dict[str, list[_Term]] = {}
        self.by_prefix: dict[str, list[_Term]] = {}
        for position, theme in enumerate(themes):
            self.order[theme.key] = position
            for text in theme.terms:
                prefix = text.endswith("*")
                words = tuple(words_of(text))
                if not words:
                    continue
                if prefix:  # the stem is kept as typed, not made singular
                    words = (*words[:-1], TOKEN.findall(text)[-1].casefold())
                term = _Term(theme.key, text, words, prefix)
                if prefix and len(words) == 1:
                    if len(words[0]) < PREFIX_KEY:
                        self.exact.setdefault(words[0], []).append(_Term(theme.key, text, words, False))
                    else:
                        self.by_prefix.setdefault(words[0][:PREFIX_KEY], []).append(term)
                else:
                    self.exact.setdefault(words[0], []).append(term)

    def tag_words(self, words: Sequence[str]) -> tuple[Tag, ...]:
        """The themes these words raise, each with the first term that matched.

        Leftmost longest: at each place the longest terms that match there win (every theme that has a term of
        that length), and their words are not read again, so "dedicated schools grant" is finance alone and
        not also "schools", and "education, employment or training" is not also "training".
        """
        found: dict[str, str] = {}
        position = 0
        while position < len(words):
            word = words[position]
            longest = 0
            winners: list[_Term] = []
            for term in (*self.exact.get(word, ()), *self.by_prefix.get(word[:PREFIX_KEY], ())):
                length = len(term.words)
                if length >= longest and self._matches(term, words, position):
                    if length > longest:
                        longest, winners = length, []
                    winners.append(term)
            for term in winners:
                found.setdefault(term.theme, term.text)
            position += max(longest, 1)
        return tuple(Tag(theme, found[theme]) for theme in sorted(found, key=self.order.__getitem__))

    @staticmethod
    def _matches(term: _Term, words: Sequence[str], position: int) -> bool:
        last = len(term.words) - 1
        if position + last >= len(words):
            return False
        for offset, wanted in enumerate(term.words):
            word = words[position + offset]
            if offset == last and term.prefix:
                if not word.startswith(wanted):
                    return False
            elif word != wanted:
                return False
        return True

    def tag_sentence(self, sentence: str) -> tuple[Tag, ...]:
        """The themes a sentence raises, each with the term that earned it."""
        return self.tag_words(words_of(sentence[:MAX_SENTENCE_CHARACTERS]))

    def tag_text(self, text: str) -> list[TaggedSentence]:
        """Every sentence of a text that raises a theme, with its tags."""
        tagged = []
        for sentence in split_sentences(text):
            piece = text[sentence.start : sentence.end]
            if tags := self.tag_sentence(piece):
                tagged.append(TaggedSentence(piece.strip(), sentence.start, sentence.end, tags))
        return tagged
