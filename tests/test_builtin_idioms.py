"""agent/builtin/idioms.py, align.py and cpu.py: target features, popcnt, BMI2, alignment."""

from __future__ import annotations

from agent.builtin import align, cpu, idioms
from agent.builtin.context import PassContext
from tests.test_builtin_helpers import build, compile_c, needs_gcc, run

POPCOUNT_C = r"""
#include <stdio.h>
int main(void) {
    unsigned long long x, total = 0;
    while (scanf("%llu", &x) == 1)
        total += __builtin_popcountll(x) + __builtin_popcount((unsigned) x);
    printf("%llu\n", total);
    return 0;
}
"""


def test_levels_and_native_features():
    assert "popcnt" not in cpu.features("x86-64")
    assert "popcnt" in cpu.features("x86-64-v2") and "bmi2" not in cpu.features("x86-64-v2")
    assert {"avx2", "bmi2", "fma"} <= cpu.features("x86-64-v3")
    assert cpu.march("x86-64-v3") == "-march=x86-64-v3"
    assert cpu.uses("\tpopcntq\t%rdi, %rax\n\tshlx\t%rcx, %rax, %rax\n") == {"popcnt", "bmi2"}
    assert cpu.uses("\tvmovdqu\t(%rdi), %ymm0\n") == {"avx2"}
    assert not cpu.allowed("\tpopcntq\t%rdi, %rax\n", "", "x86-64")
    assert cpu.allowed("\tpopcntq\t%rdi, %rax\n", "\tpopcntl\t%edi, %eax\n", "x86-64")


@needs_gcc
def test_popcount_calls_become_popcnt_on_targets_that_have_it(tmp_path):
    asm = compile_c(tmp_path, POPCOUNT_C, flags=("-O2", "-march=x86-64"))
    assert "__popcountdi2" in asm
    assert idioms.apply(asm, PassContext(target="x86-64")) is None
    out = idioms.apply(asm, PassContext(target="x86-64-v2"))
    assert out is not None and "popcntq\t%rdi, %rax" in out and "__popcountdi2" not in out
    data = b"0 1 255 18446744073709551615 12345678901234 7"
    before = run(build(tmp_path, "a", ("a.s", asm)), data)
    if "popcnt" in cpu.native_features():
        after = run(build(tmp_path, "b", ("b.s", out)), data)
        assert after.stdout == before.stdout


SHIFT = (
    "\t.text\n\t.globl\tf\n\t.type\tf, @function\nf:\n"
    "\tmovq\t%rdi, %rax\n\tmovl\t%esi, %ecx\n\tshlq\t%cl, %rax\n{after}\tret\n\t.size\tf, .-f\n"
)


def test_bmi2_shifts_only_where_the_flags_are_dead():
    out = idioms.apply_bmi2(SHIFT.format(after=""), PassContext(target="x86-64-v3"))
    assert out is not None and "shlx\t%rcx, %rax, %rax" in out
    live = SHIFT.format(after="\tje\t.L1\n.L1:\n")
    assert idioms.apply_bmi2(live, PassContext(target="x86-64-v3")) is None
    assert idioms.apply_bmi2(SHIFT.format(after=""), PassContext(target="x86-64-v2")) is None


LOOP = """\
\t.text
\t.globl\tf
\t.type\tf, @function
f:
\txorl\t%eax, %eax
\t.p2align 4,,10
\t.p2align 3
.L3:
\taddq\t%rdi, %rax
\tsubq\t$1, %rdi
\tjne\t.L3
\tret
\t.size\tf, .-f
"""


def test_hot_loop_heads_get_aligned():
    out = align.apply32(LOOP, PassContext())
    assert out is not None and "\t.p2align 5\n.L3:" in out and ".p2align 4,,10" not in out
    assert "\t.p2align 6\n.L3:" in align.apply64(LOOP, PassContext())
    cold = PassContext(hot_lines={5: 99.0})  # all samples on the xorl before the loop
    assert align.apply32(LOOP, cold) is None
