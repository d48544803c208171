"""Moderation pages: the lead's allocation; a moderator's list, comments form and submission."""

from functools import partial

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.forms import ConfirmForm, button_action, confirmation, save_edit
from peerchallenge.moderation import services
from peerchallenge.moderation.access import can_view_moderation, can_write_moderation
from peerchallenge.moderation.forms import CommentsForm
from peerchallenge.moderation.models import AllocationState, ModerationAssignment
from peerchallenge.moderation.queries import allocation, moderation_of, progress_by_authority
from peerchallenge.routing import get_allowed

bp = Blueprint("moderation", __name__)


def _overview_url(cycle_id: int) -> str:
    return url_for("moderation.overview", cycle_id=cycle_id)


@bp.get("/cycles/<int:cycle_id>/moderation")
@login_required
def overview(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    if not cycle.moderation:
        return render_template("moderation/overview.html", cycle=cycle, off=True)
    published = allocation(cycle, AllocationState.PUBLISHED)
    authority_ids = sorted({row.authority_id for row in published})
    return render_template(
        "moderation/overview.html",
        cycle=cycle,
        published=published,
        proposed=allocation(cycle, AllocationState.PROPOSED),
        progress=progress_by_authority(cycle, authority_ids),
        waiting=len(services.to_allocate(cycle)),
        moderators=len(services.moderators_of_region(cycle.region_id)),
        allocating=cycle.state in services.ALLOCATING_STATES,
        form=ConfirmForm(),
    )


@bp.post("/cycles/<int:cycle_id>/moderation/generate")
@login_required
def generate(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return button_action(
        lambda: services.generate(current_user, cycle),
        "Moderators have been proposed. Check them, then publish.",
        _overview_url(cycle.id),
    )


@bp.route("/cycles/<int:cycle_id>/moderation/publish", methods=["GET", "POST"])
@login_required
def publish(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    proposed = allocation(cycle, AllocationState.PROPOSED)
    return confirmation(
        "moderation/publish.html",
        lambda: services.publish(current_user, cycle),
        "The moderators have been published."
        + (
            " They have been emailed." if cycle.in_moderation else " They are emailed when moderation starts."
        ),
        _overview_url(cycle.id),
        cycle=cycle,
        count=len({row.authority_id for row in proposed}),
        moderators=len({row.moderator_id for row in proposed}),
    )


@bp.get("/moderation")
@login_required
def my_moderation():
    return render_template("moderation/mine.html", rows=moderation_of(current_user), today=uk_today())


def _load(row_id: int) -> ModerationAssignment:
    return get_allowed(ModerationAssignment, row_id, can_view_moderation)


@bp.route("/moderation/<int:row_id>", methods=["GET", "POST"])
@login_required
def comments(row_id: int):
    row = _load(row_id)
    writes = can_write_moderation(current_user, row)
    page = partial(
        render_template,
        "moderation/comments.html",
        row=row,
        cycle=row.cycle,
        authority=row.authority,
        writes=writes,
        closed=services.closed_reason(row),
        confirm=ConfirmForm(),
        today=uk_today(),
    )
    form = CommentsForm()
    if not form.is_submitted():
        form.evidence_comment.data = row.evidence_comment
        form.data_comment.data = row.data_comment
        form.base_version.data = row.version
        return page(form=form)
    if not writes:
        abort(403)
    edit = save_edit(
        form,
        "evidence_comment",
        lambda: services.save_comments(
            current_user,
            row,
            evidence=form.evidence_comment.data or "",
            data=form.data_comment.data or "",
            base_version=form.base_version.data,
        ),
        lambda _version: "Your comments have been saved. Submit them when they are finished.",
        lambda: _newest_version(row.id),
    )
    if edit.saved:
        return redirect(url_for("moderation.comments", row_id=row.id))
    return page(form=form, conflict=_fresh(row.id) if edit.conflict else None), edit.status


def _fresh(row_id: int) -> ModerationAssignment | None:
    db.session.expire_all()
    return db.session.get(ModerationAssignment, row_id)


def _newest_version(row_id: int) -> int:
    fresh = _fresh(row_id)
    return fresh.version if fresh else 0


@bp.route("/moderation/<int:row_id>/submit", methods=["GET", "POST"])
@login_required
def submit(row_id: int):
    row = get_allowed(ModerationAssignment, row_id, can_write_moderation)
    return confirmation(
        "moderation/submit.html",
        lambda: services.submit_comments(current_user, row),
        f"Your comments on {row.authority.name}'s self-assessment have been submitted.",
        url_for("moderation.comments", row_id=row.id),
        row=row,
        cycle=row.cycle,
    )
