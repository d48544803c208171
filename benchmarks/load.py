"""Every signed-in page under load beside `/healthz`, and SQL statements per page at 11 and at 33 authorities.

    make bench
    .venv/bin/python benchmarks/load.py --database-url postgresql://postgres@127.0.0.1:5432/bench

1. The database (PostgreSQL; the default is `peerchallenge_bench` on the local server, created if missing)
   is migrated and seeded with `flask seed-demo --national` (safe to run again: a seeded database is kept;
   `--fresh` empties it first), then analysed for the query planner. Every demo account's password is
   "demo password".
2. Pages are found by walking links in-process (the Flask test client), from each role's home page: the
   administrator, the Eastern lead, Essex's director and Peterborough's contributor (a delegate who may submit
   reviews). One URL per page (endpoint, and the names of its query arguments). Each page's SQL statements are
   counted there (a SQLAlchemy `before_cursor_execute` event), and the same walk is made as the Greater London
   region's people: both regions have a cycle under review, with 11 and 33 authorities.
3. gunicorn serves the app (2 workers x 4 threads, production settings, gunicorn.conf.py's hooks) on a local
   port; each role signs in through the sign-in form (with its CSRF token), then every page of every role is
   asked for by 20 concurrent users (4 processes of 5 threads, each thread with its own keep-alive connection)
   for a few seconds, with `/healthz` measured first and last in the same run. The ratios compare each page
   with `/healthz`'s mean. Each role's session asks for the same page again and again, so after its first
   view a page that writes nothing is served as kept (peerchallenge/page_cache.py); `--no-page-cache`
   measures every page rendered, as on its first view after a change; `--writes-per-second N` has someone
   save a change N times a second throughout, which drops every kept page and file each time.

Targets (issue 22): every page at least 1/3 of /healthz's requests per second, exports and downloads at least
1/10, and every page's p95 at most 3 times /healthz's. Absolute times on a shared machine are noise; the
ratios, measured in one run, are what to compare.
"""

import argparse
import concurrent.futures
import contextvars
import http.client
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/peerchallenge_bench"
PASSWORD = "demo password"  # noqa: S105 (the demo's, set through DEMO_PASSWORD)
PROCESSES = 4
# Who is walked and measured: (role, email in the Eastern region, email in Greater London or None).
PEOPLE = [
    ("admin", "admin@demo.example", None),
    ("lead", "lead.eastern@demo.example", "lead.greater-london@demo.example"),
    ("director", "director.essex@demo.example", "director.barnet@demo.example"),
    ("contributor", "contributor.peterborough@demo.example", "contributor.barnet@demo.example"),
]
MAX_PAGES_PER_PERSON = 80


# The database --------------------------------------------------------------------------------------------


def prepare_database(url: str, fresh: bool) -> None:
    import sqlalchemy as sa

    base = sa.engine.make_url(url)
    server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": base.database}
        ):
            connection.execute(sa.text(f'CREATE DATABASE "{base.database}"'))
    server.dispose()
    if fresh:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    environment = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "DEMO_PASSWORD": PASSWORD}
    for arguments in (["db", "upgrade"], ["authorities", "load"], ["seed-demo", "--national"]):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 (our own interpreter running flask with fixed arguments)
            [sys.executable, "-m", "flask", *arguments],
            cwd=PROJECT_ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        print(f"flask {' '.join(arguments)}: {time.perf_counter() - started:.0f} s", flush=True)
    # The planner's statistics, as autovacuum keeps them on a database in use. Without them, just after the
    # seed, the audit log's page joined all 10,000 events before taking its 50 (28 ms against 0.8 ms).
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


# Finding the pages, and counting their statements, in-process --------------------------------------------


@dataclass
class Page:
    key: str  # the endpoint, and the names of its query arguments
    url: str
    statements: int
    kind: str  # "page", or "export" for a file (anything not HTML)


def in_process_app(url: str):
    from flask.testing import FlaskClient

    from peerchallenge import create_app

    class IsolatedClient(FlaskClient):
        """Each request in its own context (app context, `g`, database session), as under gunicorn."""

        def open(self, *args, **kwargs):
            return contextvars.Context().run(super().open, *args, **kwargs)

    # Without kept pages: what is counted and profiled here is the rendering of each page.
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PAGE_CACHE_BYTES": 0,
        },
    )
    app.test_client_class = IsolatedClient
    return app


def statement_counter(app) -> tuple[Callable[[], None], Callable[[], int]]:
    import sqlalchemy as sa

    from peerchallenge.extensions import db

    counted = [0]

    def count(*arguments) -> None:
        counted[0] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)

    def reset() -> None:
        counted[0] = 0

    return reset, lambda: counted[0]


def walk(app, email: str) -> dict[str, Page]:
    """Every page reachable by links from the person's home page (tests/pages.walk_pages), one URL per page,
    with the statements it took when asked for again (the first time may do what is done once)."""
    from tests.pages import walk_pages

    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status_code}")
    reset, counted = statement_counter(app)
    found: dict[str, tuple[int, str]] = {}

    def visit(url: str):
        client.get(url, buffered=True)
        reset()
        response = client.get(url, buffered=True)  # a streamed download read whole, inside its request
        found[url] = (counted(), response.mimetype)
        return response

    pages = walk_pages(app, client, visit, limit=MAX_PAGES_PER_PERSON)
    return {
        key: Page(key, url, found[url][0], "page" if found[url][1] == "text/html" else "export")
        for key, url in pages.items()
    }


def walk_everyone(url: str) -> tuple[dict[str, dict[str, Page]], dict[str, dict[str, Page]]]:
    """Each role's pages in the Eastern region (11 authorities) and in Greater London (33)."""
    app = in_process_app(url)
    eastern, london = {}, {}
    for role, email, london_email in PEOPLE:
        eastern[role] = walk(app, email)
        if london_email:
            london[role] = walk(app, london_email)
    return eastern, london


def print_statements(eastern: dict[str, dict[str, Page]], london: dict[str, dict[str, Page]]) -> list[str]:
    print("\nSQL statements per page, at 11 authorities (Eastern) and 33 (Greater London)\n")
    print(f"| {'role':<11} | {'page':<48} | {'11':>4} | {'33':>4} |")
    print(f"|{'-' * 13}|{'-' * 50}|{'-' * 6}|{'-' * 6}|")
    grows = []
    for role, pages in london.items():
        for key in sorted(set(pages) | set(eastern[role])):
            at_11 = eastern[role].get(key)
            at_33 = pages.get(key)
            small = str(at_11.statements) if at_11 else "-"
            large = str(at_33.statements) if at_33 else "-"
            if at_11 and at_33 and at_33.statements > at_11.statements:
                grows.append(f"{role} {key}")
            print(f"| {role:<11} | {key:<48} | {small:>4} | {large:>4} |")
    return grows


# Under load, over HTTP ------------------------------------------------------------------------------------


def sign_in_over_http(port: int, email: str) -> str:
    """The session cookie of a person signed in through the sign-in form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    if token is None:
        raise SystemExit("no CSRF token on the sign-in form")
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/sign-in", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"could not sign in as {email} over HTTP: {response.status}")
    connection.close()
    return response.getheader("Set-Cookie", "").split(";")[0]


# Who saves changes while pages are measured (--writes-per-second): someone in no measured role's region.
WRITER = "director.barnet@demo.example"


class Writer(threading.Thread):
    """Someone saving a change through a form `rate` times a second while pages are measured: each save
    raises the data stamp, so every worker drops its kept pages and files as often as that."""

    def __init__(self, port: int, rate: float) -> None:
        super().__init__(daemon=True)
        self.port, self.rate = port, rate
        self.saved = 0
        self.stopped = threading.Event()
        self.started_at = self.stopped_at = 0.0

    def run(self) -> None:
        cookie = sign_in_over_http(self.port, WRITER)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/account/address", headers={"Cookie": cookie})
        response = connection.getresponse()
        page = response.read().decode()
        cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if token is None:
            raise SystemExit("no CSRF token on the writer's form")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        self.started_at = time.perf_counter()
        while not self.stopped.wait(1 / self.rate):
            salutation = f"Dr W{self.saved % 2}"
            body = urllib.parse.urlencode({"csrf_token": token.group(1), "salutation": salutation})
            connection.request("POST", "/account/address", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                raise SystemExit(f"the writer's save answered {response.status}")
            self.saved += 1
        self.stopped_at = time.perf_counter()
        connection.close()

    def stop(self) -> str:
        self.stopped.set()
        self.join()
        seconds = self.stopped_at - self.started_at
        return f"{self.saved} changes saved in {seconds:.0f} s ({self.saved / seconds:.1f} a second)"


def hammer(port: int, url: str, cookie: str, seconds: float, threads: int, start_at: float) -> tuple:
    """One process's share: `threads` users asking for `url` until the time is up. (latencies, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}

    def user() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, failed = [], 0
        while time.time() < start_at:
            time.sleep(0.001)
        stop = start_at + seconds
        while time.time() < stop:
            began = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=user) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0]


@dataclass
class Measured:
    label: str
    kind: str
    p50: float
    p95: float
    rate: float
    errors: int
    ratio: float = 0.0
    p95_ratio: float = 0.0


@dataclass
class Load:
    port: int
    users: int
    seconds: float
    pool: concurrent.futures.ProcessPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        self.pool = concurrent.futures.ProcessPoolExecutor(PROCESSES)

    def measure(self, label: str, kind: str, url: str, cookie: str) -> Measured:
        start_at = time.time() + 0.3
        share = [self.users // PROCESSES + (1 if n < self.users % PROCESSES else 0) for n in range(PROCESSES)]
        futures = [
            self.pool.submit(hammer, self.port, url, cookie, self.seconds, threads, start_at)
            for threads in share
        ]
        latencies, errors = [], 0
        for future in futures:
            got, failed = future.result()
            latencies.extend(got)
            errors += failed
        latencies.sort()
        if not latencies:
            return Measured(label, kind, 0, 0, 0, errors)
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        return Measured(label, kind, statistics.median(latencies), p95, len(latencies) / self.seconds, errors)


def worker_rss_mb(master: int, field: str = "VmRSS") -> list[float]:
    """Each worker's resident memory in MB: all of it (VmRSS), or only its own (RssAnon: not the pages of
    shared libraries, which every worker shares with the others)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def mb(sizes: list[float]) -> str:
    return ", ".join(f"{size:.0f}" for size in sizes)


def start_gunicorn(url: str, port: int, page_cache: bool) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PEERCHALLENGE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
    }
    if not page_cache:
        environment["PEERCHALLENGE_PAGE_CACHE_BYTES"] = "0"
    server = subprocess.Popen(  # noqa: S603 (gunicorn from our own environment, fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers=2",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def print_load(results: list[Measured], healthz: Measured) -> None:
    print(f"\nUnder load: {healthz.label} p50 {healthz.p50 * 1000:.1f} ms, p95 {healthz.p95 * 1000:.1f} ms, ")
    print(f"{healthz.rate:.0f} requests per second (the mean of its measurements)\n")
    heading = f"| {'role':<11} | {'page':<48} | {'p50 ms':>7} | {'p95 ms':>7} | {'req/s':>6} |"
    print(heading + " ratio | p95 x | holds |")
    print(f"|{'-' * 13}|{'-' * 50}|{'-' * 9}|{'-' * 9}|{'-' * 8}|-------|-------|-------|")
    for row in results:
        row.ratio = row.rate / healthz.rate
        row.p95_ratio = row.p95 / healthz.p95
        role, _, page = row.label.partition(" ")
        floor = 1 / 10 if row.kind == "export" else 1 / 3
        holds = row.ratio >= floor and (row.kind == "export" or row.p95_ratio <= 3) and not row.errors
        print(
            f"| {role:<11} | {page:<48} | {row.p50 * 1000:>7.1f} | {row.p95 * 1000:>7.1f} | {row.rate:>6.0f} "
            f"| {row.ratio:>5.2f} | {row.p95_ratio:>5.1f} | {'yes' if holds else 'NO':>5} |"
            + (f" {row.errors} errors" if row.errors else "")
        )
    pages = [row for row in results if row.kind == "page"]
    exports = [row for row in results if row.kind == "export"]
    print(
        f"\n{sum(row.ratio >= 1 / 3 for row in pages)} of {len(pages)} pages at 1/3 of /healthz's "
        f"throughput or more; {sum(row.p95_ratio <= 3 for row in pages)} with p95 at most 3 times "
        f"/healthz's; {sum(row.ratio >= 1 / 10 for row in exports)} of {len(exports)} exports and "
        "downloads at 1/10 or more."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE, help="a PostgreSQL database to seed and use"
    )
    parser.add_argument("--fresh", action="store_true", help="empty the database first")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=2.0, help="how long each page is measured")
    parser.add_argument("--only", help="measure only pages whose role and page contain this text")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="keep no pages (PAGE_CACHE_BYTES=0): every request renders its page, as a first view does",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0.0,
        help=f"while pages are measured, {WRITER} saves a change this often (each drops every kept page)",
    )
    arguments = parser.parse_args()

    prepare_database(arguments.database_url, arguments.fresh)
    eastern, london = walk_everyone(arguments.database_url)
    grows = print_statements(eastern, london)

    server = start_gunicorn(arguments.database_url, arguments.port, not arguments.no_page_cache)
    try:
        idle = worker_rss_mb(server.pid)
        idle_own = worker_rss_mb(server.pid, "RssAnon")
        load = Load(arguments.port, arguments.users, arguments.seconds)
        writer = Writer(arguments.port, arguments.writes_per_second) if arguments.writes_per_second else None
        if writer is not None:
            writer.start()
        healthz_runs = []
        results = []
        for role, email, _ in PEOPLE:
            healthz_runs.append(load.measure("- /healthz", "page", "/healthz", ""))
            cookie = sign_in_over_http(arguments.port, email)
            for key, page in sorted(eastern[role].items()):
                label = f"{role} {key}"
                if arguments.only and arguments.only not in label:
                    continue
                results.append(load.measure(label, page.kind, page.url, cookie))
                print(".", end="", flush=True)
        healthz_runs.append(load.measure("- /healthz", "page", "/healthz", ""))
        if writer is not None:
            print(f"\nWhile pages were measured, {WRITER} had {writer.stop()}.")
        healthz = Measured(
            "/healthz",
            "page",
            statistics.mean(run.p50 for run in healthz_runs),
            statistics.mean(run.p95 for run in healthz_runs),
            statistics.mean(run.rate for run in healthz_runs),
            sum(run.errors for run in healthz_runs),
        )
        print("\n/healthz, before each role and at the end: ", end="")
        print(", ".join(f"{run.rate:.0f} req/s (p95 {run.p95 * 1000:.0f} ms)" for run in healthz_runs))
        print_load(results, healthz)
        print(
            f"\nWorkers' memory (RSS): {mb(idle)} MB idle, {mb(worker_rss_mb(server.pid))} MB after the "
            f"benchmark; their own (anonymous) memory: {mb(idle_own)} MB idle, "
            f"{mb(worker_rss_mb(server.pid, 'RssAnon'))} MB after"
        )
        load.pool.shutdown()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if grows:
        print("\nStatements grow with the number of authorities on: " + ", ".join(grows))


if __name__ == "__main__":
    main()
