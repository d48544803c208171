"""The audit log: read it, filter it, export it. Nothing here changes or deletes an event."""

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from peerchallenge.audit import queries, services
from peerchallenge.audit.forms import FILTER_NAMES, AuditFilterForm, kind_label
from peerchallenge.dates import UK_TIME
from peerchallenge.forms import run_service
from peerchallenge.routing import pagination

bp = Blueprint("audit", __name__)

PER_PAGE = 50
MAX_PAGE_DIGITS = 7


def _filter_form(shown: bool = True) -> AuditFilterForm:
    """The filters from the address, checked; 403 for anyone who may not read the log.

    The kinds of event the person's part of the log holds are read for a form that is shown, or to check a
    kind asked for; a CSV download without one needs none (it is a scan of the log).
    """
    if not queries.can_view_audit_log(current_user):
        abort(403)
    kinds = queries.kinds_present(current_user) if shown or request.args.get("kind") else []
    return AuditFilterForm(request.args, queries.visible_authorities(current_user), kinds)


def _filter_args() -> dict[str, list[str]]:
    """The filters in use, to carry into the page and CSV links; blank ones are left out."""
    args = {name: request.args.getlist(name) for name in FILTER_NAMES}
    return {name: values for name, values in args.items() if any(value.strip() for value in values)}


def _page_number(total: int) -> tuple[int, int]:
    """The page asked for and the number of pages; 404 for a page that is not there."""
    pages = max(1, -(-total // PER_PAGE))
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or not 1 <= int(raw) <= pages:
        abort(404)
    return int(raw), pages


def _page_href(number: int) -> str:
    """The address of one page of the log, with the filters in use."""
    values: dict[str, Any] = {**_filter_args(), "page": number}
    return url_for("audit.audit_log", **values)


@bp.get("/audit")
@login_required
def audit_log():
    form = _filter_form()
    context = {"form": form, "kind_label": kind_label, "filter_args": _filter_args()}
    if not form.validate():
        return render_template("audit/log.html", events=None, **context), 400
    statement = queries.filtered_events(current_user, form.filters())
    total = queries.count_events(statement)
    page, pages = _page_number(total)
    return render_template(
        "audit/log.html",
        events=queries.page_of_events(statement, page, PER_PAGE),
        total=total,
        first=(page - 1) * PER_PAGE + 1,
        pagination=pagination(page, pages, _page_href),
        **context,
    )


@bp.get("/audit.csv")
@login_required
def audit_log_csv():
    form = _filter_form(shown=False)
    if not form.validate():
        abort(400)
    filters = form.filters()
    statement = queries.filtered_events(current_user, filters)
    # Its id, read before the commit would have it read again.
    export_id = run_service(
        lambda: services.record_export(current_user, filters, queries.count_events(statement)).id
    ).value
    if export_id is None:
        abort(400)
    # Exactly the events there were when the export was asked for, without the export's own event.
    rows = queries.events_csv(statement, export_id, filters)
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-log-{datetime.now(UK_TIME):%Y-%m-%d}.csv"'
        },
    )
