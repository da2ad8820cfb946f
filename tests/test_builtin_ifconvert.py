"""agent/builtin/ifconvert.py: data-dependent branches to cmov, only when sound."""

from __future__ import annotations

from agent.builtin import ifconvert
from agent.builtin.context import PassContext
from tests.conftest import EXAMPLES
from tests.test_builtin_helpers import build, needs_gcc, run

# gcc's shape for `n = odd ? 3n+1 : n/2` with the tail duplicated into both arms.
DIAMOND = """\
\t.text
\t.globl\tsteps
\t.type\tsteps, @function
steps:
\txorl\t%edx, %edx
\tmovq\t%rdi, %rax
\tcmpq\t$1, %rax
\tje\t.L9
.L10:
\ttestb\t$1, %al
\tjne\t.L7
\tshrq\t%rax
\taddl\t$1, %edx
\tcmpq\t$1, %rax
\tjne\t.L10
.L9:
\tmovl\t%edx, %eax
\tret
.L7:
\tleaq\t1(%rax,%rax,2), %rax
\taddl\t$1, %edx
\tcmpq\t$1, %rax
\tjne\t.L10
\tjmp\t.L9
\t.size\tsteps, .-steps
\t.section\t.note.GNU-stack,"",@progbits
"""

TRIANGLE = """\
\t.text
\t.globl\tpick
\t.type\tpick, @function
pick:
\tmovl\t%edi, %eax
\tcmpl\t%esi, %edi
\tjge\t.L2
\tleal\t(%rsi,%rsi), %eax
.L2:
\tret
\t.size\tpick, .-pick
\t.section\t.note.GNU-stack,"",@progbits
"""

DRIVER = r"""
#include <stdio.h>
int steps(unsigned long long n);
int pick(int a, int b);
int main(void) {
    unsigned long long sum = 0;
    for (unsigned long long n = 1; n < 20000; n++) sum = sum * 31 + steps(n);
    for (int a = -50; a < 50; a += 7)
        for (int b = -50; b < 50; b += 3) sum = sum * 7 + (unsigned) pick(a, b);
    printf("%llu\n", sum);
    return 0;
}
"""


def test_the_collatz_diamond_becomes_a_cmov():
    out = ifconvert.apply(DIAMOND, PassContext())
    assert out is not None
    assert "cmovne\t%r9, %r8" in out and "movq\t%r8, %rax" in out
    assert "jne\t.L7" not in out and ".L7:" not in out  # the old arm is gone
    assert "\tshrq\t%r8" in out and "\tleaq\t1(%rax,%rax,2), %r9" in out


def test_a_triangle_uses_the_inverse_condition():
    out = ifconvert.apply(TRIANGLE, PassContext())
    assert out is not None
    assert "leal\t(%rsi,%rsi), %r8d" in out and "cmovl\t%r8, %rax" in out
    assert "jge" not in out


@needs_gcc
def test_converted_code_computes_the_same(tmp_path):
    before = run(build(tmp_path, "a", ("d.c", DRIVER), ("s.s", DIAMOND), ("t.s", TRIANGLE)))
    diamond = ifconvert.apply(DIAMOND, PassContext())
    triangle = ifconvert.apply(TRIANGLE, PassContext())
    after = run(build(tmp_path, "b", ("d.c", DRIVER), ("s.s", diamond), ("t.s", triangle)))
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout


@needs_gcc
def test_the_collatz_example_keeps_its_outputs(tmp_path):
    task = EXAMPLES / "collatz"
    out = ifconvert.apply((task / "prog.s").read_text(), PassContext())
    assert out is not None and "cmovne" in out
    binary = build(tmp_path, "c", ("prog.s", out))
    for test in sorted((task / "tests").glob("*.in")):
        assert run(binary, test.read_bytes()).stdout == test.with_suffix(".out").read_bytes()


def test_an_arm_that_loads_memory_is_left_alone():
    text = DIAMOND.replace("\tshrq\t%rax\n", "\tmovq\t(%rdi), %rax\n")
    assert ifconvert.apply(text, PassContext()) is None


def test_a_tail_that_reads_the_arms_flags_is_left_alone():
    # shrq leaves the shifted-out bit in CF and adc reads it: after a cmov the
    # flags would be testb's instead.
    text = DIAMOND.replace("\taddl\t$1, %edx\n", "\tadcl\t$0, %edx\n")
    assert ifconvert.apply(text, PassContext()) is None


def test_no_scratch_registers_means_no_conversion():
    text = DIAMOND.replace(
        "\txorl\t%edx, %edx\n", "\txorl\t%edx, %edx\n\tmovq\t%r8, %r9\n\tmovq\t%r10, %r11\n"
    )
    assert ifconvert.apply(text, PassContext()) is None


def test_a_label_inside_the_arm_is_left_alone():
    text = DIAMOND.replace("\tjne\t.L7\n\tshrq", "\tjne\t.L7\n.L99:\n\tshrq")
    assert ifconvert.apply(text, PassContext()) is None


def test_cold_branches_are_left_alone_when_a_profile_is_known():
    lines = DIAMOND.split("\n")
    ret = next(n for n, line in enumerate(lines, 1) if line.strip() == "ret")
    cold = PassContext(hot_lines={ret: 90.0})
    assert ifconvert.apply(DIAMOND, cold) is None
    jne = next(n for n, line in enumerate(lines, 1) if "jne\t.L7" in line)
    assert ifconvert.apply(DIAMOND, PassContext(hot_lines={jne: 40.0})) is not None
