"""The lead's pages for creating a cycle, editing its template, and opening it."""

from datetime import date

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.cycles import services
from peerchallenge.cycles.forms import CycleForm, SectionForm
from peerchallenge.cycles.models import Cycle, TemplateSection
from peerchallenge.extensions import db
from peerchallenge.forms import button_action, confirmation, run_service
from peerchallenge.regions.models import Region
from peerchallenge.routing import get_allowed
from peerchallenge.submissions.queries import submission_statuses

bp = Blueprint("cycles", __name__)


def load_managed_cycle(cycle_id: int) -> Cycle:
    """The cycle, if the signed-in person runs its region (404 if missing, 403 if not theirs)."""
    cycle = db.get_or_404(Cycle, cycle_id)
    if not can_manage_region(current_user, cycle.region):
        abort(403)
    return cycle


def _section(cycle: Cycle, section_id: int) -> TemplateSection:
    section = next((section for section in cycle.sections if section.id == section_id), None)
    if section is None:
        abort(404)
    return section


def _details(form: CycleForm) -> dict:
    return {name: getattr(form, name).data for name in services.DETAIL_FIELDS}


@bp.route("/regions/<int:region_id>/cycles/new", methods=["GET", "POST"])
@login_required
def new_cycle(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region)
    form = CycleForm()
    if not form.is_submitted():
        year = date.today().year
        form.title.data = f"{region.name} peer challenge {year}"
        form.year.data = year
    if form.validate_on_submit():
        created = run_service(
            lambda: services.create_cycle(current_user, region, **_details(form)),
            "The cycle has been created with the default template. Check the template, then open it.",
            form=form,
        )
        if created.value is not None:
            return redirect(url_for("cycles.cycle_detail", cycle_id=created.value.id))
    return render_template("cycles/cycle_form.html", form=form, region=region, cycle=None)


@bp.get("/cycles/<int:cycle_id>")
@login_required
def cycle_detail(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return render_template("cycles/cycle_detail.html", cycle=cycle, statuses=submission_statuses(cycle))


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cycle(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    form = CycleForm(obj=cycle)
    if form.validate_on_submit() and run_service(
        lambda: services.update_cycle(current_user, cycle, **_details(form)),
        "The cycle has been saved.",
        form=form,
    ):
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id))
    return render_template("cycles/cycle_form.html", form=form, region=cycle.region, cycle=cycle)


@bp.route("/cycles/<int:cycle_id>/sections/new", methods=["GET", "POST"])
@login_required
def new_section(cycle_id: int):
    return _section_page(load_managed_cycle(cycle_id), None)


@bp.route("/cycles/<int:cycle_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(cycle_id: int, section_id: int):
    cycle = load_managed_cycle(cycle_id)
    return _section_page(cycle, _section(cycle, section_id))


def _section_page(cycle: Cycle, section: TemplateSection | None):
    """The form for a new section (`section` None) or for changing one; back to the template once saved."""
    form = SectionForm(obj=section)

    def save():
        fields = _section_fields(form)
        if section is None:
            return services.add_section(current_user, cycle, **fields)
        return services.update_section(current_user, section, **fields)

    message = "The section has been added." if section is None else "The section has been saved."
    if form.validate_on_submit() and run_service(save, message, form=form):
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id, _anchor="template"))
    page = render_template("cycles/section_form.html", form=form, cycle=cycle, section=section)
    return page, 400 if form.is_submitted() else 200


def _section_fields(form: SectionForm) -> dict:
    return {
        "title": form.title.data.strip(),
        "guidance": form.guidance.data or "",
        "suggested_words": form.suggested_words.data,
        "optional": bool(form.optional.data),
        "other_headings": list(form.other_headings.data or []),
    }


@bp.post("/cycles/<int:cycle_id>/sections/<int:section_id>/move/<direction>")
@login_required
def move_section(cycle_id: int, section_id: int, direction: str):
    cycle = load_managed_cycle(cycle_id)
    section = _section(cycle, section_id)
    if direction not in ("up", "down"):
        abort(400)
    return button_action(
        lambda: services.move_section(current_user, section, -1 if direction == "up" else 1),
        None,
        url_for("cycles.cycle_detail", cycle_id=cycle.id, _anchor="template"),
    )


@bp.route("/cycles/<int:cycle_id>/sections/<int:section_id>/remove", methods=["GET", "POST"])
@login_required
def remove_section(cycle_id: int, section_id: int):
    cycle = load_managed_cycle(cycle_id)
    section = _section(cycle, section_id)
    return confirmation(
        "cycles/remove_section.html",
        lambda: services.remove_section(current_user, section),
        "The section has been removed.",
        url_for("cycles.cycle_detail", cycle_id=cycle.id, _anchor="template"),
        cycle=cycle,
        section=section,
    )


@bp.route("/cycles/<int:cycle_id>/open", methods=["GET", "POST"])
@login_required
def open_cycle(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return confirmation(
        "cycles/open_cycle.html",
        lambda: services.open_cycle(current_user, cycle),
        "The cycle is open. Authorities can now upload their self-assessments.",
        url_for("cycles.cycle_detail", cycle_id=cycle.id),
        cycle=cycle,
    )
