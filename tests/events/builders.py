"""A cycle with its event, for the event's tests (letters and assignments built directly: they are tested
in tests/letters and tests/test_assignments).

Region A of the world: Alpha (director Dana, contributor Cal) is the host; Beta (director Sid) reviews it;
Cedar's director Cara chairs when the lead names her; Delta's director Del takes no part in Alpha's session.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from peerchallenge.accounts.models import Role, RoleGrant
from peerchallenge.assignments.models import Assignment, AssignmentState, ReviewGroup
from peerchallenge.cycles.models import AssignmentModel, Cycle
from peerchallenge.dates import uk_today
from peerchallenge.events import services
from peerchallenge.events.models import ChallengeEvent, EventSession
from peerchallenge.events.services import AgreedFields, EventDetails
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter, LetterPoint
from tests import factories
from tests.monitoring.builders import add_letter
from tests.scenarios import open_cycle

ENQUIRIES = [
    "How do you know that step-down from child protection to Family Help is safe for children?",
    "What is the impact of the edge-of-care panel on the number of teenagers entering care?",
]
EVENT_DAY = date(2027, 1, 15)


@dataclass
class EventScenario:
    cycle: Cycle
    event: ChallengeEvent
    session: EventSession
    letter: Letter | None
    lead: object
    host_director: object
    host_contributor: object
    reviewer_director: object
    chair: object
    bystander: object
    observer: object | None = None


def letter_with_enquiries(cycle, authority, lead, *, released: bool = True) -> Letter:
    """A letter to the authority with two key lines of enquiry and a strength; released unless told."""
    now = utcnow()
    letter = add_letter(
        cycle, authority, lead, composed=now, approved=now, released=now if released else None
    )
    letter.points = [
        LetterPoint(kind=PointKind.STRENGTH, position=0, text="Children's voices are heard in every plan"),
        *(LetterPoint(kind=PointKind.ENQUIRY, position=i, text=text) for i, text in enumerate(ENQUIRIES)),
    ]
    db.session.commit()
    return letter


def enquiries(letter: Letter) -> list[LetterPoint]:
    return [point for point in letter.points if point.kind == PointKind.ENQUIRY]


def details(**changes) -> EventDetails:
    values = {"held_on": EVENT_DAY, "place": "Kings Hall, Bury St Edmunds", "online_link": ""}
    return EventDetails(**{**values, **changes})


def event_scenario(
    world, *, groups: bool = False, letter: str | None = "released", suffix: str = "", extra: int = 0
) -> EventScenario:
    """Alpha's session: in pairs (Beta reviews Alpha) or in a group of Alpha and Beta with an observer;
    with `extra` authorities more, each reviewed by Beta (a session each). `suffix` names a second
    scenario's new authorities apart from the first's."""
    cycle = open_cycle(world, due=uk_today() + timedelta(days=10))
    cedar = factories.make_authority(world.region, "Cedar" + suffix)
    delta = factories.make_authority(world.region, "Delta" + suffix)
    chair = factories.make_user((Role.DIRECTOR, cedar), name="Cara Chair")
    bystander = factories.make_user((Role.DIRECTOR, delta), name="Del Delta")
    extras = [factories.make_authority(world.region, f"Extra {number}{suffix}") for number in range(extra)]
    pairs = [(world.sibling, world.authority)] + ([(world.authority, world.sibling)] if groups else [])
    pairs += [(world.sibling, authority) for authority in extras]
    for reviewer, reviewed in pairs:
        db.session.add(
            Assignment(
                cycle=cycle,
                reviewer=reviewer,
                reviewed=reviewed,
                state=AssignmentState.PUBLISHED,
                published_at=utcnow(),
            )
        )
    observer = None
    if groups:
        cycle.assignment_model = AssignmentModel.GROUPS
        group = ReviewGroup(cycle=cycle, number=1, state=AssignmentState.PUBLISHED)
        group.members = [world.authority, world.sibling]
        db.session.add(group)
        db.session.flush()
        observer = factories.make_user(name="Olu Observer")
        observer.grants.append(RoleGrant(role=Role.OBSERVER, region=world.region, review_group_id=group.id))
    cycle.assignments_published_at = utcnow()
    db.session.commit()
    found = (
        letter_with_enquiries(cycle, world.authority, world.lead, released=letter == "released")
        if letter
        else None
    )
    event = services.create_event(world.lead, cycle, details())
    db.session.commit()
    return EventScenario(
        cycle=cycle,
        event=event,
        session=next(
            session for session in event.sessions if session.authority_id in (None, world.authority.id)
        ),
        letter=found,
        lead=world.lead,
        host_director=world.director,
        host_contributor=world.contributor,
        reviewer_director=world.sibling_director,
        chair=chair,
        bystander=bystander,
        observer=observer,
    )


def agreed(**changes) -> AgreedFields:
    values = {
        "answers": "",
        "what": "Share the edge-of-care panel's terms of reference with Beta",
        "owner": "Head of Service, Children in Care",
        "due_on": uk_today() + timedelta(days=60),
    }
    return AgreedFields(**{**values, **changes})


def under_way(scenario: EventScenario) -> EventSession:
    services.start_session(scenario.lead, scenario.session)
    db.session.commit()
    return scenario.session
