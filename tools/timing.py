"""Honest speedups: interleaved, in-sandbox, CPU-time based, with a confidence interval.

How, and why:
- One runner session (runner.c) inside one sandbox forks the baseline and the
  candidate alternately in a random ABBA order, stdin from the test's input, so
  sandbox start-up is never timed and machine drift hits both sides alike.
- Each run is measured as the user+sys CPU time of everything it started, read
  by the runner as the direct parent (hardware cycles where perf has them).
  Wall time is kept beside it: a run whose wall time is far above its CPU time
  was descheduled or waited, and is flagged.
- Two ways to stop (`TimingOptions.mode`):
  - "decide" (screening every candidate): pairs are added until the candidate
    is decided: faster (the interval above 1.0), slower (below), practically
    equal (inside ±`band`), cannot beat the best so far (below `to_beat`), or
    its budget of pairs and seconds is spent. The agent needs decisions, not
    digits, and most candidates are decided in a few pairs.
  - "precise" (the winner's figure): pairs are added until the 95% interval is
    within ±`target`, or a cap of pairs or seconds is reached.
- Looking at the data many times and stopping at the first decisive look would
  make a plain 95% interval lie (an A/A pair would be "decided" far more than 5%
  of the time). Decide mode looks at a fixed geometric schedule of pair counts
  and widens every look's interval to a repeated confidence interval (Pocock's
  boundary, computed for the schedule itself): the whole sequence of intervals
  covers the truth with 95% probability, so the one we stop at does too
  (Jennison and Turnbull, "Group Sequential Methods", ch. 9).
- Every timed run's output is checked against the verified output (by hash): a
  candidate that behaves differently when run repeatedly is caught.
- One timing job at a time on this machine, pinned to one core, with our other
  sandboxed work held back while it runs (tools.quiet).
"""

from __future__ import annotations

import functools
import math
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import norm

from tools.quiet import timing_slot
from tools.sandbox import RunResult, Sandbox
from tools.stats import Ratio, mann_whitney_p, speedup_ci
from tools.task import TestCase

RESOLUTION_S = 0.020  # below this much baseline CPU time, start-up noise dominates

# Why timing stopped (`Timing.decision`).
FASTER = "faster"
SLOWER = "slower"
EQUAL = "practically equal"
OUTCLASSED = "cannot beat the best"
BUDGET = "budget spent"
PRECISE = "precise"  # precise mode: the interval reached ±target
CAPPED = "capped"  # precise mode: the cap came first


@dataclass(frozen=True)
class TimingOptions:
    mode: str = "decide"  # "decide" (screening) or "precise" (the reported figure)
    band: float = 0.02  # decide: practically equal when the interval is inside ±band
    target: float = 0.01  # precise: stop when the 95% interval is within ±target
    warmup_pairs: int = 1
    min_pairs: int = 10
    max_pairs: int = 100
    max_seconds: float = 10.0  # raised for slow programs, see `seconds_cap`
    growth: float = 1.4  # decide: each look comes after this many times more pairs
    seed: int = 0
    deadline: float | None = None  # time.monotonic() after which the budget is spent

    @classmethod
    def precise(cls, **changes) -> TimingOptions:
        """The winner's figure: ±1% or a cap of 200 pairs or 60 s."""
        return cls(**{"mode": "precise", "max_pairs": 200, "max_seconds": 60.0, **changes})

    @property
    def schedule(self) -> tuple[int, ...]:
        """The pair counts at which the interval is computed (and may stop timing).

        Precise mode: every second pair from `min_pairs` on. Decide mode: a
        geometric schedule, few looks, each widened for the others (see module)."""
        if self.mode == "precise":
            return tuple(range(self.min_pairs, self.max_pairs + 1, 2))
        looks, n = [], float(self.min_pairs)
        while round(n) < self.max_pairs:
            looks.append(round(n))
            n *= self.growth
        return (*looks, self.max_pairs)

    def looks_at(self, measured: int) -> bool:
        """Whether the interval is computed after this many measured pairs."""
        return measured in self.schedule

    @property
    def level(self) -> float:
        """The confidence level of each look's interval: 95% in precise mode
        (one stopping rule on width, calibrated in tools/stats.py); in decide
        mode the level that makes all the looks together 95%."""
        if self.mode == "precise":
            return 0.95
        return float(2 * norm.cdf(critical_z(self.schedule)) - 1)

    def seconds_cap(self, pair_seconds: float) -> float:
        """The time cap, scaled by the program's run time: never less than what
        `min_pairs` plus a few more take, so a slow program still gets looks."""
        return max(self.max_seconds, (self.warmup_pairs + self.min_pairs + 4) * pair_seconds)


@functools.cache
def critical_z(looks: tuple[int, ...], alpha: float = 0.05, sims: int = 100_000) -> float:
    """Pocock's constant for these looks: the z such that a random walk with no
    drift, seen at these pair counts, leaves ±z·sqrt(n) at any of them with
    probability `alpha` (one look: 1.96; eight looks 10..100: about 2.5)."""
    rng = np.random.default_rng(20260)
    steps = np.diff((0, *looks))
    walk = np.cumsum(rng.standard_normal((sims, len(looks))) * np.sqrt(steps), axis=1)
    worst = np.max(np.abs(walk) / np.sqrt(looks), axis=1)
    return float(np.quantile(worst, 1 - alpha))


@dataclass
class Timing:
    """The measured speedup of a candidate over the baseline on one test."""

    test: str
    metric: str  # "cpu_time" (seconds) or "cycles"
    mode: str = "decide"
    baseline: list[float] = field(default_factory=list)
    candidate: list[float] = field(default_factory=list)
    baseline_wall: list[float] = field(default_factory=list)
    candidate_wall: list[float] = field(default_factory=list)
    speedup: Ratio | None = None
    level: float = 0.95  # of the interval in `speedup`
    decision: str = ""  # why timing stopped (FASTER, SLOWER, ...)
    p_value: float = 1.0
    flagged: int = 0  # runs whose wall time disagrees with their CPU time
    problem: str = ""  # set when a timed run failed or changed its output
    seconds: float = 0.0

    @property
    def pairs(self) -> int:
        return len(self.baseline)

    @property
    def below_resolution(self) -> bool:
        return self.metric == "cpu_time" and _median(self.baseline) < RESOLUTION_S

    @property
    def faster(self) -> bool:
        """Faster only when the whole interval lies above 1.0."""
        return self.speedup is not None and self.speedup.low > 1.0 and not self.problem

    def to_dict(self) -> dict:
        s = self.speedup
        return {
            "test": self.test,
            "metric": self.metric,
            "mode": "screening" if self.mode == "decide" else "precise",
            "decision": self.decision,
            "pairs": self.pairs,
            "speedup": s.estimate if s else None,
            "speedup_ci": [s.low, s.high] if s else None,
            "ci_level": round(self.level, 4),
            "p_value": self.p_value,
            "baseline_median": _median(self.baseline),
            "candidate_median": _median(self.candidate),
            "below_resolution": self.below_resolution,
            "flagged_runs": self.flagged,
            "faster": self.faster,
            "problem": self.problem,
            "seconds": round(self.seconds, 3),
        }


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def timing_core() -> int:
    """The core to pin timed runs to: the last one we may use (the first tends
    to take more interrupts)."""
    return max(os.sched_getaffinity(0))


def measure(
    baseline: bytes,
    candidate: bytes,
    test: TestCase,
    sandbox: Sandbox,
    expected_hashes: tuple[str, str],
    options: TimingOptions | None = None,
    to_beat: float | None = None,
    outputs: tuple[str, ...] = (),
) -> Timing:
    """Time `candidate` against `baseline` on `test` (its stdin, arguments and
    input files) until decided (decide mode) or precise enough (precise mode).
    `to_beat`: the lower bound of the best speedup so far; a candidate whose
    interval lies below it stops early. `outputs`: the output files the
    expected hashes cover."""
    opt = options or TimingOptions()
    rng = random.Random(opt.seed)
    timing = Timing(test=test.name, metric="cpu_time", mode=opt.mode, level=opt.level)
    samples: dict[int, list[RunResult]] = {0: [], 1: []}
    looks = set(opt.schedule)
    cap = opt.max_seconds
    room = sum(len(data) for _, data in test.files)
    with (
        timing_slot(),
        sandbox.session([baseline, candidate], cpu=timing_core(), room=room) as session,
    ):
        start = time.monotonic()
        session.set_test(test, outputs)
        pairs = 0
        while not timing.decision:
            order = (0, 1) if rng.random() < 0.5 else (1, 0)
            for index in order:
                result = session.run(index, send_output=False)
                problem = _check(result, expected_hashes[index], index)
                if problem:
                    timing.problem = problem
                    break
                if pairs >= opt.warmup_pairs:
                    samples[index].append(result)
            if timing.problem:
                break
            pairs += 1
            elapsed = time.monotonic() - start
            if pairs == opt.warmup_pairs:
                cap = opt.seconds_cap(elapsed / max(pairs, 1))
            measured = pairs - opt.warmup_pairs
            late = opt.deadline is not None and start + elapsed >= opt.deadline
            spent = measured >= opt.max_pairs or (measured >= 2 and (elapsed >= cap or late))
            if measured in looks or spent:
                _summarise(timing, samples, opt)
                timing.decision = _decide(timing.speedup, opt, to_beat, spent)
        timing.seconds = time.monotonic() - start
    return timing


def _decide(s: Ratio, opt: TimingOptions, to_beat: float | None, spent: bool) -> str:
    """Why to stop after this look ("" to go on)."""
    if opt.mode == "precise":
        return PRECISE if s.half_width <= opt.target else CAPPED if spent else ""
    if to_beat is not None and to_beat > 1.0 and s.high < to_beat:
        return OUTCLASSED
    if s.low > 1.0:
        return FASTER
    if s.high < 1.0:
        return SLOWER
    if s.low >= 1 / (1 + opt.band) and s.high <= 1 + opt.band:
        return EQUAL
    return BUDGET if spent else ""


def _check(result: RunResult, expected_hash: str, index: int) -> str:
    who = "baseline" if index == 0 else "candidate"
    if result.timed_out:
        return f"{who} timed out during timing"
    if result.signal:
        return f"{who} was killed by signal {result.signal} during timing"
    if result.exit_code != 0:
        return f"{who} exited with status {result.exit_code} during timing"
    if result.out_hash != expected_hash:
        return f"{who} printed different output when run again during timing"
    return ""


def _summarise(timing: Timing, samples: dict[int, list[RunResult]], opt: TimingOptions) -> None:
    runs = samples[0] + samples[1]
    use_cycles = all(r.cycles > 0 for r in runs)
    timing.metric = "cycles" if use_cycles else "cpu_time"

    def value(r: RunResult) -> float:
        return float(r.cycles) if use_cycles else max(r.cpu_us, 1) / 1e6

    timing.baseline = [value(r) for r in samples[0]]
    timing.candidate = [value(r) for r in samples[1]]
    timing.baseline_wall = [r.wall_us / 1e6 for r in samples[0]]
    timing.candidate_wall = [r.wall_us / 1e6 for r in samples[1]]
    timing.flagged = sum(1 for r in runs if r.wall_us > 1.5 * r.cpu_us + 2000)
    timing.speedup = speedup_ci(
        timing.baseline, timing.candidate, level=opt.level, seed=opt.seed, resamples=_resamples(opt)
    )
    timing.p_value = mann_whitney_p(timing.baseline, timing.candidate)


def _resamples(opt: TimingOptions) -> int:
    """Enough bootstrap resamples for a few dozen in each tail of the interval."""
    return max(4000, math.ceil(50 / ((1 - opt.level) / 2)))


def write_pyperf(timing: Timing, folder: Path) -> tuple[Path, Path]:
    """Write both sides as pyperf JSON, so `python -m pyperf compare_to
    baseline.json candidate.json` works on them.

    pyperf cannot feed a program stdin, so we time with our runner and borrow
    only pyperf's file format and tooling. Each interleaved pair is one pyperf run."""
    import pyperf

    unit = "second" if timing.metric == "cpu_time" else "integer"
    paths = []
    for which, values in (("baseline", timing.baseline), ("candidate", timing.candidate)):
        meta = {"name": timing.test, "unit": unit, "description": f"{which}, {timing.metric}"}
        runs = [pyperf.Run([v], metadata=meta, collect_metadata=False) for v in values]
        path = folder / f"{which}.json"
        pyperf.BenchmarkSuite([pyperf.Benchmark(runs)]).dump(str(path), replace=True)
        paths.append(path)
    return paths[0], paths[1]
