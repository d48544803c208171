"""The Flask extensions, created once and bound to the app in create_app."""

import enum
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

T = TypeVar("T")

# Stable constraint names, so that migrations name the same thing on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy builds db.Model from Base at run time; the type checker is told
# it is Base, so models get real SQLAlchemy types.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def scalars_where_in(query: sa.Select[T], column: Any, ids: Iterable[int]) -> list[T]:
    """What `query` finds where `column` is one of `ids`, without asking the database when there are none."""
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(query.where(column.in_(ids))))


def row_count(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by Session.execute changed.

    Session.execute is typed as returning a Result; for these statements it is a CursorResult, which counts.
    """
    assert isinstance(result, sa.CursorResult)
    return result.rowcount


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def string_enum(enum_class: type[enum.Enum], length: int = 20) -> sa.Enum:
    """An enum stored as its values in a plain string column, the same on SQLite and PostgreSQL.

    A CHECK constraint made from the enum's values keeps anything else out of the column; it is named
    after the enum (`ck_<table>_<enum in lower case>`), so a migration names the same constraint.
    """
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


def lock_for_update(instance, *, key_share: bool = False) -> None:
    """Lock the object's row until the request commits, and read it again: call it before any change.

    Two requests making the same change at the same moment then take turns, and the second one checks
    the state the first left (SELECT ... FOR UPDATE; SQLite ignores it but lets one writer in at a time).
    With `key_share`, FOR NO KEY UPDATE: the same turns, but rows that refer to this one can still be added
    meanwhile (for a lock taken to make a file, not to change the row).
    """
    db.session.flush()  # reading it again must not lose what this request has changed so far
    # FOR UPDATE OF its own table: an instance loaded with a joined eager load (a user with its grants, as
    # signing a request in loads it) is read again the same way, and PostgreSQL cannot lock the nullable
    # side of an outer join.
    table = sa.inspect(instance).mapper.local_table
    db.session.refresh(instance, with_for_update={"of": table, "key_share": key_share})
