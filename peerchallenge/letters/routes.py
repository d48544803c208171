"""Pages for letters: the lead's list, template, editing and release; the authority's reading and response."""

from collections.abc import Callable
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.cycles.services import closed_reason
from peerchallenge.extensions import csrf, db
from peerchallenge.forms import ConfirmForm, run_service, save_edit, show_service_error
from peerchallenge.letters import access, services, upload
from peerchallenge.letters.choice import RANGE_WORDS, PointKind, differences, singular
from peerchallenge.letters.diff import line_diff
from peerchallenge.letters.files import MIMETYPES
from peerchallenge.letters.forms import (
    ComposeForm,
    LetterTextForm,
    ResponseForm,
    TemplateForm,
    WordUploadForm,
)
from peerchallenge.letters.models import FileKind, Letter
from peerchallenge.letters.queries import cycle_letter_rows, peer_letters_for, readers, released_letters_for
from peerchallenge.letters.template import PLACEHOLDERS, TemplateProblem, render_letter
from peerchallenge.routing import get_allowed
from peerchallenge.sanitise import render_markdown

bp = Blueprint("letters", __name__)


def _managed_letter(letter_id: int) -> Letter:
    return get_allowed(Letter, letter_id, access.can_manage_letter)


def _back(letter: Letter):
    return redirect(url_for("letters.letter", letter_id=letter.id))


def _unchangeable(letter: Letter, released: str):
    """Back to the letter, saying why, when it can no longer change (its cycle closed, or it is released)."""
    reason = closed_reason(letter.cycle, services.LETTERS_READ_ONLY) or (
        released if letter.is_released else None
    )
    if reason is None:
        return None
    flash(reason, "error")
    return _back(letter)


@bp.get("/cycles/<int:cycle_id>/letters")
@login_required
def cycle_letters(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    rows = cycle_letter_rows(cycle)
    approved = sum(1 for row in rows if row.letter is not None and row.letter.is_approved)
    return render_template("letters/cycle_letters.html", cycle=cycle, rows=rows, approved=approved)


@bp.route("/cycles/<int:cycle_id>/letters/template", methods=["GET", "POST"])
@login_required
def edit_template(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    form = TemplateForm()
    preview, status = None, 200
    if not form.is_submitted():
        form.template.data = services.letter_template(cycle)
    elif form.validate():
        if form.save.data:
            if run_service(
                lambda: services.save_template(current_user, cycle, form.template.data),
                "The letter template has been saved. Letters composed from now on use it.",
                form=form,
            ):
                return redirect(url_for("letters.cycle_letters", cycle_id=cycle.id))
            status = 400
        else:
            try:
                preview = render_markdown(render_letter(form.template.data, services.preview_values(cycle)))
            except TemplateProblem as problem:
                form.template.errors = [*form.template.errors, problem.message]
                status = 400
    else:
        status = 400
    return render_template(
        "letters/template.html", cycle=cycle, form=form, preview=preview, placeholders=PLACEHOLDERS
    ), status


@bp.route("/cycles/<int:cycle_id>/letters/release", methods=["GET", "POST"])
@login_required
def release_all(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    rows = [row for row in cycle_letter_rows(cycle) if row.letter and row.letter.is_approved]
    form = ConfirmForm()
    if form.validate_on_submit():
        released = run_service(lambda: services.release_all(current_user, cycle)).value
        if released is not None:
            letters = "1 letter has" if released == 1 else f"{released} letters have"
            flash(f"{letters} been released. Their authorities have been emailed.", "success")
        return redirect(url_for("letters.cycle_letters", cycle_id=cycle.id))
    return render_template("letters/release_all.html", cycle=cycle, rows=rows, form=form)


@bp.route("/letters/<int:letter_id>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with the lead's text in it
@login_required
def letter(letter_id: int):
    letter = _managed_letter(letter_id)
    form = LetterTextForm()
    if not form.is_submitted():
        form.body.data = letter.body
        form.base_version.data = letter.current_version.number
        return _letter_page(letter, form)
    if letter.is_released:
        form.body.errors = [*form.body.errors, RELEASED_NO_CHANGES]
        return _letter_page(letter, form, status=409)
    edit = save_edit(
        form,
        "body",
        lambda: services.save_text(current_user, letter, form.body.data, form.base_version.data),
        lambda changed: (
            "Saved as a new version." if changed else "Nothing had changed, so nothing was saved."
        ),
        lambda: letter.current_version.number,
    )
    if edit.saved:
        return _back(letter)
    return _letter_page(letter, form, conflict=edit.conflict, status=edit.status)


@bp.route("/letters/<int:letter_id>/compose", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with the lead's choices in it
@login_required
def compose(letter_id: int):
    letter = _managed_letter(letter_id)
    if back := _unchangeable(letter, "This letter has been released and can no longer be changed."):
        return back
    composed, ranked = services.candidates_for(letter)
    form = ComposeForm()
    if not form.is_submitted():
        form.fill(*services.compose_rows(letter, composed, ranked), letter.current_version.number)
        return _compose_page(letter, form, composed, ranked)
    edit = save_edit(
        form,
        "headline",
        lambda: services.choose_points(
            current_user, letter, form.headline.data or "", form.choices(), form.base_version.data
        ),
        _chosen_message,
        lambda: letter.current_version.number,
    )
    if edit.saved:
        return _back(letter)
    return _compose_page(letter, form, composed, ranked, conflict=edit.conflict, status=edit.status)


def _chosen_message(result: tuple[bool, list[str]]) -> str:
    changed, advice = result
    done = (
        "The letter has been composed from the points you chose, as a new version."
        if changed
        else "Nothing had changed, so nothing was saved."
    )
    return " ".join([done, *advice])


def _editor_page(template: str, letter: Letter, form, *, conflict: bool, status: int, **context):
    """One of the lead's editors of a letter, with its form: shown again with `status` when not saved, and
    beside the newer version when someone saved in between (`conflict`)."""
    context.update(letter=letter, cycle=letter.cycle, form=form, conflict=conflict)
    return render_template(template, **context), status


def _compose_page(letter: Letter, form: ComposeForm, composed, ranked, *, conflict=False, status=200):
    """The lead's page for choosing, ordering and rewording the letter's points and writing its headline."""
    return _editor_page(
        "letters/compose.html",
        letter,
        form,
        conflict=conflict,
        status=status,
        kinds=PointKind,
        range_words=RANGE_WORDS,
        origins={candidate.key: candidate for found in ranked.values() for candidate in found},
        differences=differences(composed),
        suggested_headline=composed.headline,
        takes_points=services.template_takes_points(letter.cycle),
        singular=singular,
    )


RELEASED_NO_CHANGES = (
    "This letter has been released and can no longer be changed. Your text is below: copy what you need."
)


def _letter_page(
    letter: Letter,
    form: LetterTextForm,
    *,
    conflict: bool = False,
    status: int = 200,
    word_form: WordUploadForm | None = None,
):
    """The lead's page for one letter: its text to edit, versions, approval, release and who has read it."""
    if word_form is None:
        word_form = WordUploadForm(formdata=None, base_version=letter.current_version.number)
    return _editor_page(
        "letters/letter.html",
        letter,
        form,
        conflict=conflict,
        status=status,
        word_form=word_form,
        readers=readers(letter),
        reviews_in=services.reviews_complete(services.peer_reviews(letter.cycle, letter.authority)),
        actions=ConfirmForm(),
    )


@bp.get("/letters/<int:letter_id>/compare")
@login_required
def compare(letter_id: int):
    letter = _managed_letter(letter_id)
    numbers = [version.number for version in letter.versions]
    old_number = request.args.get("from", type=int, default=numbers[-2] if len(numbers) > 1 else numbers[0])
    new_number = request.args.get("to", type=int, default=numbers[-1])
    versions = {version.number: version for version in letter.versions}
    if old_number not in versions or new_number not in versions:
        abort(404)
    old, new = versions[old_number], versions[new_number]
    return render_template(
        "letters/compare.html",
        letter=letter,
        cycle=letter.cycle,
        old=old,
        new=new,
        rows=line_diff(old.body, new.body),
        actions=ConfirmForm(),
    )


def _action(letter_id: int, service, done: str):
    letter = _managed_letter(letter_id)
    if ConfirmForm().validate_on_submit():
        run_service(lambda: service(current_user, letter), done)
    else:
        flash("The page had expired. Try again.", "error")
    return _back(letter)


@bp.post("/letters/<int:letter_id>/versions/<int:number>/restore")
@login_required
def restore(letter_id: int, number: int):
    return _action(
        letter_id,
        lambda actor, letter: services.restore(actor, letter, number),
        f"Version {number} is the current text again, saved as a new version.",
    )


@bp.post("/letters/<int:letter_id>/approve")
@login_required
def approve(letter_id: int):
    return _action(letter_id, services.approve, "The letter has been approved. It is ready to release.")


@bp.post("/letters/<int:letter_id>/unapprove")
@login_required
def unapprove(letter_id: int):
    return _action(letter_id, services.unapprove, "Approval has been withdrawn. You can edit the letter.")


@bp.post("/letters/<int:letter_id>/keep-edits")
@login_required
def keep_edits(letter_id: int):
    return _action(letter_id, services.keep_edits, "Your edited letter has been kept.")


def _confirmed(letter_id: int, page: str, service, done: str, released: str):
    """A confirmation page for an unreleased letter, and the transition once confirmed.

    `done` may name the letter's {authority}.
    """
    letter = _managed_letter(letter_id)
    if back := _unchangeable(letter, released):
        return back
    form = ConfirmForm()
    done = done.format(authority=letter.authority.name)
    if form.validate_on_submit() and run_service(lambda: service(current_user, letter), done):
        return _back(letter)
    return render_template(f"letters/{page}.html", letter=letter, cycle=letter.cycle, form=form)


@bp.route("/letters/<int:letter_id>/recompose", methods=["GET", "POST"])
@login_required
def recompose(letter_id: int):
    return _confirmed(
        letter_id,
        "recompose",
        lambda actor, letter: services.recompose(actor, letter, replace_edits=True),
        "The letter has been composed again from the reviews, as a new version.",
        "This letter has been released and can no longer be changed.",
    )


@bp.route("/letters/<int:letter_id>/release", methods=["GET", "POST"])
@login_required
def release(letter_id: int):
    return _confirmed(
        letter_id,
        "release",
        services.release,
        "The letter has been released to {authority}. Its people have been emailed.",
        "This letter has already been released.",
    )


def _readable_letter(letter_id: int) -> Letter:
    """A letter the signed-in person may read; before release it does not exist for the authority."""
    letter = db.get_or_404(Letter, letter_id)
    if not access.can_read_letter(current_user, letter):
        abort(404)
    return letter


@bp.get("/letters")
@login_required
def my_letters():
    return render_template(
        "letters/my_letters.html",
        letters=released_letters_for(current_user),
        inherited_letters=released_letters_for(current_user, inherited=True),
        peer_letters=peer_letters_for(current_user),
    )


@bp.get("/letters/<int:letter_id>/read")
@login_required
def read_letter(letter_id: int):
    letter = _readable_letter(letter_id)
    run_service(lambda: services.record_read(current_user, letter))
    form = ResponseForm()
    form.response.data = letter.response
    form.acknowledged.data = letter.acknowledged_at is not None
    return _reading_page(letter, form)


def _reading_page(letter: Letter, form: ResponseForm, status: int = 200):
    return render_template(
        "letters/read.html",
        letter=letter,
        cycle=letter.cycle,
        form=form,
        can_respond=access.can_respond(current_user, letter),
    ), status


@bp.post("/letters/<int:letter_id>/response")
@csrf.exempt  # checked in the view, so that an expired form keeps the response typed
@login_required
def respond(letter_id: int):
    letter = _readable_letter(letter_id)
    if not access.can_respond(current_user, letter):
        abort(403)
    form = ResponseForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            form.response.errors = [
                *form.response.errors,
                "The page had expired, so nothing was saved. Your response is below: save it again.",
            ]
        return _reading_page(letter, form, 400)
    responded = run_service(
        lambda: services.respond(
            current_user, letter, acknowledged=form.acknowledged.data, response=form.response.data or ""
        ),
        form=form,
    )
    if not responded:
        return _reading_page(letter, form, 400)
    if responded.value:
        flash("Your response has been saved. The regional lead and your peers can see it.", "success")
    else:
        flash("Nothing had changed, so nothing was saved.", "success")
    return redirect(url_for("letters.read_letter", letter_id=letter.id, _anchor="your-response"))


@bp.get("/letters/<int:letter_id>/letter.<any(pdf, docx):kind>")
@login_required
def download(letter_id: int, kind: str):
    """The letter's current version as a PDF or Word file: the lead's preview before release, then the
    authority's and its peers' copy."""
    letter = _readable_letter(letter_id)
    file_kind = FileKind(kind)
    return letter_file_response(
        letter, "letter", file_kind, lambda: services.download(current_user, letter, file_kind)
    )


def letter_file_response(letter: Letter, what: str, kind: FileKind, make: Callable[[], bytes]):
    """A file about a letter ("letter", "pack") made by an audited service, as a download named for it."""
    # Named before the service commits: after it, the letter, its authority and cycle would be read again.
    authority = letter.authority.name.lower().replace(" ", "-")
    filename = f"peer-challenge-{what}-{authority}-{letter.cycle.year}.{kind}"
    data = run_service(make).value
    if data is None:  # the services refuse nothing a reader may ask for; an error page rather than no file
        abort(404)
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=filename)


WORD_FORM_EXPIRED = "The page had expired, so nothing was uploaded. Choose the file again and upload it."


@bp.post("/letters/<int:letter_id>/upload")
@csrf.exempt  # checked in the view, so that an expired form is told on the letter's page
@login_required
def upload_word(letter_id: int):
    """The lead uploads the letter edited in Word as a new version."""
    letter = _managed_letter(letter_id)
    form = WordUploadForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            form.file.errors = [*form.file.errors, WORD_FORM_EXPIRED]
        return _upload_refused(letter, form, 400)
    outcome = run_service(
        lambda: upload.upload_version(
            current_user, letter, form.file.data.filename or "", form.file.data.read(), form.base_version.data
        ),
        show_error=False,
    )
    if outcome.error is None:
        flash(UPLOADED if outcome.value else UPLOADED_UNCHANGED, "success")
        return _back(letter)
    if not isinstance(outcome.error, services.LetterChanged):
        show_service_error(form, outcome.error)
        return _upload_refused(letter, form, 400)
    # Uploading again is then a choice made with the newer version in view, as with a typed edit.
    form.file.errors = [*form.file.errors, UPLOAD_CONFLICT]
    form.base_version.data = letter.current_version.number
    form.base_version.raw_data = [str(form.base_version.data)]
    return _upload_refused(letter, form, 409)


def _upload_refused(letter: Letter, form: WordUploadForm, status: int):
    """The letter's page again, with why the file was not uploaded; the text box holds the current text."""
    text_form = LetterTextForm(formdata=None, body=letter.body, base_version=letter.current_version.number)
    return _letter_page(letter, text_form, word_form=form, status=status)


UPLOADED = "The Word file has been saved as a new version. Check how it reads below."
UPLOADED_UNCHANGED = "The Word file has the same text as the current version, so nothing was saved."
UPLOAD_CONFLICT = (
    "This letter was changed after you opened this page, so your file was not uploaded. Check the current "
    "version below, then upload your file again if it should replace it."
)
