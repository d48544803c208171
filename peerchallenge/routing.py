"""URL pieces shared by every feature."""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from peerchallenge.extensions import db

Record = TypeVar("Record")

# The largest value of the database's integer columns (PostgreSQL's `integer`).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` limited to what an integer column holds: a huge id is a 404, not a database error."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_DATABASE_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class UrlPatterns:
    """`url_for` for many links of a few kinds that differ only in their ids: each kind (an endpoint and the
    names of its arguments) is built once by `url_for`, and its ids are put into that pattern for every link.

    For a table that links every cell (the dashboard): `url_for` for each of its ~280 cells was 40% of the
    page's time. Only whole-number arguments (ids) are filled in this way; anything else goes to `url_for`.
    """

    # Stand-ins for the ids while a pattern is built: within the database's range, and nowhere else in a URL.
    PLACEHOLDER = 2_000_000_000

    def __init__(self) -> None:
        self._patterns: dict[tuple[str, tuple[str, ...]], str] = {}

    def __call__(self, endpoint: str | None, **values: Any) -> str | None:
        """The address of `endpoint` with `values`, or None without an endpoint (a cell linking nowhere)."""
        if endpoint is None:
            return None
        if not all(type(value) is int for value in values.values()):
            return url_for(endpoint, **values)
        names = tuple(sorted(values))
        pattern = self._patterns.get((endpoint, names))
        if pattern is None:
            placeholders: dict[str, Any] = {name: self.PLACEHOLDER + n for n, name in enumerate(names)}
            pattern = url_for(endpoint, **placeholders)
            pattern = pattern.replace("{", "{{").replace("}", "}}")
            for n, name in enumerate(names):
                pattern = pattern.replace(str(self.PLACEHOLDER + n), "{" + name + "}")
            self._patterns[endpoint, names] = pattern
        return pattern.format_map(values)


def pagination(page: int, pages: int, href: Callable[[int], str], nearby: int = 1) -> dict[str, Any] | None:
    """Parameters for govukPagination, or None for a single page.

    It links the first and last pages and those within `nearby` of this one, with an ellipsis for each gap.
    """
    if pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    shown = sorted({1, pages, *range(page - nearby, page + nearby + 1)} & set(range(1, pages + 1)))
    for previous, number in zip([0, *shown], shown, strict=False):
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    return {
        "items": items,
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
    }


def get_allowed(
    model: type[Record], record_id: int, allowed: Callable[[Any, Record], bool], *, hidden: bool = False
) -> Record:
    """The record if `allowed(signed-in person, record)`: 404 when it is missing, 403 when not allowed
    (404 too when `hidden`: to those who may not read it, it does not exist)."""
    record = db.get_or_404(model, record_id)
    if not allowed(current_user, record):
        abort(404 if hidden else 403)
    return record
