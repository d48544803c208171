"""The challenge event's transitions: create and change the event, set a session's times and chair, run a
session (start, notes, agreed actions, finish), and edit, approve and release its outcome notes.

Each function locks what it changes, checks the state again, writes an audit event and queues any emails;
the request commits. A closed cycle's event is read-only.

Agreed actions answer the authority's letter, and an authority's actions answer a released letter
(actions/services.py), so a session can finish only once the letters of all its authorities are released:
finishing it then makes each agreed action the authority's action, once (the agreed action keeps the action
it became), with the actions' own audit event.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.actions import services as action_services
from peerchallenge.actions.models import ActionStatus
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.assignments.queries import cycle_groups
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.dates import uk_date
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.events.files import outcome_file, render_outcome_files
from peerchallenge.events.models import (
    MAX_LINK,
    MAX_NOTE,
    MAX_OUTCOME,
    MAX_PLACE,
    AgreedAction,
    ChallengeEvent,
    EventSession,
    OutcomeNote,
    OutcomeState,
    SessionNote,
    SessionState,
)
from peerchallenge.events.queries import agenda, agreed_actions, event_for, notes_by_point
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.models import FileKind, Letter
from peerchallenge.letters.services import authority_people
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.regions.models import Authority
from peerchallenge.sanitise import one_line_within, plain_text, render_markdown
from peerchallenge.text_limits import shape_problem

READ_ONLY = "its challenge event is read-only"
# Sessions are laid end to end from this time, each as long as fits the working day (the lead changes them).
FIRST_START = time(9, 30)
DAY_MINUTES = 8 * 60
LONGEST_SESSION = 90
SHORTEST_SESSION = 10


# The event ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    held_on: date | None
    place: str
    online_link: str


def _clean_link(link: str) -> str:
    link = plain_text(link).strip()
    if not link:
        return ""
    if len(link) > MAX_LINK:
        raise ServiceError(f"The online link must be {MAX_LINK} characters or fewer", field="online_link")
    parts = urlsplit(link)
    if parts.scheme.lower() != "https" or not parts.hostname or any(char.isspace() for char in link):
        raise ServiceError(
            "Enter the online link as a full web address starting https://, like "
            "https://teams.microsoft.com/l/meetup-join/...",
            field="online_link",
        )
    return link


def _clean_details(details: EventDetails) -> tuple[date, str, str]:
    if details.held_on is None:
        raise ServiceError("Enter the date of the event", field="held_on")
    if not 2000 <= details.held_on.year <= 2100:
        raise ServiceError("The date must be between the years 2000 and 2100", field="held_on")
    place = one_line_within(details.place, MAX_PLACE, "The place", "place")
    link = _clean_link(details.online_link)
    if not place and not link:
        raise ServiceError("Enter where the event is held, an online link, or both", field="place")
    return details.held_on, place, link


def default_times(count: int) -> list[tuple[time, time]]:
    """`count` sessions end to end from 9:30, each a multiple of five minutes that fits an eight-hour day."""
    minutes = DAY_MINUTES // max(count, 1) // 5 * 5
    length = timedelta(minutes=max(SHORTEST_SESSION, min(LONGEST_SESSION, minutes)))
    day = date(2000, 1, 1)
    start = datetime.combine(day, FIRST_START)
    times = []
    for _ in range(count):
        end = min(start + length, datetime.combine(day, time(23, 59)))
        start = min(start, end - timedelta(minutes=1))
        times.append((start.time(), end.time()))
        start = end
    return times


def _session_subjects(cycle: Cycle) -> list[dict]:
    """One session per published group (groups), or per authority its peers review (pairs)."""
    if cycle.in_groups:
        return [{"review_group": group} for group in cycle_groups(cycle, AssignmentState.PUBLISHED)]
    reviewed = db.session.scalars(
        sa.select(Authority)
        .where(
            Authority.id.in_(
                sa.select(Assignment.reviewed_id).where(
                    Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
                )
            )
        )
        .order_by(Authority.name)
    )
    return [{"authority": authority} for authority in reviewed]


def create_event(actor: User, cycle: Cycle, details: EventDetails) -> ChallengeEvent:
    """The cycle's event, with a session per authority or group of the published assignment."""
    lock_for_update(cycle)
    check_not_closed(cycle, READ_ONLY)
    if event_for(cycle) is not None:
        raise ServiceError("This cycle already has its challenge event.")
    if cycle.assignments_published_at is None:
        raise ServiceError("Publish the peer assignment first: the event's sessions are made from it.")
    held_on, place, link = _clean_details(details)
    subjects = _session_subjects(cycle)
    if not subjects:
        raise ServiceError("The published assignment has no authorities to hold sessions for.")
    event = ChallengeEvent(cycle=cycle, place=place, online_link=link, created_by=actor, created_at=utcnow())
    for position, (subject, (starts, ends)) in enumerate(
        zip(subjects, default_times(len(subjects)), strict=True)
    ):
        event.sessions.append(EventSession(position=position, starts_at=starts, ends_at=ends, **subject))
    cycle.challenge_event_on = held_on
    db.session.add(event)
    db.session.flush()
    record_about(
        "event_created",
        f"The challenge event of {cycle.title} was set up with {len(subjects)} sessions",
        actor,
        event,
        held_on=held_on.isoformat(),
    )
    return event


def update_event(actor: User, event: ChallengeEvent, details: EventDetails) -> bool:
    """Change the event's date (the cycle's too), place and link; False when nothing had changed."""
    cycle = event.cycle
    lock_for_update(cycle)
    lock_for_update(event)
    check_not_closed(cycle, READ_ONLY)
    held_on, place, link = _clean_details(details)
    if (cycle.challenge_event_on, event.place, event.online_link) == (held_on, place, link):
        return False
    cycle.challenge_event_on, event.place, event.online_link = held_on, place, link
    record_about(
        "event_updated",
        f"The challenge event of {cycle.title} was changed",
        actor,
        event,
        held_on=str(held_on),
    )
    return True


# A session's times and chair -----------------------------------------------------------------------------


class SessionChanged(EditConflict):
    def __init__(self) -> None:
        super().__init__(
            "This session was changed after you opened it. The form shows what you chose: check the session "
            "as it is now, then save again."
        )


def parse_time(text: str, field: str, what: str) -> time:
    """A time of day typed as 14:30, 14.30 or 1430."""
    cleaned = plain_text(text).strip().replace(".", ":")
    if len(cleaned) == 4 and cleaned.isdigit():
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"
    hours, _, minutes = cleaned.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise ServiceError(f"Enter the {what} as a time of day, like 09:30 or 14:15", field=field)
    if int(hours) > 23 or int(minutes) > 59:
        raise ServiceError(f"The {what} must be a real time of day, between 00:00 and 23:59", field=field)
    return time(int(hours), int(minutes))


def chair_choices(session: EventSession) -> list[User]:
    """The directors of the region who may chair the session: active, and not of the session's own
    authorities (a host does not chair its own challenge)."""
    cycle = session.event.cycle
    hosts = [authority.id for authority in session.authorities]
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .join(Authority, Authority.id == RoleGrant.authority_id)
            .where(
                RoleGrant.role == Role.DIRECTOR,
                Authority.region_id == cycle.region_id,
                User.active.is_(True),
                ~User.id.in_(
                    sa.select(RoleGrant.user_id).where(
                        RoleGrant.role == Role.DIRECTOR, RoleGrant.authority_id.in_(hosts)
                    )
                ),
            )
            .distinct()
            .order_by(User.name)
        )
    )


def _check_open(session: EventSession) -> None:
    check_not_closed(session.event.cycle, READ_ONLY)


def update_session(
    actor: User, session: EventSession, starts: str, ends: str, chair_id: int | None, base_version: int
) -> bool:
    """Set the session's times and chair (None for the lead); False when nothing had changed."""
    lock_for_update(session)
    _check_open(session)
    if session.version != base_version:
        raise SessionChanged()
    if session.is_finished:
        raise ServiceError("This session has finished: its times and chair are kept as they were.")
    starts_at = parse_time(starts, "starts_at", "start time")
    ends_at = parse_time(ends, "ends_at", "end time")
    if ends_at <= starts_at:
        raise ServiceError("The session must end after it starts, on the same day", field="ends_at")
    chair = None
    if chair_id:
        chair = next((user for user in chair_choices(session) if user.id == chair_id), None)
        if chair is None:
            raise ServiceError(
                "Choose the lead, or a director of the region who is not one of the session's hosts",
                field="chair_id",
            )
    if (session.starts_at, session.ends_at, session.chair_id) == (starts_at, ends_at, chair_id or None):
        return False
    session.starts_at, session.ends_at, session.chair = starts_at, ends_at, chair
    record_about(
        "event_session_updated",
        f"The session for {session.name} was set for {session.times}, chaired by {session.chair_name}",
        actor,
        session,
        chair_id=chair.id if chair else None,
    )
    return True


# Running a session ---------------------------------------------------------------------------------------


def start_session(actor: User, session: EventSession) -> None:
    lock_for_update(session)
    _check_open(session)
    if not session.is_scheduled:
        raise ServiceError("This session has already started.")
    session.state = SessionState.UNDER_WAY
    session.started_at = utcnow()
    record_about("event_session_started", f"The session for {session.name} started", actor, session)


def _check_under_way(session: EventSession) -> None:
    _check_open(session)
    if session.is_scheduled:
        raise ServiceError("Start the session first: notes and actions are recorded while it is under way.")
    if session.is_finished:
        raise ServiceError("This session has finished: its notes and agreed actions are closed.")


class NoteChanged(EditConflict):
    def __init__(self, note: SessionNote):
        super().__init__(
            f"{note.updated_by.name} saved a note on this key line of enquiry after you opened the page. "
            "What you typed is in the form: compare it with the note as it is now, then save again."
        )


def _enquiry_point(session: EventSession, point_id: int | None):
    for item in agenda(session):
        for point in item.points:
            if point.id == point_id:
                return item, point
    raise ServiceError("Choose one of the session's key lines of enquiry.")


def save_note(actor: User, session: EventSession, point_id: int, text: str, base_version: int) -> SessionNote:
    """The note on one key line of enquiry, unless someone saved it since `base_version` (0: no note yet)."""
    lock_for_update(session)
    _check_under_way(session)
    _enquiry_point(session, point_id)
    text = plain_text(text).strip()
    if not text:
        raise ServiceError("Enter the note", field="text")
    if problem := shape_problem(text, "This note", "a note", max_characters=MAX_NOTE):
        raise ServiceError(problem, field="text")
    note = notes_by_point(session).get(point_id)
    if (note.version if note else 0) != base_version:
        raise NoteChanged(note) if note else ServiceError("This note was removed. Save it again.")
    html = str(render_markdown(text))
    now = utcnow()
    if note is None:
        note = SessionNote(session=session, point_id=point_id, text=text, text_html=html)
        note.updated_by, note.updated_at = actor, now
        db.session.add(note)
    elif note.text == text:
        return note
    else:
        note.text, note.text_html, note.updated_by, note.updated_at = text, html, actor, now
    db.session.flush()
    record_about(
        "event_note_saved", f"{actor.name} saved a note in the session for {session.name}", actor, session
    )
    return note


@dataclass(frozen=True)
class AgreedFields:
    """An agreed action as typed; `answers` is "p-<point id>" for a key line of enquiry, "a-<authority id>"
    for one of the session's authorities without a particular line."""

    answers: str
    what: str
    owner: str
    due_on: date | None


def _answers(session: EventSession, answers: str):
    kind, _, number = answers.partition("-")
    if number.isdigit():
        for item in agenda(session):
            if kind == "a" and item.authority.id == int(number):
                return item.authority, None
            for point in item.points:
                if kind == "p" and point.id == int(number):
                    return item.authority, point
    raise ServiceError("Choose the key line of enquiry the action answers", field="answers")


def add_agreed_action(actor: User, session: EventSession, fields: AgreedFields) -> AgreedAction:
    lock_for_update(session)
    _check_under_way(session)
    authority, point = _answers(session, fields.answers)
    what, owner, due_on = action_services.clean_commitment(fields.what, fields.owner, fields.due_on)
    agreed = AgreedAction(
        session=session, authority=authority, point=point, what=what, owner=owner, due_on=due_on
    )
    agreed.created_by, agreed.created_at = actor, utcnow()
    db.session.add(agreed)
    db.session.flush()
    record_about(
        "event_action_agreed",
        f"An action was agreed for {authority.name} in the session for {session.name}",
        actor,
        session,
        authority_id=authority.id,
    )
    return agreed


def remove_agreed_action(actor: User, agreed: AgreedAction) -> None:
    session = agreed.session
    lock_for_update(session)
    _check_under_way(session)
    record_about(
        "event_action_removed",
        f"An action agreed for {agreed.authority.name} was removed from the session for {session.name}",
        actor,
        session,
        authority_id=agreed.authority_id,
    )
    db.session.delete(agreed)


def _released_letters(session: EventSession) -> dict[int, Letter]:
    """Each authority's released letter, or a refusal naming the first whose letter is not released."""
    letters = {}
    for item in agenda(session):
        if item.letter is None or not item.letter.is_released:
            raise ServiceError(
                f"{item.authority.name}'s challenge letter is not released yet. Agreed actions answer the "
                "letter and become the authority's actions when the session finishes, so release the "
                "letter first, then finish the session."
            )
        letters[item.authority.id] = item.letter
    return letters


def make_actions(actor: User, session: EventSession, letters: dict[int, Letter]) -> int:
    """Each agreed action not yet made into the authority's action becomes one (once); how many were made."""
    made = 0
    for agreed in agreed_actions(session):
        if agreed.action_id is not None:
            continue
        fields = action_services.ActionFields(
            what=agreed.what,
            owner=agreed.owner,
            due_on=agreed.due_on,
            point_id=agreed.point_id,
            status=ActionStatus.NOT_STARTED.value,
        )
        agreed.action = action_services.add_action(actor, letters[agreed.authority_id], fields)
        made += 1
    return made


def finish_session(actor: User, session: EventSession) -> int:
    """Close the session's notes, make its agreed actions the authorities' actions and compose an outcome
    note per authority; the number of actions made."""
    lock_for_update(session)
    _check_under_way(session)
    letters = _released_letters(session)
    made = make_actions(actor, session, letters)
    session.state = SessionState.FINISHED
    session.finished_at, session.finished_by = utcnow(), actor
    db.session.flush()
    for authority_id in letters:
        compose_outcome(actor, session, authority_id)
    record_about(
        "event_session_finished",
        f"The session for {session.name} finished; {made} agreed {'action' if made == 1 else 'actions'} "
        "became the authorities' actions",
        actor,
        session,
        actions_made=made,
    )
    return made


# The outcome note ----------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, its pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def outcome_markdown(session: EventSession, authority: Authority) -> str:
    """The outcome note as first composed: who met and when, the discussion per key line of enquiry, the
    agreed actions and next steps."""
    cycle = session.event.cycle
    item = next(item for item in agenda(session) if item.authority.id == authority.id)
    notes = notes_by_point(session)
    actions = [agreed for agreed in agreed_actions(session) if agreed.authority_id == authority.id]
    reviewers = db.session.scalars(
        sa.select(Authority.name)
        .join(Assignment, Assignment.reviewer_id == Authority.id)
        .where(
            Assignment.cycle_id == cycle.id,
            Assignment.reviewed_id == authority.id,
            Assignment.state == AssignmentState.PUBLISHED,
        )
        .order_by(Authority.name)
    ).all()
    event = session.event
    where = " and ".join(
        part for part in (f"at {event.place}" if event.place else "", event.online_link and "online") if part
    )
    lines = [
        "## Who met",
        "",
        f"- {authority.name}, the host authority",
        f"- Peer authorities: {', '.join(reviewers) or 'none recorded'}",
        f"- Chair: {session.chair_name}",
        "",
        f"The session was held on {uk_date(event.held_on)}, {session.times}{', ' + where if where else ''}.",
        "",
        "## Key lines of enquiry",
        "",
    ]
    if not item.points:
        lines += ["The letter had no key lines of enquiry.", ""]
    for point in item.points:
        note = notes.get(point.id)
        lines += [f"### {' '.join(point.text.split())}", "", note.text if note else "Not discussed.", ""]
    lines += ["## Agreed actions", ""]
    if actions:
        lines += ["| What | Owner | Due | Key line of enquiry |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {_cell(agreed.what)} | {_cell(agreed.owner)} | {uk_date(agreed.due_on)} | "
            f"{_cell(agreed.point.text) if agreed.point else 'None in particular'} |"
            for agreed in actions
        ]
    else:
        lines.append("No actions were agreed.")
    lines += ["", "## Next steps", ""]
    update = cycle.actions_update_due_on
    lines.append(
        f"{authority.name} will report its progress on these actions to its peers"
        + (f", with a first update by {uk_date(update)}" if update else "")
        + ", and next year's self-assessment will say what has changed for children and families."
    )
    return "\n".join(lines) + "\n"


def _check_outcome_text(body: str) -> str:
    body = plain_text(body).strip()
    if not body:
        raise ServiceError("Enter the outcome note", field="body")
    if problem := shape_problem(body, "This outcome note", "an outcome note", max_characters=MAX_OUTCOME):
        raise ServiceError(problem, field="body")
    return body


def compose_outcome(actor: User, session: EventSession, authority_id: int) -> OutcomeNote:
    authority = next(authority for authority in session.authorities if authority.id == authority_id)
    body = outcome_markdown(session, authority)
    note = OutcomeNote(session=session, authority=authority, body=body, body_html=str(render_markdown(body)))
    note.updated_by, note.updated_at, note.composed_at = actor, utcnow(), utcnow()
    db.session.add(note)
    db.session.flush()
    record_about("outcome_composed", f"{authority.name}'s outcome note was composed", actor, note)
    return note


class OutcomeChanged(EditConflict):
    def __init__(self, note: OutcomeNote):
        super().__init__(
            f"{note.updated_by.name} saved this outcome note after you opened it. Your text is in the form "
            "below: compare it with the note as it is now, then save again."
        )


def save_outcome(actor: User, note: OutcomeNote, body: str, base_version: int) -> bool:
    """Save the note's text (an approved note goes back to draft); False when nothing had changed."""
    lock_for_update(note)
    _check_open(note.session)
    if note.is_released:
        raise ServiceError("This outcome note has been released: it no longer changes.")
    if note.version != base_version:
        raise OutcomeChanged(note)
    body = _check_outcome_text(body)
    if body == note.body:
        return False
    note.body, note.body_html = body, str(render_markdown(body))
    note.updated_by, note.updated_at = actor, utcnow()
    withdrawn = note.is_approved
    if withdrawn:
        note.state, note.approved_at, note.approved_by = OutcomeState.DRAFT, None, None
    record_about(
        "outcome_edited",
        f"{actor.name} edited {note.authority.name}'s outcome note"
        + (", withdrawing its approval" if withdrawn else ""),
        actor,
        note,
    )
    return True


def approve_outcome(actor: User, note: OutcomeNote) -> None:
    lock_for_update(note)
    _check_open(note.session)
    if not note.is_draft:
        raise ServiceError("Only a draft outcome note can be approved.")
    note.state, note.approved_at, note.approved_by = OutcomeState.APPROVED, utcnow(), actor
    render_outcome_files(note)  # the lead's preview, ready before release
    record_about("outcome_approved", f"{note.authority.name}'s outcome note was approved", actor, note)


def release_outcome(actor: User, note: OutcomeNote) -> None:
    """Release an approved outcome note to its authority, and tell its people."""
    lock_for_update(note)
    _check_open(note.session)
    if not note.is_approved:
        raise ServiceError("Only an approved outcome note can be released. Approve it first.")
    note.state, note.released_at, note.released_by = OutcomeState.RELEASED, utcnow(), actor
    render_outcome_files(note)  # dated now, so that no reader's download waits for them
    record_about("outcome_released", f"{note.authority.name}'s outcome note was released", actor, note)
    cycle = note.cycle
    for person in authority_people(note.authority_id):
        queue_email(
            person,
            "outcome_released",
            f"{cycle.title}: the outcome note of your challenge event session",
            f"Dear {person.how_to_address},\n\nThe {cycle.region.letterhead_name} outcome note of "
            f"{note.authority.name}'s challenge event session has been released: who met, what was said "
            "on each key line of enquiry, and the actions agreed, which are now among your actions.\n\n"
            "Read it and download it as PDF or Word at\n"
            f"{public_url('events.outcome_note', note_id=note.id)}\n",
            region_id=cycle.region_id,
        )


def download_outcome(actor: User, note: OutcomeNote, kind: FileKind) -> bytes:
    data = outcome_file(note, kind).data
    record_about(
        "outcome_downloaded",
        f"{actor.name} downloaded {note.authority.name}'s outcome note as {kind.upper()}",
        actor,
        note,
        format=kind.value,
    )
    return data
