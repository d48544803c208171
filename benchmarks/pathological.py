"""The hostile-text corpus through the service: upload, section edit and page view, timed and measured.

Runs every shape in tests/pathological.py through the Flask test client on a temporary SQLite database:
uploads it as a .md self-assessment (--upload-chars characters), saves it as one section's text
(--edit-chars characters), and opens the self-assessment page after each. For each step it prints the
worst wall-clock time of --repeats runs, the worst CPU time of this process (steadier on a machine busy
with other work), and the peak memory Python allocated during one more run (tracemalloc, which slows that
run, so it is timed apart). "refused" means the text went over a limit in
peerchallenge/text_limits.py: the time is that of the refusal. The account page, timed in the same run,
is the baseline: "x base" is the page view's worst time over the baseline's.

    .venv/bin/python benchmarks/pathological.py
    shape                   upload s   cpu    MB  edit s   cpu    MB  view s   cpu    MB  x base
    open brackets               0.41  0.30   8.0    0.10  0.08  24.0    0.02  0.02   3.0     9.5
    ...
    .venv/bin/python benchmarks/pathological.py --shape "deep lists" --upload-chars 700000

Aim: under 1 second and 300 MB for each.
"""

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge import create_app  # noqa: E402
from peerchallenge.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.pathological import SHAPES  # noqa: E402
from tests.scenarios import open_cycle  # noqa: E402


def measured(step) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak MB, status) of step: timed once, then run again under tracemalloc."""
    started, started_cpu = time.perf_counter(), time.process_time()
    status = step()
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    tracemalloc.start()
    assert step() == status, "the measured run ended differently from the timed one"
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, cpu, peak, status


def worst(step, repeats: int) -> tuple[float, float, float, int]:
    runs = [measured(step) for _ in range(repeats)]
    return (*(max(run[field] for run in runs) for field in range(3)), runs[-1][3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upload-chars", type=int, default=500_000)
    parser.add_argument("--edit-chars", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--shape", action="append", choices=sorted(SHAPES), help="only this shape (repeatable)"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/benchmark.db"})
        with app.app_context():
            db.create_all()
            world = factories.make_world()
            cycle = open_cycle(world)
            client = app.test_client()
            client.post("/sign-in", data={"email": world.contributor.email, "password": factories.PASSWORD})
            page = f"/cycles/{cycle.id}/authorities/{world.authority.id}/self-assessment"
            # A real upload first, so that there is a section to edit.
            first = "\n".join(f"## {section.title}\n\nSome words.\n" for section in cycle.sections)
            client.post(
                page + "/upload",
                data={"file": (io.BytesIO(first.encode()), "first.md")},
                content_type="multipart/form-data",
            )
            baseline = min(measured(lambda: client.get("/account").status_code)[0] for _ in range(5))
            print(f"baseline: GET /account {baseline * 1000:.1f} ms")
            columns = ("upload s", "cpu", "MB", "edit s", "cpu", "MB", "view s", "cpu", "MB", "x base")
            print(f"{'shape':28}" + "".join(f"{column:>9}" for column in columns))

            def version_number() -> int:
                db.session.expire_all()
                return max(version.number for version in cycle_submission().versions)

            def cycle_submission():
                from peerchallenge.submissions.queries import find_submission  # noqa: PLC0415

                return find_submission(cycle, world.authority)

            totals = {"upload": 0.0, "edit": 0.0, "view": 0.0, "cpu": 0.0, "MB": 0.0}
            runs: list[int] = []
            for name in options.shape or SHAPES:
                make = SHAPES[name]
                document = make(options.upload_chars).encode()

                def upload(document=document) -> int:
                    runs.append(len(runs))  # each run a new file: the same file twice is refused
                    return client.post(
                        page + "/upload",
                        data={"file": (io.BytesIO(document + f"\n\nRun {len(runs)}\n".encode()), "shape.md")},
                        content_type="multipart/form-data",
                    ).status_code

                upload_s, upload_cpu, upload_mb, upload_status = worst(upload, options.repeats)
                text = make(options.edit_chars)

                def edit(text=text) -> int:
                    runs.append(len(runs))
                    return client.post(
                        page + "/sections/0/edit",
                        data={"markdown": f"{text}\n\nRun {len(runs)}", "base_version": version_number()},
                    ).status_code

                edit_s, edit_cpu, edit_mb, edit_status = worst(edit, options.repeats)
                view_s, view_cpu, view_mb, _status = worst(
                    lambda: client.get(page).status_code, options.repeats
                )
                refused = {True: " refused", False: ""}
                print(
                    f"{name:28}"
                    + "".join(
                        f"{value:9.2f}" if index % 3 != 2 else f"{value:9.1f}"
                        for index, value in enumerate(
                            (
                                upload_s,
                                upload_cpu,
                                upload_mb,
                                edit_s,
                                edit_cpu,
                                edit_mb,
                                view_s,
                                view_cpu,
                                view_mb,
                            )
                        )
                    )
                    + f"{view_s / baseline:9.1f}"
                    f"{refused[upload_status == 400] and ' upload refused'}"
                    f"{refused[edit_status == 400] and ' edit refused'}",
                    flush=True,
                )
                totals["upload"] = max(totals["upload"], upload_s)
                totals["edit"] = max(totals["edit"], edit_s)
                totals["view"] = max(totals["view"], view_s)
                totals["cpu"] = max(totals["cpu"], upload_cpu, edit_cpu, view_cpu)
                totals["MB"] = max(totals["MB"], upload_mb, edit_mb, view_mb)
            print(
                f"worst: upload {totals['upload']:.2f} s, edit {totals['edit']:.2f} s, "
                f"view {totals['view']:.2f} s (wall); worst CPU {totals['cpu']:.2f} s; "
                f"peak {totals['MB']:.0f} MB"
            )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
