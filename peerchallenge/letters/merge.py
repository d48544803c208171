"""Near-duplicate points from several peers, shown once with everyone who made them.

Plain values in and out. Two texts are near-duplicates when their normalised forms (casefolded, punctuation
and repeated whitespace removed) are alike character by character (rapidfuzz's Indel `ratio`) AND every word
that one has and the other lacks is either a small word ("the", "of", ...) or a misspelling or inflection of a
word the other has instead. The character measure alone would merge "Strong early help offer" with "Weak
early help offer" once the sentence around the swapped word is long enough; the word check keeps apart texts
that differ by a real word, a number, or a negation ("effective" / "ineffective"). `ratio` is order-sensitive
and penalises length, so a short generic text ("Workforce") never swallows a longer one, unlike
`token_set_ratio`, which scores a subset as a perfect match.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Chosen with the table of pairs in tests/letters/test_compose.py. The word check keeps apart most pairs that
# must not merge; of those it lets through, the closest ("Is the data accurate?" / "The data is accurate")
# scores 85.0, while the lowest pair that must merge ("The SEF is too long" / "SEF is too long.") scores 88.2.
SIMILARITY_THRESHOLD: float = 87.0

# Two differing words count as the same word (a typo, a plural, British and American spelling) from here.
WORD_SIMILARITY: float = 80.0

# Words whose presence or absence does not change what a point says. Prepositions are left out on purpose:
# "plans for children" and "plans by children" are different points.
MINOR_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had"}
    | {"this", "that", "these", "those", "it", "its", "their", "there", "very", "also"}
)

# A word and the same word with one of these in front usually mean opposite things (effective, ineffective).
NEGATING_PREFIXES = ("un", "in", "im", "ir", "il", "non", "dis", "mis")

# Points in one list that are compared pairwise for near-duplicates (see merge_items).
MAX_MERGED_ITEMS = 100
_BULLET = re.compile(r"^\s*(?:[-*•–]\s+|•|\d{1,3}[.)]\s+)")
_APOSTROPHES = re.compile(r"['’‘`]")
# What is not a letter or a digit: str.isalnum's characters are re's word characters less the underscore.
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class MergedItem:
    text: str
    sources: tuple[str, ...]


def split_points(text: str) -> list[str]:
    """A reviewer's free text as points: one per bullet, or one per paragraph when there are no bullets."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    has_bullets = any(_BULLET.match(line) and _BULLET.sub("", line).strip() for line in lines)
    points: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if not line.strip():
            current = None  # a blank line ends a paragraph or a bullet
            continue
        if has_bullets and _BULLET.match(line):
            current = [_BULLET.sub("", line).strip()]
            points.append(current)
        elif current is None:
            current = [line.strip()]
            points.append(current)
        else:
            current.append(line.strip())  # a wrapped line continues its bullet or paragraph
    joined = (" ".join(part for part in point if part) for point in points)
    return [point for point in joined if point]


def normalise(text: str) -> str:
    """Text reduced for comparison: casefolded, without punctuation or repeated whitespace."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)  # "children's" and "childrens" are the same word
    text = _NOT_WORD.sub(" ", text)  # "multi-agency" is "multi agency"
    return " ".join(text.split())


def _is_negation_of(word: str, other: str) -> bool:
    return any(word == prefix + other or other == prefix + word for prefix in NEGATING_PREFIXES)


def _same_word(word: str, other: str) -> bool:
    from rapidfuzz import fuzz

    if any(char.isdigit() for char in word + other):
        return False  # 8% and 18%, 2023 and 2024: different facts however alike they look
    if _is_negation_of(word, other):
        return False
    return fuzz.ratio(word, other) >= WORD_SIMILARITY


def _words_accounted_for(only_here: set[str], only_there: set[str]) -> bool:
    return all(
        word in MINOR_WORDS or any(_same_word(word, other) for other in only_there) for word in only_here
    )


def _near_duplicates(first: str, second: str, threshold: float) -> bool:
    from rapidfuzz import fuzz

    if first == second:
        return True
    if not first or not second:
        return False
    if fuzz.ratio(first, second) < threshold:
        return False
    first_words, second_words = set(first.split()), set(second.split())
    only_first, only_second = first_words - second_words, second_words - first_words
    return _words_accounted_for(only_first, only_second) and _words_accounted_for(only_second, only_first)


def is_near_duplicate(first: str, second: str, threshold: float = SIMILARITY_THRESHOLD) -> bool:
    """Whether two texts say the same thing closely enough to be shown once."""
    return near_duplicate_forms(first, normalise(first), second, normalise(second), threshold)


def near_duplicate_forms(
    first: str, first_key: str, second: str, second_key: str, threshold: float = SIMILARITY_THRESHOLD
) -> bool:
    """`is_near_duplicate` for texts already normalised (their keys), when one text is compared with many."""
    if not first_key or not second_key:  # punctuation only: only the very same text is a duplicate
        return first.strip().casefold() == second.strip().casefold()
    return _near_duplicates(first_key, second_key, threshold)


@dataclass
class _Group:
    first_seen: int
    text: str
    key: str
    sources: dict[str, int]  # label -> index of the first item it wrote in this group

    def absorb(self, other: "_Group") -> None:
        # The longer wording is kept: it is usually the more informative one. Length is counted without
        # punctuation, so a full stop does not win over capitals; ties keep the earlier wording.
        if len(other.key) > len(self.key):
            self.text, self.key = other.text, other.key
        for label, seen in other.sources.items():
            self.sources[label] = min(seen, self.sources.get(label, seen))


def _duplicates(first: _Group, second: _Group, threshold: float) -> bool:
    return near_duplicate_forms(first.text, first.key, second.text, second.key, threshold)


def merge_items(
    items: Iterable[tuple[str, str]], threshold: float = SIMILARITY_THRESHOLD
) -> list[MergedItem]:
    """(peer label, text) items with near-duplicates merged, in order of first appearance.

    Merging compares every pair, so a list of more than MAX_MERGED_ITEMS points (real reviews give a few
    each) is listed as written, unmerged: thousands of one-word bullets would otherwise hold the request
    that composes the letter for minutes.
    """
    items = list(items)
    if len(items) > MAX_MERGED_ITEMS:
        listed = ((label, " ".join(raw.split())) for label, raw in items)
        return [MergedItem(text, (label,)) for label, text in listed if text]
    groups: list[_Group] = []
    for index, (label, raw) in enumerate(items):
        text = " ".join(raw.split())
        if not text:
            continue
        incoming = _Group(index, text, normalise(text), {label: index})
        for group in groups:
            if _duplicates(group, incoming, threshold):
                group.absorb(incoming)
                break
        else:
            groups.append(incoming)
    # A group's wording can change as it absorbs longer texts, so two groups may have become duplicates of
    # each other: merge until none are, so that merging the result again changes nothing.
    merged = True
    while merged:
        merged = False
        for position, group in enumerate(groups):
            for later in groups[position + 1 :]:
                if _duplicates(group, later, threshold):
                    group.absorb(later)
                    groups.remove(later)
                    merged = True
                    break
            if merged:
                break
    return [
        MergedItem(group.text, tuple(sorted(group.sources, key=group.sources.__getitem__)))
        for group in groups
    ]
