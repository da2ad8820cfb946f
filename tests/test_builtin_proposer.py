"""agent/builtin/proposer.py: the Proposer protocol, stacking, spreading, stopping,
and what the harness told it (accepted moves first, rejected ones last)."""

from __future__ import annotations

import json

from agent.builtin import BuiltinProposer
from agent.builtin.context import PassContext, parse_hot_functions, parse_hot_lines
from agent.builtin.memory import digest
from agent.builtin.moves import Move
from agent.builtin.policy import io_share
from agent.proposer import Feedback, ProposalRequest, Verdict
from tests.conftest import EXAMPLES
from tools.task import load_task


def request(
    task, current=None, branch=0, iteration=0, target="native", feedback=None, previous=None
):
    return ProposalRequest(
        task=task,
        branch=branch,
        iteration=iteration,
        current=current if current is not None else task.asm,
        target_cpu=target,
        feedback=feedback,
        previous=previous,
    )


async def test_it_implements_the_protocol_and_stacks_accepted_passes():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("ifconvert", "fast_io", "align32"))
    assert proposer.name == "builtin"
    first = await proposer.propose(request(task))
    assert first.asm is not None and first.model == "builtin"
    assert first.extra["passes"] == ["ifconvert"] and first.note == "ifconvert"
    json.dumps(first.extra)  # the agent writes it to a JSON record
    # The harness accepted it: the branch's current is now that proposal.
    second = await proposer.propose(request(task, current=first.asm, iteration=1))
    assert second.extra["passes"][0] == "ifconvert" and len(second.extra["passes"]) == 2
    assert "cmovne" in second.asm


async def test_branches_get_different_candidates_and_it_stops_when_out_of_ideas():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("ifconvert", "fast_io"))
    seen = set()
    for branch in range(3):
        proposal = await proposer.propose(request(task, branch=branch))
        if proposal.asm is None:
            assert proposal.note == "nothing left to try"
            break
        assert digest(proposal.asm) not in seen
        seen.add(digest(proposal.asm))
    assert len(seen) == 2  # ifconvert and fast_io on the baseline, then nothing new
    last = await proposer.propose(request(task, branch=0, iteration=1))
    assert last.asm is None


async def test_io_bound_programs_get_fast_io_first():
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("ifconvert", "fast_io", "peephole"))
    feedback = Feedback(hot_functions=("61.0%  __vfscanf_internal (libc.so.6)",))
    proposal = await proposer.propose(request(task, feedback=feedback))
    assert proposal.extra["passes"] == ["fast_io"]


async def test_the_target_cpu_limits_the_instructions():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("regen",))
    proposal = await proposer.propose(request(task, target="x86-64"))
    assert proposal.asm is not None
    # gcc -O3 -march=x86-64 gives the baseline itself, which is never proposed.
    assert proposal.extra["passes"] == ["gcc-O2-x86-64"]
    for word in ("popcnt", "tzcnt", "shlx", "%ymm", "vfmadd"):
        assert word not in proposal.asm


def test_profile_strings_are_understood():
    lines = parse_hot_lines(("12.3%  line 57: imull %eax, %edx", " 4.0%  line 9: ret"))
    assert lines == {57: 12.3, 9: 4.0}
    funcs = parse_hot_functions(("61.0%  __vfscanf_internal (libc.so.6)", " 20.5%  main (prog)"))
    assert funcs == (("__vfscanf_internal", "libc.so.6", 61.0), ("main", "prog", 20.5))
    ctx = PassContext(hot_functions=funcs)
    assert io_share(ctx) == 61.0


async def test_accepted_passes_are_replayed_on_other_compiler_output():
    task = load_task(EXAMPLES / "sum_scanf" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("fast_io", "regen"))
    feedback = Feedback(hot_functions=("40.0%  __vfscanf_internal (libc.so.6)",))
    first = await proposer.propose(request(task, feedback=feedback))
    assert first.extra["passes"] == ["fast_io"]
    second = await proposer.propose(request(task, current=first.asm, iteration=1))
    assert second.extra["passes"] == ["gcc-O3-native", "fast_io"]
    assert "call\t__sofio_scan_0" in second.asm and "-march" not in second.note


async def test_it_learns_what_the_harness_says_it_accepted_not_what_it_guesses():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    proposer = BuiltinProposer(use_sandbox=False, passes=("ifconvert", "fast_io"))
    first = await proposer.propose(request(task, branch=0))
    second = await proposer.propose(request(task, branch=1))
    assert (first.extra["move"], second.extra["move"]) == ("ifconvert", "fast_io")
    memory = next(iter(proposer._tasks.values())).memory
    # Its proposal came back as current, but nobody said it was accepted: no guess.
    stacked = await proposer.propose(request(task, current=first.asm, iteration=1))
    assert stacked.extra["passes"] == ["ifconvert", "fast_io"]
    assert not memory.accepted and not memory.rejected
    await proposer.propose(request(task, branch=1, iteration=1, previous=Verdict(0, False)))
    assert memory.rejected == {"fast_io": 1}
    # A verdict on another iteration than the one it proposed at is not about its proposal.
    later = request(task, current=stacked.asm, iteration=5, previous=Verdict(4, True))
    await proposer.propose(later)
    assert not memory.accepted
    fresh = BuiltinProposer(use_sandbox=False, passes=("ifconvert", "fast_io"))
    made = await fresh.propose(request(task))
    await fresh.propose(request(task, current=made.asm, iteration=1, previous=Verdict(0, True)))
    assert next(iter(fresh._tasks.values())).memory.accepted == {"ifconvert": 1}
    # Accepted moves go first, rejected ones last, the rest in the policy's order.
    memory.accepted["align32"] += 1
    ranked = memory.rank([Move("fast_io"), Move("peephole"), Move("align32")])
    assert [m.name for m in ranked] == ["align32", "peephole", "fast_io"]
