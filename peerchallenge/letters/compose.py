"""One authority's letter content from its peers' reviews: ratings side by side, merged points, Markdown.

Plain values in and out. The reviews' content is as stored by peerchallenge.reviews.content: ratings are
level positions, strengths and areas for development free text, questions one per line. Reviewers' text goes
into the Markdown escaped so that it stays inside its bullet, cell or quote: it can neither add headings nor
break a table, and raw HTML shows as text.
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from peerchallenge.letters.merge import MergedItem, merge_items, split_points
from peerchallenge.status import LabelledEnum


@dataclass(frozen=True)
class ScaleSpec:
    key: str
    name: str
    levels: tuple[tuple[int, str], ...]  # (position, label) in the scale's order, strongest first
    # On a scale that is not ordered (self-knowledge) levels are kinds, not steps: ratings agree or differ.
    ordered: bool = True
    definitions: tuple[str, ...] = ()  # each level's definition, in the order of levels


@dataclass(frozen=True)
class SectionSpec:
    id: int
    title: str
    scale_keys: tuple[str, ...] | None = None  # the scales it is rated on; None for every scale


@dataclass(frozen=True)
class PeerReview:
    authority_name: str
    content: dict


class Agreement(LabelledEnum):
    SAME = "same", "Agree"
    ONE_APART = "one_apart", "One level apart"
    FURTHER_APART = "further_apart", "Further apart"
    DIFFER = "differ", "Differ"  # on a scale that is not ordered, any two different levels
    INCOMPLETE = "incomplete", "Not all rated"


@dataclass(frozen=True)
class RatingRow:
    scale_name: str
    ratings: tuple[tuple[str, str | None], ...]
    agreement: Agreement
    # Each peer's level as its index in the scale's order (None when not rated), for the headline.
    indexes: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class PartComposition:
    title: str
    ratings: tuple[RatingRow, ...]
    strengths: tuple[MergedItem, ...]
    development: tuple[MergedItem, ...]
    questions: tuple[MergedItem, ...]
    summaries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Composition:
    peer_labels: tuple[str, ...]
    sections: tuple[PartComposition, ...]
    overall: PartComposition
    headline: str = ""


OVERALL_TITLE = "Overall"
NOT_RATED = "Not rated"
NOT_INCLUDED = "Not included"
# A level-2 heading that begins with this word starts a new page in the PDF and the Word file.
ANNEX = "Annex"
ANNEX_TITLE = f"{ANNEX}: section by section"
# The letter's headings, in the words regions use for peer challenge feedback.
CONSIDERATION = "Areas for consideration"
QUESTIONS = "Questions to explore"
REFLECTIONS = "Reflections"


def peer_labels(peers: Sequence[PeerReview], *, anonymous: bool) -> tuple[str, ...]:
    """The names the letter gives the peers: their authorities, or Peer 1, Peer 2... when anonymous."""
    if anonymous:
        return tuple(f"Peer {number}" for number in range(1, len(peers) + 1))
    labels: list[str] = []
    for peer in peers:
        name = " ".join(peer.authority_name.split()) or "Unnamed authority"
        label, copy = name, 1
        while label in labels:  # labels key the attributions, so two peers must never share one
            copy += 1
            label = f"{name} ({copy})"
        labels.append(label)
    return tuple(labels)


def agreement(positions: Sequence[int | None], *, ordered: bool = True) -> Agreement:
    """How far apart the peers' ratings are, given each rating's index in the scale's order.

    Only an ordered scale has distances: on one that is not ordered ("Over-optimistic", "Over-cautious")
    neighbouring levels are no nearer than any others, so ratings either agree or differ.
    """
    known = [position for position in positions if position is not None]
    if not known or len(known) < len(positions):
        return Agreement.INCOMPLETE
    spread = max(known) - min(known)
    if spread == 0:
        return Agreement.SAME
    if not ordered:
        return Agreement.DIFFER
    return Agreement.ONE_APART if spread == 1 else Agreement.FURTHER_APART


def _redactor(peers: Sequence[PeerReview], labels: Sequence[str]):
    # In an anonymous cycle a reviewer may still name its own authority ("as we found in Norfolk"): the name
    # becomes the peer's label so the letter never says who wrote what.
    names = sorted(
        ((peer.authority_name.strip(), label) for peer, label in zip(peers, labels, strict=True)),
        key=lambda pair: len(pair[0]),
        reverse=True,  # longest first, so "North Norfolk" is replaced before "Norfolk"
    )
    patterns = [
        (re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE), label)
        for name, label in names
        if name
    ]

    def redact(text: str) -> str:
        for pattern, label in patterns:
            text = pattern.sub(label, text)
        return text

    return redact


def _questions(part: dict) -> list[str]:
    questions = part.get("questions") or []
    if isinstance(questions, str):  # tolerate content saved as one block of lines
        questions = questions.splitlines()
    return [str(question) for question in questions if str(question).strip()]


def _text(part: dict, field: str) -> str:
    value = part.get(field) or ""
    return value if isinstance(value, str) else ""


def _rating_rows(
    parts: Sequence[dict], labels: Sequence[str], scales: Sequence[ScaleSpec]
) -> tuple[RatingRow, ...]:
    rows = []
    for scale in scales:
        order = {position: (index, label) for index, (position, label) in enumerate(scale.levels)}
        ratings: list[tuple[str, str | None]] = []
        indexes: list[int | None] = []
        for part, label in zip(parts, labels, strict=True):
            value = (part.get("ratings") or {}).get(scale.key)
            try:
                level = order.get(int(value)) if value is not None else None
            except (TypeError, ValueError):
                level = None  # a rating that is not a level of this scale counts as not rated
            ratings.append((label, level[1] if level else None))
            indexes.append(level[0] if level else None)
        rows.append(
            RatingRow(scale.name, tuple(ratings), agreement(indexes, ordered=scale.ordered), tuple(indexes))
        )
    return tuple(rows)


def _compose_part(
    title: str,
    parts: Sequence[dict],
    labels: Sequence[str],
    scales: Sequence[ScaleSpec],
    redact,
    *,
    summaries,
) -> PartComposition:
    def points(field: str) -> tuple[MergedItem, ...]:
        items = [
            (label, point)
            for part, label in zip(parts, labels, strict=True)
            for point in split_points(redact(_text(part, field)))
        ]
        return tuple(merge_items(items))

    questions = [
        (label, point)
        for part, label in zip(parts, labels, strict=True)
        for question in _questions(part)
        for point in split_points(redact(question))  # drops a number or bullet the reviewer typed
    ]
    written = []
    if summaries:
        for part, label in zip(parts, labels, strict=True):
            summary = redact(_text(part, "summary")).strip()
            if summary:
                written.append((label, summary))
    return PartComposition(
        title=title,
        ratings=_rating_rows(parts, labels, scales),
        strengths=points("strengths"),
        development=points("development"),
        questions=tuple(merge_items(questions)),
        summaries=tuple(written),
    )


def compose(
    sections: Sequence[SectionSpec],
    scales: Sequence[ScaleSpec],
    peers: Sequence[PeerReview],
    *,
    anonymous: bool,
) -> Composition:
    """The letter's content for one authority: ratings, merged points and summaries, section by section."""
    labels = peer_labels(peers, anonymous=anonymous)
    redact = _redactor(peers, labels) if anonymous else (lambda text: text)
    contents = [peer.content if isinstance(peer.content, dict) else {} for peer in peers]
    composed_sections = []
    for section in sections:
        # A review saved before a section existed has no part for it: that peer simply said nothing there.
        parts = [(content.get("sections") or {}).get(str(section.id)) or {} for content in contents]
        rated_on = [
            scale for scale in scales if section.scale_keys is None or scale.key in section.scale_keys
        ]
        composed_sections.append(
            _compose_part(section.title, parts, labels, rated_on, redact, summaries=False)
        )
    overall_parts = [content.get("overall") or {} for content in contents]
    overall = _compose_part(OVERALL_TITLE, overall_parts, labels, scales, redact, summaries=True)
    return Composition(
        peer_labels=labels,
        sections=tuple(composed_sections),
        overall=overall,
        headline=headline(overall, scales),
    )


def _lower_first(text: str) -> str:
    """Text to go on inside a sentence: its first letter in lower case, unless it starts an acronym."""
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _scale_sentence(row: RatingRow, scale: ScaleSpec) -> str | None:
    """One sentence of the headline: how the peers rated the whole self-assessment on one scale, when they
    agree. Where they differ, the lead decides whether and how to say so: the headline does not."""
    if not row.indexes or None in row.indexes or len(set(row.indexes)) != 1:
        return None
    index = row.indexes[0]
    assert index is not None  # checked above; for the type checker
    label = _lower_first(scale.levels[index][1])
    definition = scale.definitions[index] if index < len(scale.definitions) else ""
    sentence = f"We rated your self-assessment's {scale.name.lower()} as {label}"
    return f"{sentence}: {_lower_first(definition)}." if definition.strip() else f"{sentence}."


def headline(overall: PartComposition, scales: Sequence[ScaleSpec]) -> str:
    """A first headline, in sentences, from the overall ratings the peers agree on; the lead rewrites it."""
    by_name = {scale.name: scale for scale in scales}
    sentences = [
        sentence
        for row in overall.ratings
        if row.scale_name in by_name and (sentence := _scale_sentence(row, by_name[row.scale_name]))
    ]
    return " ".join(sentences)


# --- Markdown ---------------------------------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^([-+*])(\s|$)")
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])(\s|$)")
_RULE = re.compile(r"^([-*_])(\s*\1){2,}\s*$")
_LINK_DEFINITION = re.compile(r"^\[[^\]]*\]:")


def _escape_line(line: str) -> str:
    """One line of reviewer text that Markdown reads as plain text: no heading, list, quote, fence or rule."""
    line = line.strip()  # leading spaces would make an indented code block
    line = line.replace("<", "&lt;")  # raw HTML (even an allowed <h1>) shows as text
    line = line.replace("|", r"\|")  # a pipe would end a table cell, or start a table
    if not line:
        return line
    if line[0] in "#>`" or _LIST_MARKER.match(line) or _RULE.match(line) or _LINK_DEFINITION.match(line):
        return "\\" + line
    if line[0] in "=~":  # a setext underline or a ~~~ fence; Markdown cannot backslash-escape these
        return f"&#{ord(line[0])};{line[1:]}"
    if match := _ORDERED_MARKER.match(line):
        return f"{match.group(1)}\\{line[len(match.group(1)) :]}"
    return line


def _inline(text: str) -> str:
    """Text on one line, safe in a heading, a bullet or a table cell."""
    return _escape_line(" ".join(text.split()))


def _heading(level: int, text: str) -> str:
    # A closing run of "#" would be dropped from an ATX heading, so every "#" is escaped.
    content = " ".join(text.split()).replace("<", "&lt;").replace("#", r"\#")
    return "#" * level + " " + content


def _ratings_table(part: PartComposition, labels: Sequence[str]) -> list[str]:
    # The peers' ratings side by side. How far apart they are is a moderation aid for the lead, never shown
    # to the authority: where it matters, the lead says so in words.
    if not part.ratings:
        return []
    if not labels:
        return ["No ratings were given.", ""]
    header = ["Scale", *labels]
    lines = [
        "| " + " | ".join(_inline(cell) for cell in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    for row in part.ratings:
        cells = [row.scale_name, *(level or NOT_RATED for _, level in row.ratings)]
        lines.append("| " + " | ".join(_inline(cell) for cell in cells) + " |")
    return [*lines, ""]


def _item_list(heading: str, items: Sequence[MergedItem], nothing: str, level: int = 3) -> list[str]:
    lines = [_heading(level, heading), ""]
    if not items:
        return [*lines, nothing, ""]
    for item in items:
        sources = ", ".join(" ".join(source.split()) for source in item.sources)
        lines.append(f"- {_inline(item.text)} ({_inline(sources)})")
    return [*lines, ""]


def _summary_lines(summaries: Sequence[tuple[str, str]], level: int = 3) -> list[str]:
    lines = [_heading(level, REFLECTIONS), ""]
    if not summaries:
        return [*lines, "No reflections were written.", ""]
    for label, summary in summaries:
        lines += [_heading(level + 1, label), ""]
        paragraphs = [block for block in re.split(r"\n\s*\n", summary.replace("\r\n", "\n")) if block.strip()]
        quoted = []
        for paragraph in paragraphs:
            rows = [f"> {_escape_line(row)}" for row in paragraph.split("\n") if row.strip()]
            # The reviewer's line breaks stay as line breaks (two trailing spaces) within the paragraph,
            # never as new blocks.
            quoted.append("  \n".join(rows))
        lines += ["\n>\n".join(quoted), ""]
    return lines


def _part_markdown(
    part: PartComposition, labels: Sequence[str], *, summaries: bool, level: int = 2, included: bool = True
) -> list[str]:
    lines = [_heading(level, part.title), ""]
    if not included:
        return [*lines, f"{NOT_INCLUDED}: this optional section is not in the self-assessment.", ""]
    lines += _ratings_table(part, labels)
    lines += _item_list("Strengths", part.strengths, "No strengths were noted.", level + 1)
    lines += _item_list(CONSIDERATION, part.development, "No areas for consideration were noted.", level + 1)
    lines += _item_list(QUESTIONS, part.questions, "No questions were asked.", level + 1)
    if summaries:
        lines += _summary_lines(part.summaries, level + 1)
    return lines


@dataclass(frozen=True)
class Signatory:
    """One person signing the letter: a peer director ("Sarah Jones", "Norfolk") or the cycle's signatory."""

    name: str
    title: str
    authority: str = ""


ANONYMOUS_SIGNATURE = "Your peer directors"
DCS_TITLE = "Director of Children's Services"
NO_DIRECTOR = "colleague"


def letter_title(cycle_title: str) -> str:
    """The letter's title from its cycle's, saying "peer challenge" once.

    A cycle is usually titled "Eastern Region peer challenge 2026", which must not become
    "...peer challenge 2026: peer challenge letter".
    """
    title = " ".join(cycle_title.split())
    folded = title.casefold()
    if "letter" in folded:
        return title
    return f"{title}: letter" if "peer challenge" in folded else f"{title}: peer challenge letter"


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def salutation(addressed_as: Sequence[str]) -> str:
    """Who the letter is to, as it follows "Dear": each director as they like to be addressed."""
    names = [" ".join(name.split()) for name in addressed_as if name.strip()]
    return _inline(join_names(names)) if names else NO_DIRECTOR


def signatories_markdown(
    peers: Sequence[Signatory], *, anonymous: bool, named: Signatory | None = None
) -> str:
    """The letter's signatures: the cycle's signatory if it names one, else the peer directors by name and
    authority, or "Your peer directors" when the cycle is anonymous or no peer has a director."""
    if named is not None and named.name.strip():
        people = [named]
    elif anonymous or not peers:
        return ANONYMOUS_SIGNATURE
    else:
        people = list(peers)
    lines = []
    for person in people:
        parts = [person.name, person.title, person.authority]
        lines.append(_inline(", ".join(" ".join(part.split()) for part in parts if part.strip())))
    return "\n\n".join(lines)


def sections_markdown(composition: Composition) -> str:
    """The sections' part of the letter as Markdown: per section, the ratings table and the merged points."""
    lines: list[str] = []
    for part in composition.sections:
        lines += _part_markdown(part, composition.peer_labels, summaries=False)
    return "\n".join(lines).strip() + "\n"


def overall_markdown(composition: Composition) -> str:
    """The overall part of the letter as Markdown: ratings, merged points and each peer's summary."""
    lines = _part_markdown(composition.overall, composition.peer_labels, summaries=True)
    return "\n".join(lines).strip() + "\n"


def annex_markdown(composition: Composition, left_out: Collection[str] = ()) -> str:
    """The annex, on a page of its own: every section's ratings side by side and merged points, then the
    overall part. `left_out` are the titles of optional sections the self-assessment does not have."""
    lines = [_heading(2, ANNEX_TITLE), ""]
    lines += ["The peers' ratings and points for each section of the self-assessment.", ""]
    for part in composition.sections:
        lines += _part_markdown(
            part, composition.peer_labels, summaries=False, level=3, included=part.title not in left_out
        )
    lines += _part_markdown(composition.overall, composition.peer_labels, summaries=True, level=3)
    return "\n".join(lines).strip() + "\n"


def points_markdown(texts: Sequence[str], *, numbered: bool = False, nothing: str = "") -> str:
    """Chosen points as a list, each on one line and read as plain text."""
    lines = [
        f"{number}. {_inline(text)}" if numbered else f"- {_inline(text)}"
        for number, text in enumerate((text for text in texts if text.strip()), start=1)
    ]
    return "\n".join(lines) if lines else nothing


def headline_markdown(text: str) -> str:
    """The lead's headline: paragraphs of plain text, with no Markdown structure of their own."""
    paragraphs = [block for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    return "\n\n".join(
        " ".join(_escape_line(line) for line in paragraph.split("\n") if line.strip())
        for paragraph in paragraphs
    )
