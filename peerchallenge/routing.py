"""URL pieces shared by every feature."""

from werkzeug.routing import IntegerConverter

# The largest value of the database's integer columns (PostgreSQL's `integer`).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` limited to what an integer column holds: a huge id is a 404, not a database error."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_DATABASE_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
