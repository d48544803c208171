"""`flask seed-demo`: the demo region, safe to run again."""

import os
import secrets

import click

from peerchallenge.demo.seed import seed_demo
from peerchallenge.extensions import db


@click.command("seed-demo")
@click.option(
    "--reset-password",
    is_flag=True,
    help="Give every demo account the demo password again (a new one unless DEMO_PASSWORD is set).",
)
def seed_demo_command(reset_password: bool) -> None:
    """Load the Eastern Region with a lead and, for each authority, a director and a contributor."""
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    result = seed_demo(password, reset_passwords=reset_password)
    db.session.commit()
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
