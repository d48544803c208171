"""An action an authority agrees in answer to its letter, and the history of its status."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerchallenge.accounts.models import User
from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.letters.models import KeptFile, Letter, LetterPoint
from peerchallenge.regions.models import Authority
from peerchallenge.status import LabelledEnum, Tag

# The most characters of what an action is, of its owner, and of the reason it was dropped.
MAX_WHAT = 1000
MAX_OWNER = 150
MAX_REASON = 1000


class ActionStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


STATUS_COLOURS = {
    ActionStatus.NOT_STARTED: "grey",
    ActionStatus.IN_PROGRESS: "blue",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "orange",
}

# An action in one of these states is finished: it can no longer be overdue.
FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)


class Action(Model):
    """What an authority will do in answer to its released letter: by whom, by when, and how far it has got.

    `version` goes up with every save, so a save from a page opened before another save is refused.
    """

    __tablename__ = "actions"
    __table_args__ = (
        sa.CheckConstraint("status <> 'dropped' OR dropped_reason <> ''", name="dropped_has_reason"),
    )

    audit_key = "action_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id"), index=True)
    # The letter's point it answers (a strength, an area for consideration, a line of enquiry), or none.
    point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("letter_points.id", ondelete="SET NULL"), index=True
    )
    what: Mapped[str] = mapped_column(sa.String(MAX_WHAT))
    owner: Mapped[str] = mapped_column(sa.String(MAX_OWNER))
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(string_enum(ActionStatus), default=ActionStatus.NOT_STARTED)
    dropped_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    letter: Mapped[Letter] = relationship()
    point: Mapped[LetterPoint | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    changes: Mapped[list["ActionStatusChange"]] = relationship(
        back_populates="action", order_by="ActionStatusChange.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def authority(self) -> Authority:
        return self.letter.authority

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def is_overdue(self, today: date) -> bool:
        """Its due date has passed and it is neither done nor dropped."""
        return not self.is_finished and self.due_on < today

    @property
    def status_text(self) -> str:
        """The status in words, with the reason when it was dropped: "Dropped: replaced by ..."."""
        label = self.status.label
        return f"{label}: {self.dropped_reason}" if self.dropped_reason else label

    @property
    def status_tag(self) -> Tag:
        return Tag(self.status.label, STATUS_COLOURS[self.status])

    @property
    def audit_scope(self) -> dict[str, int]:
        letter = self.letter
        return {
            "region_id": letter.cycle.region_id,
            "authority_id": letter.authority_id,
            "cycle_id": letter.cycle_id,
            "letter_id": letter.id,
            "action_id": self.id,
        }


class ActionStatusChange(Model):
    """An action's status from a moment on: the first row is its creation, each next one a change (so each
    change's "from" is the row before)."""

    __tablename__ = "action_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[ActionStatus] = mapped_column(string_enum(ActionStatus))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    action: Mapped[Action] = relationship(back_populates="changes")
    changed_by: Mapped[User] = relationship()


class PackFile(KeptFile, Model):
    """A letter's scrutiny pack as last made, kept so that downloading it again makes nothing.

    The pack changes through the year with the actions and the response: `source_sha256` is the hash of
    everything it was made from, so a pack made from anything else is made again, in place.
    """

    __tablename__ = "pack_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), unique=True)

    letter: Mapped[Letter] = relationship()
