"""`flask authorities load`: load or refresh the authorities list."""

from pathlib import Path

import click
from flask.cli import AppGroup

from peerchallenge.extensions import db
from peerchallenge.regions.loader import (
    AUTHORITIES_CSV,
    AuthorityDataError,
    load_authorities,
    read_authorities,
)

authorities_cli = AppGroup("authorities", help="Regions and local authorities.")


@authorities_cli.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=AUTHORITIES_CSV,
    show_default=True,
    help="CSV of authorities and regions.",
)
def load_command(path: Path) -> None:
    """Add or update regions and authorities from the CSV (safe to run again)."""
    try:
        rows = read_authorities(path)
    except AuthorityDataError as error:
        raise click.ClickException(str(error)) from error
    result = load_authorities(rows)
    db.session.commit()
    click.echo(
        f"{len(rows)} authorities read: {result.authorities_added} added, "
        f"{result.authorities_updated} updated, {result.authorities_unchanged} unchanged; "
        f"{result.regions_added} regions added."
    )
