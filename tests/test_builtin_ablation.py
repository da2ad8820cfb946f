"""Explaining a built-in win (agent/builtin/ablation.py): each move dropped in
turn, the rest rebuilt from scratch, the winner timed against that in the real
sandbox."""

from __future__ import annotations

import pytest

from agent.builtin.ablation import Contribution, ablate
from agent.builtin.proposer import BuiltinProposer
from tests.conftest import EXAMPLES, needs_sandbox
from tools.evaluate import prepare_baseline
from tools.sandbox import Sandbox
from tools.stats import Ratio
from tools.task import load_task
from tools.timing import TimingOptions

pytestmark = [needs_sandbox]
QUICK = TimingOptions.precise(max_pairs=12, max_seconds=5.0)


@pytest.fixture(scope="module")
def collatz():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    sandbox = Sandbox(task.limits)
    return task, sandbox, prepare_baseline(task, sandbox, with_profile=False)


def test_rebuild_replays_a_stack_from_scratch(collatz):
    task, sandbox, _ = collatz
    proposer = BuiltinProposer(sandbox=sandbox)
    converted = proposer.rebuild(task, ["ifconvert"], "native")
    assert converted is not None and "cmovne" in converted and converted != task.asm
    assert proposer.rebuild(task, [], "native") == task.asm
    assert proposer.rebuild(task, ["no-such-move"], "native") is None
    regen = proposer.rebuild(task, ["gcc-O2-native"], "native")
    assert regen is not None and regen != task.asm


@pytest.mark.slow
def test_each_move_of_a_two_move_winner_gets_its_own_figure(collatz):
    task, sandbox, baseline = collatz
    proposer = BuiltinProposer(sandbox=sandbox)
    passes = ["ifconvert", "align32"]
    winner = proposer.rebuild(task, passes, "native")
    found = ablate(winner, passes, baseline, sandbox, proposer, timing=QUICK)
    assert [c.move for c in found] == passes
    convert = found[0]
    assert convert.what.startswith("hot unpredictable branches")
    # Without if-conversion the winner is a different program, timed against it.
    assert convert.added is not None and convert.ci is not None
    assert convert.ci[0] <= convert.added <= convert.ci[1]
    assert convert.note.endswith("pairs")
    align = found[1]
    assert align.what == "hot loop heads aligned to 32 bytes"
    if align.added is not None:  # timed, or identical without it (1.0 exactly)
        assert align.ci is not None and align.ci[0] <= align.added <= align.ci[1]
        assert align.note.endswith("pairs") or align.note == "identical without it"
    else:
        assert align.note.startswith("without it: ")


def test_a_one_move_winner_is_explained_by_its_confirmed_figure(collatz):
    task, sandbox, baseline = collatz
    confirmed = Ratio(1.4, 1.35, 1.45)
    proposer = BuiltinProposer(sandbox=sandbox)
    found = ablate(task.asm, ["gcc-O2-native"], baseline, sandbox, proposer, confirmed=confirmed)
    assert found == [
        Contribution(
            "gcc-O2-native",
            proposer.describe(task, "gcc-O2-native", "native"),
            1.4,
            (1.35, 1.45),
            "the only move: without it, the original",
        )
    ]
    assert found[0].what.startswith("gcc -O2 -march=native")
    assert found[0].to_dict()["ci"] == [1.35, 1.45]
