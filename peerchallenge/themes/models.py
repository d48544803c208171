"""A region's lexicon, a cycle's themes (its tagging and its report settings), each tag with the sentence and
term that earned it, and the asks and offers of the cycle's authorities."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.letters.models import KeptFile
from peerchallenge.regions.models import Authority, Region
from peerchallenge.status import LabelledEnum

MAX_ASK_TEXT = 1000


class RegionLexicon(Model):
    """A region's own lexicon: for each theme its name and terms (`{key: {"name": ..., "terms": [...]}}`).

    Made from the default the first time the region's lead opens it or its cycle is tagged.
    """

    __tablename__ = "region_lexicons"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), unique=True)
    themes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    region: Mapped[Region] = relationship()
    updated_by: Mapped[User | None] = relationship()


class CycleThemes(Model):
    """A cycle's themes: when it was tagged, with which lexicon, and whether its quotes name authorities."""

    __tablename__ = "cycle_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tagged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lexicon_version: Mapped[int | None]
    # The lexicon it was tagged with, kept so a closed cycle's tags stay explained after the lexicon changes.
    lexicon: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    quotes_named: Mapped[bool] = mapped_column(default=False)

    cycle: Mapped[Cycle] = relationship()
    tagged_by: Mapped[User | None] = relationship()


class Source(LabelledEnum):
    """Where a tagged sentence comes from, and so what it says of its authority (its stance)."""

    REVIEW_STRENGTH = "review_strength", "A peer review's strength"
    REVIEW_DEVELOPMENT = "review_development", "A peer review's area for development"
    REVIEW_QUESTION = "review_question", "A peer review's challenge question"
    LETTER_STRENGTH = "letter_strength", "The letter's strength"
    LETTER_CONSIDERATION = "letter_consideration", "The letter's area for consideration"
    LETTER_ENQUIRY = "letter_enquiry", "The letter's key line of enquiry"
    SELF_ASSESSMENT_PLAN = "self_assessment_plan", "The self-assessment's plans, asks and offers"
    SELF_ASSESSMENT_WORRY = "self_assessment_worry", "The self-assessment's area for development"

    @property
    def stance(self) -> "Stance":
        return STANCES[self]


class Stance(LabelledEnum):
    STRENGTH = "strength", "Strength"
    DEVELOPMENT = "development", "Area for development"
    QUESTION = "question", "Question"
    PLAN = "plan", "Plan"


STANCES = {
    Source.REVIEW_STRENGTH: Stance.STRENGTH,
    Source.LETTER_STRENGTH: Stance.STRENGTH,
    Source.REVIEW_DEVELOPMENT: Stance.DEVELOPMENT,
    Source.LETTER_CONSIDERATION: Stance.DEVELOPMENT,
    Source.SELF_ASSESSMENT_WORRY: Stance.DEVELOPMENT,
    Source.REVIEW_QUESTION: Stance.QUESTION,
    Source.LETTER_ENQUIRY: Stance.QUESTION,
    Source.SELF_ASSESSMENT_PLAN: Stance.PLAN,
}


class ThemeTag(Model):
    """A theme one sentence raised about an authority in a cycle, the term that earned it, and where it is."""

    __tablename__ = "theme_tags"
    __table_args__ = (sa.Index("ix_theme_tags_cycle_theme", "cycle_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    theme: Mapped[str] = mapped_column(sa.String(40))
    source: Mapped[Source] = mapped_column(string_enum(Source, 30))
    stance: Mapped[Stance] = mapped_column(string_enum(Stance))
    section: Mapped[str] = mapped_column(sa.String(500), default="")  # the section's title, or "Overall"
    sentence: Mapped[str] = mapped_column(sa.Text)
    term: Mapped[str] = mapped_column(sa.String(100))
    # Which record the sentence is in ("review:12", "letter_point:40", "section_text:7"), for tracing.
    origin: Mapped[str] = mapped_column(sa.String(60))

    authority: Mapped[Authority] = relationship()


class AskKind(LabelledEnum):
    ASK = "ask", "Ask"
    OFFER = "offer", "Offer"


ASK_KINDS = {kind.value: kind for kind in AskKind}
STANCE_VALUES = {stance.value: stance for stance in Stance}


class AskOffer(Model):
    """An ask for support or an offer of it, read from a source text or added by the authority.

    `origin` and `source_hash` name the text it was read from and its SHA-256 when read: an authority's
    correction (`corrected_at` set) stands until that text changes; `withdrawn` hides one the authority says
    is not an ask or offer. One the authority added has origin "own" and no hash.
    """

    __tablename__ = "asks_offers"
    __table_args__ = (sa.Index("ix_asks_offers_cycle_authority", "cycle_id", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    kind: Mapped[AskKind] = mapped_column(string_enum(AskKind))
    text: Mapped[str] = mapped_column(sa.String(MAX_ASK_TEXT))
    themes: Mapped[list] = mapped_column(sa.JSON, default=list)
    origin: Mapped[str] = mapped_column(sa.String(60))
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    authority: Mapped[Authority] = relationship()
    corrected_by: Mapped[User | None] = relationship()

    @property
    def is_own(self) -> bool:
        return self.origin == "own"


class ThemesPaper(KeptFile, Model):
    """A cycle's themes report as a Word paper, as last made, kept so that downloading it again makes nothing.

    `source_sha256` is the hash of everything the paper prints (exports.PaperSource): a paper made from
    anything else (tags changed, the names setting flipped, an ask withdrawn) is made again, in place.
    """

    __tablename__ = "themes_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)

    cycle: Mapped[Cycle] = relationship()
