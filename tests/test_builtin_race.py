"""Racing compiler variants (agent/builtin/race.py) and the proposer's use of it:
real binaries, raced in the real sandbox."""

from __future__ import annotations

import subprocess

import pytest

from agent.builtin import compiler, race
from agent.builtin.proposer import BuiltinProposer
from agent.proposer import ProposalRequest
from tests.conftest import needs_sandbox
from tests.test_builtin_helpers import needs_gcc, task_from_c
from tools.sandbox import Sandbox
from tools.task import Limits, TestCase

pytestmark = [needs_sandbox, needs_gcc]

# The work is a loop of WORK * n steps; the printed sum depends on n only by design.
PROGRAM = r"""
#include <stdio.h>
int main(void) {
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < WORK * 3000000UL; i++) x += i & 7;
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


SLP_SOURCE = r"""
#include <stdio.h>
/* Cocktail-sort-like neighbour swaps: gcc -O3's SLP vectorizer packs the swap
   into vector loads and stores that stall on store forwarding. */
static int a[6000];
int main(void) {
    unsigned s = 1;
    for (int i = 0; i < 6000; i++) { s = s * 1103515245u + 12345u; a[i] = s >> 8; }
    int swapped = 1;
    while (swapped) {
        swapped = 0;
        for (int i = 0; i + 1 < 6000; i++)
            if (a[i] > a[i + 1]) { int t = a[i]; a[i] = a[i + 1]; a[i + 1] = t; swapped = 1; }
    }
    long sum = 0;
    for (int i = 0; i < 6000; i += 97) sum += (long)a[i] * i;
    printf("%ld\n", sum);
    return 0;
}
"""


@pytest.mark.slow
def test_the_proposer_offers_raced_variants_fastest_first(tmp_path):
    """Offers come in race order; what lost clearly or is wrong is not offered."""
    task = task_from_c("slp", SLP_SOURCE)
    sandbox = Sandbox(task.limits)
    proposer = BuiltinProposer(sandbox=sandbox)
    request = ProposalRequest(task=task, branch=0, iteration=0, current=task.asm)
    first = proposer.propose_sync(request)
    state = next(iter(proposer._tasks.values()))
    ranked = state.races["native"]
    assert ranked, "the race found no variant worth offering"
    speeds = [speed for _v, speed in ranked]
    assert speeds == sorted(speeds, reverse=True)
    assert all(speed >= 0.98 for speed in speeds)
    assert first.extra["move"] == ranked[0][0].slug and first.extra["raced"] > 1.03
    # gcc -O3 with the vectorizers on is the original: it never enters the race.
    assert "gcc-O3" not in {v.slug for v, _ in ranked}
    slugs = {v.slug for v in compiler.variants(task, "native")}
    assert {v.slug for v, _ in ranked} <= slugs
