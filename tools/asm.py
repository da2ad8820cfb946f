"""GAS text (AT&T syntax, `gcc -O3 -S` output): parse, validate, extract, compare.

Pure text processing: nothing here runs gcc or as. Parsing uses the tree-sitter
`asm` grammar bundled with tree-sitter-language-pack 0.13.0; that grammar
reports ERROR nodes on ordinary GAS (`@PLT`, `@progbits`, `.p2align 4`, `.size f,
.-f`), so every line also has a simple textual classification to fall back on,
and every input line is kept verbatim.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass

from tree_sitter_language_pack import get_parser

from tools.errors import BadInput

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Line:
    """One line of the text, classified."""

    number: int  # 1-based
    text: str  # verbatim, without the newline
    kind: str  # "instruction" | "label" | "directive" | "blank" | "comment"
    mnemonic: str | None  # "movl", ".p2align"; None for labels, blanks, comments
    label: str | None  # the label name on label lines
    parsed: bool  # False when tree-sitter could not parse the line (textual rule used)


@dataclass(frozen=True)
class Function:
    """A function: from its label to its `.size` (or to just before the next function)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Listing:
    """A parsed listing: one Line per input line, in order, plus its functions."""

    lines: tuple[Line, ...]
    functions: tuple[Function, ...]

    def labels(self) -> dict[str, int]:
        """Label name -> line number of its first definition."""
        found: dict[str, int] = {}
        for line in self.lines:
            if line.label is not None:
                found.setdefault(line.label, line.number)
        return found

    def instructions(self) -> list[Line]:
        """The instruction lines, in order."""
        return [line for line in self.lines if line.kind == "instruction"]


# ----------------------------------------------------------------- lexical helpers

# Strings and character constants are matched first so that `#`, `;` and `/*`
# inside them are not taken for comments or separators.
_STRING = r'"(?:\\.|[^"\\\n])*"'
_CHAR = r"'(?:\\.|[^\\\n])"
_COMMENTS = re.compile(rf"{_STRING}|{_CHAR}|/\*[\s\S]*?\*/|#[^\n]*")
_SEPARATORS = re.compile(rf"{_STRING}|{_CHAR}|;")
_SPACING = re.compile(rf"({_STRING}|{_CHAR})|\s*,\s*|\s+")
_LABEL = re.compile(r"\s*([A-Za-z_.$][\w.$@]*|\d+)\s*:(?!:)")
_TOKEN = re.compile(r"[^\s;#,]+")


def _strip_comments(text: str) -> str:
    """Remove `#` and `/* */` comments, keeping strings and the line structure."""

    def replace(match: re.Match[str]) -> str:
        lexeme = match.group()
        if lexeme.startswith("/*"):
            return "\n" * lexeme.count("\n") or " "
        if lexeme.startswith("#"):
            return ""
        return lexeme

    return _COMMENTS.sub(replace, text)


def _statements(line: str) -> list[str]:
    """Split a comment-free line on `;`, GAS's statement separator, outside strings."""
    parts, start = [], 0
    for match in _SEPARATORS.finditer(line):
        if match.group() == ";":
            parts.append(line[start : match.start()])
            start = match.end()
    parts.append(line[start:])
    return parts


def _split_labels(statement: str) -> tuple[list[str], str]:
    """Peel the leading `name:` labels off a statement: (labels, rest)."""
    labels = []
    while match := _LABEL.match(statement):
        labels.append(match.group(1))
        statement = statement[match.end() :]
    return labels, statement.strip()


def _squash(statement: str) -> str:
    """Collapse whitespace outside strings and drop it around commas."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return "," if "," in match.group() else " "

    return _SPACING.sub(replace, statement).strip()


def _first_token(text: str) -> str | None:
    """The mnemonic of a statement: its first word, without a trailing `,`, `;` or `#...`."""
    match = _TOKEN.search(text)
    if match:
        return match.group()
    words = text.split()
    return words[0] if words else None


# ------------------------------------------------------------------------- parse

_COMMENT_NODES = frozenset({"line_comment", "block_comment"})
_NODE_KINDS = {"instruction": "instruction", "meta": "directive", "label": "label"}
_local = threading.local()


def _parser():
    """The tree-sitter parser, one per thread (a parser must not be shared across threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = get_parser("asm")
    return parser


def _textual_line(number: int, text: str) -> Line:
    """Classify a line without the grammar: the fallback for lines tree-sitter got wrong."""
    stripped = text.strip()
    if not stripped:
        return Line(number, text, "blank", None, None, False)
    if stripped.startswith(("#", "/")):
        return Line(number, text, "comment", None, None, False)
    label = _LABEL.match(stripped)
    if label:
        return Line(number, text, "label", None, label.group(1), False)
    if re.match(r"[A-Za-z_.$][\w.$]*\s*=", stripped):  # `sym = expr` is an assignment
        return Line(number, text, "directive", "=", None, False)
    kind = "directive" if stripped.startswith(".") else "instruction"
    return Line(number, text, kind, _first_token(stripped), None, False)


def _last_row(node) -> int:
    """The last row a node really occupies (an end at column 0 belongs to the row before)."""
    end = node.end_point
    if end.column == 0 and end.row > node.start_point.row:
        return end.row - 1
    return end.row


def _index_nodes(source: bytes) -> tuple[dict[int, list], set[int], set[int]]:
    """Top-level nodes by starting row, rows tree-sitter got wrong, block-comment rows."""
    by_row: dict[int, list] = {}
    bad_rows: set[int] = set()
    comment_rows: set[int] = set()
    for node in _parser().parse(source).root_node.named_children:
        first, last = node.start_point.row, _last_row(node)
        by_row.setdefault(first, []).append(node)
        if node.type in _COMMENT_NODES:
            comment_rows.update(range(first + 1, last + 1))
        elif node.type == "ERROR" or node.has_error or last != first:
            bad_rows.update(range(first, last + 1))
    return by_row, bad_rows, comment_rows


def _node_line(number: int, text: str, nodes: list, source: bytes) -> Line:
    """Classify a cleanly parsed line from the first non-comment node starting on it."""
    node = nodes[0]
    kind = _NODE_KINDS.get(node.type)
    if kind is None:
        return _textual_line(number, text)
    if kind == "label":
        ident = node.child_by_field_name("name") or node.named_children[0]
        name = source[ident.start_byte : ident.end_byte].decode("utf-8", "replace")
        return Line(number, text, "label", None, name, True)
    node_text = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    return Line(number, text, kind, _first_token(node_text), None, True)


def _split_lines(text: str) -> list[str]:
    """Lines as GAS and tree-sitter count them: split on `\\n` only."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # a final newline ends the last line rather than starting one
    return lines


def parse(text: str) -> Listing:
    """Classify every line and find the functions; never fails on bad input."""
    source = text.encode("utf-8", "replace")
    by_row, bad_rows, comment_rows = _index_nodes(source)
    lines = []
    for row, line_text in enumerate(_split_lines(text)):
        number = row + 1
        nodes = [n for n in by_row.get(row, ()) if n.type not in _COMMENT_NODES]
        if row in bad_rows:
            lines.append(_textual_line(number, line_text))
        elif nodes:
            lines.append(_node_line(number, line_text, nodes, source))
        elif row in by_row or row in comment_rows:
            lines.append(Line(number, line_text, "comment", None, None, True))
        elif not line_text.strip():
            lines.append(Line(number, line_text, "blank", None, None, True))
        else:
            lines.append(_textual_line(number, line_text))
    return Listing(tuple(lines), _functions(lines))


# --------------------------------------------------------------------- functions

_TYPE = re.compile(r"\.type\s+\"?([^\s,\"]+)\"?\s*,\s*[\"@%]?(\w+)")
_GLOBL = re.compile(r"\.glob(?:a)?l\s+(.+)")
_SIZE = re.compile(r"\.size\s+\"?([^\s,\"]+)\"?\s*,")
_FUNCTION_TYPES = frozenset({"function", "gnu_indirect_function", "STT_FUNC", "STT_GNU_IFUNC"})


def _declared_functions(lines: list[Line]) -> tuple[set[str], set[str], set[str]]:
    """Names typed as functions, names given any `.type`, and `.globl` names."""
    functions: set[str] = set()
    typed: set[str] = set()
    globl: set[str] = set()
    for line in lines:
        if line.kind != "directive":
            continue
        stripped = _strip_comments(line.text).strip()
        if match := _TYPE.match(stripped):
            typed.add(match.group(1))
            if match.group(2) in _FUNCTION_TYPES:
                functions.add(match.group(1))
        elif match := _GLOBL.match(stripped):
            globl.update(name.strip() for name in match.group(1).split(","))
    return functions, typed, globl


def declarations(listing: Listing) -> tuple[set[str], set[str]]:
    """Names typed as functions (`.type f, @function`), and `.globl` names."""
    functions, _typed, globl = _declared_functions(list(listing.lines))
    return functions, globl


def _followed_by_code(lines: list[Line], index: int) -> bool:
    """Whether the first statement after the label at `index` is code, not data."""
    for line in lines[index + 1 :]:
        if line.kind in ("blank", "comment", "label"):
            continue
        if line.kind == "instruction":
            return True
        return (line.mnemonic or "").startswith(".cfi_")
    return False


def _function_starts(lines: list[Line]) -> list[tuple[str, int]]:
    """(name, index) of each function label, in order; each name counted once."""
    functions, typed, globl = _declared_functions(lines)
    starts, seen = [], set()
    for index, line in enumerate(lines):
        name = line.label
        if name is None or name in seen:
            continue
        untyped_global = name in globl and name not in typed
        if name in functions or (untyped_global and _followed_by_code(lines, index)):
            starts.append((name, index))
            seen.add(name)
    return starts


def _function_end(lines: list[Line], name: str, start: int, stop: int) -> int:
    """Index of the function's `.size`, else of its last instruction before `stop`."""
    for index in range(start + 1, stop):
        line = lines[index]
        if line.mnemonic == ".size":
            match = _SIZE.match(line.text.strip())
            if match and match.group(1) == name:
                return index
    for index in range(stop - 1, start, -1):
        if lines[index].kind == "instruction":
            return index
    return start


def _functions(lines: list[Line]) -> tuple[Function, ...]:
    """Functions in order of their labels; a function never runs into the next one."""
    starts = _function_starts(lines)
    result = []
    for position, (name, start) in enumerate(starts):
        stop = starts[position + 1][1] if position + 1 < len(starts) else len(lines)
        end = _function_end(lines, name, start, stop)
        result.append(Function(name, lines[start].number, lines[end].number))
    return tuple(result)


# ------------------------------------------------------------------ check_x86_64

_X86_ATT_REGISTER = re.compile(
    r"%(?:r[a-d]x|r[sd]i|r[sb]p|rip|r(?:[89]|1[0-5])[dwb]?|e[a-d]x|e[sd]i|e[sb]p"
    r"|[a-d][xlh]|[sd]il|[sb]pl|[xyz]mm\d+|[cdefgs]s|k[0-7]|st)\b"
)
_X86_INTEL_REGISTER = re.compile(
    r"\b(?:r[a-d]x|r[sd]i|r[sb]p|rip|r(?:[89]|1[0-5])[dwb]?|e[a-d]x|e[sd]i|e[sb]p|[xyz]mm\d+)\b",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AARCH64_MNEMONICS = _words(
    "ldr str stp ldp ldrb strb ldrh strh ldrsw ldrsb ldrsh ldur stur ldxr stxr adrp adr "
    "bl blr br cbz cbnz tbz tbnz csel cset csetm csinc csneg cinc madd msub smull umull "
    "sdiv udiv movk movz mvn orr eor bic lsl lsr asr ubfx sbfx ubfiz sxtw uxtw sxtb uxtb "
    "fmov fadd fsub fmul fdiv scvtf ucvtf fcvtzs subs adds ands ccmp"
)
_AARCH64_REGISTER = re.compile(r"^(?:[xw](?:[12]?\d|30)|sp|xzr|wzr|lr|fp|[sdq]\d+)$", re.I)
_AARCH64_DIRECTIVES = re.compile(
    r"^\.(?:arch\s+armv|cpu\b|arch_extension\b|syntax\s+unified|thumb\b|arm\b|eabi_attribute"
    r"|fpu\b|type\s+[\w.$]+\s*,\s*%function)",
    re.I,
)
_RISCV_MNEMONICS = _words(
    "li la lui auipc ecall ebreak jal jalr addi addiw addw subw slli srli srai slliw sd ld "
    "lw lwu sw lh lhu sh lb lbu sb beq bne blt bge bltu bgeu beqz bnez blez bgez bltz bgtz "
    "mv sext.w fld fsd flw fsw"
)
_RISCV_REGISTER = re.compile(r"^(?:a[0-7]|t[0-6]|s(?:[0-9]|1[01])|ra|zero|gp|tp|f[at]\d+)$")
_RISCV_DIRECTIVES = re.compile(r"^\.(?:option\b|attribute\s+(?:arch|\d))", re.I)
_MAIN_LABEL = re.compile(r"^(?:[A-Za-z_.$][\w.$]*\s*:\s*)*\"?main\"?\s*:(?!:)")


def _operands(statement: str) -> list[str]:
    """The operand words of an instruction statement, without brackets or immediates."""
    parts = statement.split(None, 1)
    if len(parts) < 2:
        return []
    return [word for word in re.split(r"[\s,\[\]{}!]+", parts[1]) if word]


def _foreign_architecture(statement: str) -> str | None:
    """Which non-x86 architecture a single statement is evidence of, if any."""
    if _AARCH64_DIRECTIVES.match(statement):
        return "AArch64"
    if _RISCV_DIRECTIVES.match(statement):
        return "RISC-V"
    if statement.startswith(".") or "%" in statement:
        return None
    mnemonic = statement.split(None, 1)[0].lower()
    operands = _operands(statement)
    if mnemonic in _AARCH64_MNEMONICS or mnemonic.startswith("b."):
        return "AArch64"
    if mnemonic in _RISCV_MNEMONICS:
        return "RISC-V"
    if operands and _AARCH64_REGISTER.match(operands[0]):
        return "AArch64"
    if operands and _RISCV_REGISTER.match(operands[0]):
        return "RISC-V"
    return None


def _code_statements(text: str):
    """Every statement of the text, comments removed and labels peeled off."""
    for line in _strip_comments(text).split("\n"):
        for statement in _statements(line):
            labels, rest = _split_labels(statement)
            yield labels, rest


def _architecture_evidence(text: str) -> tuple[int, dict[str, int]]:
    """Statements that look x86-64, and counts of statements that look like other ISAs."""
    intel = re.search(r"^\s*\.intel_syntax", text, re.MULTILINE) is not None
    x86 = 0
    foreign: dict[str, int] = {}
    for _labels, statement in _code_statements(text):
        if not statement:
            continue
        bare = re.sub(_STRING, '""', statement)
        if _X86_ATT_REGISTER.search(bare) or (intel and _X86_INTEL_REGISTER.search(bare)):
            x86 += 1
        elif arch := _foreign_architecture(bare):
            foreign[arch] = foreign.get(arch, 0) + 1
    return x86, foreign


def _looks_binary(text: str) -> bool:
    """NUL bytes, or more than a tenth of the characters unprintable (or undecodable)."""
    if "\x00" in text:
        return True
    unusual = re.findall(r"[^\t\n\r\x20-\x7e]", text)  # plain ASCII text skips the loop
    unprintable = sum(
        1 for char in unusual if char == "\ufffd" or not (char.isprintable() or char.isspace())
    )
    return unprintable > len(text) / 10


def _defines_main(text: str) -> bool:
    return any("main" in labels for labels, _rest in _code_statements(text))


def check_x86_64(text: str, need_main: bool = True) -> None:
    """Raise BadInput (one line) unless the text plausibly is an x86-64 GAS program
    (with a main, unless `need_main` is false: other files supply it)."""
    if not text.strip():
        raise BadInput("empty assembly file")
    if _looks_binary(text):
        raise BadInput("binary data, not assembly text")
    x86, foreign = _architecture_evidence(text)
    if foreign:
        arch, count = max(foreign.items(), key=lambda item: item[1])
        if count > x86:
            raise BadInput(f"not x86-64 assembly (looks like {arch})")
    if need_main and not _defines_main(text):
        raise BadInput("no main function in the assembly")


# ---------------------------------------------------------- forbidden_directives

# Tokens, not just directive names: `.include`/`.incbin` also reach gas through
# macro arguments (`m incbin`), and `\arg`, `.\arg` or `.inc\()bin` build a
# directive name inside a macro, so any such token or computed name is refused.
_FORBIDDEN_TOKEN = re.compile(r"(?<![\w$])(?:include|incbin)(?![\w$])", re.IGNORECASE)
_COMPUTED_DIRECTIVE = re.compile(r"^(?:\\|\.[\w.$]*\\)")


def forbidden_directives(text: str) -> list[tuple[int, str]]:
    """(line number, line text) of each line that could make gas read a host file."""
    originals = _split_lines(text)
    found = []
    for index, line in enumerate(_strip_comments(text).split("\n")[: len(originals)]):
        bare = re.sub(_STRING, '""', line)
        computed = any(
            _COMPUTED_DIRECTIVE.match(_split_labels(statement)[1])
            for statement in _statements(bare)
        )
        if computed or _FORBIDDEN_TOKEN.search(bare):
            found.append((index + 1, originals[index]))
    return found


# -------------------------------------------------------------- extract_assembly

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$")
_ASM_TAGS = frozenset(
    {"asm", "assembly", "assembler", "s", "gas", "x86", "x86asm", "x86-64", "x86_64", "nasm", "att"}
)
_ASM_LINE = re.compile(
    r"^\s*$|^\s*(?:#|/\*|\*|\.[A-Za-z_]|[A-Za-z_.$][\w.$@]*\s*:|\d+\s*:)"
    r"|^[ \t]+[A-Za-z][\w.]*(?:[ \t]+\S.*)?$"
)


@dataclass(frozen=True)
class _Block:
    tag: str
    body: str
    closed: bool


def _fenced_blocks(reply: str) -> list[_Block]:
    """Markdown fenced code blocks, with their (lowercased) tags; the last may be unclosed."""
    blocks: list[_Block] = []
    lines = reply.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if not opening:
            continue
        indent, fence, tag = opening.group(1), opening.group(2), opening.group(3).lower()
        body: list[str] = []
        closed = False
        while index < len(lines):
            line = lines[index]
            index += 1
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                closed = True
                break
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
        blocks.append(_Block(tag, "\n".join(body), closed))
    return blocks


def _has_main(body: str) -> bool:
    return any(_MAIN_LABEL.match(line.strip()) for line in body.splitlines())


def _looks_like_listing(text: str) -> bool:
    """A bare reply counts as assembly when it defines main, has instructions and no prose."""
    lines = text.splitlines()
    instructions = [line for line in lines if re.match(r"^[ \t]+[a-z][a-z0-9]*\b", line)]
    asm_lines = sum(1 for line in lines if _ASM_LINE.match(line))
    return _has_main(text) and bool(instructions) and asm_lines >= 0.9 * len(lines)


def _with_newline(body: str) -> str:
    return body.strip("\n") + "\n"


def extract_assembly(reply: str) -> str | None:
    """The assembly listing in a model's reply, or None when there is no complete one.

    Fenced blocks tagged as assembly or untagged are candidates; the best is the one
    that defines main, then tagged, then longest. An unclosed fence means the reply
    was cut off, so None: a truncated program must not be assembled as if complete.
    """
    blocks = _fenced_blocks(reply)
    if blocks:
        if not blocks[-1].closed:
            return None
        candidates = [
            (_has_main(block.body), bool(block.tag), len(block.body), position, block.body)
            for position, block in enumerate(blocks)
            if (not block.tag or block.tag in _ASM_TAGS) and block.body.strip()
        ]
        return _with_newline(max(candidates)[4]) if candidates else None
    if _looks_like_listing(reply):
        return _with_newline(reply)
    return None


# --------------------------------------------------------------------- normalize

_IGNORED_DIRECTIVES = re.compile(
    r"^\.(?:file|ident|loc|loc_mark_labels|cfi_\w+)\b|^\.section\s+\"?\.note\.GNU-stack\b"
)


def _canonical_statements(text: str):
    """Statements one per item, labels split off, whitespace canonical, noise dropped."""
    for labels, statement in _code_statements(text):
        yield from (f"{label}:" for label in labels)
        canonical = _squash(statement)
        if canonical and not _IGNORED_DIRECTIVES.match(canonical):
            yield canonical


def normalize(text: str) -> str:
    """Canonical text for "same program as the baseline" checks.

    Comments, blank lines, debug/unwind info (`.file`, `.ident`, `.loc`, `.cfi_*`,
    the GNU-stack note) and layout (whitespace, `;` vs newline, label on its own
    line or not) are dropped; every instruction, operand, label and data directive
    is kept, strings verbatim.
    """
    statements = list(_canonical_statements(text))
    return "\n".join(statements) + "\n" if statements else ""


# ------------------------------------------------------------------ unified_diff


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def unified_diff(
    old: str, new: str, old_name: str = "baseline.s", new_name: str = "candidate.s"
) -> str:
    """A unified diff (3 lines of context); the empty string when the texts are equal."""
    diff = difflib.unified_diff(
        _diff_lines(old), _diff_lines(new), fromfile=old_name, tofile=new_name
    )
    return "".join(diff)


def with_extra_work(text: str, iterations: int) -> str:
    """The same program plus a known amount of extra work: a countdown loop of
    `iterations` steps on entry to main (about one cycle each). For calibrating
    the harness: a candidate known to be slower (or, taken as the baseline, one
    known to be faster) by a chosen margin. %rcx is free at main's entry."""
    if iterations < 1:
        raise ValueError("iterations must be at least 1")  # 0 would count down 2**64
    lines = text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() == "main:"), None)
    if at is None:
        raise ValueError("no main: label")
    loop = f"\tmovabsq\t${iterations}, %rcx\n.Lextra_work:\n\tsubq\t$1, %rcx\n\tjnz\t.Lextra_work\n"
    return "".join([*lines[: at + 1], loop, *lines[at + 1 :]])
