"""A cycle, its template sections and its rating scales (all data, per cycle)."""

from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, validates

from peerchallenge.dates import end_of_uk_day
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.regions.models import Authority, Region
from peerchallenge.sanitise import render_lines
from peerchallenge.status import LabelledEnum, Tag


class CycleState(LabelledEnum):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for submissions"
    # Only in a cycle with moderation on: moderators comment on the signed-off self-assessments.
    MODERATION = "moderation", "Moderation"
    REVIEWING = "reviewing", "Reviewing"
    CONSOLIDATING = "consolidating", "Consolidating"
    RELEASED = "released", "Letters released"
    CLOSED = "closed", "Closed"


class AssignmentModel(LabelledEnum):
    """How peers are assigned: pairs (directed, k in and k out) or groups (each member reviews the others)."""

    PAIRS = "pairs", "Pairs: each director reviews a set number of others"
    GROUPS = "groups", "Groups: each member of a triad (or quartet) reviews every other member"


DEFAULT_GROUP_SIZE = 3


# The states in which a cycle is under way; a region has at most one cycle in them.
ACTIVE_STATES = (
    CycleState.OPEN,
    CycleState.MODERATION,
    CycleState.REVIEWING,
    CycleState.CONSOLIDATING,
    CycleState.RELEASED,
)
# The states after submissions close in which the lead may reopen one authority's self-assessment (late).
LATE_STATES = (CycleState.MODERATION, CycleState.REVIEWING)


STATE_COLOURS = {
    CycleState.DRAFT: "grey",
    CycleState.OPEN: "blue",
    CycleState.MODERATION: "yellow",
    CycleState.REVIEWING: "purple",
    CycleState.CONSOLIDATING: "turquoise",
    CycleState.RELEASED: "green",
    CycleState.CLOSED: "grey",
}


class Cycle(Model):
    __tablename__ = "cycles"
    __table_args__ = (
        sa.CheckConstraint("peers_per_authority > 0", name="peers_per_authority_positive"),
        sa.CheckConstraint("moderators_per_submission IN (1, 2)", name="moderators_per_submission_1_or_2"),
        sa.UniqueConstraint("region_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    year: Mapped[int]
    peers_per_authority: Mapped[int] = mapped_column(default=2)
    # Pairs (the Eastern Region's model) or groups (the South East's triads); in groups, the group size.
    assignment_model: Mapped[AssignmentModel] = mapped_column(
        string_enum(AssignmentModel), default=AssignmentModel.PAIRS, server_default="pairs"
    )
    group_size: Mapped[int] = mapped_column(
        default=DEFAULT_GROUP_SIZE, server_default=str(DEFAULT_GROUP_SIZE)
    )
    opens_on: Mapped[date]
    submissions_due_on: Mapped[date]
    reviews_due_on: Mapped[date]
    letters_due_on: Mapped[date]
    challenge_event_on: Mapped[date | None]
    # When the authority's response to its letter is due, and the first update of its actions (both optional).
    response_due_on: Mapped[date | None]
    actions_update_due_on: Mapped[date | None]
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Whether a reviewer sees the co-reviewer's review once it has submitted its own, or only in the letter.
    co_reviews_visible_after_submission: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Moderation (optional): after sign-off and before the peers see them, moderators from other authorities
    # comment on each self-assessment's evidence and data accuracy, by moderation_due_on.
    moderation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    moderators_per_submission: Mapped[int] = mapped_column(default=1, server_default="1")
    moderation_due_on: Mapped[date | None]
    # The seed of the latest generated moderator allocation: "generate another" moves it on.
    moderation_seed: Mapped[int] = mapped_column(default=0, server_default="0")
    state: Mapped[CycleState] = mapped_column(string_enum(CycleState), default=CycleState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The seed of the latest generated assignment proposal: "generate another" moves it on.
    assignment_seed: Mapped[int] = mapped_column(default=0, server_default="0")
    assignments_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The Markdown around each letter's content; None means the service's default wording.
    letter_template: Mapped[str | None] = mapped_column(sa.Text)
    # Who signs the letters when not the peer directors, e.g. the region's chair; empty for the peers.
    signatory_name: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")
    signatory_title: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")
    # Reviewers must rate every section before submitting; by default only the overall ratings are required.
    section_ratings_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Each letter ends with the section-by-section annex on a page of its own, unless the lead leaves it out.
    letter_annex: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    region: Mapped[Region] = relationship()
    sections: Mapped[list["TemplateSection"]] = relationship(
        back_populates="cycle", order_by="TemplateSection.position", cascade="all, delete-orphan"
    )
    scales: Mapped[list["RatingScale"]] = relationship(
        back_populates="cycle", order_by="RatingScale.position", cascade="all, delete-orphan"
    )

    @property
    def in_groups(self) -> bool:
        """Peers are assigned in groups whose members review one another."""
        return self.assignment_model == AssignmentModel.GROUPS

    @property
    def submissions_due_at(self) -> datetime:
        return end_of_uk_day(self.submissions_due_on)

    @property
    def reviews_due_at(self) -> datetime:
        return end_of_uk_day(self.reviews_due_on)

    @property
    def moderation_due_at(self) -> datetime | None:
        return end_of_uk_day(self.moderation_due_on) if self.moderation_due_on else None

    @property
    def submissions_overdue(self) -> bool:
        """The self-assessment deadline has passed."""
        return utcnow() > self.submissions_due_at

    @property
    def is_draft(self) -> bool:
        return self.state == CycleState.DRAFT

    @property
    def accepts_submissions(self) -> bool:
        return self.state == CycleState.OPEN

    @property
    def reopens_late(self) -> bool:
        """Submissions have closed, but the lead may reopen one authority's self-assessment (a late one)."""
        return self.state in LATE_STATES

    @property
    def in_moderation(self) -> bool:
        return self.state == CycleState.MODERATION

    @property
    def peers_may_read(self) -> bool:
        """Whether peers (reviewers, observers) may read signed-off self-assessments yet: with moderation on,
        not before reviews start, so that they read them with the moderators' comments."""
        return not (
            self.moderation and self.state in (CycleState.DRAFT, CycleState.OPEN, CycleState.MODERATION)
        )

    @property
    def accepts_reviews(self) -> bool:
        """Reviews are written, submitted and reopened while reviewing and consolidating."""
        return self.state in (CycleState.REVIEWING, CycleState.CONSOLIDATING)

    @property
    def accepts_letter_approval(self) -> bool:
        """Letters are approved and released while consolidating and once letters are being released."""
        return self.state in (CycleState.CONSOLIDATING, CycleState.RELEASED)

    @property
    def is_closed(self) -> bool:
        """Closed: self-assessments, reviews and letters are read-only."""
        return self.state == CycleState.CLOSED

    @property
    def state_tag(self) -> Tag:
        """The state as pages show it: its words, and a colour that repeats them."""
        return Tag(self.state.label, STATE_COLOURS[self.state])

    @property
    def is_under_way(self) -> bool:
        """Neither a draft nor closed: its tasks are open."""
        return self.state not in (CycleState.DRAFT, CycleState.CLOSED)

    @property
    def is_active(self) -> bool:
        """Between open for submissions and letters released: a region runs one such cycle at a time."""
        return self.state in ACTIVE_STATES

    @property
    def audit_scope(self) -> dict[str, int]:
        """What an audit event about it belongs to (see audit.services.record_about)."""
        return {"region_id": self.region_id, "cycle_id": self.id}

    def __repr__(self) -> str:
        return f"<Cycle {self.title}>"


# Which scales a section is rated on (a section's own choice from its cycle's scales).
template_section_scales = sa.Table(
    "template_section_scales",
    Model.metadata,
    sa.Column("section_id", sa.ForeignKey("template_sections.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "scale_id", sa.ForeignKey("rating_scales.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class TemplateSection(Model):
    """One section of the self-assessment template: what authorities write about, and how much."""

    __tablename__ = "template_sections"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(150))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    # The guidance (simple Markdown, typed by the lead) rendered and sanitised once, whenever it is set.
    guidance_html: Mapped[str] = mapped_column(sa.Text, default="")
    suggested_words: Mapped[int | None]
    optional: Mapped[bool] = mapped_column(default=False)
    # Other headings that name this section in an upload ("Early help"), as a list of strings.
    other_headings: Mapped[list] = mapped_column(sa.JSON, default=list)

    cycle: Mapped[Cycle] = relationship(back_populates="sections")
    # The scales a reviewer rates this section on, in the cycle's order of scales.
    # Loaded with the sections, in one query for all of them (the review form rates every section).
    scales: Mapped[list["RatingScale"]] = relationship(
        secondary=template_section_scales,
        order_by="RatingScale.position",
        back_populates="sections",
        lazy="selectin",
    )

    @property
    def scale_keys(self) -> tuple[str, ...]:
        return tuple(scale.key for scale in self.scales)

    @validates("guidance")
    def _render_guidance(self, _key: str, guidance: str) -> str:
        self.guidance_html = str(render_lines(guidance))
        return guidance

    @property
    def rendered_guidance(self) -> Markup:
        """The stored guidance HTML, safe to show (it went through the sanitiser when it was set)."""
        return Markup(self.guidance_html)  # noqa: S704 (sanitised by render_lines when set)


class RatingScale(Model):
    """A rating scale of a cycle (evidence strength, brevity, self-knowledge), its levels in order.

    On an ordered scale the levels run from best to worst, so two ratings can be near or far apart; on a
    scale that is not ordered (self-knowledge) two ratings either are the same level or differ.
    """

    __tablename__ = "rating_scales"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(100))
    question: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int]
    ordered: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    cycle: Mapped[Cycle] = relationship(back_populates="scales")
    sections: Mapped[list[TemplateSection]] = relationship(
        secondary=template_section_scales, order_by=TemplateSection.position, back_populates="scales"
    )
    # Loaded with the scales, in one query for all of them: every page showing a scale shows its levels.
    levels: Mapped[list["RatingLevel"]] = relationship(
        back_populates="scale", order_by="RatingLevel.position", cascade="all, delete-orphan", lazy="selectin"
    )


class RatingLevel(Model):
    __tablename__ = "rating_levels"
    __table_args__ = (sa.UniqueConstraint("scale_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("rating_scales.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(100))
    definition: Mapped[str] = mapped_column(sa.Text, default="")

    scale: Mapped[RatingScale] = relationship(back_populates="levels")


def scope_in_cycle(cycle: Cycle, authority_id: int, **ids: int) -> dict[str, int]:
    """What an audit event about one authority's record in a cycle belongs to (see audit.services)."""
    return {"region_id": cycle.region_id, "authority_id": authority_id, "cycle_id": cycle.id, **ids}


class AuthorityInCycle:
    """The columns of a record kept once per authority per cycle: its self-assessment, its letter."""

    audit_key: ClassVar[str]  # the name of its id in audit events: "submission_id", "letter_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (sa.UniqueConstraint("cycle_id", "authority_id"),)

    @declared_attr
    def cycle(cls) -> Mapped[Cycle]:
        return relationship()

    @declared_attr
    def authority(cls) -> Mapped[Authority]:
        return relationship()

    @property
    def audit_scope(self) -> dict[str, int]:
        return scope_in_cycle(self.cycle, self.authority_id, **{self.audit_key: self.id})
