"""Honest speedups: interleaved, in-sandbox, CPU-time based, with a confidence interval.

How, and why:
- One runner session (runner.c) inside one sandbox forks the baseline and the
  candidate alternately in a random ABBA order, stdin from the test's input, so
  sandbox start-up is never timed and machine drift hits both sides alike.
- Each run is measured as the user+sys CPU time of everything it started, read
  by the runner as the direct parent (hardware cycles where perf has them).
  Wall time is kept beside it: a run whose wall time is far above its CPU time
  was descheduled or waited, and is flagged.
- Pairs are added until the bootstrap 95% CI of median(baseline)/median(candidate)
  is within ±`target`, or a cap of pairs or seconds is reached.
- Every timed run's output is checked against the verified output (by hash): a
  candidate that behaves differently when run repeatedly is caught.
- One timing job at a time on this machine, pinned to one core, with our other
  sandboxed work held back while it runs (tools.quiet).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.quiet import timing_slot
from tools.sandbox import RunResult, Sandbox
from tools.stats import Ratio, mann_whitney_p, speedup_ci
from tools.task import TestCase

RESOLUTION_S = 0.020  # below this much baseline CPU time, start-up noise dominates


@dataclass(frozen=True)
class TimingOptions:
    target: float = 0.01  # stop when the CI is within ±1%
    warmup_pairs: int = 1
    min_pairs: int = 10
    max_pairs: int = 200
    max_seconds: float = 60.0
    seed: int = 0

    def looks_at(self, measured: int) -> bool:
        """Whether the interval is computed after this many measured pairs:
        every second pair from `min_pairs` on (each look is a chance to stop
        early, and early stops on narrow intervals cost coverage)."""
        return measured >= self.min_pairs and (measured - self.min_pairs) % 2 == 0


@dataclass
class Timing:
    """The measured speedup of a candidate over the baseline on one test."""

    test: str
    metric: str  # "cpu_time" (seconds) or "cycles"
    baseline: list[float] = field(default_factory=list)
    candidate: list[float] = field(default_factory=list)
    baseline_wall: list[float] = field(default_factory=list)
    candidate_wall: list[float] = field(default_factory=list)
    speedup: Ratio | None = None
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
        """Faster only when the whole 95% interval lies above 1.0."""
        return self.speedup is not None and self.speedup.low > 1.0 and not self.problem

    def to_dict(self) -> dict:
        s = self.speedup
        return {
            "test": self.test,
            "metric": self.metric,
            "pairs": self.pairs,
            "speedup": s.estimate if s else None,
            "speedup_ci": [s.low, s.high] if s else None,
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
) -> Timing:
    """Time `candidate` against `baseline` on `test` until the CI is tight enough."""
    opt = options or TimingOptions()
    rng = random.Random(opt.seed)
    timing = Timing(test=test.name, metric="cpu_time")
    samples: dict[int, list[RunResult]] = {0: [], 1: []}
    with timing_slot(), sandbox.session([baseline, candidate], cpu=timing_core()) as session:
        start = time.monotonic()
        session.set_input(test.input)
        pairs = 0
        while True:
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
            measured = pairs - opt.warmup_pairs
            elapsed = time.monotonic() - start
            if opt.looks_at(measured):
                _summarise(timing, samples, opt.seed)
                if (
                    timing.speedup.half_width <= opt.target
                    or measured >= opt.max_pairs
                    or elapsed >= opt.max_seconds
                ):
                    break
            elif measured >= 2 and elapsed >= opt.max_seconds:
                break
        timing.seconds = time.monotonic() - start
    if samples[0] and len(samples[0]) == len(samples[1]) != timing.pairs:
        _summarise(timing, samples, opt.seed)  # pairs added since the last look
    return timing


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


def _summarise(timing: Timing, samples: dict[int, list[RunResult]], seed: int) -> None:
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
    timing.speedup = speedup_ci(timing.baseline, timing.candidate, seed=seed)
    timing.p_value = mann_whitney_p(timing.baseline, timing.candidate)


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
