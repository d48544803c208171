"""An authority's self-assessment: read, upload, edit a section, download, sign off, reopen."""

from functools import partial
from io import BytesIO

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_view_authority
from peerchallenge.actions.queries import is_progress_section, last_year
from peerchallenge.cycles.models import Cycle
from peerchallenge.datapack.queries import development_summary, section_packs
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.forms import confirmation, run_form, run_service, save_edit
from peerchallenge.inspections.access import can_record_inspections
from peerchallenge.inspections.queries import inspection_summary
from peerchallenge.moderation.access import can_manage_moderation, sees_comments
from peerchallenge.moderation.queries import submitted_comments
from peerchallenge.regions.models import Authority
from peerchallenge.submissions import services
from peerchallenge.submissions.access import (
    can_edit_submission,
    can_mark_submission_ready,
    can_reopen_submission,
    can_sign_off_submission,
    can_view_submission,
)
from peerchallenge.submissions.forms import SectionEditForm, UploadForm
from peerchallenge.submissions.models import SectionText, Submission, SubmissionVersion
from peerchallenge.submissions.queries import find_submission

bp = Blueprint("submissions", __name__, url_prefix="/cycles/<int:cycle_id>/authorities/<int:authority_id>")


def _load(cycle_id: int, authority_id: int) -> tuple[Cycle, Authority, Submission | None]:
    """The cycle, authority and self-assessment, if the signed-in person may read it."""
    cycle = db.get_or_404(Cycle, cycle_id)
    authority = db.get_or_404(Authority, authority_id)
    if authority.region_id != cycle.region_id or cycle.is_draft:
        abort(404)
    submission = find_submission(cycle, authority)
    if not can_view_submission(current_user, cycle, authority, submission):
        abort(403)
    return cycle, authority, submission


def _here(cycle: Cycle, authority: Authority, **kwargs) -> str:
    return url_for("submissions.view", cycle_id=cycle.id, authority_id=authority.id, **kwargs)


def _newest(submission: Submission) -> SubmissionVersion:
    """The latest version of a self-assessment that has been uploaded (versions are never deleted)."""
    newest = submission.current_version
    assert newest is not None
    return newest


def _version(
    authority: Authority, submission: Submission | None, number: int | None
) -> SubmissionVersion | None:
    """The version asked for; reviewers see only the signed-off (current) one, never earlier drafts."""
    current = submission.current_version if submission is not None else None
    if submission is None or current is None:
        return None
    if number is None:
        return current
    if not can_view_authority(current_user, authority) and number != current.number:
        abort(404)
    version = next((version for version in submission.versions if version.number == number), None)
    if version is None:
        abort(404)
    return version


@bp.get("/self-assessment")
@login_required
def view(cycle_id: int, authority_id: int):
    cycle, authority, submission = _load(cycle_id, authority_id)
    version = _version(authority, submission, request.args.get("version", type=int))
    own = can_view_authority(current_user, authority)  # reviewers see the signed-off text alone
    previous = None
    if own and submission is not None and version is not None and version.number > 1:
        previous = submission.versions[version.number - 2]
    return render_template(
        "submissions/view.html",
        cycle=cycle,
        authority=authority,
        submission=submission,
        version=version,
        previous=previous,
        own=own,
        can_edit=can_edit_submission(current_user, authority),
        can_sign_off=can_sign_off_submission(current_user, authority),
        can_mark_ready=can_mark_submission_ready(current_user, authority),
        can_reopen=can_reopen_submission(current_user, cycle),
        reopenable=services.reopenable(cycle, submission),
        inspections=inspection_summary(cycle, authority),
        can_record_inspections=can_record_inspections(current_user, authority),
        data_pack=section_packs(cycle, authority, _texts(version)),
        development=development_summary(cycle, authority, current_user),
        moderation_comments=_moderation_comments(cycle, authority, own),
    )


def _moderation_comments(cycle: Cycle, authority: Authority, own: bool) -> list:
    """The moderators' submitted comments, for the author, the lead and (once reviews start) the peers."""
    if not cycle.moderation or not sees_comments(current_user, cycle, authority, own=own):
        return []
    lead = can_manage_moderation(current_user, cycle)
    return submitted_comments(cycle, authority.id, names=True if lead else None)


def _texts(version: SubmissionVersion | None) -> dict[int | None, SectionText]:
    """Each template section's text, for the figure check."""
    return {part.template_section_id: part for part in version.sections} if version else {}


def _require_editor(authority: Authority) -> None:
    if not can_edit_submission(current_user, authority):
        abort(403)


@bp.route("/self-assessment/upload", methods=["GET", "POST"])
@login_required
def upload(cycle_id: int, authority_id: int):
    cycle, authority, submission = _load(cycle_id, authority_id)
    _require_editor(authority)
    form = UploadForm()
    posted = run_form(
        form,
        lambda: services.upload_version(
            current_user, cycle, authority, form.file.data.filename or "", form.file.data.read()
        ),
        lambda version: _uploaded_message(cycle, version),
    )
    if posted.done:
        return redirect(_here(cycle, authority))
    return render_template(
        "submissions/upload.html",
        form=form,
        cycle=cycle,
        authority=authority,
        submission=submission,
        last_year=last_year(cycle, authority),
        today=uk_today(),
    ), posted.status


def _uploaded_message(cycle: Cycle, version: SubmissionVersion) -> tuple[str, str]:
    """What the person is told after an upload: a warning, not success, if no section was found in it."""
    if version.sections_found == 0:
        return (
            "This doesn't look like a self-assessment: none of the "
            f"{len(cycle.sections)} sections were found. Check you chose the right file, and that its "
            "headings are the template's section titles.",
            "warning",
        )
    return f"Version {version.number} has been uploaded. Check how it was split into sections.", "success"


@bp.route("/self-assessment/sections/<int:position>/edit", methods=["GET", "POST"])
@login_required
def edit_section(cycle_id: int, authority_id: int, position: int):
    cycle, authority, submission = _load(cycle_id, authority_id)
    _require_editor(authority)
    current = submission.current_version if submission else None
    if submission is None or current is None or not 0 <= position < len(current.sections):
        abort(404)
    section = current.sections[position]
    form = SectionEditForm()
    progress = section.template_section is not None and is_progress_section(section.template_section.title)
    page = partial(
        render_template,
        "submissions/edit_section.html",
        cycle=cycle,
        authority=authority,
        last_year=last_year(cycle, authority) if progress else None,
        progress=progress,
        data_pack=section_packs(cycle, authority, {section.template_section_id: section.markdown}),
        today=uk_today(),
    )
    if not form.is_submitted():
        form.markdown.data = section.markdown
        form.base_version.data = current.number
        return page(form=form, section=section)
    edit = save_edit(
        form,
        "markdown",
        lambda: services.edit_section(
            current_user, submission, position, form.markdown.data or "", form.base_version.data
        ),
        lambda _version: "Your changes have been saved as a new version.",
        lambda: _newest(submission).number,
    )
    if edit.saved:
        return redirect(_here(cycle, authority, _anchor=f"section-{position}"))
    # On a conflict the section as the newest version has it is shown beside the typed text.
    newest = _newest(submission).sections if edit.conflict else []
    conflict = newest[position] if position < len(newest) else None
    return page(form=form, section=section, conflict=conflict), edit.status


@bp.get("/self-assessment/versions/<int:number>/original")
@login_required
def download(cycle_id: int, authority_id: int, number: int):
    cycle, authority, submission = _load(cycle_id, authority_id)
    version = _version(authority, submission, number)
    if version is None or version.file is None:
        abort(404)
    stored = version.file
    run_service(lambda: services.record_download(current_user, cycle, authority, number))
    # Always an attachment with a fixed type: an uploaded file is never rendered by the browser.
    return send_file(
        BytesIO(stored.data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        max_age=0,
    )


def _confirm(cycle_id: int, authority_id: int, *, allowed, action, template: str, done: str):
    cycle, authority, submission = _load(cycle_id, authority_id)
    if not allowed(cycle, authority):
        abort(403)
    if submission is None:
        abort(404)
    return confirmation(
        template,
        lambda: action(current_user, submission),
        done,
        _here(cycle, authority),
        cycle=cycle,
        authority=authority,
        submission=submission,
    )


# The steps a self-assessment is confirmed through: endpoint (and its page in submissions/), address, who may
# (given the cycle and the authority), the change, and the message once done.
_CONFIRMATIONS = (
    (
        "sign_off",
        "/self-assessment/sign-off",
        lambda cycle, authority: can_sign_off_submission(current_user, authority),
        services.sign_off,
        "The self-assessment has been signed off.",
    ),
    (
        "mark_ready",
        "/self-assessment/ready",
        lambda cycle, authority: can_mark_submission_ready(current_user, authority),
        services.mark_ready,
        "The self-assessment is marked ready. Your director has been emailed to sign it off.",
    ),
)

for _endpoint, _rule, _allowed, _action, _done in _CONFIRMATIONS:
    _view = partial(
        _confirm, allowed=_allowed, action=_action, template=f"submissions/{_endpoint}.html", done=_done
    )
    bp.add_url_rule(_rule, _endpoint, login_required(_view), methods=["GET", "POST"])


@bp.route("/self-assessment/reopen", methods=["GET", "POST"])
@login_required
def reopen(cycle_id: int, authority_id: int):
    """The lead reopens a self-assessment; once reviews have started, a late authority's too."""
    cycle, authority, submission = _load(cycle_id, authority_id)
    if not can_reopen_submission(current_user, cycle):
        abort(403)
    return confirmation(
        "submissions/reopen.html",
        lambda: services.reopen_for(current_user, cycle, authority),
        "The self-assessment has been reopened. The authority can change it again.",
        _here(cycle, authority),
        cycle=cycle,
        authority=authority,
        submission=submission,
    )
