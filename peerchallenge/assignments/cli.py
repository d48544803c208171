"""`flask assignment solve`: a what-if run of the assignment solver on a JSON file, printing JSON."""

import json
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from peerchallenge.assignments.solver import NoAssignment, solve_json

assignment_cli = AppGroup("assignment", help="Peer assignment: who reviews whom.")


@assignment_cli.command("solve")
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path),  # checked when read, so that every failure is one line and exit 1
    help='A JSON file: {"authorities": [...], "peers": 2, "conflicts": [[a, b]], '
    '"history": [[reviewer, reviewed, year]], "seed": 1}; or "mode": "groups" and "group_size": 3 instead '
    'of "peers" for peer groups.',
)
def solve_command(input_path: Path) -> None:
    """Print who reviews whom (or the groups) and the soft-rule counts, or on one line why there are none."""
    try:
        document = json.loads(input_path.read_text(encoding="utf-8"))
        result = solve_json(document)
    except OSError as error:
        fail(f"Cannot read {input_path}: {error.strerror or error}")
    except UnicodeDecodeError:
        fail(f"Cannot read {input_path}: it is not UTF-8 text")
    except json.JSONDecodeError as error:
        fail(f"{input_path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except (NoAssignment, ValueError) as error:
        fail(getattr(error, "message", str(error)))
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def fail(reason: str) -> NoReturn:
    click.echo(" ".join(reason.split()), err=True)
    sys.exit(1)
