"""Adding and updating an authority's actions in answer to its letter, while they may change."""

from dataclasses import dataclass
from datetime import date

from peerchallenge.accounts.models import User
from peerchallenge.actions.models import (
    MAX_OWNER,
    MAX_REASON,
    MAX_WHAT,
    Action,
    ActionStatus,
    ActionStatusChange,
)
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.queries import next_cycle
from peerchallenge.dates import uk_date
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.models import Letter
from peerchallenge.sanitise import one_line_within, plain_text


@dataclass(frozen=True)
class ActionFields:
    """What a person types for an action; `point_id` 0 or None is no point of the letter."""

    what: str
    owner: str
    due_on: date | None
    point_id: int | None
    status: str
    dropped_reason: str = ""


class ActionChanged(EditConflict):
    """Someone saved the action after this page was opened; nothing was saved."""

    def __init__(self, action: Action):
        super().__init__(
            f"This action was changed by {action.updated_by.name} after you opened it. "
            "What you typed is in the form below: compare it with the action as it is now, then save again."
        )


def editing_closed_reason(letter: Letter) -> str | None:
    """Why the letter's actions can't be added or changed now, or None while they can.

    They can from the letter's release until the region's next cycle's self-assessments are due (the next
    cycle: the first to open after the letter's), whether or not the letter's cycle is closed.
    """
    if not letter.is_released:
        return "Actions can be added once the letter has been released."
    following = next_cycle(letter.cycle)
    if following is not None and utcnow() > following.submissions_due_at:
        return (
            "These actions are read-only: they could be updated until "
            f"{uk_date(following.submissions_due_on)}, when the self-assessments of "
            f"{following.title} were due."
        )
    return None


def check_editable(letter: Letter) -> None:
    if reason := editing_closed_reason(letter):
        raise ServiceError(reason)


def clean_commitment(what: str, owner: str, due_on: date | None) -> tuple[str, str, date]:
    """What will be done, its owner and due date as stored, or a refusal on the field that is wrong (an
    action, and an action agreed at the challenge event before it becomes one)."""
    what = plain_text(what).strip()
    if not what:
        raise ServiceError("Enter what will be done", field="what")
    if len(what) > MAX_WHAT:
        raise ServiceError(f"What will be done must be {MAX_WHAT:,} characters or fewer", field="what")
    owner = one_line_within(owner, MAX_OWNER, "The owner", "owner")
    if not owner:
        raise ServiceError("Enter who owns the action: a name or a role", field="owner")
    if due_on is None:
        raise ServiceError("Enter the date the action is due", field="due_on")
    if not 2000 <= due_on.year <= 2100:
        raise ServiceError("The due date must be between the years 2000 and 2100", field="due_on")
    return what, owner, due_on


def _clean(letter: Letter, fields: ActionFields) -> dict:
    """The fields as stored, or a refusal on the field that is wrong."""
    what, owner, due_on = clean_commitment(fields.what, fields.owner, fields.due_on)
    status = next((status for status in ActionStatus if status.value == fields.status), None)
    if status is None:
        raise ServiceError("Choose the action's status", field="status")
    point = None
    if fields.point_id:
        point = next((point for point in letter.points if point.id == fields.point_id), None)
        if point is None:
            raise ServiceError("Choose one of the letter's points, or none", field="point_id")
    reason = plain_text(fields.dropped_reason).strip() if status == ActionStatus.DROPPED else ""
    if status == ActionStatus.DROPPED and not reason:
        raise ServiceError("Enter why the action was dropped", field="dropped_reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(f"The reason must be {MAX_REASON:,} characters or fewer", field="dropped_reason")
    return {
        "what": what,
        "owner": owner,
        "due_on": due_on,
        "point": point,
        "status": status,
        "dropped_reason": reason,
    }


def _record_status(action: Action, actor: User) -> None:
    action.changes.append(ActionStatusChange(status=action.status, changed_by=actor, changed_at=utcnow()))


def add_action(actor: User, letter: Letter, fields: ActionFields) -> Action:
    """A new action in answer to the released letter."""
    lock_for_update(letter)
    check_editable(letter)
    values = _clean(letter, fields)
    now = utcnow()
    action = Action(
        letter=letter, created_by=actor, updated_by=actor, created_at=now, updated_at=now, **values
    )
    _record_status(action, actor)
    db.session.add(action)
    db.session.flush()
    record_about(
        "action_added",
        f"{actor.name} added an action in answer to {letter.authority.name}'s letter",
        actor,
        action,
        status=action.status.value,
    )
    return action


def update_action(actor: User, action: Action, fields: ActionFields, base_version: int) -> bool:
    """Change the action, unless someone saved it since `base_version`; False when nothing had changed."""
    lock_for_update(action)
    check_editable(action.letter)
    if action.version != base_version:
        raise ActionChanged(action)
    values = _clean(action.letter, fields)
    changed = [key for key, value in values.items() if getattr(action, key) != value]
    if not changed:
        return False
    before = action.status
    for key in changed:
        setattr(action, key, values[key])
    action.updated_by = actor
    action.updated_at = utcnow()
    if action.status != before:
        _record_status(action, actor)
    record_about(
        "action_updated",
        f"{actor.name} updated an action of {action.authority.name}"
        + (f": {before.label} to {action.status.label}" if action.status != before else ""),
        actor,
        action,
        fields=["point_id" if key == "point" else key for key in changed],
        status=action.status.value,
    )
    return True
