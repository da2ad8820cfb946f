"""Racing: a cheap first look at many builds before the harness judges a few.

The harness's judgment of one candidate (tests, interleaved timing to a
decision) costs seconds; the built-in optimizer can make two dozen compiler
variants of a program in about as long. Which of them pays differs per program
(on public programs: `-funroll-loops` 1.36x on one, no SLP vectorizer 6x on
another, clang on a third, and each of them slower elsewhere), so a fixed
order wastes the time budget on losers. A race runs them all,
round-robin in random order with the original in every round, on the task's
slowest input in one runner session of the sandbox (the same machinery and
CPU-time clock as timing, under the machine-wide timing slot), and halves the
field as it goes: after one round only the clearly beaten leave (below
`FIRST_CUT` of the leader), after each later one the better half stays, and
only while within `cut` of the leader's speed (and of the original's).
An entrant whose output or exit status differs from the original's in the
same round is out at once.

A race only orders and prunes: its figures are medians of a few runs with no
interval, never reported as a speedup. Every entrant the proposer then offers
is judged by the harness like any candidate.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass

from tools.quiet import timing_slot
from tools.sandbox import RunResult, Sandbox
from tools.task import TestCase
from tools.timing import timing_core

ROUNDS = 5
SECONDS = 30.0
CUT = 0.9  # drop an entrant below this fraction of the leader's (and the original's) speed
FIRST_CUT = 0.8  # after one round, only the clearly beaten go
KEEP = 3  # halving never leaves fewer than this many


def _survivors(alive: set[str], ratios: dict[str, list[float]], done: int, cut: float) -> set[str]:
    """Who runs the next round: after the first, all but the clearly beaten; then
    the better half (at least KEEP) of those within `cut` of the leader."""
    median = {n: statistics.median(ratios[n]) for n in alive}
    leader = max(max(median.values()), 1.0)
    if done == 1:
        return {n for n in alive if median[n] >= FIRST_CUT * leader}
    close = sorted((n for n in alive if median[n] >= cut * leader), key=lambda n: -median[n])
    return set(close[: max(KEEP, (len(alive) + 1) // 2)])


@dataclass(frozen=True)
class Entry:
    name: str
    speedup: float  # median over its rounds of (original's CPU time / its CPU time)
    rounds: int
    wrong: str = ""  # why it is out of the race for behaving differently ("" if not)


def _behaviour(run: RunResult) -> tuple:
    return (run.exit_code, run.signal, run.timed_out, run.out_hash)


def race(
    baseline: bytes,
    entrants: dict[str, bytes],
    test: TestCase,
    sandbox: Sandbox,
    rounds: int = ROUNDS,
    seconds: float = SECONDS,
    cut: float = CUT,
    seed: int = 0,
) -> list[Entry]:
    """Race `entrants` (name -> binary) against `baseline` on `test`; best first.

    Entrants dropped early keep the figure they had when dropped; a wrong one
    comes last with speedup 0. A broken runner session raises `SandboxError`.
    """
    names = list(entrants)
    if not names:
        return []
    rng = random.Random(seed)
    ratios: dict[str, list[float]] = {n: [] for n in names}
    wrong: dict[str, str] = {}
    alive = set(names)
    binaries = [baseline, *(entrants[n] for n in names)]
    index = {n: i + 1 for i, n in enumerate(names)}
    room = sum(len(data) for _, data in test.files)
    with timing_slot(), sandbox.session(binaries, cpu=timing_core(), room=room) as session:
        session.set_test(test)  # its stdin, arguments and input files
        start = time.monotonic()
        for done in range(1, rounds + 1):
            order = [0, *(index[n] for n in names if n in alive)]
            rng.shuffle(order)
            # A crash or timeout is a result, not an exception: the runner reports it.
            runs = {i: session.run(i, send_output=False) for i in order}
            base = runs[0]
            for n in [n for n in names if n in alive]:
                run = runs[index[n]]
                if _behaviour(run) != _behaviour(base):
                    wrong[n] = f"behaves differently on {test.name}"
                    alive.discard(n)
                    continue
                ratios[n].append(max(base.cpu_us, 1) / max(run.cpu_us, 1))
            if alive:
                alive = _survivors(alive, ratios, done, cut)
            if not alive or time.monotonic() - start > seconds:
                break
    entries = [
        Entry(
            n,
            statistics.median(ratios[n]) if ratios[n] and n not in wrong else 0.0,
            len(ratios[n]),
            wrong.get(n, ""),
        )
        for n in names
    ]
    return sorted(entries, key=lambda e: (-e.speedup, e.name))
