"""A timing job holds back our untimed sandboxed runs, and waits for those in flight."""

from __future__ import annotations

import threading
import time

from tests.conftest import needs_sandbox
from tools.quiet import timing_slot, untimed
from tools.sandbox import Sandbox


def _enter_and_leave(lock) -> None:
    with lock():
        pass


def _in_thread(fn) -> tuple[threading.Thread, list[float]]:
    """Run fn in a thread; the list gets the time it finished."""
    done: list[float] = []
    thread = threading.Thread(target=lambda: (fn(), done.append(time.monotonic())), daemon=True)
    thread.start()
    return thread, done


def test_an_untimed_run_waits_until_timing_is_done():
    with timing_slot():
        thread, done = _in_thread(lambda: _enter_and_leave(untimed))
        time.sleep(0.4)
        assert not done, "an untimed run started while a timing job held the machine"
        released = time.monotonic()
    thread.join(30)
    assert done and done[0] >= released


def test_timing_waits_for_an_untimed_run_in_flight():
    started = threading.Event()
    release = threading.Event()

    def untimed_run():
        with untimed():
            started.set()
            release.wait(30)

    runner = threading.Thread(target=untimed_run)
    runner.start()
    started.wait(30)
    timer, done = _in_thread(lambda: _enter_and_leave(timing_slot))
    time.sleep(0.4)
    assert not done, "timing started beside an untimed run"
    release.set()
    runner.join(30)
    timer.join(30)
    assert done


def test_untimed_runs_overlap_each_other():
    with untimed():
        thread, done = _in_thread(lambda: _enter_and_leave(untimed))
        thread.join(30)
        assert done


def test_the_timing_thread_itself_is_not_held_back():
    def time_and_run_untimed():
        with timing_slot(), untimed():
            pass

    thread, done = _in_thread(time_and_run_untimed)
    thread.join(30)
    assert done, "the timing thread deadlocked on its own untimed run"


@needs_sandbox
def test_a_sandboxed_command_waits_for_timing():
    sandbox = Sandbox()
    with timing_slot():
        thread, done = _in_thread(lambda: sandbox.run(["/bin/true"]))
        time.sleep(0.5)
        assert not done
        released = time.monotonic()
    thread.join(30)
    assert done and done[0] >= released


def test_time_spent_queueing_is_counted_apart():
    """A phase that waits for another timing job reports the wait as `wait`:
    held 1 s behind the timing job, it works 0.05 s."""
    from tools.evaluate import Evaluation

    holding, queued, release = threading.Event(), threading.Event(), threading.Event()

    def timer():
        with timing_slot():
            holding.set()
            queued.wait(30)  # the phase has started, and is about to queue
            time.sleep(1.0)
            release.set()

    other = threading.Thread(target=timer)
    other.start()
    assert holding.wait(30)
    ev = Evaluation(asm="")
    with ev.phase("tests"):
        queued.set()
        with untimed():
            assert release.is_set()
            time.sleep(0.05)
    other.join(30)
    # Counted in "tests", the wait would make it over 1 s and "wait" 0.
    assert ev.seconds["wait"] >= 0.5
    assert 0.05 <= ev.seconds["tests"] < 0.5
