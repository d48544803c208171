"""Dates and times in UK time: a deadline lasts all its UK day; stored in UTC, shown in UK time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def uk_today() -> date:
    """Today's date in the UK."""
    return datetime.now(UK_TIME).date()


def start_of_uk_day(day: date) -> datetime:
    """The first moment of a day in UK time, in UTC."""
    return datetime.combine(day, time(0), tzinfo=UK_TIME).astimezone(UTC)


def end_of_uk_day(day: date) -> datetime:
    """The last moment of a day in UK time, in UTC: a deadline 'on' a date lasts all that day."""
    return start_of_uk_day(day + timedelta(days=1))


def uk_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown in UK time, for example '3 March 2026 at 2:05pm'."""
    if value is None:
        return ""
    local = value.astimezone(UK_TIME)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def uk_date(value: date | None) -> str:
    """A date as people write it, for example '3 March 2026'."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
