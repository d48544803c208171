"""How long `flask seed-demo` takes, Eastern alone and national, each on a fresh database.

Each run migrates a new database and loads the authorities (not timed), then times the seed command in a
child process, as a person would run it:

    .venv/bin/python benchmarks/seed_demo.py
    eastern   seconds=14.2
    national  seconds=71.9
    .venv/bin/python benchmarks/seed_demo.py --database-url postgresql://postgres@127.0.0.1:5432/bench

With --database-url the database is emptied first (each run drops and recreates its tables), so point it at
a database you can throw away. Targets: the Eastern demo under 30 seconds, the national one under 3 minutes.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask"]


def flask(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter running flask with fixed arguments)
        [*FLASK, *arguments], cwd=PROJECT_ROOT, env=environment, check=True, capture_output=True
    )


def empty_postgresql(url: str) -> None:
    """Drop every table of the database at `url`, so the migrations start from nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def timed_seed(database_url: str | None, national: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/demo.db"
        if database_url:
            empty_postgresql(database_url)
        environment = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url}
        flask(environment, "db", "upgrade")
        flask(environment, "authorities", "load")
        started = time.perf_counter()
        flask(environment, "seed-demo", *(["--national"] if national else []))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use (default: SQLite)")
    arguments = parser.parse_args()
    for name, national in (("eastern", False), ("national", True)):
        print(f"{name:<9} seconds={timed_seed(arguments.database_url, national):.1f}", flush=True)


if __name__ == "__main__":
    main()
