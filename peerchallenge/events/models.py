"""A cycle's challenge event, its sessions (one per authority, or per peer group), the notes and agreed
actions recorded in each, and the outcome note per authority released after it."""

from datetime import date, datetime, time

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.actions.models import MAX_OWNER, MAX_WHAT, Action
from peerchallenge.assignments.models import ReviewGroup
from peerchallenge.cycles.models import Cycle, scope_in_cycle
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.letters.models import FileKind, KeptFile, LetterPoint
from peerchallenge.regions.models import Authority
from peerchallenge.status import LabelledEnum, Tag

MAX_PLACE = 300
MAX_LINK = 500
MAX_NOTE = 20_000
MAX_OUTCOME = 100_000


class SessionState(LabelledEnum):
    SCHEDULED = "scheduled", "Scheduled"
    UNDER_WAY = "under_way", "Under way"
    FINISHED = "finished", "Finished"


class OutcomeState(LabelledEnum):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    RELEASED = "released", "Released"


SESSION_COLOURS = {
    SessionState.SCHEDULED: "grey",
    SessionState.UNDER_WAY: "blue",
    SessionState.FINISHED: "green",
}
OUTCOME_COLOURS = {
    OutcomeState.DRAFT: "grey",
    OutcomeState.APPROVED: "turquoise",
    OutcomeState.RELEASED: "green",
}


class ChallengeEvent(Model):
    """The regional peer challenge event of a cycle (one per cycle).

    Its date is the cycle's `challenge_event_on`, kept in one place so the two never disagree: changing the
    event's date changes the cycle's, and the cycle's details page changes the event's.
    """

    __tablename__ = "challenge_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), unique=True)
    place: Mapped[str] = mapped_column(sa.String(MAX_PLACE), default="", server_default="")
    online_link: Mapped[str] = mapped_column(sa.String(MAX_LINK), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    cycle: Mapped[Cycle] = relationship()
    created_by: Mapped[User] = relationship()
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event",
        order_by="(EventSession.starts_at, EventSession.position)",
        cascade="all, delete-orphan",
    )

    @property
    def held_on(self) -> date | None:
        return self.cycle.challenge_event_on

    @property
    def audit_scope(self) -> dict[str, int]:
        return {"region_id": self.cycle.region_id, "cycle_id": self.cycle_id, "event_id": self.id}


class EventSession(Model):
    """One session of the event: an authority (pairs) or a peer group (groups), its times, chair and state.

    The chair is the region's lead unless the lead names a director of the region for the session
    (`chair_id`). `version` goes up with every change of times or chair, so a page opened before another
    save is refused.
    """

    __tablename__ = "event_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            "(authority_id IS NULL) <> (review_group_id IS NULL)", name="one_authority_or_group"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    review_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_groups.id"), index=True)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    state: Mapped[SessionState] = mapped_column(string_enum(SessionState), default=SessionState.SCHEDULED)
    version: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    event: Mapped[ChallengeEvent] = relationship(back_populates="sessions")
    authority: Mapped[Authority | None] = relationship()
    review_group: Mapped[ReviewGroup | None] = relationship()
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    finished_by: Mapped[User | None] = relationship(foreign_keys=[finished_by_id])
    notes: Mapped[list["SessionNote"]] = relationship(
        back_populates="session", order_by="SessionNote.id", cascade="all, delete-orphan"
    )
    agreed_actions: Mapped[list["AgreedAction"]] = relationship(
        back_populates="session", order_by="AgreedAction.id", cascade="all, delete-orphan"
    )
    outcome_notes: Mapped[list["OutcomeNote"]] = relationship(
        back_populates="session", order_by="OutcomeNote.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def authorities(self) -> list[Authority]:
        """Whose session it is: the authority, or the group's members (alphabetical)."""
        if self.review_group is not None:
            return list(self.review_group.members)
        return [self.authority] if self.authority is not None else []

    @property
    def name(self) -> str:
        if self.review_group is not None:
            return f"{self.review_group.name}: {self.review_group.member_names}"
        return self.authority.name if self.authority is not None else ""

    @property
    def chair_name(self) -> str:
        return self.chair.name if self.chair is not None else "The regional lead"

    @property
    def is_scheduled(self) -> bool:
        return self.state == SessionState.SCHEDULED

    @property
    def is_under_way(self) -> bool:
        return self.state == SessionState.UNDER_WAY

    @property
    def is_finished(self) -> bool:
        return self.state == SessionState.FINISHED

    @property
    def state_tag(self) -> Tag:
        return Tag(self.state.label, SESSION_COLOURS[self.state])

    @property
    def times(self) -> str:
        return f"{self.starts_at:%H:%M} to {self.ends_at:%H:%M}"

    @property
    def audit_scope(self) -> dict[str, int]:
        scope = {**self.event.audit_scope, "session_id": self.id}
        if self.authority_id is not None:
            scope["authority_id"] = self.authority_id
        return scope


class SessionNote(Model):
    """What was said in a session about one key line of enquiry: Markdown, stored rendered once."""

    __tablename__ = "session_notes"
    __table_args__ = (sa.UniqueConstraint("session_id", "point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("letter_points.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    text_html: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    session: Mapped[EventSession] = relationship(back_populates="notes")
    point: Mapped[LetterPoint] = relationship()
    updated_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def rendered(self) -> Markup:
        return Markup(self.text_html)  # noqa: S704 (sanitised by render_markdown before it was stored)


class AgreedAction(Model):
    """An action agreed in a session for one authority; it becomes the authority's action (`action`) when
    the session finishes."""

    __tablename__ = "agreed_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    # The key line of enquiry it answers, or none.
    point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("letter_points.id", ondelete="SET NULL"), index=True
    )
    what: Mapped[str] = mapped_column(sa.String(MAX_WHAT))
    owner: Mapped[str] = mapped_column(sa.String(MAX_OWNER))
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("actions.id", ondelete="SET NULL"), index=True
    )

    session: Mapped[EventSession] = relationship(back_populates="agreed_actions")
    authority: Mapped[Authority] = relationship()
    point: Mapped[LetterPoint | None] = relationship()
    created_by: Mapped[User] = relationship()
    action: Mapped[Action | None] = relationship()


class OutcomeNote(Model):
    """The note of a session for one authority: who met, when, the discussion per key line of enquiry, the
    agreed actions and next steps. Composed when the session finishes, edited, approved and released by the
    lead like a letter; `version` guards the editor against a second tab."""

    __tablename__ = "outcome_notes"
    __table_args__ = (sa.UniqueConstraint("session_id", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    state: Mapped[OutcomeState] = mapped_column(string_enum(OutcomeState), default=OutcomeState.DRAFT)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    composed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    session: Mapped[EventSession] = relationship(back_populates="outcome_notes")
    authority: Mapped[Authority] = relationship()
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def cycle(self) -> Cycle:
        return self.session.event.cycle

    @property
    def rendered(self) -> Markup:
        return Markup(self.body_html)  # noqa: S704 (sanitised by render_markdown before it was stored)

    @property
    def is_draft(self) -> bool:
        return self.state == OutcomeState.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.state == OutcomeState.APPROVED

    @property
    def is_released(self) -> bool:
        return self.state == OutcomeState.RELEASED

    @property
    def state_tag(self) -> Tag:
        return Tag(self.state.label, OUTCOME_COLOURS[self.state])

    @property
    def audit_scope(self) -> dict[str, int]:
        return scope_in_cycle(
            self.cycle, self.authority_id, event_id=self.session.event_id, outcome_note_id=self.id
        )


class OutcomeFile(KeptFile, Model):
    """An outcome note as PDF or Word, rendered once (at approval and release) and kept; `source_sha256`
    is the hash of what it was made from, so a file made from an older text or date is rendered again."""

    __tablename__ = "outcome_files"
    __table_args__ = (sa.UniqueConstraint("note_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_notes.id", ondelete="CASCADE"))
    kind: Mapped[FileKind] = mapped_column(string_enum(FileKind))

    note: Mapped[OutcomeNote] = relationship()
