"""Changes to a region's lexicon, a cycle's tags and settings, and an authority's asks and offers.

Each checks the rules, changes the models and records an audit event; none commits.
"""

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about, record_event
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.files import current_file
from peerchallenge.regions.models import Authority, Region
from peerchallenge.themes import exports
from peerchallenge.themes.asks import AUTHORITY, find_asks_offers, themes_of
from peerchallenge.themes.gathering import Passage, passages
from peerchallenge.themes.lexicon import THEME_KEYS, THEME_NAMES, Theme, default_lexicon, parse_terms
from peerchallenge.themes.models import (
    ASK_KINDS,
    MAX_ASK_TEXT,
    AskOffer,
    CycleThemes,
    RegionLexicon,
    ThemesPaper,
    ThemeTag,
)
from peerchallenge.themes.queries import ThemesReport, themes_report
from peerchallenge.themes.tagging import Tagger

OWN = "own"


# The lexicon ------------------------------------------------------------------------------------------------


def default_lexicon_data() -> dict:
    return {theme.key: {"name": theme.name, "terms": list(theme.terms)} for theme in default_lexicon()}


def region_lexicon(region: Region) -> RegionLexicon:
    """The region's lexicon, made from the default the first time it is asked for."""
    lexicon = db.session.scalar(sa.select(RegionLexicon).where(RegionLexicon.region_id == region.id))
    if lexicon is None:
        lexicon = RegionLexicon(region_id=region.id, themes=default_lexicon_data())
        db.session.add(lexicon)
        db.session.flush()
    return lexicon


def lexicon_themes(data: dict) -> list[Theme]:
    """A stored lexicon as themes, in the default's order; a theme missing from it keeps the default."""
    defaults = {theme.key: theme for theme in default_lexicon()}
    themes = []
    for key in THEME_KEYS:
        entry = data.get(key)
        theme = defaults[key]
        if entry is not None:
            theme = Theme(key, entry.get("name") or theme.name, theme.kind, tuple(entry.get("terms") or ()))
        themes.append(theme)
    return themes


def update_theme_terms(actor: User, region: Region, theme: str, terms_text: str, version: int) -> None:
    """Replace one theme's terms in the region's lexicon (typed one a line)."""
    if theme not in THEME_KEYS:
        raise ServiceError("There is no such theme.")
    lexicon = region_lexicon(region)
    lock_for_update(lexicon)
    if lexicon.version != version:
        raise ServiceError("Someone changed the lexicon since you opened this page: reload it and try again.")
    try:
        terms = parse_terms(terms_text)
    except ValueError as error:
        raise ServiceError(str(error), field="terms") from error
    if not terms:
        raise ServiceError("Enter at least one term", field="terms")
    data = dict(lexicon.themes)
    before = list((data.get(theme) or {}).get("terms") or ())
    data[theme] = {"name": THEME_NAMES[theme], "terms": list(terms)}
    lexicon.themes = data
    lexicon.version += 1
    lexicon.updated_at = utcnow()
    lexicon.updated_by_id = actor.id
    record_event(
        "lexicon_changed",
        f"Changed the terms of the theme '{THEME_NAMES[theme]}' in {region.name}'s lexicon",
        actor=actor,
        region_id=region.id,
        theme=theme,
        added=[term for term in terms if term not in before],
        removed=[term for term in before if term not in terms],
    )


def reset_lexicon(actor: User, region: Region) -> None:
    """Put the region's lexicon back to the default."""
    lexicon = region_lexicon(region)
    lock_for_update(lexicon)
    lexicon.themes = default_lexicon_data()
    lexicon.version += 1
    lexicon.updated_at = utcnow()
    lexicon.updated_by_id = actor.id
    record_event(
        "lexicon_reset", f"Reset {region.name}'s lexicon to the default", actor=actor, region_id=region.id
    )


# A cycle's tags ---------------------------------------------------------------------------------------------


def cycle_themes(cycle: Cycle) -> CycleThemes:
    """The cycle's themes record, made (untagged) the first time it is asked for."""
    found = db.session.scalar(sa.select(CycleThemes).where(CycleThemes.cycle_id == cycle.id))
    if found is None:
        found = CycleThemes(cycle_id=cycle.id)
        db.session.add(found)
        db.session.flush()
    return found


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tag_cycle(actor: User | None, cycle: Cycle, *, closing: bool = False) -> int:
    """Tag every passage of the cycle with the region's current lexicon, replacing its tags; read its asks
    and offers again, keeping an authority's corrections to any whose text has not changed. The number of
    tags. A closed cycle keeps its tags (`closing` is the move to closed itself, which tags it once)."""
    if not closing:
        check_not_closed(cycle, "its themes are kept as they were tagged")
    record = cycle_themes(cycle)
    lock_for_update(record)
    lexicon = region_lexicon(cycle.region)
    tagger = Tagger(lexicon_themes(lexicon.themes))
    found = passages(cycle)
    db.session.execute(sa.delete(ThemeTag).where(ThemeTag.cycle_id == cycle.id))
    rows = []
    for passage in found:
        for sentence in tagger.tag_text(passage.text):
            for tag in sentence.tags:
                rows.append(
                    {
                        "cycle_id": cycle.id,
                        "authority_id": passage.authority_id,
                        "theme": tag.theme,
                        "source": passage.source,
                        "stance": passage.source.stance,
                        "section": passage.section[:500],
                        "sentence": sentence.text,
                        "term": tag.term[:100],
                        "origin": passage.origin,
                    }
                )
    if rows:
        db.session.execute(sa.insert(ThemeTag), rows)
    _read_asks_offers(cycle, [passage for passage in found if passage.voice], tagger)
    record.tagged_at = utcnow()
    record.tagged_by_id = actor.id if actor else None
    record.lexicon_version = lexicon.version
    record.lexicon = lexicon.themes
    record_about(
        "cycle_tagged",
        f"Tagged the themes of {cycle.title}" + (" as it closed" if closing else ""),
        actor,
        cycle,
        tags=len(rows),
        lexicon_version=lexicon.version,
    )
    return len(rows)


def tag_on_close(actor: User, cycle: Cycle) -> None:
    """As a cycle closes: tag it, if it was never tagged, so the closed cycle keeps tags of its own."""
    record = db.session.scalar(sa.select(CycleThemes).where(CycleThemes.cycle_id == cycle.id))
    if record is None or record.tagged_at is None:
        tag_cycle(actor, cycle, closing=True)


def _read_asks_offers(cycle: Cycle, found: list[Passage], tagger: Tagger) -> None:
    """Read the asks and offers of each passage again; a passage whose text is unchanged and has a
    correction keeps its asks and offers as corrected."""
    existing: dict[tuple[int, str], list[AskOffer]] = {}
    for item in db.session.scalars(
        sa.select(AskOffer).where(AskOffer.cycle_id == cycle.id, AskOffer.origin != OWN)
    ):
        existing.setdefault((item.authority_id, item.origin), []).append(item)
    seen: set[tuple[int, str]] = set()
    for passage in found:
        key = (passage.authority_id, passage.origin)
        seen.add(key)
        digest = source_hash(passage.text)
        kept = existing.get(key, [])
        if (
            kept
            and all(item.source_hash == digest for item in kept)
            and any(item.corrected_at for item in kept)
        ):
            continue  # corrected, and the text it was read from has not changed
        for item in kept:
            db.session.delete(item)
        for ask in find_asks_offers(passage.text, passage.voice or AUTHORITY):
            db.session.add(
                AskOffer(
                    cycle_id=cycle.id,
                    authority_id=passage.authority_id,
                    kind=ASK_KINDS[ask.kind],
                    text=ask.text[:MAX_ASK_TEXT],
                    themes=themes_of(ask.text, tagger),
                    origin=passage.origin,
                    source_hash=digest,
                )
            )
    for key, items in existing.items():
        if key not in seen:  # the text it came from is gone
            for item in items:
                db.session.delete(item)
    db.session.flush()


def set_quotes_named(actor: User, cycle: Cycle, named: bool) -> None:
    """Whether the report's quotes name their authorities for the region's directors (the lead sees names)."""
    check_not_closed(cycle, "its settings are read-only")
    record = cycle_themes(cycle)
    lock_for_update(record)
    record.quotes_named = named
    record_about(
        "themes_quotes_named",
        f"Quotes in the themes report of {cycle.title} "
        + ("name authorities" if named else "are anonymised"),
        actor,
        cycle,
        named=named,
    )


def record_report_export(actor: User, cycle: Cycle, file_format: str, rows: int) -> None:
    """Audit a download of the themes report."""
    record_about(
        "themes_exported",
        f"Downloaded the themes report of {cycle.title} as {file_format.upper()}",
        actor,
        cycle,
        rows=rows,
    )


def report_file(cycle: Cycle, file_format: str, named: bool) -> tuple[str | bytes, int]:
    """The report as CSV or as a Word paper, with names or without, and how many rows or themes it holds."""
    report = themes_report(cycle, named=named)
    if file_format == "csv":
        return exports.themes_csv(report)
    return themes_paper(report), len(report.themes)


def themes_paper(report: ThemesReport) -> bytes:
    """The report as a Word paper: the kept one if it was made from what the report says now, else made now
    and kept (under the cycle's row lock, so that two workers make it once)."""
    cycle, source = report.cycle, exports.paper_source(report)
    return current_file(
        source,
        lambda: exports.themes_docx(source),
        cycle,
        sa.select(ThemesPaper).where(ThemesPaper.cycle_id == cycle.id),
        lambda sha256, data: ThemesPaper(cycle=cycle, source_sha256=sha256, data=data),
    ).data


# An authority's asks and offers -----------------------------------------------------------------------------


def _check_themes(themes: Iterable[str]) -> list[str]:
    chosen = [theme for theme in THEME_KEYS if theme in set(themes)]
    if len(chosen) != len(set(themes)):
        raise ServiceError("Choose themes from the list", field="themes")
    return chosen


def _kind(value: str):
    if value not in ASK_KINDS:
        raise ServiceError("Choose ask or offer", field="kind")
    return ASK_KINDS[value]


def _check_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ServiceError("Enter the ask or offer", field="text")
    if len(text) > MAX_ASK_TEXT:
        raise ServiceError(f"The ask or offer must be {MAX_ASK_TEXT:,} characters or fewer", field="text")
    return text


def correct_ask_offer(actor: User, item: AskOffer, kind: str, text: str, themes: Iterable[str]) -> None:
    """An authority's correction of its ask or offer: kept until the text it was read from changes."""
    check_not_closed(_cycle(item), "its asks and offers are read-only")
    lock_for_update(item)
    item.kind = _kind(kind)
    item.text = _check_text(text)
    item.themes = _check_themes(themes)
    item.withdrawn = False
    item.corrected_at = utcnow()
    item.corrected_by_id = actor.id
    _mark_corrected(item)
    record_about(
        "ask_offer_corrected",
        f"Corrected an {item.kind.label.lower()}",
        actor,
        _cycle(item),
        authority_id=item.authority_id,
        ask_offer_id=item.id,
    )


def withdraw_ask_offer(actor: User, item: AskOffer) -> None:
    """The authority says this is not an ask or offer; one it added itself is deleted."""
    check_not_closed(_cycle(item), "its asks and offers are read-only")
    lock_for_update(item)
    cycle = _cycle(item)
    if item.is_own:
        db.session.delete(item)
    else:
        item.withdrawn = True
        item.corrected_at = utcnow()
        item.corrected_by_id = actor.id
        _mark_corrected(item)
    record_about(
        "ask_offer_removed",
        f"Removed an {item.kind.label.lower()}",
        actor,
        cycle,
        authority_id=item.authority_id,
        ask_offer_id=item.id,
    )


def add_ask_offer(
    actor: User, cycle: Cycle, authority: Authority, kind: str, text: str, themes: Iterable[str]
) -> AskOffer:
    """An ask or offer the authority adds in its own words."""
    check_not_closed(cycle, "its asks and offers are read-only")
    item = AskOffer(
        cycle_id=cycle.id,
        authority_id=authority.id,
        kind=_kind(kind),
        text=_check_text(text),
        themes=_check_themes(themes),
        origin=OWN,
        corrected_at=utcnow(),
        corrected_by_id=actor.id,
    )
    db.session.add(item)
    db.session.flush()
    record_about(
        "ask_offer_added",
        f"Added an {item.kind.label.lower()}",
        actor,
        cycle,
        authority_id=authority.id,
        ask_offer_id=item.id,
    )
    return item


def _mark_corrected(item: AskOffer) -> None:
    """A correction stands for every ask and offer read from the same text, so none is read again alone."""
    for other in db.session.scalars(
        sa.select(AskOffer).where(
            AskOffer.cycle_id == item.cycle_id,
            AskOffer.authority_id == item.authority_id,
            AskOffer.origin == item.origin,
            AskOffer.corrected_at.is_(None),
        )
    ):
        other.corrected_at = item.corrected_at
        other.corrected_by_id = item.corrected_by_id


def _cycle(item: AskOffer) -> Cycle:
    cycle = db.session.get(Cycle, item.cycle_id)
    assert cycle is not None
    return cycle
