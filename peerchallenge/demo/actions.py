"""Last year's actions: each Eastern authority's answer to its released letter, through the year since.

Every area for consideration of a letter, and its first key line of enquiry, becomes an action, written from
the section the point came from, with the owner a council would name for it and due dates spread through the
year. Each authority has actions done, in progress and not started (some of those overdue); one authority
dropped one, with its reason. The same every time: the choices follow the authority's place in the region's
order, never chance.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from peerchallenge.accounts.models import User
from peerchallenge.actions import services
from peerchallenge.actions.models import Action, ActionStatus
from peerchallenge.actions.services import ActionFields
from peerchallenge.extensions import db
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter, LetterPoint

# For each section a point can come from: who owns an action about it, and two ways of answering it.
ANSWERS: dict[str, tuple[str, tuple[str, str]]] = {
    "Overall": (
        "Director of Children's Services",
        (
            "Give every priority in the self-assessment a date and a named owner, and check them at each "
            "improvement board",
            "Test the self-assessment's judgements with partners before it is signed off",
        ),
    ),
    "Headline summary and context": (
        "Head of Performance and Quality Assurance",
        (
            "Write the headline summary last, from the evidence of each section, and test it with partners",
            "Compare our figures with statistical neighbours every quarter and say what they mean for "
            "children",
        ),
    ),
    "Progress since last year": (
        "Head of Quality Assurance",
        (
            "Give each priority a measure and a date, and report against them in next year's self-assessment",
            "Add children's and families' own words to the evidence of progress, from the quarterly audits",
        ),
    ),
    "Family help, including early help": (
        "Head of Service, Family Help",
        (
            "Audit twenty family help cases a quarter and report what changed for children to the practice "
            "board",
            "Cut the family help section to three measures of impact, with families' own words",
        ),
    ),
    "Help and protection, including multi-agency child protection": (
        "Head of Service, Safeguarding and Child Protection",
        (
            "Track re-referrals after domestic abuse notifications monthly and report what changed for "
            "children to the safeguarding partnership",
            "Audit strategy discussions and section 47 enquiries with police and health every quarter",
        ),
    ),
    "Children in care, including permanence and sufficiency": (
        "Head of Service, Children in Care",
        (
            "Agree a sufficiency plan for teenagers with named owners and dates, reported to the corporate "
            "parenting board",
            "Review every child placed more than 20 miles away each quarter, with their independent "
            "reviewing officer",
        ),
    ),
    "Care leavers": (
        "Head of Service, Care Leavers",
        (
            "Ask care leavers twice a year what has changed for them, and publish what we did about it",
            "Raise the share of care leavers in suitable accommodation, reported monthly to the corporate "
            "parenting board",
        ),
    ),
    "The impact of leaders on practice with children and families": (
        "Assistant Director, Children's Social Care",
        (
            "Leaders join a frontline practice week each quarter and report what they learned to the "
            "improvement board",
            "Set out next year's three priorities with owners and dates, checked at each improvement board",
        ),
    ),
    "Workforce": (
        "Principal Social Worker",
        (
            "Reduce agency social workers with a recruitment and retention plan, reported monthly",
            "Keep caseloads at 18 children or fewer in every team, reported monthly to the workforce board",
        ),
    ),
    "Education and SEND": (
        "Head of SEND and Virtual School",
        (
            "Issue EHC plans within 20 weeks at least as often as England, reported monthly",
            "The virtual school audits personal education plans each term and reports attendance of "
            "children in care",
        ),
    ),
    "Plans, asks and offers": (
        "Assistant Director, Strategy and Commissioning",
        (
            "Agree with two peer authorities what we ask of them and offer them, reviewed at the regional "
            "meeting",
            "Bring one practice offer to the regional sufficiency group by the spring",
        ),
    ),
}
DEFAULT_ANSWER = ANSWERS["Overall"]

# The statuses the year has brought an authority's actions to, in turn from its first action.
STATUSES = (ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
# The authority that dropped an action, and why.
DROPPED_BY = "Luton"
DROPPED_REASON = (
    "Superseded: the Families First Partnership programme moved this work into the new Family Help teams, "
    "and we report on it there."
)


def answered_points(letter: Letter) -> list[LetterPoint]:
    """The letter's areas for consideration, then its first key line of enquiry."""
    areas = [point for point in letter.points if point.kind == PointKind.CONSIDERATION]
    enquiries = [point for point in letter.points if point.kind == PointKind.ENQUIRY]
    return areas + enquiries[:1]


BackDate = Callable[[date], datetime]


def seed_actions(
    letters: Sequence[Letter], people: dict[int, tuple[User, User]], today: date, at: BackDate
) -> int:
    """Actions for each released letter, added by the authority's contributor and updated by its director
    through the year, back-dated with `at` (a day as a time); `people` is (director, contributor) by
    authority id. How many were made."""
    made = 0
    for order, letter in enumerate(sorted(letters, key=lambda letter: letter.authority.name)):
        director, contributor = people[letter.authority_id]
        released = letter.cycle.letters_due_on  # last year's letters went out on their due date
        written: set[str] = set()
        points = answered_points(letter)
        for number, point in enumerate(points):
            owner, answers = ANSWERS.get(point.section, DEFAULT_ANSWER)
            fresh = [
                answer for answer in (answers[order % 2], answers[1 - order % 2]) if answer not in written
            ]
            if not fresh:
                continue  # both answers to this section are actions already
            written.add(fresh[0])
            status = STATUSES[(order + number) % len(STATUSES)]
            if letter.authority.name == DROPPED_BY and number == len(points) - 1:
                status = ActionStatus.DROPPED
            due_on = released + timedelta(days=60 + 60 * number)
            action = services.add_action(
                contributor,
                letter,
                ActionFields(fresh[0], owner, due_on, point.id, ActionStatus.NOT_STARTED.value),
            )
            action.created_at = action.updated_at = action.changes[0].changed_at = at(
                released + timedelta(days=10)
            )
            if status != ActionStatus.NOT_STARTED:
                _move(action, director, status, min(due_on, today - timedelta(days=7)), at)
            made += 1
    return made


def _move(action: Action, director: User, status: ActionStatus, on: date, at: BackDate) -> None:
    """The director records the action's status on a day of the year since (in progress first, if done)."""
    steps = [ActionStatus.IN_PROGRESS] if status == ActionStatus.DONE else []
    for step in [*steps, status]:
        reason = DROPPED_REASON if step == ActionStatus.DROPPED else ""
        fields = ActionFields(
            action.what, action.owner, action.due_on, action.point_id, step.value, dropped_reason=reason
        )
        db.session.flush()  # the back-dating is saved first, so the version is the one stored
        services.update_action(director, action, fields, action.version)
    day = on - timedelta(days=30 * (len(steps)))
    for change in action.changes[1:]:
        change.changed_at = at(day)
        day += timedelta(days=30)
    action.updated_at = action.changes[-1].changed_at
