"""Commands for monitoring, meant for cron."""

from datetime import datetime

import click

from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.monitoring.services import send_reminders


@click.command("send-reminders")
@click.option(
    "--today",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Send what is due on this day (YYYY-MM-DD) instead of today in UK time.",
)
def send_reminders_command(today: datetime | None) -> None:
    """Queue the reminders due today, one digest per person; safe to run more than once a day.

    Run it daily from cron. It only puts emails in the outbox: `flask mail deliver` sends them.
    """
    run = send_reminders(today.date() if today else uk_today())
    db.session.commit()
    click.echo(run.summary())
