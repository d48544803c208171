"""Released letters with points, and actions, for the actions tests (built directly: letters are tested in
tests/letters)."""

from datetime import date, timedelta

from peerchallenge.actions import services
from peerchallenge.actions.services import ActionFields
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter, LetterPoint
from tests.monitoring.builders import add_letter
from tests.scenarios import open_cycle

CONSIDERATION = "Supervision is not recorded consistently across the front door"
STRENGTH = "Children's voices are heard in every plan"


def letter_with_points(cycle, authority, lead, *, released: bool = True) -> Letter:
    """A letter to the authority (released unless told), with a strength and an area for consideration."""
    now = utcnow()
    letter = add_letter(
        cycle, authority, lead, composed=now, approved=now, released=now if released else None
    )
    letter.points = [
        LetterPoint(kind=PointKind.STRENGTH, position=0, text=STRENGTH),
        LetterPoint(kind=PointKind.CONSIDERATION, position=0, text=CONSIDERATION),
    ]
    db.session.commit()
    return letter


def released_letter(world, *, due: date | None = None) -> Letter:
    """Alpha's released letter in a cycle of region A (its self-assessments due `due`, by default in ten
    days)."""
    cycle = open_cycle(world, due=due or uk_today() + timedelta(days=10))
    return letter_with_points(cycle, world.authority, world.lead)


def point_of(letter: Letter, kind: PointKind) -> LetterPoint:
    return next(point for point in letter.points if point.kind == kind)


def fields(**changes) -> ActionFields:
    values = {
        "what": "Audit supervision records monthly and report to the practice board",
        "owner": "Head of Service, Front Door",
        "due_on": uk_today() + timedelta(days=60),
        "point_id": None,
        "status": "not_started",
        "dropped_reason": "",
    }
    return ActionFields(**{**values, **changes})


def add(user, letter: Letter, **changes):
    action = services.add_action(user, letter, fields(**changes))
    db.session.commit()
    return action


def close(cycle, lead) -> None:
    """Close the cycle directly (its moves are tested in test_cycle_life)."""
    cycle.state = CycleState.CLOSED
    db.session.commit()


def form(**changes) -> dict:
    """The action's form as posted; `due_on` a date, or the three boxes as typed."""
    due = changes.pop("due_on", uk_today() + timedelta(days=60))
    if isinstance(due, date):
        due = [str(due.day), str(due.month), str(due.year)]
    data = {
        "what": "Audit supervision records monthly",
        "owner": "Head of Service, Front Door",
        "due_on": due,
        "point_id": "0",
        "status": "not_started",
        "dropped_reason": "",
    }
    data.update(changes)
    return data
