"""Ctrl-C for the commands that run the agent: the first SIGINT stops within
seconds, the second at once.

asyncio's own handling cancels the main task and then waits for the worker
threads, which are judging candidates: minutes. Here the first SIGINT (sent
to the process alone, or to its group as a terminal does) kills every
sandboxed process (`tools.interrupt.stop_all`), so those threads return at
once; finished results are already on disk, so the run stays resumable. The
caller sees `Stopped` and exits 130.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Iterator

from tools import interrupt


class Stopped(Exception):
    """The command was stopped by SIGINT; what finished is kept."""


def kill_sandboxes_on_sigint() -> None:
    """Outside a running loop (loading a task, measuring a baseline, a Ray
    driver's waits): SIGINT kills the sandboxes, then raises KeyboardInterrupt
    as usual. Only where SIGINT has Python's default handler (not ignored)."""

    def handler(signum, frame):
        interrupt.stop_all()
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, handler)


def stop_sandboxes() -> int:
    """Kill every sandboxed process now and refuse new ones (for a front end
    that handles SIGINT itself, as the TUI does). Returns how many were killed."""
    return interrupt.stop_all()


@contextlib.contextmanager
def first_sigint_stops(on_stop: Callable[[int], None] = lambda killed: None) -> Iterator[None]:
    """Within a running loop's task: the first SIGINT kills the sandboxes, calls
    `on_stop(killed)` (to say so at once) and cancels the task, which then
    raises `Stopped`; a second SIGINT exits the process with 130 at once."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    hits = 0

    def handler() -> None:
        nonlocal hits
        hits += 1
        if hits > 1:
            os.write(2, b"agent: stopped at once (second Ctrl-C)\n")
            os._exit(130)
        killed = interrupt.stop_all()
        with contextlib.suppress(Exception):  # an event printer must not keep us running
            on_stop(killed)
        if task is not None:
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, handler)
    except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
        yield
        return
    try:
        yield
    except asyncio.CancelledError:
        if not hits:
            raise
        if task is not None:
            task.uncancel()
        raise Stopped from None
    finally:
        loop.remove_signal_handler(signal.SIGINT)
