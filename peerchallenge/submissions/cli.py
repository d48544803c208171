"""`flask documents extract`: a dry run of an upload, on the same code path, printing JSON."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from peerchallenge.cycles.models import Cycle
from peerchallenge.documents import analysis as documents
from peerchallenge.extensions import db
from peerchallenge.submissions.services import section_specs

documents_cli = AppGroup("documents", help="Self-assessment documents.")


@documents_cli.command("extract")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--cycle", "cycle_id", type=int, help="Split into this cycle's template (default template if not given)."
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Last year's self-assessment: each section gets a signal of kind 'repeated' (the share of its words "
    "repeated from the same section of this file, and the passages with the sentence each repeats).",
)
def extract_command(path: Path, cycle_id: int | None, previous: Path | None) -> None:
    """Print the sections, word counts and warnings found in a file, as an upload would see them, with each
    part's signals: passages that read as business as usual or as evidence, each with its reason."""
    if cycle_id is None:
        specs = documents.DEFAULT_SECTIONS
    else:
        cycle = db.session.get(Cycle, cycle_id)
        if cycle is None:
            raise click.ClickException(f"There is no cycle {cycle_id}")
        specs = section_specs(cycle)
    result = analyse(path, specs)
    before = analyse(previous, specs) if previous is not None else None
    click.echo(json.dumps(result.to_dict(before), indent=2, ensure_ascii=False))


def analyse(path: Path, specs: list[documents.SectionSpec]) -> documents.DocumentAnalysis:
    """The file as an upload would see it; its refusal on stderr, exiting with 1."""
    try:
        return documents.analyse_document(
            path.name, path.read_bytes(), specs, max_bytes=current_app.config["MAX_CONTENT_LENGTH"]
        )
    except documents.DocumentRejected as error:
        click.echo(error.message, err=True)
        sys.exit(1)
