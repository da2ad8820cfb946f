"""One answer to two questions about a candidate: is it correct, and how much faster?

The baseline is prepared once (assembled, tested, its slowest test found,
profiled); each candidate is then assembled, tested against the baseline's
behaviour, checked against the baseline on generated inputs (differential
testing), timed against the baseline on the slowest test, and profiled.
Nothing is timed before it has passed every test and every generated input.

Three verdicts, kept apart on purpose:
- `correct`: passes the given tests (the paper's metric, comparable with it);
- `verified`: correct AND no mismatch on at least min(D, 50) generated inputs
  (D = `EvalOptions.differential`, 200 by default; see tools/differential.py).
  Fewer checked inputs within the time bound is not verified, whatever else;
- `faster`: the timing verdict alone. A correct but unverified candidate can be
  faster; whoever picks a winner (the agent) prefers verified candidates, and a
  candidate with a differential mismatch is known to be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools import asm as asmlib
from tools.build import AsmError, Build, build
from tools.differential import DiffOptions, DiffResult, differential
from tools.errors import BadInput
from tools.profile import Profile, profile
from tools.sandbox import Sandbox
from tools.task import Task, TestCase
from tools.testing import TestReport, run_tests
from tools.timing import Timing, TimingOptions, measure


@dataclass(frozen=True)
class EvalOptions:
    timing: TimingOptions = field(default_factory=TimingOptions)
    time: bool = True
    profile: bool = True
    differential: int = 200  # generated inputs to check (0: off)
    differential_seconds: float = 30.0  # time bound for them
    differential_seed: int = 0
    save_counterexamples: Path | None = None  # mismatching inputs saved here as tests


@dataclass(frozen=True)
class Baseline:
    """The original program, measured once and compared against many times."""

    task: Task
    build: Build
    tests: TestReport
    timing_test: TestCase  # the test with the longest baseline run
    profile: Profile | None

    def timed_against_itself(self, sandbox: Sandbox, options: TimingOptions) -> Timing:
        """An A/A trial, the harness's own check: the interval should contain 1.0."""
        h = self.tests.hashes()[self.timing_test.name]
        return measure(self.binary, self.binary, self.timing_test, sandbox, (h, h), options)

    @property
    def binary(self) -> bytes:
        return self.build.binary


def prepare_baseline(task: Task, sandbox: Sandbox, with_profile: bool = True) -> Baseline:
    """Assemble and test the original; it must pass its own tests."""
    asmlib.check_x86_64(task.asm)
    built = build(task.asm, sandbox, task.link_flags)
    if not built.ok:
        raise BadInput(f"the baseline does not assemble: {built.errors[0]}")
    report = run_tests(built.binary, task.tests, sandbox, task.compare)
    failure = report.first_failure
    if failure:
        raise BadInput(f"the baseline fails its own test {failure.test.name}: {failure.reason}")
    slowest = report.slowest()
    prof = profile(built.binary, task.asm, slowest.test.input, sandbox) if with_profile else None
    return Baseline(task, built, report, slowest.test, prof)


@dataclass
class Evaluation:
    """Everything measured about one candidate."""

    asm: str
    assembled: bool = False
    errors: tuple[AsmError, ...] = ()
    tests: TestReport | None = None
    timing: Timing | None = None
    profile: Profile | None = None
    identical: bool = False
    differential: DiffResult | None = None

    @property
    def correct(self) -> bool:
        passed = self.assembled and self.tests is not None and self.tests.ok
        return passed and not (self.timing and self.timing.problem)

    @property
    def verified(self) -> bool:
        """Correct, and no mismatch on enough generated inputs."""
        return self.correct and self.differential is not None and self.differential.ok

    @property
    def speedup(self) -> float | None:
        t = self.timing
        return t.speedup.estimate if t and t.speedup and not t.problem else None

    @property
    def faster(self) -> bool:
        return self.correct and not self.identical and bool(self.timing and self.timing.faster)

    def to_report(self) -> dict:
        """The contract's fields (DESIGN.md), plus details."""
        t = self.timing
        failure = self.tests.first_failure if self.tests else None
        ci = t.speedup if t and t.speedup and not t.problem else None
        d = self.differential
        return {
            "correct": self.correct,
            "assembled": self.assembled,
            "tests": {
                "passed": self.tests.passed if self.tests else 0,
                "total": self.tests.total if self.tests else 0,
            },
            "speedup": self.speedup,
            "speedup_ci": [ci.low, ci.high] if ci else None,
            "faster": self.faster,
            "identical_to_baseline": self.identical,
            "errors": [e.to_dict() for e in self.errors]
            + ([{"line": None, "text": "", "message": t.problem}] if t and t.problem else []),
            "first_failure": failure.failure() if failure else None,
            "timing": t.to_dict() if t else None,
            "hot_lines": [
                {"line": h.line, "percent": h.percent, "text": h.text}
                for h in (self.profile.hot_lines if self.profile else ())
            ],
            "profile": _profile_summary(self.profile),
            "verified": self.verified,
            "differential": d.to_dict()
            if d
            else {"inputs": 0, "mismatches": 0, "counterexample": None},
            "differential_details": d.details() if d else None,
        }


def run_differential(
    binary: bytes, baseline: Baseline, sandbox: Sandbox, opt: EvalOptions
) -> DiffResult:
    """The candidate against the baseline on generated inputs. Each run may take
    up to 20x the baseline's slowest given test (at least 2 s, at most the task's
    limit): generated inputs stay within about twice the largest test."""
    slowest = baseline.tests.slowest().run
    run_timeout = max(2.0, 20 * max(slowest.cpu_us, slowest.wall_us) / 1e6)
    return differential(
        baseline.binary,
        binary,
        baseline.task,
        sandbox,
        digest=baseline.build.digest,
        exit_codes=set(baseline.tests.exit_codes().values()),
        options=DiffOptions(
            inputs=opt.differential,
            seconds=opt.differential_seconds,
            seed=opt.differential_seed,
            save_dir=opt.save_counterexamples,
        ),
        run_timeout=run_timeout,
    )


def _profile_summary(prof: Profile | None) -> dict | None:
    if prof is None:
        return None
    return {
        "tool": prof.tool,
        "samples": prof.samples,
        "functions": [{"name": f.name, "dso": f.dso, "percent": f.percent} for f in prof.functions],
        "message": prof.message,
    }


def evaluate(
    candidate: str, baseline: Baseline, sandbox: Sandbox, options: EvalOptions | None = None
) -> Evaluation:
    """Assemble, test, time and profile one candidate against the baseline."""
    opt = options or EvalOptions()
    task = baseline.task
    result = Evaluation(asm=candidate)
    result.identical = asmlib.normalize(candidate) == asmlib.normalize(task.asm)
    try:
        asmlib.check_x86_64(candidate)
    except BadInput as exc:
        result.errors = (AsmError(None, "", str(exc)),)
        return result
    built = build(candidate, sandbox, task.link_flags)
    result.assembled, result.errors = built.ok, built.errors
    if not built.ok:
        return result
    result.tests = run_tests(
        built.binary, task.tests, sandbox, task.compare, baseline.tests.exit_codes()
    )
    if not result.tests.ok:
        return result
    result.differential = run_differential(built.binary, baseline, sandbox, opt)
    if result.differential is not None and result.differential.mismatches:
        return result  # known wrong on a generated input: timing it would waste a minute
    name = baseline.timing_test.name
    hashes = (baseline.tests.hashes()[name], result.tests.hashes()[name])
    if opt.time:
        result.timing = measure(
            baseline.binary, built.binary, baseline.timing_test, sandbox, hashes, opt.timing
        )
    if opt.profile and result.correct:
        result.profile = profile(built.binary, candidate, baseline.timing_test.input, sandbox)
    return result
