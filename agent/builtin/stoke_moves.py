"""The moves of the STOKE-style search (`agent.builtin.stoke`), on one instruction
list at a time, and which of them are sound by construction.

A move that is sound keeps what the program does whatever its input: the
search may take it without running the tests (they still run before anything
is returned). The others are guesses the tests judge:

1. swap two adjacent instructions: only ever proposed when they are
   independent (no register, flag or memory dependence either way; neither is
   a jump, call or unknown instruction), so always sound;
2. delete an instruction: sound when it writes no memory and nothing it
   writes (registers, flags) is live afterwards;
3. rewrite an instruction into an equivalent one from its class: `imul` by a
   constant into `lea`/`shl`/`add`, `lea` into `add`/`shl` and back, `cmp $0`
   into `test`, `mov $0` into `xor`, `movslq %eax, %rax` into `cltq`, ...;
   sound when the flags the two forms set differently are dead afterwards;
   a few STOKE-style guesses ride along (`movslq` into a zero-extending `movl`);
4. swap an opcode for another of its class with the same operands (`add` for
   `sub`, `shr` for `sar`, `movzbl` for `movsbl`, one `cmov` condition for
   another): a guess;
5. change an operand: a register for another of the same width used in the
   loop, an immediate for another from the loop or a neighbour of it, a
   register inside an address for another: a guess.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from agent.builtin import asmtext as at
from agent.builtin.loops import FLAGS

SUFFIX = {64: "q", 32: "l", 16: "w", 8: "b"}
_MEM = re.compile(r"^(-?(?:0x[0-9a-fA-F]+|\d+))?\((%\w+)?(?:,(%\w+)(?:,([1248]))?)?\)$")
_NUMBER = re.compile(r"^\$-?(?:0x[0-9a-fA-F]+|\d+)$")
_CLASSES = (
    ("add", "sub", "and", "or", "xor"),
    ("shl", "shr", "sar", "rol", "ror"),
    ("inc", "dec", "neg", "not"),
)
_EXTEND_PAIRS = {"movz": "movs", "movs": "movz"}
_CONDITIONS = ("e", "ne", "b", "ae", "be", "a", "l", "ge", "le", "g", "s", "ns")


@dataclass(frozen=True)
class Alternative:
    """A replacement for one instruction; `sound`: "always", "flags-dead" (sound
    when the flags are dead after it) or "never" (a guess)."""

    lines: tuple[str, ...]
    sound: str
    what: str


def text(mnemonic: str, *operands: str) -> str:
    """An instruction line as the search writes it."""
    return f"\t{mnemonic}\t{', '.join(operands)}" if operands else f"\t{mnemonic}"


def _gpr(operand: str, widths=(32, 64)) -> tuple[str, int] | None:
    found = at.reg(operand)
    if found and found[0] in at.GPRS and found[1] in widths:
        return found
    return None


def _r(family: str, width: int) -> str:
    return "%" + at.name_of(family, width)


def _suffix(insn: at.Insn) -> str | None:
    """The size suffix of a suffixed mnemonic (`addl` -> "l"), "" when unsuffixed."""
    if insn.mnemonic == insn.base:
        return ""
    tail = insn.mnemonic[len(insn.base) :]
    return tail if insn.mnemonic.startswith(insn.base) and tail in ("b", "w", "l", "q") else None


# ----------------------------------------------------------------- rewrites


def _times(src: str, dst: str, width: int, factor: int) -> list[str] | None:
    """dst = src * factor with lea/shl/add/sub (flags aside), or None."""
    if factor < 2:
        return None
    s64, d, q = _r(src, 64), _r(dst, width), SUFFIX[width]
    shift = (factor & -factor).bit_length() - 1
    odd = factor >> shift
    seq: list[str] = []
    if odd == 1:
        if src != dst:
            seq.append(text(f"mov{q}", _r(src, width), d))
    elif odd in (3, 5, 9):
        seq.append(text(f"lea{q}", f"({s64},{s64},{odd - 1})", d))
    elif src != dst and (odd - 1) & (odd - 2) == 0:  # 2^k + 1, k >= 4
        k = (odd - 1).bit_length() - 1
        return [
            text(f"mov{q}", _r(src, width), d),
            text(f"sal{q}", f"${k}", d),
            text(f"add{q}", _r(src, width), d),
            *([text(f"sal{q}", f"${shift}", d)] if shift else []),
        ]
    elif src != dst and (odd + 1) & odd == 0:  # 2^k - 1
        k = (odd + 1).bit_length() - 1
        return [
            text(f"mov{q}", _r(src, width), d),
            text(f"sal{q}", f"${k}", d),
            text(f"sub{q}", _r(src, width), d),
            *([text(f"sal{q}", f"${shift}", d)] if shift else []),
        ]
    else:
        return None
    if shift == 1 and (odd != 1 or src == dst):
        seq.append(text(f"add{q}", d, d))
    elif shift:
        seq.append(text(f"sal{q}", f"${shift}", d))
    return seq


def _imul(insn: at.Insn) -> list[Alternative]:
    ops = insn.operands
    if insn.base != "imul" or not ops or not _NUMBER.match(ops[0]):
        return []
    if len(ops) == 3:
        src, dst = _gpr(ops[1]), _gpr(ops[2])
    elif len(ops) == 2:
        src = dst = _gpr(ops[1])
    else:
        return []
    if not src or not dst or src[1] != dst[1]:
        return []
    factor = at.immediate(ops[0])
    seq = _times(src[0], dst[0], dst[1], factor) if factor is not None else None
    if not seq:
        return []
    return [Alternative(tuple(seq), "flags-dead", f"imul by {factor}")]


def _lea(insn: at.Insn) -> list[Alternative]:
    ops = insn.operands
    if insn.base != "lea" or len(ops) != 2:
        return []
    dst = _gpr(ops[1])
    match = _MEM.match(ops[0].replace(" ", ""))
    if not dst or not match:
        return []
    fam, width = dst
    q, d = SUFFIX[width], ops[1]
    disp = int(match.group(1), 0) if match.group(1) else 0
    base = at.reg(match.group(2)) if match.group(2) else None
    index = at.reg(match.group(3)) if match.group(3) else None
    scale = int(match.group(4) or 1)
    if (base and base[1] != 64) or (index and index[1] != 64):
        return []
    b, i = (base[0] if base else None), (index[0] if index else None)
    found: list[Alternative] = []

    def add(*lines: str, what: str) -> None:
        found.append(Alternative(tuple(lines), "flags-dead", what))

    if b == fam and i is None and disp:
        add(text(f"add{q}", f"${disp}", d), what="lea as add")
    if disp == 0 and scale == 1 and b and i:
        other = i if b == fam else b if i == fam else None
        if other is not None:
            add(text(f"add{q}", _r(other, width), d), what="lea as add")
    if b is None and i == fam and disp == 0 and scale > 1:
        add(text(f"sal{q}", f"${scale.bit_length() - 1}", d), what="lea as shl")
    if b and i and disp:  # a three-part lea is slow on some cores: split it
        add(
            text(f"lea{q}", f"({match.group(2)},{match.group(3)},{scale})", d),
            text(f"add{q}", f"${disp}", d),
            what="split lea",
        )
    return found


def _add_like(insn: at.Insn) -> list[Alternative]:
    ops = insn.operands
    if len(ops) != 2 or insn.base not in ("add", "sub", "sal", "shl"):
        return []
    dst = _gpr(ops[1])
    if not dst:
        return []
    fam, width = dst
    q, d, d64 = SUFFIX[width], ops[1], _r(fam, 64)
    value = at.immediate(ops[0]) if _NUMBER.match(ops[0]) else None
    src = _gpr(ops[0])
    found: list[Alternative] = []
    if insn.base in ("sal", "shl") and value in (1, 2, 3):
        found.append(
            Alternative(
                (text(f"lea{q}", f"0(,{d64},{1 << value})", d),), "flags-dead", "shl as lea"
            )
        )
    if insn.base == "add" and value is not None:
        found.append(
            Alternative((text(f"lea{q}", f"{value}({d64})", d),), "flags-dead", "add as lea")
        )
    if insn.base == "sub" and value is not None:
        found.append(
            Alternative((text(f"lea{q}", f"{-value}({d64})", d),), "flags-dead", "sub as lea")
        )
    if insn.base == "add" and src and src[1] == width:
        found.append(
            Alternative(
                (text(f"lea{q}", f"({d64},{_r(src[0], 64)})", d),), "flags-dead", "add as lea"
            )
        )
    if insn.base == "add" and value in (1, -1):
        found.append(
            Alternative(
                (text(f"{'inc' if value == 1 else 'dec'}{q}", d),), "flags-dead", "add as inc"
            )
        )
    return found


def _small(insn: at.Insn) -> list[Alternative]:
    """cmp $0 / test, mov $0 / xor, cltq / movslq, zero extension / and."""
    ops, base = insn.operands, insn.base
    found: list[Alternative] = []
    if base == "cmp" and len(ops) == 2 and at.immediate(ops[0]) == 0 and ops[0].startswith("$"):
        target = _gpr(ops[1], (8, 16, 32, 64))
        if target:
            mnemonic = f"test{SUFFIX[target[1]]}"
            found.append(Alternative((text(mnemonic, ops[1], ops[1]),), "always", "cmp $0 as test"))
    if (
        base == "test"
        and len(ops) == 2
        and ops[0] == ops[1]
        and (target := _gpr(ops[1], (8, 16, 32, 64)))
    ):
        found.append(
            Alternative(
                (text(f"cmp{SUFFIX[target[1]]}", "$0", ops[1]),), "always", "test as cmp $0"
            )
        )
    if base == "mov" and len(ops) == 2 and ops[0] == "$0" and (target := _gpr(ops[1])):
        r32 = _r(target[0], 32)
        found.append(Alternative((text("xorl", r32, r32),), "flags-dead", "mov $0 as xor"))
    if base == "xor" and len(ops) == 2 and ops[0] == ops[1] and (target := _gpr(ops[1])):
        found.append(
            Alternative((text("movl", "$0", _r(target[0], 32)),), "flags-dead", "xor as mov $0")
        )
    if insn.mnemonic in ("movslq", "movsx", "movsxd") and len(ops) == 2:
        src, dst = _gpr(ops[0], (32,)), _gpr(ops[1], (64,))
        if src and dst and src[0] == dst[0] == "rax":
            found.append(Alternative((text("cltq"),), "always", "movslq as cltq"))
        if src and dst:  # zero- instead of sign-extension: right for values >= 0
            found.append(
                Alternative((text("movl", ops[0], _r(dst[0], 32)),), "never", "movslq as movl")
            )
    if insn.mnemonic == "cltq" and not ops:
        found.append(Alternative((text("movslq", "%eax", "%rax"),), "always", "cltq as movslq"))
    if insn.mnemonic in ("movzbl", "movzwl") and len(ops) == 2:
        src, dst = at.reg(ops[0]), _gpr(ops[1], (32,))
        if src and dst and src[0] == dst[0]:
            mask = "$255" if insn.mnemonic == "movzbl" else "$65535"
            found.append(Alternative((text("andl", mask, ops[1]),), "flags-dead", "movz as and"))
    return found


def alternatives(insn: at.Insn) -> list[Alternative]:
    """Every rewrite of the catalogue that applies to `insn`."""
    if insn.prefix:
        return []
    return [*_imul(insn), *_lea(insn), *_add_like(insn), *_small(insn)]


def opcode_swaps(insn: at.Insn) -> list[str]:
    """Same operands, another opcode of its class (guesses)."""
    if insn.prefix:
        return []
    ops = insn.operands
    suffix = _suffix(insn)
    found: list[str] = []
    if suffix is not None:
        for group in _CLASSES:
            if insn.base in group:
                found += [text(other + suffix, *ops) for other in group if other != insn.base]
    m = insn.mnemonic
    if m[:4] in _EXTEND_PAIRS and m[4:5] in ("b", "w") and len(m) == 6:
        found.append(text(_EXTEND_PAIRS[m[:4]] + m[4:], *ops))
    for prefix in ("cmov", "set"):
        cc = at.condition(m, prefix)
        if cc is None:
            continue
        width = ""
        if prefix == "cmov" and m[-1] in "wlq" and at.condition(m[:-1], "cmov") is not None:
            width = m[-1]
        found += [text(f"{prefix}{c}{width}", *ops) for c in _CONDITIONS if c != cc]
    return found


# ------------------------------------------------------------------ analysis


def independent(a: at.Insn, b: at.Insn, flags_live: bool = True) -> bool:
    """Whether `a; b` may run as `b; a`: no register, flag or memory dependence
    either way, and both plain instructions (no jump, call or unknown one).
    Two instructions that only write the flags may trade places when the
    flags are dead after them (`flags_live` False)."""
    ea, eb = at.effects(a), at.effects(b)
    if ea.kind != "plain" or eb.kind != "plain" or a.prefix or b.prefix:
        return False
    if ea.writes & (eb.reads | eb.writes) or eb.writes & ea.reads:
        return False
    if ea.flags != "none" and eb.flags != "none":
        both_read = ea.flags == eb.flags == "read"
        both_write = ea.flags == eb.flags == "write"
        if not (both_read or (both_write and not flags_live)):
            return False
    return not ((ea.mem_write and (eb.mem_read or eb.mem_write)) or (eb.mem_write and ea.mem_read))


def dead(insn: at.Insn, live_after: frozenset[str]) -> bool:
    """Deleting `insn` changes nothing: it writes no memory, and nothing it
    writes (registers, flags) is live after it."""
    eff = at.effects(insn)
    if eff.kind != "plain" or eff.mem_write or insn.prefix:
        return False
    writes = set(eff.writes)
    if eff.flags in ("write", "rw"):
        writes.add(FLAGS)
    return not (writes & live_after)


# ---------------------------------------------------------------- operands


@dataclass(frozen=True)
class Pools:
    """What operand changes draw from: the loop's own registers and immediates."""

    gprs: tuple[str, ...]
    vectors: tuple[str, ...]
    immediates: tuple[int, ...]

    @classmethod
    def of(cls, insns: list[at.Insn]) -> Pools:
        gprs: set[str] = set()
        vectors: set[str] = set()
        immediates: set[int] = set()
        for insn in insns:
            for op in insn.operands:
                for fam in at.families(op):
                    (vectors if fam in at.VECTOR else gprs).add(fam)
                if _NUMBER.match(op):
                    immediates.add(at.immediate(op))
        gprs.discard("rsp")
        return cls(tuple(sorted(gprs)), tuple(sorted(vectors)), tuple(sorted(immediates)))


def operand_change(insn: at.Insn, rng: random.Random, pools: Pools) -> str | None:
    """The instruction with one operand changed (a guess), or None."""
    if not insn.operands or insn.prefix or at.effects(insn).kind != "plain":
        return None
    k = rng.randrange(len(insn.operands))
    op = insn.operands[k]
    new = None
    if (found := at.reg(op)) is not None:
        fam, width = found
        if fam in at.VECTOR:
            others = [v for v in pools.vectors if v != fam]
            if others:
                new = "%" + op[1:4] + rng.choice(others)[3:]
        elif fam in at.GPRS and fam != "rsp":
            others = [g for g in pools.gprs if g != fam]
            if others and not (width == 8 and op[1:] in ("ah", "bh", "ch", "dh")):
                new = _r(rng.choice(others), width)
    elif _NUMBER.match(op):
        value = at.immediate(op)
        choices = sorted({*pools.immediates, value - 1, value + 1, 0, 1, 2 * value} - {value})
        new = f"${rng.choice(choices)}"
    elif "(" in op:
        inside = sorted(at.families(op) - {"rip"})
        others = [g for g in pools.gprs if g not in inside]
        if inside and others:
            old = rng.choice(inside)
            new = re.sub(rf"%{old}\b", _r(rng.choice(others), 64), op)
    if new is None or new == op:
        return None
    ops = list(insn.operands)
    ops[k] = new
    return text(insn.mnemonic, *ops)
