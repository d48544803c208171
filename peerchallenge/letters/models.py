"""A challenge letter per authority in a cycle, its versions, who has read it, and the response."""

import enum
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import AuthorityInCycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.letters.choice import PointKind
from peerchallenge.status import LabelledEnum


class LetterState(LabelledEnum):
    COMPOSED = "composed", "Composed"
    APPROVED = "approved", "Approved"
    RELEASED = "released", "Released"


class VersionSource(LabelledEnum):
    COMPOSED = "composed", "Composed from the reviews"
    EDITED = "edited", "Edited"
    RESTORED = "restored", "Restored from an earlier version"
    RECOMPOSED = "recomposed", "Composed again from the reviews"
    CHOSEN = "chosen", "Composed from the points chosen"
    UPLOADED = "uploaded", "Uploaded from Word"


class Letter(AuthorityInCycle, Model):
    """The regional group's letter to one authority; its text is the latest of its versions."""

    __tablename__ = "letters"

    audit_key = "letter_id"

    state: Mapped[LetterState] = mapped_column(string_enum(LetterState), default=LetterState.COMPOSED)
    composed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a review changed after the letter was edited: the lead decides whether to compose again.
    reviews_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    response: Mapped[str] = mapped_column(sa.Text, default="")
    # The response rendered and sanitised once, when it was saved.
    response_html: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The headline judgement the letter opens with, and when the lead last chose its points (None while the
    # service's own choice stands: it is made again whenever the reviews change).
    headline: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    points_chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    points_chosen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    points_chosen_by: Mapped[User | None] = relationship(foreign_keys=[points_chosen_by_id])
    points: Mapped[list["LetterPoint"]] = relationship(
        back_populates="letter",
        order_by="(LetterPoint.kind, LetterPoint.position)",
        cascade="all, delete-orphan",
    )
    versions: Mapped[list["LetterVersion"]] = relationship(
        back_populates="letter", order_by="LetterVersion.number", cascade="all, delete-orphan"
    )
    reads: Mapped[list["LetterRead"]] = relationship(
        back_populates="letter", order_by="LetterRead.read_at", cascade="all, delete-orphan"
    )

    @property
    def current_version(self) -> "LetterVersion":
        return self.versions[-1]

    @property
    def body(self) -> str:
        return self.current_version.body

    @property
    def is_approved(self) -> bool:
        return self.state == LetterState.APPROVED

    @property
    def body_rendered(self) -> Markup:
        """The current text as stored HTML, rendered once when the version was saved."""
        return self.current_version.rendered

    @property
    def response_rendered(self) -> Markup:
        return Markup(self.response_html)  # noqa: S704 (sanitised by render_markdown before it was stored)

    @property
    def is_released(self) -> bool:
        return self.state == LetterState.RELEASED

    @property
    def is_read_only(self) -> bool:
        """Released, or its cycle is closed: nobody changes it any more."""
        return self.is_released or self.cycle.is_closed

    @property
    def is_edited(self) -> bool:
        """The lead has changed the text since it was last composed from the reviews."""
        return self.current_version.source in (
            VersionSource.EDITED,
            VersionSource.RESTORED,
            VersionSource.UPLOADED,
        )

    @property
    def is_read(self) -> bool:
        return bool(self.reads)

    @property
    def has_response(self) -> bool:
        return self.responded_at is not None


class LetterVersion(Model):
    __tablename__ = "letter_versions"
    __table_args__ = (sa.UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    # The body rendered and sanitised once, when the version was saved: pages never parse the text.
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[VersionSource] = mapped_column(string_enum(VersionSource))
    # For a version made from the letter's points: the headline and points it was made from, so that going
    # back to it brings back the choice too (see services.restore).
    choice: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None when the service composed it by itself, as the last review came in.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    letter: Mapped[Letter] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    @property
    def rendered(self) -> Markup:
        return Markup(self.body_html)  # noqa: S704 (sanitised by render_markdown before it was stored)


class LetterPoint(Model):
    """A point chosen for the letter: a strength, an area for consideration or a key line of enquiry, in the
    lead's words, with the reviews' point it came from (none for the lead's own)."""

    __tablename__ = "letter_points"
    __table_args__ = (sa.UniqueConstraint("letter_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PointKind] = mapped_column(string_enum(PointKind))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    candidate_key: Mapped[str | None] = mapped_column(sa.String(40))
    # Who made the point and in which section, as the letter's annex names them; empty for the lead's own.
    sources: Mapped[str] = mapped_column(sa.Text, default="")
    section: Mapped[str] = mapped_column(sa.Text, default="")

    letter: Mapped[Letter] = relationship(back_populates="points")


class LetterRead(Model):
    """The first time each user of the authority opened the released letter."""

    __tablename__ = "letter_reads"
    __table_args__ = (sa.UniqueConstraint("letter_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    letter: Mapped[Letter] = relationship(back_populates="reads")
    user: Mapped[User] = relationship()


class FileKind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"


class KeptFile:
    """The columns of a file made from other records and kept: the hash of what it was made from (a file made
    from anything else is made again, in place), its bytes and when it was made."""

    source_sha256: Mapped[str] = mapped_column(sa.String(64))
    # Deferred: checking whether a file is there and current does not load its bytes.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LetterFile(KeptFile, Model):
    """A letter version as a PDF or Word file, rendered once and kept, so that a download never waits for it.

    A file is made from more than the version's text: the cycle's title, the names and, once released, the
    release date (before it the file says it is a draft). `source_sha256` is the hash of all of these, so a
    file made from anything else (a draft file after release) is rendered again, in place.
    """

    __tablename__ = "letter_files"
    __table_args__ = (sa.UniqueConstraint("version_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("letter_versions.id", ondelete="CASCADE"))
    kind: Mapped[FileKind] = mapped_column(string_enum(FileKind))

    version: Mapped[LetterVersion] = relationship()
