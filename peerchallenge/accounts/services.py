"""Account transitions: signing in and out, adding people and roles, passwords, deactivation."""

import functools
import hashlib
import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from peerchallenge.accounts.access import can_manage_user
from peerchallenge.accounts.models import (
    AUTHORITY_SCOPED_ROLES,
    GROUP_ROLES,
    Role,
    RoleGrant,
    SignInThrottle,
    User,
    UserSession,
    new_link_nonce,
)
from peerchallenge.audit.services import record_event
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, row_count, utcnow
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.page_cache import READ_AUDIT_STAMP, READ_STAMP, UNSEEN_BY_PAGES
from peerchallenge.regions.models import Authority, Region
from peerchallenge.sanitise import one_line_within

MIN_PASSWORD_LENGTH = 10
SET_PASSWORD_SALT = "set-password"  # noqa: S105 (a namespace, not a secret)

# Per-account throttling, never a lockout: after FREE_FAILURES failed sign-ins close together, each further
# one makes the account wait, FIRST_WAIT doubling up to LONGEST_WAIT. The right password after the wait
# always passes, so nobody can keep a director out by guessing. The count starts again once FAILURE_WINDOW
# has passed with no failure and no wait.
FREE_FAILURES = 4
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
FAILURE_WINDOW = timedelta(minutes=15)
# A session's last use is written at most this often, so that reading pages does not write every time.
SESSION_SEEN_INTERVAL = timedelta(minutes=5)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


class MustWait(ServiceError):
    """Too many recent failed sign-ins for this email address: the password was not checked."""

    def __init__(self, seconds: int):
        super().__init__(f"Wait {describe_wait(seconds)} before trying again")
        self.seconds = seconds


def describe_wait(seconds: int) -> str:
    """A wait in words, rounded up: '30 seconds', '1 minute', '15 minutes'."""
    if seconds <= 59:
        return f"{seconds} {'second' if seconds == 1 else 'seconds'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} {'minute' if minutes == 1 else 'minutes'}"


def wait_after_failures(failures: int) -> timedelta:
    """How long an account waits after this many failed sign-ins in a row (nothing for the first few)."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES - 1, 10)  # 2**10 times 30 seconds is well past the cap
    factor: int = 2**doublings  # typeshed types int ** int as Any: a negative power is a float
    return min(FIRST_WAIT * factor, LONGEST_WAIT)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; both outcomes are audited.

    Raises MustWait, without checking the password, while the email address is waiting after failures.
    """
    typed = normalise_email(email)[:254]
    now = utcnow()
    throttle = _throttle_for(typed)
    if throttle is not None and throttle.wait_until is not None and throttle.wait_until > now:
        raise MustWait(math.ceil((throttle.wait_until - now).total_seconds()))
    user = find_user_by_email(email)
    if user is None:
        # Spend as long as a real check, so the response time does not tell whether the email exists.
        check_password_hash(_timing_hash(), password)
    if user is None or not user.active or not user.check_password(password):
        failures = _count_failure(typed, now)
        record_event("sign_in_failed", "Failed sign-in", subject_user=user, email=typed, failures=failures)
        return None
    if throttle is not None:
        db.session.delete(throttle)
    user.last_signed_in_at = now
    record_event("signed_in", f"{user.name} signed in", actor=user, subject_user=user)
    return user


def _throttle_for(email: str) -> SignInThrottle | None:
    # Locked until the request commits, so that two workers counting the same address do not lose a failure.
    return db.session.scalar(sa.select(SignInThrottle).where(SignInThrottle.email == email).with_for_update())


def _count_failure(email: str, now: datetime) -> int:
    """Add a failed sign-in to the email address's count, and set its wait; returns the count."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    # Two first failures at the same moment must not collide on the primary key.
    db.session.execute(
        insert(SignInThrottle)
        .values(email=email, failures=0, last_failed_at=now)
        .on_conflict_do_nothing(index_elements=["email"])
    )
    throttle = _throttle_for(email)
    assert throttle is not None  # the insert above made sure the row exists
    quiet_since = max(throttle.last_failed_at, throttle.wait_until or throttle.last_failed_at)
    if now - quiet_since > FAILURE_WINDOW:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failed_at = now
    wait = wait_after_failures(throttle.failures)
    throttle.wait_until = now + wait if wait else None
    # Rows for addresses quiet for a day are no longer needed. Rows another sign-in holds are left for next
    # time: waiting for them could deadlock two workers each cleaning up the other's row.
    stale = (
        sa.select(SignInThrottle.email)
        .where(SignInThrottle.last_failed_at < now - timedelta(days=1))
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        sa.delete(SignInThrottle).where(SignInThrottle.email.in_(stale)),
        execution_options={"synchronize_session": False},
    )
    return throttle.failures


def sign_in(email: str, password: str) -> User | None:
    """Check the email and password and, if they match an active user, start a session for them."""
    user = authenticate(email, password)
    if user is not None:
        start_session(user)
    return user


def start_session(user: User) -> UserSession:
    """Record a new signed-in session for the user; the cookie holds only its id."""
    user_session = UserSession(user=user)
    db.session.add(user_session)
    db.session.flush()
    user.current_session_id = user_session.id
    return user_session


def user_for_session(session_id: str, idle_limit: timedelta) -> User | None:
    """The active user whose session this is, or None if it ended, went idle too long or never was."""
    if not session_id or len(session_id) > 64:
        return None
    row = db.session.execute(_USER_FOR_SESSION, {"session_id": session_id}).unique().first()
    if row is None:
        return None
    user: User = row[0]
    last_seen_at, user.data_stamp, user.audit_stamp = row[1], row[2], row[3]
    if not user.active:
        return None
    now = utcnow()
    if now - last_seen_at > idle_limit:
        return None
    if now - last_seen_at > SESSION_SEEN_INTERVAL:
        _note_session_seen(session_id, now)
    user.current_session_id = session_id
    return user


# The user, their roles (every page asks for them: the menu), when the session was last seen and the data
# and audit stamps (a kept page is served only while they are unchanged), in one query, built once: on every
# request of everyone signed in. A session's own record is not needed.
_USER_FOR_SESSION = (
    sa.select(
        User, UserSession.last_seen_at, READ_STAMP.scalar_subquery(), READ_AUDIT_STAMP.scalar_subquery()
    )
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.id == sa.bindparam("session_id"))
    .options(joinedload(User.grants))
)


def _note_session_seen(session_id: str, now: datetime) -> None:
    # On a connection of its own: the request may not commit, and must not commit half a change for this.
    # No page shows it, so kept pages stay current (peerchallenge/page_cache.py).
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now),
            execution_options={UNSEEN_BY_PAGES: True},
        )


def end_session(user: User) -> None:
    """Sign the user out of this session only; their other devices stay signed in."""
    if user.current_session_id:
        db.session.execute(sa.delete(UserSession).where(UserSession.id == user.current_session_id))


def end_other_sessions(user: User) -> int:
    """Sign the user out everywhere but this session; returns how many sessions ended."""
    statement = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if user.current_session_id:
        statement = statement.where(UserSession.id != user.current_session_id)
    return row_count(db.session.execute(statement))


def sign_out_everywhere(user: User) -> None:
    """Sign the user out on every device, this one included."""
    count = row_count(db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id)))
    record_event(
        "signed_out_everywhere",
        f"{user.name} signed out on every device",
        actor=user,
        subject_user=user,
        sessions=count,
    )


def session_count(user: User) -> int:
    """How many devices the user is signed in on."""
    return db.session.execute(
        sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    ).scalar_one()


@functools.cache
def _timing_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def check_new_password(user: User, password: str) -> None:
    """Refuse passwords that are short or just the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="new_password")
    if password.strip().lower() == user.email:
        raise ServiceError("Password must not be your email address", field="new_password")


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    if not user.check_password(current_password):
        raise ServiceError("Your current password is not correct", field="current_password")
    check_new_password(user, new_password)
    user.set_password(new_password)
    end_other_sessions(user)
    record_event("password_changed", f"{user.name} changed their password", actor=user, subject_user=user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT)


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does (which spends the link) or the nonce does (deactivation), and
    # never with sessions: signing out anywhere leaves outstanding links working.
    material = f"{user.password_hash or ''}|{user.password_link_nonce}"
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
    # Checked before the fingerprint: deactivating changes the link nonce, which spends the link too.
    if user is not None and not user.active:
        raise InvalidLink("This account has been deactivated. Ask your regional lead.")
    if user is None or payload.get("fingerprint") != _password_fingerprint(user):
        raise InvalidLink(
            "This link has already been used. Sign in, or ask your regional lead for a new one."
        )
    return user


def send_set_password_link(actor: User | None, user: User, *, region_id: int | None = None) -> None:
    """Email the user a link to set their password: an invitation if they have none yet, else a reset.

    The message belongs to the region given, or else the one region the user's roles lie in.
    """
    if not user.active:
        raise ServiceError("Reactivate the account before sending a link.")
    region_id = region_id if region_id is not None else _home_region_id(user)
    service = current_app.config["SERVICE_NAME"]
    hours = int(current_app.config["SET_PASSWORD_LINK_HOURS"])
    link = public_url("accounts.set_password", token=make_set_password_token(user))
    sender = actor.name if actor is not None else "Your regional lead"
    if user.password_hash is None:
        kind, subject = "invitation", f"Set your password for {service}"
        opening = f"{sender} has added you to {service}, the regional peer challenge of self-assessments."
        summary = f"{user.name} was sent an invitation to set a password"
    else:
        kind, subject = "set_password_link", f"Set a new password for {service}"
        opening = f"{sender} has sent you a link to set a new password for {service}."
        summary = f"{user.name} was sent a link to set a new password"
    body = (
        f"Dear {user.how_to_address},\n\n{opening}\n\n"
        f"Set your password here:\n{link}\n\n"
        f"The link works once and for {hours} hours. "
        "If it has expired, ask your regional lead for a new one.\n\n"
        f"If you did not expect this email, you can ignore it.\n"
    )
    queue_email(user, kind, subject, body, region_id=region_id)
    record_event(
        "set_password_link_sent",
        summary,
        actor=actor,
        subject_user=user,
        region_id=region_id,
        email_kind=kind,
    )


def set_password_from_link(user: User, password: str) -> None:
    """Set the password chosen through a set-password link; the link is spent."""
    check_new_password(user, password)
    user.set_password(password)
    # Whoever knew the old password is signed out.
    end_other_sessions(user)
    record_event("password_set", f"{user.name} set their password", actor=user, subject_user=user)


def set_password_and_sign_in(user: User, password: str, signed_in: User | None) -> None:
    """Set the password from a link and sign the user in, ending whoever was signed in on this browser."""
    set_password_from_link(user, password)
    if signed_in is not None:
        end_session(signed_in)
    start_session(user)


def grant_role(
    actor: User | None,
    user: User,
    role: Role,
    *,
    region: Region | None = None,
    authority: Authority | None = None,
    review_group_id: int | None = None,
) -> RoleGrant:
    """Give a user a role, scoped to a region (lead), an authority (director, contributor, moderator) or a
    peer group of the region (observer, consultant)."""
    if role in GROUP_ROLES:
        if region is None or review_group_id is None:
            raise ServiceError("Select the peer group")
        authority = None
    elif role in AUTHORITY_SCOPED_ROLES:
        if authority is None:
            raise ServiceError("Select the authority", field="authority")
        region = None
    elif role == Role.LEAD:
        if region is None:
            raise ServiceError("Select the region")
        authority = None
    else:
        region = authority = None
    for grant in user.grants:
        if (grant.role, grant.region_id, grant.authority_id, grant.review_group_id) == (
            role,
            region.id if region else None,
            authority.id if authority else None,
            review_group_id if role in GROUP_ROLES else None,
        ):
            raise ServiceError(f"{user.name} already has this role", field="email")
    grant = RoleGrant(role=role, region=region, authority=authority)
    if role in GROUP_ROLES:
        # Set only for group roles, so that other grants are written as before peer groups existed.
        grant.review_group_id = review_group_id
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
    review_group_id: int | None = None,
    invite: bool = True,
) -> tuple[User, bool]:
    """Add a role to the user with this email, creating the user if new; returns (user, created).

    A new user is emailed an invitation to set their password, unless invite is False.
    """
    user = find_user_by_email(email)
    created = user is None
    if user is None:
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
    grant_role(actor, user, role, region=region, authority=authority, review_group_id=review_group_id)
    if created and invite:
        send_set_password_link(
            actor, user, region_id=authority.region_id if authority else region.id if region else None
        )
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
    user.password_link_nonce = new_link_nonce()  # spends the set-password links they have not used
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
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


MAX_SALUTATION = 150


def set_salutation(actor: User, user: User, salutation: str) -> None:
    """How letters address the user after "Dear"; left empty, their first name. Theirs to set, or their
    admin's or lead's."""
    if actor.id != user.id and not can_manage_user(actor, user):
        raise ServiceError("You cannot change how this person is addressed.")
    lock_for_update(user)
    text = one_line_within(salutation, MAX_SALUTATION, "How to address them", "salutation")
    if text == user.salutation:
        return
    user.salutation = text
    record_event(
        "user_salutation_changed",
        f"Letters now address {user.name} as {user.how_to_address}",
        actor=actor,
        subject_user=user,
        region_id=_home_region_id(user),
    )


def _home_region_id(user: User) -> int | None:
    """The one region all of a user's roles lie in, so its lead sees changes to the account; else None."""
    regions = {grant.scope_region_id for grant in user.grants}
    return next(iter(regions)) if len(regions) == 1 and None not in regions else None
