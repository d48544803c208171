"""What the themes pages read: the report of a cycle, a theme's traced sentences, an authority's asks and
offers.

Each reads in a fixed number of queries, whatever the number of authorities or tags.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.queries import previous_cycle
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority
from peerchallenge.themes.asks import Item, Match, match_asks_offers
from peerchallenge.themes.chart import DEVELOPMENT, STRENGTH, ChartRow
from peerchallenge.themes.lexicon import THEME_KEYS, THEME_NAMES, ThemeKind, default_lexicon
from peerchallenge.themes.models import STANCE_VALUES, AskOffer, CycleThemes, Source, Stance, ThemeTag

AN_AUTHORITY = "an authority"
QUOTES_PER_STANCE = 2
# Quotes come first from the letters (the points the lead chose), then the reviews, then the self-assessments.
QUOTE_ORDER = {
    Source.LETTER_STRENGTH: 0,
    Source.LETTER_CONSIDERATION: 0,
    Source.REVIEW_STRENGTH: 1,
    Source.REVIEW_DEVELOPMENT: 1,
    Source.SELF_ASSESSMENT_WORRY: 2,
}
KINDS = {theme.key: theme.kind for theme in default_lexicon()}


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str  # the authority's name, or "an authority"
    source: Source
    section: str
    term: str


@dataclass
class ThemeSummary:
    key: str
    name: str
    kind: ThemeKind
    strengths: int = 0  # authorities raising it as a strength
    developments: int = 0  # ... as an area for development
    questions: int = 0  # ... in a question or line of enquiry
    plans: int = 0  # ... in their plans
    previous_strengths: int | None = None  # last year's cycle, when it was tagged
    previous_developments: int | None = None
    quotes: list[Quote] = field(default_factory=list)

    @property
    def raised(self) -> bool:
        return bool(self.strengths or self.developments or self.questions or self.plans)

    def change(self, stance: str) -> str:
        """The change from last year in words: "up 2", "down 1", "no change"; "" with nothing to compare."""
        now, before = (
            (self.strengths, self.previous_strengths)
            if stance == STRENGTH
            else (self.developments, self.previous_developments)
        )
        if before is None:
            return ""
        if now == before:
            return "no change"
        return f"up {now - before}" if now > before else f"down {before - now}"


@dataclass(frozen=True)
class MatchRow:
    ask_authority: str
    ask: str
    offer_authority: str
    offer: str
    themes: tuple[str, ...]


@dataclass
class ThemesReport:
    cycle: Cycle
    named: bool
    tagged_at: datetime | None
    themes: list[ThemeSummary]
    rows: list[ChartRow]
    matches: list[MatchRow]
    tag_count: int
    previous: Cycle | None
    previous_tagged: bool

    @property
    def theme_columns(self) -> list[tuple[str, str]]:
        return [(theme.key, theme.name) for theme in self.themes]


def cycle_themes_record(cycle: Cycle) -> CycleThemes | None:
    return db.session.scalar(sa.select(CycleThemes).where(CycleThemes.cycle_id == cycle.id))


def region_authorities(cycle: Cycle) -> list[Authority]:
    """The region's authorities active when the cycle opened, by name."""
    authorities = db.session.scalars(
        sa.select(Authority).where(Authority.region_id == cycle.region_id).order_by(Authority.name)
    ).all()
    return [authority for authority in authorities if authority.is_active_on(cycle.opens_on)]


class Anonymiser:
    """Authorities' names in quotes and attributions: as they are, or replaced ("an authority")."""

    def __init__(self, cycle: Cycle, authorities: list[Authority], named: bool):
        self.named = named
        self.names = {authority.id: authority.name for authority in authorities}
        names = sorted(self.names.values(), key=len, reverse=True)
        self.pattern = (
            re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b", re.IGNORECASE)
            if names
            else None
        )
        # Anonymised rows are numbered in an order that follows neither names nor ids.
        shuffled = sorted(
            self.names, key=lambda key: hashlib.sha256(f"{cycle.id}:{key}".encode()).hexdigest()
        )
        self.numbers = {authority_id: number for number, authority_id in enumerate(shuffled, start=1)}

    def attribution(self, authority_id: int) -> str:
        return self.names.get(authority_id, "") if self.named else AN_AUTHORITY

    def row_name(self, authority_id: int) -> str:
        return self.names.get(authority_id, "") if self.named else f"Authority {self.numbers[authority_id]}"

    def text(self, text: str) -> str:
        if self.named or self.pattern is None:
            return text
        return self.pattern.sub("[an authority]", text)


# What the report and a theme's page read of each tag: rows of these, not tags as objects, which cost several
# times as much to build and are thousands in a large region's cycle.
TAG_COLUMNS = (
    ThemeTag.id,
    ThemeTag.authority_id,
    ThemeTag.theme,
    ThemeTag.source,
    ThemeTag.stance,
    ThemeTag.section,
    ThemeTag.sentence,
    ThemeTag.term,
    ThemeTag.origin,
)
TagRow = sa.Row[tuple[int, int, str, Source, Stance, str, str, str, str]]


def _tags(cycle: Cycle, theme: str | None = None) -> list[TagRow]:
    query = sa.select(*TAG_COLUMNS).where(ThemeTag.cycle_id == cycle.id).order_by(ThemeTag.id)
    if theme is not None:
        query = query.where(ThemeTag.theme == theme)
    return list(db.session.execute(query))


def _previous_counts(previous: Cycle) -> dict[tuple[str, Stance], int]:
    rows = db.session.execute(
        sa.select(ThemeTag.theme, ThemeTag.stance, sa.func.count(sa.distinct(ThemeTag.authority_id)))
        .where(ThemeTag.cycle_id == previous.id)
        .group_by(ThemeTag.theme, ThemeTag.stance)
    ).all()
    return {(theme, STANCE_VALUES[stance]): count for theme, stance, count in rows}


def themes_report(cycle: Cycle, *, named: bool) -> ThemesReport:
    """The report of a cycle: per theme the authorities raising it, quotes and last year's counts; the chart's
    rows; the asks matched to offers. `named`: whether quotes and rows name their authorities."""
    record = cycle_themes_record(cycle)
    authorities = region_authorities(cycle)
    names = Anonymiser(cycle, authorities, named)
    tags = _tags(cycle)
    previous = previous_cycle(cycle)
    previous_record = cycle_themes_record(previous) if previous else None
    previous_tagged = bool(previous_record and previous_record.tagged_at)
    before = _previous_counts(previous) if previous and previous_tagged else {}

    raised: dict[tuple[str, Stance], set[int]] = {}
    cells: dict[int, dict[str, set[str]]] = {}
    candidates: dict[tuple[str, Stance], list[TagRow]] = {}
    for tag in tags:
        raised.setdefault((tag.theme, tag.stance), set()).add(tag.authority_id)
        if tag.stance in (Stance.STRENGTH, Stance.DEVELOPMENT):
            stance = STRENGTH if tag.stance == Stance.STRENGTH else DEVELOPMENT
            cells.setdefault(tag.authority_id, {}).setdefault(tag.theme, set()).add(stance)
            candidates.setdefault((tag.theme, tag.stance), []).append(tag)

    summaries = []
    for key in THEME_KEYS:
        summary = ThemeSummary(key, THEME_NAMES[key], KINDS[key])
        summary.strengths = len(raised.get((key, Stance.STRENGTH), ()))
        summary.developments = len(raised.get((key, Stance.DEVELOPMENT), ()))
        summary.questions = len(raised.get((key, Stance.QUESTION), ()))
        summary.plans = len(raised.get((key, Stance.PLAN), ()))
        if previous_tagged:
            summary.previous_strengths = before.get((key, Stance.STRENGTH), 0)
            summary.previous_developments = before.get((key, Stance.DEVELOPMENT), 0)
        for stance in (Stance.STRENGTH, Stance.DEVELOPMENT):
            summary.quotes.extend(_quotes(candidates.get((key, stance), []), names))
        summaries.append(summary)

    rows = [
        ChartRow(
            names.row_name(authority.id),
            {key: frozenset(value) for key, value in cells.get(authority.id, {}).items()},
        )
        for authority in authorities
    ]
    if not named:
        rows.sort(key=lambda row: int(row.name.split()[-1]))
    return ThemesReport(
        cycle=cycle,
        named=named,
        tagged_at=record.tagged_at if record else None,
        themes=summaries,
        rows=rows,
        matches=_matches(cycle, names),
        tag_count=len(tags),
        previous=previous,
        previous_tagged=previous_tagged,
    )


def _quotes(tags: list[TagRow], names: Anonymiser) -> list[Quote]:
    """A few quotes for a theme and stance: one an authority, the letters' points first."""
    chosen: list[Quote] = []
    authorities: set[int] = set()
    sentences: set[str] = set()
    for tag in sorted(tags, key=lambda tag: (QUOTE_ORDER.get(tag.source, 3), tag.id)):
        if tag.authority_id in authorities or tag.sentence in sentences:
            continue
        authorities.add(tag.authority_id)
        sentences.add(tag.sentence)
        chosen.append(
            Quote(
                names.text(tag.sentence),
                names.attribution(tag.authority_id),
                tag.source,
                tag.section,
                tag.term,
            )
        )
        if len(chosen) == QUOTES_PER_STANCE:
            break
    return chosen


def asks_offers(cycle: Cycle, authority_id: int | None = None) -> list[AskOffer]:
    """The cycle's asks and offers (of one authority, if given), withdrawn ones too, in a fixed order."""
    query = sa.select(AskOffer).where(AskOffer.cycle_id == cycle.id)
    if authority_id is not None:
        query = query.where(AskOffer.authority_id == authority_id)
    return list(db.session.scalars(query.order_by(AskOffer.authority_id, AskOffer.kind, AskOffer.id)))


def _matches(cycle: Cycle, names: Anonymiser) -> list[MatchRow]:
    items = [
        Item(item.id, item.authority_id, item.kind.value, item.text, tuple(item.themes))
        for item in asks_offers(cycle)
        if not item.withdrawn
    ]
    return [_match_row(match, names) for match in match_asks_offers(items, THEME_KEYS)]


def _match_row(match: Match, names: Anonymiser) -> MatchRow:
    return MatchRow(
        names.attribution(match.ask.authority_id),
        names.text(match.ask.text),
        names.attribution(match.offer.authority_id),
        names.text(match.offer.text),
        tuple(THEME_NAMES[theme] for theme in match.themes),
    )


@dataclass(frozen=True)
class TracedSentence:
    sentence: str
    term: str
    attribution: str
    source: Source
    section: str
    origin: str


def theme_sentences(cycle: Cycle, theme: str, *, named: bool) -> dict[Stance, list[TracedSentence]]:
    """Every sentence tagged with a theme, by stance, with the term that earned it and where it is."""
    names = Anonymiser(cycle, region_authorities(cycle), named)
    found: dict[Stance, list[TracedSentence]] = {stance: [] for stance in Stance}
    for tag in sorted(_tags(cycle, theme), key=lambda tag: (names.attribution(tag.authority_id), tag.id)):
        found[tag.stance].append(
            TracedSentence(
                names.text(tag.sentence),
                tag.term,
                names.attribution(tag.authority_id),
                tag.source,
                tag.section,
                tag.origin if named else "",
            )
        )
    return found
