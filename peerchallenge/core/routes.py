"""The home page for each role, the accessibility statement, and per-request plumbing."""

import secrets

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.models import Role
from peerchallenge.assignments.access import observed_group_ids, review_writer_authority_ids
from peerchallenge.core.home import home_page
from peerchallenge.dates import uk_date, uk_datetime
from peerchallenge.extensions import db, limiter
from peerchallenge.moderation.access import holds_moderator_role

bp = Blueprint("core", __name__)
bp.add_app_template_filter(uk_datetime, "uk_datetime")
bp.add_app_template_filter(uk_date, "uk_date")


@bp.get("/")
@login_required
def home():
    """What the signed-in person can do now, one section per role they hold."""
    return render_template("core/home.html", **home_page(current_user))


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """For a load balancer: the service answers and reaches its database (one `SELECT 1`).

    No sign-in and no session: nobody is looked up, so it costs about what the framework costs.
    """
    db.session.execute(sa.text("SELECT 1"))
    return Response("ok", mimetype="text/plain", headers={"Cache-Control": "no-store"})


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
    if "Cache-Control" not in response.headers and current_user.is_authenticated:
        # Pages for signed-in people hold sensitive material: never keep them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def navigation():
    """The header's links for the signed-in person's roles, worked out once per request.

    Flask runs context processors for every template rendered, and each form field is a template of its own
    (govuk_frontend_wtf), so without the cache a form's page asked the database again for every field.
    """
    user_id = current_user.get_id() if current_user.is_authenticated else None
    cached = g.get("navigation")
    if cached is None or cached[0] != user_id:
        cached = g.navigation = (user_id, _navigation())
    return cached[1]


def _navigation() -> dict:
    items = []
    if current_user.is_authenticated:
        items.append(("Home", url_for("core.home"), "core.home"))
        if review_writer_authority_ids(current_user):
            items.append(("Your reviews", url_for("reviews.my_reviews"), "reviews.my_reviews"))
        if holds_moderator_role(current_user):
            items.append(("Your moderation", url_for("moderation.my_moderation"), "moderation.my_moderation"))
        lead_region_ids = sorted(current_user.lead_region_ids())
        if lead_region_ids:
            # Found when followed, so that the menu costs no query on every page.
            items.append(("Dashboard", url_for("monitoring.lead_dashboard"), "monitoring.dashboard"))
        for region_id in lead_region_ids:
            items.append(
                ("Users", url_for("accounts.region_users", region_id=region_id), "accounts.region_users")
            )
        for region_id in lead_region_ids:
            href = url_for("monitoring.region_actions_page", region_id=region_id)
            items.append(("Actions", href, "monitoring.region_actions_page"))
        if lead_region_ids or current_user.authority_ids(Role.DIRECTOR):
            items.append(("Themes", url_for("themes.my_themes"), "themes.report"))
        if current_user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR):
            items.append(("Letters", url_for("letters.my_letters"), "letters.my_letters"))
        if lead_region_ids or current_user.authority_ids() or observed_group_ids(current_user):
            # The sessions are found when followed, so that the menu costs no query on every page.
            items.append(("Challenge event", url_for("events.my_events"), "events.my_events"))
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
