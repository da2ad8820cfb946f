"""Fast I/O: replace scanf/printf calls with simple literal formats by a buffered
reader and writer appended to the listing.

When it fires:
- input side: every stdin read of the program is a `scanf` call, `getchar` or
  `getc(stdin)` (what -O2 makes of getchar), and each scanf format is a string
  literal the pass can prove (the only definition of `%rdi` reaching the call,
  through register copies, is `leaq .LCn(%rip)` of a .rodata string) holding
  only whitespace and %d %u %ld %lu %lld %llu %s %Ns %c (no width on numbers,
  no `*`, no literal characters). Any other stdin use (`fgets`, another use of
  `stdin`, an unknown external or indirect call, a format it cannot prove or
  handle such as %5d, %f, %[^\n]) leaves the input side alone: the reader's
  buffer would steal bytes from libc.
- output side: `printf` calls with a proven literal format made of text, %%
  and %d %i %u %ld %lu %lld %llu %s %c (no flags, width or precision),
  `puts`, `putchar`, `putc(c, stdout)`, `fputs(s, stdout)`. Other output calls
  stay, with a flush of the fast buffer before them (and before every call the
  pass does not know to be harmless), so the bytes keep their order.
- never in programs that start threads or install signal handlers (the buffers
  are not reentrant). Switch tables are followed; code it cannot analyse keeps
  libc and gets guards.

Why sound: the replacements implement the same semantics for exactly these
formats (see fast_io_runtime), including scanf's return value, EOF, overflow
and the unread character after a matching failure; the call sites keep their
arguments, registers and stack as the ABI has them. The reader owns stdin only
when nothing else reads it. The writer's buffer is flushed at exit and before
foreign output, and flushes libc's stdout first.

Why faster: glibc's scanf parses the format and locks the stream on every call
(~30-60 ns a number); the specialised reader costs a few ns a number. printf
likewise.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from agent.builtin import asmtext as at
from agent.builtin import fast_io_runtime as rt
from agent.builtin.context import PassContext
from tools.cc import CompileError, c_to_asm

NAME = "fast_io"
SCANF = frozenset({"__isoc99_scanf", "scanf"})
PRINTF = frozenset({"printf"})
PUTS = frozenset({"puts"})
PUTCHAR = frozenset({"putchar", "putchar_unlocked"})
GETCHAR = frozenset({"getchar", "getchar_unlocked"})
GETC = frozenset({"getc", "_IO_getc", "fgetc", "getc_unlocked", "fgetc_unlocked"})  # (stdin)
PUTC = frozenset({"putc", "_IO_putc", "fputc", "putc_unlocked", "fputc_unlocked"})  # (c, stdout)
FPUTS = frozenset({"fputs", "fputs_unlocked"})  # (s, stdout)
MAX_ARGS = 5  # conversions passed in registers (%rsi .. %r9)

# External functions that neither read stdin nor write stdout.
SAFE = at.words(
    "strlen strnlen strcmp strncmp strcpy strncpy strcat strncat strchr strrchr strstr strspn "
    "strcspn strpbrk strdup strtok memcpy memmove memset memcmp memchr malloc calloc realloc "
    "free qsort bsearch abs labs llabs atoi atol atoll strtol strtoll strtoul strtoull strtod "
    "strtof sqrt sqrtf sqrtl pow powf exp expf log logf log2 log10 sin cos tan asin acos atan "
    "atan2 sinf cosf floor floorf ceil ceilf round roundf lround llround trunc fabs fmod hypot "
    "cbrt fmin fmax exit rand srand random srandom time clock toupper tolower __ctype_b_loc "
    "__ctype_toupper_loc __ctype_tolower_loc __stack_chk_fail sprintf snprintf __sprintf_chk "
    "__snprintf_chk __isoc99_sscanf sscanf __memcpy_chk __memset_chk __memmove_chk "
    "__strcpy_chk __strcat_chk strtok_r __popcountdi2 __popcountsi2 __divti3 __udivti3 "
    "__modti3 __umodti3"
)
# External functions that may write stdout but never read stdin.
OUTPUT = at.words(
    "printf puts putchar putchar_unlocked fputs fputc putc fwrite fprintf fflush vprintf "
    "vfprintf __printf_chk __fprintf_chk __vprintf_chk fputc_unlocked putc_unlocked "
    "fwrite_unlocked fputs_unlocked write perror __assert_fail abort _exit setvbuf setbuf"
)

# Programs that run code concurrently with main (threads, signal handlers) could
# enter the unsynchronised buffers twice: the pass leaves them alone.
CONCURRENT = re.compile(
    r"^(?:pthread_\w+|thrd_\w+|clone|signal|sigaction|__sysv_signal|bsd_signal)$"
)

_CALL_TARGET = re.compile(r"^\*?([A-Za-z_.$][\w.$]*)(?:@PLT|@GOTPCREL\(%rip\))?$")
_LEA_SYM = re.compile(r"^([A-Za-z_.$][\w.$]*)\(%rip\)$")
_SCAN_CONV = re.compile(r"%(\d*)(hh|h|ll|l|j|z|t|L|q)?([a-zA-Z%\[])")
_PRINT_CONV = re.compile(r"%([-+ #0']*)(\d*|\*)(\.\d*|\.\*)?(hh|h|ll|l|j|z|t|L|q)?([a-zA-Z%])")


# --------------------------------------------------------------- formats


def parse_scan_format(fmt: bytes):
    """Directives of a scanf format the reader handles, or None."""
    out: list[tuple] = []
    i = 0
    text = fmt.decode("latin-1")
    while i < len(text):
        char = text[i]
        if char in " \t\n\v\f\r":
            if not out or out[-1] != ("ws",):
                out.append(("ws",))
            i += 1
            continue
        if char != "%":
            return None  # literal characters must match: not handled
        match = _SCAN_CONV.match(text, i)
        if not match:
            return None
        width, size, conv = match.group(1), match.group(2) or "", match.group(3)
        if conv in "du" and not width and size in ("", "l", "ll"):
            out.append(("int", size + conv))
        elif conv == "s" and size == "" and (not width or int(width) > 0):
            out.append(("str", int(width) if width else 0))
        elif conv == "c" and size == "" and width in ("", "1"):
            out.append(("char",))
        else:
            return None
        i = match.end()
    if sum(1 for d in out if d[0] != "ws") > MAX_ARGS:
        return None
    return tuple(out)


def parse_print_format(fmt: bytes):
    """Pieces of a printf format the writer handles, or None."""
    out: list[tuple] = []
    text = fmt.decode("latin-1")
    literal = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char != "%":
            literal.append(ord(char))
            i += 1
            continue
        match = _PRINT_CONV.match(text, i)
        if not match:
            return None
        flags, width, precision, size, conv = match.groups()
        if conv == "%" and not (flags or width or precision or size):
            literal.append(ord("%"))
            i = match.end()
            continue
        if flags or width or precision:
            return None
        size = size or ""
        if conv in "diu" and size in ("", "l", "ll"):
            spec = size + conv
        elif conv in "sc" and size == "":
            spec = conv
        else:
            return None
        if literal:
            out.append(("lit", bytes(literal)))
            literal = bytearray()
        out.append(("conv", spec))
        i = match.end()
    if literal:
        out.append(("lit", bytes(literal)))
    if sum(1 for p in out if p[0] != "lit") > MAX_ARGS:
        return None
    return tuple(out)


# --------------------------------------------------------------- strings


def _unescape(body: str) -> bytes:
    """The bytes of a GAS string literal's contents."""
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "f": 12, "v": 11, "b": 8, "a": 7, '"': 34, "\\": 92}
    while i < len(body):
        char = body[i]
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt in "01234567" and nxt:
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(int(body[i + 1 : j], 8) & 0xFF)
            i = j
        elif nxt in "xX":
            j = i + 2
            while j < len(body) and body[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(body[i + 2 : j] or "0", 16) & 0xFF)
            i = j
        else:
            out += nxt.encode("utf-8")
            i += 2
    return bytes(out)


def read_only_strings(lines: list[str]) -> dict[str, bytes]:
    """Label -> NUL-terminated string for `.string`/`.asciz` data in .rodata sections."""
    strings: dict[str, bytes] = {}
    section = ".text"
    pending: list[str] = []
    for line in lines:
        body = at.strip_comment(line).strip() if '"' not in line else line.strip()
        if not body:
            continue
        word = body.split(None, 1)[0]
        if word == ".section":
            parts = body.split(None, 1)
            section = parts[1].split(",")[0].strip() if len(parts) > 1 else ""
            pending = []
            continue
        if word in (".text", ".data", ".bss", ".rodata"):
            section = word
            pending = []
            continue
        if word in (".previous", ".pushsection", ".popsection", ".subsection"):
            section = "?"
            pending = []
            continue
        label = re.match(r"^([A-Za-z_.$][\w.$]*):$", body)
        if label:
            pending.append(label.group(1))
            continue
        string = re.match(r'^\.(?:string|asciz)\s+"((?:\\.|[^"\\])*)"\s*$', body)
        if string and section.startswith(".rodata") and pending:
            data = _unescape(string.group(1))
            for name in pending:
                strings[name] = data.split(b"\0", 1)[0]
        pending = []
    return strings


# --------------------------------------------------------------- tracing


def trace_value(fn: at.Function, index: int, family: str) -> set[str] | None:
    """What `family` holds just before line `index`, on every path reaching it:
    "&SYM" for the address of SYM (`leaq SYM(%rip)`), "*SYM" for the 64-bit value
    loaded from SYM (`movq SYM(%rip)`), through 64-bit register copies. None when
    any path gives something else or reaches the function's entry."""
    blocks = fn.blocks
    preds: dict[int, list[int]] = {n: [] for n in range(len(blocks))}
    for n, block in enumerate(blocks):
        for s in block.succ:
            if s >= 0:
                preds[s].append(n)
    n, k = fn.block_of(index)
    found: set[str] = set()
    seen: set[tuple[int, str]] = set()
    stack = [(n, k, family)]
    while stack:
        n, k, fam = stack.pop()
        settled = False
        for insn in reversed(blocks[n].insns[:k]):
            eff = at.effects(insn)
            if fam not in eff.writes:
                continue
            dest = at.reg(insn.dest or "")
            if insn.mnemonic == "leaq" and dest == (fam, 64):
                match = _LEA_SYM.match(insn.operands[0])
                if match:
                    found.add("&" + match.group(1))
                    settled = True
                    break
                return None
            if insn.mnemonic == "movq" and dest == (fam, 64):
                src = at.reg(insn.operands[0])
                if src and src[1] == 64 and src[0] in at.GPRS:
                    stack.append((n, blocks[n].insns.index(insn), src[0]))
                    settled = True
                    break
                match = _LEA_SYM.match(insn.operands[0])
                if match:
                    found.add("*" + match.group(1))
                    settled = True
                    break
            return None
        if settled:
            continue
        if n == 0 or not preds[n]:
            return None  # the value comes from the caller (or from nowhere we know)
        for p in preds[n]:
            if (p, fam) not in seen:
                seen.add((p, fam))
                stack.append((p, len(blocks[p].insns), fam))
    return found


# --------------------------------------------------------------- the pass


@dataclass(frozen=True)
class _Call:
    index: int
    target: str  # the external function
    tail: bool  # a `jmp` tail call


def _external_calls(fn: at.Function, defined: set[str]) -> list[_Call]:
    """Calls and tail calls leaving the listing (target "*" when indirect)."""
    calls = []
    for index, insn in sorted(fn.insns.items()):
        if insn.base not in ("call", "jmp"):
            continue
        if insn.base == "jmp" and at.is_label_operand(insn.operands[0]):
            name = insn.operands[0]
            if name in fn.labels or name in defined:
                continue
        if insn.base == "jmp" and insn.operands[0][:1] == "*" and not fn.has_unknown_flow:
            continue  # a switch dispatch through a jump table the CFG resolved
        match = _CALL_TARGET.match(insn.operands[0]) if len(insn.operands) == 1 else None
        if match is None:
            calls.append(_Call(index, "*", insn.base == "jmp"))
            continue
        name = match.group(1)
        if name in defined:
            continue
        calls.append(_Call(index, name, insn.base == "jmp"))
    return calls


_TABLE_ENTRY = re.compile(r"^\s*\.long\s+\.L\w+-\.L\w+\s*$")
_CALLISH = re.compile(r"(?<![\w.$])(?:call|jmp)\w*(?![\w.$])", re.I)


def _opaque_calls(lines: list[str], covered: set[int], defined: set[str]) -> list[_Call] | None:
    """Calls and external jumps on lines outside `covered`; None when some line
    looks like one but cannot be parsed (the pass then stays away)."""
    calls = []
    jump_tables = any(_TABLE_ENTRY.match(line) for line in lines)
    for i, line in enumerate(lines):
        if i in covered or not _CALLISH.search(at.strip_comment(line)):
            continue
        stripped = at.strip_comment(line).strip()
        if stripped.startswith((".", "#")):
            continue
        insn = at.parse_insn(i, line)
        if insn is None or insn.base not in ("call", "jmp") or len(insn.operands) != 1:
            return None
        operand = insn.operands[0]
        if insn.base == "jmp" and at.is_label_operand(operand) and operand in defined:
            continue
        if insn.base == "jmp" and re.fullmatch(r"\*%r\w+", operand) and jump_tables:
            continue  # a switch dispatching through gcc's table of local labels
        match = _CALL_TARGET.match(operand)
        name = match.group(1) if match else "*"
        if name not in defined:
            calls.append(_Call(i, name, insn.base == "jmp"))
    return calls


_STDIN_LOAD = re.compile(r"^\s*movq\s+stdin\(%rip\),\s*%r\w+\s*(?:#.*)?$")
# Text, not a use of the symbol: `.file "<stdin>"` (gcc -S reading its source from a pipe).
_TEXT_DIRECTIVE = re.compile(r"^\s*\.(?:file|ident|string|ascii|asciz)\b")


def apply(asm: str, ctx: PassContext) -> str | None:
    """The listing with fast I/O, or None when nothing could be replaced."""
    if re.search(r"^\s*\.intel_syntax", asm, re.M) or "__sofio_" in asm:
        return None
    lines, functions = at.functions(asm)
    plan = _Plan(lines, at.defined_symbols(lines), read_only_strings(lines))
    # stdin may appear only as `movq stdin(%rip), %reg` feeding getc-style calls.
    stdin_uses = [
        i
        for i, line in enumerate(lines)
        if re.search(r"(?<![\w.$<])stdin(?![\w.$>])", at.strip_comment(line))
        and not _TEXT_DIRECTIVE.match(line)
    ]
    if any(not _STDIN_LOAD.match(lines[i]) for i in stdin_uses):
        plan.input_ok = False
    covered: set[int] = set()
    for fn in functions:
        if not fn.analysable:
            continue
        if any(CONCURRENT.match(c.target) for c in _external_calls(fn, plan.defined)):
            return None
        plan.function(fn)
        covered.update(range(fn.start, fn.end + 1))
    # Everything else (functions the model cannot analyse, code outside functions)
    # is only scanned for calls: they keep libc and get guards.
    rest = _opaque_calls(lines, covered, plan.defined)
    if rest is None or any(CONCURRENT.match(c.target) for c in rest):
        return None
    plan.opaque(rest)
    if not plan.input_ok:
        plan.scans.clear()
        plan.scan_formats.clear()
    if not plan.scans and not plan.prints:
        return None
    if not plan.prints:
        plan.guards.clear()  # nothing is ever buffered on the output side
    runtime = compile_runtime(
        tuple(sorted((v, k) for k, v in plan.scan_formats.items())),
        tuple(sorted((v, k) for k, v in plan.print_formats.items())),
    )
    if runtime is None:
        return None
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in plan.guards:
            out.append("\tcall\t__sofio_guard")
        target = plan.scans.get(i) or plan.prints.get(i)
        if target:
            insn = at.parse_insn(i, line)
            out.append(f"\t{insn.base}\t{target}")
        else:
            out.append(line)
    return at.join(out) + runtime


class _Plan:
    """Which call sites become fast readers/writers, and where guards go."""

    def __init__(self, lines, defined, strings):
        self.lines = lines
        self.defined = defined
        self.strings = strings
        self.input_ok = True
        self.scans: dict[int, str] = {}  # line -> replacement call target
        self.prints: dict[int, str] = {}
        self.guards: set[int] = set()
        self.scan_formats: dict[tuple, str] = {}
        self.print_formats: dict[tuple, str] = {}

    def function(self, fn: at.Function) -> None:
        calls = _external_calls(fn, self.defined)
        if fn.has_unknown_flow:
            self.opaque(calls)
            return
        for call in calls:
            if not self._replace(fn, call):
                self.guards.add(call.index)

    def opaque(self, calls: list[_Call]) -> None:
        """Calls in code the pass cannot trace: they stay, guarded; any of them that
        may read stdin keeps the reader away."""
        for call in calls:
            if call.target not in SAFE:
                self.guards.add(call.index)
                if call.target not in OUTPUT:
                    self.input_ok = False

    def _replace(self, fn: at.Function, call: _Call) -> bool:
        """Plan the replacement of one call; False when it must stay (and be guarded)."""
        name = call.target
        if name in SAFE:
            return True
        if name in SCANF | GETCHAR | GETC:
            target = self._reader(fn, call)
            if target is None:
                self.input_ok = False
                return True  # reading stdin writes nothing: no guard needed
            self.scans[call.index] = target
            return True
        target = self._writer(fn, call)
        if target is not None:
            self.prints[call.index] = target
            return True
        if name not in OUTPUT:
            self.input_ok = False  # an unknown function (or an indirect call) may read stdin
        return False

    def _reader(self, fn: at.Function, call: _Call) -> str | None:
        name = call.target
        if name in GETCHAR:
            return "__sofio_getchar"
        if name in GETC:
            return "__sofio_getchar" if _holds(fn, call.index, "rdi", "*stdin") else None
        directives = _format(fn, call.index, self.strings, parse_scan_format)
        if directives is None:
            return None
        return self.scan_formats.setdefault(directives, f"__sofio_scan_{len(self.scan_formats)}")

    def _writer(self, fn: at.Function, call: _Call) -> str | None:
        name = call.target
        if name in PRINTF:
            pieces = _format(fn, call.index, self.strings, parse_print_format)
            if pieces is None:
                return None
            return self.print_formats.setdefault(pieces, f"__sofio_print_{len(self.print_formats)}")
        if name in PUTS:
            return "__sofio_puts"
        if name in PUTCHAR:
            return "__sofio_putchar"
        if name in PUTC and _holds(fn, call.index, "rsi", "*stdout"):
            return "__sofio_putchar"
        if name in FPUTS and _holds(fn, call.index, "rsi", "*stdout"):
            return "__sofio_fputs"
        return None


def _holds(fn: at.Function, index: int, family: str, value: str) -> bool:
    return trace_value(fn, index, family) == {value}


def _format(fn: at.Function, index: int, strings: dict[str, bytes], parser):
    symbols = trace_value(fn, index, "rdi")
    if not symbols or len(symbols) != 1:
        return None
    (symbol,) = symbols
    if not symbol.startswith("&") or symbol[1:] not in strings:
        return None
    return parser(strings[symbol[1:]])


# --------------------------------------------------------------- runtime

_GUARD = """
\t.text
\t.p2align 4
\t.type\t__sofio_guard, @function
__sofio_guard:
\tpushq\t%rbp
\tmovq\t%rsp, %rbp
\tandq\t$-16, %rsp
\tpushq\t%rax
\tpushq\t%rcx
\tpushq\t%rdx
\tpushq\t%rsi
\tpushq\t%rdi
\tpushq\t%r8
\tpushq\t%r9
\tpushq\t%r10
\tpushq\t%r11
\tsubq\t$136, %rsp
\tmovdqu\t%xmm0, (%rsp)
\tmovdqu\t%xmm1, 16(%rsp)
\tmovdqu\t%xmm2, 32(%rsp)
\tmovdqu\t%xmm3, 48(%rsp)
\tmovdqu\t%xmm4, 64(%rsp)
\tmovdqu\t%xmm5, 80(%rsp)
\tmovdqu\t%xmm6, 96(%rsp)
\tmovdqu\t%xmm7, 112(%rsp)
\tcall\t__sofio_flush
\tmovdqu\t(%rsp), %xmm0
\tmovdqu\t16(%rsp), %xmm1
\tmovdqu\t32(%rsp), %xmm2
\tmovdqu\t48(%rsp), %xmm3
\tmovdqu\t64(%rsp), %xmm4
\tmovdqu\t80(%rsp), %xmm5
\tmovdqu\t96(%rsp), %xmm6
\tmovdqu\t112(%rsp), %xmm7
\taddq\t$136, %rsp
\tpopq\t%r11
\tpopq\t%r10
\tpopq\t%r9
\tpopq\t%r8
\tpopq\t%rdi
\tpopq\t%rsi
\tpopq\t%rdx
\tpopq\t%rcx
\tpopq\t%rax
\tmovq\t%rbp, %rsp
\tpopq\t%rbp
\tret
\t.size\t__sofio_guard, .-__sofio_guard
"""

_DROP = re.compile(r"^\s*(?:\.file\b|\.ident\b|\.section\s+\.note\.GNU-stack)")


def runtime_source(scans, prints) -> str:
    parts = [rt.RUNTIME]
    for name, directives in scans:
        parts.append(rt.scan_function(name, directives))
    for name, pieces in prints:
        converted = tuple(p if p[0] == "lit" else ("conv", p[1]) for p in pieces)
        parts.append(rt.print_function(name, converted))
    return "\n".join(parts)


@functools.cache
def compile_runtime(scans, prints) -> str | None:
    """The runtime and the specialised functions as assembly, local labels renamed."""
    source = runtime_source(scans, prints)
    key = hashlib.sha256(source.encode()).hexdigest()[:12]
    flags = ["-O2", "-fno-stack-protector", "-fcf-protection=none"]
    flags += ["-fno-asynchronous-unwind-tables"]
    try:
        out = c_to_asm(source, flags, filename=f"sofio_{key}.c")
    except CompileError:
        return None
    body = [line for line in out.splitlines() if not _DROP.match(line)]
    text = "\n".join(body)
    text = re.sub(r"(?<![\w.$])\.L(?=[\w.$])", ".Lsofio_", text)
    return "\n\t# fast I/O runtime (agent.builtin.fast_io)\n\t.text\n" + text + "\n" + _GUARD
