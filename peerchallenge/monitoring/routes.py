"""The lead's dashboard of a cycle, its downloads, and the regional overview of the ratings."""

import re

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.audit.services import record_event
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.routes import load_managed_cycle
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.monitoring import exports
from peerchallenge.monitoring.dashboard import STAGE_GROUPS, STAGES, Dashboard, Row, cycle_dashboard
from peerchallenge.monitoring.overview import regional_overview

bp = Blueprint("monitoring", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def link(endpoint: str | None, **values) -> str | None:
    """The address of a cell's page, or None for a cell with nothing to link to yet."""
    return None if endpoint is None else url_for(endpoint, **values)


def _shown(dashboard: Dashboard) -> tuple[bool, list[Row]]:
    """Whether only overdue authorities are asked for (any other value shows them all), and the rows."""
    overdue_only = request.args.get("show") == "overdue"
    return overdue_only, dashboard.overdue_rows if overdue_only else dashboard.rows


def _filename(cycle: Cycle, what: str, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", cycle.title.lower()).strip("-") or f"cycle-{cycle.id}"
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
    overdue_only, rows = _shown(board)
    return render_template(
        "monitoring/dashboard.html",
        cycle=cycle,
        dashboard=board,
        rows=rows,
        overdue_only=overdue_only,
        stages=STAGES,
        stage_groups=STAGE_GROUPS,
        link=link,
    )


@bp.get("/cycles/<int:cycle_id>/dashboard.csv")
@login_required
def dashboard_csv(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    board = cycle_dashboard(cycle, uk_today())
    overdue_only, rows = _shown(board)
    data = exports.dashboard_csv(board, rows)
    _record_export(cycle, "csv", overdue_only, len(rows))
    return _download(data, "text/csv; charset=utf-8", _filename(cycle, "dashboard", "csv"))


@bp.get("/cycles/<int:cycle_id>/dashboard.xlsx")
@login_required
def dashboard_xlsx(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    board = cycle_dashboard(cycle, uk_today())
    overdue_only, rows = _shown(board)
    data = exports.dashboard_xlsx(board, rows, cycle.title)
    _record_export(cycle, "xlsx", overdue_only, len(rows))
    return _download(data, XLSX, _filename(cycle, "dashboard", "xlsx"))


def _record_export(cycle: Cycle, file_format: str, overdue_only: bool, rows: int) -> None:
    which = "overdue authorities" if overdue_only else "all authorities"
    record_event(
        "dashboard_exported",
        f"Downloaded the dashboard of {cycle.title} as {file_format.upper()} ({which})",
        actor=current_user,
        region_id=cycle.region_id,
        cycle_id=cycle.id,
        format=file_format,
        overdue_only=overdue_only,
        rows=rows,
    )
    db.session.commit()


@bp.get("/cycles/<int:cycle_id>/ratings.csv")
@login_required
def ratings_csv(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    data, rows = exports.ratings_csv(cycle)
    record_event(
        "ratings_exported",
        f"Downloaded the ratings of {cycle.title} as CSV",
        actor=current_user,
        region_id=cycle.region_id,
        cycle_id=cycle.id,
        rows=rows,
    )
    db.session.commit()
    return _download(data, "text/csv; charset=utf-8", _filename(cycle, "ratings", "csv"))


@bp.get("/cycles/<int:cycle_id>/overview")
@login_required
def overview(cycle_id: int):
    cycle = load_managed_cycle(cycle_id)
    return render_template("monitoring/overview.html", cycle=cycle, overview=regional_overview(cycle))
