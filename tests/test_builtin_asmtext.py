"""agent/builtin/asmtext.py: the instruction model the passes share."""

from __future__ import annotations

from agent.builtin import asmtext as at
from tests.conftest import EXAMPLES


def insn(text: str) -> at.Insn:
    parsed = at.parse_insn(0, "\t" + text)
    assert parsed is not None
    return parsed


def test_operands_split_outside_parentheses():
    i = insn("movl\t(%r12,%rax,4), %esi")
    assert i.mnemonic == "movl" and i.base == "mov"
    assert i.operands == ("(%r12,%rax,4)", "%esi")
    assert insn("rep movsb").prefix == "rep"
    assert at.parse_insn(0, ".L3:") is None
    assert at.parse_insn(0, "\tmovl $1, %eax; ret") is None


def test_register_families_and_widths():
    assert at.reg("%eax") == ("rax", 32)
    assert at.reg("%r9b") == ("r9", 8)
    assert at.reg("(%rax)") is None
    assert at.name_of("r10", 32) == "r10d"
    assert at.families("leaq 1(%rax,%rbx,2), %ecx") == {"rax", "rbx", "rcx"}


def test_effects_of_common_instructions():
    shr = at.effects(insn("shrq\t%rax"))
    assert shr.writes == {"rax"} and shr.reads == {"rax"} and shr.flags == "write"
    lea = at.effects(insn("leaq\t1(%rax,%rax,2), %rax"))
    assert lea.flags == "none" and not lea.mem_read and not lea.faults
    store = at.effects(insn("movl\t%edx, (%r15,%rax,4)"))
    assert store.mem_write and store.writes == frozenset() and {"rdx", "r15"} <= store.reads
    assert at.effects(insn("xorl\t%eax, %eax")).reads == frozenset()
    assert at.effects(insn("adcl\t$0, %edx")).flags == "rw"
    assert at.effects(insn("shlq\t%cl, %rax")).flags == "rw"  # a zero count keeps the flags
    assert at.effects(insn("cmovl\t%esi, %edx")).flags == "read"
    call = at.effects(insn("call\tprintf@PLT"))
    assert call.kind == "call" and "rdi" in call.writes and "rbx" not in call.writes
    fma = at.effects(insn("vfmadd231sd\t%xmm1, %xmm2, %xmm0"))
    assert fma.writes == {"xmm0"} and "xmm0" in fma.reads and fma.flags == "none"
    assert at.effects(insn("vmovd\t%xmm0, %r15d")).writes == {"r15"}
    assert at.effects(insn("ucomisd\t%xmm1, %xmm0")).flags == "write"
    assert at.effects(insn("vzeroupper")).writes == at.VECTOR
    assert at.effects(insn("pcmpistri\t$0, (%rdi), %xmm1")) is at.UNKNOWN  # writes %ecx
    assert at.effects(insn("jmp\t*%rax")).kind == "ijmp"


def test_conditions_and_inverses():
    assert at.condition("jne", "j") == "ne"
    assert at.condition("jnae", "j") == "b"
    assert at.condition("cmovnel", "cmov") == "ne"
    assert at.INVERSE_CC["ge"] == "l"


SNIPPET = """\
\t.text
\t.globl\tf
\t.type\tf, @function
f:
\tcmpl\t$0, %edi
\tje\t.L2
\taddl\t$1, %edi
.L2:
\tmovl\t%edi, %eax
\tret
\t.size\tf, .-f
"""


def test_blocks_and_liveness():
    lines, (fn,) = at.functions(SNIPPET)
    assert fn.name == "f" and fn.analysable
    assert [b.labels for b in fn.blocks][:3] == [[], [], [".L2"]]
    cmp_index = next(i for i, x in fn.insns.items() if x.base == "cmp")
    add_index = next(i for i, x in fn.insns.items() if x.base == "add")
    assert not fn.flags_dead_after(cmp_index)  # je reads them
    assert fn.flags_dead_after(add_index)  # nothing reads them before ret
    assert not fn.reg_dead_after(add_index, "rdi")  # movl %edi, %eax reads it
    assert fn.reg_dead_after(add_index, "rcx")
    assert not fn.reg_dead_after(add_index, "rbx")  # callee-saved: live at ret
    assert at.label_refs(lines, ".L2") == 1


SWITCH = """\
\t.text
\t.globl\tg
\t.type\tg, @function
g:
\tleaq\t.L4(%rip), %rdx
\tmovl\t%edi, %edi
\tmovslq\t(%rdx,%rdi,4), %rax
\taddq\t%rdx, %rax
\tjmp\t*%rax
\t.section\t.rodata
\t.align 4
.L4:
\t.long\t.L5-.L4
\t.long\t.L6-.L4
\t.text
.L5:
\tmovl\t$1, %eax
\tret
.L6:
\tmovl\t$2, %eax
\tret
\t.size\tg, .-g
"""


def test_a_switch_table_gives_the_indirect_jump_its_targets():
    _, (fn,) = at.functions(SWITCH)
    assert fn.analysable and fn.tables == {".L4": [".L5", ".L6"]}
    assert not fn.has_unknown_flow
    dispatch = fn.blocks[0]
    assert sorted(fn.blocks[s].labels[0] for s in dispatch.succ) == [".L5", ".L6"]


def test_other_data_inside_a_function_makes_it_unanalysable():
    text = SWITCH.replace("\t.long\t.L6-.L4\n", "\t.long\t.L6-.L4\n\t.quad\t7\n")
    _, (fn,) = at.functions(text)
    assert not fn.analysable
    text = SWITCH.replace("\tjmp\t*%rax\n", "\tjmp\t*%rax\n\tjmp\t*%rcx\n").replace(
        "\tleaq\t.L4(%rip), %rdx\n", ""
    )
    _, (fn,) = at.functions(text)
    assert fn.has_unknown_flow  # two indirect jumps, no table address in sight


def test_examples_parse_into_analysable_functions():
    for name in ("collatz", "lcs", "sum_scanf"):
        _, functions = at.functions((EXAMPLES / name / "prog.s").read_text())
        assert functions and all(f.analysable for f in functions), name
