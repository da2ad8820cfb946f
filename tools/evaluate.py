"""One answer to two questions about a candidate: is it correct, and how much faster?

The baseline is prepared once (assembled, tested, its slowest test found,
profiled). Judging a candidate is a race, cheapest checks first, and each
step runs only when the candidate can still win:

    assemble -> tests -> timing decision -> differential (contenders only) -> profile

- a candidate identical to the baseline (after normalisation) is not timed;
- timing stops at a decision (tools/timing.py, decide mode): faster, slower,
  practically equal, cannot beat the best so far, or budget spent;
- only a candidate decided faster is checked on generated inputs: only it can
  win, and the check costs more than the rest together; a slower one's report
  says why it was not checked;
- correct candidates are profiled, for the next proposal.

The figures here are screening figures; the run's winner is timed again to the
reporting precision (`confirm`), and that figure is the one a run reports.

Three verdicts, kept apart on purpose:
- `correct`: passes the given tests (the paper's metric, comparable with it);
- `verified`: correct AND no mismatch on enough generated inputs (see
  tools/differential.py). Not checked, or fewer inputs checked, is not verified;
- `faster`: the timing verdict alone.

Every evaluation keeps the seconds each phase took (`Evaluation.seconds`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from tools import asm as asmlib
from tools import quiet
from tools.build import AsmError, Build, build, compile_others
from tools.differential import DiffOptions, DiffResult, differential
from tools.errors import BadInput
from tools.profile import Profile, profile
from tools.sandbox import Sandbox
from tools.task import Task, TestCase
from tools.testing import TestReport, run_tests
from tools.timing import BUDGET, OUTCLASSED, Timing, TimingOptions, measure


@dataclass(frozen=True)
class EvalOptions:
    timing: TimingOptions = field(default_factory=TimingOptions)  # screening
    confirm: TimingOptions = field(default_factory=TimingOptions.precise)  # the winner
    time: bool = True
    profile: bool = True
    differential: int = 200  # generated inputs to check (0: off)
    differential_seconds: float = 30.0  # time bound for them
    differential_seed: int = 0
    save_counterexamples: Path | None = None  # mismatching inputs saved here as tests
    deadline: float | None = None  # time.monotonic() by which timing and differential end


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
        return measure(
            self.binary,
            self.binary,
            self.timing_test,
            sandbox,
            (h, h),
            options,
            outputs=self.task.outputs,
        )

    @property
    def binary(self) -> bytes:
        return self.build.binary


def with_reference_outputs(task: Task, binary: bytes, sandbox: Sandbox) -> Task:
    """The task with each missing expected output taken from the original's own
    run (inputs-only tests, or the one empty input of a program without tests),
    and the output files it writes (task.toml's `outputs`), which are always
    the original's. A run that crashes, times out or floods its output cannot
    be a reference."""
    report = run_tests(binary, task.tests, sandbox, task.compare, outputs=task.outputs)
    failure = report.first_failure
    if failure:
        raise BadInput(f"the baseline fails on its own input {failure.test.name}: {failure.reason}")
    runs = {o.test.name: o.run for o in report.outcomes}
    tests = []
    for t in task.tests:
        if t.expected is None:
            t = replace(t, expected=runs[t.name].stdout)
        if task.outputs and t.expected_files is None:
            t = replace(t, expected_files=runs[t.name].files)
        tests.append(t)
    return replace(task, tests=tuple(tests))


def with_objects(task: Task, sandbox: Sandbox) -> Task:
    """The task with its others compiled (once per run: `Task.objects`)."""
    if task.others and not task.objects:
        return replace(task, objects=compile_others(task, sandbox))
    return task


def run_profile(binary: bytes, asm: str, test: TestCase, sandbox: Sandbox, **kw) -> Profile:
    """Profile `binary` on one test: its stdin, arguments and input files."""
    return profile(binary, asm, test.input, sandbox, args=test.args, files=test.files, **kw)


def _library_hint(built) -> str:
    """How to link the library an undefined reference needs (the symbol is named
    in the linker's message already)."""
    if not any("undefined reference" in e.message for e in built.errors):
        return ""
    return (
        " (a library function? list its library in task.toml beside the .s: "
        'link_flags = ["-lm", "-lNAME"])'
    )


def prepare_baseline(task: Task, sandbox: Sandbox, with_profile: bool = True) -> Baseline:
    """Compile the task's others, assemble and test the original; it must pass
    its own tests."""
    asmlib.check_x86_64(task.asm, task.needs_main)
    task = with_objects(task, sandbox)
    built = build(task.asm, sandbox, task.link_flags, task.objects)
    if not built.ok:
        raise BadInput(f"the baseline does not assemble: {built.errors[0]}{_library_hint(built)}")
    if task.needs_reference:
        task = with_reference_outputs(task, built.binary, sandbox)
    report = run_tests(built.binary, task.tests, sandbox, task.compare, outputs=task.outputs)
    failure = report.first_failure
    if failure:
        if task.expected_from != "files" and failure.reason == "wrong output":
            raise BadInput(
                f"the original prints different output on a second run of test "
                f"{failure.test.name}: its output cannot serve as the expected output"
            )
        raise BadInput(f"the baseline fails its own test {failure.test.name}: {failure.reason}")
    slowest = report.slowest()
    prof = run_profile(built.binary, task.asm, slowest.test, sandbox) if with_profile else None
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
    not_checked: str = ""  # why differential testing was skipped
    timed_test: dict | None = None  # {name, args}: the test the timing ran
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a phase; what its runs spent queueing behind another timing
        job (tools.quiet) is counted apart, as `wait`."""
        start, queued = time.monotonic(), quiet.waited()
        try:
            yield
        finally:
            wait = quiet.waited() - queued
            for key, value in ((name, time.monotonic() - start - wait), ("wait", wait)):
                if value > 0.0005 or key == name:
                    self.seconds[key] = round(self.seconds.get(key, 0.0) + value, 3)

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
        if self.identical and self.correct:
            return 1.0  # the same program: not timed
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
        interval = [ci.low, ci.high] if ci else None
        if self.identical and self.correct:
            interval = [1.0, 1.0]
        return {
            "correct": self.correct,
            "assembled": self.assembled,
            "tests": {
                "passed": self.tests.passed if self.tests else 0,
                "total": self.tests.total if self.tests else 0,
            },
            "speedup": self.speedup,
            "speedup_ci": interval,
            "speedup_kind": "screening" if t and t.mode == "decide" else "precise",
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
            "differential_details": d.details()
            if d
            else ({"note": self.not_checked} if self.not_checked else None),
            "timed_test": self.timed_test,
            "seconds": dict(self.seconds),
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
            seconds=opt.differential_seconds
            if opt.deadline is None
            else max(1.0, min(opt.differential_seconds, opt.deadline - time.monotonic())),
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
    candidate: str,
    baseline: Baseline,
    sandbox: Sandbox,
    options: EvalOptions | None = None,
    to_beat: float | None = None,
    on_phase: Callable[[str], None] = lambda phase: None,
) -> Evaluation:
    """Judge one candidate against the baseline (see the module docstring).
    `to_beat`: the lower bound of the best speedup so far, if any; `on_phase`
    hears each phase's name as it starts (a live status shows it)."""
    opt = options or EvalOptions()
    task = baseline.task
    result = Evaluation(asm=candidate)

    def phase(name: str):
        on_phase(name)
        return result.phase(name)

    result.identical = asmlib.normalize(candidate) == asmlib.normalize(task.asm)
    try:
        asmlib.check_x86_64(candidate, task.needs_main)
    except BadInput as exc:
        result.errors = (AsmError(None, "", str(exc)),)
        return result
    with phase("build"):
        built = build(candidate, sandbox, task.link_flags, task.objects)
    result.assembled, result.errors = built.ok, built.errors
    if not built.ok:
        return result
    with phase("tests"):
        result.tests = run_tests(
            built.binary,
            task.tests,
            sandbox,
            task.compare,
            baseline.tests.exit_codes(),
            outputs=task.outputs,
        )
    if not result.tests.ok:
        return result
    if result.identical:
        result.not_checked = "not checked: identical to the baseline"
    elif opt.time:
        name = baseline.timing_test.name
        hashes = (baseline.tests.hashes()[name], result.tests.hashes()[name])
        result.timed_test = timed_test(baseline.timing_test)
        with phase("timing"):
            result.timing = measure(
                baseline.binary,
                built.binary,
                baseline.timing_test,
                sandbox,
                hashes,
                replace(opt.timing, deadline=opt.deadline) if opt.deadline else opt.timing,
                to_beat=to_beat,
                outputs=task.outputs,
            )
        result.not_checked = _not_checked(result.timing)
    if not result.not_checked:
        with phase("differential"):
            result.differential = run_differential(built.binary, baseline, sandbox, opt)
    if opt.profile and result.correct and not result.identical:
        with phase("profile"):
            result.profile = run_profile(built.binary, candidate, baseline.timing_test, sandbox)
    return result


def _not_checked(t: Timing) -> str:
    """Why a timed candidate is not a contender ("" when it is one)."""
    if t.problem:
        return "not checked: timing found a problem"
    if t.decision == OUTCLASSED:
        return "not checked: cannot beat the best so far"
    if t.faster:
        return ""
    if t.decision == BUDGET:
        return "not checked: not shown faster within its timing budget"
    return f"not checked: {t.decision if t.mode == 'decide' else 'not faster'}"


def confirm(candidate: str, baseline: Baseline, sandbox: Sandbox, options: TimingOptions) -> Timing:
    """The winner's figure: the candidate timed again, afresh, to the reporting
    precision. Fresh runs, not the screening ones: the winner was picked
    because its screening figure looked best, which biases that figure up."""
    task, test = baseline.task, baseline.timing_test
    built = build(candidate, sandbox, task.link_flags, task.objects)
    if not built.ok:
        raise ValueError("the winner no longer assembles")
    check = run_tests(
        built.binary,
        (test,),
        sandbox,
        task.compare,
        baseline.tests.exit_codes(),
        outputs=task.outputs,
    )
    if not check.ok:
        raise ValueError(f"the winner no longer passes test {test.name}")
    hashes = (baseline.tests.hashes()[test.name], check.hashes()[test.name])
    return measure(
        baseline.binary, built.binary, test, sandbox, hashes, options, outputs=task.outputs
    )


def verify_longer(
    candidate: str, baseline: Baseline, sandbox: Sandbox, options: EvalOptions, seconds: float
) -> DiffResult | None:
    """The differential check again, with `seconds` as its bound: for a would-be
    winner whose screening check ran out of time before the required count (a
    program whose every run takes a second checks 30 inputs in 30 s). The
    original's results are cached, so the extra time goes to the candidate.
    None when it no longer assembles."""
    task = baseline.task
    built = build(candidate, sandbox, task.link_flags, task.objects)
    if not built.ok:
        return None
    longer = replace(options, differential_seconds=seconds, deadline=None)
    return run_differential(built.binary, baseline, sandbox, longer)


def timed_test(test: TestCase) -> dict:
    """The test a timing ran, as reports show it: its name and arguments."""
    return {"name": test.name, "args": list(test.args), "shown_args": test.shown_args}
