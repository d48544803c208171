"""Pages for the region's data pack, its catalogue, an authority's areas for development and calibration."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region, can_view_authority
from peerchallenge.cycles.models import Cycle
from peerchallenge.datapack import services
from peerchallenge.datapack.access import can_correct_calibration, can_manage_pack, can_name_development_areas
from peerchallenge.datapack.forms import DevelopmentAreasForm, IndicatorForm, PackUploadForm, pair_form
from peerchallenge.datapack.queries import calibrations, pack_of, region_catalogue, region_development_areas
from peerchallenge.datapack.reading import MAX_ERRORS_SHOWN
from peerchallenge.extensions import db
from peerchallenge.forms import run_form, run_service
from peerchallenge.inspections.models import Inspection
from peerchallenge.regions.models import Authority, Region
from peerchallenge.routing import get_allowed

bp = Blueprint("datapack", __name__)


def _managed_cycle(cycle_id: int) -> Cycle:
    """The cycle, for its region's leads; 404 to everyone else (another region's pack does not exist)."""
    return get_allowed(Cycle, cycle_id, can_manage_pack, hidden=True)


@bp.route("/cycles/<int:cycle_id>/data-pack", methods=["GET", "POST"])
@login_required
def pack_page(cycle_id: int):
    cycle = _managed_cycle(cycle_id)
    form = PackUploadForm()
    rows: list[tuple[int, str]] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        outcome = run_service(
            lambda: services.upload_pack(
                current_user, cycle, upload.filename or "", upload.read(), replace=bool(form.replace.data)
            ),
            "The data pack has been loaded.",
            form=form,
        )
        if outcome:
            return redirect(url_for("datapack.pack_page", cycle_id=cycle.id))
        rows = getattr(outcome.error, "rows", [])
        status = 400
    elif form.errors:
        status = 400
    pack = pack_of(cycle)
    page = render_template(
        "datapack/pack.html",
        cycle=cycle,
        form=form,
        pack=pack,
        described=services.describe_pack(pack) if pack else None,
        row_errors=rows,
        errors_shown=MAX_ERRORS_SHOWN,
        catalogue=region_catalogue(cycle.region).values(),
    )
    return page, status


@bp.route("/regions/<int:region_id>/indicators/new", methods=["GET", "POST"])
@login_required
def new_indicator(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region, hidden=True)
    form = IndicatorForm()
    posted = run_form(
        form,
        lambda: services.add_indicator(
            current_user,
            region,
            key=form.key.data or "",
            name=form.name.data or "",
            unit=form.unit.data or "",
            higher_is_better=form.higher_is_better.data or "",
            section=form.section.data or "",
            words=form.words.data or "",
        ),
        "The indicator has been added to the region's catalogue.",
    )
    if posted.done:
        return redirect(url_for("datapack.catalogue_page", region_id=region.id))
    return render_template("datapack/indicator_form.html", form=form, region=region), posted.status


@bp.get("/regions/<int:region_id>/indicators")
@login_required
def catalogue_page(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region, hidden=True)
    return render_template(
        "datapack/catalogue.html", region=region, catalogue=region_catalogue(region).values()
    )


SELF_ASSESSMENT = "/cycles/<int:cycle_id>/authorities/<int:authority_id>/self-assessment"


def _in_region(cycle_id: int, authority_id: int) -> tuple[Cycle, Authority]:
    """The cycle and authority named, or 404 when either is missing or the authority is of another region."""
    cycle = db.get_or_404(Cycle, cycle_id)
    authority = db.get_or_404(Authority, authority_id)
    if authority.region_id != cycle.region_id or cycle.is_draft:
        abort(404)
    return cycle, authority


def _areas_of(cycle: Cycle, authority: Authority) -> list[str]:
    return [row.text for row in region_development_areas(cycle, [authority.id]).get(authority.id, [])]


def _back_to_areas(cycle: Cycle, authority: Authority):
    return redirect(
        url_for("submissions.view", cycle_id=cycle.id, authority_id=authority.id, _anchor="development-areas")
    )


@bp.route(f"{SELF_ASSESSMENT}/areas-for-development", methods=["GET", "POST"])
@login_required
def development_areas(cycle_id: int, authority_id: int):
    cycle, authority = _in_region(cycle_id, authority_id)
    if not can_name_development_areas(current_user, authority):
        abort(403)
    form = DevelopmentAreasForm()
    saved = _areas_of(cycle, authority)
    suggested = services.suggested_areas(cycle, authority) if not saved else []
    if not form.is_submitted():
        form.areas.data = "\n".join(saved or suggested)
    posted = run_form(
        form,
        lambda: services.save_development_areas(
            current_user, cycle, authority, (form.areas.data or "").splitlines()
        ),
        "Your areas for development have been saved.",
    )
    if posted.done:
        return _back_to_areas(cycle, authority)
    page = render_template(
        "datapack/development_areas.html",
        form=form,
        cycle=cycle,
        authority=authority,
        suggested=bool(suggested),
    )
    return page, posted.status


# Not under the cycle's address: the inspection is the authority's, the cycle (?cycle=) the self-assessment's.
@bp.route(
    "/authorities/<int:authority_id>/inspections/<int:inspection_id>/areas/<int:index>",
    methods=["GET", "POST"],
)
@login_required
def correct_pair(authority_id: int, inspection_id: int, index: int):
    cycle, authority = _in_region(request.args.get("cycle", type=int) or 0, authority_id)
    inspection = db.get_or_404(Inspection, inspection_id)
    if inspection.authority_id != authority.id:
        abort(404)
    if not can_correct_calibration(current_user, authority):
        abort(404 if not can_view_authority(current_user, authority) else 403)
    found = calibrations(cycle, [authority.id]).get(authority.id, [])
    calibration = next((each for each in found if each.inspection.id == inspection.id), None)
    if calibration is None or not 0 <= index < len(calibration.pairs):
        abort(404)
    areas = _areas_of(cycle, authority)
    form = pair_form(areas, calibration.pairs[index].development)
    choice = form.development.data or ""
    posted = run_form(
        form,
        lambda: services.correct_pair(
            current_user,
            inspection,
            index,
            areas[int(choice)] if choice.isdigit() and int(choice) < len(areas) else None,
        ),
        "The match has been saved.",
    )
    if posted.done:
        return _back_to_areas(cycle, authority)
    page = render_template(
        "datapack/correct_pair.html",
        form=form,
        cycle=cycle,
        authority=authority,
        inspection=inspection,
        improvement=calibration.pairs[index].improvement,
    )
    return page, posted.status
