"""A moderator allocated to one authority's self-assessment in a cycle, and the comments they write on it."""

from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle, scope_in_cycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.regions.models import Authority
from peerchallenge.status import LabelledEnum, Tag


class AllocationState(LabelledEnum):
    """A generated allocation is a proposal the lead checks; once published, moderators see it."""

    PROPOSED = "proposed", "Proposed"
    PUBLISHED = "published", "Published"


class ModerationProgress(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


PROGRESS_COLOURS = {
    ModerationProgress.NOT_STARTED: "grey",
    ModerationProgress.IN_PROGRESS: "blue",
    ModerationProgress.DONE: "green",
}


class ModerationAssignment(Model):
    """One moderator of one authority's self-assessment: their comments on its evidence and its data.

    The comments are kept as typed (Markdown) and as sanitised HTML rendered once, when saved; `version`
    counts the saves, so that a save from a page opened before another save is refused (a second tab).
    """

    __tablename__ = "moderation_assignments"
    __table_args__ = (
        sa.UniqueConstraint(
            "cycle_id",
            "authority_id",
            "moderator_id",
            "state",
            name="uq_moderation_assignments_one_per_state",
        ),
    )
    audit_key = "moderation_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    # The authority whose self-assessment is moderated.
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    moderator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The authority the moderator worked for when allocated (what the author and peers are told).
    moderator_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    state: Mapped[AllocationState] = mapped_column(
        string_enum(AllocationState), default=AllocationState.PROPOSED
    )
    progress: Mapped[ModerationProgress] = mapped_column(
        string_enum(ModerationProgress), default=ModerationProgress.NOT_STARTED
    )
    evidence_comment: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_html: Mapped[str] = mapped_column(sa.Text, default="")
    data_comment: Mapped[str] = mapped_column(sa.Text, default="")
    data_html: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()
    authority: Mapped[Authority] = relationship(foreign_keys=[authority_id])
    moderator: Mapped[User] = relationship(foreign_keys=[moderator_id])
    moderator_authority: Mapped[Authority] = relationship(foreign_keys=[moderator_authority_id])

    @property
    def is_published(self) -> bool:
        return self.state == AllocationState.PUBLISHED

    @property
    def is_done(self) -> bool:
        return self.progress == ModerationProgress.DONE

    @property
    def progress_tag(self) -> Tag:
        return Tag(self.progress.label, PROGRESS_COLOURS[self.progress])

    @property
    def rendered_evidence(self) -> Markup:
        return Markup(self.evidence_html)  # noqa: S704 (sanitised by render_markdown when saved)

    @property
    def rendered_data(self) -> Markup:
        return Markup(self.data_html)  # noqa: S704 (sanitised by render_markdown when saved)

    @property
    def audit_scope(self) -> dict[str, int]:
        return scope_in_cycle(self.cycle, self.authority_id, moderation_id=self.id)

    def __repr__(self) -> str:
        return f"<ModerationAssignment {self.authority_id} by {self.moderator_id}>"
