"""The points a letter is made of: every merged point of the peers' reviews as a candidate, and the choice the
service makes before the lead makes their own.

Plain values in and out. A letter says three to five strengths, three to five areas for consideration and five
or six key lines of enquiry for the challenge event; the lead ticks, orders and rewords candidates (or writes
their own), and until they do the default choice stands: points both peers made first, then points from as
many different sections as there is room for, so that one long section cannot fill the letter.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerchallenge.letters.compose import Agreement, Composition, PartComposition
from peerchallenge.letters.merge import MergedItem, near_duplicate_forms, normalise
from peerchallenge.status import LabelledEnum


class PointKind(LabelledEnum):
    STRENGTH = "strength", "Strengths"
    CONSIDERATION = "consideration", "Areas for consideration"
    ENQUIRY = "enquiry", "Key lines of enquiry"


# How many points of each kind a two-page letter holds: (fewest, most).
RANGES: Mapping[PointKind, tuple[int, int]] = {
    PointKind.STRENGTH: (3, 5),
    PointKind.CONSIDERATION: (3, 5),
    PointKind.ENQUIRY: (5, 6),
}
# Asked of the lead in words, beside each list.
RANGE_WORDS: Mapping[PointKind, str] = {
    PointKind.STRENGTH: "three to five",
    PointKind.CONSIDERATION: "three to five",
    PointKind.ENQUIRY: "five or six",
}


@dataclass(frozen=True)
class Candidate:
    kind: PointKind
    # Stable while the reviews say the same thing: the kind, the section and the point's normalised words.
    key: str
    text: str
    sources: tuple[str, ...]
    section: str


@dataclass(frozen=True)
class Point:
    """A point in the letter: a candidate's words (perhaps reworded by the lead) or the lead's own."""

    text: str
    key: str | None = None  # the candidate it came from; None for a point the lead wrote
    sources: tuple[str, ...] = ()
    section: str = ""


def candidate_key(kind: PointKind, section: str, text: str) -> str:
    digest = hashlib.sha256(f"{kind.value}\n{section}\n{normalise(text)}".encode()).hexdigest()
    return digest[:20]


def _items(part: PartComposition) -> Iterable[tuple[PointKind, MergedItem]]:
    for kind, items in (
        (PointKind.STRENGTH, part.strengths),
        (PointKind.CONSIDERATION, part.development),
        (PointKind.ENQUIRY, part.questions),
    ):
        for item in items:
            yield kind, item


def candidates(composition: Composition) -> dict[PointKind, list[Candidate]]:
    """Every merged point of the reviews, by kind, in the order the default choice prefers them.

    Points more peers made come first; among equals, the overall part's before the sections', then the
    template's order. A point made twice in one part (after merging) is listed once.
    """
    found: dict[PointKind, list[tuple[tuple[int, int, int], Candidate]]] = {kind: [] for kind in PointKind}
    seen: set[str] = set()
    for part_order, part in enumerate((composition.overall, *composition.sections)):
        for index, (kind, item) in enumerate(_items(part)):
            key = candidate_key(kind, part.title, item.text)
            if key in seen:
                continue
            seen.add(key)
            candidate = Candidate(kind, key, item.text, item.sources, part.title)
            found[kind].append(((-len(item.sources), part_order, index), candidate))
    return {kind: [candidate for _, candidate in sorted(ranked)] for kind, ranked in found.items()}


def default_points(ranked: Sequence[Candidate], kind: PointKind) -> tuple[Point, ...]:
    """The service's choice of one kind: up to the most a letter holds; points both peers made first, then
    each peer in turn; one point a section while that lasts; never the same point twice (peers often make
    one point in several sections). The candidates' keys are distinct, as `candidates` gives them."""
    fewest, most = RANGES[kind]
    order = {candidate.key: position for position, candidate in enumerate(ranked)}
    chosen: list[Candidate] = []
    picks: Counter[str] = Counter()
    # The candidates that repeat a point already chosen, found as each is chosen: compared once with each
    # choice, not again on every round.
    said: set[str] = set()
    normalised = {candidate.key: normalise(candidate.text) for candidate in ranked}

    def repeats(candidate: Candidate, best: Candidate) -> bool:
        return near_duplicate_forms(
            candidate.text, normalised[candidate.key], best.text, normalised[best.key]
        )

    def pick(eligible: list[Candidate]) -> None:
        best = min(
            eligible,
            key=lambda candidate: (
                -len(candidate.sources),
                min((picks[source] for source in candidate.sources), default=0),
                order[candidate.key],
            ),
        )
        chosen.append(best)
        picks.update(best.sources)
        said.update(c.key for c in ranked if c.key not in said and repeats(c, best))

    while len(chosen) < most:
        sections = {candidate.section for candidate in chosen}
        eligible = [c for c in ranked if c.key not in said and c.section not in sections]
        if not eligible:
            break
        pick(eligible)
    while len(chosen) < fewest:  # too few sections to reach the fewest: a second point from a section
        eligible = [c for c in ranked if c.key not in said]
        if not eligible:
            break
        pick(eligible)
    chosen.sort(key=lambda candidate: order[candidate.key])
    return tuple(as_point(candidate) for candidate in chosen)


def as_point(candidate: Candidate, text: str | None = None) -> Point:
    return Point(
        candidate.text if text is None else text, candidate.key, candidate.sources, candidate.section
    )


def default_choice(composition: Composition) -> dict[PointKind, tuple[Point, ...]]:
    ranked = candidates(composition)
    return {kind: default_points(ranked[kind], kind) for kind in PointKind}


def count_advice(kind: PointKind, count: int) -> str | None:
    """A word to the lead when a list is outside what a two-page letter holds; None when it is within."""
    fewest, most = RANGES[kind]
    if fewest <= count <= most:
        return None
    what = kind.label.lower() if count != 1 else singular(kind)
    return f"The letter has {count} {what}: letters read best with {RANGE_WORDS[kind]}."


def singular(kind: PointKind) -> str:
    return {
        PointKind.STRENGTH: "strength",
        PointKind.CONSIDERATION: "area for consideration",
        PointKind.ENQUIRY: "key line of enquiry",
    }[kind]


@dataclass(frozen=True)
class Row:
    """One point on the lead's compose page: ticked or not, its order and words, and where it came from."""

    key: str | None
    text: str
    include: bool
    order: int | None
    sources: tuple[str, ...]
    section: str


# Candidates of one kind listed on the compose page at most (the annex still has them all).
MAX_LISTED = 250


def rows(chosen: Sequence[Point], ranked: Sequence[Candidate], *, blank: int = 2) -> list[Row]:
    """The compose page's rows of one kind: the chosen points in their order, then the other candidates in
    the default choice's order (the first MAX_LISTED), then `blank` rows for points of the lead's own."""
    shown = [
        Row(point.key, point.text, True, position, point.sources, point.section)
        for position, point in enumerate(chosen, start=1)
    ]
    keys = {point.key for point in chosen if point.key}
    shown += [
        Row(candidate.key, candidate.text, False, None, candidate.sources, candidate.section)
        for candidate in ranked
        if candidate.key not in keys
    ][:MAX_LISTED]
    return shown + [Row(None, "", False, None, (), "") for _ in range(blank)]


@dataclass(frozen=True)
class Difference:
    """Peers whose ratings of one part on one scale differ: for the lead, never for the letter."""

    part: str
    scale: str
    ratings: tuple[tuple[str, str | None], ...]
    agreement: str


def differences(composition: Composition) -> list[Difference]:
    """Where the peers' ratings differ (on an ordered scale, by a level or more), part by part."""
    return [
        Difference(part.title, row.scale_name, row.ratings, row.agreement.label)
        for part in (*composition.sections, composition.overall)
        for row in part.ratings
        if row.agreement not in (Agreement.SAME, Agreement.INCOMPLETE)
    ]
