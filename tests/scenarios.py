"""Builders shared by the tests: cycles, self-assessments, the six-authority region, reviews, letters."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.accounts.models import Role
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE
from peerchallenge.cycles.models import AssignmentModel, Cycle, CycleState
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter
from peerchallenge.reviews import services as review_services
from peerchallenge.reviews.models import Review
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import SubmissionVersion
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.documents import builders

# The default template's family help section, the one most tests write in.
FAMILY_HELP = DEFAULT_TEMPLATE[2].title


def review_content(cycle, *, level: int = 0, strength: str = "", question: str = "") -> dict:
    """A complete review: every rating (each section's own scales, every scale overall) at the `level`-th
    level (or a shorter scale's last), with one strength and one question."""

    def part(scales=cycle.scales):
        return {
            "ratings": {
                scale.key: scale.levels[min(level, len(scale.levels) - 1)].position for scale in scales
            },
            "strengths": strength,
            "development": "",
            "questions": [question] if question else [],
        }

    return {
        "sections": {str(section.id): part(section.scales) for section in cycle.sections},
        "overall": {**part(), "summary": "A candid and well evidenced self-assessment."},
    }


def submit(assignment: Assignment, author, content: dict) -> None:
    review = review_services.find_review(assignment)
    review_services.submit(author, assignment, content, review.version if review else 0)
    db.session.commit()


def submit_both(reviewing, *, first=None, second=None):
    """Both reviews of Anyshire submitted; the cycle moved on to consolidating, where letters are approved."""
    cycle = reviewing.cycle
    submit(reviewing.assignment, reviewing.reviewer_director, first or review_content(cycle))
    submit(reviewing.co_assignment, reviewing.co_director, second or review_content(cycle, level=1))
    move_to(cycle, reviewing.lead, CycleState.CONSOLIDATING)
    return letter_of(reviewing)


def move_to(cycle: Cycle, lead, state: CycleState) -> None:
    """Move the cycle on through the lead's moves until it is in `state` (holds only warn)."""
    order = list(CycleState)
    while order.index(cycle.state) < order.index(state):
        lifecycle.move_on(lead, cycle, cycle.state)
    db.session.commit()


def letter_of(reviewing) -> Letter | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Letter).where(
            Letter.cycle_id == reviewing.cycle.id, Letter.authority_id == reviewing.assignment.reviewed_id
        )
    )


def approve_and_release(client, letter: Letter) -> None:
    assert client.post(f"/letters/{letter.id}/approve").status_code == 302
    assert client.post(f"/letters/{letter.id}/release").status_code == 302


NEWCOMER_EMAIL = "nia.newcomer@test.example"


NAMES = ["Anyshire", "Borough", "Cityton", "Dale", "Eastmouth", "Fenland"]


@dataclass
class Region6:
    region: object
    authorities: list
    directors: list
    contributors: list
    lead: object
    cycle: object


def seven_in_groups(six: Region6) -> Region6:
    """Region A with a seventh authority (its director Greta Vale), its open cycle in groups of three: seven
    authorities make a quartet and a triad."""
    seventh = factories.make_authority(six.region, "Gamma Vale")
    seven = Region6(
        six.region,
        [*six.authorities, seventh],
        [*six.directors, factories.make_user((Role.DIRECTOR, seventh), name="Greta Vale")],
        [*six.contributors, factories.make_user((Role.CONTRIBUTOR, seventh))],
        six.lead,
        six.cycle,
    )
    seven.cycle.assignment_model, seven.cycle.group_size = AssignmentModel.GROUPS, 3
    db.session.commit()
    return seven


def current_pairs(cycle, state=AssignmentState.PROPOSED) -> set[tuple[int, int]]:
    db.session.expire_all()
    return set(
        db.session.execute(
            sa.select(Assignment.reviewer_id, Assignment.reviewed_id).where(
                Assignment.cycle_id == cycle.id, Assignment.state == state
            )
        )
    )


DATES = {
    "opens_on": date(2026, 9, 1),
    "submissions_due_on": date(2026, 10, 1),
    "reviews_due_on": date(2026, 11, 1),
    "letters_due_on": date(2026, 12, 1),
    "challenge_event_on": date(2027, 1, 15),
}


def details(**changes):
    values = {"title": "Peer challenge 2026", "year": 2026, "peers_per_authority": 2, "anonymous": False}
    return values | DATES | changes


def date_form(prefix: str, day: date) -> list[tuple[str, str]]:
    return [(prefix, str(day.day)), (prefix, str(day.month)), (prefix, str(day.year))]


def cycle_form(**changes) -> MultiDict:
    values = details(**changes)
    form = [
        ("title", values["title"]),
        ("year", str(values["year"])),
        ("peers_per_authority", str(values["peers_per_authority"])),
    ]
    for name in DATES:
        form += date_form(name, values[name])
    return MultiDict(form)


@dataclass
class Reviewing:
    """A published assignment in region A, seen from Anyshire's self-assessment and its two reviewers."""

    six: object
    cycle: object
    lead: object
    assignment: Assignment  # the review under test
    co_assignment: Assignment  # the other review of the same self-assessment
    reviewer_director: object
    reviewer_contributor: object
    co_director: object
    reviewed_director: object
    reviewed_contributor: object

    @property
    def url(self) -> str:
        return f"/reviews/{self.assignment.id}"

    @property
    def co_url(self) -> str:
        return f"/reviews/{self.co_assignment.id}"

    @property
    def reviewer_name(self) -> str:
        return self.assignment.reviewer.name


def ring(authorities) -> list[tuple]:
    """Fixed (reviewer, reviewed) pairs: authority i is reviewed by i+1 and i+2 (no pair is reciprocal)."""
    count = len(authorities)
    return [
        (authorities[(i + step) % count], authority)
        for i, authority in enumerate(authorities)
        for step in (1, 2)
    ]


def publish(region6) -> None:
    """Publish a fixed ring of pairs without running the solver (the solver is tested in test_assignments).

    The pairs still go through the services, so their rules are checked as for an adjusted proposal.
    """
    assignment_services.save_adjusted_proposal(region6.lead, region6.cycle, ring(region6.authorities))
    assignment_services.publish(region6.lead, region6.cycle)
    db.session.commit()


def sign_off(region6, authorities) -> None:
    """Upload and sign off the authorities' self-assessments (routes tested in test_submissions)."""
    for authority in authorities:
        index = region6.authorities.index(authority)
        submission_services.upload_version(
            region6.contributors[index], region6.cycle, authority, "sa.md", self_assessment_md()
        )
        submission_services.sign_off(region6.directors[index], find_submission(region6.cycle, authority))
    db.session.commit()


def reviewing_of(region6) -> Reviewing:
    reviewed = region6.authorities[0]
    assignment, co_assignment = sorted(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.reviewed_id == reviewed.id, Assignment.state == AssignmentState.PUBLISHED
            )
        ),
        key=lambda item: item.reviewer.name,
    )
    index = {authority.id: number for number, authority in enumerate(region6.authorities)}
    return Reviewing(
        six=region6,
        cycle=region6.cycle,
        lead=region6.lead,
        assignment=assignment,
        co_assignment=co_assignment,
        reviewer_director=region6.directors[index[assignment.reviewer_id]],
        reviewer_contributor=region6.contributors[index[assignment.reviewer_id]],
        co_director=region6.directors[index[co_assignment.reviewer_id]],
        reviewed_director=region6.directors[0],
        reviewed_contributor=region6.contributors[0],
    )


def stored_review(assignment) -> Review | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Review).where(Review.assignment_id == assignment.id))


def open_cycle(
    world, *, due: date | None = None, draft: bool = False, region=None, lead=None, title="Peer challenge"
) -> Cycle:
    """A cycle of region A (or of `region`, run by `lead`) whose self-assessments are due on `due`."""
    due = due or date.today() + timedelta(days=10)
    lead = lead or world.lead
    region = region or world.region
    taken = set(db.session.scalars(sa.select(Cycle.title).where(Cycle.region_id == region.id)))
    names = [title] + [f"{title} {number}" for number in range(2, 100)]
    title = next(name for name in names if name not in taken)  # titles are unique within a region
    cycle = cycle_services.create_cycle(
        lead,
        region,
        title=title,
        year=due.year,
        peers_per_authority=2,
        opens_on=due - timedelta(days=30),
        submissions_due_on=due,
        reviews_due_on=due + timedelta(days=20),
        letters_due_on=due + timedelta(days=40),
        challenge_event_on=None,
        anonymous=False,
    )
    if not draft:
        cycle_services.open_cycle(lead, cycle)
    db.session.commit()
    return cycle


def self_assessment_md(omit: tuple[str, ...] = (), extra: str = "") -> bytes:
    parts = ["Some words before any heading about our county.\n"]
    for number, spec in enumerate(builders.DEFAULT_SECTIONS):
        if spec.title in omit:
            continue
        parts.append(f"## {number}. {spec.title}\n\n{builders.words(40, number)}\n")
    parts.append(extra)
    return "\n".join(parts).encode()


def page_url(cycle, authority) -> str:
    return f"/cycles/{cycle.id}/authorities/{authority.id}/self-assessment"


def upload(client, cycle, authority, data: bytes, filename: str):
    return client.post(
        page_url(cycle, authority) + "/upload",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def edit(client, cycle, authority, position: int, text: str, base: int):
    return client.post(
        page_url(cycle, authority) + f"/sections/{position}/edit",
        data={"markdown": text, "base_version": str(base)},
    )


def early_help_position(version: SubmissionVersion) -> int:
    return next(
        t.position for t in version.sections if t.template_section and t.template_section.title == FAMILY_HELP
    )
