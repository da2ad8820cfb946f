"""agent/builtin/tune.py, pragmas.py, pgo.py: the per-program search over
compiler flags and per-loop directives, and the profiles it builds with."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from agent.builtin import compiler, pgo, pragmas, race, tune
from agent.builtin.memory import digest
from tests.conftest import EXAMPLES, needs_sandbox
from tests.test_builtin_helpers import needs_gcc
from tools.build import build
from tools.sandbox import Sandbox
from tools.task import load_task

LOOPY = r"""#include <stdio.h>
static long sum(const long *a, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) s += a[i] * 3;
    return s;
}
int main(void) {
    long a[64];
    int n = 0;
    while (n < 64 && scanf("%ld", &a[n]) == 1) n++;
    for (int r = 0; r < 2; r++) {
        if (n > 100) for (int i = 0; i < n; i++) a[i]++;
        for (int i = 0; i < n; i++) a[i] ^= r;
    }
    printf("%ld\n", sum(a, n));
    return 0;
}
"""


def test_loops_are_the_innermost_ones_in_blocks_numbered_in_source_order():
    found = pragmas.loops(LOOPY)
    assert [(lp.function, lp.line) for lp in found] == [("sum", 4), ("main", 10), ("main", 13)]
    # the loop that is an `if`'s body gets no directive: it would change what the if controls
    assert all(lp.line != 12 for lp in found)
    assert [name for name, _ in pragmas.functions(LOOPY)] == ["sum", "main"]


def test_hot_loops_put_the_hottest_functions_first():
    assert [lp.function for lp in pragmas.hot_loops(LOOPY, {"sum": 90.0}, limit=2)] == [
        "sum",
        "main",
    ]
    assert len(pragmas.hot_loops(LOOPY, {}, limit=2)) == 2


@needs_gcc
def test_directives_reach_the_compiler():
    said = (pragmas.Directive(0, "GCC unroll 8"), pragmas.Directive(-1, "O1", "main"))
    source = pragmas.apply(LOOPY, said)
    assert "#pragma GCC unroll 8\n    for (int i = 0; i < n; i++) s += a[i] * 3;" in source
    assert '__attribute__((optimize("O1"))) int main(void)' in source

    def asm(text: str) -> str:
        done = subprocess.run(
            ["gcc", "-O2", "-fno-inline", "-w", "-S", "-x", "c", "-", "-o", "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    plain, unrolled = asm(LOOPY), asm(pragmas.apply(LOOPY, said[:1]))
    body = lambda text: text.split("sum:")[1].split(".size")[0]  # noqa: E731
    assert body(unrolled).count("imul") + body(unrolled).count("lea") > body(plain).count(
        "imul"
    ) + body(plain).count("lea")


def test_every_known_variant_is_a_point_of_the_space():
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"), source=LOOPY)
    for variant in compiler.variants(task, "native"):
        space = tune.space(task, variant.compiler, "native", {})
        config = space.config_of(variant)
        assert config is not None, variant.name
        assert set(space.variant(config).flags) == set(variant.flags), variant.name
        assert space.variant(config).pgo == variant.pgo


def test_without_march_no_contraction_flag_is_named():
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"), source=LOOPY)
    space = tune.space(task, "gcc", "native", {"sum": 50.0})
    plain = space.variant(tuple([0] * len(space.sizes())))
    assert plain.flags == ("-O3",) and not plain.directives
    assert "fma" not in plain.slug


@needs_sandbox
@needs_gcc
def test_successive_halving_climbs_to_the_best_configuration(monkeypatch):
    """The race is replaced by a score known in advance (three dimensions that
    each pay), so the search's direction is certain on any machine; builds are
    real, one distinct assembly per configuration (a string in `.rodata` names it)."""
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"))
    base = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",)), None)
    made: dict[str, compiler.Variant] = {}

    def tagged(name: str) -> str:
        return base + f'\t.section\t.rodata\ntag:\n\t.string\t"{name}"\n'

    def fake_compile(variant):
        made[variant.name] = variant
        return tagged(variant.name)

    def score(variant) -> float:
        flags = set(variant.flags)
        return (
            1.0
            + 0.3 * ("-funroll-all-loops" in flags)
            + 0.2 * ("-fno-tree-slp-vectorize" in flags)
            + 0.1 * ("-fsched-pressure" in flags)
        )

    def fake_race(original, entrants, test, sandbox, **_):
        by_name = {}
        for digest_, _binary in entrants.items():
            by_name[digest_] = next(
                score(v) for name, v in made.items() if digest(tagged(name)) == digest_
            )
        return sorted((race.Entry(d, s, 3) for d, s in by_name.items()), key=lambda e: -e.speedup)

    monkeypatch.setattr(race, "race", fake_race)
    monkeypatch.setattr(compiler, "compilers", lambda: ("gcc",))
    sandbox = Sandbox(task.limits)
    original = build(task.asm, sandbox, task.link_flags).binary
    start = [compiler.Variant("gcc", ("-O3",))]
    result = tune.tune(
        task,
        sandbox,
        "native",
        original,
        task.tests[0],
        1e9,
        start=start,
        seed=3,
        compile_fn=fake_compile,
        max_generations=10,
    )
    assert result.generations == 10
    best, speed = result.ranked[0]
    assert speed >= 1.5, (best.name, speed)  # at least two of the three paying choices
    assert speed == max(score(v) for v in made.values())


@needs_sandbox
@needs_gcc
@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_pgo_trains_once_in_the_sandbox_and_the_build_uses_the_profile(cc, monkeypatch, tmp_path):
    if shutil.which(cc) is None or not pgo.available(cc):
        pytest.skip(f"{cc} or its profile tools are not installed")
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    sandbox = Sandbox(task.limits)
    trained = []
    real = pgo._train
    monkeypatch.setattr(pgo, "_train", lambda *a: trained.append(a) or real(*a))
    source = task.source + f"\n/* {cc} {tmp_path.name} */\n"  # a cache key of its own
    task = dataclasses.replace(task, source=source)
    first = compiler.compile_variant(task, compiler.Variant(cc, ("-O3",), pgo=True), sandbox)
    again = compiler.compile_variant(
        task, compiler.Variant(cc, ("-O3", "-funroll-loops"), pgo=True), sandbox
    )
    assert first is not None and again is not None and len(trained) == 1
    plain = compiler.compile_variant(task, compiler.Variant(cc, ("-O3",)), sandbox)
    assert first != plain  # the profile changed the code (block order, counts)
    assert build(first, sandbox, task.link_flags).ok  # GNU as takes it (no .cg_profile)
