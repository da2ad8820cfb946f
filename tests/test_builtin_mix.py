"""Per-function mixing in the built-in proposer: each hot function from the
build whose profile says it ran it fastest, spliced (agent/builtin/splice.py)
into the race leader rebuilt without IPA register allocation. Real gcc, perf
and sandbox."""

from __future__ import annotations

import pytest

from agent.builtin import compiler
from agent.builtin.moves import MIX
from agent.builtin.proposer import BuiltinProposer
from tests.conftest import needs_perf, needs_sandbox
from tests.test_builtin_helpers import compile_c_to_asm, needs_gcc
from tools.build import build
from tools.sandbox import Sandbox
from tools.task import Task, TestCase
from tools.testing import run_tests

pytestmark = [needs_sandbox, needs_perf, needs_gcc, pytest.mark.slow]

# `add_up` sums an L1-resident array: gcc -O3 vectorizes it with SSE2, which every
# x86-64 has, four lanes to the scalar loop's one add per cycle, so that build runs
# it several times faster on any CPU model. `churn` is a serial integer recurrence
# that no vectorizer touches. Both are global, so both can be spliced.
SOURCE = r"""
#include <stdio.h>
#include <stdlib.h>
unsigned seed = 1;
__attribute__((noipa)) unsigned add_up(const unsigned *a, int n) {
    unsigned s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
__attribute__((noinline)) unsigned churn(unsigned rounds) {
    unsigned x = seed;
    for (unsigned r = 0; r < rounds; r++) x = x * 2654435761u + (x >> 13);
    return x;
}
int main(void) {
    int n = 4096;
    unsigned *a = malloc(sizeof(unsigned) * n), total = 0;
    for (int i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; a[i] = seed >> 8; }
    for (int r = 0; r < 60000; r++) total += add_up(a, n) ^ r;
    printf("%u %u\n", total, churn(90000000u));
    free(a);
    return 0;
}
"""

# The race leader (and the original) builds add_up without the vectorizer.
LEADER = compiler.Variant("gcc", ("-O3", "-fno-tree-vectorize"))
DONOR = compiler.Variant("gcc", ("-O3",))


@pytest.fixture(scope="module")
def task():
    """The leader's build as the original, its output on no input as the expected."""
    from tools.evaluate import with_reference_outputs

    asm = compile_c_to_asm(SOURCE, LEADER.flags)
    task = Task(name="mix", asm=asm, tests=(TestCase("empty", b"", None),), source=SOURCE)
    sandbox = Sandbox(task.limits)
    return with_reference_outputs(task, build(task.asm, sandbox).binary, sandbox)


def test_the_hot_function_comes_from_the_build_that_ran_it_fastest(task):
    sandbox = Sandbox(task.limits)
    proposer = BuiltinProposer(sandbox=sandbox)
    state = proposer._state(task)
    for variant in (LEADER, DONOR):
        state.builds.texts[variant.slug] = compiler.compile_variant(task, variant, sandbox)
    # The race's order, given: the leader first (the figures only scale the profiles).
    state.builds.races["native"] = [(LEADER, 1.0), (DONOR, 1.0)]
    mixed = proposer.rebuild(task, [MIX], "native")
    assert mixed is not None, "no function was taken from the donor"
    recipe = proposer.describe(task, MIX, "native")
    assert recipe == "gcc-O3-novec with add_up from gcc-O3", recipe
    # churn is as fast in both (and hot): left in place, as is the cold main.
    # The leader rebuilt without IPA register allocation, the donor's add_up in it.
    assert mixed != state.builds.texts[LEADER.slug] and mixed != state.builds.texts[DONOR.slug]
    built = build(mixed, sandbox, task.link_flags)
    assert built.ok, built.errors
    report = run_tests(built.binary, task.tests, sandbox, task.compare)
    assert report.ok  # the spliced program prints exactly what the original does


def test_no_mix_is_offered_without_a_race(task):
    proposer = BuiltinProposer(sandbox=Sandbox(task.limits))
    proposer._state(task).builds.races["native"] = None  # e.g. no sandbox for a race
    assert proposer.rebuild(task, [MIX], "native") is None
