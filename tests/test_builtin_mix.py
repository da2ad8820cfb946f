"""Per-function mixing in the built-in proposer: each hot function from the
build whose profile says it ran it fastest, spliced (agent/builtin/splice.py)
into the race leader rebuilt without IPA register allocation. Real gcc, perf
and sandbox."""

from __future__ import annotations

import pytest

from agent.builtin import compiler
from agent.builtin.proposer import MIX, BuiltinProposer
from tests.conftest import needs_perf, needs_sandbox
from tests.test_builtin_helpers import needs_gcc, task_from_c
from tools.build import build
from tools.sandbox import Sandbox
from tools.testing import run_tests

pytestmark = [needs_sandbox, needs_perf, needs_gcc, pytest.mark.slow]

# `sort`'s neighbour swaps (a cocktail sort) are what gcc -O3's SLP vectorizer makes slow (vector
# loads over a just-stored pair stall on store forwarding); `churn` is plain
# integer work that the flag does not touch. Both are global, so both can be spliced.
SOURCE = r"""
#include <stdio.h>
#include <stdlib.h>
unsigned seed = 1;
__attribute__((noinline)) void sort(int arr[], int size) {
    int changed = 1, start = 0, end = size - 1;
    while (changed) {
        changed = 0;
        for (int i = start; i < end; i++)
            if (arr[i] > arr[i + 1]) {
                int t = arr[i]; arr[i] = arr[i + 1]; arr[i + 1] = t; changed = 1;
            }
        end--;
        if (!changed) break;
        changed = 0;
        for (int i = end - 1; i >= start; i--)
            if (arr[i + 1] < arr[i]) {
                int t = arr[i + 1]; arr[i + 1] = arr[i]; arr[i] = t; changed = 1;
            }
        start++;
    }
}
__attribute__((noinline)) unsigned churn(unsigned rounds) {
    unsigned x = seed;
    for (unsigned r = 0; r < rounds; r++) x = x * 2654435761u + (x >> 13);
    return x;
}
int main(void) {
    int n = 6000;
    int *a = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; a[i] = seed >> 8; }
    sort(a, n);
    long s = 0;
    for (int i = 0; i < n; i += 7) s += a[i];
    printf("%ld %u\n", s, churn(100000000u));
    free(a);
    return 0;
}
"""

LEADER = compiler.Variant("gcc", ("-O3",))
DONOR = compiler.Variant("gcc", ("-O3", "-fno-tree-slp-vectorize"))


@pytest.fixture(scope="module")
def task():
    return task_from_c("mix", SOURCE)


def test_the_hot_function_comes_from_the_build_that_ran_it_fastest(task):
    sandbox = Sandbox(task.limits)
    proposer = BuiltinProposer(sandbox=sandbox)
    state = proposer._state(task)
    for variant in (LEADER, DONOR):
        state.regen[variant.slug] = compiler.compile_variant(task, variant, sandbox)
    # The race's order, given: the leader first (the figures only scale the profiles).
    state.races["native"] = [(LEADER, 1.0), (DONOR, 1.0)]
    mixed = proposer.rebuild(task, [MIX], "native")
    assert mixed is not None, "no function was taken from the donor"
    recipe = proposer.describe(task, MIX, "native")
    assert recipe.startswith("gcc-O3 with sort") and "from gcc-O3-noslp" in recipe
    assert "churn" not in recipe.split(" with ")[1]  # as fast in both: left in place
    # The leader rebuilt without IPA register allocation, the donor's bubble in it.
    assert mixed != state.regen[LEADER.slug] and mixed != state.regen[DONOR.slug]
    built = build(mixed, sandbox, task.link_flags)
    assert built.ok, built.errors
    report = run_tests(built.binary, task.tests, sandbox, task.compare)
    assert report.ok  # the spliced program prints exactly what the original does


def test_no_mix_is_offered_without_a_race(task):
    proposer = BuiltinProposer(sandbox=Sandbox(task.limits))
    proposer._state(task).races["native"] = None  # e.g. no sandbox for a race
    assert proposer.rebuild(task, [MIX], "native") is None
