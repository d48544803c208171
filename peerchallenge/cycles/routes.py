"""The lead's pages for creating a cycle, editing its template and rubric, and opening it."""

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.cycles import lifecycle, next_year, services
from peerchallenge.cycles.forms import CycleForm, LevelForm, ScaleForm, SectionForm, SectionRatingsForm
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.extensions import db
from peerchallenge.forms import ConfirmForm, button_action, confirmation, run_form, run_service
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


class _WithId(Protocol):
    id: int


Part = TypeVar("Part", bound=_WithId)


def _part(parts: Iterable[Part], part_id: int) -> Part:
    """The one of a cycle's sections or scales, or a scale's levels, with this id (404 if none is)."""
    part = next((part for part in parts if part.id == part_id), None)
    if part is None:
        abort(404)
    return part


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
    return render_template(
        "cycles/cycle_detail.html",
        cycle=cycle,
        statuses=submission_statuses(cycle),
        next_move=lifecycle.next_move(cycle),
        back_move=lifecycle.back_move(cycle),
        holds=lifecycle.holding(cycle),
    )


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cycle(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    form = CycleForm(obj=cycle)
    saved = "The cycle has been saved."
    posted = run_form(form, lambda: services.update_cycle(current_user, cycle, **_details(form)), saved)
    if posted.done:
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id))
    page = render_template("cycles/cycle_form.html", form=form, region=cycle.region, cycle=cycle)
    return page, posted.status


@bp.route("/cycles/<int:cycle_id>/sections/new", methods=["GET", "POST"], endpoint="new_section")
@bp.route(
    "/cycles/<int:cycle_id>/sections/<int:section_id>/edit", methods=["GET", "POST"], endpoint="edit_section"
)
@login_required
def section_page(cycle_id: int, section_id: int | None = None):
    """The form for a new section (no `section_id`) or for changing one; back to the template once saved."""
    cycle = load_managed_cycle(cycle_id)
    section = None if section_id is None else _part(cycle.sections, section_id)
    form = SectionForm(obj=section)

    def save():
        fields = _section_fields(form)
        if section is None:
            return services.add_section(current_user, cycle, **fields)
        return services.update_section(current_user, section, **fields)

    message = "The section has been added." if section is None else "The section has been saved."
    posted = run_form(form, save, message)
    if posted.done:
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id, _anchor="template"))
    page = render_template("cycles/section_form.html", form=form, cycle=cycle, section=section)
    return page, posted.status


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
    section = _part(cycle.sections, section_id)
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
    section = _part(cycle.sections, section_id)
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


# --- The rubric ---------------------------------------------------------------------------------------------


def _to_rubric(cycle: Cycle, anchor: str | None = None):
    return redirect(url_for("cycles.rubric", cycle_id=cycle.id, _anchor=anchor))


@bp.route("/cycles/<int:cycle_id>/rubric", methods=["GET", "POST"])
@login_required
def rubric(cycle_id: int):
    """The scales, their levels and the sections they apply to; and whether section ratings are required."""
    cycle = load_managed_cycle(cycle_id)
    form = SectionRatingsForm(obj=cycle)
    required = bool(form.section_ratings_required.data)
    posted = run_form(
        form,
        lambda: services.set_section_ratings_required(current_user, cycle, required),
        "The rubric has been saved.",
    )
    if posted.done:
        return _to_rubric(cycle)
    return render_template("cycles/rubric.html", cycle=cycle, form=form), posted.status


@bp.route("/cycles/<int:cycle_id>/rubric/sections", methods=["GET", "POST"])
@login_required
def section_scales(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    form = ConfirmForm()
    if request.method == "POST":
        chosen = _chosen_scales(cycle)
        if (
            chosen is not None
            and form.validate_on_submit()
            and run_service(
                lambda: services.set_section_scales(current_user, cycle, chosen),
                "The scales of the sections have been saved.",
            )
        ):
            return _to_rubric(cycle, "sections")
        return render_template("cycles/section_scales.html", cycle=cycle, form=form), 400
    return render_template("cycles/section_scales.html", cycle=cycle, form=form)


def _chosen_scales(cycle: Cycle) -> dict[int, set[int]] | None:
    """The scale ids ticked for each section; None when the form holds something that is not an id."""
    try:
        return {
            section.id: {int(value) for value in request.form.getlist(f"section-{section.id}")[:100]}
            for section in cycle.sections
        }
    except ValueError:
        return None


@bp.route("/cycles/<int:cycle_id>/scales/new", methods=["GET", "POST"], endpoint="new_scale")
@bp.route("/cycles/<int:cycle_id>/scales/<int:scale_id>/edit", methods=["GET", "POST"], endpoint="edit_scale")
@login_required
def scale_page(cycle_id: int, scale_id: int | None = None):
    """The form for a new scale (no `scale_id`) or for changing one; back to the rubric once saved."""
    cycle = load_managed_cycle(cycle_id)
    scale = None if scale_id is None else _part(cycle.scales, scale_id)
    form = ScaleForm(obj=scale)
    shown = scale

    def save():
        nonlocal shown
        fields = {
            "name": form.name.data.strip(),
            "question": (form.question.data or "").strip(),
            "ordered": bool(form.ordered.data),
        }
        if scale is None:
            shown = services.add_scale(current_user, cycle, **fields)
        else:
            services.update_scale(current_user, scale, **fields)

    message = (
        "The scale has been added. Now add its levels." if scale is None else "The scale has been saved."
    )
    posted = run_form(form, save, message)
    if posted.done:
        return _to_rubric(cycle, f"scale-{shown.id}" if shown else None)
    return render_template("cycles/scale_form.html", form=form, cycle=cycle, scale=scale), posted.status


@bp.route("/cycles/<int:cycle_id>/scales/<int:scale_id>/remove", methods=["GET", "POST"])
@login_required
def remove_scale(cycle_id: int, scale_id: int):
    cycle = load_managed_cycle(cycle_id)
    scale = _part(cycle.scales, scale_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if run_service(lambda: services.remove_scale(current_user, scale), "The scale has been removed."):
            return _to_rubric(cycle)
        return _to_rubric(cycle, f"scale-{scale.id}")
    return render_template("cycles/remove_scale.html", form=form, cycle=cycle, scale=scale)


@bp.route(
    "/cycles/<int:cycle_id>/scales/<int:scale_id>/levels/new", methods=["GET", "POST"], endpoint="new_level"
)
@bp.route(
    "/cycles/<int:cycle_id>/scales/<int:scale_id>/levels/<int:level_id>/edit",
    methods=["GET", "POST"],
    endpoint="edit_level",
)
@login_required
def level_page(cycle_id: int, scale_id: int, level_id: int | None = None):
    """The form for a new level (no `level_id`) or for changing one; back to the rubric once saved."""
    cycle = load_managed_cycle(cycle_id)
    scale = _part(cycle.scales, scale_id)
    level = None if level_id is None else _part(scale.levels, level_id)
    form = LevelForm(obj=level)

    def save():
        fields = {"label": form.label.data.strip(), "definition": (form.definition.data or "").strip()}
        if level is None:
            return services.add_level(current_user, scale, **fields)
        return services.update_level(current_user, level, **fields)

    message = "The level has been added." if level is None else "The level has been saved."
    posted = run_form(form, save, message)
    if posted.done:
        return _to_rubric(cycle, f"scale-{scale.id}")
    page = render_template("cycles/level_form.html", form=form, cycle=cycle, scale=scale, level=level)
    return page, posted.status


@bp.route(
    "/cycles/<int:cycle_id>/scales/<int:scale_id>/levels/<int:level_id>/remove", methods=["GET", "POST"]
)
@login_required
def remove_level(cycle_id: int, scale_id: int, level_id: int):
    cycle = load_managed_cycle(cycle_id)
    scale = _part(cycle.scales, scale_id)
    level = _part(scale.levels, level_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(lambda: services.remove_level(current_user, level), "The level has been removed.")
        return _to_rubric(cycle, f"scale-{scale.id}")
    return render_template("cycles/remove_level.html", form=form, cycle=cycle, scale=scale, level=level)


@bp.post("/cycles/<int:cycle_id>/scales/<int:scale_id>/levels/<int:level_id>/move/<direction>")
@login_required
def move_level(cycle_id: int, scale_id: int, level_id: int, direction: str):
    cycle = load_managed_cycle(cycle_id)
    scale = _part(cycle.scales, scale_id)
    level = _part(scale.levels, level_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    run_service(lambda: services.move_level(current_user, level, -1 if direction == "up" else 1))
    return _to_rubric(cycle, f"scale-{scale.id}")


# --- Next year's cycle --------------------------------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/next-year", methods=["GET", "POST"])
@login_required
def start_next_year(cycle_id: int):
    """What next year's cycle copies from this one; once confirmed, the new draft's details to adjust."""
    cycle = load_managed_cycle(cycle_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        started = run_service(
            lambda: next_year.start_next_year(current_user, cycle),
            "Next year's cycle has been created as a draft. Check its dates and title.",
        )
        if started.value is not None:
            return redirect(url_for("cycles.edit_cycle", cycle_id=started.value.id))
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id))
    preview = next_year.free_title(cycle.region_id, next_year.next_title(cycle.title, cycle.year))
    return render_template("cycles/next_year.html", form=form, cycle=cycle, title=preview)


# --- The cycle's life: moving it on and back ------------------------------------------------------------


def _state(value: str) -> CycleState:
    """The state named in the address (the one the lead saw), or 404."""
    state = next((state for state in CycleState if state.value == value), None)
    if state is None:
        abort(404)
    return state


@bp.route("/cycles/<int:cycle_id>/move-on/<from_state>", methods=["GET", "POST"], endpoint="move_on")
@bp.route("/cycles/<int:cycle_id>/move-back/<from_state>", methods=["GET", "POST"], endpoint="move_back")
@login_required
def move(cycle_id: int, from_state: str):
    """What moving the cycle on (or back one step) will change, then the move once confirmed."""
    cycle = load_managed_cycle(cycle_id)
    expected = _state(from_state)
    forward = request.endpoint == "cycles.move_on"
    step = lifecycle.next_move(cycle) if forward else lifecycle.back_move(cycle)
    if step is None or cycle.state != expected:
        return redirect(url_for("cycles.cycle_detail", cycle_id=cycle.id))
    service = lifecycle.move_on if forward else lifecycle.move_back
    return confirmation(
        "cycles/move.html",
        lambda: service(current_user, cycle, expected),
        f"The cycle is now {step.to.label.lower()}.",
        url_for("cycles.cycle_detail", cycle_id=cycle.id),
        cycle=cycle,
        step=step,
        forward=forward,
        holds=lifecycle.holding(cycle) if forward else [],
        blocked=lifecycle.blocking(cycle) if forward else [],
    )
