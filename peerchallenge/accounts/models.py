"""Users and the roles they hold."""

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from peerchallenge.extensions import Model, UTCDateTime, string_enum, utcnow
from peerchallenge.regions.models import Authority, Region


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    DIRECTOR = "director"
    CONTRIBUTOR = "contributor"
    # Held for one peer group of a cycle (groups model): they read the group's self-assessments and reviews.
    OBSERVER = "observer"
    CONSULTANT = "consultant"
    # Quality-assurance or performance staff of an authority, who moderate other authorities' self-assessments
    # in cycles with moderation on (scoped to the authority they work for).
    MODERATOR = "moderator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEAD: "Regional lead",
    Role.DIRECTOR: "Director of children's services",
    Role.CONTRIBUTOR: "Contributor",
    Role.OBSERVER: "Observer director",
    Role.CONSULTANT: "Independent consultant",
    Role.MODERATOR: "Moderator",
}

# The roles of an authority's own people: they read and write its records.
AUTHORITY_ROLES = (Role.DIRECTOR, Role.CONTRIBUTOR)
# Every role granted on one authority: its own people's, and a moderator's (which says only whom they work
# for: it gives no access to the authority's records).
AUTHORITY_SCOPED_ROLES = (*AUTHORITY_ROLES, Role.MODERATOR)
GROUP_ROLES = (Role.OBSERVER, Role.CONSULTANT)


def first_name(name: str) -> str:
    """The first word of a name, the default way to address its holder ("Sarah Jones" gives "Sarah")."""
    words = name.split()
    return words[0] if words else ""


def new_link_nonce() -> str:
    return secrets.token_urlsafe(16)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    # How the user likes to be addressed in a letter ("Sarah"); empty for the first word of their name.
    salutation: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")
    # Their job, where it matters to others: a moderator's ("Quality assurance manager"); empty if not given.
    job_title: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every set-password link's fingerprint: changing it spends the links (as does a new password).
    # Sessions are kept apart, in UserSession, so that signing out leaves outstanding links working.
    password_link_nonce: Mapped[str] = mapped_column(sa.String(64), default=new_link_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleGrant.id"
    )

    sessions: Mapped[list["UserSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The signed-in session this user was loaded for, set by start_session or the user loader.
    # (Declared for the type checker only: SQLAlchemy would read a class annotation as a column.)
    if TYPE_CHECKING:
        current_session_id: str | None
        data_stamp: int | None
        audit_stamp: int | None
    current_session_id = None
    # The stamps read with this user by the user loader, for the page cache (peerchallenge/page_cache.py).
    data_stamp = None
    audit_stamp = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """A person is signed in as whoever the user loader found (it refuses a deactivated person), the
        anonymous visitor being another class. Flask-Login's default asks `active`, which reads the person
        again after every commit (a hook asks after the view has committed)."""
        return True

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookie: the id of the server's record of this session."""
        return self.current_session_id

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def how_to_address(self) -> str:
        """What a letter to this user says after "Dear": their own choice, else their first name."""
        return self.salutation.strip() or first_name(self.name)

    @property
    def is_admin(self) -> bool:
        return any(grant.role == Role.ADMIN for grant in self.grants)

    def lead_region_ids(self) -> set[int]:
        return {
            grant.region_id
            for grant in self.grants
            if grant.role == Role.LEAD and grant.region_id is not None
        }

    def authority_ids(self, *roles: Role) -> set[int]:
        """The authorities where the user holds any of the given roles (any authority role if none given)."""
        wanted = roles or AUTHORITY_ROLES
        return {
            grant.authority_id
            for grant in self.grants
            if grant.role in wanted and grant.authority_id is not None
        }

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def _partial_unique_index(name: str, columns: tuple[str, ...], where: str) -> sa.Index:
    """A unique index over the rows matching `where`, the same on SQLite and PostgreSQL."""
    return sa.Index(name, *columns, unique=True, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


class RoleGrant(Model):
    """One role of one user: admin everywhere, lead of a region, director, contributor or moderator of an
    authority, observer or consultant of a peer group."""

    __tablename__ = "role_grants"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'admin' AND region_id IS NULL AND authority_id IS NULL)"
            " OR (role = 'lead' AND region_id IS NOT NULL AND authority_id IS NULL)"
            " OR (role IN ('director', 'contributor', 'moderator') AND region_id IS NULL"
            " AND authority_id IS NOT NULL)"
            " OR (role IN ('observer', 'consultant') AND region_id IS NOT NULL AND authority_id IS NULL"
            " AND review_group_id IS NOT NULL)",
            name="scope_matches_role",
        ),
        # One index per kind of grant: a unique constraint over all four columns lets PostgreSQL accept
        # duplicates, because NULLs never compare equal.
        _partial_unique_index("uq_role_grants_admin", ("user_id",), "role = 'admin'"),
        _partial_unique_index("uq_role_grants_lead", ("user_id", "region_id"), "role = 'lead'"),
        _partial_unique_index(
            "uq_role_grants_authority_role", ("user_id", "role", "authority_id"), "authority_id IS NOT NULL"
        ),
        _partial_unique_index(
            "uq_role_grants_group_role", ("user_id", "role", "review_group_id"), "review_group_id IS NOT NULL"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    # An observer's or consultant's peer group (assignments.models.ReviewGroup), with its region in region_id.
    review_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("review_groups.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")
    region: Mapped[Region | None] = relationship()
    authority: Mapped[Authority | None] = relationship()

    @property
    def scope_region_id(self) -> int | None:
        """The region this grant lies in, whether granted on the region or on one of its authorities."""
        if self.authority is not None:
            return self.authority.region_id
        return self.region_id

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def description(self) -> str:
        if self.review_group_id is not None and self.region is not None:
            return f"{self.role.label}, a peer group in {self.region.name}"
        if self.authority is not None:
            return f"{self.role.label}, {self.authority.name}"
        if self.region is not None:
            return f"{self.role.label}, {self.region.name}"
        return self.role.label


class UserSession(Model):
    """One signed-in session on one device: signing out deletes it, and a cookie without one opens nothing."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_session_id)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")


class SignInThrottle(Model):
    """Recent failed sign-ins for one typed email address, whether or not an account has it.

    Kept in the database so that every worker counts together; keyed by the email typed, so that the
    wait looks the same for an address nobody has.
    """

    __tablename__ = "sign_in_throttles"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReadyMark:
    """A draft that someone who may not finish it (a delegate, a contributor) marked ready for the director:
    a review the director submits, a self-assessment the director signs off."""

    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @declared_attr
    def ready_by(cls: type["ReadyMark"]) -> Mapped[User | None]:
        return relationship(foreign_keys=[cls.ready_by_id])

    def mark_ready(self, user: User) -> None:
        self.ready_at = utcnow()
        self.ready_by = user

    def clear_ready(self) -> None:
        self.ready_at = None
        self.ready_by = None
