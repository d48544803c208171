"""Memory freed by a request goes back to the operating system (peerchallenge/memory.py, gunicorn.conf.py).

The burst runs in a fresh interpreter, so that what the test process has allocated before does not decide
what can be returned. Word files are the burst: python-docx builds each one from hundreds of thousands of
small blocks (libxml2's), the case that held 100 MB or more in gunicorn's workers under load.
"""

import json
import runpy
import subprocess
import sys
from pathlib import Path

from peerchallenge.memory import MemoryReleaser, limit_arenas, releaser, resident_mb

PROJECT_ROOT = Path(__file__).resolve().parent.parent

BURST = """
import io, json, threading
import docx
import gc
from peerchallenge.memory import MemoryReleaser, freeze_loaded, limit_arenas, resident_mb

limited = limit_arenas() if {limit} else False
if {limit}:  # as gunicorn.conf.py does in each worker
    freeze_loaded()
frozen = gc.get_freeze_count()
memory = MemoryReleaser(slack_mb=16)
for _ in range(3):  # python-docx's modules and template read once, before the baseline
    docx.Document().save(io.BytesIO())
memory.after_request()
before = resident_mb()

def word_files():
    for _ in range(40):
        document = docx.Document()
        for number in range(200):
            document.add_paragraph(f"Paragraph {{number}} of a long letter")
        document.save(io.BytesIO())

threads = [threading.Thread(target=word_files) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
grown = resident_mb()
memory.after_request()
print(json.dumps({{"limited": limited, "frozen": frozen, "before": before, "grown": grown,
                  "after": resident_mb(), "trims": memory.trims}}))
"""


def burst(*, limit: bool) -> dict:
    completed = subprocess.run(  # noqa: S603 (this interpreter, running the script above)
        [sys.executable, "-c", BURST.format(limit=limit)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(completed.stdout)


def test_a_burst_of_word_files_in_four_threads_is_given_back():
    measured = burst(limit=True)
    assert measured["limited"] is True
    assert measured["frozen"] > 10_000  # the modules loaded, out of the collector's passes
    growth = measured["grown"] - measured["before"]
    assert growth > 20, measured  # the burst held memory, or the test shows nothing
    assert measured["trims"] == 1
    assert measured["after"] - measured["before"] < growth / 3, measured


def test_the_releaser_trims_when_the_process_has_grown_and_every_so_many_requests():
    memory = MemoryReleaser(slack_mb=8, every=1000)
    memory.after_request()  # the baseline
    memory.after_request()
    assert memory.trims == 0  # nothing grew, and it is not its turn
    held = bytearray(64 * 2**20)  # touched, so resident
    held[::4096] = b"x" * len(held[::4096])
    memory.after_request()
    assert memory.trims == 1
    assert memory.baseline is not None and memory.baseline >= (resident_mb() or 0) - 8
    del held

    regular = MemoryReleaser(slack_mb=10_000, every=3)
    for _ in range(7):
        regular.after_request()
    assert regular.requests == 7
    assert regular.trims == 2  # the 3rd and the 6th


def test_gunicorn_reads_the_hooks_from_the_project_folder():
    hooks = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    hooks["post_fork"](None, None)
    counted = releaser().requests
    hooks["post_request"](None, None, {}, None)
    assert releaser().requests == counted + 1
    assert limit_arenas() is True  # glibc, as on the servers and here
