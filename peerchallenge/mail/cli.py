"""Commands for the outbox: `flask mail deliver` (from cron, every minute) and `flask mail list`."""

import click
from flask import current_app
from flask.cli import AppGroup

from peerchallenge.dates import uk_datetime
from peerchallenge.mail.delivery import MailSettingsError, SmtpSettings, deliver_due
from peerchallenge.mail.models import EmailStatus
from peerchallenge.mail.queries import recent_emails

mail_cli = AppGroup("mail", help="Deliver and inspect the outbox.")


@mail_cli.command("deliver")
@click.option(
    "--limit",
    default=200,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="The most messages to try in this run.",
)
def deliver_command(limit: int) -> None:
    """Send the messages that are due by SMTP; without SMTP settings, say how many are waiting."""
    try:
        settings = SmtpSettings.from_config(current_app.config)
    except MailSettingsError as error:
        raise click.ClickException(str(error)) from error
    # Failures are recorded on each message and retried; the exit status stays 0 so cron stays quiet.
    click.echo(deliver_due(settings, limit=limit).summary())


@mail_cli.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--status", type=click.Choice([status.value for status in EmailStatus]), default=None)
def list_command(limit: int, status: str | None) -> None:
    """Show the newest messages in the outbox, with their status."""
    emails = recent_emails(limit, EmailStatus(status) if status else None)
    if not emails:
        click.echo("The outbox is empty." if status is None else f"No {status} messages.")
    for email in emails:
        state = email.status.value
        if email.status == EmailStatus.FAILED:
            state += f" (attempt {email.attempts}, next at {uk_datetime(email.next_attempt_at)})"
        click.echo(
            f"{email.id:>6}  {uk_datetime(email.created_at)}  {state}  {email.to_address}  {email.subject}"
        )
