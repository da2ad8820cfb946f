"""tools.asm: parsing real gcc output, input checks, extraction from replies, comparison."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tools import asm
from tools.errors import BadInput

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")

C_SOURCE = r"""
#include <stdio.h>
static const char *msg = "hi # there; .include \"x\"";
int table[100];
int triple(int x) { return 3 * x + 1; }
int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long s = 0;
    for (int i = 0; i < n; i++) { table[i % 100] += triple(i); s += table[i % 100]; }
    printf("%ld %s\n", s, msg);
    return 0;
}
"""


def gcc_s(tmp_path: Path, source: str = C_SOURCE, *flags: str) -> str:
    c_file = tmp_path / "prog.c"
    c_file.write_text(source)
    s_file = tmp_path / "prog.s"
    subprocess.run(["gcc", "-O3", "-S", *flags, str(c_file), "-o", str(s_file)], check=True)
    return s_file.read_text()


@pytest.fixture(scope="module")
def gcc_listing(tmp_path_factory) -> str:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    return gcc_s(tmp_path_factory.mktemp("gcc"))


AARCH64 = """\
\t.arch armv8-a
\t.file\t"p.c"
\t.text
\t.section\t.rodata.str1.8,"aMS",@progbits,1
\t.align\t3
.LC0:
\t.string\t"%d\\n"
\t.section\t.text.startup,"ax",@progbits
\t.align\t2
\t.p2align 4,,11
\t.global\tmain
\t.type\tmain, %function
main:
.LFB11:
\t.cfi_startproc
\tstp\tx29, x30, [sp, -16]!
\t.cfi_def_cfa_offset 16
\tmov\tx29, sp
\tldr\tw1, [x1]
\tadrp\tx0, .LC0
\tadd\tx0, x0, :lo12:.LC0
\tbl\tprintf
\tmov\tw0, 0
\tldp\tx29, x30, [sp], 16
\tret
\t.cfi_endproc
\t.size\tmain, .-main
"""

RISCV = """\
\t.attribute arch, "rv64i2p1_m2p0_a2p1"
\t.text
\t.globl\tmain
\t.type\tmain, @function
main:
\taddi\tsp,sp,-16
\tsd\tra,8(sp)
\tlui\ta0,%hi(.LC0)
\taddi\ta0,a0,%lo(.LC0)
\tcall\tputs
\tli\ta0,0
\tld\tra,8(sp)
\taddi\tsp,sp,16
\tjr\tra
"""

SMALL_X86 = """\
\t.text
\t.globl\tmain
\t.type\tmain, @function
main:
\tmovl\t$42, %eax
\tret
\t.size\tmain, .-main
"""


# ------------------------------------------------------------------------ parse


def test_parse_real_gcc_output_keeps_every_line_verbatim(gcc_listing):
    listing = asm.parse(gcc_listing)
    assert [line.number for line in listing.lines] == list(range(1, len(listing.lines) + 1))
    assert "\n".join(line.text for line in listing.lines) + "\n" == gcc_listing
    assert all(line.kind in {"instruction", "label", "directive", "blank", "comment"}
               for line in listing.lines)  # fmt: skip


def test_parse_real_gcc_output_finds_functions(gcc_listing):
    listing = asm.parse(gcc_listing)
    by_name = {function.name: function for function in listing.functions}
    assert set(by_name) == {"triple", "main"}
    for name, function in by_name.items():
        start = listing.lines[function.start - 1]
        end = listing.lines[function.end - 1]
        assert start.kind == "label" and start.label == name and start.text == f"{name}:"
        assert end.mnemonic == ".size" and end.text.split()[1] == f"{name},"
        assert function.start < function.end
    assert listing.labels()["main"] == by_name["main"].start
    # The data object `table` is typed @object: a label, not a function.
    assert "table" in listing.labels()


def test_parse_real_gcc_output_error_lines_are_textual(gcc_listing):
    listing = asm.parse(gcc_listing)
    plt_calls = [line for line in listing.lines if "@PLT" in line.text]
    assert plt_calls, "gcc -O3 output calls libc through the PLT"
    for line in plt_calls:
        assert line.parsed is False
        assert line.kind == "instruction" and line.mnemonic == "call"
        assert line.text in gcc_listing.splitlines()
    p2align = [line for line in listing.lines if line.text.strip().startswith(".p2align")]
    assert p2align and all(line.kind == "directive" and not line.parsed for line in p2align)
    assert all(line.mnemonic == ".p2align" for line in p2align)
    # Plain lines still come from the grammar.
    assert any(line.parsed and line.kind == "instruction" for line in listing.lines)
    assert any(line.parsed and line.kind == "label" for line in listing.lines)


def test_parse_real_gcc_output_instructions(gcc_listing):
    listing = asm.parse(gcc_listing)
    instructions = listing.instructions()
    expected = [
        number
        for number, text in enumerate(gcc_listing.splitlines(), 1)
        if text.startswith("\t") and text[1:2].isalpha()
    ]
    assert [line.number for line in instructions] == expected
    assert all(line.mnemonic and line.mnemonic.isalnum() for line in instructions)
    assert any(line.mnemonic == "ret" for line in instructions)


@needs_gcc
def test_parse_hot_cold_split_does_not_overlap(tmp_path):
    source = r"""
    #include <stdio.h>
    #include <stdlib.h>
    __attribute__((cold, noreturn, noinline)) void die(const char *m) { fputs(m, stderr); exit(1); }
    int main(void) {
        int n;
        if (scanf("%d", &n) != 1) die("bad input\n");
        long s = 0;
        for (int i = 0; i < n; i++) { if (i > 1000000) die("big\n"); s += i * (long)i; }
        printf("%ld\n", s);
        return 0;
    }
    """
    text = gcc_s(tmp_path, source)
    listing = asm.parse(text)
    names = [function.name for function in listing.functions]
    assert "main" in names and "die" in names
    ordered = sorted(listing.functions, key=lambda function: function.start)
    for first, second in itertools.pairwise(ordered):
        assert first.end < second.start
    if "main.cold" in names:  # gcc 12 splits main's cold path into main.cold
        main = next(f for f in listing.functions if f.name == "main")
        cold = next(f for f in listing.functions if f.name == "main.cold")
        assert listing.lines[main.end - 1].kind == "instruction"
        assert listing.lines[cold.end - 1].text.strip().startswith(".size\tmain.cold")


def test_parse_handwritten_line_kinds():
    text = (
        "# leading comment\n"
        "\n"
        "\t.globl\tmain\n"
        "main:\tmovl $1, %eax  # trailing\n"
        "\tnop\n"
        "/* block\n"
        "   comment */\n"
        "x = 5\n"
        "1:\tjmp 1b\n"
        "\tret"
    )
    lines = asm.parse(text).lines
    assert [line.kind for line in lines] == [
        "comment",
        "blank",
        "directive",
        "label",
        "instruction",
        "comment",
        "comment",
        "directive",
        "label",
        "instruction",
    ]
    assert lines[2].mnemonic == ".globl"
    assert lines[3].label == "main" and lines[3].mnemonic is None
    assert lines[4].mnemonic == "nop" and lines[4].parsed
    assert lines[8].label == "1" and not lines[8].parsed
    assert lines[9].text == "\tret" and lines[9].mnemonic == "ret"
    assert "\n".join(line.text for line in lines) == text


def test_parse_function_without_type_or_size():
    text = (
        "\t.globl\tcounter\n"
        "\t.data\n"
        "counter:\t.long 0\n"
        "\t.text\n"
        "\t.globl\thelper\n"
        "helper:\n"
        "\tleal 1(%rdi), %eax\n"
        "\tret\n"
        "\t.globl\tmain\n"
        "main:\n"
        "\tcall helper\n"
        "\tret\n"
        "\t.section\t.rodata\n"
        '.LC0:\t.string "x"\n'
    )
    listing = asm.parse(text)
    assert listing.functions == (
        asm.Function("helper", 6, 8),
        asm.Function("main", 10, 12),
    )


def test_parse_empty_and_missing_final_newline():
    assert asm.parse("") == asm.Listing((), ())
    listing = asm.parse("main:\n\tret")
    assert [line.text for line in listing.lines] == ["main:", "\tret"]
    assert listing.labels() == {"main": 1}


def test_parse_survives_garbage():
    text = '\t"unterminated\n)))(((\n\x01\x02 @@@\nmain:\n\tret\n'
    listing = asm.parse(text)
    assert [line.text for line in listing.lines] == text.splitlines()
    assert listing.labels()["main"] == 4


def test_parse_is_fast_on_5000_lines(gcc_listing):
    """Linear in the listing, whatever the machine's speed: 8 times the lines
    took 11 to 12 times as long here (memory effects); a quadratic parser, 64."""
    repeats = 5000 // len(gcc_listing.splitlines()) + 1
    small = gcc_listing * repeats
    assert len(small.splitlines()) >= 5000
    asm.parse(small)  # warm the parser
    best = min(_timed(asm.parse, small) for _ in range(5))
    eight = min(_timed(asm.parse, small * 8) for _ in range(3))
    assert eight < 32 * best, (best, eight)
    assert best < 2.0  # about 0.03 s here: nothing like a second per 5,000 lines


def _timed(function, argument) -> float:
    start = time.perf_counter()
    function(argument)
    return time.perf_counter() - start


# ----------------------------------------------------------------- check_x86_64


def test_check_accepts_gcc_output(gcc_listing):
    asm.check_x86_64(gcc_listing)
    asm.check_x86_64(SMALL_X86)


@needs_gcc
def test_check_accepts_intel_syntax(tmp_path):
    asm.check_x86_64(gcc_s(tmp_path, C_SOURCE, "-masm=intel"))


def test_check_accepts_x86_function_named_like_arm_mnemonics():
    text = SMALL_X86.replace("\tret\n", "\tcall\tstr\n\tcall\tx1\n\tret\n")
    asm.check_x86_64(text)


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
def test_check_rejects_empty(text):
    with pytest.raises(BadInput, match=r"^empty assembly file$"):
        asm.check_x86_64(text)


@pytest.mark.parametrize(
    "text",
    [
        SMALL_X86 + "\x00\x00",
        bytes(range(256)).decode("latin-1") * 4,
        (b"\x7fELF\x02\x01\x01" + bytes(500)).decode("utf-8", "replace"),
        "\ufffd\x01\x02\x03" * 100 + "main:\n",
    ],
)
def test_check_rejects_binary(text):
    with pytest.raises(BadInput, match=r"^binary data, not assembly text$"):
        asm.check_x86_64(text)


def test_check_rejects_aarch64():
    with pytest.raises(BadInput, match=r"^not x86-64 assembly \(looks like AArch64\)$"):
        asm.check_x86_64(AARCH64)


def test_check_rejects_aarch64_without_telltale_directives():
    body = "main:\n\tstp x29, x30, [sp, -16]!\n\tldr w0, [x1]\n\tbl printf\n\tret\n"
    with pytest.raises(BadInput, match="AArch64"):
        asm.check_x86_64(body)


def test_check_rejects_riscv():
    with pytest.raises(BadInput, match=r"^not x86-64 assembly \(looks like RISC-V\)$"):
        asm.check_x86_64(RISCV)


def test_check_rejects_missing_main():
    text = SMALL_X86.replace("main", "compute")
    with pytest.raises(BadInput, match=r"^no main function in the assembly$"):
        asm.check_x86_64(text)
    commented = text + '# main:\n\t.string "main:"\n'
    with pytest.raises(BadInput, match="no main function"):
        asm.check_x86_64(commented)


def test_check_accepts_main_after_another_label():
    asm.check_x86_64("\t.text\n_start: main:\n\tmovl $0, %eax\n\tret\n")


# ---------------------------------------------------------- forbidden_directives


def test_forbidden_directives_plain_and_hidden():
    text = (
        '\t.include "/etc/passwd"\n'  # 1
        "\tmovl $1, %eax\n"  # 2
        'foo: .incbin "/etc/passwd"\n'  # 3
        '\tnop; .include "x"\n'  # 4
        '\t.INCBIN "/etc/shadow", 0, 10\n'  # 5
        'bar:.Include "y"\n'  # 6
        '\tnop ; nop ; .incbin "z"   # comment\n'  # 7
        "main:\n"  # 8
    )
    found = asm.forbidden_directives(text)
    assert found == [
        (1, '\t.include "/etc/passwd"'),
        (3, 'foo: .incbin "/etc/passwd"'),
        (4, '\tnop; .include "x"'),
        (5, '\t.INCBIN "/etc/shadow", 0, 10'),
        (6, 'bar:.Include "y"'),
        (7, '\tnop ; nop ; .incbin "z"   # comment'),
    ]


def test_forbidden_directives_ignores_comments_and_strings():
    text = (
        '\t# .include "x"\n'
        '\tnop # .incbin "y"\n'
        '\t.string ".include \\"z\\""\n'
        '/* .incbin "a"\n'
        '   .include "b" */\n'
        "\tmovl $1, %eax\n"
    )
    assert asm.forbidden_directives(text) == []


def test_forbidden_directives_catches_macro_tricks():
    text = (
        ".macro m d\n"  # 1
        '\t.\\d "/etc/passwd"\n'  # 2: computed directive name
        ".endm\n"  # 3
        "\tm incbin\n"  # 4: the name passed as an argument
        ".macro n x\n"  # 5
        '\t\\x "/etc/passwd"\n'  # 6
        ".endm\n"  # 7
    )
    assert [number for number, _ in asm.forbidden_directives(text)] == [2, 4, 6]


def test_forbidden_directives_clean_gcc_output(gcc_listing):
    assert asm.forbidden_directives(gcc_listing) == []


def test_forbidden_directive_after_multiline_comment_keeps_line_numbers():
    text = '/* one\n two */\n\t.incbin "f"\n'
    assert asm.forbidden_directives(text) == [(3, '\t.incbin "f"')]


# ------------------------------------------------------------- extract_assembly


def test_extract_tagged_fence():
    reply = f"Here is the faster version:\n\n```asm\n{SMALL_X86}```\n\nIt avoids a load."
    assert asm.extract_assembly(reply) == SMALL_X86


@pytest.mark.parametrize("tag", ["ASM", "assembly", "s", "gas", "x86", "nasm", "x86asm"])
def test_extract_accepts_assembly_tags(tag):
    reply = f"```{tag}\n{SMALL_X86}```"
    assert asm.extract_assembly(reply) == SMALL_X86


def test_extract_untagged_fence_adds_final_newline():
    reply = "Result:\n```\nmain:\n\tmovl $0, %eax\n\tret\n```"
    assert asm.extract_assembly(reply) == "main:\n\tmovl $0, %eax\n\tret\n"


def test_extract_ignores_other_languages():
    reply = "```c\nint main(void) { return 0; }\n```\n"
    assert asm.extract_assembly(reply) is None


def test_extract_several_blocks_prefers_full_listing():
    snippet = "\timull $3, %edi, %eax\n"
    reply = (
        "The key change is:\n```asm\n" + snippet + "```\n"
        "In C terms:\n```c\nreturn 3 * x;\n```\n"
        "Full program:\n```asm\n" + SMALL_X86 + "```\n"
    )
    assert asm.extract_assembly(reply) == SMALL_X86


def test_extract_prefers_tagged_then_longest():
    longer = SMALL_X86.replace("\tret\n", "\tnop\n\tret\n")
    untagged_long = f"```\n{longer}```\n"
    tagged = f"```asm\n{SMALL_X86}```\n"
    assert asm.extract_assembly(untagged_long + tagged) == SMALL_X86
    assert asm.extract_assembly(f"```asm\n{SMALL_X86}```\n```asm\n{longer}```\n") == longer


def test_extract_bare_listing():
    assert asm.extract_assembly(SMALL_X86) == SMALL_X86
    assert asm.extract_assembly(SMALL_X86.rstrip("\n")) == SMALL_X86


def test_extract_prose_only_is_none():
    reply = "I could not find a faster version: the main loop is already optimal."
    assert asm.extract_assembly(reply) is None
    mixed = "Try this:\nmain:\n\tret\nThis should be much faster because it returns early.\n"
    assert asm.extract_assembly(mixed) is None


def test_extract_truncated_fence_is_none():
    reply = f"```asm\n{SMALL_X86}\tmovl %eax, %ebx\n\tadd"
    assert asm.extract_assembly(reply) is None
    earlier_complete = f"```asm\n{SMALL_X86}```\nBetter:\n```asm\nmain:\n\tmov"
    assert asm.extract_assembly(earlier_complete) is None


def test_extract_tilde_and_indented_fences():
    assert asm.extract_assembly(f"~~~asm\n{SMALL_X86}~~~\n") == SMALL_X86
    indented = "  ```asm\n  main:\n  \tret\n  ```\n"
    assert asm.extract_assembly(indented) == "main:\n\tret\n"


# -------------------------------------------------------------------- normalize


def test_normalize_ignores_formatting_comments_and_debug_info():
    original = (
        '\t.file\t"p.c"\n'
        "\t.text\n"
        "\t.globl\tmain\n"
        "main:\n"
        "\t.cfi_startproc\n"
        "\tmovl\t$1, %eax\n"
        "\taddl\t%eax, %eax\n"
        "\tret\n"
        "\t.cfi_endproc\n"
        '\t.ident\t"GCC: 12"\n'
        '\t.section\t.note.GNU-stack,"",@progbits\n'
    )
    reformatted = (
        "# rewritten by hand\n"
        "    .text\n"
        "\n"
        "    .globl main   # entry\n"
        "main:   movl $1,%eax   /* one */\n"
        "    addl %eax , %eax ; ret\n"
        "\t.loc 1 2 3\n"
    )
    assert asm.normalize(original) == asm.normalize(reformatted)
    expected = ".text\n.globl main\nmain:\nmovl $1,%eax\naddl %eax,%eax\nret\n"
    assert asm.normalize(original) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\tmovl $1, %eax\n", "\tmovl $2, %eax\n"),
        ("\tmovl $1, %eax\n", "\tmovl $1, %ebx\n"),
        ("\taddl %eax, %eax\n", "\tsubl %eax, %eax\n"),
        (".L1:\n\tret\n", ".L2:\n\tret\n"),
        ('\t.string "a  b"\n', '\t.string "a b"\n'),
        ("\t.long 5\n", "\t.long 6\n"),
        ('\t.string "x # y"\n', '\t.string "x # z"\n'),
    ],
)
def test_normalize_sees_real_changes(old, new):
    assert asm.normalize(old) != asm.normalize(new)


def test_normalize_real_listing_one_constant(gcc_listing):
    assert asm.normalize(gcc_listing) == asm.normalize(gcc_listing.replace("\t", "  "))
    changed = gcc_listing.replace("$1, %eax", "$2, %eax", 1)
    assert changed != gcc_listing
    assert asm.normalize(changed) != asm.normalize(gcc_listing)


def test_normalize_empty():
    assert asm.normalize("# only a comment\n\n") == ""


# ----------------------------------------------------------------- unified_diff


def test_unified_diff_identical_is_empty():
    assert asm.unified_diff(SMALL_X86, SMALL_X86) == ""


def test_unified_diff_shows_change():
    new = SMALL_X86.replace("$42", "$43")
    diff = asm.unified_diff(SMALL_X86, new)
    lines = diff.splitlines()
    assert lines[0] == "--- baseline.s"
    assert lines[1] == "+++ candidate.s"
    assert "-\tmovl\t$42, %eax" in lines
    assert "+\tmovl\t$43, %eax" in lines
    assert diff.endswith("\n")


def test_unified_diff_names_and_missing_newline():
    diff = asm.unified_diff("a\nb", "a\nc", old_name="x.s", new_name="y.s")
    assert diff == "--- x.s\n+++ y.s\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
