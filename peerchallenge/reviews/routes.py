"""The reviewer's list and review page, autosave, the lead's list and reopening, and a peer group's page."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import Role
from peerchallenge.accounts.queries import authority_users
from peerchallenge.actions.queries import last_year
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.access import can_view_group, review_writer_authority_ids
from peerchallenge.assignments.forms import GroupRoleForm
from peerchallenge.assignments.models import Assignment, AssignmentState, ReviewGroup
from peerchallenge.assignments.queries import group_grants
from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.datapack.queries import section_packs
from peerchallenge.dates import uk_datetime, uk_today
from peerchallenge.error_pages import render_error
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import csrf, db
from peerchallenge.forms import ConfirmForm, run_form, run_service
from peerchallenge.inspections.queries import inspection_summary
from peerchallenge.moderation.queries import submitted_comments
from peerchallenge.reviews import content as review_content
from peerchallenge.reviews import services
from peerchallenge.reviews.access import (
    can_manage_reviews,
    can_read_group_review,
    can_submit_review,
    can_write_review,
    visible_co_reviews,
)
from peerchallenge.reviews.queries import assignments_of_reviewers, cycle_review_statuses, review_statuses
from peerchallenge.routing import get_allowed
from peerchallenge.submissions.queries import find_submission, written_in

bp = Blueprint("reviews", __name__)


@bp.get("/reviews")
@login_required
def my_reviews():
    statuses = review_statuses(assignments_of_reviewers(review_writer_authority_ids(current_user)))
    return render_template("reviews/my_reviews.html", statuses=statuses)


def _load(assignment_id: int) -> tuple[Assignment, bool]:
    """The assignment and whether the signed-in person writes it (else they manage it); 403 for others."""
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.state == AssignmentState.PROPOSED:
        abort(404)
    # Only published pairings are written; a replaced one's review stays readable by the lead.
    if can_write_review(current_user, assignment):
        return assignment, True
    if can_manage_reviews(current_user, assignment):
        return assignment, False
    if can_read_group_review(current_user, assignment, services.find_review(assignment)):
        return assignment, False
    abort(403)


def _page(assignment, review, values, *, errors=None, missing=None, conflict=None, status=200):
    cycle = assignment.cycle
    submission = find_submission(cycle, assignment.reviewed)
    version = submission.current_version if submission else None
    texts = {text.template_section_id: text for text in version.sections} if version else {}
    parts = services.template_parts(cycle, written_in(version))
    return render_template(
        "reviews/review.html",
        assignment=assignment,
        cycle=cycle,
        review=review,
        values=values,
        texts=texts,
        progress=services.progress(assignment, values, parts),
        can_submit=can_submit_review(current_user, assignment),
        directors=authority_users(assignment.reviewer_id, Role.DIRECTOR),
        not_included={part.id for part in parts if not part.included},
        authority=assignment.reviewed,
        submission=submission,
        inspections=inspection_summary(cycle, assignment.reviewed),
        data_pack=section_packs(cycle, assignment.reviewed, texts),
        can_record_inspections=False,
        last_year=last_year(cycle, assignment.reviewed),
        today=uk_today(),
        errors=errors or {},
        missing=missing or {},
        conflict=conflict,
        co_reviews=visible_co_reviews(current_user, assignment, review),
        moderation_comments=submitted_comments(cycle, assignment.reviewed_id) if cycle.moderation else [],
        part=review_content.part,
        limits=review_content,
        form=ConfirmForm(),
    ), status


def _back_unless_signed_off(assignment: Assignment):
    """Back to the reviewer's list, saying why, while the reviewed self-assessment is not signed off."""
    not_ready = services.not_ready_reason(assignment)
    if not_ready is None:
        return None
    flash(not_ready, "error")
    return redirect(url_for("reviews.my_reviews"))


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with its text
@login_required
def review_page(assignment_id: int):
    assignment, writes = _load(assignment_id)
    review = services.find_review(assignment)
    closed = services.closed_reason(assignment.cycle)
    if writes and closed and review is None:
        flash(closed, "error")  # nothing written, and nothing can be now
        return redirect(url_for("reviews.my_reviews"))
    if not writes or closed:
        if request.method == "POST":
            # The lead and admins read reviews; the reviewer changes them only while reviews are open.
            abort(403 if not writes else 409)
        return render_template(
            "reviews/review_readonly_page.html",
            assignment=assignment,
            review=review,
            cycle=assignment.cycle,
            part=review_content.part,
            form=ConfirmForm(),
            can_reopen=can_manage_reviews(current_user, assignment),
        )
    if back := _back_unless_signed_off(assignment):
        return back
    if request.method != "POST":  # GET, and HEAD with it
        return _page(assignment, review, review.content if review else {})
    if review is not None and review.is_submitted:
        return _page(assignment, review, review.content, status=409)
    return _save(assignment, review)


def _posted(assignment: Assignment) -> tuple[dict, dict[str, str], int | None]:
    """The review as posted, the fields' errors, and the version the page was opened on."""
    cycle = assignment.cycle
    values, errors = review_content.read_form(
        request.form, services.review_parts(assignment), services.scales(cycle)
    )
    return values, errors, request.form.get("version", type=int)


# What each button of the review form does: the service it runs and what the person is told.
ACTIONS = {
    "save": (services.save_draft, "Your draft has been saved."),
    # Submitting goes through the check-your-answers page: the draft is saved complete first.
    "submit": (services.save_complete_draft, None),
    "ready": (services.mark_ready, "Your review is marked ready. Your director has been emailed."),
}


def _save(assignment: Assignment, review):
    """Save, check before submitting, or mark ready; every refusal brings the page back with their text."""
    values, errors, base_version = _posted(assignment)
    if not ConfirmForm().validate_on_submit():
        # An expired form must not lose a review someone spent an hour on: show it again to save.
        errors["version"] = "The page had expired, so nothing was saved. Your text is below: save it again."
        return _page(assignment, review, values, errors=errors, status=400)
    if errors or base_version is None:
        return _page(assignment, review, values, errors=errors or {"version": "Reload the page"}, status=400)
    action = request.form.get("action", "save")
    service, done = ACTIONS.get(action, ACTIONS["save"])
    saved = run_service(
        lambda: service(current_user, assignment, values, base_version),
        done,
        show_error=False,
        commit_on=(services.IncompleteReview,),  # the draft is kept
    )
    if saved.error is not None:
        return _refused(assignment, review, values, saved.error)
    endpoint = "reviews.check_answers" if action == "submit" else "reviews.review_page"
    return redirect(url_for(endpoint, assignment_id=assignment.id))


def _refused(assignment: Assignment, review, values: dict, error: ServiceError):
    """The review form again after a refusal: what is missing, the newer version beside theirs, or why."""
    if isinstance(error, services.IncompleteReview):
        return _page(assignment, error.review, values, missing=error.missing, status=400)
    if isinstance(error, EditConflict):
        current = services.find_review(assignment)
        return _page(assignment, current, values, conflict=current, status=409)
    if isinstance(error, services.NotAllowedToSubmit):
        return render_error(403, error.message)
    flash(error.message, "error")
    return _page(assignment, review, values, status=400)


@bp.route("/reviews/<int:assignment_id>/check", methods=["GET", "POST"])
@login_required
def check_answers(assignment_id: int):
    """The whole review on one page before it is submitted; its button submits the version shown."""
    assignment, writes = _load(assignment_id)
    if not writes:
        abort(403)
    if back := _back_unless_signed_off(assignment):
        return back
    review = services.find_review(assignment)
    if review is None or review.is_submitted or services.missing_ratings(assignment, review.content):
        return redirect(url_for("reviews.review_page", assignment_id=assignment.id))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _check_page(assignment, review, form)
    done = f"Your review of {assignment.reviewed.name} has been submitted."
    version = request.form.get("version", type=int) or 0
    saved = run_service(
        lambda: services.submit(current_user, assignment, review.content, version), done, show_error=False
    )
    if saved.error is not None:
        return _refused(assignment, review, review.content, saved.error)
    return redirect(url_for("reviews.review_page", assignment_id=assignment.id))


def _check_page(assignment: Assignment, review, form: ConfirmForm):
    return render_template(
        "reviews/check_answers.html",
        assignment=assignment,
        cycle=assignment.cycle,
        review=review,
        shown=review.content,
        part=review_content.part,
        not_included={part.id for part in services.review_parts(assignment) if not part.included},
        can_submit=can_submit_review(current_user, assignment),
        form=form,
    )


@bp.post("/reviews/<int:assignment_id>/autosave")
@login_required
def autosave(assignment_id: int):
    """Save a draft as the reviewer types; answers in JSON for the page's script."""
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.state != AssignmentState.PUBLISHED or not can_write_review(current_user, assignment):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        return jsonify(message="Your session has expired. Save the page to keep your changes."), 400
    values, errors, base_version = _posted(assignment)
    if errors or base_version is None:
        return jsonify(message="Not saved automatically: " + "; ".join(errors.values())), 400
    saved = run_service(
        lambda: services.save_draft(current_user, assignment, values, base_version), show_error=False
    )
    if isinstance(saved.error, EditConflict):
        message = "Someone else has changed this review. Save the page to compare the versions."
        return jsonify(message=message), 409
    if saved.error is not None or saved.value is None:
        return jsonify(message=saved.error.message if saved.error else "Not saved"), 409
    return jsonify(version=saved.value.version, saved_at=uk_datetime(saved.value.updated_at))


@bp.get("/cycles/<int:cycle_id>/reviews")
@login_required
def cycle_reviews(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return render_template("reviews/cycle_reviews.html", cycle=cycle, statuses=cycle_review_statuses(cycle))


@bp.route("/reviews/<int:assignment_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.state != AssignmentState.PUBLISHED:
        abort(404)
    if not can_manage_reviews(current_user, assignment):
        abort(403)
    review = services.find_review(assignment)
    if review is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(
            lambda: services.reopen(current_user, review),
            "The review has been reopened. The reviewer can change it and submit it again.",
        )
        return redirect(url_for("reviews.review_page", assignment_id=assignment.id))
    return render_template(
        "reviews/reopen.html", assignment=assignment, cycle=assignment.cycle, review=review, form=form
    )


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@login_required
def group(group_id: int):
    """A peer group: members, self-assessments and reviews; the lead adds an observer or a consultant."""
    review_group = get_allowed(ReviewGroup, group_id, can_view_group)
    cycle = review_group.cycle
    manages = can_manage_region(current_user, cycle.region)
    form = GroupRoleForm()
    posted_status = 200
    if request.method == "POST":
        if not manages:
            abort(403)
        posted = run_form(
            form,
            lambda: assignment_services.add_group_role(
                current_user, review_group, Role(form.role.data), form.email.data or "", form.name.data or ""
            ),
            lambda user: f"{user.name} has been added to {review_group.name}.",
        )
        if posted.done:
            return redirect(request.path)
        posted_status = posted.status
    member_ids = {member.id for member in review_group.members}
    statuses = [
        status
        for status in cycle_review_statuses(cycle)
        if status.assignment.reviewer_id in member_ids and status.assignment.reviewed_id in member_ids
    ]
    return render_template(
        "reviews/group.html",
        group=review_group,
        cycle=cycle,
        manages=manages,
        form=form,
        submissions={member.id: find_submission(cycle, member) for member in review_group.members},
        statuses=statuses,
        people=group_grants(review_group),
    ), posted_status
