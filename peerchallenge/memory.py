"""Giving memory back to the operating system after requests that freed a lot of it.

A Word file, a spreadsheet or a solver run allocates hundreds of thousands of small blocks through C
libraries (libxml2 for python-docx, the OR-Tools solver) and frees them when the request ends. glibc's malloc
keeps what was freed for reuse instead of returning it. Four threads writing Word files left a process 330 MB
larger with almost none of it in use (tests/test_memory.py measures such a burst).

Two measures, both from `gunicorn.conf.py`, return it. In that burst the trim after a collector's pass
(below) returns all of it; with the app's own Word downloads in four threads, the trim left 35 MB until the
threads shared two arenas, and then 2 MB.

- `limit_arenas`, in each worker before its threads start: glibc gives each thread its own heap ("arena"), and
  memory freed in one thread's heap while another's holds a block beside it is never returned. Two arenas
  for the worker's threads (they take turns under Python's lock anyway) leave little such memory.
- `MemoryReleaser.after_request`, after each request: it reads the process's resident size (one small read of
  /proc) and asks glibc to return free memory (`malloc_trim`) when the process has grown by more than
  `slack_mb` since the last time it did, and every `every` requests in any case, so that the free memory of a
  few large requests is returned without paying for a trim on every request.

A full pass of Python's collector runs before a trim that follows growth, as what a large request built is
often held in reference cycles until then. `freeze_loaded`, once the worker has loaded the app, takes the
app's own objects out of those passes, so each walks about a third as many objects. Elsewhere (no glibc, no
/proc) all of this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
from collections.abc import Callable

SLACK_MB = 32
EVERY = 64
ARENAS = 2
M_ARENA_MAX = -8  # mallopt's parameter for the most arenas (glibc's malloc.h)


def resident_mb() -> float | None:
    """This process's resident memory in MB, or None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _glibc(function: str):
    """A function of glibc's malloc, or None where the C library is not glibc (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let this process's threads share at most `arenas` heaps; call it before they start. True if set."""
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))


def freeze_loaded() -> None:
    """Keep what is alive now (modules, mappers, templates: the loaded app) out of the collector's passes."""
    gc.collect()
    gc.freeze()


def _glibc_trim() -> Callable[[], None] | None:
    """glibc's malloc_trim(0), which returns every arena's free memory, or None without glibc."""
    trim = _glibc("malloc_trim")
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class MemoryReleaser:
    """When to give free memory back: a process's own, shared by its threads."""

    def __init__(self, slack_mb: float = SLACK_MB, every: int = EVERY) -> None:
        self.slack_mb = slack_mb
        self.every = every
        self.trim = _glibc_trim()
        self.requests = 0
        self.trims = 0
        self.baseline: float | None = None  # resident size after the last trim
        self._lock = threading.Lock()

    def after_request(self) -> None:
        if self.trim is None:
            return
        size = resident_mb()
        if size is None:
            return
        with self._lock:
            self.requests += 1
            if self.baseline is None:
                self.baseline = size
                return
            grown = size - self.baseline > self.slack_mb
            if not grown and self.requests % self.every:
                return
            if grown:
                # What a large request built is often held in reference cycles (python-docx's documents
                # are) until the collector's rare full pass: free it now, or there is little to return.
                gc.collect()
            self.trim()
            self.trims += 1
            self.baseline = resident_mb() or size


_releasers: dict[int, MemoryReleaser] = {}


def releaser() -> MemoryReleaser:
    """This process's releaser: gunicorn's workers are forked from one master, so each gets its own."""
    pid = os.getpid()
    if pid not in _releasers:
        _releasers[pid] = MemoryReleaser()
    return _releasers[pid]
