"""Run a binary on every test of a task, in the sandbox, and judge its output.

A test passes when stdout matches the expected output under the task's
comparison mode, so does every output file the task names (`outputs`; a file
the original did not write must not be written either), and the run ended the
way the baseline's did (same exit code, no signal, no timeout, output under
the cap). Each run gets its test's arguments and input files
(`Session.set_test`). Tests are spread over two runner sessions so both cores
work; each session is one sandbox, one launch.
"""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tools.compare import excerpt, first_difference, outputs_match
from tools.sandbox import RunResult, Sandbox
from tools.task import Compare, TestCase


@dataclass(frozen=True)
class Outcome:
    """One test run and its verdict."""

    test: TestCase
    run: RunResult
    passed: bool
    reason: str  # "ok", "wrong output", "exit status 3", "killed by SIGSEGV", ...

    def failure(self) -> dict:
        """The first-failure record shown to users and to the next proposal."""
        r = self.run
        expected, actual = self.test.expected or b"", r.stdout
        file = self.reason.removeprefix(WRONG_FILE) if self.reason.startswith(WRONG_FILE) else ""
        if file:
            expected = dict(self.test.expected_files or ()).get(file) or b""
            actual = dict(r.files).get(file) or b""
        return {
            "test": self.test.name,
            "reason": self.reason,
            "args": self.test.shown_args,
            "input": excerpt(self.test.input),
            "expected": excerpt(expected),
            "actual": excerpt(actual),
            "diff": first_difference(expected, actual)
            if self.reason == "wrong output" or file
            else "",
            "exit_code": r.exit_code,
            "signal": r.signal,
            "timed_out": r.timed_out,
            "stderr": excerpt(r.stderr),
        }


@dataclass(frozen=True)
class TestReport:
    outcomes: tuple[Outcome, ...]

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def ok(self) -> bool:
        return self.passed == self.total

    @property
    def first_failure(self) -> Outcome | None:
        return next((o for o in self.outcomes if not o.passed), None)

    def exit_codes(self) -> dict[str, int]:
        return {o.test.name: o.run.exit_code for o in self.outcomes}

    def hashes(self) -> dict[str, str]:
        return {o.test.name: o.run.out_hash for o in self.outcomes}

    def slowest(self) -> Outcome:
        return max(self.outcomes, key=lambda o: o.run.cpu_us)


def run_tests(
    binary: bytes,
    tests: tuple[TestCase, ...],
    sandbox: Sandbox,
    compare: Compare,
    exit_codes: dict[str, int] | None = None,
    workers: int = 2,
    outputs: tuple[str, ...] = (),
) -> TestReport:
    """Run every test. `exit_codes` are the baseline's, which a candidate must
    reproduce; without them (for the baseline itself) any normal exit counts.
    `outputs`: the files each run's output includes (task.toml's `outputs`)."""
    groups = [tests[i::workers] for i in range(min(workers, len(tests)))]

    def run_group(group: tuple[TestCase, ...]) -> list[Outcome]:
        outcomes = []
        with sandbox.session([binary], room=files_room(group)) as session:
            for test in group:
                session.set_test(test, outputs)
                run = session.run(0)
                want = None if exit_codes is None else exit_codes.get(test.name, 0)
                outcomes.append(_judge(test, run, compare, want))
        return outcomes

    with ThreadPoolExecutor(len(groups)) as pool:
        results = [o for group in pool.map(run_group, groups) for o in group]
    order = {t.name: i for i, t in enumerate(tests)}
    return TestReport(tuple(sorted(results, key=lambda o: order[o.test.name])))


def files_room(tests) -> int:
    """Bytes of /tmp the largest test's input files take."""
    return max((sum(len(d) for _, d in t.files) for t in tests), default=0)


WRONG_FILE = "wrong output file "


def files_match(expected, actual, compare: Compare) -> str:
    """The first output file that differs ("" when all agree): missing on one
    side only, or different content under the comparison mode."""
    got = dict(actual)
    for name, want in expected:
        have = got.get(name)
        if (want is None) != (have is None):
            return name
        if want is not None and not outputs_match(want, have, compare):
            return name
    return ""


def _judge(test: TestCase, run: RunResult, compare: Compare, want_exit: int | None) -> Outcome:
    if run.timed_out:
        reason = "timeout"
    elif run.signal:
        reason = f"killed by {signal_name(run.signal)}"
    elif run.out_truncated:
        reason = "output limit exceeded"
    elif want_exit is not None and run.exit_code != want_exit:
        reason = f"exit status {run.exit_code} (expected {want_exit})"
    elif test.expected is not None and not outputs_match(test.expected, run.stdout, compare):
        reason = "wrong output"
    elif test.expected_files is not None and (
        differs := files_match(test.expected_files, run.files, compare)
    ):
        reason = WRONG_FILE + differs
    else:
        reason = "ok"
    return Outcome(test, run, reason == "ok", reason)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
