"""The home page for each role, the accessibility statement, and per-request plumbing."""

import secrets

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.queries import users_in_region
from peerchallenge.assignments.access import review_writer_authority_ids
from peerchallenge.assignments.queries import reviews_for_authorities
from peerchallenge.cycles.queries import current_cycles, cycles_for_regions
from peerchallenge.dates import uk_date, uk_datetime, uk_today
from peerchallenge.monitoring.reminders import urgency, urgency_colour
from peerchallenge.monitoring.tasks import user_tasks
from peerchallenge.regions.queries import authorities_by_ids, regions_with_authorities
from peerchallenge.submissions.queries import SubmissionStatus, authority_statuses, submissions_for

bp = Blueprint("core", __name__)
bp.add_app_template_filter(uk_datetime, "uk_datetime")
bp.add_app_template_filter(uk_date, "uk_date")


@bp.get("/")
@login_required
def home():
    """What the signed-in person can do now, one section per role they hold."""
    lead_regions = regions_with_authorities(current_user.lead_region_ids())
    region_users = {region.id: users_in_region(region.id) for region in lead_regions}
    region_cycles = cycles_for_regions(region.id for region in lead_regions)
    own_authorities = authorities_by_ids(current_user.authority_ids())
    statuses = authority_statuses(
        current_cycles({authority.region_id for authority in own_authorities}), own_authorities
    )
    reviews = reviews_for_authorities(review_writer_authority_ids(current_user))
    reviewed = submissions_for({(item.cycle_id, item.reviewed_id) for item in reviews})
    review_statuses = [
        (item, SubmissionStatus(item.reviewed, reviewed.get((item.cycle_id, item.reviewed_id))))
        for item in reviews
    ]
    all_regions = regions_with_authorities() if current_user.is_admin else []
    today = uk_today()
    your_tasks = [
        (task, urgency(task.due_on, today), urgency_colour(task.due_on, today))
        for task in user_tasks(current_user)
    ]
    return render_template(
        "core/home.html",
        lead_regions=lead_regions,
        region_users=region_users,
        region_cycles=region_cycles,
        own_authorities=own_authorities,
        statuses=statuses,
        review_statuses=review_statuses,
        all_regions=all_regions,
        has_tasks_section=bool(own_authorities) or bool(reviews),
        your_tasks=your_tasks,
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.before_app_request
def make_csp_nonce():
    g.csp_nonce = secrets.token_urlsafe(16)


def csp_nonce() -> str:
    """This response's nonce for inline scripts.

    Made here if make_csp_nonce has not run: an error raised by an extension's before_request
    function (a CSRF failure, a body too large) stops the ones registered after it.
    """
    if "csp_nonce" not in g:
        make_csp_nonce()
    nonce: str = g.csp_nonce
    return nonce


@bp.after_app_request
def add_security_headers(response):
    nonce = csp_nonce()
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if current_user.is_authenticated:
        # Pages for signed-in people hold sensitive material: never keep them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def navigation():
    """The header's links for the signed-in person's roles."""
    items = []
    if current_user.is_authenticated:
        items.append(("Home", url_for("core.home"), "core.home"))
        if review_writer_authority_ids(current_user):
            items.append(("Your reviews", url_for("reviews.my_reviews"), "reviews.my_reviews"))
        for region_id in sorted(current_user.lead_region_ids()):
            items.append(
                ("Users", url_for("accounts.region_users", region_id=region_id), "accounts.region_users")
            )
        if current_user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR):
            items.append(("Letters", url_for("letters.my_letters"), "letters.my_letters"))
        if current_user.is_admin or current_user.lead_region_ids():
            items.append(("Outbox", url_for("mail.outbox"), "mail.outbox"))
            items.append(("Audit log", url_for("audit.audit_log"), "audit.audit_log"))
        if current_user.is_admin:
            items.append(("Admin", url_for("regions.admin_overview"), "regions.admin_overview"))
        items.append(("Your account", url_for("accounts.account"), "accounts.account"))
    nav = [
        {"text": text, "href": href, "active": request.endpoint == endpoint} for text, href, endpoint in items
    ]
    return {
        "service_name": current_app.config["SERVICE_NAME"],
        "navigation_items": nav,
        "ROLE_DIRECTOR": Role.DIRECTOR,
        "csp_nonce": csp_nonce(),
    }
