"""`flask seed-demo`: the demo region, safe to run again."""

import os
import secrets
from datetime import date

import click

from peerchallenge.demo.cycle import seed_demo_cycle
from peerchallenge.demo.seed import seed_demo
from peerchallenge.extensions import db


@click.command("seed-demo")
@click.option(
    "--reset-password",
    is_flag=True,
    help="Give every demo account the demo password again (a new one unless DEMO_PASSWORD is set).",
)
def seed_demo_command(reset_password: bool) -> None:
    """Load the Eastern Region: a lead, a director and contributor per authority, and an open cycle."""
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    result = seed_demo(password, reset_passwords=reset_password)
    cycle = seed_demo_cycle(result.region, date.today())
    db.session.commit()
    if cycle is not None:
        click.echo(
            f"Created the demo cycle '{cycle.title}', with self-assessments, reviews and challenge "
            "letters at every stage."
        )
    if result.created or reset_password:
        click.echo(f"Demo accounts ready. The password for every demo account is: {password}")
    else:
        click.echo(
            "Demo accounts already exist and keep their password "
            "(run 'flask seed-demo --reset-password' to set a new one)."
        )
    lead, admin = "lead.eastern@demo.example", "admin@demo.example"
    click.echo(f"Sign in as the regional lead: {lead} (administrator: {admin}).")
    click.echo(
        f"{len(result.accounts)} demo accounts; directors and contributors are "
        "director.<authority>@demo.example and contributor.<authority>@demo.example."
    )
