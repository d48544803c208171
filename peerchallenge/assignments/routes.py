"""The lead's assignment pages, conflicts, and a director's delegation of reviews."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.queries import active_contributors
from peerchallenge.assignments import services
from peerchallenge.assignments.access import can_declare_conflict_for, can_manage_delegates
from peerchallenge.assignments.forms import ConflictForm, DelegateForm, authority_choices
from peerchallenge.assignments.models import AssignmentState, Conflict, Delegation
from peerchallenge.assignments.queries import cycle_assignments, cycle_groups, delegates_of, region_conflicts
from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.forms import ConfirmForm, button_action, confirmation, run_form, run_service
from peerchallenge.regions.models import Authority, Region
from peerchallenge.routing import get_allowed

bp = Blueprint("assignments", __name__)


def _pairs_by_reviewed(assignments) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for item in assignments:
        grouped.setdefault(item.reviewed_id, []).append(item.reviewer)
    return grouped


@bp.get("/cycles/<int:cycle_id>/assignments")
@login_required
def overview(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    published = cycle.assignments_published_at is not None
    state = AssignmentState.PUBLISHED if published else AssignmentState.PROPOSED
    if cycle.in_groups:
        return _groups_overview(cycle, published, state)
    assignments = cycle_assignments(cycle, state)
    evaluation = (
        services.evaluate_pairs(cycle, [(a.reviewer, a.reviewed) for a in assignments])
        if assignments
        else None
    )
    return render_template(
        "assignments/overview.html",
        cycle=cycle,
        published=published,
        assignments=assignments,
        reviewers=_pairs_by_reviewed(assignments),
        authorities=services.participants(cycle),
        evaluation=evaluation,
        replaced=cycle_assignments(cycle, AssignmentState.REPLACED) if published else [],
        form=ConfirmForm(),
    )


def _groups_overview(cycle, published: bool, state: AssignmentState):
    groups = cycle_groups(cycle, state)
    return render_template(
        "assignments/groups.html",
        cycle=cycle,
        published=published,
        groups=groups,
        evaluation=services.evaluate_grouping(cycle, [group.members for group in groups]) if groups else None,
        replaced=cycle_assignments(cycle, AssignmentState.REPLACED) if published else [],
        form=ConfirmForm(),
    )


@bp.post("/cycles/<int:cycle_id>/assignments/generate")
@login_required
def generate(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return button_action(
        lambda: services.generate_proposal(current_user, cycle),
        "A new assignment has been proposed. Check it, then publish it.",
        url_for("assignments.overview", cycle_id=cycle.id),
    )


def _posted_pairs(cycle) -> list[tuple[Authority, Authority]]:
    """The pairs in an adjust form: one select per reviewer slot, named reviewers-<reviewed id>."""
    authorities = {authority.id: authority for authority in services.participants(cycle)}
    pairs = []
    for reviewed_id, reviewed in authorities.items():
        for value in request.form.getlist(f"reviewers-{reviewed_id}")[: cycle.peers_per_authority]:
            valid = value.isascii() and value.isdigit() and len(value) < 12
            reviewer = authorities.get(int(value)) if valid else None
            if reviewer is None:
                abort(400)
            pairs.append((reviewer, reviewed))
    return pairs


@bp.route("/cycles/<int:cycle_id>/assignments/adjust", methods=["GET", "POST"])
@login_required
def adjust(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    if cycle.assignments_published_at is not None:
        flash("The assignment has been published. To change it, withdraw an authority.", "error")
        return redirect(url_for("assignments.overview", cycle_id=cycle.id))
    if cycle.in_groups:
        return _adjust_flow(
            cycle,
            posted=lambda: _posted_groups(cycle),
            save=lambda groups: services.save_adjusted_groups(current_user, cycle, groups),
            saved="Your changes to the groups have been saved.",
            proposed=lambda: [group.members for group in cycle_groups(cycle, AssignmentState.PROPOSED)],
            none_yet="Generate the groups first, then adjust them.",
            page=lambda form, groups: _adjust_groups_page(cycle, form, groups),
        )
    return _adjust_flow(
        cycle,
        posted=lambda: _posted_pairs(cycle),
        save=lambda pairs: services.save_adjusted_proposal(current_user, cycle, pairs),
        saved="Your changes to the proposal have been saved.",
        proposed=lambda: [
            (item.reviewer, item.reviewed) for item in cycle_assignments(cycle, AssignmentState.PROPOSED)
        ],
        none_yet="Generate an assignment first, then adjust it.",
        page=lambda form, pairs: render_template(
            "assignments/adjust.html", cycle=cycle, form=form, **_adjust_context(cycle, pairs)
        ),
    )


def _adjust_flow(cycle, *, posted, save, saved: str, proposed, none_yet: str, page):
    """Adjusting a proposal by hand, in pairs or in groups: a post reads the proposal from the form and saves
    it when asked (a 400 with the rules it breaks, if any); a get starts from the stored proposal."""
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        proposal = posted()
        if request.form.get("action") == "save":
            if run_service(lambda: save(proposal), saved):
                return redirect(url_for("assignments.overview", cycle_id=cycle.id))
            status = 400
    else:
        if request.method == "POST":
            abort(400)
        proposal = proposed()
        if not proposal:
            flash(none_yet, "error")
            return redirect(url_for("assignments.overview", cycle_id=cycle.id))
    return page(form, proposal), status


def _posted_groups(cycle) -> list[list[Authority]]:
    """The groups in an adjust form: a select per authority (group-<authority id>) with its group number."""
    groups: dict[int, list[Authority]] = {}
    for authority in services.participants(cycle):
        value = request.form.get(f"group-{authority.id}", "")
        if not (value.isascii() and value.isdigit() and 0 < len(value) < 4):
            abort(400)
        groups.setdefault(int(value), []).append(authority)
    return [groups[number] for number in sorted(groups)]


def _adjust_groups_page(cycle, form, groups: list[list[Authority]]) -> str:
    number_of = {member.id: number for number, members in enumerate(groups, start=1) for member in members}
    return render_template(
        "assignments/adjust_groups.html",
        cycle=cycle,
        form=form,
        groups=groups,
        authorities=services.participants(cycle),
        number_of=number_of,
        # One more choice than there are groups, so that a lead can start a new group.
        choices=range(1, len(groups) + 2),
        evaluation=services.evaluate_grouping(cycle, groups),
    )


def _adjust_context(cycle, pairs) -> dict:
    chosen: dict[int, list[int]] = {}
    for reviewer, reviewed in pairs:
        chosen.setdefault(reviewed.id, []).append(reviewer.id)
    return {
        "authorities": services.participants(cycle),
        "chosen": chosen,
        "evaluation": services.evaluate_pairs(cycle, pairs),
    }


@bp.post("/cycles/<int:cycle_id>/assignments/check")
@login_required
def check(cycle_id: int):
    """The evaluation of the adjust form as it stands, as an HTML fragment for the page's live check."""
    cycle = load_managed_cycle(cycle_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    evaluation = services.evaluate_pairs(cycle, _posted_pairs(cycle))
    return render_template("assignments/_evaluation.html", evaluation=evaluation, cycle=cycle)


def _confirm(cycle, template: str, action, done: str, **context):
    back = url_for("assignments.overview", cycle_id=cycle.id)
    return confirmation(template, action, done, back, cycle=cycle, **context)


@bp.route("/cycles/<int:cycle_id>/assignments/publish", methods=["GET", "POST"])
@login_required
def publish(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return _confirm(
        cycle,
        "assignments/publish.html",
        lambda: services.publish(current_user, cycle),
        "The assignment has been published and the directors have been told.",
        count=len(cycle_assignments(cycle, AssignmentState.PROPOSED)),
    )


@bp.route("/cycles/<int:cycle_id>/assignments/withdraw/<int:authority_id>", methods=["GET", "POST"])
@login_required
def withdraw(cycle_id: int, authority_id: int):
    cycle = load_managed_cycle(cycle_id)
    authority = db.get_or_404(Authority, authority_id)
    if authority.region_id != cycle.region_id:
        abort(404)
    plan = None
    if request.method == "GET":
        try:
            plan = services.plan_withdrawal(cycle, authority)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(url_for("assignments.overview", cycle_id=cycle.id))
    return _confirm(
        cycle,
        "assignments/withdraw.html",
        lambda: services.withdraw_authority(current_user, cycle, authority),
        f"{authority.name} has been withdrawn and its reviews reassigned.",
        authority=authority,
        plan=plan,
    )


def _conflict_page(region: Region, form: ConflictForm, fixed: Authority | None):
    """Record a conflict from a lead's region page (two choices) or a director's authority (one)."""
    others = [a for a in region.authorities if fixed is None or a.id != fixed.id]
    form.first.choices = authority_choices(region.authorities, "Select an authority")
    form.other.choices = authority_choices(others, "Select an authority")
    if fixed is not None:
        form.first.data = fixed.id
    by_id = {authority.id: authority for authority in region.authorities}
    posted = run_form(
        form,
        lambda: services.declare_conflict(
            current_user, by_id[form.first.data], by_id[form.other.data], form.reason.data or ""
        ),
        "The conflict has been recorded. Assignments will respect it.",
    )
    if posted.done:
        return redirect(request.path)
    conflicts = region_conflicts(region.id)
    if fixed is not None:
        conflicts = [c for c in conflicts if fixed.id in (c.first_authority_id, c.second_authority_id)]
    return render_template(
        "assignments/conflicts.html",
        region=region,
        form=form,
        fixed=fixed,
        conflicts=conflicts,
        can_remove=can_manage_region(current_user, region),
    ), posted.status


@bp.route("/regions/<int:region_id>/conflicts", methods=["GET", "POST"])
@login_required
def region_conflict_list(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region)
    return _conflict_page(region, ConflictForm(), None)


@bp.route("/authorities/<int:authority_id>/conflicts", methods=["GET", "POST"])
@login_required
def authority_conflicts(authority_id: int):
    authority = get_allowed(Authority, authority_id, can_declare_conflict_for)
    return _conflict_page(authority.region, ConflictForm(), authority)


@bp.route("/conflicts/<int:conflict_id>/remove", methods=["GET", "POST"])
@login_required
def remove_conflict(conflict_id: int):
    conflict = db.get_or_404(Conflict, conflict_id)
    region = conflict.first_authority.region
    if not can_manage_region(current_user, region):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit() and run_service(
        lambda: services.remove_conflict(current_user, conflict), "The conflict has been removed."
    ):
        return redirect(url_for("assignments.region_conflict_list", region_id=region.id))
    return render_template("assignments/remove_conflict.html", conflict=conflict, form=form, region=region)


@bp.route("/authorities/<int:authority_id>/delegates", methods=["GET", "POST"])
@login_required
def delegates(authority_id: int):
    authority = get_allowed(Authority, authority_id, can_manage_delegates)
    contributors = active_contributors(authority)
    form = DelegateForm()
    form.delegate.choices = authority_choices(contributors, "Select a contributor")
    posted = run_form(
        form,
        lambda: services.nominate_delegate(
            current_user,
            authority,
            next(user for user in contributors if user.id == form.delegate.data),
            may_submit=bool(form.may_submit.data),
        ),
        lambda delegation: f"{delegation.delegate.name} can now draft {authority.name}'s reviews.",
    )
    if posted.done:
        return redirect(request.path)
    return render_template(
        "assignments/delegates.html",
        authority=authority,
        form=form,
        delegations=delegates_of([authority.id]),
        remove_form=ConfirmForm(),
    ), posted.status


def _delegation(authority_id: int, delegation_id: int) -> tuple[Authority, Delegation]:
    """The authority's delegation, for its director; 404 if it belongs to another authority."""
    authority = get_allowed(Authority, authority_id, can_manage_delegates)
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.authority_id != authority.id:
        abort(404)
    return authority, delegation


@bp.post("/authorities/<int:authority_id>/delegates/<int:delegation_id>/submitting")
@login_required
def delegate_submitting(authority_id: int, delegation_id: int):
    """The director lets a delegate submit reviews on their behalf, or stops them."""
    authority, delegation = _delegation(authority_id, delegation_id)
    may_submit = request.form.get("may_submit") == "yes"
    name = delegation.delegate.name
    return button_action(
        lambda: services.set_may_submit(current_user, delegation, may_submit),
        f"{name} can now submit reviews on your behalf."
        if may_submit
        else f"{name} can draft reviews but no longer submit them.",
        url_for("assignments.delegates", authority_id=authority.id),
    )


@bp.post("/authorities/<int:authority_id>/delegates/<int:delegation_id>/remove")
@login_required
def remove_delegate(authority_id: int, delegation_id: int):
    authority, delegation = _delegation(authority_id, delegation_id)
    return button_action(
        lambda: services.remove_delegate(current_user, delegation),
        "They can no longer draft reviews.",
        url_for("assignments.delegates", authority_id=authority.id),
    )
