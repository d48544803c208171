"""The open tasks of cycles under way: what is to be done, by whom and by when, in a fixed number of queries.

A task is open while the thing it asks for is not done:

- upload the self-assessment: the authority's director and contributors, while nothing is uploaded;
- sign it off: the director, once uploaded and until signed off (both only while the cycle is open for
  self-assessments, and both due on the cycle's submissions due date); the title names the contributor who
  marked it ready, if one did;
- write a review: the reviewing authority's director and delegates, for each published assignment whose
  review is not submitted, due on the reviews due date (a task even while waiting for the other authority's
  sign-off); once a delegate marks the draft ready, it asks for the review to be submitted;
- moderate a self-assessment: each published moderator who has not submitted their comments, while the cycle
  is in moderation, due on the cycle's moderation due date;
- read and respond to the challenge letter: the authority's director and contributors, once released and until
  they respond, due on the cycle's response due date (reminded only when the cycle sets one);
- turn the letter into actions and update them: the same people, once released and until one of the letter's
  actions has been updated after it was added, due on the cycle's date for the first update of the actions
  (only when the cycle sets one).

Only active people are counted, and only cycles that are under way (not drafts, not closed).
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import aliased

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.actions.models import Action
from peerchallenge.assignments.models import Assignment, AssignmentState, Delegation
from peerchallenge.assignments.queries import current_delegations, delegated_authority_ids
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from peerchallenge.monitoring.reminders import most_urgent_first
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.models import Submission, SubmissionState, SubmissionVersion


class TaskKind(enum.StrEnum):
    UPLOAD = "upload"
    SIGN_OFF = "signoff"
    REVIEW = "review"
    MODERATE = "moderate"
    LETTER = "letter"
    ACTIONS = "actions"
    # The regional lead's (monitoring/lead_tasks.py).
    APPROVE_LETTER = "approve"
    RELEASE_LETTER = "release"
    APPROVE_OUTCOME = "approve_outcome"
    RELEASE_OUTCOME = "release_outcome"


@dataclass(frozen=True)
class Task:
    """One thing one or more people must do in a cycle; `key` names it for good (see ReminderSent)."""

    key: str
    kind: TaskKind
    title: str
    # The same task as the regional lead reads it: "Alpha has not signed off its self-assessment".
    lead_title: str
    cycle_id: int
    region_id: int
    authority_id: int  # the authority whose people do it
    due_on: date | None
    endpoint: str
    url_args: tuple[tuple[str, int], ...]
    user_ids: frozenset[int] = field(default_factory=frozenset)
    # Why it cannot be done yet ("Waiting for Alpha's sign-off"); such a task is not escalated to the lead.
    waiting_for: str = ""

    @property
    def url(self) -> str:
        """The path of the page where the task is done."""
        values: dict[str, Any] = dict(self.url_args)
        if has_request_context():
            return url_for(self.endpoint, **values)
        # From the command line there is no request, so no host: a path is what the emails show.
        adapter = current_app.url_map.bind("localhost", script_name=current_app.config["APPLICATION_ROOT"])
        return adapter.build(self.endpoint, values)


def possessive(name: str) -> str:
    return f"{name}'s"


def open_cycles(region_ids: Iterable[int] | None = None) -> list[Cycle]:
    """Cycles under way (neither draft nor closed), of the given regions or of all."""
    query = sa.select(Cycle).where(Cycle.state.not_in([CycleState.DRAFT, CycleState.CLOSED]))
    if region_ids is not None:
        query = query.where(Cycle.region_id.in_(list(region_ids)))
    return list(db.session.scalars(query.order_by(Cycle.id)))


def cycle_tasks(cycles: Sequence[Cycle]) -> list[Task]:
    """Every open task of the cycles with the active people who must do it, most urgent first."""
    if not cycles:
        return []
    return _build_tasks(cycles, _people(cycles))


def user_tasks(user: User) -> list[Task]:
    """The open tasks of one person, most urgent first (for the home page)."""
    if not user.is_active:
        return []
    moderating = moderation_tasks(user)
    directing = user.authority_ids(Role.DIRECTOR)
    contributing = user.authority_ids(Role.CONTRIBUTOR)
    delegated = delegated_authority_ids(user)
    own = directing | contributing | delegated
    if not own:
        return moderating
    region_ids = set(db.session.scalars(sa.select(Authority.region_id).where(Authority.id.in_(own))))
    cycles = open_cycles(region_ids)
    if not cycles:
        return moderating
    people = _People(
        directors={authority_id: {user.id} for authority_id in directing},
        contributors={authority_id: {user.id} for authority_id in contributing},
        delegates={authority_id: {user.id} for authority_id in delegated},
    )
    tasks = [task for task in _build_tasks(cycles, people, only=own) if user.id in task.user_ids]
    return sorted(tasks + moderating, key=lambda task: most_urgent_first(task.due_on, task.title))


@dataclass
class _People:
    """Active user ids by authority id, in each role that has tasks."""

    directors: dict[int, set[int]]
    contributors: dict[int, set[int]]
    delegates: dict[int, set[int]]

    def of(self, authority_id: int, *groups: str) -> frozenset[int]:
        found: set[int] = set()
        for group in groups:
            found |= getattr(self, group).get(authority_id, set())
        return frozenset(found)


def _people(cycles: Sequence[Cycle]) -> _People:
    """The active directors, contributors and delegates of the cycles' regions, in two queries."""
    region_ids = {cycle.region_id for cycle in cycles}
    people = _People({}, {}, {})
    grants = db.session.execute(
        sa.select(Authority.id, RoleGrant.role, RoleGrant.user_id)
        .join(User, User.id == RoleGrant.user_id)
        .join(Authority, Authority.id == RoleGrant.authority_id)
        .where(
            Authority.region_id.in_(region_ids),
            RoleGrant.role.in_([Role.DIRECTOR, Role.CONTRIBUTOR]),
            User.active.is_(True),
        )
    )
    for authority_id, role, user_id in grants:
        group = people.directors if role == Role.DIRECTOR else people.contributors
        group.setdefault(authority_id, set()).add(user_id)
    # A delegation lasts while its delegate is still a contributor of the authority.
    delegations = db.session.execute(
        current_delegations()
        .join(User, User.id == Delegation.delegate_id)
        .join(Authority, Authority.id == Delegation.authority_id)
        .where(Authority.region_id.in_(region_ids), User.active.is_(True))
    )
    for authority_id, user_id in delegations:
        people.delegates.setdefault(authority_id, set()).add(user_id)
    return people


def _build_tasks(cycles: Sequence[Cycle], people: _People, only: set[int] | None = None) -> list[Task]:
    """The tasks of the cycles; `only` limits them to the tasks of those authorities. Four queries."""
    cycle_ids = [cycle.id for cycle in cycles]
    authorities = {
        authority.id: authority
        for authority in db.session.scalars(
            sa.select(Authority).where(Authority.region_id.in_({cycle.region_id for cycle in cycles}))
        )
    }
    has_versions = sa.exists().where(SubmissionVersion.submission_id == Submission.id)
    submissions = {
        (cycle_id, authority_id): _SubmissionState(state, uploaded, ready_by)
        for cycle_id, authority_id, state, uploaded, ready_by in db.session.execute(
            sa.select(Submission.cycle_id, Submission.authority_id, Submission.state, has_versions, User.name)
            .outerjoin(User, User.id == Submission.ready_by_id)
            .where(Submission.cycle_id.in_(cycle_ids))
        )
    }
    assignments = (
        sa.select(
            Assignment.id, Assignment.cycle_id, Assignment.reviewer_id, Assignment.reviewed_id, User.name
        )
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .outerjoin(User, User.id == Review.ready_by_id)
        .where(
            Assignment.cycle_id.in_(cycle_ids),
            Assignment.state == AssignmentState.PUBLISHED,
            sa.or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED),
        )
    )
    # Released letters, whether they have been responded to, and whether any of their actions has been
    # updated since it was added (a letter with none has not been turned into actions).
    updated = sa.exists().where(Action.letter_id == Letter.id, Action.updated_at > Action.created_at)
    letters = sa.select(
        Letter.id, Letter.cycle_id, Letter.authority_id, Letter.responded_at.is_not(None), updated
    ).where(Letter.cycle_id.in_(cycle_ids), Letter.state == LetterState.RELEASED)
    if only is not None:
        assignments = assignments.where(Assignment.reviewer_id.in_(only))
        letters = letters.where(Letter.authority_id.in_(only))
    cycles_by_id = {cycle.id: cycle for cycle in cycles}
    tasks: list[Task] = []
    for cycle in cycles:
        if cycle.state == CycleState.OPEN:
            tasks += _submission_tasks(cycle, authorities, submissions, people, only)
    if only is None:  # a person's own moderation is added by user_tasks
        tasks += _moderation_tasks(cycles)
    for assignment_id, cycle_id, reviewer_id, reviewed_id, marked_ready_by in db.session.execute(
        assignments.order_by(Assignment.id)
    ):
        cycle, reviewed = cycles_by_id[cycle_id], authorities[reviewed_id]
        state = submissions.get((cycle_id, reviewed_id), _NOT_STARTED).state
        ready = state == SubmissionState.SIGNED_OFF
        title = f"Write your review of {possessive(reviewed.name)} self-assessment"
        if marked_ready_by:  # a delegate has finished the draft: the director submits it
            title = f"Submit your review of {possessive(reviewed.name)} self-assessment"
            title += f": marked ready by {marked_ready_by}"
        tasks.append(
            Task(
                key=f"c{cycle_id}:review:as{assignment_id}",
                kind=TaskKind.REVIEW,
                title=title,
                lead_title=f"{authorities[reviewer_id].name} has not submitted its review of "
                f"{possessive(reviewed.name)} self-assessment",
                cycle_id=cycle_id,
                region_id=cycle.region_id,
                authority_id=reviewer_id,
                due_on=cycle.reviews_due_on,
                endpoint="reviews.review_page" if ready else "reviews.my_reviews",
                url_args=(("assignment_id", assignment_id),) if ready else (),
                user_ids=people.of(reviewer_id, "directors", "delegates"),
                waiting_for="" if ready else f"Waiting for {possessive(reviewed.name)} sign-off",
            )
        )
    released = db.session.execute(letters.order_by(Letter.id)).all()
    for step, done in ((_RESPOND, 3), (_ACTIONS, 4)):
        for row in released:
            if row[done]:
                continue
            letter_id, cycle_id, authority_id = row[:3]
            task = _letter_task(step, cycles_by_id[cycle_id], authorities[authority_id], letter_id, people)
            if task is not None:
                tasks.append(task)
    return sorted(tasks, key=lambda task: most_urgent_first(task.due_on, task.title))


def moderation_tasks(user: User) -> list[Task]:
    """A moderator's own tasks: the comments they have not submitted in cycles in moderation (one query)."""
    if not any(grant.role == Role.MODERATOR for grant in user.grants):
        return []
    return _moderation_tasks(None, moderator_id=user.id)


def _moderation_tasks(cycles: Sequence[Cycle] | None, moderator_id: int | None = None) -> list[Task]:
    """Moderate a self-assessment: each published, unsubmitted allocation of the cycles (or of the one
    moderator) while its cycle is in moderation, for its moderator if active. One query."""
    moderated = aliased(Authority)
    query = (
        sa.select(ModerationAssignment, Cycle, moderated.name, User.name, User.active)
        .join(Cycle, Cycle.id == ModerationAssignment.cycle_id)
        .join(moderated, moderated.id == ModerationAssignment.authority_id)
        .join(User, User.id == ModerationAssignment.moderator_id)
        .where(
            Cycle.state == CycleState.MODERATION,
            ModerationAssignment.state == AllocationState.PUBLISHED,
            ModerationAssignment.progress != ModerationProgress.DONE,
        )
        .order_by(ModerationAssignment.id)
    )
    if cycles is not None:
        if not cycles:
            return []
        query = query.where(ModerationAssignment.cycle_id.in_([cycle.id for cycle in cycles]))
    if moderator_id is not None:
        query = query.where(ModerationAssignment.moderator_id == moderator_id)
    tasks = []
    for row, cycle, authority_name, moderator_name, active in db.session.execute(query):
        tasks.append(
            Task(
                key=f"c{cycle.id}:moderate:m{row.id}",
                kind=TaskKind.MODERATE,
                title=f"Moderate {possessive(authority_name)} self-assessment",
                lead_title=f"{moderator_name} has not submitted moderation comments on "
                f"{possessive(authority_name)} self-assessment",
                cycle_id=cycle.id,
                region_id=cycle.region_id,
                authority_id=row.moderator_authority_id,
                due_on=cycle.moderation_due_on,
                endpoint="moderation.comments",
                url_args=(("row_id", row.id),),
                user_ids=frozenset({row.moderator_id}) if active else frozenset(),
            )
        )
    return tasks


class _LetterStep(NamedTuple):
    kind: TaskKind
    title: str  # with {authority}: the authority's name, possessive
    lead_title: str  # with {name}
    due_date: str  # the cycle's date it is due on
    endpoint: str
    needs_date: bool  # listed only when the cycle sets its date


_RESPOND = _LetterStep(
    TaskKind.LETTER,
    "Read and respond to {authority} challenge letter",
    "{name} has not responded to its challenge letter",
    "response_due_on",
    "letters.read_letter",
    needs_date=False,
)
_ACTIONS = _LetterStep(
    TaskKind.ACTIONS,
    "Turn {authority} challenge letter into actions and update them",
    "{name} has not added or updated its actions",
    "actions_update_due_on",
    "actions.letter_actions",
    needs_date=True,
)


def _letter_task(
    step: _LetterStep, cycle: Cycle, authority: Authority, letter_id: int, people: "_People"
) -> Task | None:
    """A task of the authority's people about its released letter, due on the cycle's date for it."""
    due_on = getattr(cycle, step.due_date)
    if step.needs_date and due_on is None:
        return None
    return Task(
        key=f"c{cycle.id}:{step.kind.value}:l{letter_id}",
        kind=step.kind,
        title=step.title.format(authority=possessive(authority.name)),
        lead_title=step.lead_title.format(name=authority.name),
        cycle_id=cycle.id,
        region_id=cycle.region_id,
        authority_id=authority.id,
        due_on=due_on,
        endpoint=step.endpoint,
        url_args=(("letter_id", letter_id),),
        user_ids=people.of(authority.id, "directors", "contributors"),
    )


class _SubmissionState(NamedTuple):
    state: SubmissionState | None
    uploaded: bool
    ready_by: str | None  # the name of the contributor who marked it ready for sign-off


_NOT_STARTED = _SubmissionState(None, False, None)


class _SubmissionStep(NamedTuple):
    key: str
    kind: TaskKind
    verb: str
    done: str
    groups: tuple[str, ...]


# An authority's next step with its self-assessment, by whether it has uploaded one yet.
_SUBMISSION_STEPS = {
    False: _SubmissionStep("upload", TaskKind.UPLOAD, "Upload", "uploaded", ("directors", "contributors")),
    True: _SubmissionStep("signoff", TaskKind.SIGN_OFF, "Sign off", "signed off", ("directors",)),
}


def _submission_tasks(
    cycle: Cycle,
    authorities: dict[int, Authority],
    submissions: dict[tuple[int, int], _SubmissionState],
    people: _People,
    only: set[int] | None,
) -> list[Task]:
    """Upload or sign off, for each authority taking part in an open cycle."""
    tasks = []
    for authority in sorted(authorities.values(), key=lambda item: item.name):
        if authority.region_id != cycle.region_id or not authority.is_active_on(cycle.opens_on):
            continue
        if only is not None and authority.id not in only:
            continue
        state, uploaded, ready_by = submissions.get((cycle.id, authority.id), _NOT_STARTED)
        if state == SubmissionState.SIGNED_OFF:
            continue
        step = _SUBMISSION_STEPS[uploaded]
        marked = f": marked ready by {ready_by}" if ready_by else ""
        tasks.append(
            Task(
                key=f"c{cycle.id}:{step.key}:a{authority.id}",
                kind=step.kind,
                title=f"{step.verb} {possessive(authority.name)} self-assessment{marked}",
                lead_title=f"{authority.name} has not {step.done} its self-assessment",
                cycle_id=cycle.id,
                region_id=cycle.region_id,
                authority_id=authority.id,
                due_on=cycle.submissions_due_on,
                endpoint="submissions.view",
                url_args=(("cycle_id", cycle.id), ("authority_id", authority.id)),
                user_ids=people.of(authority.id, *step.groups),
            )
        )
    return tasks
