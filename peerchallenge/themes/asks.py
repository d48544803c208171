"""Asks and offers: reading them from a text, and matching one authority's asks to another's offers.

Pure code. An ask or an offer is a sentence (or a list item) that says so: a line starting "Ask:" or "Offer:",
an item under a heading with "asks" or "offers" in it, or a phrasing such as "we would welcome help with" or
"we can offer". A match is an ask and an offer of two different authorities sharing a theme.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peerchallenge.documents.repeated import sentences as split_sentences
from peerchallenge.themes.tagging import Tagger, words_of

ASK = "ask"
OFFER = "offer"

LABEL = re.compile(r"^\W*(?P<label>asks?|offers?)\s*(?:\*\*|__)?\s*[:\-–]\s*(?:\*\*|__)?\s*", re.IGNORECASE)
HEADING = re.compile(r"^\s*(?:#{1,6}\s+|\*\*|__)?(?P<text>[^\n]{1,80}?)(?:\*\*|__)?\s*:?\s*$")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def _phrases(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


# In the authority's own voice (its self-assessment): "we would welcome help with", "we can offer".
ASK_PHRASES = _phrases(
    r"we would (?:welcome|value|appreciate|like|benefit from)",
    r"we ask",
    r"we are asking",
    r"we need (?:help|support|advice)",
    r"we are (?:looking|seeking) (?:for )?(?:help|support|advice|a partner|peers)",
    r"we seek",
    r"we want to learn",
    r"(?:help|support|advice) (?:from|of) (?:our )?(?:peers|the region|other authorities|colleagues)",
)
OFFER_PHRASES = _phrases(
    r"we (?:can|could|would be (?:glad|happy|pleased) to|are (?:glad|happy|pleased) to|will gladly) "
    r"(?:offer|share|host|provide|show|support|lend)",
    r"we offer",
    r"we are offering",
    r"(?:peers|colleagues|other authorities|others) (?:are|would be) welcome to",
    r"(?:is|are) happy to share",
)
# In the peers' voice (a letter's points, where "we" are the peers): what the authority would gain from
# others' help, and what others could learn from it.
PEER_ASK_PHRASES = _phrases(
    r"would benefit from (?:the )?(?:support|help|advice|experience|learning) of",
    r"(?:could|should|might) (?:seek|ask for|draw on) (?:support|help|advice)",
    r"learn from (?:other authorities|peers|the region|others|neighbouring)",
)
PEER_OFFER_PHRASES = _phrases(
    r"(?:others|the region|other authorities|peers|colleagues) (?:could|would|can|might) learn from",
    r"worth sharing",
    r"(?:could|should) share (?:its|this|their) (?:learning|approach|experience|practice)",
    r"share (?:this|its) (?:learning|approach|practice) (?:with|across) the region",
)
AUTHORITY = "authority"
PEERS = "peers"
PHRASES = {AUTHORITY: (ASK_PHRASES, OFFER_PHRASES), PEERS: (PEER_ASK_PHRASES, PEER_OFFER_PHRASES)}


@dataclass(frozen=True)
class Found:
    """An ask or an offer read from a text: its kind and its words."""

    kind: str
    text: str


def _clean(line: str) -> str:
    return BULLET.sub("", line).replace("**", "").replace("__", "").strip()


def _heading_kind(line: str) -> str | None | bool:
    """For a heading line: ASK, OFFER or None (another heading); False for a line that is not a heading."""
    if BULLET.match(line) or LABEL.match(line):
        return False
    match = HEADING.match(line)
    if not match or not (line.lstrip().startswith(("#", "**", "__")) or line.rstrip().endswith(":")):
        return False
    words = set(words_of(match.group("text")))
    if words & {"ask", "asks"} and not words & {"offer", "offers"}:
        return ASK
    if words & {"offer", "offers"} and not words & {"ask", "asks"}:
        return OFFER
    return None


def find_asks_offers(text: str, voice: str = AUTHORITY) -> list[Found]:
    """The asks and offers a text states, in order; `voice` is who writes it (the authority, or its peers)."""
    asks, offers = PHRASES[voice]
    found: list[Found] = []
    under: str | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        heading = _heading_kind(line)
        if heading is not False:
            under = heading if isinstance(heading, str) else None
            continue
        labelled = LABEL.match(line)
        if labelled:
            kind = ASK if labelled.group("label").lower().startswith("ask") else OFFER
            if words := _clean(line[labelled.end() :]):
                found.append(Found(kind, words))
            else:  # "Offers:" alone, a heading for the list below it
                under = kind
            continue
        if under and BULLET.match(line):
            found.append(Found(under, _clean(line)))
            continue
        under = None
        for sentence in split_sentences(line):
            piece = _clean(line[sentence.start : sentence.end])
            is_ask, is_offer = bool(asks.search(piece)), bool(offers.search(piece))
            if is_ask != is_offer:
                found.append(Found(ASK if is_ask else OFFER, piece))
    return [item for item in found if item.text]


def themes_of(text: str, tagger: Tagger) -> list[str]:
    """The themes an ask or offer is about."""
    return [tag.theme for tag in tagger.tag_sentence(text)]


@dataclass(frozen=True)
class Item:
    """An ask or offer as matching reads it."""

    id: int
    authority_id: int
    kind: str
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """One authority's ask and another's offer on the same themes."""

    ask: Item
    offer: Item
    themes: tuple[str, ...]
    score: float


STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "help",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "support",
        "the",
        "their",
        "this",
        "to",
        "us",
        "we",
        "what",
        "which",
        "with",
        "would",
        "welcome",
        "offer",
        "ask",
        "share",
        "other",
        "others",
        "peer",
        "peers",
        "region",
    ]
)


def _content(text: str) -> set[str]:
    return {word for word in words_of(text) if word not in STOP and len(word) > 2}


def match_asks_offers(items: Iterable[Item], order: Sequence[str] = ()) -> list[Match]:
    """Every pair of an ask and another authority's offer sharing a theme, best first.

    Best: more themes shared, then more words in common (Jaccard on their content words); ties by ids.
    """
    asks = [item for item in items if item.kind == ASK]
    items = list(items) if not isinstance(items, list) else items
    offers_by_theme: dict[str, list[Item]] = {}
    for item in items:
        if item.kind == OFFER:
            for theme in item.themes:
                offers_by_theme.setdefault(theme, []).append(item)
    position = {theme: index for index, theme in enumerate(order)}
    matches: dict[tuple[int, int], Match] = {}
    for ask in asks:
        for theme in ask.themes:
            for offer in offers_by_theme.get(theme, ()):
                if offer.authority_id == ask.authority_id or (ask.id, offer.id) in matches:
                    continue
                shared = tuple(
                    sorted(set(ask.themes) & set(offer.themes), key=lambda key: position.get(key, len(order)))
                )
                ask_words, offer_words = _content(ask.text), _content(offer.text)
                overlap = len(ask_words & offer_words) / (len(ask_words | offer_words) or 1)
                matches[(ask.id, offer.id)] = Match(ask, offer, shared, len(shared) + overlap)
    return sorted(matches.values(), key=lambda match: (-match.score, match.ask.id, match.offer.id))


WORRY = _phrases(
    r"what worries us",
    r"worries us",
    r"we are (?:most |very |still )?(?:worried|concerned)",
    r"our (?:biggest |main |greatest )?(?:worry|worries|concern|concerns) (?:is|are)",
    r"(?:is|are) not yet (?:good enough|consistent|strong enough)",
    r"we (?:need|have) to improve",
)


def worries_in(text: str) -> list[str]:
    """The sentences of a self-assessment's section that name its own areas for development."""
    found = []
    for sentence in split_sentences(text):
        piece = _clean(text[sentence.start : sentence.end])
        if WORRY.search(piece):
            found.append(piece)
    return found
