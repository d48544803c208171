"""Signing in and out, passwords, and the lead's pages for managing users."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from peerchallenge.accounts import services
from peerchallenge.accounts.access import can_manage_region, can_manage_user
from peerchallenge.accounts.forms import (
    AddUserForm,
    ChangePasswordForm,
    SalutationForm,
    SetPasswordForm,
    SignInForm,
)
from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.accounts.queries import users_in_region
from peerchallenge.extensions import db, limiter, login_manager
from peerchallenge.forms import ConfirmForm, confirmation, prefilled, run_form, run_service
from peerchallenge.regions.models import Region
from peerchallenge.routing import get_allowed

bp = Blueprint("accounts", __name__)

SIGN_IN_ERROR = "Enter a correct email address and password"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user behind a session id; a session ended on the server (signed out, idle) opens nothing."""
    return services.user_for_session(session_id, current_app.permanent_session_lifetime)


def safe_next_path(target: str | None) -> str | None:
    """The path to go back to after signing in, only if it stays on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    # isprintable() is False for every control character (tab, CR, LF, NUL, DEL, C1) and invisible format
    # characters such as the right-to-left override.
    if parts.scheme or parts.netloc or not target.isprintable():
        return None
    return target


def _sign_in_limit() -> str:
    limit: str = current_app.config["SIGN_IN_RATE_LIMIT"]
    return limit


def _sign_in_failed(response) -> bool:
    """Only failed attempts count towards an address's limit: a whole council office may share one."""
    return response.status_code in (401, 429)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_sign_in_failed)
def sign_in():
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("core.home"))
    form = SignInForm()
    if not form.validate_on_submit():  # a form with errors (a field left empty) is a 400
        return render_template("accounts/sign_in.html", form=form, error=None), 400 if form.errors else 200
    outcome = run_service(lambda: services.sign_in(form.email.data, form.password.data), show_error=False)
    if isinstance(outcome.error, services.MustWait):
        page = render_template("accounts/sign_in.html", form=form, error=outcome.error.message)
        return page, 429, {"Retry-After": str(outcome.error.seconds)}
    if outcome.value is None:
        page = render_template("accounts/sign_in.html", form=form, error=SIGN_IN_ERROR)
        return page, 401
    login_user(outcome.value)
    return redirect(next_path or url_for("core.home"))


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        run_service(lambda: services.end_session(current_user))
    logout_user()
    session.clear()  # nothing of the signed-in person (such as an unseen set-password link) outlives it
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.get("/account")
@login_required
def account():
    return render_template("accounts/account.html", session_count=services.session_count(current_user))


def _salutation_page(user: User, back: str):
    """The form for how letters address a user: their own on the account page, or one a lead manages."""
    form = prefilled(SalutationForm, salutation=user.salutation)
    own = user.id == current_user.id
    if not own:  # a lead's or admin's view of someone else
        form.salutation.label.text = f"How to address {user.name} in a letter"
        form.salutation.description = (
            'What letters say after "Dear", for example Sarah. Leave it empty for their first name.'
        )
    posted = run_form(
        form,
        lambda: services.set_salutation(current_user, user, form.salutation.data or ""),
        "Letters will address you as you asked." if own else f"Letters will address {user.name} as you set.",
    )
    if posted.done:
        return redirect(back)
    heading = "How letters address you" if own else f"How letters address {user.name}"
    page = render_template("accounts/salutation.html", form=form, user=user, heading=heading, back=back)
    return page, posted.status


@bp.route("/account/address", methods=["GET", "POST"])
@login_required
def change_salutation():
    return _salutation_page(current_user, url_for("accounts.account"))


@bp.route("/account/sign-out-everywhere", methods=["GET", "POST"])
@login_required
def sign_out_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit() and run_service(lambda: services.sign_out_everywhere(current_user)):
        logout_user()
        session.clear()
        flash("You have signed out on every device.", "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/sign_out_everywhere.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    posted = run_form(
        form,
        lambda: services.change_password(current_user, form.current_password.data, form.new_password.data),
        "Your password has been changed. You have been signed out on other devices.",
    )
    if posted.done:
        return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form), posted.status


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    try:
        user = services.user_for_set_password_token(token)
    except services.InvalidLink as error:
        return render_template("accounts/invalid_link.html", message=error.message), 400
    form = SetPasswordForm()
    # Someone else may be signed in on this browser: their session ends as this person's starts.
    previous = current_user._get_current_object() if current_user.is_authenticated else None
    posted = run_form(
        form,
        lambda: services.set_password_and_sign_in(user, form.new_password.data, previous),
        "Your password has been set. You are signed in.",
    )
    if posted.done:
        logout_user()
        login_user(user)
        return redirect(url_for("core.home"))
    return render_template("accounts/set_password.html", form=form, user=user), posted.status


def _load_region(region_id: int) -> Region:
    return get_allowed(Region, region_id, can_manage_region)


def _load_managed_user(user_id: int) -> User:
    return get_allowed(User, user_id, can_manage_user)


@bp.get("/regions/<int:region_id>/users")
@login_required
def region_users(region_id: int):
    region = _load_region(region_id)
    return render_template("accounts/region_users.html", region=region, users=users_in_region(region.id))


@bp.route("/regions/<int:region_id>/users/new", methods=["GET", "POST"])
@login_required
def add_user(region_id: int):
    region = _load_region(region_id)
    form = AddUserForm()
    form.authority.choices = [SelectChoice(0, "Select an authority")] + [
        SelectChoice(a.id, a.name) for a in region.authorities
    ]
    if not form.validate_on_submit():
        return render_template(
            "accounts/add_user.html", region=region, form=form
        ), 400 if form.errors else 200
    role = Role(form.role.data)
    authority = next((a for a in region.authorities if a.id == form.authority.data), None)
    outcome = run_service(
        lambda: services.add_user(
            current_user,
            form.email.data,
            form.name.data,
            role,
            region=region if role == Role.LEAD else None,
            authority=authority if role != Role.LEAD else None,
        ),
        form=form,
    )
    if outcome.value is None:
        status = 409 if isinstance(outcome.error, services.EmailTaken) else 400
        return render_template("accounts/add_user.html", region=region, form=form), status
    return _after_adding(region, *outcome.value)


def _after_adding(region: Region, user: User, created: bool):
    """Say what happened, and go to the user's page, or back to the list if the lead may not manage them."""
    if created:
        flash(f"{user.name} has been added. {_link_sent_message(user)}", "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    flash(f"{user.name} already had an account. The new role has been added to it.", "success")
    if not can_manage_user(current_user, user):
        # They also hold a role the lead does not manage (another region, or admin).
        return redirect(url_for("accounts.region_users", region_id=region.id))
    return redirect(url_for("accounts.user_detail", user_id=user.id))


def _link_sent_message(user: User) -> str:
    """Say the link was emailed; without email set up, offer it once on the next page to send by hand."""
    if current_app.config.get("MAIL_SMTP_HOST"):
        return f"We have emailed {user.name} a link to set their password."
    session[f"set_password_link_{user.id}"] = services.make_set_password_token(user)
    return (
        "Email is not set up, so the email with their link to set a password is waiting in the outbox. "
        "Send them the link below yourself."
    )


@bp.get("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    user = _load_managed_user(user_id)
    # Shown once, on the page after it was made; kept out of URLs and logs.
    token = session.pop(f"set_password_link_{user.id}", None)
    link = url_for("accounts.set_password", token=token, _external=True) if token else None
    return render_template("accounts/user_detail.html", user=user, link=link, form=ConfirmForm())


@bp.route("/users/<int:user_id>/address", methods=["GET", "POST"])
@login_required
def change_user_salutation(user_id: int):
    user = _load_managed_user(user_id)
    return _salutation_page(user, url_for("accounts.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/set-password-link")
@login_required
def new_set_password_link(user_id: int):
    user = _load_managed_user(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if run_service(lambda: services.send_set_password_link(current_user, user)):
        flash(_link_sent_message(user), "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


def _confirm_user_action(user_id: int, action, template: str, done_message: str):
    """A confirmation page on GET, the action on POST; service errors are shown, not raised."""
    user = _load_managed_user(user_id)
    done = done_message.format(name=user.name)
    back = url_for("accounts.user_detail", user_id=user.id)
    return confirmation(template, lambda: action(current_user, user), done, back, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate_user(user_id: int):
    return _confirm_user_action(
        user_id,
        services.deactivate_user,
        "accounts/deactivate_user.html",
        "{name} has been deactivated and can no longer sign in.",
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"])
@login_required
def reactivate_user(user_id: int):
    return _confirm_user_action(
        user_id, services.reactivate_user, "accounts/reactivate_user.html", "{name} has been reactivated."
    )


@bp.route("/users/<int:user_id>/roles/<int:grant_id>/remove", methods=["GET", "POST"])
@login_required
def remove_role(user_id: int, grant_id: int):
    user = _load_managed_user(user_id)
    grant = db.session.scalar(
        sa.select(RoleGrant).where(RoleGrant.id == grant_id, RoleGrant.user_id == user.id)
    )
    if grant is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(lambda: services.remove_role(current_user, grant), "The role has been removed.")
        if can_manage_user(current_user, user) or current_user.is_admin:
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        return redirect(url_for("core.home"))
    return render_template("accounts/remove_role.html", user=user, grant=grant, form=form)
