"""Account transitions: signing in, adding people and roles, passwords, deactivation."""

import functools
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from peerchallenge.accounts.models import (
    AUTHORITY_ROLES,
    Role,
    RoleGrant,
    User,
    new_session_token,
)
from peerchallenge.audit.services import record_event
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.regions.models import Authority, Region

MIN_PASSWORD_LENGTH = 10
SET_PASSWORD_SALT = "set-password"  # noqa: S105 (a namespace, not a secret)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; both outcomes are audited."""
    user = find_user_by_email(email)
    if user is None:
        # Spend as long as a real check, so the response time does not tell whether the email exists.
        check_password_hash(_timing_hash(), password)
    if user is None or not user.active or not user.check_password(password):
        record_event(
            "sign_in_failed",
            "Failed sign-in",
            subject_user=user,
            email=normalise_email(email)[:254],
        )
        return None
    user.last_signed_in_at = utcnow()
    record_event("signed_in", f"{user.name} signed in", actor=user, subject_user=user)
    return user


@functools.cache
def _timing_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def check_new_password(user: User, password: str) -> None:
    """Refuse passwords that are short or just the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    if password.strip().lower() == user.email:
        raise ServiceError("Password must not be your email address")


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    if not user.check_password(current_password):
        raise ServiceError("Your current password is not correct")
    check_new_password(user, new_password)
    user.set_password(new_password)
    record_event("password_changed", f"{user.name} changed their password", actor=user, subject_user=user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT)


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password or session token does, which spends the link.
    material = f"{user.password_hash or ''}|{user.session_token}"
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def make_set_password_token(user: User) -> str:
    """A signed token for a link that lets the user choose a password, once, for a limited time."""
    return _serializer().dumps({"user": user.id, "fingerprint": _password_fingerprint(user)})


class InvalidLink(ServiceError):
    pass


def user_for_set_password_token(token: str) -> User:
    """The user a set-password token belongs to; InvalidLink if it is tampered, used or expired."""
    max_age = int(current_app.config["SET_PASSWORD_LINK_HOURS"]) * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidLink("This link has expired. Ask your regional lead for a new one.") from error
    except BadSignature as error:
        raise InvalidLink("This link is not valid. Check you copied all of it.") from error
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    # Checked before the fingerprint: deactivating changes the session token, which spends the link too.
    if user is not None and not user.active:
        raise InvalidLink("This account has been deactivated. Ask your regional lead.")
    if user is None or payload.get("fingerprint") != _password_fingerprint(user):
        raise InvalidLink(
            "This link has already been used. Sign in, or ask your regional lead for a new one."
        )
    return user


def set_password_from_link(user: User, password: str) -> None:
    """Set the password chosen through a set-password link; the link is spent."""
    check_new_password(user, password)
    user.set_password(password)
    record_event("password_set", f"{user.name} set their password", actor=user, subject_user=user)


def grant_role(
    actor: User | None,
    user: User,
    role: Role,
    *,
    region: Region | None = None,
    authority: Authority | None = None,
) -> RoleGrant:
    """Give a user a role, scoped to a region (lead) or an authority (director, contributor)."""
    if role in AUTHORITY_ROLES:
        if authority is None:
            raise ServiceError("Select the authority")
        region = None
    elif role == Role.LEAD:
        if region is None:
            raise ServiceError("Select the region")
        authority = None
    else:
        region = authority = None
    for grant in user.grants:
        if (grant.role, grant.region_id, grant.authority_id) == (
            role,
            region.id if region else None,
            authority.id if authority else None,
        ):
            raise ServiceError(f"{user.name} already has this role")
    grant = RoleGrant(role=role, region=region, authority=authority)
    user.grants.append(grant)
    scope_region = authority.region_id if authority else (region.id if region else None)
    record_event(
        "role_granted",
        f"{user.name} became {grant.description}",
        actor=actor,
        region_id=scope_region,
        authority_id=authority.id if authority else None,
        subject_user=user,
        role=role.value,
    )
    return grant


class EmailTaken(ServiceError):
    """Someone added a user with the same email at the same moment; nothing was saved."""

    def __init__(self):
        super().__init__(
            "A user with this email address already exists: someone added them at the same moment. "
            "Check their name, then add the role again to give it to them.",
            field="email",
        )


def add_user(
    actor: User | None,
    email: str,
    name: str,
    role: Role,
    *,
    region: Region | None = None,
    authority: Authority | None = None,
) -> tuple[User, bool]:
    """Add a role to the user with this email, creating the user if new; returns (user, created)."""
    user = find_user_by_email(email)
    created = user is None
    if created:
        user = User(email=normalise_email(email), name=name.strip())
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError as error:  # someone added the same email at the same moment
            raise EmailTaken() from error
        record_event(
            "user_added",
            f"{user.name} was added",
            actor=actor,
            subject_user=user,
            region_id=(authority.region_id if authority else region.id if region else None),
        )
    grant_role(actor, user, role, region=region, authority=authority)
    return user, created


def remove_role(actor: User, grant: RoleGrant) -> None:
    """Take one role away from a user."""
    user = grant.user
    if user.id == actor.id and grant.role in (Role.ADMIN, Role.LEAD):
        raise ServiceError("You cannot remove your own lead or admin role")
    record_event(
        "role_removed",
        f"{user.name} is no longer {grant.description}",
        actor=actor,
        region_id=grant.scope_region_id,
        authority_id=grant.authority_id,
        subject_user=user,
        role=grant.role.value,
    )
    user.grants.remove(grant)


def deactivate_user(actor: User, user: User) -> None:
    """Stop a user signing in, and sign them out everywhere; their records stay."""
    lock_for_update(user)
    if user.id == actor.id:
        raise ServiceError("You cannot deactivate your own account")
    if not user.active:
        raise ServiceError(f"{user.name} is already deactivated")
    user.active = False
    user.session_token = new_session_token()  # ends the sessions they have open
    record_event(
        "user_deactivated",
        f"{user.name} was deactivated",
        actor=actor,
        subject_user=user,
        region_id=_home_region_id(user),
    )


def reactivate_user(actor: User, user: User) -> None:
    """Let a deactivated user sign in again."""
    lock_for_update(user)
    if user.active:
        raise ServiceError(f"{user.name} is already active")
    user.active = True
    record_event(
        "user_reactivated",
        f"{user.name} was reactivated",
        actor=actor,
        subject_user=user,
        region_id=_home_region_id(user),
    )


def _home_region_id(user: User) -> int | None:
    """The one region all of a user's roles lie in, so its lead sees changes to the account; else None."""
    regions = {grant.scope_region_id for grant in user.grants}
    return next(iter(regions)) if len(regions) == 1 and None not in regions else None
