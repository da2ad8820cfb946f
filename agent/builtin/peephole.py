"""Peephole rewrites that are sound by construction.

Each rule, when it fires, and why it keeps behaviour:
- self moves `movq %rax, %rax` (and 16/8-bit ones) are deleted: no effect, no
  flags. `movl %eax, %eax` is kept: it zero-extends into %rax.
- a 64-bit copy straight back (`movq %rax, %rbx; movq %rbx, %rax`, no label
  between) loses its second move: %rax already holds that value.
- `cmp $0, %reg` becomes `test %reg, %reg`: both set CF=0, OF=0 and SF, ZF, PF
  from the value, so every jcc/setcc/cmov/adc (CF readers included) sees the
  same flags. They differ only in AF (0 vs undefined), which only
  pushf/lahf can observe, so the rule requires that no such instruction (nor an
  unknown one) can run before the flags are rewritten. One byte shorter.
- `imul $3|5|9, src, dst` becomes `lea (src,src,2|4|8), dst` (and `$2` ->
  `lea (src,src)`), when no path reads the flags imul set: the low 32/64 bits
  of the product are equal; 1-cycle lea vs 3-cycle imul.
- a store to a stack slot (`off(%rsp)`/`off(%rbp)`) that is overwritten by a
  store of the same size to the same slot later in the same block, with no
  load, call, unknown instruction or change of the base register in between,
  is deleted: nothing can read the first value.
- a load right after a store to the same memory operand with the same width
  (`movl %eax, -4(%rbp); movl -4(%rbp), %edx`, typical of -O0 code) becomes a
  register move (`movl %eax, %edx`), or disappears when it reloads the same
  register and cannot change it (64-bit, or 32-bit right after a 32-bit write
  that already cleared the upper half): the value is the one just stored.
- `cmp/test; X; jcc` becomes `X; cmp/test; jcc` when X neither reads nor writes
  flags, writes nothing the compare reads, does not write memory when the
  compare reads memory, and is plain code: the compare and branch become
  adjacent and the CPU fuses them into one micro-op.
"""

from __future__ import annotations

import re
from collections import Counter

from agent.builtin import asmtext as at
from agent.builtin.context import PassContext

NAME = "peephole"
_LEA_FACTOR = {2: None, 3: 2, 5: 4, 9: 8}
_STACK_SLOT = re.compile(r"^-?\d*\(%(rsp|rbp)\)$")


def apply(asm: str, ctx: PassContext) -> str | None:
    text, fired = rewrite(asm)
    return text if fired else None


def rewrite(asm: str) -> tuple[str, Counter]:
    """The rewritten text and how often each rule fired."""
    lines, functions = at.functions(asm)
    fired: Counter = Counter()
    delete: set[int] = set()
    replace: dict[int, list[str]] = {}
    for fn in functions:
        if not fn.analysable:
            continue
        _self_moves(fn, delete, fired)
        _copy_back(lines, fn, delete, fired)
        if not fn.has_unknown_flow:
            _cmp_zero(fn, replace, fired)
            _mul_lea(fn, replace, fired)
        _dead_stores(lines, fn, delete, replace, fired)
        _reloads(fn, delete, replace, fired)
        _fusion(lines, fn, delete, replace, fired)
    if not fired:
        return asm, fired
    out = []
    for i, line in enumerate(lines):
        if i in delete:
            continue
        out.extend(replace.get(i, [line]))
    return at.join(out), fired


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())] or "\t"


def _self_moves(fn: at.Function, delete: set[int], fired: Counter) -> None:
    for i, insn in fn.insns.items():
        if insn.base != "mov" or len(insn.operands) != 2 or insn.prefix:
            continue
        src, dst = at.reg(insn.operands[0]), at.reg(insn.operands[1])
        if src and src == dst and src[1] != 32 and insn.operands[0] == insn.operands[1]:
            delete.add(i)
            fired["self-move"] += 1


def _next_insn_index(lines, fn: at.Function, index: int) -> int | None:
    """The next instruction line, when only blank lines come between."""
    i = index + 1
    while i <= fn.end and not lines[i].strip():
        i += 1
    return i if i in fn.insns else None


def _copy_back(lines, fn: at.Function, delete: set[int], fired: Counter) -> None:
    for i, insn in fn.insns.items():
        if insn.mnemonic != "movq" or len(insn.operands) != 2 or i in delete:
            continue
        j = _next_insn_index(lines, fn, i)
        if j is None or j in delete:
            continue
        other = fn.insns[j]
        a, b = at.reg(insn.operands[0]), at.reg(insn.operands[1])
        if not (a and b and a[1] == 64 and b[1] == 64 and a[0] in at.GPRS and b[0] in at.GPRS):
            continue
        if other.mnemonic == "movq" and other.operands == (insn.operands[1], insn.operands[0]):
            delete.add(j)
            fired["copy-back"] += 1


def _af_unobserved(fn: at.Function, index: int) -> bool:
    """No pushf/lahf (or unknown instruction) before every path rewrites the flags."""

    def visit(insn):
        if insn is None:
            return "dead"
        eff = at.effects(insn)
        if insn.base.startswith(("pushf", "lahf")) or eff.kind == "unknown":
            return "live"
        if eff.kind in ("call", "icall") or eff.flags == "write":
            return "dead"
        return None

    return fn.forward(index, visit)


def _cmp_zero(fn: at.Function, replace: dict[int, list[str]], fired: Counter) -> None:
    for i, insn in fn.insns.items():
        if insn.base != "cmp" or len(insn.operands) != 2 or insn.prefix:
            continue
        if at.immediate(insn.operands[0]) != 0 or not insn.operands[0].startswith("$"):
            continue
        target = at.reg(insn.operands[1])
        if target is None or target[0] not in at.GPRS:
            continue
        if not _af_unobserved(fn, i):
            continue
        suffix = insn.mnemonic[3:]  # "cmpl" -> "l"
        name = insn.operands[1]
        replace[i] = [f"{_indent(insn.text)}test{suffix}\t{name}, {name}"]
        fired["cmp0-test"] += 1


def _mul_lea(fn: at.Function, replace: dict[int, list[str]], fired: Counter) -> None:
    for i, insn in fn.insns.items():
        if insn.base != "imul" or insn.prefix or len(insn.operands) not in (2, 3):
            continue
        factor = at.immediate(insn.operands[0]) if insn.operands[0].startswith("$") else None
        if factor not in _LEA_FACTOR:
            continue
        src = insn.operands[1]
        dst = insn.operands[-1]
        s, d = at.reg(src), at.reg(dst)
        if not (s and d and s[1] == d[1] and s[1] in (32, 64)):
            continue
        if s[0] not in at.GPRS or d[0] not in at.GPRS or s[0] == "rsp":
            continue
        if not fn.flags_dead_after(i):
            continue
        base = f"%{at.name_of(s[0], 64)}"
        scale = _LEA_FACTOR[factor]
        address = f"({base},{base})" if scale is None else f"({base},{base},{scale})"
        lea = "leaq" if d[1] == 64 else "leal"
        replace[i] = [f"{_indent(insn.text)}{lea}\t{address}, {dst}"]
        fired[f"mul{factor}-lea"] += 1


def _dead_stores(lines, fn, delete: set[int], replace: dict, fired: Counter) -> None:
    if not fn.analysable:
        return
    for block in fn.blocks:
        insns = block.insns
        for k, store in enumerate(insns):
            if store.index in delete or store.index in replace:
                continue
            if store.base != "mov" or len(store.operands) != 2 or store.prefix:
                continue
            slot = store.operands[1].replace(" ", "")
            match = _STACK_SLOT.match(slot)
            if not match or (
                at.reg(store.operands[0]) is None and not store.operands[0].startswith("$")
            ):
                continue
            base = match.group(1)
            for later in insns[k + 1 :]:
                eff = at.effects(later)
                if eff.kind != "plain" or eff.mem_read or base in eff.writes:
                    break
                if (
                    later.mnemonic == store.mnemonic
                    and len(later.operands) == 2
                    and later.operands[1].replace(" ", "") == slot
                    and not eff.mem_read
                ):
                    delete.add(store.index)
                    fired["dead-store"] += 1
                    break


def _reloads(fn: at.Function, delete: set[int], replace: dict, fired: Counter) -> None:
    for block in fn.blocks:
        insns = block.insns
        for k in range(1, len(insns)):
            store, load = insns[k - 1], insns[k]
            if store.mnemonic not in ("movl", "movq") or load.mnemonic != store.mnemonic:
                continue
            if load.index != _next_code_line(fn, store.index):
                continue  # a label (another way in) or a directive between them
            if {store.index, load.index} & (delete | set(replace)):
                continue
            if len(store.operands) != 2 or len(load.operands) != 2 or store.prefix or load.prefix:
                continue
            src, slot = store.operands
            if slot.replace(" ", "") != load.operands[0].replace(" ", ""):
                continue
            s, d = at.reg(src), at.reg(load.operands[1])
            if not (s and d and s[0] in at.GPRS and d[0] in at.GPRS) or not at.is_memory(slot):
                continue
            same = s == d
            if same and (s[1] == 64 or _zero_extended(insns, k - 1, s[0])):
                delete.add(load.index)
            else:
                replace[load.index] = [
                    f"{_indent(load.text)}{load.mnemonic}\t{src}, {load.operands[1]}"
                ]
            fired["reload"] += 1


def _zero_extended(insns: list[at.Insn], k: int, family: str) -> bool:
    """The instruction before insns[k] wrote `family` through its 32-bit name."""
    if k == 0:
        return False
    prev = insns[k - 1]
    dest = at.reg(prev.dest or "")
    eff = at.effects(prev)
    return dest == (family, 32) and eff.kind == "plain" and eff.writes == frozenset({family})


def _next_code_line(fn: at.Function, index: int) -> int | None:
    i = index + 1
    while i <= fn.end and not fn.lines[i].strip():
        i += 1
    return i


def _fusion(lines, fn: at.Function, delete: set[int], replace: dict, fired: Counter) -> None:
    for i, jump in fn.insns.items():
        if not at.is_jcc(jump):
            continue
        middle_index = _previous(lines, fn, i)
        if middle_index is None or middle_index in delete or middle_index in replace:
            continue
        compare_index = _previous(lines, fn, middle_index)
        if compare_index is None or compare_index in delete or compare_index in replace:
            continue
        middle, compare = fn.insns[middle_index], fn.insns[compare_index]
        if compare.base not in ("cmp", "test") or compare.prefix:
            continue
        m, c = at.effects(middle), at.effects(compare)
        if m.kind != "plain" or m.flags != "none" or middle.prefix:
            continue
        if m.writes & c.reads or (m.mem_write and c.mem_read) or "rsp" in m.writes:
            continue
        if m.mem_write and compare.operands and any("(" in op for op in compare.operands):
            continue
        replace[compare_index] = [middle.text]
        replace[middle_index] = [compare.text]
        fired["fusion"] += 1


def _previous(lines, fn: at.Function, index: int) -> int | None:
    """The previous instruction line when only blank lines come between."""
    i = index - 1
    while i > fn.start and not lines[i].strip():
        i -= 1
    return i if i in fn.insns else None
