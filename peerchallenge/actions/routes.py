"""Pages for a letter's actions: the list, adding one, and reading, updating and the history of one."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerchallenge.actions import access, pack, queries, services
from peerchallenge.actions.forms import ActionEditForm, ActionForm
from peerchallenge.actions.models import Action
from peerchallenge.actions.queries import history
from peerchallenge.dates import uk_today
from peerchallenge.extensions import csrf, db
from peerchallenge.forms import prefilled, run_form, save_edit
from peerchallenge.letters.models import FileKind, Letter
from peerchallenge.letters.routes import letter_file_response
from peerchallenge.page_cache import kept_file
from peerchallenge.routing import get_allowed

bp = Blueprint("actions", __name__)


def _readable_letter(letter_id: int) -> Letter:
    """A letter whose actions the signed-in person may read; to anyone else they do not exist."""
    return get_allowed(Letter, letter_id, access.can_read_actions, hidden=True)


def _back(letter: Letter):
    return redirect(url_for("actions.letter_actions", letter_id=letter.id))


@bp.get("/letters/<int:letter_id>/actions")
@login_required
def letter_actions(letter_id: int):
    letter = _readable_letter(letter_id)
    return render_template(
        "actions/letter_actions.html",
        letter=letter,
        cycle=letter.cycle,
        actions=queries.letter_actions(letter),
        can_write=access.can_write_actions(current_user, letter),
        can_download_pack=access.can_download_pack(current_user, letter),
        closed=services.editing_closed_reason(letter),
        today=uk_today(),
    )


@bp.get("/letters/<int:letter_id>/pack.docx")
@login_required
def download_pack(letter_id: int):
    """The scrutiny pack as a Word file, for the authority and the lead."""
    letter = _readable_letter(letter_id)
    if not access.can_download_pack(current_user, letter):
        abort(403)

    def downloaded() -> bytes:  # as things stand now: the actions change through the year
        data = kept_file(("pack", letter.id), lambda: pack.pack_file(letter).data)
        pack.record_pack_download(current_user, letter)
        return data

    return letter_file_response(letter, "pack", FileKind.DOCX, downloaded)


@bp.route("/letters/<int:letter_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(letter_id: int):
    letter = _readable_letter(letter_id)
    if not access.can_write_actions(current_user, letter):
        abort(403)
    form = ActionForm()
    form.offer_points(letter)
    posted = run_form(
        form,
        lambda: services.add_action(current_user, letter, form.fields()),
        "The action has been added.",
    )
    if posted.done:
        return _back(letter)
    closed = services.editing_closed_reason(letter)
    page = render_template("actions/new.html", letter=letter, cycle=letter.cycle, form=form, closed=closed)
    return page, posted.status


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with what was typed
@login_required
def action_page(action_id: int):
    action = db.get_or_404(Action, action_id)
    letter = action.letter
    if not access.can_read_actions(current_user, letter):
        abort(404)
    can_write = access.can_write_actions(current_user, letter)
    form = prefilled(
        ActionEditForm,
        what=action.what,
        owner=action.owner,
        due_on=action.due_on,
        point_id=action.point_id or 0,
        status=action.status.value,
        dropped_reason=action.dropped_reason,
        base_version=action.version,
    )
    form.offer_points(letter)
    status = 200
    if form.is_submitted():
        if not can_write:
            abort(403)
        edit = save_edit(
            form,
            "what",
            lambda: services.update_action(current_user, action, form.fields(), form.base_version.data),
            lambda changed: (
                "The action has been saved." if changed else "Nothing had changed, so nothing was saved."
            ),
            lambda: action.version,
        )
        if edit.saved:
            return _back(letter)
        status = edit.status
    page = render_template(
        "actions/action.html",
        action=action,
        letter=letter,
        cycle=letter.cycle,
        form=form,
        can_write=can_write,
        closed=services.editing_closed_reason(letter),
        history=history(action),
        conflict=status == 409,
        today=uk_today(),
    )
    return page, status
