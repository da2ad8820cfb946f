"""Hot-loop alignment: put `.p2align 5` (32 bytes) or `.p2align 6` (64) before
the head of each hot loop.

When it fires: a label that a later jump of the same function targets (a loop
head), whose loop body (label to back edge) holds at least HOT_SHARE % of the
profile's samples (every loop when there is no profile). Existing alignment
directives right before the label are replaced.

Why sound: alignment only inserts padding; the assembler fills code padding
with nops, and padding reached by falling through executes as nops.

Why it can be faster: a loop body that starts on a fetch-block or cache-line
boundary is fetched, decoded and cached by the micro-op cache in fewer blocks.
It can also be slower (branch-predictor aliasing moves with code addresses),
so it is only ever a candidate for the harness to measure.
"""

from __future__ import annotations

from agent.builtin import asmtext as at
from agent.builtin.context import PassContext

HOT_SHARE = 5.0
_ALIGN = (".p2align", ".align", ".balign")


def apply_bits(asm: str, ctx: PassContext, bits: int) -> str | None:
    lines, functions = at.functions(asm)
    heads: set[int] = set()
    for fn in functions:
        if not fn.analysable:
            continue
        for index, insn in fn.insns.items():
            if at.effects(insn).kind not in ("jcc", "jmp"):
                continue
            target = insn.operands[0]
            head = fn.labels.get(target)
            if head is None or head >= index:
                continue
            body = range(head + 1, index + 2)
            if ctx.hot_lines and ctx.heat(body) < HOT_SHARE:
                continue
            heads.add(head)
    if not heads:
        return None
    out: list[str] = []
    directive = f"\t.p2align {bits}"
    changed = False
    for i, line in enumerate(lines):
        if i in heads:
            while out and out[-1].strip().split(None, 1)[:1] and out[-1].split()[0] in _ALIGN:
                out.pop()
            out.append(directive)
            changed = True
        out.append(line)
    text = at.join(out)
    return text if changed and text != asm else None


def apply32(asm: str, ctx: PassContext) -> str | None:
    return apply_bits(asm, ctx, 5)


def apply64(asm: str, ctx: PassContext) -> str | None:
    return apply_bits(asm, ctx, 6)
