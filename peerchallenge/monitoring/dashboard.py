"""The lead's cycle dashboard: a row per authority, a cell per stage, each cell a status in words and colour.

`classify` is pure: plain values in, a status out. `cycle_dashboard` loads a cycle in a fixed number of
queries (authorities, self-assessments, assignments with their reviews, letters with their reads) however
many authorities the region has, and builds the rows, the totals per column and the days left to each
deadline.

Deadlines per stage: uploading and signing off the self-assessment are due on the cycle's self-assessment
date; moderation (in a cycle with moderation on) on its moderation date; giving and receiving reviews on its
review date; composing, approving and releasing the letter on its
letter date. Reading and responding to a letter have no due date: they are "not yet due" until the letter
is released, then "waiting" until the authority reads or responds, and never overdue.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict

import sqlalchemy as sa

from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle
from peerchallenge.dates import end_of_uk_day
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterRead
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.status import LabelledEnum
from peerchallenge.submissions.models import Submission, SubmissionState, SubmissionVersion

DUE_SOON_DAYS = 7


class Status(LabelledEnum):
    DONE = "done", "Done"
    DONE_LATE = "done_late", "Done late"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    NOT_YET_DUE = "not_yet_due", "Not yet due"
    NOT_APPLICABLE = "not_applicable", "Not needed"

    @property
    def colour(self) -> str:
        """The colour's name; the words carry the meaning, the colour is a second channel."""
        return _COLOURS[self][0]

    @property
    def fill(self) -> str:
        """A light background (hex RGB) on which black text keeps a high contrast: for the Excel export."""
        return _COLOURS[self][1]

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE, Status.DONE_LATE)


# Each status's tag colour, and a light fill of that colour for the Excel export.
_COLOURS = {
    Status.DONE: ("green", "CCE2D8"),
    Status.DONE_LATE: ("orange", "FCD6C3"),
    Status.DUE_SOON: ("yellow", "FFF7BF"),
    Status.OVERDUE: ("red", "F4CDC6"),
    Status.NOT_YET_DUE: ("grey", "E5E6E7"),
    Status.NOT_APPLICABLE: ("white", "FFFFFF"),
}


def classify(
    *, done: bool, done_late: bool = False, due_on: date | None, today: date, applicable: bool = True
) -> Status:
    """The status of one stage: done (late or not), else how it stands against its due date on `today`.

    Due soon means due within DUE_SOON_DAYS days, today included; overdue means the due date has passed.
    A stage with no due date is never overdue.
    """
    if not applicable:
        return Status.NOT_APPLICABLE
    if done:
        return Status.DONE_LATE if done_late else Status.DONE
    if due_on is None or (due_on - today).days > DUE_SOON_DAYS:
        return Status.NOT_YET_DUE
    if today > due_on:
        return Status.OVERDUE
    return Status.DUE_SOON


def days_left_words(due_on: date, today: date) -> str:
    days = (due_on - today).days
    if days == 0:
        return "Due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"Passed {-days} day{'s' if days != -1 else ''} ago"


@dataclass(frozen=True)
class Stage:
    key: str
    group: str
    title: str
    due_date: str | None  # the Cycle attribute holding its due date


STAGES = (
    Stage("uploaded", "Self-assessment", "Uploaded", "submissions_due_on"),
    Stage("signed_off", "Self-assessment", "Signed off", "submissions_due_on"),
    Stage("reviews_given", "Reviews", "Given", "reviews_due_on"),
    Stage("reviews_received", "Reviews", "Received", "reviews_due_on"),
    Stage("composed", "Letter", "Composed", "letters_due_on"),
    Stage("approved", "Letter", "Approved", "letters_due_on"),
    Stage("released", "Letter", "Released", "letters_due_on"),
    Stage("read", "Letter", "Read", None),
    Stage("responded", "Letter", "Responded", None),
)
STAGE_GROUPS = ("Self-assessment", "Reviews", "Letter")
# A cycle with moderation on has a stage between the self-assessment and the reviews.
MODERATED = Stage("moderated", "Moderation", "Moderated", "moderation_due_on")
MODERATED_STAGES = (*STAGES[:2], MODERATED, *STAGES[2:])
MODERATED_GROUPS = ("Self-assessment", "Moderation", "Reviews", "Letter")


def stages_of(cycle: Cycle) -> tuple[tuple[Stage, ...], tuple[str, ...]]:
    """The stages the cycle's dashboard shows, and their groups."""
    return (MODERATED_STAGES, MODERATED_GROUPS) if cycle.moderation else (STAGES, STAGE_GROUPS)


@dataclass
class Cell:
    """One authority's stage: its status, the words shown, an optional count, and where it links."""

    status: Status
    label: str = ""  # the status's own words unless something more precise fits ("Waiting to be read")
    count: str = ""  # "1 of 2" for reviews
    endpoint: str | None = None
    params: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.label = self.label or self.status.label

    @property
    def text(self) -> str:
        """The cell in words, as shown and exported: "Overdue, 1 of 2"."""
        return f"{self.label}, {self.count}" if self.count else self.label


@dataclass
class Row:
    authority_id: int
    authority_name: str
    cells: dict[str, Cell]

    @property
    def has_overdue(self) -> bool:
        return any(cell.status == Status.OVERDUE for cell in self.cells.values())


@dataclass
class Total:
    done: int = 0
    late: int = 0
    overdue: int = 0
    due_soon: int = 0
    applicable: int = 0

    @property
    def text(self) -> str:
        words = f"{self.done} of {self.applicable} done"
        if self.overdue:
            words += f", {self.overdue} overdue"
        return words


@dataclass
class Deadline:
    title: str
    due_on: date
    words: str
    passed: bool


@dataclass
class Dashboard:
    cycle_id: int
    today: date
    rows: list[Row]
    totals: dict[str, Total]
    deadlines: list[Deadline]
    stages: tuple[Stage, ...] = STAGES
    stage_groups: tuple[str, ...] = STAGE_GROUPS

    @property
    def overdue_rows(self) -> list[Row]:
        return [row for row in self.rows if row.has_overdue]


# Loading: one query per kind of thing, whatever the number of authorities.


def cycle_authorities(cycle: Cycle) -> list[Authority]:
    """The authorities of the cycle's region that exist on the day it opens, by name."""
    opens = cycle.opens_on
    return list(
        db.session.scalars(
            sa.select(Authority)
            .where(
                Authority.region_id == cycle.region_id,
                sa.or_(Authority.active_from.is_(None), Authority.active_from <= opens),
                sa.or_(Authority.active_to.is_(None), Authority.active_to >= opens),
            )
            .order_by(Authority.name, Authority.id)
        )
    )


@dataclass
class _Submission:
    signed_off: bool
    signed_off_at: datetime | None
    first_upload_at: datetime | None


def _with_earliest(columns: tuple, child, child_at, join_on, where) -> sa.Select:
    """The columns of each record with the earliest `child_at` of its children (None without any).

    The columns must tell the records apart: they are what the children are grouped by.
    """
    return (
        sa.select(*columns, sa.func.min(child_at)).outerjoin(child, join_on).where(where).group_by(*columns)
    )


def _submissions(cycle: Cycle) -> dict[int, _Submission]:
    # One self-assessment per authority in a cycle, so the authority tells them apart.
    query = _with_earliest(
        (Submission.authority_id, Submission.state, Submission.signed_off_at),
        SubmissionVersion,
        SubmissionVersion.created_at,
        SubmissionVersion.submission_id == Submission.id,
        Submission.cycle_id == cycle.id,
    )
    return {
        authority_id: _Submission(state == SubmissionState.SIGNED_OFF, signed_off_at, first_upload_at)
        for authority_id, state, signed_off_at, first_upload_at in db.session.execute(query)
    }


@dataclass
class _Review:
    assignment_id: int
    reviewer_id: int
    reviewed_id: int
    submitted_at: datetime | None  # None until submitted


def _reviews(cycle: Cycle) -> list[_Review]:
    query = (
        sa.select(
            Assignment.id, Assignment.reviewer_id, Assignment.reviewed_id, Review.state, Review.submitted_at
        )
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED)
        .order_by(Assignment.id)
    )
    return [
        _Review(
            assignment_id, reviewer_id, reviewed_id, submitted_at if state == ReviewState.SUBMITTED else None
        )
        for assignment_id, reviewer_id, reviewed_id, state, submitted_at in db.session.execute(query)
    ]


class _Link(TypedDict, total=False):
    """Where a cell links: the endpoint and its parameters, as Cell takes them."""

    endpoint: str
    params: dict[str, int]


@dataclass
class _Letter:
    id: int
    composed_at: datetime
    approved_at: datetime | None
    released_at: datetime | None
    responded_at: datetime | None
    first_read_at: datetime | None


def _moderation(cycle: Cycle) -> dict[int, list[tuple[ModerationProgress, datetime | None]]]:
    """Each authority's published moderators: their progress and when they submitted (one query)."""
    found: dict[int, list[tuple[ModerationProgress, datetime | None]]] = {}
    if not cycle.moderation:
        return found
    query = sa.select(
        ModerationAssignment.authority_id, ModerationAssignment.progress, ModerationAssignment.submitted_at
    ).where(
        ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == AllocationState.PUBLISHED
    )
    for authority_id, progress, submitted_at in db.session.execute(query):
        found.setdefault(authority_id, []).append((progress, submitted_at))
    return found


def _moderation_cell(cycle: Cycle, moderators: list[tuple[ModerationProgress, datetime | None]], today: date):
    """Moderation received: not started, in progress or done, with "1 of 2" submitted."""
    if not moderators:
        return Cell(
            Status.NOT_APPLICABLE,
            "Not allocated",
            endpoint="moderation.overview",
            params={"cycle_id": cycle.id},
        )
    due_on = cycle.moderation_due_on
    submitted = [at for progress, at in moderators if progress == ModerationProgress.DONE]
    status = classify(
        done=len(submitted) == len(moderators),
        done_late=due_on is not None and any(_late(at, due_on) for at in submitted),
        due_on=due_on,
        today=today,
    )
    label = ""
    if status in (Status.NOT_YET_DUE, Status.DUE_SOON):
        started = submitted or any(progress != ModerationProgress.NOT_STARTED for progress, _ in moderators)
        label = f"{'In progress' if started else 'Not started'}, {status.label.lower()}"
    return Cell(
        status,
        label,
        count=f"{len(submitted)} of {len(moderators)}",
        endpoint="moderation.overview",
        params={"cycle_id": cycle.id},
    )


def _letters(cycle: Cycle) -> dict[int, _Letter]:
    query = _with_earliest(
        (
            Letter.authority_id,
            Letter.id,
            Letter.composed_at,
            Letter.approved_at,
            Letter.released_at,
            Letter.responded_at,
        ),
        LetterRead,
        LetterRead.read_at,
        LetterRead.letter_id == Letter.id,
        Letter.cycle_id == cycle.id,
    )
    return {
        authority_id: _Letter(letter_id, composed_at, approved_at, released_at, responded_at, first_read_at)
        for authority_id, letter_id, composed_at, approved_at, released_at, responded_at, first_read_at in (
            db.session.execute(query)
        )
    }


# Building the rows.


def _late(at: datetime | None, due_on: date) -> bool:
    return at is not None and at > end_of_uk_day(due_on)


def _by_deadline(done_at: datetime | None, due_on: date, today: date) -> Status:
    """A stage done at `done_at` (None while not done) against its due date."""
    return classify(done=done_at is not None, done_late=_late(done_at, due_on), due_on=due_on, today=today)


def _review_cell(cycle: Cycle, reviews: list[_Review], today: date) -> Cell:
    """Reviews given or received: "1 of 2", done when all are submitted, late if any came in late."""
    if not reviews:
        return Cell(Status.NOT_APPLICABLE, "None assigned")
    submitted = [review for review in reviews if review.submitted_at is not None]
    status = classify(
        done=len(submitted) == len(reviews),
        done_late=any(_late(review.submitted_at, cycle.reviews_due_on) for review in submitted),
        due_on=cycle.reviews_due_on,
        today=today,
    )
    outstanding = [review for review in reviews if review.submitted_at is None]
    # The review that needs attention if there is just one, else the cycle's list of reviews.
    if len(outstanding) == 1:
        target = ("reviews.review_page", {"assignment_id": outstanding[0].assignment_id})
    else:
        target = ("reviews.cycle_reviews", {"cycle_id": cycle.id})
    return Cell(status, count=f"{len(submitted)} of {len(reviews)}", endpoint=target[0], params=target[1])


def _row(
    cycle: Cycle,
    authority: Authority,
    submission: _Submission | None,
    given: list[_Review],
    received: list[_Review],
    letter: _Letter | None,
    today: date,
    moderators: list[tuple[ModerationProgress, datetime | None]] | None = None,
) -> Row:
    submission_link: _Link = {
        "endpoint": "submissions.view",
        "params": {"cycle_id": cycle.id, "authority_id": authority.id},
    }
    uploaded_at = submission.first_upload_at if submission else None
    signed_off_at = submission.signed_off_at if submission and submission.signed_off else None
    cells = {
        "uploaded": Cell(_by_deadline(uploaded_at, cycle.submissions_due_on, today), **submission_link),
        "signed_off": Cell(_by_deadline(signed_off_at, cycle.submissions_due_on, today), **submission_link),
        **({"moderated": _moderation_cell(cycle, moderators or [], today)} if cycle.moderation else {}),
        "reviews_given": _review_cell(cycle, given, today),
        "reviews_received": _review_cell(cycle, received, today),
    }
    letter_link: _Link = {"endpoint": "letters.letter", "params": {"letter_id": letter.id}} if letter else {}
    for key, at in (
        ("composed", letter.composed_at if letter else None),
        ("approved", letter.approved_at if letter else None),
        ("released", letter.released_at if letter else None),
    ):
        cells[key] = Cell(_by_deadline(at, cycle.letters_due_on, today), **letter_link)
    released = letter is not None and letter.released_at is not None
    for key, at, waiting in (
        ("read", letter.first_read_at if letter else None, "Waiting to be read"),
        ("responded", letter.responded_at if letter else None, "Waiting for a response"),
    ):
        status = classify(done=at is not None, due_on=None, today=today)
        cells[key] = Cell(status, "" if status.is_done or not released else waiting, **letter_link)
    return Row(authority.id, authority.name, cells)


def _totals(rows: list[Row], stages: tuple[Stage, ...] = STAGES) -> dict[str, Total]:
    totals = {stage.key: Total() for stage in stages}
    for row in rows:
        for key, cell in row.cells.items():
            total = totals[key]
            if cell.status == Status.NOT_APPLICABLE:
                continue
            total.applicable += 1
            total.done += cell.status.is_done
            total.late += cell.status == Status.DONE_LATE
            total.overdue += cell.status == Status.OVERDUE
            total.due_soon += cell.status == Status.DUE_SOON
    return totals


def _deadlines(cycle: Cycle, today: date) -> list[Deadline]:
    return [
        Deadline(title, due_on, days_left_words(due_on, today), today > due_on)
        for title, due_on in (
            ("Self-assessments", cycle.submissions_due_on),
            *(
                [("Moderation", cycle.moderation_due_on)]
                if cycle.moderation and cycle.moderation_due_on
                else []
            ),
            ("Reviews", cycle.reviews_due_on),
            ("Letters", cycle.letters_due_on),
        )
    ]


def cycle_dashboard(cycle: Cycle, today: date) -> Dashboard:
    """Every authority of the cycle at every stage on `today`, loaded in a fixed number of queries."""
    authorities = cycle_authorities(cycle)
    submissions = _submissions(cycle)
    reviews = _reviews(cycle)
    letters = _letters(cycle)
    moderation = _moderation(cycle)
    given: dict[int, list[_Review]] = {}
    received: dict[int, list[_Review]] = {}
    for review in reviews:
        given.setdefault(review.reviewer_id, []).append(review)
        received.setdefault(review.reviewed_id, []).append(review)
    rows = [
        _row(
            cycle,
            authority,
            submissions.get(authority.id),
            given.get(authority.id, []),
            received.get(authority.id, []),
            letters.get(authority.id),
            today,
            moderation.get(authority.id, []),
        )
        for authority in authorities
    ]
    stages, groups = stages_of(cycle)
    return Dashboard(cycle.id, today, rows, _totals(rows, stages), _deadlines(cycle, today), stages, groups)
