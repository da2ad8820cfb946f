"""CPU-feature idioms: use instructions the target has where gcc, compiling for
generic x86-64, emitted a library call or a slower sequence.

When it fires, and why it is sound:
- `call __popcountdi2` / `__popcountsi2` (gcc's fallback for
  `__builtin_popcount*` without -mpopcnt) become `popcnt %rdi, %rax` /
  `popcnt %edi, %eax`, when the target has POPCNT. The call took its argument
  in %rdi/%edi and returned the count in %eax, clobbering every caller-saved
  register and the flags; popcnt computes the same count and clobbers only
  %rax and the flags, a subset the caller already had to expect. A preceding
  `xor %eax, %eax` breaks popcnt's false dependency on its destination (older
  Intel cores); the argument is in %rdi, so it is not lost.
- with BMI2 (`bmi2` pass), `shl/shr/sar %cl, reg` becomes `shlx/shrx/sarx
  %rcx, reg, reg` when no path reads the flags afterwards (the legacy forms
  leave the flags alone for a zero count and set them otherwise; the BMI2 forms
  never touch them): same value, no flag merge, fewer micro-ops on Intel cores.
"""

from __future__ import annotations

import re

from agent.builtin import asmtext as at
from agent.builtin.context import PassContext

NAME = "idioms"
_POPCOUNT = re.compile(r"^(\s*)call\s+(__popcount[ds]i2)(?:@PLT)?\s*(?:#.*)?$")


def apply(asm: str, ctx: PassContext) -> str | None:
    if "popcnt" not in ctx.features:
        return None
    lines = asm.split("\n")
    changed = False
    for i, line in enumerate(lines):
        match = _POPCOUNT.match(line)
        if not match:
            continue
        indent = match.group(1) or "\t"
        if match.group(2) == "__popcountdi2":
            lines[i] = f"{indent}xorl\t%eax, %eax\n{indent}popcntq\t%rdi, %rax"
        else:
            lines[i] = f"{indent}xorl\t%eax, %eax\n{indent}popcntl\t%edi, %eax"
        changed = True
    if not changed:
        return None
    text = "\n".join(lines)
    for name in ("__popcountdi2", "__popcountsi2"):
        if text.count(name) == 1:  # only gcc's `.globl` declaration is left
            text = re.sub(rf"^\s*\.globl\s+{name}\s*\n", "", text, flags=re.M)
    return text


_SHIFTS = {"shl": "shlx", "sal": "shlx", "shr": "shrx", "sar": "sarx"}


def apply_bmi2(asm: str, ctx: PassContext) -> str | None:
    if "bmi2" not in ctx.features:
        return None
    lines, functions = at.functions(asm)
    replace: dict[int, str] = {}
    for fn in functions:
        if not fn.analysable or fn.has_unknown_flow:
            continue
        for index, insn in fn.insns.items():
            if insn.base not in _SHIFTS or len(insn.operands) != 2 or insn.prefix:
                continue
            if insn.operands[0] != "%cl":
                continue
            dest = at.reg(insn.operands[1])
            if dest is None or dest[1] not in (32, 64) or dest[0] not in at.GPRS:
                continue
            if not fn.flags_dead_after(index):
                continue
            count = "%rcx" if dest[1] == 64 else "%ecx"
            name = insn.operands[1]
            indent = insn.text[: len(insn.text) - len(insn.text.lstrip())] or "\t"
            replace[index] = f"{indent}{_SHIFTS[insn.base]}\t{count}, {name}, {name}"
    if not replace:
        return None
    return at.join([replace.get(i, line) for i, line in enumerate(lines)])
