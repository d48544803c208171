"""`flask seed-demo`: the demo region (or, with --national, every region), safe to run again."""

import os
import secrets
from datetime import date

import click

from peerchallenge.demo.cycle import seed_demo_cycle
from peerchallenge.demo.groups import seed_groups_cycle
from peerchallenge.demo.national import seed_national_cycles
from peerchallenge.demo.seed import GROUPS_REGION, seed_demo
from peerchallenge.extensions import db


@click.command("seed-demo")
@click.option(
    "--reset-password",
    is_flag=True,
    help="Give every demo account the demo password again (a new one unless DEMO_PASSWORD is set).",
)
@click.option(
    "--national",
    is_flag=True,
    help="Seed all nine regions, each with a lead, its people and a current cycle in one of the states.",
)
def seed_demo_command(reset_password: bool, national: bool) -> None:
    """Load the Eastern Region (its people, this year's cycle under review and last year's, closed) and the
    South East (its people and this year's cycle in triads, under review)."""
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    today = date.today()
    result = seed_demo(password, reset_passwords=reset_password, national=national)
    cycle = seed_demo_cycle(result.region, today)
    south_east = next(region for region in result.regions if region.name == GROUPS_REGION)
    others = [seed_groups_cycle(south_east, today)]
    others += seed_national_cycles(result.regions, today) if national else []
    db.session.commit()
    if cycle is not None:
        click.echo(
            f"Created the demo cycle '{cycle.title}', with self-assessments, reviews and challenge "
            "letters at every stage."
        )
    for seeded in others:
        made = "Created" if seeded.created else "Kept"
        click.echo(f"{made} '{seeded.cycle.title}' ({seeded.cycle.state.label.lower()}).")
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
        "The South East's cycle runs in triads and was moderated: its lead is lead.south-east@demo.example, "
        "its moderators moderator.<authority>@demo.example."
    )
    if national:
        click.echo(
            "Each region's lead is lead.<region>@demo.example, for example lead.north-west@demo.example."
        )
    click.echo(
        f"{len(result.accounts)} demo accounts; directors and contributors are "
        "director.<authority>@demo.example and contributor.<authority>@demo.example."
    )
