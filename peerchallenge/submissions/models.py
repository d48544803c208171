"""An authority's self-assessment in a cycle, its versions, their sections and the files uploaded."""

from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import ReadyMark, User
from peerchallenge.cycles.models import AuthorityInCycle, TemplateSection
from peerchallenge.documents.measure import signal_summary
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.status import LabelledEnum


class SubmissionState(LabelledEnum):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class StoredFile(Model):
    """An uploaded file kept byte for byte in the database, with its hash."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    # Deferred: pages list files without loading their bytes.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()


class Submission(AuthorityInCycle, ReadyMark, Model):
    """One authority's self-assessment in one cycle; not started until its first version."""

    __tablename__ = "submissions"

    audit_key = "submission_id"

    state: Mapped[SubmissionState] = mapped_column(
        string_enum(SubmissionState), default=SubmissionState.DRAFT
    )
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lead reopened it after submissions closed: the authority may change and sign it off while reviewing.
    reopened_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    versions: Mapped[list["SubmissionVersion"]] = relationship(
        back_populates="submission", order_by="SubmissionVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current_version(self) -> "SubmissionVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def is_signed_off(self) -> bool:
        return self.state == SubmissionState.SIGNED_OFF

    @property
    def accepts_changes(self) -> bool:
        """Uploads, edits and sign-off are allowed: the cycle is open, or the lead reopened it late."""
        return self.cycle.accepts_submissions or (self.reopened_late and self.cycle.reopens_late)

    @property
    def is_ready(self) -> bool:
        """Marked ready for sign-off and not yet signed off."""
        return self.ready_at is not None and not self.is_signed_off

    @property
    def is_late(self) -> bool:
        """Signed off after the end of the due date (UK time)."""
        return self.signed_off_at is not None and self.signed_off_at > self.cycle.submissions_due_at


class SubmissionVersion(Model):
    """One version of a self-assessment: from an upload, or from an edit in the browser."""

    __tablename__ = "submission_versions"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "number"),
        sa.CheckConstraint("source IN ('upload', 'edit')", name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    number: Mapped[int]
    source: Mapped[str] = mapped_column(sa.String(10))  # "upload" or "edit"
    # The original file: set on uploads and carried forward by edits.
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    total_words: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="versions")
    file: Mapped[StoredFile | None] = relationship()
    created_by: Mapped[User] = relationship()
    sections: Mapped[list["SectionText"]] = relationship(
        back_populates="version", order_by="SectionText.position", cascade="all, delete-orphan"
    )

    @property
    def sections_found(self) -> int:
        """How many of the template's sections were found in this version."""
        return sum(1 for text in self.sections if text.template_section_id is not None and text.found)

    @property
    def signal_summary(self) -> dict[str, tuple[int, int]] | None:
        """Per kind of passage, over every part: how many passages, how many words (None if not measured)."""
        if any(text.signals is None for text in self.sections):
            return None
        return signal_summary([signal for text in self.sections for signal in text.signals or []])


class SectionText(Model):
    """The Markdown of one part of a version: a template section, or text under no matching heading."""

    __tablename__ = "section_texts"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    # None for unmatched text, which is kept and shown, never dropped.
    template_section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("template_sections.id"))
    heading: Mapped[str | None] = mapped_column(sa.String(500))
    found: Mapped[bool] = mapped_column(default=True)
    markdown: Mapped[str] = mapped_column(sa.Text, default="")
    # The markdown rendered and sanitised once, when the version was saved: pages never parse the text.
    html: Mapped[str] = mapped_column(sa.Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    # Measured once, when the version was saved (documents/measure.py): the share of its words repeated from
    # the same section of the authority's self-assessment in the region's cycle before (None when there is no
    # last year to compare with) and that cycle's year; the signals found (JSON, as `flask documents extract`
    # prints them: repeated text, business as usual, evidence; None for a version saved before they were
    # measured) and the HTML with their passages marked (None when nothing is marked).
    repeated_share: Mapped[int | None]
    repeated_year: Mapped[int | None]
    signals: Mapped[list | None] = mapped_column(sa.JSON)
    marked_html: Mapped[str | None] = mapped_column(sa.Text)
    # Found once too: [start, end] of each sentence of the Markdown that holds a digit, the only ones the data
    # pack's figure check reads (datapack.figures.figure_sentences; None for a version saved before).
    figure_sentences: Mapped[list | None] = mapped_column(sa.JSON)

    version: Mapped[SubmissionVersion] = relationship(back_populates="sections")
    # Loaded with the version's texts, in one query for all of them: each text is shown under its section.
    template_section: Mapped[TemplateSection | None] = relationship(lazy="selectin")

    @property
    def rendered(self) -> Markup:
        """The stored HTML, safe to show (it went through the sanitiser when it was saved)."""
        return Markup(self.html)  # noqa: S704 (sanitised by render_markdown before it was stored)

    @property
    def marked(self) -> Markup:
        """The stored HTML with the signals' passages marked, safe to show (sanitised again once marked)."""
        return Markup(self.marked_html) if self.marked_html else self.rendered  # noqa: S704 (as rendered)

    @property
    def signal_summary(self) -> dict[str, tuple[int, int]]:
        """Per kind of passage (business as usual, evidence): how many passages, how many words."""
        return signal_summary(self.signals)

    @property
    def is_unmatched(self) -> bool:
        return self.template_section_id is None
