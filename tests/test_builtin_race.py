"""Racing compiler variants (agent/builtin/race.py) and the proposer's use of it:
real binaries, raced in the real sandbox."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from agent.builtin import compiler, cpu, race, tune
from agent.builtin.proposer import BuiltinProposer
from agent.proposer import ProposalRequest
from tests.conftest import EXAMPLES, needs_sandbox
from tests.test_builtin_helpers import needs_gcc, task_from_c
from tools.sandbox import Sandbox
from tools.task import Limits, TestCase, load_task

pytestmark = [needs_sandbox, needs_gcc]

# The work is a loop of WORK * n steps; the printed sum depends on n only by design.
# A step is one cycle or a few (store forwarding, or memory renaming that hides
# it): the one-unit program still runs ~10 ms here, far above the runner's ~0.6 ms
# of start-up CPU time, so the work ratios (4x, 1/3x) show through at any speed.
PROGRAM = r"""
#include <stdio.h>
int main(void) {
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < WORK * 30000000UL; i++) x += i & 7;
    printf("%d\n", SHOW);
    return 0;
}
"""


def binary(tmp_path, name: str, work: int, show: int = 42) -> bytes:
    src = tmp_path / f"{name}.c"
    src.write_text(PROGRAM.replace("WORK", str(work)).replace("SHOW", str(show)))
    subprocess.run(["gcc", "-O1", str(src), "-o", str(tmp_path / name)], check=True)
    return (tmp_path / name).read_bytes()


def test_the_race_ranks_the_fastest_first_and_puts_a_wrong_entrant_out(tmp_path):
    sandbox = Sandbox(Limits())
    original = binary(tmp_path, "orig", 4)
    entrants = {
        "slow": binary(tmp_path, "slow", 12),
        "fast": binary(tmp_path, "fast", 1),
        "wrong": binary(tmp_path, "wrong", 1, show=43),
    }
    entries = race.race(original, entrants, TestCase("t", b"", b"42\n"), sandbox)
    by_name = {e.name: e for e in entries}
    assert [e.name for e in entries] == ["fast", "slow", "wrong"]
    assert by_name["fast"].speedup > 2.0  # a quarter of the work
    assert by_name["slow"].speedup < 0.6  # three times the work: out after one round
    assert by_name["slow"].rounds == 1 and by_name["fast"].rounds == race.ROUNDS
    assert by_name["wrong"].wrong and by_name["wrong"].speedup == 0.0


def test_the_field_is_halved_but_never_below_three():
    ratios = {f"v{i}": [1.0 + i / 100] for i in range(10)}
    ratios["beaten"] = [0.5]
    everyone = set(ratios)
    after_one = race._survivors(everyone, ratios, 1, race.CUT)
    assert after_one == everyone - {"beaten"}  # one sample: only the clearly beaten go
    for n in ratios:
        ratios[n].append(ratios[n][0])
    after_two = race._survivors(after_one, ratios, 2, race.CUT)
    assert after_two == {f"v{i}" for i in range(5, 10)}  # the better half
    assert race._survivors({"v8", "v9", "v7"}, ratios, 3, race.CUT) == {"v7", "v8", "v9"}


def test_an_empty_race_is_no_race():
    assert race.race(b"", {}, TestCase("t", b"", b""), Sandbox(Limits())) == []


# Hamming weights of 60 million words: plain gcc -O3 (the original) calls libgcc's
# __popcountdi2 for each; every -march=native build on a CPU with popcnt uses the
# instruction (or a vector popcount), several times faster on any x86-64 model.
POPCOUNT_SOURCE = r"""
#include <stdio.h>
static unsigned long long v[4096];
int main(void) {
    unsigned long long s = 88172645463325252ull, total = 0;
    for (int i = 0; i < 4096; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; v[i] = s; }
    for (unsigned r = 0; r < 15000; r++)
        for (int i = 0; i < 4096; i++) total += __builtin_popcountll(v[i] ^ r);
    printf("%llu\n", total);
    return 0;
}
"""


@pytest.mark.slow
@pytest.mark.skipif("popcnt" not in cpu.native_features(), reason="this CPU has no popcnt")
def test_the_proposer_offers_raced_variants_fastest_first(tmp_path):
    """Offers come in race order; what lost clearly or is wrong is not offered.
    (The rule on given race figures: test_the_race_decides_what_is_offered_and_when.)"""
    task = task_from_c("popcount", POPCOUNT_SOURCE)
    sandbox = Sandbox(task.limits)
    proposer = BuiltinProposer(sandbox=sandbox)
    request = ProposalRequest(task=task, branch=0, iteration=0, current=task.asm)
    first = proposer.propose_sync(request)
    state = next(iter(proposer._tasks.values()))
    ranked = state.builds.races["native"]
    assert ranked, "the race found no variant worth offering"
    speeds = [speed for _v, speed in ranked]
    assert speeds == sorted(speeds, reverse=True)
    assert all(speed >= 0.98 for speed in speeds)
    # The leader counts bits without a call per word: well ahead, so it comes first.
    assert first.extra["move"] == ranked[0][0].slug and first.extra["raced"] > 1.5
    # gcc -O3 with the vectorizers on is the original: it never enters the race.
    assert "gcc-O3" not in {v.slug for v, _ in ranked}
    # Each offer is a build the search made (a known variant, or one it tuned).
    assert {v.slug for v, _ in ranked} <= set(state.builds.known)


# Four builds of collatz that all differ from the original (gcc -O3) and each other.
RACED = {
    "gcc-O1": compiler.Variant("gcc", ("-O1",)),
    "gcc-O2": compiler.Variant("gcc", ("-O2",)),
    "gcc-Os": compiler.Variant("gcc", ("-Os",)),
    "gcc-O3-unroll": compiler.Variant("gcc", ("-O3", "-funroll-loops")),
}


def offers(monkeypatch, figures: dict[str, float]) -> tuple[list[str], list[dict], list]:
    """The moves the proposer makes on collatz, one branch after another, when the
    race comes out as `figures` (slug -> speed; 0 for an entrant that behaved
    differently), and the race it kept. Real compiles, builds and tests; only the
    race's figures are given, as any CPU might produce them."""
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    monkeypatch.setattr(compiler, "variants", lambda _task, _target: list(RACED.values()))

    def given(_task, _sandbox, _target, _original, _test, _seconds, *, start, compile_fn, **_):
        assert [v.slug for v in start] == list(RACED)  # the known variants start the search
        found = tune.Result(asm={v: compile_fn(v) for v in start})
        ranked = [(v, figures[v.slug]) for v in start if figures[v.slug] > 0]  # 0: wrong
        found.ranked = sorted(ranked, key=lambda vs: -vs[1])
        return found

    monkeypatch.setattr(tune, "tune", given)
    proposer = BuiltinProposer(sandbox=Sandbox(task.limits), passes=("regen", "ifconvert"))
    moves, extras = [], []
    for branch in range(len(RACED) + 2):
        request = ProposalRequest(task=task, branch=branch, iteration=0, current=task.asm)
        proposal = proposer.propose_sync(request)
        if proposal.asm is None:
            break
        moves.append(proposal.extra["move"])
        extras.append(proposal.extra)
    state = next(iter(proposer._tasks.values()))
    kept = [(v.slug, speed) for v, speed in state.builds.races["native"]]
    return moves, extras, kept


def test_the_race_decides_what_is_offered_and_when(monkeypatch):
    """Fastest first; a wrong entrant and one below RACE_KEEP of the original are
    never offered; a leader clearly ahead (REGEN_FIRST) goes before the assembly
    passes, one that is not goes after them."""
    figures = {"gcc-O1": 1.3, "gcc-O2": 1.1, "gcc-Os": 0.9, "gcc-O3-unroll": 0.0}
    moves, extras, kept = offers(monkeypatch, figures)
    assert kept == [("gcc-O1", 1.3), ("gcc-O2", 1.1)]
    assert moves == ["gcc-O1", "gcc-O2", "ifconvert"]
    assert [e.get("raced") for e in extras] == [1.3, 1.1, None]
    close = {"gcc-O1": 0.99, "gcc-O2": 1.02, "gcc-Os": 0.97, "gcc-O3-unroll": 0.0}
    moves, extras, kept = offers(monkeypatch, close)
    assert kept == [("gcc-O2", 1.02), ("gcc-O1", 0.99)]
    assert moves == ["ifconvert", "gcc-O2", "gcc-O1"]


def test_no_race_when_the_time_budget_leaves_too_little_room(monkeypatch):
    """With less than RACE_ROOM of the budget left the variants come in the fixed
    order, unraced (the race would spend what is left on losers)."""
    import time

    from agent.builtin.builds import RACE_ROOM

    task = load_task(EXAMPLES / "collatz" / "prog.s")
    monkeypatch.setattr(compiler, "variants", lambda _task, _target: list(RACED.values()))

    def refused(*_args, **_kwargs):
        raise AssertionError("raced with too little of the budget left")

    monkeypatch.setattr(race, "race", refused)
    proposer = BuiltinProposer(sandbox=Sandbox(task.limits), passes=("regen",))
    deadline = time.monotonic() + RACE_ROOM / 2
    request = ProposalRequest(task=task, branch=0, iteration=0, current=task.asm)
    proposal = proposer.propose_sync(dataclasses.replace(request, deadline=deadline))
    assert proposal.extra["move"] == next(iter(RACED))  # the fixed order's first
    assert proposal.extra.get("raced") is None
    assert "native" not in next(iter(proposer._tasks.values())).builds.races
