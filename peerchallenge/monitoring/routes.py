"""The lead's dashboard of a cycle, its downloads, and the regional overview of the ratings."""

import re
from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.actions.models import Action
from peerchallenge.actions.queries import region_actions
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.queries import current_cycles, cycles_for_regions
from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.dates import uk_today
from peerchallenge.forms import run_form, run_service
from peerchallenge.monitoring import exports, services
from peerchallenge.monitoring.calibration import calibration_rows
from peerchallenge.monitoring.dashboard import Dashboard, Row, cycle_dashboard
from peerchallenge.monitoring.forms import ActionFilterForm, SendRemindersForm
from peerchallenge.monitoring.overview import cycle_ratings, regional_overview
from peerchallenge.monitoring.reminders import due_in_words
from peerchallenge.page_cache import kept_file
from peerchallenge.regions.models import Region
from peerchallenge.routing import UrlPatterns, get_allowed

bp = Blueprint("monitoring", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _overdue_only() -> bool:
    """Whether only overdue authorities are asked for (any other value shows them all)."""
    return request.args.get("show") == "overdue"


def _shown(dashboard: Dashboard, overdue_only: bool) -> list[Row]:
    return dashboard.overdue_rows if overdue_only else dashboard.rows


def _filename(cycle: Cycle, what: str, extension: str) -> str:
    return _named(cycle.title, f"cycle-{cycle.id}", what, extension)


def _named(title: str, fallback: str, what: str, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or fallback
    return f"{slug}-{what}-{uk_today().isoformat()}.{extension}"


def _download(data, mimetype: str, filename: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/cycles/<int:cycle_id>/dashboard")
@login_required
def dashboard(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    board = cycle_dashboard(cycle, uk_today())
    overdue_only = _overdue_only()
    return render_template(
        "monitoring/dashboard.html",
        cycle=cycle,
        dashboard=board,
        rows=_shown(board, overdue_only),
        overdue_only=overdue_only,
        stages=board.stages,
        stage_groups=board.stage_groups,
        link=UrlPatterns(),
        next_move=lifecycle.next_move(cycle),
        holds=lifecycle.holding(cycle),
    )


# Each download format: how to write the rows, and the file's type.
DashboardWriter = Callable[[Dashboard, list[Row], Cycle], str | bytes]
DASHBOARD_FORMATS: dict[str, tuple[DashboardWriter, str]] = {
    "csv": (lambda board, rows, cycle: exports.dashboard_csv(board, rows), "text/csv"),
    "xlsx": (lambda board, rows, cycle: exports.dashboard_xlsx(board, rows, cycle.title), XLSX),
}


@bp.get("/cycles/<int:cycle_id>/dashboard.<any(csv, xlsx):file_format>")
@login_required
def dashboard_download(cycle_id: int, file_format: str):
    """The dashboard's table as shown (all or overdue only), as CSV or Excel; the download is audited."""
    cycle = load_managed_cycle(cycle_id)
    write, mimetype = DASHBOARD_FORMATS[file_format]
    overdue_only = _overdue_only()

    def made() -> tuple[str | bytes, int]:
        board = cycle_dashboard(cycle, uk_today())
        rows = _shown(board, overdue_only)
        return write(board, rows, cycle), len(rows)

    data, count = kept_file(("dashboard", cycle.id, file_format, overdue_only), made)
    filename = _filename(cycle, "dashboard", file_format)  # before the commit
    run_service(
        lambda: services.record_dashboard_export(current_user, cycle, file_format, overdue_only, count)
    )
    return _download(data, mimetype, filename)


@bp.get("/cycles/<int:cycle_id>/ratings.csv")
@login_required
def ratings_csv(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    data, rows = kept_file(("ratings", cycle.id), lambda: exports.ratings_csv(cycle))
    filename = _filename(cycle, "ratings", "csv")  # before the commit
    run_service(lambda: services.record_ratings_export(current_user, cycle, rows))
    return _download(data, "text/csv", filename)


@bp.get("/cycles/<int:cycle_id>/overview")
@login_required
def overview(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    ratings = cycle_ratings(cycle)  # the reviews, scales and authorities both tables read
    return render_template(
        "monitoring/overview.html",
        cycle=cycle,
        overview=regional_overview(cycle, ratings),
        calibration=calibration_rows(cycle, ratings),
    )


@bp.route("/cycles/<int:cycle_id>/reminders", methods=["GET", "POST"])
@login_required
def reminders(cycle_id: int):
    """Today's reminders of the cycle's region: who gets what, then send them (once, like the command)."""
    cycle = load_managed_cycle(cycle_id)
    form = SendRemindersForm()
    posted = run_form(
        form,
        lambda: services.send_reminders_for_cycle(current_user, cycle, uk_today(), form.previewed.data),
        lambda run: f"{run.summary()}. They are in the outbox and are delivered from there.",
    )
    if posted.done:
        return redirect(url_for("monitoring.reminders", cycle_id=cycle.id))
    plan = services.plan_reminders(uk_today(), [cycle.region_id])
    form.previewed.data = plan.fingerprint  # a refused send shows the plan as it is now
    page = render_template(
        "monitoring/reminders.html", cycle=cycle, plan=plan, form=form, due_in_words=due_in_words
    )
    return page, posted.status


@bp.get("/dashboard")
@login_required
def lead_dashboard():
    """The menu's dashboard: that of the lead's cycle under way, or the home page to choose one."""
    if not current_user.lead_region_ids():
        abort(403)
    cycles = current_cycles(current_user.lead_region_ids())
    if len(cycles) == 1:
        return redirect(url_for("monitoring.dashboard", cycle_id=next(iter(cycles.values())).id))
    if cycles:
        flash("You lead more than one region: choose the dashboard of a region's cycle.", "info")
    else:
        flash("No cycle is under way in your region, so there is no dashboard yet.", "info")
    return redirect(url_for("core.home"))


def _action_filters(region: Region) -> ActionFilterForm:
    """The filters of the region's actions from the address."""
    authorities = sorted(region.authorities, key=lambda authority: authority.name)
    return ActionFilterForm(request.args, cycles_for_regions([region.id]), authorities)


@bp.get("/regions/<int:region_id>/actions")
@login_required
def region_actions_page(region_id: int):
    """Every action of the region's authorities, with the lead's filters; overdue ones marked."""
    region = get_allowed(Region, region_id, can_manage_region)
    form = _action_filters(region)
    today = uk_today()
    valid = form.validate()
    actions = region_actions(region.id, form.filters(), today) if valid else []
    page = render_template(
        "monitoring/actions.html",
        region=region,
        form=form,
        actions=actions,
        valid=valid,
        today=today,
        filter_args={key: value for key, value in request.args.items() if value and key != "submit"},
    )
    return page, 200 if valid else 400


ActionsWriter = Callable[[list[Action], date, str], str | bytes]
ACTION_FORMATS: dict[str, tuple[ActionsWriter, str]] = {
    "csv": (lambda actions, today, title: exports.actions_csv(actions, today), "text/csv"),
    "xlsx": (exports.actions_xlsx, XLSX),
}


@bp.get("/regions/<int:region_id>/actions.<any(csv, xlsx):file_format>")
@login_required
def region_actions_download(region_id: int, file_format: str):
    """The region's actions as filtered on the page, as CSV or Excel; the download is audited."""
    region = get_allowed(Region, region_id, can_manage_region)
    form = _action_filters(region)
    if not form.validate():
        abort(400)
    filters, today = form.filters(), uk_today()
    write, mimetype = ACTION_FORMATS[file_format]

    def made() -> tuple[str | bytes, int]:
        actions = region_actions(region.id, filters, today)
        return write(actions, today, f"Actions of {region.name}"), len(actions)

    data, count = kept_file(("region actions", region.id, file_format, filters), made)
    filename = _named(region.name, f"region-{region.id}", "actions", file_format)  # before the commit
    run_service(lambda: services.record_actions_export(current_user, region, filters, file_format, count))
    return _download(data, mimetype, filename)
