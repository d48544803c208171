"""Commands for monitoring, meant for cron."""

import click


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders due today, one digest per person."""
    raise click.ClickException("Not built yet")
