"""If-conversion: a hot branch that only picks one of two register values becomes a cmov.

When it fires: `T; jCC Lb` where T is a compare (`cmp`/`test`/`bt`), and
either a diamond whose arms differ in one instruction each,

    T; jCC Lb; A1; TAIL...; (falls into, or jumps to, C)      Lb: B1; TAIL...; jmp C

(gcc's tail duplication produces exactly this for `n = odd ? 3n+1 : n/2`), or a
triangle `T; jCC Lb; A1; Lb:`. A1 and B1 must be plain register arithmetic
writing the same 32/64-bit register D: no memory, nothing that can fault, no
flag reads. With a profile, only branches on hot lines are converted.

Why it is sound: both arms are computed into scratch registers (r8-r11 that the
function never mentions, so they hold nothing) from the same inputs the arms
would have seen, before T, which reads neither; `cmovCC` then selects exactly
the value the taken path would have produced, and D gets it. Nothing that could
fault or touch memory is executed speculatively. The flags after the
conversion are T's, where the original had A1's or B1's, so the pass requires
that every path from the arms writes all flags before reading any (or that the
arms do not write flags). The old B block is removed only when the branch was
its one way in.

Why faster: a branch whose direction follows the data (Collatz parity) is
mispredicted often, each miss costing ~15-20 cycles; the cmov version costs a
couple of cycles of latency and never misses. Predictable branches can get
slower (the cmov adds the slower arm's latency to every iteration), which is
why the harness decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.builtin import asmtext as at
from agent.builtin.context import PassContext

NAME = "ifconvert"
HOT_SHARE = 2.0  # % of samples on the branch's lines for it to count as hot
SCRATCH = ("r8", "r9", "r10", "r11")
_ARM_OPS = at.words(
    "mov movabs lea add sub and or xor shl shr sar sal neg not inc dec imul rol ror "
    "movzx movsx bswap andn blsi blsr blsmsk bzhi shlx shrx sarx rorx popcnt lzcnt tzcnt"
)
_SKIPPABLE = (".p2align", ".align", ".balign")


@dataclass(frozen=True)
class _Path:
    first: at.Insn
    tail: tuple[at.Insn, ...]
    end: tuple[str, str]  # ("label", name) | ("jmp", name) | ("ret", "")
    last_line: int  # index of the path's last line (the jmp, or the last tail insn)


@dataclass(frozen=True)
class _Site:
    test: at.Insn
    jump: at.Insn
    cc: str
    a: _Path
    b: _Path | None  # None: a triangle
    target: str


def apply(asm: str, ctx: PassContext) -> str | None:
    """Convert every eligible branch (hot ones when a profile is known); None if none."""
    changed = False
    text = asm
    hot = dict(ctx.hot_lines)
    failed: set[int] = set()  # jump line indices that cannot be converted (text unchanged)
    for _ in range(64):  # one conversion per round; line indices move after each
        lines, functions = at.functions(text)
        found = _next_site(lines, functions, hot if ctx.hot_lines else None, failed)
        if found is None:
            break
        site, scratch = found
        new_lines, shift = _rewrite(lines, site, scratch)
        if new_lines is None:
            failed.add(site.jump.index)
            continue
        text = at.join(new_lines)
        hot = shift(hot)
        failed.clear()
        changed = True
    return text if changed else None


def _next_site(lines, functions, hot, failed):
    for fn in functions:
        if not fn.analysable or fn.has_unknown_flow:
            continue
        body = fn.text_lines()
        if any(i.base in ("syscall", "sysenter") for i in fn.insns.values()):
            continue
        scratch = [r for r in SCRATCH if not at.mentions(body, r)]
        if len(scratch) < 2:
            continue
        for index in sorted(fn.insns):
            insn = fn.insns[index]
            if not at.is_jcc(insn) or index in failed:
                continue
            site = _site(lines, fn, insn)
            if site is None or (hot is not None and _heat(site, hot) < HOT_SHARE):
                continue
            return site, scratch
    return None


def _heat(site: _Site, hot: dict[int, float]) -> float:
    insns = [site.test, site.jump, site.a.first, *site.a.tail]
    if site.b:
        insns += [site.b.first, *site.b.tail]
    return sum(hot.get(i.index + 1, 0.0) for i in insns)


def _site(lines, fn: at.Function, jump: at.Insn) -> _Site | None:
    cc = at.condition(jump.mnemonic, "j")
    target = jump.operands[0]
    if cc is None or not at.is_label_operand(target) or target not in fn.labels:
        return None
    test = _previous_insn(lines, fn, jump.index)
    if test is None or test.base not in ("cmp", "test", "bt"):
        return None
    if at.effects(test).writes or at.effects(test).mem_write:
        return None
    a = _path(lines, fn, jump.index + 1)
    if a is None or not _arm_ok(a.first):
        return None
    if a.end == ("label", target) and not a.tail:
        return _Site(test, jump, cc, a, None, target)  # triangle
    b = _path(lines, fn, fn.labels[target] + 1)
    if b is None or not _arm_ok(b.first):
        return None
    if _dest(a.first)[0] != _dest(b.first)[0]:
        return None
    if [_norm(i) for i in a.tail] != [_norm(i) for i in b.tail] or a.end[1] != b.end[1]:
        return None  # the arms must continue identically, to the same place
    if a.end[1] == target or (a.end[0] == "ret") != (b.end[0] == "ret"):
        return None
    return _Site(test, jump, cc, a, b, target)


def _previous_insn(lines, fn: at.Function, index: int) -> at.Insn | None:
    i = index - 1
    while i > fn.start and not lines[i].strip():
        i -= 1
    return fn.insns.get(i)


def _path(lines, fn: at.Function, start: int) -> _Path | None:
    """The straight-line code from `start`: first instruction, tail, and how it ends."""
    insns: list[at.Insn] = []
    i = start
    while i <= fn.end:
        text = lines[i].strip()
        if not text or text.startswith("#"):
            i += 1
            continue
        if i in fn.insns:
            insn = fn.insns[i]
            kind = at.effects(insn).kind
            if kind == "jmp":
                if not insns:
                    return None
                return _Path(insns[0], tuple(insns[1:]), ("jmp", insn.operands[0]), i)
            if kind == "ret":
                insns.append(insn)
                return _Path(insns[0], tuple(insns[1:]), ("ret", ""), i)
            if kind in ("ijmp", "stop"):
                return None
            insns.append(insn)
            i += 1
            continue
        name = text[:-1] if text.endswith(":") else None
        if name is not None and name in fn.labels:
            if not insns:
                return None  # a label before the first arm instruction: other ways in
            return _Path(insns[0], tuple(insns[1:]), ("label", name), insns[-1].index)
        if text.split(None, 1)[0] in _SKIPPABLE:
            i += 1
            continue
        return None  # .cfi_* or other directives: leave such code alone
    return None


def _dest(insn: at.Insn) -> tuple[str, int]:
    return at.reg(insn.operands[-1]) or ("", 0)


def _arm_ok(insn: at.Insn) -> bool:
    """Plain register arithmetic writing one 32/64-bit register, no flag reads, no memory."""
    if insn.base not in _ARM_OPS or insn.prefix or not insn.operands:
        return False
    eff = at.effects(insn)
    dest = at.reg(insn.operands[-1])
    if dest is None or dest[1] not in (32, 64) or dest[0] not in at.GPRS:
        return False
    if eff.kind != "plain" or eff.mem_read or eff.mem_write or eff.faults:
        return False
    if eff.flags in ("read",) or insn.base in ("adc", "sbb", "rcl", "rcr"):
        return False
    if eff.writes != frozenset({dest[0]}):
        return False
    memory = any(at.is_memory(op) for op in insn.operands)
    if memory and insn.base != "lea":
        return False
    return all(r in at.GPRS for r in eff.reads)


def _norm(insn: at.Insn) -> str:
    return f"{insn.prefix} {insn.mnemonic} {','.join(op.replace(' ', '') for op in insn.operands)}"


def _into(insn: at.Insn, scratch: str, indent: str) -> list[str]:
    """The arm instruction computing into `scratch` instead of its destination."""
    family, width = _dest(insn)
    name = at.name_of(scratch, width)
    ops = [*insn.operands[:-1], f"%{name}"]
    out = []
    three_operand = insn.base == "imul" and len(insn.operands) == 3
    if insn.base not in at.MOVE_LIKE and not three_operand:  # it reads its destination
        copy = "movq" if width == 64 else "movl"
        out.append(f"{indent}{copy}\t%{at.name_of(family, width)}, %{name}")
    out.append(f"{indent}{insn.mnemonic}\t{', '.join(ops)}")
    return out


def _rewrite(lines: list[str], site: _Site, scratch: list[str]):
    fn_flags_ok = _flags_ok(lines, site)
    if not fn_flags_ok:
        return None, None
    indent = "\t"
    family = _dest(site.a.first)[0]
    s1, s2 = scratch[0], scratch[1]
    d64 = at.name_of(family, 64)
    before = _into(site.a.first, s1, indent)
    if site.b is not None:
        before += _into(site.b.first, s2, indent)
        select = [
            f"{indent}cmov{site.cc}\t%{at.name_of(s2, 64)}, %{at.name_of(s1, 64)}",
            f"{indent}movq\t%{at.name_of(s1, 64)}, %{d64}",
        ]
    else:
        inverse = at.INVERSE_CC[site.cc]
        select = [f"{indent}cmov{inverse}\t%{at.name_of(s1, 64)}, %{d64}"]
    new: list[str] = []
    removed = _removable_b(lines, site)
    mapping: dict[int, int] = {}
    for i, line in enumerate(lines):
        if i in removed:
            continue
        if i == site.test.index:
            new.extend(before)
        if i == site.jump.index:
            mapping[i] = len(new)
            new.extend(select)
            continue
        if i == site.a.first.index:
            continue
        mapping[i] = len(new)
        new.append(line)

    def shift(hot: dict[int, float]) -> dict[int, float]:
        return {mapping[n - 1] + 1: p for n, p in hot.items() if n - 1 in mapping}

    return new, shift


def _flags_ok(lines, site: _Site) -> bool:
    """The flags after the arms are dead, or the arms leave them alone."""
    _, functions = at.functions(lines)
    fn = next(f for f in functions if f.start <= site.jump.index <= f.end)
    arms = [site.a.first] + ([site.b.first] if site.b else [])
    for arm in arms:
        if at.effects(arm).flags != "none" and not fn.flags_dead_after(arm.index):
            return False
    return True


def _removable_b(lines: list[str], site: _Site) -> set[int]:
    """Line indices of the B block when the branch was its only way in."""
    if site.b is None or at.label_refs(lines, site.target) != 1:
        return set()
    label_line = next(
        i for i in range(len(lines)) if at.strip_comment(lines[i]).strip() == f"{site.target}:"
    )
    start = label_line
    while (
        start > 0
        and lines[start - 1].strip().split(None, 1)[:1]
        and (lines[start - 1].strip().split(None, 1)[0] in _SKIPPABLE)
    ):
        start -= 1
    prev = start - 1
    while prev > 0 and not lines[prev].strip():
        prev -= 1
    insn = at.parse_insn(prev, lines[prev])
    if insn is None or at.effects(insn).kind not in ("jmp", "ret"):
        return set()
    return set(range(start, site.b.last_line + 1))
