"""agent/builtin/compiler.py: compiler variants, floating-point care and PGO."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import pytest

from agent.builtin import compiler, cpu, pgo
from tests.conftest import DATA, EXAMPLES, needs_sandbox
from tests.test_builtin_helpers import needs_gcc
from tools.sandbox import Sandbox
from tools.task import Compare, load_task

# Floating point without a float type in sight: a*b - c on converted integers,
# which -march with FMA fuses into one rounding.
FUSABLE = r"""#include <stdio.h>
int main(void) {
    long a, b, c;
    if (scanf("%ld %ld %ld", &a, &b, &c) != 3) return 1;
    printf("%.17g\n", a * 0.1 * (b * 0.1) - c * 0.01);
    return 0;
}
"""
FLOATY = r"""#include <stdio.h>
int main(void) { double x; scanf("%lf", &x); printf("%f\n", x * x + x); return 0; }
"""


def test_variants_cover_levels_march_unrolling_and_pgo():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    found = {v.slug for v in compiler.variants(task, "native")}
    assert {"gcc-O3-native", "gcc-O2-native", "gcc-O3-native-unroll", "gcc-O3-noplt"} <= found
    assert {"gcc-O3-native-pgo", "gcc-O3-pgo"} <= found
    march = [v for v in compiler.variants(task, "native") if "-march=native" in v.flags]
    assert all("-ffp-contract=off" in v.flags for v in march)  # harmless on integer code
    assert {v.slug for v in compiler.variants(task, "x86-64-v3")} >= {"gcc-O3-x86-64-v3"}


def test_no_source_no_variants():
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"), source=None)
    assert compiler.variants(task, "native") == []


def test_floating_point_builds_are_exact_but_for_the_typed_ones_unless_tolerance_allows():
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"), source=FLOATY)
    exact = compiler.variants(task, "native")
    march = [v for v in exact if "-march=native" in v.flags]
    # As typed (contracted) last, for the harness to judge on exact output; the rest exact.
    typed = [v for v in march if "-ffp-contract=off" not in v.flags]
    assert typed and all(v.slug.endswith(("-fma", "-fma-pgo")) for v in typed)
    assert {v.flags for v in typed} == {("-O3", "-march=native")}
    gcc = [v for v in exact if v.compiler == "gcc"]
    assert gcc[-2:] == [v for v in typed if v.compiler == "gcc"]  # after every exact build
    assert not any("-ffast-math" in v.flags for v in exact)
    tolerant = compiler.variants(dataclasses.replace(task, compare=Compare(mode="float")), "native")
    assert any("-ffast-math" in v.flags for v in tolerant)
    assert not any("-ffp-contract=off" in v.flags for v in tolerant)


@needs_gcc
def test_a_plain_variant_compiles_to_assembly():
    task = load_task(EXAMPLES / "lcs" / "prog.s")
    asm = compiler.compile_variant(task, compiler.Variant("gcc", ("-O2",)), None)
    assert asm is not None and "main:" in asm
    assert compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",), pgo=True), None) is None


@needs_sandbox
@needs_gcc
def test_pgo_runs_the_tests_in_the_sandbox_and_uses_the_profile():
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    sandbox = Sandbox(task.limits)
    plain = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",)), sandbox)
    pgo = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",), pgo=True), sandbox)
    assert plain is not None and pgo is not None
    assert pgo != plain  # the profile changed the code (a missing profile is an error)


def _outputs(asms: list[str], sandbox: Sandbox, data: bytes) -> list[bytes]:
    from tools.build import build

    binaries = [build(asm, sandbox).binary for asm in asms]
    with sandbox.session(binaries) as session:
        session.set_input(data)
        return [session.run(i).stdout for i in range(len(binaries))]


@pytest.mark.skipif("fma" not in cpu.native_features(), reason="this CPU has no FMA")
@needs_sandbox
@needs_gcc
def test_march_recompiles_keep_float_results_bit_identical():
    task = dataclasses.replace(load_task(EXAMPLES / "collatz" / "prog.s"), source=FUSABLE)
    sandbox = Sandbox(task.limits)
    o3 = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",)), None)
    fused = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3", "-march=native")), None)
    ours = [
        compiler.compile_variant(task, v, None)
        for v in compiler.variants(task, "native")
        if "-march=native" in v.flags and not v.pgo and "-ffp-contract=off" in v.flags
    ]
    assert ours and None not in (o3, fused, *ours)
    outputs = _outputs([o3, fused, *ours], sandbox, b"3 3 9\n")
    assert outputs[1] != outputs[0]  # -march=native alone changes the printed result
    assert all(out == outputs[0] for out in outputs[2:])


@needs_sandbox
@needs_gcc
def test_pgo_trains_on_the_tests_arguments_files_and_other_objects(tmp_path):
    """tests/data/checksum_files: main is in another file and needs each test's
    arguments and input file before it calls the hot function. The training
    links the other object (gcc's PGO build exists) and runs each test as the
    harness does (clang's profile counts the hot function once per test)."""
    from tools.evaluate import with_objects

    task = load_task(DATA / "checksum_files")
    sandbox = Sandbox(task.limits)
    task = with_objects(task, sandbox)  # as a run prepares it
    assert task.objects and all(t.args and t.files for t in task.tests)
    gcc = compiler.compile_variant(task, compiler.Variant("gcc", ("-O3",), pgo=True), sandbox)
    assert gcc is not None and "checksum:" in gcc
    if not (shutil.which("clang") and pgo.available("clang")):
        pytest.skip("clang or llvm-profdata is not installed")
    folder = tmp_path / "clang"
    folder.mkdir()
    assert pgo.profile(task, task.source, "clang", ("-O2",), folder, sandbox)
    shown = subprocess.run(
        ["llvm-profdata", "show", "--function=checksum", "--counts", "prog.profdata"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    count = re.search(r"Function count: (\d+)", shown)
    assert count and int(count.group(1)) == len(task.tests), shown
