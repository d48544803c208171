"""Pages of the challenge event: the event and its sessions, running a session, and the outcome notes."""

from io import BytesIO

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from peerchallenge.cycles.models import Cycle
from peerchallenge.events import access, queries, services
from peerchallenge.events.forms import AgreedActionForm, EventForm, NoteForm, OutcomeForm, SessionForm
from peerchallenge.events.models import AgreedAction, ChallengeEvent, EventSession, OutcomeNote
from peerchallenge.extensions import csrf, db
from peerchallenge.forms import button_action, confirmation, prefilled, run_form, run_service, save_edit
from peerchallenge.letters.files import MIMETYPES
from peerchallenge.letters.models import FileKind
from peerchallenge.routing import get_allowed

bp = Blueprint("events", __name__)


def _managed_cycle(cycle_id: int) -> Cycle:
    return get_allowed(Cycle, cycle_id, access.can_manage_event)


def _event_url(event: ChallengeEvent) -> str:
    return url_for("events.event_page", cycle_id=event.cycle_id)


def _session_url(session: EventSession) -> str:
    return url_for("events.session_page", session_id=session.id)


def _readable_session(session_id: int) -> EventSession:
    return get_allowed(EventSession, session_id, access.can_read_session, hidden=True)


def _run_session(session_id: int) -> EventSession:
    session = _readable_session(session_id)
    if not access.can_run_session(current_user, session):
        abort(403)
    return session


@bp.get("/events")
@login_required
def my_events():
    """The menu's page: the sessions the signed-in person may read at the events of the cycles under way."""
    shown = []
    for event in queries.current_events(current_user):
        readable = access.readable_session_ids(current_user, event, event.sessions)
        if readable:
            shown.append((event, [session for session in event.sessions if session.id in readable]))
    return render_template("events/my_events.html", shown=shown)


@bp.get("/cycles/<int:cycle_id>/event")
@login_required
def event_page(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    event = queries.event_for(cycle)
    manages = access.can_manage_event(current_user, cycle)
    if event is None:
        if not manages:
            abort(404)
        return render_template("events/no_event.html", cycle=cycle)
    sessions = queries.sessions_of(event)
    readable = access.readable_session_ids(current_user, event, sessions)
    if not readable:
        abort(404)
    return render_template(
        "events/event.html",
        cycle=cycle,
        event=event,
        sessions=[session for session in sessions if session.id in readable],
        manages=manages,
    )


@bp.route("/cycles/<int:cycle_id>/event/new", methods=["GET", "POST"])
@login_required
def new_event(cycle_id: int):
    cycle = _managed_cycle(cycle_id)
    form = prefilled(EventForm, held_on=cycle.challenge_event_on)  # the cycle's date, to begin with
    posted = run_form(
        form, lambda: services.create_event(current_user, cycle, form.details()), "The event has been set up."
    )
    if posted.done:
        return redirect(url_for("events.event_page", cycle_id=cycle.id))
    return render_template("events/event_form.html", cycle=cycle, form=form, event=None), posted.status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = db.get_or_404(ChallengeEvent, event_id)
    if not access.can_manage_event(current_user, event.cycle):
        abort(403)
    form = prefilled(EventForm, held_on=event.held_on, place=event.place, online_link=event.online_link)
    posted = run_form(
        form,
        lambda: services.update_event(current_user, event, form.details()),
        lambda changed: (
            "The event has been saved." if changed else "Nothing had changed, so nothing was saved."
        ),
    )
    if posted.done:
        return redirect(_event_url(event))
    page = render_template("events/event_form.html", cycle=event.cycle, form=form, event=event)
    return page, posted.status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with what was chosen
@login_required
def edit_session(session_id: int):
    session = _readable_session(session_id)
    if not access.can_manage_event(current_user, session.event.cycle):
        abort(403)
    form = prefilled(
        SessionForm,
        starts_at=f"{session.starts_at:%H:%M}",
        ends_at=f"{session.ends_at:%H:%M}",
        chair_id=session.chair_id or 0,
        base_version=session.version,
    )
    form.offer_chairs(session, services.chair_choices(session))
    status = 200
    if form.is_submitted():
        edit = save_edit(
            form,
            "starts_at",
            lambda: services.update_session(
                current_user,
                session,
                form.starts_at.data or "",
                form.ends_at.data or "",
                form.chair_id.data or None,
                form.base_version.data,
            ),
            lambda changed: (
                "The session has been saved." if changed else "Nothing had changed, so nothing was saved."
            ),
            lambda: session.version,
        )
        if edit.saved:
            return redirect(_event_url(session.event))
        status = edit.status
    page = render_template(
        "events/session_form.html",
        session=session,
        cycle=session.event.cycle,
        form=form,
        conflict=status == 409,
    )
    return page, status


def _session_view(
    session: EventSession,
    status: int = 200,
    *,
    note_form=None,
    note_point=None,
    action_form=None,
    conflict=False,
):
    """The session page: the agenda with each key line's note (a form for those running it), the agreed
    actions, and the buttons for the session's state; a refused form comes back in place."""
    runs = access.can_run_session(current_user, session)
    items = queries.agenda(session)
    notes = queries.notes_by_point(session)
    note_forms = {}
    recording = runs and session.is_under_way and not session.event.cycle.is_closed
    if recording:
        for item in items:
            for point in item.points:
                if point.id == note_point:
                    note_forms[point.id] = note_form
                    continue
                note = notes.get(point.id)
                form = NoteForm(
                    prefix=f"note-{point.id}",
                    data={"text": note.text if note else "", "base_version": note.version if note else 0},
                )
                note_forms[point.id] = form
    if action_form is None and recording:
        action_form = AgreedActionForm(formdata=None)
    if action_form is not None:
        action_form.offer_answers(items)
    page = render_template(
        "events/session.html",
        session=session,
        event=session.event,
        cycle=session.event.cycle,
        items=items,
        shows_points={
            item.authority.id: access.can_see_points(current_user, session, item.letter) for item in items
        },
        notes=notes,
        note_forms=note_forms,
        conflict_point=note_point if conflict else None,
        agreed=queries.agreed_actions(session),
        action_form=action_form,
        runs=runs,
        manages=access.can_manage_event(current_user, session.event.cycle),
        outcomes=[note for note in session.outcome_notes if access.can_read_outcome(current_user, note)],
        form=(note_form or action_form) if status != 200 else None,  # the refused form's error summary
    )
    return page, status


@bp.get("/sessions/<int:session_id>")
@login_required
def session_page(session_id: int):
    return _session_view(_readable_session(session_id))


@bp.post("/sessions/<int:session_id>/start")
@login_required
def start_session(session_id: int):
    session = _run_session(session_id)
    return button_action(
        lambda: services.start_session(current_user, session),
        "The session is under way.",
        _session_url(session),
    )


def _note_version(session: EventSession, point_id: int) -> int:
    note = queries.notes_by_point(session).get(point_id)
    return note.version if note else 0


@bp.post("/sessions/<int:session_id>/notes/<int:point_id>")
@csrf.exempt  # checked in the view, so that an expired form comes back with what was typed
@login_required
def save_note(session_id: int, point_id: int):
    session = _run_session(session_id)
    form = NoteForm(prefix=f"note-{point_id}")
    edit = save_edit(
        form,
        "text",
        lambda: services.save_note(
            current_user, session, point_id, form.text.data or "", form.base_version.data
        ),
        lambda _note: "The note has been saved.",
        lambda: _note_version(session, point_id),
    )
    if edit.saved:
        return redirect(_session_url(session) + f"#point-{point_id}")
    return _session_view(session, edit.status, note_form=form, note_point=point_id, conflict=edit.conflict)


@bp.post("/sessions/<int:session_id>/actions")
@login_required
def add_agreed_action(session_id: int):
    session = _run_session(session_id)
    form = AgreedActionForm()
    form.offer_answers(queries.agenda(session))
    posted = run_form(
        form,
        lambda: services.add_agreed_action(current_user, session, form.fields()),
        "The agreed action has been added.",
    )
    if posted.done:
        return redirect(_session_url(session) + "#agreed-actions")
    return _session_view(session, posted.status or 400, action_form=form)


@bp.route("/agreed-actions/<int:agreed_id>/remove", methods=["GET", "POST"])
@login_required
def remove_agreed_action(agreed_id: int):
    agreed = db.get_or_404(AgreedAction, agreed_id)
    session = _run_session(agreed.session_id)
    return confirmation(
        "events/remove_agreed_action.html",
        lambda: services.remove_agreed_action(current_user, agreed),
        "The agreed action has been removed.",
        _session_url(session) + "#agreed-actions",
        agreed=agreed,
        session=session,
        cycle=session.event.cycle,
    )


@bp.route("/sessions/<int:session_id>/finish", methods=["GET", "POST"])
@login_required
def finish_session(session_id: int):
    session = _run_session(session_id)
    return confirmation(
        "events/finish_session.html",
        lambda: services.finish_session(current_user, session),
        "The session has finished. Its agreed actions are now the authorities' actions, and an outcome note "
        "is drafted for each authority.",
        _session_url(session),
        session=session,
        cycle=session.event.cycle,
        agreed=queries.agreed_actions(session),
    )


# Outcome notes -------------------------------------------------------------------------------------------


def _readable_note(note_id: int) -> OutcomeNote:
    return get_allowed(OutcomeNote, note_id, access.can_read_outcome, hidden=True)


@bp.route("/outcome-notes/<int:note_id>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with what was typed
@login_required
def outcome_note(note_id: int):
    note = _readable_note(note_id)
    can_edit = access.can_edit_outcome(current_user, note)
    form = prefilled(OutcomeForm, body=note.body, base_version=note.version)
    status = 200
    if form.is_submitted():
        if not can_edit:
            abort(403)
        edit = save_edit(
            form,
            "body",
            lambda: services.save_outcome(current_user, note, form.body.data or "", form.base_version.data),
            lambda changed: (
                "The outcome note has been saved."
                if changed
                else "Nothing had changed, so nothing was saved."
            ),
            lambda: note.version,
        )
        if edit.saved:
            return redirect(url_for("events.outcome_note", note_id=note.id))
        status = edit.status
    page = render_template(
        "events/outcome_note.html",
        note=note,
        session=note.session,
        cycle=note.cycle,
        form=form,
        can_edit=can_edit,
        can_approve=access.can_approve_outcome(current_user, note),
        conflict=status == 409,
    )
    return page, status


@bp.post("/outcome-notes/<int:note_id>/approve")
@login_required
def approve_outcome(note_id: int):
    note = _readable_note(note_id)
    if not access.can_approve_outcome(current_user, note):
        abort(403)
    return button_action(
        lambda: services.approve_outcome(current_user, note),
        "The outcome note has been approved.",
        url_for("events.outcome_note", note_id=note.id),
    )


@bp.route("/outcome-notes/<int:note_id>/release", methods=["GET", "POST"])
@login_required
def release_outcome(note_id: int):
    note = _readable_note(note_id)
    if not access.can_approve_outcome(current_user, note):
        abort(403)
    return confirmation(
        "events/release_outcome.html",
        lambda: services.release_outcome(current_user, note),
        f"The outcome note has been released to {note.authority.name}. Its people have been emailed.",
        url_for("events.outcome_note", note_id=note.id),
        note=note,
        cycle=note.cycle,
    )


@bp.get("/outcome-notes/<int:note_id>/note.<any(pdf, docx):kind>")
@login_required
def download_outcome(note_id: int, kind: str):
    note = _readable_note(note_id)
    file_kind = FileKind(kind)
    data = run_service(lambda: services.download_outcome(current_user, note, file_kind)).value
    if data is None:
        abort(404)
    authority = note.authority.name.lower().replace(" ", "-")
    filename = f"challenge-event-outcome-{authority}-{note.cycle.year}.{kind}"
    return send_file(BytesIO(data), mimetype=MIMETYPES[file_kind], as_attachment=True, download_name=filename)
