"""The built-in optimizer end to end: real examples, the real harness, verified speedups."""

from __future__ import annotations

import pytest

from agent.builtin.driver import optimize
from agent.builtin.proposer import BuiltinProposer
from tests.conftest import EXAMPLES, needs_sandbox
from tools.sandbox import Sandbox
from tools.task import load_task

pytestmark = [needs_sandbox, pytest.mark.slow]


def test_collatz_gets_a_verified_faster_candidate_from_if_conversion():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    sandbox = Sandbox(task.limits)
    only = BuiltinProposer(sandbox=sandbox, passes=("ifconvert",))
    asm, evaluation, passes = optimize(
        task, sandbox, iterations=1, branches=1, budget_s=80, proposer=only
    )
    assert evaluation is not None and evaluation.correct and evaluation.faster
    assert evaluation.tests.passed == evaluation.tests.total == 4
    assert evaluation.timing.speedup.low > 1.1
    assert passes == ["ifconvert"] and "cmovne" in asm


def test_an_io_bound_program_gets_the_fast_reader():
    task = load_task(EXAMPLES / "read_ints" / "prog.s")
    sandbox = Sandbox(task.limits)
    asm, evaluation, passes = optimize(task, sandbox, iterations=1, branches=1, budget_s=80)
    assert evaluation is not None and evaluation.correct and evaluation.faster
    assert evaluation.timing.speedup.low > 2.0
    assert passes == ["fast_io"] and "__sofio_scan_0" in asm
