"""Stop everything sandboxed, now: the harness side of Ctrl-C.

Candidates run in their own sessions (so a terminal's Ctrl-C, sent to our
process group, never reaches them) and in worker threads that would finish
their judgment first: a run could take minutes to notice a Ctrl-C. `stop_all`
kills every live sandboxed process group at once and makes every later
sandbox launch fail with `Interrupted`, so those threads return within
moments. It is process-wide on purpose: one Ctrl-C stops the whole command.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator

_stopping = threading.Event()
_live: set[subprocess.Popen] = set()
_lock = threading.Lock()
_killed = 0


class Interrupted(RuntimeError):
    """Raised in place of a sandbox launch (or a run cut short) after `stop_all`."""

    def __init__(self) -> None:
        super().__init__("interrupted")


def stopping() -> bool:
    return _stopping.is_set()


def check() -> None:
    """Raise `Interrupted` once `stop_all` was called (at the top of long loops)."""
    if _stopping.is_set():
        raise Interrupted


@contextlib.contextmanager
def tracked(proc: subprocess.Popen) -> Iterator[None]:
    """Count a just-launched process group as live while the block runs; if a
    stop came first, kill and reap it and raise `Interrupted` instead."""
    with _lock:
        _live.add(proc)
    try:
        if _stopping.is_set():
            kill(proc)
            proc.wait()
            raise Interrupted
        yield
    finally:
        with _lock:
            _live.discard(proc)


def kill(proc: subprocess.Popen) -> None:
    """Kill the process's whole group (bwrap takes its namespace down with it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def stop_all() -> int:
    """Kill every live sandboxed process group; refuse new launches. Returns how
    many were killed."""
    global _killed
    _stopping.set()
    with _lock:
        procs = list(_live)
    for proc in procs:
        kill(proc)
    _killed += len(procs)
    return len(procs)


def killed() -> int:
    """How many process groups `stop_all` killed so far."""
    return _killed


def reset() -> None:
    """Allow launches again (library use and tests, after a stop was handled)."""
    _stopping.clear()
