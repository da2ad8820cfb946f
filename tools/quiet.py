"""Keep the machine quiet while a timing job runs.

Timed runs are pinned to one core, but our own untimed work (the other
branches' tests, builds, generated inputs, profiles) was free to land on that
core too: in agent runs on the examples, timed runs were descheduled (wall
time far above CPU time in up to 17 of 40 runs), and a ±1% interval needed up
to twice the pairs. A compiler loop on the other core alone doubled the
run-to-run spread of a 100 ms program (0.8% to 1.9%). So every sandboxed run
of ours that is not timed holds a shared lock while it runs, and a timing job
takes it exclusively: it waits for the runs in flight to finish and holds new
ones back until it is done. Machine-wide (flock), so separate processes (batch
workers, a TUI beside a headless run) respect it too.

A turnstile stops a steady stream of short untimed runs from starving a timing
job: a run passes the gate (shared, momentarily) before taking its shared
lock, and a timing job closes the gate (exclusive) first.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tools import interrupt
from tools.paths import cache_dir

_held = threading.local()


@functools.cache
def _path(name: str) -> Path:
    """Resolved once per process: every untimed run passes here."""
    return cache_dir() / name


@contextlib.contextmanager
def _flock(name: str, mode: int) -> Iterator[None]:
    # A fresh open file description per acquisition: flock locks belong to it,
    # so threads of one process exclude each other like separate processes.
    with open(_path(name), "a") as f:
        while True:  # polled, not blocking, so that a Ctrl-C is not held up here
            try:
                fcntl.flock(f, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                interrupt.check()
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def waited() -> float:
    """Seconds this thread has spent waiting for the locks here, so far: a
    candidate's phases report their own work apart from queueing behind
    another branch's timing job."""
    return getattr(_held, "waited", 0.0)


@contextlib.contextmanager
def _waiting() -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        _held.waited = waited() + time.monotonic() - start


@contextlib.contextmanager
def timing_slot() -> Iterator[None]:
    """Hold while timing: one timing job at a time, and no untimed run of ours
    beside it. Runs made by the thread that holds it are not held back."""
    with contextlib.ExitStack() as stack:
        with _waiting():
            stack.enter_context(_flock("timing.gate", fcntl.LOCK_EX))
            stack.enter_context(_flock("timing.lock", fcntl.LOCK_EX))
        _held.timing = True
        try:
            yield
        finally:
            _held.timing = False


@contextlib.contextmanager
def untimed() -> Iterator[None]:
    """Hold while an untimed sandboxed run executes (it waits out a timing job)."""
    if getattr(_held, "timing", False):
        # This thread is timing; its own helper runs must not wait for it.
        yield
        return
    with contextlib.ExitStack() as stack:
        with _waiting(), _flock("timing.gate", fcntl.LOCK_SH):
            stack.enter_context(_flock("timing.lock", fcntl.LOCK_SH))
        yield
