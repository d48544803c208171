"""Building cycles and their history for the monitoring tests (dashboard, exports, tasks, reminders)."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle
from peerchallenge.dates import UK_TIME, uk_today
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters.models import Letter, LetterRead, LetterState, LetterVersion, VersionSource
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import Submission, SubmissionState, SubmissionVersion
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.scenarios import (
    self_assessment_md,
)


def at(day: date, hour: int = 10) -> datetime:
    """A time of day in the UK on a date, as UTC."""
    return datetime.combine(day, time(hour, 30), tzinfo=UK_TIME).astimezone(UTC)


def make_cycle(
    lead,
    region,
    today: date,
    *,
    submissions=-20,
    reviews=-2,
    letters=5,
    anonymous=False,
    title="Peer challenge",
) -> Cycle:
    """An open cycle with the default template, its deadlines this many days from today."""
    cycle = cycle_services.create_cycle(
        lead,
        region,
        title=title,
        year=today.year,
        peers_per_authority=2,
        opens_on=today - timedelta(days=60),
        submissions_due_on=today + timedelta(days=submissions),
        reviews_due_on=today + timedelta(days=reviews),
        letters_due_on=today + timedelta(days=letters),
        challenge_event_on=None,
        anonymous=anonymous,
    )
    cycle_services.open_cycle(lead, cycle)
    db.session.flush()
    return cycle


def add_submission(cycle, authority, user, *, uploaded: datetime, signed_off: datetime | None = None):
    submission = Submission(
        cycle=cycle,
        authority=authority,
        state=SubmissionState.SIGNED_OFF if signed_off else SubmissionState.DRAFT,
        signed_off_at=signed_off,
        signed_off_by_id=user.id if signed_off else None,
    )
    submission.versions.append(
        SubmissionVersion(number=1, source="upload", created_by_id=user.id, created_at=uploaded)
    )
    db.session.add(submission)
    return submission


def add_assignment(cycle, reviewer, reviewed) -> Assignment:
    assignment = Assignment(
        cycle=cycle,
        reviewer=reviewer,
        reviewed=reviewed,
        state=AssignmentState.PUBLISHED,
        published_at=at(cycle.submissions_due_on),
    )
    db.session.add(assignment)
    return assignment


def add_review(assignment, user, *, submitted: datetime | None, content: dict | None = None) -> Review:
    review = Review(
        assignment=assignment,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        content=content or {},
        updated_by_id=user.id,
        submitted_at=submitted,
        submitted_by_id=user.id if submitted else None,
    )
    db.session.add(review)
    return review


def add_letter(cycle, authority, user, *, composed, approved=None, released=None, read=None, responded=None):
    state = LetterState.RELEASED if released else LetterState.APPROVED if approved else LetterState.COMPOSED
    letter = Letter(
        cycle=cycle,
        authority=authority,
        state=state,
        composed_at=composed,
        approved_at=approved,
        approved_by_id=user.id if approved else None,
        released_at=released,
        released_by_id=user.id if released else None,
        responded_at=responded,
        responded_by_id=user.id if responded else None,
        response="Thank you." if responded else "",
    )
    letter.versions.append(LetterVersion(number=1, body="Dear director", source=VersionSource.COMPOSED))
    if read:
        letter.reads.append(LetterRead(user_id=user.id, read_at=read))
    db.session.add(letter)
    return letter


@dataclass
class Scenario:
    cycle: Cycle
    today: date
    authorities: dict[str, object]
    assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict)
    letters: dict[str, Letter] = field(default_factory=dict)


def every_state(world) -> Scenario:
    """Region A: self-assessments due 20 days ago, reviews 2 days ago, letters today.

    Alpha has done everything on time. Beta uploaded and signed off late, gave its reviews (one late), has one
    of its two reviews, and no letter. Cedar's draft is not signed off; it has both reviews (one late) and a
    composed letter. Delta has not started, owes a review, and has a released letter nobody has read. Echo
    takes no part in the reviews; it has read its letter and not responded. Gone closed before the cycle.
    """
    today = uk_today()
    cycle = make_cycle(world.lead, world.region, today, submissions=-20, reviews=-2, letters=0)
    submissions_due, reviews_due = cycle.submissions_due_on, cycle.reviews_due_on
    world.authority.name, world.sibling.name = "Alpha", "Beta"
    names = {"Alpha": world.authority, "Beta": world.sibling}
    for name in ("Cedar", "Delta", "Echo"):
        names[name] = factories.make_authority(world.region, name)
    gone = factories.make_authority(world.region, "Gone")
    gone.active_to = cycle.opens_on - timedelta(days=1)
    user = world.lead
    a, b, c, d, e = (names[name] for name in ("Alpha", "Beta", "Cedar", "Delta", "Echo"))
    add_submission(
        cycle, a, user, uploaded=at(submissions_due - timedelta(days=9)), signed_off=at(submissions_due)
    )
    # Uploaded the day after the deadline, but signed off at 23:30 UK time on the due day: still on time.
    add_submission(
        cycle, b, user, uploaded=at(submissions_due + timedelta(days=1)), signed_off=at(submissions_due, 23)
    )
    add_submission(cycle, c, user, uploaded=at(submissions_due - timedelta(days=2)))
    add_submission(
        cycle, e, user, uploaded=at(submissions_due - timedelta(days=2)), signed_off=at(submissions_due)
    )
    pairs = {
        ("Alpha", "Beta"): at(reviews_due - timedelta(days=3)),
        ("Alpha", "Cedar"): at(reviews_due - timedelta(days=3)),
        ("Beta", "Cedar"): at(reviews_due + timedelta(days=1)),  # late
        ("Beta", "Delta"): at(reviews_due),
        ("Cedar", "Delta"): at(reviews_due - timedelta(days=1)),
        ("Cedar", "Alpha"): at(reviews_due - timedelta(days=1)),
        ("Delta", "Alpha"): at(reviews_due - timedelta(days=1)),
        ("Delta", "Beta"): None,  # a draft
    }
    scenario = Scenario(cycle, today, names)
    for (reviewer, reviewed), submitted in pairs.items():
        assignment = add_assignment(cycle, names[reviewer], names[reviewed])
        add_review(assignment, user, submitted=submitted)
        scenario.assignments[reviewer, reviewed] = assignment
    # A replaced pairing counts for nothing.
    replaced = add_assignment(cycle, e, a)
    replaced.state = AssignmentState.REPLACED
    now = at(today, 9)
    scenario.letters = {
        "Alpha": add_letter(
            cycle, a, user, composed=now, approved=now, released=now, read=now, responded=now
        ),
        "Cedar": add_letter(cycle, c, user, composed=now),
        "Delta": add_letter(cycle, d, user, composed=now, approved=now, released=now),
        "Echo": add_letter(cycle, e, user, composed=now, approved=now, released=now, read=now),
    }
    cycle.assignments_published_at = at(submissions_due)
    db.session.commit()
    return scenario


EXPECTED = {
    # authority: uploaded, signed off, reviews given, received, composed, approved, released, read, responded
    "Alpha": ("Done", "Done", "Done, 2 of 2", "Done, 2 of 2", "Done", "Done", "Done", "Done", "Done"),
    "Beta": (
        "Done late",
        "Done",
        "Done late, 2 of 2",
        "Overdue, 1 of 2",
        "Due soon",
        "Due soon",
        "Due soon",
        "Not yet due",
        "Not yet due",
    ),
    "Cedar": (
        "Done",
        "Overdue",
        "Done, 2 of 2",
        "Done late, 2 of 2",
        "Done",
        "Due soon",
        "Due soon",
        "Not yet due",
        "Not yet due",
    ),
    "Delta": (
        "Overdue",
        "Overdue",
        "Overdue, 1 of 2",
        "Done, 2 of 2",
        "Done",
        "Done",
        "Done",
        "Waiting to be read",
        "Waiting for a response",
    ),
    "Echo": (
        "Done",
        "Done",
        "None assigned",
        "None assigned",
        "Done",
        "Done",
        "Done",
        "Done",
        "Waiting for a response",
    ),
}


class DashboardReader(HTMLParser):
    """The dashboard table as a person reads it: per authority, per stage, the visible words and the link."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, tuple[str, str | None, str]]] = {}
        self._row = None
        self._stage = None
        self._hidden = 0
        self._in_row_header = False
        self._parts: list[str] = []
        self._href = None
        self._status = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-authority" in attrs:
            self._row = attrs["data-authority"]
            self.rows[self._row] = {}
        elif tag == "td" and self._row and "data-stage" in attrs:
            self._stage, self._parts, self._href = attrs["data-stage"], [], None
            self._status = attrs.get("data-status", "")
        elif tag == "a" and self._stage:
            self._href = attrs.get("href")
        elif tag == "span" and self._stage:
            classes = attrs.get("class", "")
            if "govuk-visually-hidden" in classes:
                self._hidden += 1
            elif "app-dashboard__words" in classes or "app-dashboard__count" in classes:
                self._parts.append("")

    def handle_endtag(self, tag):
        if tag == "span" and self._hidden:
            self._hidden -= 1
        elif tag == "td" and self._stage:
            self.rows[self._row][self._stage] = (", ".join(self._parts), self._href, self._status)
            self._stage = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._stage and not self._hidden and self._parts:
            self._parts[-1] += data.strip()


def read_dashboard(html: str) -> dict:
    reader = DashboardReader()
    reader.feed(html)
    return reader.rows


def evidence_sections(cycle) -> list:
    """The sections rated on evidence strength (the overview's columns, before Overall)."""
    return [section for section in cycle.sections if "evidence" in section.scale_keys]


def ratings(cycle, evidence: list[int], other: int = 1, overall: int | None = None) -> dict:
    """Review content rating the evidence of the sections rated on it as given (in section order), their
    other scales `other`, and every scale overall `other` (or `overall` for evidence)."""

    def part(scales, level: int) -> dict:
        return {"ratings": {scale.key: (level if scale.key == "evidence" else other) for scale in scales}}

    return {
        "sections": {
            str(section.id): part(section.scales, level)
            for section, level in zip(evidence_sections(cycle), evidence, strict=False)
        },
        "overall": part(cycle.scales, overall if overall is not None else other),
    }


def rated_cycle(world, *, anonymous: bool):
    """Alpha reviewed by Beta and Cedar (both submitted); Beta by Alpha (submitted) and Cedar (draft)."""
    cycle = make_cycle(world.lead, world.region, uk_today(), anonymous=anonymous)
    world.authority.name, world.sibling.name = "Alpha", "Beta"
    cedar = factories.make_authority(world.region, "Cedar")
    alpha, beta = world.authority, world.sibling
    submitted = at(cycle.reviews_due_on)
    levels = len(evidence_sections(cycle))
    add_review(
        add_assignment(cycle, beta, alpha),
        world.lead,
        submitted=submitted,
        content=ratings(cycle, [0] * levels),
    )
    add_review(
        add_assignment(cycle, cedar, alpha),
        world.lead,
        submitted=submitted,
        content=ratings(cycle, [2] * levels),
    )
    add_review(
        add_assignment(cycle, alpha, beta), world.lead, submitted=submitted, content=ratings(cycle, [1, 3])
    )
    add_review(
        add_assignment(cycle, cedar, beta), world.lead, submitted=None, content=ratings(cycle, [0] * levels)
    )
    old = add_assignment(cycle, cedar, world.authority)
    add_review(old, world.lead, submitted=submitted, content=ratings(cycle, [3] * levels))
    old.state = old.state.REPLACED
    db.session.commit()
    return cycle


def upload(user, cycle, authority) -> None:
    submission_services.upload_version(user, cycle, authority, "sa.md", self_assessment_md())
    db.session.commit()


def sign_off(director, contributor, cycle, authority) -> None:
    upload(contributor, cycle, authority)
    submission_services.sign_off(director, find_submission(cycle, authority))
    db.session.commit()


def publish_pair(cycle, reviewer, reviewed) -> Assignment:
    """A published assignment, made directly: the solver and its workflow are tested in test_assignments."""
    assignment = Assignment(
        cycle=cycle,
        reviewer=reviewer,
        reviewed=reviewed,
        state=AssignmentState.PUBLISHED,
        published_at=utcnow(),
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def submit_review(assignment, user) -> None:
    db.session.add(
        Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            content={},
            updated_by=user,
            submitted_at=utcnow(),
            submitted_by=user,
        )
    )
    db.session.commit()


def release_letter(cycle, authority) -> Letter:
    letter = Letter(cycle=cycle, authority=authority, state=LetterState.RELEASED, released_at=utcnow())
    db.session.add(letter)
    db.session.commit()
    return letter


def delegate(world, user) -> None:
    assignment_services.nominate_delegate(world.director, world.authority, user)
    db.session.commit()


@contextmanager
def counting_queries():
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def region_of(size: int, lead_region=None, lead=None):
    """A region of `size` authorities at every stage, each reviewing the next two; and its lead."""
    region = lead_region or factories.make_region()
    lead = lead or factories.make_user((Role.LEAD, region))
    today = uk_today()
    cycle = make_cycle(lead, region, today)
    authorities = [factories.make_authority(region, f"Authority {number:03d}") for number in range(size)]
    due = cycle.submissions_due_on
    for number, authority in enumerate(authorities):
        signed = at(due + timedelta(days=number % 2)) if number % 3 else None
        add_submission(cycle, authority, lead, uploaded=at(due - timedelta(days=1)), signed_off=signed)
        for step in (1, 2):
            assignment = add_assignment(cycle, authority, authorities[(number + step) % size])
            if number % 4:
                add_review(assignment, lead, submitted=at(cycle.reviews_due_on) if number % 5 else None)
        if number % 2:
            now = at(today, 9)
            add_letter(cycle, authority, lead, composed=now, released=now if number % 3 else None, read=now)
    db.session.commit()
    return cycle, lead


def count_statements(app, client, url: str) -> int:
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)
