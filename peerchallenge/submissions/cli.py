"""`flask documents extract`: a dry run of an upload, on the same code path, printing JSON; and `flask
documents measure`: every version's signals measured again, as saving it would."""

import json
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from peerchallenge.cycles.models import Cycle
from peerchallenge.documents import analysis as documents
from peerchallenge.extensions import db
from peerchallenge.submissions.models import Submission, SubmissionVersion
from peerchallenge.submissions.queries import last_year
from peerchallenge.submissions.services import measure, section_specs

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


@documents_cli.command("measure")
@click.option(
    "--cycle", "cycle_id", type=int, help="Only this cycle's self-assessments (default: every cycle)."
)
def measure_command(cycle_id: int | None) -> None:
    """Measure every version's parts again: signals (business as usual, evidence, repeated text) and marks.

    Saving a version measures it; run this once after an upgrade that measures more, so that versions saved
    before it show the same. Each version is measured as saving it would have been, against the authority's
    self-assessment of the cycle before; measuring again gives the same result, so it can be run any time.
    """
    query = sa.select(SubmissionVersion.id).order_by(SubmissionVersion.id)
    if cycle_id is not None:
        query = query.join(Submission, SubmissionVersion.submission_id == Submission.id).where(
            Submission.cycle_id == cycle_id
        )
    versions = texts = 0
    for version_id in db.session.scalars(query).all():
        version = db.session.get_one(SubmissionVersion, version_id)
        previous = last_year(version.submission.cycle, version.submission.authority)
        for text in version.sections:
            measure(text, previous)
            texts += 1
        versions += 1
        db.session.commit()  # one version at a time: a long run can be stopped and started again
    click.echo(
        f"Measured {texts} {'part' if texts == 1 else 'parts'} of {versions} "
        f"{'version' if versions == 1 else 'versions'}."
    )
