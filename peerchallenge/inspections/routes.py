"""Pages for an authority's own grades (with its self-assessment) and its inspections."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.forms import confirmation, run_form
from peerchallenge.inspections import services
from peerchallenge.inspections.access import can_list_inspections, can_record_inspections
from peerchallenge.inspections.forms import InspectionForm, own_grades_form
from peerchallenge.inspections.framework import AREA_ORDER
from peerchallenge.inspections.models import Inspection
from peerchallenge.inspections.queries import inspections_of, own_grade_areas, own_grades
from peerchallenge.regions.models import Authority
from peerchallenge.routing import get_allowed

bp = Blueprint("inspections", __name__)


SELF_ASSESSMENT = "/cycles/<int:cycle_id>/authorities/<int:authority_id>/self-assessment"


@bp.route(f"{SELF_ASSESSMENT}/own-grades", methods=["GET", "POST"])
@login_required
def own_grades_page(cycle_id: int, authority_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    authority = db.get_or_404(Authority, authority_id)
    if authority.region_id != cycle.region_id or cycle.is_draft:
        abort(404)
    if not can_record_inspections(current_user, authority):
        abort(403)
    areas = own_grade_areas(cycle)
    form = own_grades_form(areas, own_grades(cycle, authority))
    posted = run_form(
        form,
        lambda: services.save_own_grades(
            current_user,
            cycle,
            authority,
            {area: form[services.grade_field(area)].data or "" for area in areas},
        ),
        "Your grades have been saved.",
    )
    if posted.done:
        return redirect(
            url_for("submissions.view", cycle_id=cycle.id, authority_id=authority.id, _anchor="own-grades")
        )
    page = render_template("inspections/own_grades.html", form=form, cycle=cycle, authority=authority)
    return page, posted.status


@bp.get("/authorities/<int:authority_id>/inspections")
@login_required
def inspection_list(authority_id: int):
    authority = get_allowed(Authority, authority_id, can_list_inspections)
    return render_template(
        "inspections/list.html",
        authority=authority,
        inspections=inspections_of(authority),
        can_record=can_record_inspections(current_user, authority),
    )


def _recordable(authority_id: int) -> Authority:
    return get_allowed(Authority, authority_id, can_record_inspections)


def _inspection(authority: Authority, inspection_id: int) -> Inspection:
    inspection = db.get_or_404(Inspection, inspection_id)
    if inspection.authority_id != authority.id:
        abort(404)
    return inspection


def _list(authority: Authority) -> str:
    return url_for("inspections.inspection_list", authority_id=authority.id)


@bp.route(
    "/authorities/<int:authority_id>/inspections/new", methods=["GET", "POST"], endpoint="new_inspection"
)
@bp.route(
    "/authorities/<int:authority_id>/inspections/<int:inspection_id>/edit",
    methods=["GET", "POST"],
    endpoint="edit_inspection",
)
@login_required
def inspection_page(authority_id: int, inspection_id: int | None = None):
    """The form for a new inspection (no `inspection_id`) or for changing one; back to the list once saved."""
    authority = _recordable(authority_id)
    inspection = None if inspection_id is None else _inspection(authority, inspection_id)
    form = InspectionForm()
    if inspection is not None and not form.is_submitted():
        form.kind.data = inspection.kind.value
        form.inspected_on.data = inspection.inspected_on
        form.areas_for_improvement.data = "\n".join(inspection.areas_for_improvement)
        grades = inspection.grades
        for area in AREA_ORDER:
            grade = grades.get(area)
            form[services.grade_field(area)].data = grade.value if grade else ""

    def save():
        kind, day = form.kind.data or "", form.inspected_on.data
        grades = {area: form[services.grade_field(area)].data or "" for area in AREA_ORDER}
        areas = (form.areas_for_improvement.data or "").splitlines()
        if inspection is None:
            return services.add_inspection(
                current_user,
                authority,
                kind=kind,
                inspected_on=day,
                grades=grades,
                areas_for_improvement=areas,
            )
        return services.update_inspection(
            current_user,
            inspection,
            kind=kind,
            inspected_on=day,
            grades=grades,
            areas_for_improvement=areas,
        )

    posted = run_form(form, save, "The inspection has been saved.")
    if posted.done:
        return redirect(_list(authority))
    page = render_template(
        "inspections/inspection_form.html", form=form, authority=authority, inspection=inspection
    )
    return page, posted.status


@bp.route("/authorities/<int:authority_id>/inspections/<int:inspection_id>/remove", methods=["GET", "POST"])
@login_required
def remove_inspection(authority_id: int, inspection_id: int):
    authority = _recordable(authority_id)
    inspection = _inspection(authority, inspection_id)
    return confirmation(
        "inspections/remove.html",
        lambda: services.remove_inspection(current_user, inspection),
        "The inspection has been removed.",
        _list(authority),
        authority=authority,
        inspection=inspection,
    )
