"""An instruction-level view of GAS (AT&T) text for the built-in passes.

The passes must never change what a program does, so everything here is
conservative: an instruction whose effects are not in the table below is
"unknown" and counts as reading and writing every register, the flags and
memory; a function with an indirect jump, a line holding several statements, or
data sections inside its body is not analysable and the passes leave it alone.

What it offers: `parse_insn` (mnemonic, operands), register families
(`%eax` -> `rax`, 32 bits), `effects` (registers, flags and memory an
instruction reads and writes), `Function` views with basic blocks and
successors, and the two liveness questions the passes ask: are the flags dead
after this instruction, is this register dead after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from tools import asm as asmlib

# ------------------------------------------------------------------ registers

_GPR_NAMES = {
    "rax": ("rax", "eax", "ax", "al", "ah"),
    "rbx": ("rbx", "ebx", "bx", "bl", "bh"),
    "rcx": ("rcx", "ecx", "cx", "cl", "ch"),
    "rdx": ("rdx", "edx", "dx", "dl", "dh"),
    "rsi": ("rsi", "esi", "si", "sil"),
    "rdi": ("rdi", "edi", "di", "dil"),
    "rbp": ("rbp", "ebp", "bp", "bpl"),
    "rsp": ("rsp", "esp", "sp", "spl"),
    **{f"r{n}": (f"r{n}", f"r{n}d", f"r{n}w", f"r{n}b") for n in range(8, 16)},
}
_WIDTHS = (64, 32, 16, 8, 8)
REGISTERS: dict[str, tuple[str, int]] = {}
for _family, _names in _GPR_NAMES.items():
    for _name, _width in zip(_names, _WIDTHS, strict=False):
        REGISTERS[_name] = (_family, _width)
for _n in range(32):
    for _prefix in ("xmm", "ymm", "zmm"):
        REGISTERS[f"{_prefix}{_n}"] = (f"xmm{_n}", {"x": 128, "y": 256, "z": 512}[_prefix[0]])

GPRS = tuple(_GPR_NAMES)
CALLER_SAVED = frozenset({"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"})
CALLEE_SAVED = frozenset({"rbx", "rbp", "r12", "r13", "r14", "r15", "rsp"})
ARG_REGS = ("rdi", "rsi", "rdx", "rcx", "r8", "r9")
VECTOR = frozenset(f"xmm{n}" for n in range(32))
ALL = frozenset(GPRS) | VECTOR  # "every register"

_REG_TOKEN = re.compile(r"%([a-z][a-z0-9]*)")


def name_of(family: str, width: int) -> str:
    """`name_of("r9", 32)` -> "r9d"; `name_of("rax", 8)` -> "al"."""
    names = _GPR_NAMES[family]
    return names[_WIDTHS.index(width)]


def reg(operand: str) -> tuple[str, int] | None:
    """(family, width) when the operand is exactly one register, else None."""
    operand = operand.strip()
    if operand.startswith("%"):
        return REGISTERS.get(operand[1:])
    return None


def families(text: str) -> set[str]:
    """Every register family named anywhere in `text`."""
    found = set()
    for match in _REG_TOKEN.finditer(text):
        hit = REGISTERS.get(match.group(1))
        if hit:
            found.add(hit[0])
    return found


def mentions(lines: list[str], family: str) -> bool:
    return any(family in families(line) for line in lines)


# --------------------------------------------------------------- instructions


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREFIXES = frozenset(
    {"rep", "repe", "repz", "repne", "repnz", "lock", "notrack", "bnd", "data16", "addr32"}
)


@dataclass(frozen=True)
class Insn:
    """One plain instruction line: `prefix mnemonic op, op, ...`."""

    index: int  # 0-based line index in the listing
    text: str
    mnemonic: str  # lowercase, e.g. "movq"
    operands: tuple[str, ...]
    prefix: str = ""

    @property
    def base(self) -> str:
        return base_mnemonic(self.mnemonic)

    @property
    def dest(self) -> str | None:
        return self.operands[-1] if self.operands else None


def strip_comment(text: str) -> str:
    """The line without a trailing `#` comment (strings in instructions do not occur)."""
    return text.split("#", 1)[0].rstrip()


def split_operands(text: str) -> tuple[str, ...]:
    """Split on commas outside parentheses: `8(%rsp,%rax,4), %edx` -> two operands."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return tuple(parts)


_LABEL_START = re.compile(r"^[A-Za-z_.$][\w.$]*\s*:")
_SEGMENT = re.compile(r"%[cdefgs]s:")


def parse_insn(index: int, text: str) -> Insn | None:
    """The instruction on a line, or None when the line is not one plain instruction."""
    body = strip_comment(text).strip()
    if not body or body.startswith(".") or ";" in body or '"' in body or _LABEL_START.match(body):
        return None
    if ":" in _SEGMENT.sub("", body):
        return None
    parts = body.split(None, 1)
    prefix = ""
    if parts[0].lower() in _PREFIXES and len(parts) > 1:
        prefix = parts[0].lower()
        parts = parts[1].split(None, 1)
    mnemonic = parts[0].lower()
    if not re.fullmatch(r"[a-z][a-z0-9]*", mnemonic):
        return None
    operands = split_operands(parts[1]) if len(parts) > 1 else ()
    return Insn(index, text, mnemonic, operands, prefix)


_SUFFIXED_SET = words(
    "mov add sub and or xor cmp test inc dec neg not shl shr sar sal rol ror rcl rcr "
    "adc sbb imul mul div idiv lea push pop xchg xadd cmpxchg bt bts btr btc bsf bsr "
    "popcnt lzcnt tzcnt bswap andn bextr blsi blsr blsmsk bzhi shlx shrx sarx rorx "
    "pdep pext mulx movabs call ret jmp leave nop stos lods movs cmps scas"
)
_EXTEND = re.compile(r"^mov([sz])(b|w|l)(w|l|q)$|^mov([sz])x$")


def base_mnemonic(mnemonic: str) -> str:
    """`addq` -> `add`, `movzbl` -> `movzx`, `cmovne` -> `cmovne`, `jne` -> `jne`."""
    m = mnemonic.lower()
    if m in _SUFFIXED_SET:
        return m
    match = _EXTEND.match(m)
    if match:
        return "movsx" if (match.group(1) or match.group(4)) == "s" else "movzx"
    if m[-1:] in "bwlq" and m[:-1] in _SUFFIXED_SET:
        return m[:-1]
    return m


# Condition codes: canonical names and inverses (AT&T jcc/setcc/cmovcc suffixes).
_CC_ALIASES = {
    "z": "e",
    "nz": "ne",
    "nae": "b",
    "c": "b",
    "nb": "ae",
    "nc": "ae",
    "na": "be",
    "nbe": "a",
    "nge": "l",
    "nl": "ge",
    "ng": "le",
    "nle": "g",
    "pe": "p",
    "po": "np",
}
_CC = words("e ne b ae be a l ge le g s ns o no p np")
INVERSE_CC = {
    "e": "ne",
    "ne": "e",
    "b": "ae",
    "ae": "b",
    "be": "a",
    "a": "be",
    "l": "ge",
    "ge": "l",
    "le": "g",
    "g": "le",
    "s": "ns",
    "ns": "s",
    "o": "no",
    "no": "o",
    "p": "np",
    "np": "p",
}
# Which flags each condition reads.
CC_FLAGS = {
    "e": "Z",
    "ne": "Z",
    "b": "C",
    "ae": "C",
    "be": "CZ",
    "a": "CZ",
    "l": "SO",
    "ge": "SO",
    "le": "ZSO",
    "g": "ZSO",
    "s": "S",
    "ns": "S",
    "o": "O",
    "no": "O",
    "p": "P",
    "np": "P",
}


def condition(mnemonic: str, prefix: str) -> str | None:
    """The canonical condition of `jne`/`setg`/`cmovl`-style mnemonics (with prefix j/set/cmov)."""
    if not mnemonic.startswith(prefix):
        return None
    cc = mnemonic[len(prefix) :]
    if prefix == "cmov" and cc[-1:] in "wlq" and cc[:-1] in (_CC | set(_CC_ALIASES)):
        cc = cc[:-1]  # cmovnel / cmovneq
    cc = _CC_ALIASES.get(cc, cc)
    return cc if cc in _CC else None


def is_jcc(insn: Insn) -> bool:
    return condition(insn.mnemonic, "j") is not None and len(insn.operands) == 1


_PLT = re.compile(r"[A-Za-z_.$][\w.$]*@PLT")


def is_label_operand(operand: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_.$][\w.$]*", operand))


# --------------------------------------------------------------------- effects


@dataclass(frozen=True)
class Effects:
    """What one instruction touches. `flags`: "none", "read", "write" (all six
    status flags defined or undefined afterwards, none read) or "rw" (read, or
    only partly written, which keeps old bits live)."""

    reads: frozenset[str]
    writes: frozenset[str]
    flags: str
    mem_read: bool = False
    mem_write: bool = False
    kind: str = "plain"  # plain | jcc | jmp | ijmp | call | icall | ret | stop | unknown
    faults: bool = True  # may trap (memory access, division); False only when known safe


UNKNOWN = Effects(ALL, ALL, "rw", True, True, "unknown")

# Writers: the destination is written and not read (except partial 8/16-bit writes).
MOVE_LIKE = words(
    "mov movabs movzx movsx lea popcnt lzcnt tzcnt andn bextr blsi blsr blsmsk bzhi "
    "shlx shrx sarx rorx pdep pext"
)
# Read-modify-write: the destination is read and written.
_RMW = words(
    "add sub and or xor adc sbb inc dec neg not shl shr sar sal rol ror rcl rcr bswap bts btr btc"
)
_READ_ONLY = frozenset({"cmp", "test", "bt"})
# Flags: "write" kills all six status flags; "rw" reads some or keeps some.
_FLAGS_WRITE = words(
    "add sub and or xor cmp test neg imul popcnt lzcnt tzcnt bsf bsr andn bextr blsi "
    "blsr blsmsk bzhi"
)
_FLAGS_RW = words("adc sbb inc dec rol ror rcl rcr bt bts btr btc")
_FLAGS_NONE = words("mov movabs movzx movsx lea not bswap shlx shrx sarx rorx pdep pext")


def is_memory(operand: str) -> bool:
    """A memory operand: anything but an immediate or a plain register
    (`%fs:40` is memory)."""
    op = operand.strip()
    return not (op.startswith("$") or re.fullmatch(r"%[a-z][a-z0-9]*", op))


def _regs(operands) -> frozenset[str]:
    found: set[str] = set()
    for op in operands:
        found |= families(op)
    return frozenset(found)


def immediate(operand: str) -> int | None:
    try:
        return int(operand.strip().lstrip("$"), 0)
    except ValueError:
        return None


def _shift_flags(ops: tuple[str, ...]) -> str:
    """Shifts by an immediate other than 0 (or the implicit 1) write the flags; a
    count in %cl may be 0, which leaves them alone."""
    if len(ops) == 1:
        return "write"
    count = immediate(ops[0]) if ops[0].startswith("$") else None
    return "write" if count not in (None, 0) else "rw"


def _control(insn: Insn) -> Effects | None:
    base, ops = insn.base, insn.operands
    if base in ("nop", "endbr64", "endbr32"):
        return Effects(frozenset(), frozenset(), "none", faults=False)
    if base in ("vzeroupper", "vzeroall") and not ops:
        return Effects(VECTOR, VECTOR, "none", faults=False)  # vector registers only
    if base in ("ud2", "hlt"):
        return Effects(frozenset(), frozenset(), "none", kind="stop")
    if base == "ret":
        reads = frozenset({"rax", "rdx", "xmm0", "xmm1"}) | CALLEE_SAVED
        return Effects(reads, frozenset({"rsp"}), "none", True, False, "ret")
    if base == "call":
        if len(ops) != 1:
            return UNKNOWN
        reads = frozenset({*ARG_REGS, "rax", "rsp"}) | VECTOR | _regs(ops)
        kind = "icall" if ops[0].startswith("*") else "call"
        return Effects(reads, CALLER_SAVED | VECTOR, "write", True, True, kind)
    if base == "jmp":
        # A label here, or a tail call (`jmp putchar@PLT`, what -O2 makes of a last
        # call): the CFG sends a target outside the function to its exit.
        if len(ops) == 1 and (is_label_operand(ops[0]) or _PLT.fullmatch(ops[0])):
            return Effects(frozenset(), frozenset(), "none", kind="jmp", faults=False)
        if len(ops) == 1 and ops[0].startswith("*"):
            # where it goes is the CFG's business (jump tables); what it reads is its operand
            return Effects(_regs(ops), frozenset(), "none", is_memory(ops[0][1:]), False, "ijmp")
        return UNKNOWN
    if is_jcc(insn):
        return Effects(frozenset(), frozenset(), "read", kind="jcc", faults=False)
    if base.startswith("j") or base.startswith("loop"):
        return UNKNOWN  # jrcxz, loop and anything odd
    return None


def _implicit(insn: Insn) -> Effects | None:
    base, ops = insn.base, insn.operands
    mem = any(is_memory(op) for op in ops)
    regs = _regs(ops)
    if base in ("cltq", "cwtl", "cbtw") and not ops:
        return Effects(frozenset({"rax"}), frozenset({"rax"}), "none", faults=False)
    if base in ("cltd", "cqto", "cwtd") and not ops:
        return Effects(frozenset({"rax"}), frozenset({"rdx"}), "none", faults=False)
    if base == "leave" and not ops:
        return Effects(frozenset({"rbp"}), frozenset({"rsp", "rbp"}), "none", True, False)
    if base == "push" and len(ops) == 1:
        return Effects(regs | {"rsp"}, frozenset({"rsp"}), "none", mem, True)
    if base == "pop" and len(ops) == 1:
        dest = reg(ops[0])
        writes = frozenset({dest[0], "rsp"}) if dest else frozenset({"rsp"})
        return Effects((regs - writes) | {"rsp"}, writes, "none", True, mem)
    if base in ("div", "idiv") and len(ops) == 1:
        return Effects(regs | {"rax", "rdx"}, frozenset({"rax", "rdx"}), "write", mem, False)
    if (base == "mul" or base == "imul") and len(ops) == 1:
        return Effects(regs | {"rax"}, frozenset({"rax", "rdx"}), "write", mem, False, faults=mem)
    return None


_VECTOR_REG = re.compile(r"%[xyz]mm\d")
_VECTOR_IMPLICIT = re.compile(
    r"^v?(?:pcmp[ei]str[im]|maskmovdqu|p?gather|p?scatter|ldmxcsr|stmxcsr"
    r"|xsave|xrstor|pmaskmov|maskmov)"
)
_VECTOR_FLAGS = re.compile(r"^v?(?:u?comis[sd]|ptest|testp[sd])")


def _vector(insn: Insn) -> Effects | None:
    """SSE/AVX instructions (an operand is an xmm/ymm/zmm register): they write
    their last operand and nothing else, except the listed ones with implicit
    operands; every register named is counted as read (FMA and merge-masking
    read their destination too)."""
    ops = insn.operands
    if not ops or not any(_VECTOR_REG.search(op) for op in ops):
        return None
    if _VECTOR_IMPLICIT.match(insn.mnemonic):
        return UNKNOWN
    dest = ops[-1].split("{", 1)[0]
    dreg = reg(dest)
    mem = [op for op in ops if is_memory(op.split("{", 1)[0])]
    dest_mem = dreg is None and is_memory(dest)
    flags = "write" if _VECTOR_FLAGS.match(insn.mnemonic) else "none"
    if flags == "write":
        return Effects(_regs(ops), frozenset(), flags, bool(mem), False, faults=bool(mem))
    writes = frozenset({dreg[0]}) if dreg else frozenset()
    return Effects(
        _regs(ops),
        writes,
        flags,
        bool(mem) and not (dest_mem and len(mem) == 1),
        dest_mem,
        faults=bool(mem),
    )


def effects(insn: Insn) -> Effects:
    """Conservative effects of one instruction (UNKNOWN when not in the table)."""
    if insn.prefix and insn.prefix not in ("notrack", "bnd"):
        return UNKNOWN  # rep/lock forms: string operations, atomics
    fixed = _control(insn) or _implicit(insn)
    if fixed is not None:
        return fixed
    if insn.base not in MOVE_LIKE and (vector := _vector(insn)) is not None:
        return vector
    base, ops = insn.base, insn.operands
    if not ops:
        return UNKNOWN
    set_cc = condition(insn.mnemonic, "set")
    cmov_cc = condition(insn.mnemonic, "cmov")
    three_op_imul = base == "imul" and len(ops) == 3
    dest = ops[-1]
    dreg = reg(dest)
    dest_fam = frozenset({dreg[0]}) if dreg else frozenset()
    dest_mem = is_memory(dest) and base != "lea"
    src_mem = any(is_memory(op) for op in ops[:-1]) and base != "lea"
    address = families(dest) if dest_mem else frozenset()
    sources = _regs(ops[:-1]) | address
    partial = dreg is not None and dreg[1] < 32  # 8/16-bit writes keep the other bits
    if base in MOVE_LIKE or set_cc or cmov_cc or three_op_imul or base in ("bsf", "bsr"):
        reads = sources | (dest_fam if partial or cmov_cc or base in ("bsf", "bsr") else set())
        if set_cc or cmov_cc:
            flags = "read"
        elif base in _FLAGS_NONE:
            flags = "none"
        else:
            flags = "write"
        return Effects(
            frozenset(reads), dest_fam, flags, src_mem, dest_mem, faults=src_mem or dest_mem
        )
    if base in _RMW or (base == "imul" and len(ops) == 2):
        reads = sources | dest_fam
        if base in ("xor", "sub") and len(ops) == 2 and ops[0] == ops[1]:
            reads = frozenset()  # xor %eax, %eax: a zeroing idiom
        if base in ("shl", "shr", "sar", "sal"):
            flags = _shift_flags(ops)
        elif base in _FLAGS_RW:
            flags = "rw"
        elif base in _FLAGS_NONE:
            flags = "none"
        else:
            flags = "write"
        return Effects(
            frozenset(reads),
            dest_fam,
            flags,
            src_mem or dest_mem,
            dest_mem,
            faults=src_mem or dest_mem,
        )
    if base in _READ_ONLY:
        flags = "rw" if base == "bt" else "write"
        reads = _regs(ops)
        return Effects(
            reads, frozenset(), flags, src_mem or dest_mem, False, faults=src_mem or dest_mem
        )
    return UNKNOWN


# --------------------------------------------------------------------- functions

_DATA_DIRECTIVES = words(
    ".popsection .bss .long .quad .byte .word .short .string .ascii .asciz .zero .skip .fill "
    ".org .set .equ = .macro .rept .irp .if .incbin"
)


_LABEL_TOKEN = r"(?<![\w.$]){}(?![\w.$])"


def label_refs(lines: list[str], name: str) -> int:
    """How many times `name` is used (not defined) anywhere in the text."""
    pattern = re.compile(_LABEL_TOKEN.format(re.escape(name)))
    count = 0
    for line in lines:
        body = strip_comment(line)
        stripped = body.strip()
        if stripped == f"{name}:":
            continue
        count += len(pattern.findall(body))
    return count


@dataclass
class Block:
    start: int  # line index of the first line (a label or an instruction)
    insns: list[Insn] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    succ: list[int] = field(default_factory=list)  # block numbers; -1: leaves the function
    unknown_exit: bool = False  # an indirect jump or unknown control flow


class Function:
    """One function of a listing: its lines, instructions, blocks and successors."""

    def __init__(self, lines: list[str], name: str, start: int, end: int, kinds: list[str]):
        self.lines = lines
        self.name = name
        self.start = start  # 0-based index of the function's label line
        self.end = end  # 0-based index of its last line (.size or last instruction)
        self.kinds = kinds
        self.reason = ""
        self.insns: dict[int, Insn] = {}
        self.labels: dict[str, int] = {}
        self.tables: dict[str, list[str]] = {}  # switch jump tables: label -> targets
        self.data_lines: set[int] = set()  # the tables' lines
        self._build()

    # -- construction ---------------------------------------------------------

    def _build(self) -> None:
        i = self.start
        while i <= self.end:
            kind = self.kinds[i]
            text = self.lines[i]
            if kind == "label":
                name = strip_comment(text).strip()
                if not name.endswith(":") or " " in name:
                    self.reason = f"line {i + 1}: a label shares its line with code"
                    return
                self.labels[name[:-1]] = i
            elif kind == "instruction":
                insn = parse_insn(i, text)
                if insn is None:
                    self.reason = f"line {i + 1}: not a plain instruction"
                    return
                if effects(insn).kind == "unknown" and insn.base.startswith(
                    ("j", "loop", "xbegin")
                ):
                    self.reason = f"line {i + 1}: control flow the passes do not model"
                    return
                self.insns[i] = insn
            elif kind == "directive" and i != self.start:
                word = strip_comment(text).split(None, 1)[0] if text.strip() else ""
                if word in (".section", ".pushsection", ".previous", ".text", ".data"):
                    skip = self._jump_table(i)
                    if skip is None:
                        self.reason = f"line {i + 1}: data or section change inside the function"
                        return
                    self.data_lines.update(range(i, skip + 1))
                    i = skip
                elif word in _DATA_DIRECTIVES:
                    self.reason = f"line {i + 1}: data inside the function"
                    return
            i += 1

    def _jump_table(self, i: int) -> int | None:
        """gcc's switch table: `.section .rodata`, `.align`, `.Lk:`, `.long .Lx-.Lk`...,
        back to `.text`. Records it and returns the index of the closing line."""
        if not re.match(r"^\s*\.section\s+\.rodata\b", self.lines[i]):
            return None
        name, targets = None, []
        j = i + 1
        while j <= self.end:
            body = strip_comment(self.lines[j]).strip()
            if not body or body.split(None, 1)[0] in (".align", ".p2align", ".balign"):
                j += 1
                continue
            if name is None and (match := re.fullmatch(r"([\w.$]+):", body)):
                name = match.group(1)
            elif name is not None and (
                match := re.fullmatch(rf"\.long\s+([\w.$]+)-{re.escape(name)}", body)
            ):
                targets.append(match.group(1))
            elif (
                name is not None
                and targets
                and (
                    body == ".text" or body == ".previous" or re.match(r"^\.section\s+\.text", body)
                )
            ):
                self.tables[name] = targets
                return j
            else:
                return None
            j += 1
        return None

    @property
    def analysable(self) -> bool:
        return not self.reason and bool(self.insns)

    def text_lines(self) -> list[str]:
        return self.lines[self.start : self.end + 1]

    # -- control flow ---------------------------------------------------------

    @cached_property
    def blocks(self) -> list[Block]:
        blocks: list[Block] = []
        current: Block | None = None
        for i in range(self.start + 1, self.end + 1):
            kind = self.kinds[i]
            if i in self.data_lines:
                continue
            if kind == "label":
                name = strip_comment(self.lines[i]).strip()[:-1]
                if current is None or current.insns:
                    current = Block(i)
                    blocks.append(current)
                current.labels.append(name)
            elif i in self.insns:
                if current is None:
                    current = Block(i)
                    blocks.append(current)
                insn = self.insns[i]
                current.insns.append(insn)
                if effects(insn).kind in ("jcc", "jmp", "ijmp", "ret", "stop"):
                    current = None
        by_label = {name: n for n, b in enumerate(blocks) for name in b.labels}
        for n, block in enumerate(blocks):
            last = block.insns[-1] if block.insns else None
            kind = effects(last).kind if last else "plain"
            if kind in ("jcc", "jmp"):
                target = last.operands[0]
                block.succ.append(by_label.get(target, -1))
            if kind == "ijmp":
                targets = self._table_targets(block)
                if targets is None or any(t not in by_label for t in targets):
                    block.unknown_exit = True
                else:
                    block.succ.extend(dict.fromkeys(by_label[t] for t in targets))
                continue
            if kind in ("ret", "stop", "jmp", "ijmp"):
                continue
            block.succ.append(n + 1 if n + 1 < len(blocks) else -1)
        return blocks

    def _table_targets(self, block: Block) -> list[str] | None:
        """The targets of a block's `jmp *%reg` when it dispatches through a jump
        table whose address the block loads (`leaq .Lk(%rip), %reg`)."""
        for insn in reversed(block.insns[:-1]):
            if insn.mnemonic == "leaq" and len(insn.operands) == 2:
                match = re.fullmatch(r"([\w.$]+)\(%rip\)", insn.operands[0])
                if match and match.group(1) in self.tables:
                    return self.tables[match.group(1)]
        # The table's address is often loaded once, outside a loop: with one table
        # and one indirect jump in the function, that jump is the switch's dispatch.
        indirect = [i for i in self.insns.values() if i.base == "jmp" and i.operands[0][:1] == "*"]
        if len(self.tables) == 1 and len(indirect) == 1:
            return next(iter(self.tables.values()))
        return None

    def block_of(self, index: int) -> tuple[int, int]:
        """(block number, position in its insns) of the instruction at line `index`."""
        for n, block in enumerate(self.blocks):
            for k, insn in enumerate(block.insns):
                if insn.index == index:
                    return n, k
        raise KeyError(index)

    @cached_property
    def has_unknown_flow(self) -> bool:
        return any(b.unknown_exit for b in self.blocks)

    def forward(self, index: int, visit) -> bool:
        """Walk every path forward from just after line `index`. `visit(insn)` returns
        "dead" (this path is settled), "live" (stop: the answer is live) or None
        (keep going). At a function exit `visit(None)` is asked. True when no path
        reached "live"."""
        if self.has_unknown_flow:
            return False
        n, k = self.block_of(index)
        seen: set[int] = set()
        stack: list[tuple[int, int]] = [(n, k + 1)]
        while stack:
            n, k = stack.pop()
            if n == -1:
                if visit(None) != "dead":
                    return False
                continue
            block = self.blocks[n]
            settled = False
            for insn in block.insns[k:]:
                verdict = visit(insn)
                if verdict == "live":
                    return False
                if verdict == "dead":
                    settled = True
                    break
            if settled:
                continue
            for s in block.succ:
                if s == -1:
                    stack.append((-1, 0))
                elif s not in seen:
                    seen.add(s)
                    stack.append((s, 0))
        return True

    def flags_dead_after(self, index: int) -> bool:
        """No path from after line `index` reads the flags before writing all of them."""

        def visit(insn: Insn | None) -> str | None:
            if insn is None:
                return "dead"  # function exit: flags never survive a return or tail call
            eff = effects(insn)
            if eff.kind in ("call", "icall"):
                return "dead"
            if eff.flags in ("read", "rw"):
                return "live"
            if eff.flags == "write":
                return "dead"
            if eff.kind == "unknown":
                return "live"
            return None

        return self.forward(index, visit)

    def reg_dead_after(self, index: int, family: str) -> bool:
        """No path from after line `index` reads `family` before fully overwriting it."""

        def visit(insn: Insn | None) -> str | None:
            if insn is None:
                return "live"  # a tail call or a jump out of the function
            eff = effects(insn)
            if family in eff.reads:
                return "live"
            if eff.kind in ("call", "icall"):
                return "dead" if family in CALLER_SAVED or family in VECTOR else None
            if eff.kind == "ret":
                return "live" if family in eff.reads else "dead"
            if family in eff.writes:
                dest = reg(insn.dest or "")
                full = dest is not None and dest[0] == family and dest[1] >= 32
                return "dead" if full or eff.kind == "call" else None
            if eff.kind == "unknown":
                return "live"
            return None

        return self.forward(index, visit)


def functions(text_or_lines) -> tuple[list[str], list[Function]]:
    """The listing's lines and a view of each of its functions."""
    text = text_or_lines if isinstance(text_or_lines, str) else "\n".join(text_or_lines) + "\n"
    listing = asmlib.parse(text)
    lines = [line.text for line in listing.lines]
    kinds = [line.kind for line in listing.lines]
    # tree-sitter calls `call foo@PLT` lines unparsed but they are instructions all the same
    views = [Function(lines, f.name, f.start - 1, f.end - 1, kinds) for f in listing.functions]
    return lines, views


def join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def defined_symbols(lines: list[str]) -> set[str]:
    """Every label defined in the text (functions, local labels, data)."""
    found = set()
    for line in lines:
        body = strip_comment(line).strip()
        match = re.match(r"^([A-Za-z_.$][\w.$]*)\s*:", body)
        if match:
            found.add(match.group(1))
        match = re.match(r"^\.(?:comm|lcomm)\s+([A-Za-z_.$][\w.$]*)", body)
        if match:
            found.add(match.group(1))
    return found
