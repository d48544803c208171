"""When a task's reminders fall due, and how its due date reads: plain dates in, plain values out.

Days are UK days. For a task due on day D, on day T (offset = T - D, in days):

| offset               | occasion due to the task's people  | occasion due to the region's leads   |
|----------------------|------------------------------------|--------------------------------------|
| -8 or earlier        | none                               | none                                 |
| -7 to -2             | "before-7d" (due in 7 days)        | none                                 |
| -1 and 0             | "before-1d" (due tomorrow)         | none                                 |
| 1 to 6               | "overdue-w1"                       | none                                 |
| 7                    | "overdue-w1"                       | "escalated-w1"                       |
| 8 to 13              | "overdue-w2"                       | "escalated-w1"                       |
| 14                   | "overdue-w2"                       | "escalated-w2"                       |
| 15 to 20             | "overdue-w3"                       | "escalated-w2"                       |
| n >= 1               | "overdue-w{(n - 1) // 7 + 1}"      | from 7: "escalated-w{n // 7}"        |

Each occasion is sent once to each person (recorded in ReminderSent), on its first day. Its later days are
there so that a day on which the command did not run is caught up the next day. Only the latest occasion
reached is ever due, so a missed "due in 7 days" is never sent once "due tomorrow" is reached. So a task is
reminded 7 days before, the day before, then weekly while overdue (1, 8, 15 ... days overdue); its region's
leads are told once it is 7 days overdue, then weekly (7, 14, 21 ... days overdue).
"""

from datetime import date

from peerchallenge.status import Tag

WEEK = 7


def days_overdue(due_on: date, today: date) -> int:
    """Days past the due date: negative before it, 0 on the day itself."""
    return (today - due_on).days


def reminder_occasion(due_on: date, today: date) -> str | None:
    """The reminder occasion due today for a task due on due_on, if any."""
    offset = days_overdue(due_on, today)
    if offset < -WEEK:
        return None
    if offset <= -2:
        return "before-7d"
    if offset <= 0:
        return "before-1d"
    return f"overdue-w{(offset - 1) // WEEK + 1}"


def escalation_occasion(due_on: date, today: date) -> str | None:
    """The occasion on which the region's leads are told of the overdue task, once 7 or more days overdue."""
    offset = days_overdue(due_on, today)
    if offset < WEEK:
        return None
    return f"escalated-w{offset // WEEK}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def long_date(day: date) -> str:
    """A date as GOV.UK writes it, for example '3 December 2026'."""
    return f"{day.day} {day:%B %Y}"


def due_in_words(due_on: date, today: date) -> str:
    """The due date for an email, for example 'due 3 December 2026 (in 7 days)' or 'overdue by 8 days'."""
    offset = days_overdue(due_on, today)
    if offset > 0:
        return f"overdue by {_days(offset)} (it was due {long_date(due_on)})"
    if offset == 0:
        return f"due today ({long_date(due_on)})"
    if offset == -1:
        return f"due {long_date(due_on)} (tomorrow)"
    return f"due {long_date(due_on)} (in {_days(-offset)})"


def urgency(due_on: date | None, today: date) -> Tag:
    """A task's urgency as a tag: 'Overdue by 3 days' red, 'Due in 5 days' orange within a week, or grey."""
    if due_on is None:
        return Tag("No deadline", "grey")
    offset = days_overdue(due_on, today)
    if offset > 0:
        return Tag(f"Overdue by {_days(offset)}", "red")
    colour = "orange" if offset >= -WEEK else "grey"
    if offset == 0:
        return Tag("Due today", colour)
    if offset == -1:
        return Tag("Due tomorrow", colour)
    return Tag(f"Due in {_days(-offset)}", colour)


def most_urgent_first(due_on: date | None, title: str = "") -> tuple:
    """A sort key: the earliest due date first (so overdue tasks lead), tasks with no due date last."""
    return (due_on is None, due_on or date.max, title)
