"""Splitting a self-assessment's Markdown into the cycle's template sections, and counting words.

Headings are matched to section titles whatever their numbering, case, punctuation or "&", and despite small
wording differences. A Markdown heading is structure: one that matches no section starts a block of its own
(kept, never dropped) unless it is deeper than the heading of the section it sits in. A wholly bold short
line, and in PDF or plain text a short line on its own, count as headings only when they match a section
title: authors bold sub-headings as often as section titles, and a bold line that matches nothing is text.
"""

import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class SectionSpec:
    """One template section, as the cycle defines it."""

    title: str
    suggested_words: int | None = None
    optional: bool = False
    # Other headings that name this section ("Early help" for "Family help, including early help").
    other_headings: tuple[str, ...] = ()


@dataclass
class SectionText:
    """The text found for one template section."""

    title: str
    index: int
    markdown: str
    word_count: int
    suggested_words: int | None
    found: bool
    heading: str | None


# A heading matches a title when its score reaches MATCH_THRESHOLD. A heading deeper than the document's
# section headings, and a plain line of PDF or text, must reach STRICT_THRESHOLD.
MATCH_THRESHOLD = 0.8
STRICT_THRESHOLD = 0.85
# Similarity (difflib ratio) at which two words of five or more letters count as the same word ("eary" and
# "early" don't qualify: too short; "leadreship" and "leadership" do), and at which two whole titles match
# despite spacing ("earlyhelp").
WORD_SIMILARITY = 0.8
WHOLE_TITLE_SIMILARITY = 0.9
LONG_SECTION_FACTOR = 1.5
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 150
# Only this many different heading texts are compared with the titles: a real self-assessment has a few
# hundred at most, and a file of nothing but headings should not take minutes.
MAX_HEADINGS_MATCHED = 5000
# A section started by a bold or plain line ends at any Markdown heading.
BELOW_EVERY_HEADING = 7

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "we",
        "what",
        "who",
        "with",
    ]
)
NUMBER_WORDS = frozenset(["section", "part", "chapter"])
ROMAN_NUMERALS = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])
# Whole phrases that mean the same as a common title, applied to both sides before comparing.
SYNONYMS = (
    (re.compile(r"\b(?:looked after children|children looked after)\b"), "children in care"),
    (re.compile(r"\bcare experienced (?:young people|adults|children)\b"), "care leavers"),
    (re.compile(r"\bsen\b"), "send"),
)


# Every pattern here runs in time linear in the text: each is anchored at a character that ends the scan of
# the one before (a link's parts never contain "[", a reference definition stays on its line), or is
# replaced by str.find. The old patterns took minutes on 60,000 "[" (tests/pathological.py has the shapes).
WORD_CHARACTER = re.compile(r"[^\W_]")
LINK = re.compile(
    r"(!?)\[([^\[\]]*)\]\((?:[^()\s\[]|\([^()\s\[]*\))*+(?:\s+(?:\"[^\"\[]*\"|'[^'\[]*'))?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.M)
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
EMPHASIS = re.compile(r"[*~`]+|(?<![^\W_])_+|_+(?![^\W_])")
LINE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}(?=\s|$))?[ \t]*(?:(?:[-+•]|\d+[.)])(?=\s|$))?", re.M)
CLOSING_HASHES = re.compile(r"\s#+\s*$", re.M)


def count_words(markdown: str) -> int:
    """Words as a reader sees them: Markdown syntax (#, *, _, table pipes, list numbers, URLs) left out."""
    # A word is a run of non-space characters with a letter or digit in it; a regex "\S*[^\W_]\S*" would
    # try every start in a long run of punctuation.
    return sum(1 for token in plain_text(markdown).split() if WORD_CHARACTER.search(token))


def without_html_comments(text: str) -> str:
    """Text with each closed <!-- ... --> replaced by a space; an unclosed one stays as text."""
    pieces, position = [], 0
    while (start := text.find("<!--", position)) != -1 and (end := text.find("-->", start + 4)) != -1:
        pieces += [text[position:start], " "]
        position = end + 3
    pieces.append(text[position:])
    return "".join(pieces)


def plain_text(markdown: str) -> str:
    """Markdown with its syntax taken out, keeping link and image text but not their URLs."""
    text = without_html_comments(markdown)
    text = REFERENCE_DEFINITION.sub(" ", text)
    text = LINK.sub(lambda match: match.group(2), text)
    text = HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = BACKSLASH_ESCAPE.sub(r"\1", text)
    text = EMPHASIS.sub("", text)
    text = LINE_MARKERS.sub("", text)
    text = CLOSING_HASHES.sub("", text)
    return text.replace("|", " ")


def heading_display(raw: str) -> str:
    """A heading's text as a person reads it: numbering kept, Markdown syntax removed."""
    text = LINK.sub(lambda match: match.group(2), raw)
    text = HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = BACKSLASH_ESCAPE.sub(r"\1", text)
    text = EMPHASIS.sub("", text)
    return " ".join(text.split())


# Matching headings to titles.


def normalise_title(text: str) -> str:
    """Lower case, "&" as "and", no punctuation and no leading numbering ("1.", "Section 2:", "2)", "3 -")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’‘`]", "", text)
    text = re.sub(r"\s*[&+]\s*", " and ", text)
    words = re.sub(r"[\W_]+", " ", text).split()
    start = 0
    if len(words) > 2 and words[0] in NUMBER_WORDS and is_numbering(words[1]):
        start = 1
    while start < len(words) - 1 and is_numbering(words[start]):
        start += 1
    text = " ".join(words[start:])
    for pattern, replacement in SYNONYMS:
        text = pattern.sub(replacement, text)
    return text


def is_numbering(word: str) -> bool:
    return word.isdigit() or word in ROMAN_NUMERALS or (len(word) == 1 and word.isalpha())


def content_words(normalised: str) -> list[str]:
    """The words that carry meaning, plurals folded ("leavers" -> "leaver")."""
    return [stem(word) for word in normalised.split() if word not in STOP_WORDS]


def stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=16384)
def same_word(first: str, second: str) -> bool:
    if first == second:
        return True
    if min(len(first), len(second)) < 5 or not could_reach(first, second, WORD_SIMILARITY):
        return False
    return SequenceMatcher(None, first, second).ratio() >= WORD_SIMILARITY


def could_reach(first: str, second: str, ratio: float) -> bool:
    """Whether difflib's ratio of two strings can reach ratio at all, judged from their lengths alone."""
    return 2 * min(len(first), len(second)) >= ratio * (len(first) + len(second))


def whole_ratio(first: str, second: str) -> float:
    """difflib's ratio when it may reach WHOLE_TITLE_SIMILARITY, else 0 (cheap bounds first)."""
    if not could_reach(first, second, WHOLE_TITLE_SIMILARITY):
        return 0.0
    matcher = SequenceMatcher(None, first, second)
    if matcher.quick_ratio() < WHOLE_TITLE_SIMILARITY:
        return 0.0
    return matcher.ratio()


TitleKey = tuple[str, tuple[str, ...], frozenset[str]]


@functools.lru_cache(maxsize=1024)
def title_key(text: str) -> TitleKey:
    """A title or heading normalised, its meaningful words, and the set of them."""
    normalised = normalise_title(text)
    words = tuple(content_words(normalised))
    return normalised, words, frozenset(words)


def title_forms(title: str) -> list[str]:
    """A title and its short form: "Care leavers" stays one; "Children in care, including permanence and
    sufficiency" is also "Children in care", the heading most authorities give that section."""
    short = title.split(", including ", 1)[0].strip()
    return [title, short] if short and short != title else [title]


def section_names(title: str, other_headings: tuple[str, ...] = ()) -> list[str]:
    """Every name a heading may give a section: its title, the title's short form and its other headings."""
    return title_forms(title) + [name for name in other_headings if name.strip()]


def title_similarity(heading: str, title: str, other_headings: tuple[str, ...] = ()) -> float:
    """How well a heading matches a section title (or its short form, or one of its other headings), from 0
    to 1; MATCH_THRESHOLD and above is a match.

    1.0: the same once normalised. 0.95: the same meaningful words. 0.9 down to 0.8: every word of the title
    plus a few more ("Help and protection services"). 0.85: most of the title's words and nothing else
    ("Leadership and management"). Otherwise the difflib ratio of the whole titles when it is 0.9 or more.
    """
    heading_key = title_key(heading)
    return max(similarity(heading_key, title_key(name)) for name in section_names(title, other_headings))


def similarity(heading: TitleKey, title: TitleKey) -> float:
    (heading_norm, heading_words, heading_set), (title_norm, title_words, title_set) = heading, title
    if not heading_norm or not title_norm:
        return 0.0
    if heading_norm == title_norm:
        return 1.0
    score = 0.0
    allowed_extra = max(3, 2 * len(title_words))
    if (
        heading_words
        and title_words
        and len(heading_words) <= len(title_words) + allowed_extra
        # A title of several words matches only a heading sharing at least one of them exactly.
        and (len(title_set) == 1 or not heading_set.isdisjoint(title_set))
    ):
        # Exact words first; only the leftovers are compared letter by letter.
        unfound = [word for word in title_words if word not in heading_set]
        unused = [word for word in heading_words if word not in title_set]
        title_found = len(title_words) - sum(
            not any(same_word(word, other) for other in unused) for word in unfound
        )
        extra = sum(not any(same_word(word, other) for other in unfound) for word in unused)
        if title_found == len(title_words):
            if extra == 0:
                score = 0.95
            elif extra <= allowed_extra:
                score = 0.9 - 0.01 * extra
        elif extra == 0 and title_found >= 2 and title_found / len(title_words) >= 0.6:
            score = 0.85
    return max(score, whole_ratio(heading_norm, title_norm))


def best_match(heading: str, sections: list[SectionSpec]) -> tuple[int, float] | None:
    """The index and score of the section a heading matches best, or None when it matches none."""
    heading_key = title_key(heading)
    if not heading_key[0]:
        return None
    best: tuple[int, float] | None = None
    for index, section in enumerate(sections):
        names = section_names(section.title, section.other_headings)
        score = max(similarity(heading_key, title_key(name)) for name in names)
        if score >= MATCH_THRESHOLD and (best is None or score > best[1]):
            best = (index, score)
    return best


# Finding headings.

ATX_OPENING = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
BLOCK_START = re.compile(r"^\s*(?:[-+*•>|]|\d+[.)]\s|#)")
SENTENCE_END = re.compile(r"[.,;!?]['\"’”)]*$")


@dataclass
class Heading:
    """A line that may start a section or a block."""

    start: int  # the heading's first line
    end: int  # the first line after it
    text: str  # as a person reads it
    level: int | None  # 1 to 6 for a Markdown heading; None for a bold or plain line
    match: tuple[int, float] | None

    @property
    def is_markdown(self) -> bool:
        return self.level is not None

    @property
    def score(self) -> float:
        return self.match[1] if self.match else 0.0


def bold_line_text(line: str) -> str | None:
    """The text of a line that is wholly bold ("**Early help**", "__Early help:__"), else None."""
    stripped = line.strip()
    for marker in ("**", "__"):
        if stripped.startswith(marker) and stripped.rstrip(":").endswith(marker) and len(stripped) > 4:
            pieces = stripped.rstrip(":")[2:-2].split(marker)
            # Between bold runs (the odd pieces) there may be only spaces: "**Early** **help**".
            if all(not piece.strip() for piece in pieces[1::2]):
                return heading_display(" ".join(pieces[0::2]))
    return None


def is_short(text: str) -> bool:
    return 0 < len(text) <= MAX_HEADING_CHARS and len(text.split()) <= MAX_HEADING_WORDS


def find_headings(
    lines: list[str], sections: list[SectionSpec], *, plain_lines: bool = False
) -> list[Heading]:
    """Every Markdown heading, and each bold (or, with plain_lines, plain) short line matching a title."""
    headings = []
    fence: str | None = None
    previous_blank = True
    index = 0
    matches: dict[str, tuple[int, float] | None] = {}

    def match(text: str) -> tuple[int, float] | None:
        if text not in matches:
            if len(matches) >= MAX_HEADINGS_MATCHED:
                return None
            matches[text] = best_match(text, sections) if text else None
        return matches[text]

    while index < len(lines):
        line = lines[index]
        fence_match = FENCE.match(line)
        if fence is not None:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            index += 1
            continue
        if fence_match:
            fence = fence_match.group(1)
            index += 1
            previous_blank = False
            continue
        heading = read_heading(lines, index, match, previous_blank, plain_lines)
        if heading is not None:
            headings.append(heading)
            index = heading.end
            previous_blank = True
            continue
        previous_blank = not line.strip()
        index += 1
    return headings


def atx_heading(line: str) -> tuple[int, str] | None:
    """The level and raw text of a "# Heading #" line, else None; without a regex, which backtracks."""
    opening = ATX_OPENING.match(line)
    if not opening:
        return None
    text = line[opening.end() :].strip(" \t")
    unclosed = text.rstrip("#")
    if unclosed != text and (not unclosed or unclosed[-1] in " \t"):
        text = unclosed.rstrip(" \t")  # a closing run of "#" after a space is not part of the text
    return len(opening.group(1)), text


def read_heading(
    lines: list[str],
    index: int,
    match: Callable[[str], tuple[int, float] | None],
    previous_blank: bool,
    plain_lines: bool,
) -> Heading | None:
    line = lines[index]
    atx = atx_heading(line)
    if atx:
        level, raw = atx
        text = heading_display(raw)
        return Heading(index, index + 1, text, level, match(text)) if text else None
    stripped = line.strip()
    if not stripped:
        return None
    if (
        previous_blank
        and index + 1 < len(lines)
        and SETEXT_UNDERLINE.match(lines[index + 1])
        and not BLOCK_START.match(line)
        and not line.startswith("    ")
    ):
        text = heading_display(stripped)
        level = 1 if lines[index + 1].strip().startswith("=") else 2
        return Heading(index, index + 2, text, level, match(text))
    bold = bold_line_text(line)
    if bold is not None and is_short(bold):
        found = match(bold)
        return Heading(index, index + 1, bold, None, found) if found else None
    if plain_lines and previous_blank and is_short(stripped) and not BLOCK_START.match(line):
        text = heading_display(stripped)
        if SENTENCE_END.search(text) or any(char.isdigit() for char in normalise_title(text)):
            return None
        found = match(text)
        if found and found[1] >= STRICT_THRESHOLD:
            return Heading(index, index + 1, text, None, found)
    return None


# Splitting.


@dataclass
class Plan:
    """Which heading starts each section, decided before the text is cut."""

    headings: list[Heading]
    starts: dict[int, int]  # heading.start -> section index
    section_level: int | None


def plan_split(lines: list[str], sections: list[SectionSpec], *, plain_lines: bool = False) -> Plan:
    """Choose one heading for each section that has any.

    The document's section level is the commonest level among Markdown headings that match a title. For each
    section the candidates are, in order of preference: matching headings at or above that level; deeper
    headings that match strictly; bold or plain lines. Within the first tier that has any, the first heading
    followed by some text wins (a contents list repeats the titles with nothing under them); when none is,
    the last one does.
    """
    headings = find_headings(lines, sections, plain_lines=plain_lines)
    matched_levels = Counter(h.level for h in headings if h.is_markdown and h.match)
    section_level = (
        min(matched_levels, key=lambda level: (-matched_levels[level], level)) if matched_levels else None
    )

    def tier(heading: Heading) -> int | None:
        if heading.level is not None:
            if section_level is None or heading.level <= section_level:
                return 0
            return 1 if heading.score >= STRICT_THRESHOLD else None
        return 2

    position = {id(heading): number for number, heading in enumerate(headings)}

    def has_text_after(heading: Heading) -> bool:
        """Whether words follow before the next heading that would end this one's part."""
        level = heading.level or BELOW_EVERY_HEADING
        end = len(lines)
        for number in range(position[id(heading)] + 1, len(headings)):
            other = headings[number]
            if (other.match and tier(other) is not None) or (
                other.level is not None and other.level <= level
            ):
                end = other.start
                break
        return count_words("\n".join(lines[heading.end : end])) > 0

    starts: dict[int, int] = {}
    for index in range(len(sections)):
        candidates = [h for h in headings if h.match and h.match[0] == index and tier(h) is not None]
        if not candidates:
            continue
        best_tier = min(t for t in map(tier, candidates) if t is not None)
        candidates = [h for h in candidates if tier(h) == best_tier]
        chosen = next((h for h in candidates if has_text_after(h)), candidates[-1])
        starts[chosen.start] = index
    return Plan(headings, starts, section_level)


def split_markdown(
    markdown: str, sections: list[SectionSpec], *, plain_lines: bool = False
) -> tuple[list[SectionText], list[tuple[str | None, str]], list[str]]:
    """Split Markdown (e.g. after a person edited a section in the browser) into the template's sections.

    Returns sections (one per template section, in template order), unmatched (heading, markdown) blocks and
    warnings.

    Each part's markdown leaves out its own heading, so every word of the text is in exactly one part's
    markdown or one heading. plain_lines also treats a short line on its own that matches a title as a
    heading, for text from a PDF or a .txt file.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    plan = plan_split(lines, sections, plain_lines=plain_lines)
    found: dict[int, tuple[Heading, str]] = {}
    unmatched: list[tuple[str | None, str]] = []
    warnings: list[str] = []

    # The part being read: (section index or None, its heading or None, its level, its first body line).
    part: tuple[int | None, Heading | None, int, int] = (None, None, BELOW_EVERY_HEADING, 0)

    def close(end: int) -> None:
        index, heading, _level, body_start = part
        body = trim_blank_lines(lines[body_start:end])
        if index is not None and heading is not None:
            found[index] = (heading, body)
        elif heading is not None or body.strip():
            unmatched.append((heading.text if heading else None, body))
            if (
                heading is not None
                and heading.match
                and heading.match[0] in plan.starts.values()
                and body.strip()
            ):
                title = sections[heading.match[0]].title
                warnings.append(
                    f"There is more than one heading for '{title}'. "
                    f"The text under '{heading.text}' was kept separately."
                )

    for heading in plan.headings:
        if heading.start in plan.starts:
            close(heading.start)
            part = (plan.starts[heading.start], heading, heading.level or BELOW_EVERY_HEADING, heading.end)
        elif heading.level is not None and heading.level <= part[2]:
            close(heading.start)
            part = (None, heading, heading.level, heading.end)
    close(len(lines))

    texts = []
    for index, section in enumerate(sections):
        section_heading, body = found.get(index, (None, ""))
        texts.append(
            SectionText(
                title=section.title,
                index=index,
                markdown=body,
                word_count=count_words(body),
                suggested_words=section.suggested_words,
                found=section_heading is not None,
                heading=section_heading.text if section_heading else None,
            )
        )
    return texts, unmatched, section_warnings(texts, sections) + warnings


def section_warnings(texts: list[SectionText], sections: list[SectionSpec]) -> list[str]:
    """A warning for each required section not found and each section well over its suggested length."""
    warnings = []
    for text, section in zip(texts, sections, strict=True):
        if not text.found and not section.optional:
            warnings.append(f"Section '{section.title}' was not found.")
        suggested = section.suggested_words
        if suggested and text.word_count > LONG_SECTION_FACTOR * suggested:
            warnings.append(
                f"'{section.title}' has {text.word_count:,} words; the suggested length is {suggested:,}."
            )
    return warnings


def trim_blank_lines(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(line.rstrip() if not line.endswith("  ") else line for line in lines[start:end])


def promote_plain_headings(markdown: str, sections: list[SectionSpec]) -> str:
    """Rewrite the plain lines chosen as section headings as Markdown headings.

    For text from a PDF or a .txt file, so that the Markdown kept for the document splits the same way again
    without plain_lines, e.g. after a person edits it.
    """
    lines = markdown.split("\n")
    plan = plan_split(lines, sections, plain_lines=True)
    level = plan.section_level or 2
    by_start = {heading.start: heading for heading in plan.headings}
    output = []
    for index, line in enumerate(lines):
        heading = by_start.get(index)
        is_plain_line = heading is not None and not heading.is_markdown and bold_line_text(line) is None
        if is_plain_line and index in plan.starts:
            output.append(f"{'#' * level} {line.strip()}")
            if index + 1 < len(lines) and lines[index + 1].strip():
                output.append("")
        else:
            output.append(line)
    return "\n".join(output)
