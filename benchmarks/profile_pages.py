"""Where a page's time goes: cProfile over many requests, in-process, on the benchmark's seeded database.

    .venv/bin/python benchmarks/profile_pages.py --database-url postgresql://postgres@127.0.0.1:5432/bench \
        --email lead.eastern@demo.example --count 200 / /dashboard

Seed the database first (`make bench` does, or `flask seed-demo --national` with DATABASE_URL set). Each URL
is asked for once to warm up, then `--count` times under cProfile, each request in its own context as under
gunicorn (benchmarks/load.py's in-process app, production-like: no debug, templates not reloaded). Prints
each URL's time per request and the functions with the most cumulative time.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PASSWORD, in_process_app  # noqa: E402 (after the path is set)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--email", required=True, help="who signs in")
    parser.add_argument("--count", type=int, default=200, help="requests per URL")
    parser.add_argument("--top", type=int, default=40, help="how many functions to list")
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key: cumulative, tottime")
    parser.add_argument("urls", nargs="+")
    arguments = parser.parse_args()

    app = in_process_app(arguments.database_url)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": arguments.email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {arguments.email}: {response.status_code}")
    for url in arguments.urls:
        status = client.get(url, buffered=True).status_code
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(arguments.count):
            client.get(url, buffered=True)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"\n=== {url} ({status}): {elapsed / arguments.count * 1000:.1f} ms a request under cProfile\n")
        output = io.StringIO()
        pstats.Stats(profiler, stream=output).sort_stats(arguments.sort).print_stats(arguments.top)
        print(output.getvalue())


if __name__ == "__main__":
    main()
