"""Per-function mixing of compiler outputs: splice functions from a donor `.s` into a base `.s`.

The same C file compiled under different compilers or flags gives listings
whose functions are fast in different places; `splice(base, donor, names)`
replaces each named function of the base by the donor's code, giving one text
that assembles and links with `gcc x.s -o x -lm` and behaves like the program.

Why this is sound (each rule is what `splice` checks; any doubt -> None):

1. Only GLOBAL functions (`.globl` in both files) are splice points. A global
   function keeps the C calling convention on both sides of the splice; a
   static one may not: clang drops dead arguments of internal functions
   without renaming them, gcc's `.isra`/`.constprop`/`.part` clones take
   arguments their own way.
2. The donor function brings its closure: every donor code piece it reaches
   (direct calls and jumps, jumps into gcc's split-off `.cold` parts), every
   donor local label it uses (code labels, jump tables, `.LC`/`.LCPI`
   constants) and the read-only data those reference. Everything copied except
   the named entry points is renamed so nothing collides with the base: local
   labels `.L...` -> `.L{tag}_...`, other symbols `helper` -> `helper.{tag}`,
   which become local (their `.globl` is dropped). Renaming goes token by
   token on symbol boundaries (symbols contain `.` and `$`), never by
   substring, and never inside strings or comments.
   A function whose *address* the donor takes is shared rather than copied
   when the base defines it as a global function (pointer identity, C ABI);
   a static one is copied, and the splice is refused when base code takes its
   address too (the two copies would compare unequal).
3. Writable data is never copied: program state must stay single. Every data
   symbol the closure uses must be the base's object of the same name (same
   linkage, same `.size` when both give one) or be undefined in both
   (`stdin`, `stdout`). Names compilers invent for function-local statics
   (gcc `count.0`, clang `main.count`) need a size on both sides, and gcc's
   numbered ones must be the only `count.N` in each file (the numbering is
   not stable across compiles). Clang's GlobalOpt may store a static that
   takes two values as a bool under its own name (`mode = 5` becomes
   `movb $1, mode`): a static of size 1 is shared only between two gcc files.
   Read-only data is copied (renamed) only when no pointer to it can meet one
   from the base: local labels (`.LC0`, `.LCPI0_0`, jump tables, string
   literals) and compiler-made tables (`CSWTCH.N`, whose numbers collide
   across compiles with other contents). A user's read-only object is shared
   with the base when the base has it (`&primes[i] - primes` must work
   across the splice), copied when the base lacks it and its name is the C
   identifier, and refused otherwise (`tbl.0` may be the base's `tbl.1`).
   Data items split at named objects and at self-aligned constants, so a
   constant is copied without the objects around it.
4. The base's own definition of each named function is removed, together with
   the cold parts and jump tables that only it references (a cold part jumps
   back into the hot part, so it cannot stay). Calls from the base then reach
   the donor's version, which is appended at the end of the text with the
   section switches it needs. The donor's `.file`/`.ident`/note sections are
   not copied.
5. IPA register allocation: gcc (`-fipa-ra`, on by default) lets a caller keep
   values in caller-saved registers across a call when it knows the callee
   leaves them alone, and `-fipa-stack-alignment` lets it skip aligning the
   stack for callees known not to need it. Replacing such a callee breaks the
   caller, so gcc BASES must be compiled with `BASE_FLAGS`. Clang does no
   IPRA by default. The donor needs no flag: its whole closure comes along,
   so its internal assumptions stay consistent.
6. Whatever the parser does not understand gives None, never an exception:
   no function boundaries, a symbol defined twice, labels sharing a line with
   code, several statements on a line, numeric or untyped named labels inside
   a spliced function (inline asm), macros and conditionals, `.weak`,
   `.symver`, `.subsection`, section groups, debug info (`.loc`, `.debug_*`:
   compile without -g) and exception tables. The result is re-parsed and
   checked (every symbol it uses is defined in it or was undefined in the
   inputs, nothing defined twice, `.cfi_startproc`/`.cfi_endproc` paired).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tools import asm as asmlib

# For gcc BASES (rule 5): callers then assume only what the ABI says of a callee.
BASE_FLAGS = ("-fno-ipa-ra", "-fno-ipa-stack-alignment")


class _Refuse(Exception):
    """The text is not understood, or the splice would not be sound."""


# ------------------------------------------------------------------- tokens

# One scan, leftmost first: strings, registers (and `%function`), relocation
# suffixes (`sqrt@PLT`, `@progbits`) and numbers (`8`, `0x1f`, `1b`) are
# skipped, so the `sym` group only ever sees whole symbols.
_TOKENS = re.compile(
    r'"(?:\\.|[^"\\\n])*"|%[A-Za-z_]\w*|@[A-Za-z_]\w*|\d[\w.]*|(?P<sym>[A-Za-z_.][\w.$]*)'
)
_NUMERIC_REF = re.compile(r"(?<![\w.$])\d+[bfBF](?![\w.$])")  # `1b`, `2f` (maybe in a string)
_LABEL_LINE = re.compile(r"([A-Za-z_.][\w.$]*|\d+)\s*:(?!:)(.*)")
_ASSIGN = re.compile(r"([A-Za-z_.][\w.$]*)\s*=(?!=)(.*)")
_SYMBOL = re.compile(r"[A-Za-z_.][\w.$]*")
_INSN_PREFIXES = frozenset(
    {"rep", "repe", "repz", "repne", "repnz", "lock", "notrack", "bnd", "data16", "addr32"}
)

_DECLS = frozenset({".globl", ".global", ".local", ".type", ".size", ".hidden", ".internal"})
_SWITCHES = frozenset(
    {".text", ".data", ".bss", ".section", ".pushsection", ".popsection", ".previous"}
)
_REFUSED = frozenset(
    {
        ".subsection",
        ".loc",
        ".loc_mark_labels",
        ".cfi_personality",
        ".cfi_lsda",
        ".macro",
        ".endm",
        ".purgem",
        ".rept",
        ".irp",
        ".irpc",
        ".endr",
        ".else",
        ".elseif",
        ".endif",
        ".include",
        ".incbin",
        ".weak",
        ".weakref",
        ".symver",
        ".protected",
        ".org",
        ".altmacro",
        ".end",
    }
)
_HEADER = frozenset({".p2align", ".align", ".balign", ".cfi_startproc"})


def _symbols(text: str) -> list[str]:
    """The symbols named in an operand or directive argument text, in order."""
    found = []
    for match in _TOKENS.finditer(text):
        sym = match.group("sym")
        if sym and sym != "." and not sym[1:2].isdigit():
            found.append(sym)
    return found


def _is_local_label(name: str) -> bool:
    return name.startswith(".L")


# -------------------------------------------------------------------- model


@dataclass
class _Unit:
    """A code piece (a function or a cold part, from its header to the next
    piece in its section, across section switches) or a data item (the lines of
    one non-code section from a switch or a named object's header to the next)."""

    code: bool
    section: str
    name: str | None = None
    lines: list[int] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)
    odd: bool = False  # numeric or untyped named labels: inline asm
    alias: bool = False  # one `.set` line


@dataclass
class _Line:
    role: str  # "blank" | "switch" | "ignore" | "decl" | "alias" | "own"
    section: str
    head: str = ""  # mnemonic, directive or label name
    args: str = ""  # what follows it
    declares: str | None = None  # the symbol a decl/alias line is about
    branch: bool = False  # a direct jump or call: its symbol is a control-flow target
    unit: int | None = None


@dataclass
class _Asm:
    raw: list[str]
    lines: list[_Line]
    units: list[_Unit]
    defs: dict[str, tuple[str, int | None]]  # name -> ("code" | "data" | "alias", unit)
    globl: set[str]
    sizes: dict[str, int]
    decls: dict[str, list[int]]  # symbol -> its decl lines
    specs: dict[str, str]  # section -> the directive that opens it
    flags: dict[str, str | None]  # section -> its flags when given
    gcc: bool = False  # a `.ident "GCC: ..."` line: gcc made it
    _refs: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)

    def refs(self, index: int) -> list[tuple[str, bool]]:
        """(symbol, is a branch target) used by a line; a decl's own symbol is not a use."""
        if index not in self._refs:
            self._refs[index] = self._line_refs(self.lines[index])
        return self._refs[index]

    def _line_refs(self, line: _Line) -> list[tuple[str, bool]]:
        if line.role in ("blank", "switch", "ignore"):
            return []
        if line.role == "decl":
            if line.head != ".size":
                return []
            return [(s, False) for s in _symbols(line.args.split(",", 1)[1])]
        if line.role == "alias":
            return [(s, False) for s in _symbols(line.args)]
        if line.head.endswith(":"):
            return []
        return [(s, line.branch) for s in _symbols(line.args)]

    def code_section(self, name: str) -> bool:
        flags = self.flags.get(name)
        if flags is not None:
            return "x" in flags
        return name == ".text" or name.startswith(".text.")

    def read_only(self, name: str) -> bool:
        """Sections whose contents the program cannot change (relro is written by ld.so only)."""
        if name.startswith((".rodata", ".data.rel.ro")):
            return True
        flags = self.flags.get(name)
        return flags is not None and "w" not in flags and "x" not in flags


def _section_directive(head: str, args: str) -> tuple[str, str | None, str]:
    """(name, flags, directive text) of `.section`/`.pushsection`/`.text`/..."""
    if head in (".text", ".data", ".bss"):
        if args:
            raise _Refuse(f"subsection: {head} {args}")
        return head, None, head
    match = re.fullmatch(r'("?)([^\s,"]+)\1\s*(?:,\s*"([^"]*)"\s*(.*))?', args)
    if not match:
        raise _Refuse(f"section directive not understood: {head} {args}")
    name, flags, rest = match.group(2), match.group(3), match.group(4) or ""
    if (flags and "G" in flags) or "comdat" in rest:
        raise _Refuse(f"section group: {name}")
    if name.startswith(".debug"):
        raise _Refuse("debug information (compile without -g)")
    directive = f".section\t{match.group(0)}" if flags is not None else f".section\t{name}"
    return name, flags, directive


def _parse(text: str) -> _Asm:
    """The splice's model of a text, on `tools.asm`'s parse: its line kinds,
    labels and declarations; a line the two readings disagree on is refused."""
    listing = asmlib.parse(text)
    raw = [line.text for line in listing.lines]
    code = [line.strip() for line in asmlib._strip_comments(text).split("\n")[: len(raw)]]
    functions, globl = asmlib.declarations(listing)
    asm = _Asm(raw, [], [], {}, globl, {}, {}, {".text": ".text"}, {})
    section, previous, stack = ".text", ".text", []
    owner: dict[str, int | None] = {}  # code section -> the piece its lines belong to
    run: int | None = None  # the data run being filled

    def define(name: str, kind: str, unit: int | None) -> None:
        if name in asm.defs:
            raise _Refuse(f"{name} defined twice")
        asm.defs[name] = (kind, unit)
        if unit is not None:
            asm.units[unit].defs.append(name)

    for index, body in enumerate(code):
        line = _Line("blank", section)
        asm.lines.append(line)
        if not body:
            continue
        if (";" in body and len(asmlib._statements(body)) > 1) or body.startswith('"'):
            raise _Refuse(f"line {index + 1}: not one plain statement")
        parsed = listing.lines[index]
        label = _LABEL_LINE.fullmatch(body)
        assign = _ASSIGN.fullmatch(body)
        if (parsed.kind == "label") != bool(label) or (label and label[1] != parsed.label):
            raise _Refuse(f"line {index + 1}: label not understood")
        if parsed.kind not in ("label", "directive", "instruction"):
            raise _Refuse(f"line {index + 1}: statement not understood")
        if label:
            name = label.group(1)
            if label.group(2).strip():
                raise _Refuse(f"line {index + 1}: a label shares its line")
            line.role, line.head = "own", name + ":"
            if asm.code_section(section):
                starts = not _is_local_label(name) and not name.isdigit()
                if starts and (name in functions or name in globl or ".cold" in name):
                    piece = len(asm.units)
                    asm.units.append(_Unit(True, section, name))
                    owner[section] = piece
                    _take_header(asm, index, piece)
                unit = owner.get(section)
                if unit is not None and (
                    name.isdigit() or (starts and name != asm.units[unit].name)
                ):
                    asm.units[unit].odd = True
            else:
                # a named object is an item of its own, and so is a constant
                # aligned on its own (clang's `.LCPI1_1` after `.LCPI1_0` is not)
                named = not _is_local_label(name) and not name.isdigit()
                if run is None or named or _aligned(asm, index):
                    run = len(asm.units)
                    asm.units.append(_Unit(False, section))
                    _take_header(asm, index, run)
                unit = run
                if name.isdigit():
                    asm.units[unit].odd = True
            line.unit = unit
            if not name.isdigit():
                define(name, "code" if asm.code_section(section) else "data", unit)
            continue
        if assign:
            _alias(asm, line, assign.group(1), assign.group(2).strip(), define)
            continue
        parts = body.split(None, 1)
        head, args = parts[0], (parts[1].strip() if len(parts) > 1 else "")
        line.head, line.args = head, args
        if head.startswith("."):
            head = head.lower()
            line.head = head
            if head in _REFUSED or head.startswith(".if"):
                raise _Refuse(f"line {index + 1}: {head} not supported")
            if head in _SWITCHES:
                line.role = "switch"
                if head in (".popsection", ".previous"):
                    if head == ".popsection":
                        if not stack:
                            raise _Refuse(f"line {index + 1}: .popsection without push")
                        previous, section = stack.pop()
                    else:
                        previous, section = section, previous
                else:
                    name, flags, directive = _section_directive(head, args)
                    if head == ".pushsection":
                        stack.append((previous, section))
                    if flags is not None and asm.flags.get(name) is None:
                        asm.flags[name] = flags
                        asm.specs[name] = directive
                    asm.specs.setdefault(name, directive)
                    previous, section = section, name
                line.section = section
                run = None
                continue
            if head in (".file", ".ident"):
                line.role = "ignore"
                asm.gcc = asm.gcc or (head == ".ident" and '"GCC:' in args)
                continue
            if head in _DECLS or head in (".comm", ".lcomm", ".set", ".equ", ".equiv"):
                _declaration(asm, index, line, define)
                continue
        else:
            words = body.split()
            skip = 0
            while skip + 1 < len(words) and words[skip].lower() in _INSN_PREFIXES:
                skip += 1
            mnemonic = words[skip].lower()
            parts = body.split(None, skip + 1)
            line.head = " ".join(parts[: skip + 1])
            line.args = parts[skip + 1].strip() if len(parts) > skip + 1 else ""
            line.branch = (
                mnemonic.startswith(("j", "call"))
                and not line.args.startswith("*")
                and "," not in line.args
            )
        # an instruction or a plain directive: owned by the current piece or run
        line.role = "own"
        if asm.code_section(section):
            line.unit = owner.get(section)
        else:
            if run is None:
                run = len(asm.units)
                asm.units.append(_Unit(False, section))
            line.unit = run
        if line.unit is not None and _NUMERIC_REF.search(line.args):
            asm.units[line.unit].odd = True
    for index, line in enumerate(asm.lines):
        if line.unit is not None:
            asm.units[line.unit].lines.append(index)
    if not any(unit.code and unit.name for unit in asm.units):
        raise _Refuse("no function found")
    return asm


def _aligned(asm: _Asm, index: int) -> bool:
    """Whether an alignment directive sits just above the label at `index`."""
    for j in range(index - 1, -1, -1):
        line = asm.lines[j]
        if line.role not in ("blank", "decl"):
            return line.role == "own" and line.head in (".p2align", ".align", ".balign")
    return False


def _take_header(asm: _Asm, index: int, piece: int) -> None:
    """Give the alignment and `.cfi_startproc` lines just above a function label
    to that function (they precede it, in its section)."""
    for j in range(index - 1, -1, -1):
        line = asm.lines[j]
        if line.role in ("blank", "decl"):
            continue
        if line.role == "own" and line.head in _HEADER and line.section == asm.lines[index].section:
            line.unit = piece
            continue
        break


def _alias(asm: _Asm, line: _Line, name: str, expr: str, define) -> None:
    """`.set .LC2, .LC0` (gcc shares equal constants so): a unit of its own."""
    line.role, line.head, line.declares, line.args = "alias", ".set", name, expr
    line.unit = len(asm.units)
    asm.units.append(_Unit(False, "", alias=True))
    define(name, "alias", line.unit)


def _declaration(asm: _Asm, index: int, line: _Line, define) -> None:
    """`.globl X`, `.type X, ...`, `.size X, N`, `.comm X, N`, `.set X, expr`."""
    head, args = line.head, line.args
    first = args.split(",", 1)[0].strip().strip('"')
    if not _SYMBOL.fullmatch(first) or (head in (".globl", ".global", ".local") and "," in args):
        raise _Refuse(f"line {index + 1}: declaration not understood")
    if head in (".set", ".equ", ".equiv"):
        _alias(asm, line, first, args.split(",", 1)[1].strip() if "," in args else "", define)
        return
    line.declares = first
    line.role = "decl"
    asm.decls.setdefault(first, []).append(index)
    fields = [f.strip() for f in args.split(",")]
    if head in (".comm", ".lcomm"):
        define(first, "data", None)
        if len(fields) > 1 and fields[1].isdigit():
            asm.sizes[first] = int(fields[1])
    elif head == ".size":
        if len(fields) != 2:
            raise _Refuse(f"line {index + 1}: .size not understood")
        if fields[1].isdigit():
            asm.sizes[first] = int(fields[1])


# -------------------------------------------------------------------- API


def function_names(asm: str) -> list[str]:
    """Functions the file defines (symbols typed `@function`), in order of definition."""
    listing = asmlib.parse(asm)
    functions, _ = asmlib.declarations(listing)
    return [f.name for f in listing.functions if f.name in functions]


def splice(base: str, donor: str, names: Iterable[str], tag: str = "mix") -> str | None:
    """The base text with each function in `names` replaced by the donor's
    definition (and its closure), or None when that cannot be done soundly.

    `tag` names the copies (`.L{tag}_...`, `helper.{tag}`); splicing a result
    again needs a tag whose names it does not hold yet (else None). A tag that
    is not a plain word is the caller's bug: ValueError."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", tag):
        raise ValueError(f"tag must be letters, digits and _: {tag!r}")
    entries = list(dict.fromkeys(names))
    if not entries:
        return base
    try:
        return _splice(_parse(base), _parse(donor), entries, tag)
    except _Refuse:
        return None


def _entry_unit(asm: _Asm, name: str) -> int:
    kind, unit = asm.defs.get(name, (None, None))
    if kind != "code" or unit is None or asm.units[unit].name != name:
        raise _Refuse(f"{name} is not a function here")
    if name not in asm.globl:
        raise _Refuse(f"{name} is not global (its calling convention may be private)")
    if asm.units[unit].odd:
        raise _Refuse(f"{name} has labels the splice does not model")
    return unit


def _splice(base: _Asm, donor: _Asm, entries: list[str], tag: str) -> str:
    removed = _removal(base, [_entry_unit(base, name) for name in entries])
    copied, keep_address = _closure(base, donor, entries, removed)
    kept = [
        base.raw[i]
        for i, line in enumerate(base.lines)
        if line.unit not in removed
        and not (line.role == "decl" and _defined_in(base, line.declares) in removed)
    ]
    block = _copy(donor, copied, entries, keep_address, tag)
    text = "\n".join([*kept, *block]) + "\n"
    _verify(text, base, donor, removed, entries)
    return text


def _defined_in(asm: _Asm, name: str | None) -> int | None:
    return asm.defs.get(name, (None, None))[1] if name else None


def _referrers(asm: _Asm, addresses: bool = False) -> dict[str, set[int]]:
    """Symbol -> the units that use it (-1: a line outside any unit); with
    `addresses`, only the uses that are not jump or call targets (nor a `.size`)."""
    found: dict[str, set[int]] = {}
    for index, line in enumerate(asm.lines):
        where = line.unit
        if line.role == "decl":
            if addresses:
                continue
            where = _defined_in(asm, line.declares)
        for sym, branch in asm.refs(index):
            if not (addresses and branch):
                found.setdefault(sym, set()).add(-1 if where is None else where)
    return found


def _removal(base: _Asm, start: list[int]) -> set[int]:
    """The base units to delete: the named functions, plus the cold parts and
    jump tables (local-label pieces) that nothing else uses."""
    removed = set(start)
    users = _referrers(base)
    changed = True
    while changed:
        changed = False
        for unit in list(removed):
            for index in base.units[unit].lines:
                for sym, _ in base.refs(index):
                    if not _is_local_label(sym):
                        continue
                    other = _defined_in(base, sym)
                    if other is None or other in removed:
                        continue
                    piece = base.units[other]
                    if not piece.code and not all(map(_is_local_label, piece.defs)):
                        continue  # named data is shared state: never removed
                    if all(users.get(d, set()) <= removed | {other} for d in piece.defs):
                        if piece.odd:
                            raise _Refuse("a removed piece has labels the splice does not model")
                        removed.add(other)
                        changed = True
    return removed


def _closure(
    base: _Asm, donor: _Asm, entries: list[str], removed: set[int]
) -> tuple[set[int], set[str]]:
    """The donor units to copy, and the functions whose address is taken as the base's."""
    work = [_entry_unit(donor, name) for name in entries]
    copied: set[int] = set()
    keep_address: set[str] = set()
    own_address: set[str] = set()
    while work:
        unit = work.pop()
        if unit in copied:
            continue
        piece = donor.units[unit]
        if piece.odd:
            raise _Refuse("the donor closure has labels the splice does not model")
        copied.add(unit)
        lines = [(index, False) for index in piece.lines]
        for name in piece.defs:
            lines.extend((index, True) for index in donor.decls.get(name, ()))
        for index, decl in lines:
            for sym, branch in donor.refs(index):
                if sym in entries or (decl and sym in piece.defs):
                    continue  # `.size f, .-f` is not a use of f
                need = _need(base, donor, sym, branch, keep_address, own_address)
                if need is not None:
                    work.append(need)
    users = _referrers(base, addresses=True)
    for sym in own_address:
        if users.get(sym, set()) - removed:
            raise _Refuse(f"the address of static {sym} is taken in both files")
    return copied, keep_address


def _need(
    base: _Asm, donor: _Asm, sym: str, branch: bool, keep_address: set[str], own: set[str]
) -> int | None:
    """The donor unit a use of `sym` brings into the closure (None: it uses the base's)."""
    kind, where = donor.defs.get(sym, (None, None))
    local = _is_local_label(sym)
    if kind is None:  # a library's
        if local or (sym in base.defs and sym not in base.globl):
            raise _Refuse(f"{sym} is undefined in the donor but not external")
        return None
    if kind in ("alias", "code"):
        if where is None or (kind == "alias" and not local):
            raise _Refuse(f"{sym} is an alias or code outside any function")
        if kind == "code" and not branch and not local:
            if base.defs.get(sym, ("",))[0] == "code" and sym in base.globl:
                keep_address.add(sym)  # the base's global function: one identity
                return None
            own.add(sym)
        return where
    if where is not None and _copyable(base, donor, where):
        return where
    if local or _GENERATED.fullmatch(sym):  # never the base's: contents may differ
        raise _Refuse(f"{sym} is in donor data that cannot be copied")
    _check_shared(base, donor, sym)
    return None


# Read-only objects the compiler makes up (switch tables, function-name strings):
# no C pointer to them can meet one from the base, so a renamed copy is safe.
_GENERATED = re.compile(r"(?:CSWTCH|__PRETTY_FUNCTION__|__FUNCTION__|__func__)\.\d+")


def _copyable(base: _Asm, donor: _Asm, unit: int) -> bool:
    """Read-only donor data whose copy cannot be told from the base's: local
    labels, compiler-made tables, and file-scope objects the base lacks. A
    user object the base has is shared instead; a function-local one (`tbl.0`,
    `lookup.tbl`) may be in the base under another name: neither."""
    piece = donor.units[unit]
    if not donor.read_only(piece.section):
        return False
    for name in piece.defs:
        made_up = _is_local_label(name) or _GENERATED.fullmatch(name)
        if name in donor.globl or (not made_up and (name in base.defs or "." in name)):
            return False
    return True


_NUMBERED = re.compile(r"(.+)\.(\d+)")


def _check_shared(base: _Asm, donor: _Asm, sym: str) -> None:
    """A data symbol the donor uses must be the base's same object."""
    if base.defs.get(sym, ("",))[0] != "data":
        raise _Refuse(f"data {sym} is not defined in the base")
    if (sym in base.globl) != (sym in donor.globl):
        raise _Refuse(f"{sym} has a different linkage in the base")
    size_b, size_d = base.sizes.get(sym), donor.sizes.get(sym)
    if size_b is not None and size_d is not None and size_b != size_d:
        raise _Refuse(f"{sym} has a different size in the base")
    if sym not in base.globl and not (base.gcc and donor.gcc) and 1 in (size_b, size_d, None):
        raise _Refuse(f"static {sym}: clang may store it as a bool (GlobalOpt shrinking)")
    if "." in sym:
        if size_b is None or size_d is None:
            raise _Refuse(f"{sym}: compiler-named static without a size")
        numbered = _NUMBERED.fullmatch(sym)
        if numbered:
            family = re.compile(rf"{re.escape(numbered.group(1))}\.\d+")
            for asm in (base, donor):
                if [d for d in asm.defs if family.fullmatch(d)] != [sym]:
                    raise _Refuse(f"{sym}: several statics share its name")


def _copy(donor: _Asm, copied: set[int], entries: list[str], keep: set[str], tag: str) -> list[str]:
    """The donor's copied lines, renamed, with the section switches they need."""
    names: set[str] = set()
    for unit in copied:
        names.update(donor.units[unit].defs)

    def rename(sym: str, branch: bool) -> str:
        if _is_local_label(sym):
            return f".L{tag}_{sym[2:]}"
        if sym in entries or sym not in names or (not branch and sym in keep):
            return sym
        return f"{sym}.{tag}"

    def rewrite(text: str, branch: bool) -> str:
        return _TOKENS.sub(
            lambda m: rename(m.group("sym"), branch) if m.group("sym") else m.group(0), text
        )

    selected = {i for unit in copied for i in donor.units[unit].lines}
    for name in names:
        selected.update(donor.decls.get(name, ()))
    out = [f"# spliced from the donor: {', '.join(entries)} (tag {tag})"]
    section = None
    for index in sorted(selected):
        line = donor.lines[index]
        if line.role == "alias":
            out.append(f"\t.set\t{rename(line.declares, True)}, {rewrite(line.args, False)}")
            continue
        if line.role == "decl":
            if line.head in (".globl", ".global") and line.declares not in entries:
                continue  # copied helpers become local
            text = f"\t{line.head}\t{rewrite(line.args, True)}"
            if line.head != ".size" or "." not in re.split(r"[\s,+\-()]+", line.args):
                out.append(text)  # placed anywhere: no location counter in it
                continue
        elif line.head.endswith(":"):
            text = f"{rename(line.head[:-1], True)}:"
        else:
            text = f"\t{line.head}\t{rewrite(line.args, line.branch)}".rstrip()
        if line.section != section:
            section = line.section
            out.append(f"\t{donor.specs[section]}")
        out.append(text)
    return out


def _verify(text: str, base: _Asm, donor: _Asm, removed: set[int], entries: list[str]) -> None:
    """The result parses, keeps every base symbol outside the removed units,
    defines the entries as global functions, defines every symbol it uses (or
    the symbol was undefined in an input: a library's) and pairs its CFI."""
    result = _parse(text)
    for name, (kind, unit) in base.defs.items():
        if unit not in removed and result.defs.get(name, ("",))[0] != kind:
            raise _Refuse(f"{name} was lost")
    for name in entries:
        _entry_unit(result, name)
    external = set()
    for asm in (base, donor):
        for index in range(len(asm.lines)):
            external.update(s for s, _ in asm.refs(index) if s not in asm.defs)
    depth = 0
    for index, line in enumerate(result.lines):
        for sym, _ in result.refs(index):
            if sym not in result.defs and (sym not in external or _is_local_label(sym)):
                raise _Refuse(f"{sym} is used but no longer defined")
        if line.head == ".cfi_startproc":
            depth += 1
        elif line.head == ".cfi_endproc":
            depth -= 1
        if depth not in (0, 1):
            raise _Refuse("unbalanced .cfi_startproc/.cfi_endproc")
    if depth:
        raise _Refuse("unbalanced .cfi_startproc/.cfi_endproc")
