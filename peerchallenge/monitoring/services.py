"""Reminders (one digest per person of the tasks due today; escalations to leads) and audited downloads."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.actions.queries import ActionFilters
from peerchallenge.audit.services import record_about, record_event
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.monitoring.models import ReminderSent
from peerchallenge.monitoring.reminders import due_in_words, escalation_occasion, reminder_occasion
from peerchallenge.monitoring.tasks import Task, cycle_tasks, open_cycles
from peerchallenge.regions.models import Region

REMINDER = "reminder"
ESCALATION = "reminder_escalation"


@dataclass
class ReminderRun:
    """What one run queued."""

    emails: int = 0
    escalations: int = 0  # of the emails, those to leads about others' overdue tasks
    people: set[int] = field(default_factory=set)
    skipped: int = 0  # digests dropped because another run recorded them first

    def summary(self) -> str:
        if not self.emails:
            return "No reminders are due today"
        emails = "1 reminder email" if self.emails == 1 else f"{self.emails} reminder emails"
        people = "1 person" if len(self.people) == 1 else f"{len(self.people)} people"
        text = f"Queued {emails} to {people}"
        if self.escalations:
            leads = (
                "1 escalation to a lead"
                if self.escalations == 1
                else f"{self.escalations} escalations to leads"
            )
            text += f" ({leads})"
        return text


@dataclass
class Digest:
    """One email of a plan: the tasks (each with its occasion) that one person is to be reminded of."""

    user: User
    kind: str  # REMINDER, or ESCALATION for a lead told of others' overdue tasks
    items: list[tuple[Task, str]] = field(default_factory=list)  # (task, occasion)

    @property
    def is_escalation(self) -> bool:
        return self.kind == ESCALATION

    def titles(self) -> list[str]:
        """The tasks as the email lists them."""
        return [task.lead_title if self.is_escalation else task.title for task, _ in self.items]


@dataclass
class ReminderPlan:
    """The digests due on a day and not sent yet: what a run would queue, and what the preview shows."""

    today: date
    digests: list[Digest]

    @property
    def fingerprint(self) -> str:
        """Names exactly what the plan would send, so a send can check it is the plan that was previewed."""
        sent = sorted(
            (digest.user.id, task.key, occasion) for digest in self.digests for task, occasion in digest.items
        )
        return hashlib.sha256(repr(sent).encode()).hexdigest()

    @property
    def people(self) -> set[int]:
        return {digest.user.id for digest in self.digests}


def plan_reminders(today: date, region_ids: Iterable[int] | None = None) -> ReminderPlan:
    """The digests due today, of the given regions' cycles or of all, leaving out what was sent already."""
    tasks = [task for task in cycle_tasks(open_cycles(region_ids)) if task.due_on is not None]
    leads = _region_leads({task.region_id for task in tasks})
    items: dict[tuple[int, str], list[tuple[Task, str]]] = {}

    def add(user_id: int, kind: str, task: Task, occasion: str) -> None:
        items.setdefault((user_id, kind), []).append((task, occasion))

    for task in tasks:
        assert task.due_on is not None  # tasks without a due date were left out above
        occasion = reminder_occasion(task.due_on, today)
        if occasion:
            for user_id in task.user_ids:
                add(user_id, REMINDER, task, occasion)
        escalation = escalation_occasion(task.due_on, today)
        # A review waiting for the other authority's sign-off is not its reviewer's fault.
        if escalation and not task.waiting_for:
            for lead_id in leads.get(task.region_id, ()):
                if lead_id not in task.user_ids:
                    add(lead_id, ESCALATION, task, escalation)
    if not items:
        return ReminderPlan(today, [])
    sent = _already_sent({task.key for listed in items.values() for task, _ in listed})
    users = _active_users({user_id for user_id, _ in items})
    digests = []
    for (user_id, kind), listed in items.items():
        due = [item for item in listed if (user_id, item[0].key, item[1]) not in sent]
        if user_id in users and due:
            digests.append(Digest(users[user_id], kind, due))
    digests.sort(key=lambda digest: (digest.user.name.lower(), digest.user.id, digest.kind))
    return ReminderPlan(today, digests)


def send_planned(plan: ReminderPlan) -> ReminderRun:
    """Queue the plan's digests, recording each reminder as sent to its person."""
    run = ReminderRun()
    for digest in plan.digests:
        try:
            # A run started at the same time may record the same reminders first: then this digest is dropped.
            with db.session.begin_nested():
                _queue_digest(digest, plan.today)
        except IntegrityError:
            run.skipped += 1
            continue
        run.emails += 1
        run.escalations += digest.is_escalation
        run.people.add(digest.user.id)
    return run


def send_reminders(today: date) -> ReminderRun:
    """Queue today's reminders: one digest per person, and one per lead of others' overdue tasks."""
    return send_planned(plan_reminders(today))


def send_reminders_for_cycle(actor: User, cycle: Cycle, today: date, previewed: str) -> ReminderRun:
    """Queue today's reminders of the cycle's region from its dashboard, if they are those previewed."""
    check_not_closed(cycle, "it is read-only, and sends no reminders")
    plan = plan_reminders(today, [cycle.region_id])
    if plan.fingerprint != previewed:
        raise ServiceError(
            "The reminders due have changed since you opened this page, so none were sent. "
            "Check the list below, then send them."
        )
    if not plan.digests:
        raise ServiceError("Nobody is due a reminder today, so none were sent.")
    run = send_planned(plan)
    record_about(
        "reminders_sent",
        f"Sent reminders from the dashboard of {cycle.title}: {run.summary().removeprefix('Queued ')}",
        actor,
        cycle,
        emails=run.emails,
        escalations=run.escalations,
        people=len(run.people),
        skipped=run.skipped,
    )
    return run


def _region_leads(region_ids: set[int]) -> dict[int, set[int]]:
    """The active leads' user ids by region."""
    leads: dict[int, set[int]] = defaultdict(set)
    if region_ids:
        rows = db.session.execute(
            sa.select(RoleGrant.region_id, RoleGrant.user_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.role == Role.LEAD, RoleGrant.region_id.in_(region_ids), User.active.is_(True))
        )
        for region_id, user_id in rows:
            assert region_id is not None  # a lead's grant names its region
            leads[region_id].add(user_id)
    return leads


def _already_sent(task_keys: set[str]) -> set[tuple[int, str, str]]:
    rows = db.session.execute(
        sa.select(ReminderSent.user_id, ReminderSent.task_key, ReminderSent.occasion).where(
            ReminderSent.task_key.in_(task_keys)
        )
    )
    return {(user_id, task_key, occasion) for user_id, task_key, occasion in rows}


def _active_users(user_ids: set[int]) -> dict[int, User]:
    users = db.session.scalars(sa.select(User).where(User.id.in_(user_ids), User.active.is_(True)))
    return {user.id: user for user in users}


def _queue_digest(digest: Digest, today: date) -> None:
    """Queue one email listing the digest's tasks, and record each (task, occasion) as sent to its person."""
    user, items = digest.user, digest.items
    region_ids = {task.region_id for task, _ in items}
    # A digest spanning two regions (a rare interim director) is kept out of both regions' outboxes.
    region_id = region_ids.pop() if len(region_ids) == 1 else None
    if digest.is_escalation:
        subject, body = _escalation_text(user, items, today)
    else:
        subject, body = _reminder_text(user, items, today)
    email = queue_email(user, digest.kind, subject, body, region_id=region_id)
    db.session.flush()
    for task, occasion in items:
        db.session.add(ReminderSent(user_id=user.id, task_key=task.key, occasion=occasion, email_id=email.id))
    db.session.flush()


def _task_lines(title: str, task: Task, today: date) -> list[str]:
    assert task.due_on is not None  # only tasks with a due date are reminded of
    lines = [f"- {title}: {due_in_words(task.due_on, today)}"]
    if task.waiting_for:
        lines.append(f"  {task.waiting_for}.")
    lines.append(f"  {public_url(task.endpoint, **dict(task.url_args))}")
    return lines


def _reminder_text(user: User, items: list[tuple[Task, str]], today: date) -> tuple[str, str]:
    count = len(items)
    overdue = sum(1 for task, _ in items if task.due_on is not None and task.due_on < today)
    noun = "1 task" if count == 1 else f"{count} tasks"
    subject = f"Peer challenge: {noun} overdue" if overdue == count else f"Peer challenge: {noun} due"
    lines = [f"Dear {user.how_to_address},", "", f"You have {noun} to do in the peer challenge:", ""]
    for task, _ in items:
        lines += _task_lines(task.title, task, today)
    lines += ["", f"Sign in to the peer challenge service to do {'it' if count == 1 else 'them'}."]
    return subject, "\n".join(lines) + "\n"


def _escalation_text(user: User, items: list[tuple[Task, str]], today: date) -> tuple[str, str]:
    count = len(items)
    noun = "1 task is" if count == 1 else f"{count} tasks are"
    subject = f"Peer challenge: {noun} a week or more overdue"
    lines = [
        f"Dear {user.how_to_address},",
        "",
        f"You are the regional lead. In your region, {noun} 7 days or more overdue:",
        "",
    ]
    for task, _ in items:
        lines += _task_lines(task.lead_title, task, today)
        if not task.user_ids:
            lines.append("  Nobody at the authority can do this: add or reactivate its director.")
    lines += [
        "",
        "The people who must do them have been reminded. You may want to contact the authorities concerned.",
    ]
    return subject, "\n".join(lines) + "\n"


def record_dashboard_export(
    actor: User, cycle: Cycle, file_format: str, overdue_only: bool, rows: int
) -> None:
    """Audit a download of the dashboard's table."""
    which = "overdue authorities" if overdue_only else "all authorities"
    record_about(
        "dashboard_exported",
        f"Downloaded the dashboard of {cycle.title} as {file_format.upper()} ({which})",
        actor,
        cycle,
        format=file_format,
        overdue_only=overdue_only,
        rows=rows,
    )


def record_ratings_export(actor: User, cycle: Cycle, rows: int) -> None:
    """Audit a download of every rating of the cycle."""
    record_about(
        "ratings_exported", f"Downloaded the ratings of {cycle.title} as CSV", actor, cycle, rows=rows
    )


def record_actions_export(
    actor: User, region: Region, filters: ActionFilters, file_format: str, rows: int
) -> None:
    """Audit a download of the region's actions, with the filters used."""
    record_event(
        "actions_exported",
        f"Downloaded the actions of {region.name} as {file_format.upper()}",
        actor=actor,
        region_id=region.id,
        format=file_format,
        cycle_id=filters.cycle_id,
        filtered_authority_id=filters.authority_id,
        status=filters.status.value if filters.status else None,
        overdue_only=filters.overdue,
        rows=rows,
    )
