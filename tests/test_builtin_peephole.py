"""agent/builtin/peephole.py: rewrites that must keep behaviour, and where they must not fire."""

from __future__ import annotations

from agent.builtin import peephole
from tests.test_builtin_helpers import build, needs_gcc, run


def fn(body: str, name: str = "f") -> str:
    return (
        f"\t.text\n\t.globl\t{name}\n\t.type\t{name}, @function\n{name}:\n{body}"
        f"\t.size\t{name}, .-{name}\n"
    )


def rewrite(body: str) -> tuple[str, dict]:
    text, fired = peephole.rewrite(fn(body))
    return text, dict(fired)


def test_self_moves_go_but_a_zero_extending_one_stays():
    text, fired = rewrite("\tmovq\t%rax, %rax\n\tmovl\t%eax, %eax\n\tmovb\t%al, %al\n\tret\n")
    assert fired == {"self-move": 2}
    assert "movl\t%eax, %eax" in text and "movq\t%rax, %rax" not in text


def test_a_copy_straight_back_is_dropped_only_for_64_bit_moves():
    text, fired = rewrite("\tmovq\t%rax, %rbx\n\tmovq\t%rbx, %rax\n\tret\n")
    assert fired == {"copy-back": 1} and text.count("movq") == 1
    _, fired = rewrite("\tmovl\t%eax, %ebx\n\tmovl\t%ebx, %eax\n\tret\n")
    assert fired == {}  # the second move clears the upper half of %rax


def test_cmp_zero_becomes_test_also_before_carry_readers():
    # cmp $0 and test both leave CF=0 and OF=0, so jb/jae/adc see the same flags.
    for reader in ("jb\t.L1", "jae\t.L1", "adcl\t$0, %edx", "jle\t.L1", "sete\t%al"):
        text, fired = rewrite(f"\tcmpl\t$0, %edi\n\t{reader}\n.L1:\n\tret\n")
        assert fired == {"cmp0-test": 1}, reader
        assert "testl\t%edi, %edi" in text


def test_cmp_zero_stays_when_the_auxiliary_flag_can_be_seen():
    _, fired = rewrite("\tcmpl\t$0, %edi\n\tlahf\n\tret\n")
    assert fired == {}
    _, fired = rewrite("\tcmpl\t$0, (%rdi)\n\tje\t.L1\n.L1:\n\tret\n")
    assert fired == {}  # memory operand: not a register compare


def test_small_multiplies_become_lea_when_the_flags_are_dead():
    text, fired = rewrite("\timull\t$5, %edi, %eax\n\tret\n")
    assert fired == {"mul5-lea": 1} and "leal\t(%rdi,%rdi,4), %eax" in text
    text, fired = rewrite("\timulq\t$9, %rsi\n\tret\n")
    assert "leaq\t(%rsi,%rsi,8), %rsi" in text
    _, fired = rewrite("\timull\t$3, %edi, %eax\n\tjo\t.L1\n.L1:\n\tret\n")
    assert fired == {}  # jo reads the overflow flag imul set
    _, fired = rewrite("\timull\t$7, %edi, %eax\n\tret\n")
    assert fired == {}


def test_a_stack_store_overwritten_before_any_load_is_dead():
    text, fired = rewrite("\tmovl\t%edi, -4(%rsp)\n\tmovl\t%esi, -4(%rsp)\n\tret\n")
    assert fired == {"dead-store": 1} and "%edi" not in text
    _, fired = rewrite(
        "\tmovl\t%edi, -4(%rsp)\n\tmovl\t-4(%rsp), %eax\n\tmovl\t%esi, -4(%rsp)\n\tret\n"
    )
    assert "dead-store" not in fired  # the load in between reads the first value
    _, fired = rewrite("\tmovl\t%edi, -4(%rsp)\n\tmovw\t%si, -4(%rsp)\n\tret\n")
    assert fired == {}  # a narrower store does not cover the first


def test_a_reload_right_after_a_store_becomes_a_move_or_goes():
    text, fired = rewrite("\tmovl\t%eax, -4(%rbp)\n\tmovl\t-4(%rbp), %edx\n\tret\n")
    assert fired == {"reload": 1} and "movl\t%eax, %edx" in text
    text, fired = rewrite("\tmovq\t%rax, -8(%rbp)\n\tmovq\t-8(%rbp), %rax\n\tret\n")
    assert fired == {"reload": 1} and text.count("-8(%rbp)") == 1
    # 32-bit reload of the same register: it clears the upper half, so it stays
    # (as a cheap move) unless a 32-bit write just cleared it already.
    text, _ = rewrite("\tmovl\t%eax, -4(%rbp)\n\tmovl\t-4(%rbp), %eax\n\tret\n")
    assert "movl\t%eax, %eax" in text
    text, _ = rewrite("\taddl\t$1, %eax\n\tmovl\t%eax, -4(%rbp)\n\tmovl\t-4(%rbp), %eax\n\tret\n")
    assert text.count("%eax") == 2
    _, fired = rewrite("\tmovl\t%eax, -4(%rbp)\n.L2:\n\tmovl\t-4(%rbp), %edx\n\tret\n")
    assert fired == {}  # another path may reach the load
    _, fired = rewrite("\tmovl\t%eax, (%rdx)\n\tmovl\t(%rdx), %edx\n\tret\n")
    assert fired == {"reload": 1}
    _, fired = rewrite("\tmovl\t%eax, -4(%rbp)\n\tmovq\t-4(%rbp), %rdx\n\tret\n")
    assert fired == {}  # a wider load also reads bytes the store did not write


def test_compare_and_branch_are_made_adjacent_for_fusion():
    text, fired = rewrite("\tcmpl\t%esi, %edi\n\tmovl\t$1, %eax\n\tjl\t.L1\n.L1:\n\tret\n")
    assert fired == {"fusion": 1}
    assert text.index("movl\t$1, %eax") < text.index("cmpl\t%esi, %edi")
    _, fired = rewrite("\tcmpl\t%esi, %edi\n\tmovl\t$1, %edi\n\tjl\t.L1\n.L1:\n\tret\n")
    assert fired == {}  # the move writes what the compare reads
    _, fired = rewrite("\tcmpl\t%esi, %edi\n\tsetl\t%al\n\tjl\t.L1\n.L1:\n\tret\n")
    assert fired == {}  # setl reads the compare's flags


FLAGS = """\
\t.text
\t.globl\tflags_cmp
flags_cmp:
\tcmpq\t$0, %rdi
\tpushfq
\tpopq\t%rax
\tret
\t.globl\tflags_test
flags_test:
\ttestq\t%rdi, %rdi
\tpushfq
\tpopq\t%rax
\tret
\t.section\t.note.GNU-stack,"",@progbits
"""

FLAGS_MAIN = r"""
#include <stdio.h>
unsigned long flags_cmp(long), flags_test(long);
int main(void) {
    long values[] = {0, 1, -1, 2, 255, 256, 0x7fffffffffffffffL, -0x7fffffffffffffffL - 1, 3, -3};
    const unsigned long mask = 0x1 | 0x4 | 0x40 | 0x80 | 0x800;  /* CF PF ZF SF OF */
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++)
        if ((flags_cmp(values[i]) & mask) != (flags_test(values[i]) & mask)) {
            printf("differ at %ld\n", values[i]);
            return 1;
        }
    puts("same");
    return 0;
}
"""


@needs_gcc
def test_cmp_zero_and_test_set_the_same_flags_on_this_cpu(tmp_path):
    done = run(build(tmp_path, "flags", ("m.c", FLAGS_MAIN), ("f.s", FLAGS)))
    assert done.stdout == b"same\n", done.stdout
