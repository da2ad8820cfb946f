"""Where the built-in optimizer runs a task's programs: its sandbox and slowest test.

Profiles, races and PGO training run the program, so they need a sandbox:
the one the proposer was given, else one with the task's limits made on
first use (none without bwrap, or with `use_sandbox=False`: then the
proposer works from the harness's feedback alone). They all run the task's
slowest test, where the time is: found once, by one run of every test.
"""

from __future__ import annotations

from tools.errors import BadInput
from tools.sandbox import Sandbox
from tools.task import Task, TestCase
from tools.testing import run_tests


class Bench:
    def __init__(self, task: Task, sandbox: Sandbox | None = None, use_sandbox: bool = True):
        self.task = task
        self._sandbox = sandbox
        self._make = sandbox is None and use_sandbox
        self._slowest: TestCase | None = None
        self._slowest_known = False

    def sandbox(self) -> Sandbox | None:
        """The given sandbox, else one with the task's limits (None without bwrap)."""
        if self._make:
            self._make = False
            try:
                self._sandbox = Sandbox(self.task.limits)
            except BadInput:
                self._sandbox = None
        return self._sandbox

    def slowest(self, binary: bytes) -> TestCase | None:
        """The task's slowest test, timed on `binary` the first time it is asked."""
        if not self._slowest_known:
            self._slowest_known = True
            sandbox = self.sandbox()
            report = run_tests(binary, self.task.tests, sandbox, self.task.compare)
            self._slowest = report.slowest().test
        return self._slowest
