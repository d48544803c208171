"""The reviewer's list and review page, autosave, and the lead's list and reopening."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.assignments.access import review_writer_authority_ids
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.dates import uk_datetime
from peerchallenge.errors import EditConflict
from peerchallenge.extensions import csrf, db
from peerchallenge.forms import ConfirmForm, run_service
from peerchallenge.reviews import content as review_content
from peerchallenge.reviews import services
from peerchallenge.reviews.access import (
    can_manage_reviews,
    can_write_review,
    visible_co_reviews,
)
from peerchallenge.reviews.queries import assignments_of_reviewers, cycle_review_statuses, review_statuses
from peerchallenge.submissions.queries import find_submission

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
    abort(403)


def _page(assignment, review, values, *, errors=None, missing=None, conflict=None, status=200):
    cycle = assignment.cycle
    submission = find_submission(cycle, assignment.reviewed)
    version = submission.current_version if submission else None
    texts = {text.template_section_id: text for text in version.sections} if version else {}
    return render_template(
        "reviews/review.html",
        assignment=assignment,
        cycle=cycle,
        review=review,
        values=values,
        texts=texts,
        not_included={part.id for part in services.review_parts(assignment) if not part.included},
        errors=errors or {},
        missing=missing or {},
        conflict=conflict,
        co_reviews=visible_co_reviews(current_user, assignment, review),
        part=review_content.part,
        limits=review_content,
        form=ConfirmForm(),
    ), status


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, so that an expired form comes back with its text
@login_required
def review_page(assignment_id: int):
    assignment, writes = _load(assignment_id)
    review = services.find_review(assignment)
    if not writes:
        if request.method == "POST":
            abort(403)  # the lead and admins read reviews; only the reviewer changes them
        return render_template(
            "reviews/review_readonly_page.html",
            assignment=assignment,
            review=review,
            cycle=assignment.cycle,
            part=review_content.part,
            form=ConfirmForm(),
        )
    not_ready = services.not_ready_reason(assignment)
    if not_ready:
        flash(not_ready, "error")
        return redirect(url_for("reviews.my_reviews"))
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


def _save(assignment: Assignment, review):
    """Save or submit what the reviewer posted; every refusal brings the page back with their text."""
    values, errors, base_version = _posted(assignment)
    if not ConfirmForm().validate_on_submit():
        # An expired form must not lose a review someone spent an hour on: show it again to save.
        errors["version"] = "The page had expired, so nothing was saved. Your text is below: save it again."
        return _page(assignment, review, values, errors=errors, status=400)
    if errors or base_version is None:
        return _page(assignment, review, values, errors=errors or {"version": "Reload the page"}, status=400)
    submitting = request.form.get("action") == "submit"
    save = services.submit if submitting else services.save_draft
    done = f"Your review of {assignment.reviewed.name} has been submitted." if submitting else None
    saved = run_service(
        lambda: save(current_user, assignment, values, base_version),
        done or "Your draft has been saved.",
        show_error=False,
        commit_on=(services.IncompleteReview,),  # the draft is kept
    )
    if isinstance(saved.error, services.IncompleteReview):
        return _page(assignment, saved.error.review, values, missing=saved.error.missing, status=400)
    if isinstance(saved.error, EditConflict):
        current = services.find_review(assignment)
        return _page(assignment, current, values, conflict=current, status=409)
    if saved.error is not None:
        flash(saved.error.message, "error")
        return _page(assignment, review, values, status=400)
    return redirect(url_for("reviews.review_page", assignment_id=assignment.id))


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
    return render_template("reviews/reopen.html", assignment=assignment, review=review, form=form)
