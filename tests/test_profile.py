"""tools/profile.py: perf and callgrind hot lines of real programs, and the parsers."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import profile as profmod
from tools.errors import BadInput
from tools.profile import (
    Profile,
    parse_callgrind,
    parse_line_table,
    parse_perf_functions,
    perf_line_counts,
    profile,
)

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None or shutil.which("gcc") is None,
    reason="bubblewrap (bwrap) or gcc is not installed",
)
needs_perf = pytest.mark.skipif(shutil.which("perf") is None, reason="perf is not installed")
needs_valgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="valgrind is not installed"
)

HOT_C = r"""
#include <stdio.h>
int main(void) {
    unsigned n, i;
    unsigned long s = 0;
    if (scanf("%u", &n) != 1) return 1;
    for (i = 1; i < n; i++) {
        s += (n * 7u + i) % i;
        s ^= (s << 3) / (i | 1);
    }
    printf("%lu\n", s);
    return 0;
}
"""

# HOT_C's loop, run again until the process has used CPU_S of CPU time: the
# sample count is fixed by construction (CPU_S at the sampling rate), not by how
# fast this machine runs a fixed loop.
CPU_S = 0.3
HOT_TIMED_C = r"""
#include <stdio.h>
#include <time.h>
int main(void) {
    unsigned n, i, rounds = 0;
    unsigned long s = 0;
    if (scanf("%u", &n) != 1) return 1;
    do {
        for (i = 1; i < n; i++) {
            s += (n * 7u + i) % i;
            s ^= (s << 3) / (i | 1);
        }
        rounds++;
    } while (clock() < (clock_t)(CPU_S * CLOCKS_PER_SEC));
    printf("%lu %u\n", s, rounds);
    return 0;
}
""".replace("CPU_S", repr(CPU_S))

# Sums the numbers on stdin with fscanf, over and over from memory until CPU_S of
# CPU time is spent (stdin is a pipe: it cannot be rewound).
SCANF_C = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>
static char text[1 << 22];
int main(void) {
    size_t size = fread(text, 1, sizeof text, stdin);
    long x, s = 0;
    do {
        FILE *f = fmemopen(text, size, "r");
        if (!f) return 1;
        while (fscanf(f, "%ld", &x) == 1) s += x;
        fclose(f);
    } while (clock() < (clock_t)(CPU_S * CLOCKS_PER_SEC));
    printf("%ld\n", s);
    return 0;
}
""".replace("CPU_S", repr(CPU_S))

CRASH_S = "\t.text\n\t.globl\tmain\nmain:\n\txorl\t%eax, %eax\n\tmovq\t(%rax), %rax\n\tret\n"

SPIN_S = "\t.text\n\t.globl\tmain\nmain:\n.Lspin:\n\taddq\t$1, %rax\n\tjmp\t.Lspin\n"


@pytest.fixture(scope="module")
def sandbox():
    from tools.sandbox import Sandbox

    return Sandbox()


def compile_c(tmp_path_factory, source: str) -> str:
    folder = tmp_path_factory.mktemp("prof")
    (folder / "prog.c").write_text(source)
    subprocess.run(
        ["gcc", "-O2", "-S", "-o", str(folder / "prog.s"), str(folder / "prog.c")], check=True
    )
    return (folder / "prog.s").read_text()


def sample_hz() -> int:
    """The rate perf samples at here: ours, unless the kernel caps it lower."""
    try:
        cap = int(Path("/proc/sys/kernel/perf_event_max_sample_rate").read_text())
    except (OSError, ValueError):
        return profmod.SAMPLE_HZ
    return min(profmod.SAMPLE_HZ, cap) if cap > 0 else profmod.SAMPLE_HZ


def build(sandbox, asm: str, *flags: str) -> bytes:
    """Link the .s the way candidates are built, so line info names /sb/prog.s."""
    done = sandbox.run(
        ["sh", "-c", 'gcc -g "$@" -o /tmp/prog {sb}/prog.s >&2 && cat /tmp/prog', "sh", *flags],
        files={"prog.s": (asm.encode(), 0o444)},
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def loop_range(asm: str) -> tuple[int, int]:
    """(label line, back-edge line) of the loop holding the first division."""
    lines = asm.split("\n")
    div = next(i for i, text in enumerate(lines, 1) if re.match(r"\s*div", text))
    head, label = next(
        (i, m.group(1))
        for i in range(div, 0, -1)
        if (m := re.match(r"(\.L\w+):", lines[i - 1].strip()))
    )
    back = next(
        i
        for i in range(div, len(lines) + 1)
        if re.match(rf"\s*j\w+\s+{re.escape(label)}\s*$", lines[i - 1])
    )
    return head, back


def check_shape(prof: Profile, asm: str, top: int = 10) -> None:
    lines = asm.split("\n")
    assert 0 < len(prof.hot_lines) <= top
    percents = [h.percent for h in prof.hot_lines]
    assert all(0 < p <= 100 for p in percents)
    assert sum(percents) <= 100 + 1e-9
    assert percents == sorted(percents, reverse=True)
    for h in prof.hot_lines:
        assert h.text == lines[h.line - 1].strip()
    assert len(prof.functions) <= 15
    assert all(0 < f.percent <= 100 for f in prof.functions)
    assert sum(f.percent for f in prof.functions) <= 100 + 1e-9


@pytest.fixture(scope="module")
def hot(tmp_path_factory, sandbox):
    asm = compile_c(tmp_path_factory, HOT_C)
    return asm, build(sandbox, asm)


@needs_bwrap
@needs_perf
def test_perf_finds_the_hot_loop(tmp_path_factory, sandbox):
    asm = compile_c(tmp_path_factory, HOT_TIMED_C)
    binary = build(sandbox, asm)
    head, back = loop_range(asm)
    prof = profile(binary, asm, b"1000000\n", sandbox, tool="perf")
    assert prof.tool == "perf", prof.message
    assert prof.message == ""
    # 0.3 s of CPU at 20 kHz: 6,000 samples, less perf's own share of the CPU.
    assert prof.samples > CPU_S * sample_hz() / 2
    check_shape(prof, asm)
    # cpu-clock samples skid to the next instruction, but they stay in the loop
    for h in prof.hot_lines[:3]:
        assert head <= h.line <= back, (h, head, back)
    in_loop = sum(h.percent for h in prof.hot_lines if head <= h.line <= back)
    assert in_loop > 80
    main = [f for f in prof.functions if f.name == "main"]
    assert main and main[0].dso == "prog" and main[0].percent > 80


@needs_bwrap
@needs_perf
def test_perf_maps_lines_of_a_non_pie_binary(hot, sandbox):
    asm, _ = hot
    head, back = loop_range(asm)
    binary = build(sandbox, asm, "-no-pie")
    assert binary[16] == 2  # ET_EXEC: link addresses are runtime addresses
    prof = profile(binary, asm, b"20000000\n", sandbox, tool="perf")
    check_shape(prof, asm)
    assert sum(h.percent for h in prof.hot_lines if head <= h.line <= back) > 80


@needs_bwrap
@needs_perf
def test_auto_uses_perf_and_honours_top(hot, sandbox):
    asm, binary = hot
    prof = profile(binary, asm, b"20000000\n", sandbox, top=2)
    assert prof.tool == "perf"
    assert len(prof.hot_lines) == 2
    check_shape(prof, asm, top=2)


@needs_bwrap
@needs_valgrind
def test_callgrind_counts_every_loop_line(hot, sandbox):
    asm, binary = hot
    head, back = loop_range(asm)
    n = 2_000_000
    prof = profile(binary, asm, b"%d\n" % n, sandbox, top=40, tool="callgrind")
    assert prof.tool == "callgrind", prof.message
    check_shape(prof, asm, top=40)
    loop = [h for h in prof.hot_lines if head < h.line <= back]
    instructions = [
        i for i in range(head + 1, back + 1) if re.match(r"\s*[a-z]", asm.split("\n")[i - 1])
    ]
    assert sorted(h.line for h in loop) == instructions
    # each loop instruction ran n-1 times: exact counts, as a share of all instructions
    for h in loop:
        assert h.percent == pytest.approx((n - 1) * 100 / prof.samples)
    assert sum(h.percent for h in loop) > 90
    assert sum("div" in h.text for h in loop) == 2
    assert prof.hot_lines[0].line in instructions
    assert any(f.name == "main" and f.dso == "prog" and f.percent > 90 for f in prof.functions)


@needs_bwrap
@needs_perf
def test_scanf_time_shows_up_in_libc(tmp_path_factory, sandbox):
    asm = compile_c(tmp_path_factory, SCANF_C)
    binary = build(sandbox, asm)
    rng = random.Random(7)
    data = " ".join(str(rng.randrange(10**9)) for _ in range(100_000)).encode()
    prof = profile(binary, asm, data, sandbox, tool="perf")
    assert prof.tool == "perf"
    assert prof.samples > CPU_S * sample_hz() / 2
    top = prof.functions[0]
    assert top.dso.startswith("libc") and ("scanf" in top.name or "strto" in top.name)
    libc = sum(f.percent for f in prof.functions if f.dso.startswith("libc"))
    assert libc > 70
    assert any("scanf" in f.name for f in prof.functions)
    # the program's own lines are a small share of all samples
    assert sum(h.percent for h in prof.hot_lines) < 15


@needs_bwrap
@needs_perf
def test_crashing_program_gives_a_profile_not_an_exception(sandbox):
    binary = build(sandbox, CRASH_S)
    prof = profile(binary, CRASH_S, b"", sandbox)
    assert prof.tool == "perf"  # a crashed run is not retried under callgrind
    assert "SIGSEGV" in prof.message
    assert all(0 < h.percent <= 100 for h in prof.hot_lines)


@needs_bwrap
@needs_valgrind
def test_crashing_program_under_callgrind(sandbox):
    binary = build(sandbox, CRASH_S)
    prof = profile(binary, CRASH_S, b"", sandbox, tool="callgrind")
    assert prof.tool == "callgrind"
    assert "SIGSEGV" in prof.message
    assert prof.samples > 0  # the loader ran before the crash


@needs_bwrap
@needs_perf
def test_endless_program_is_stopped_and_keeps_its_samples(sandbox):
    from tools.task import Limits

    binary = build(sandbox, SPIN_S)
    prof = profile(binary, SPIN_S, b"", sandbox.with_limits(Limits(timeout_s=0.4)), tool="perf")
    assert prof.tool == "perf"
    assert "stopped after" in prof.message
    assert {h.line for h in prof.hot_lines} <= {5, 6}  # addq, jmp
    assert sum(h.percent for h in prof.hot_lines) > 95


# -- dispatch (no external tools) -------------------------------------------------


def _stub(tool: str, samples: int, exited: bool = True):
    return lambda *args: profmod._Run(Profile(tool, (), (), samples, "stub"), exited)


def test_auto_falls_back_to_callgrind_when_perf_is_unavailable(monkeypatch):
    def no_perf(*args):
        raise profmod._Unavailable("perf record failed: permission denied")

    monkeypatch.setattr(profmod, "_perf", no_perf)
    monkeypatch.setattr(profmod, "_callgrind", _stub("callgrind", 5))
    assert profile(b"", "", b"", None).tool == "callgrind"
    # a run too short for any perf sample is counted by callgrind instead
    monkeypatch.setattr(profmod, "_perf", _stub("perf", 0))
    assert profile(b"", "", b"", None).tool == "callgrind"
    # but not a run that timed out or crashed: callgrind would only be slower
    monkeypatch.setattr(profmod, "_perf", _stub("perf", 0, exited=False))
    assert profile(b"", "", b"", None).tool == "perf"
    # forcing perf does not fall back
    monkeypatch.setattr(profmod, "_perf", _stub("perf", 0))
    assert profile(b"", "", b"", None, tool="perf").tool == "perf"


def test_no_profiler_gives_an_empty_profile_with_reasons(monkeypatch):
    def unavailable(name):
        def run(*args):
            raise profmod._Unavailable(f"{name} is not installed")

        return run

    monkeypatch.setattr(profmod, "_perf", unavailable("perf"))
    monkeypatch.setattr(profmod, "_callgrind", unavailable("valgrind"))
    prof = profile(b"", "", b"", None)
    assert prof.tool == "none" and prof.hot_lines == () and prof.samples == 0
    assert prof.message.startswith("perf and valgrind are unavailable: no hot lines")
    assert "valgrind is not installed" in prof.message
    forced = profile(b"", "", b"", None, tool="callgrind")
    assert forced.tool == "none" and forced.message.startswith("valgrind is unavailable")
    with pytest.raises(BadInput):
        profile(b"", "", b"", None, tool="gprof")


# -- parsers ------------------------------------------------------------------------

CG_OUT = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4
cmd:  /tmp/asmprof.x/prog
part: 1

desc: I1 cache:
positions: line
events: Ir
summary: 1482

ob=(1) /usr/lib/x86_64-linux-gnu/libc.so.6
fl=(1) ./stdio-common/vfscanf-internal.c
fn=(1) __vfscanf_internal
100 300
+2 100
fi=(2) ./libio/libioP.h
-50 50
fe=(1)
* 10

ob=(2) /tmp/asmprof.x/prog
fl=(3) /sb/prog.s
fn=(2) main
15 1
+2 3
cob=(1)
cfi=(1)
cfn=(1)
calls=2 +83
* 460
* 2
cfn=(3) helper
calls=1 -5
+1 40
+1 4
fn=(3)
0x10 5
-3 7
fn=(4) helper'2
+1 1000
this line is malformed
+x 9

totals: 1482
"""


def test_parse_callgrind_handles_compression_and_calls():
    costs = parse_callgrind(CG_OUT)
    assert costs.lines == {
        ("./stdio-common/vfscanf-internal.c", 100): 300,
        ("./stdio-common/vfscanf-internal.c", 102): 100,
        ("./libio/libioP.h", 52): 50,  # fi= switched file, -50 is relative to line 102
        ("./stdio-common/vfscanf-internal.c", 52): 10,  # fe=(1) back, * keeps line 52
        ("/sb/prog.s", 15): 1,
        ("/sb/prog.s", 17): 5,  # 3 + 2: the inclusive 460 after calls= is not self cost
        ("/sb/prog.s", 19): 4,  # the call's cost line moved the position to 18
        ("/sb/prog.s", 16): 5,  # hex subposition
        ("/sb/prog.s", 13): 7,
        ("/sb/prog.s", 14): 1000,  # helper'2 (a recursion level) is helper
    }
    assert costs.functions == {
        ("/usr/lib/x86_64-linux-gnu/libc.so.6", "__vfscanf_internal"): 460,
        ("/tmp/asmprof.x/prog", "main"): 10,
        ("/tmp/asmprof.x/prog", "helper"): 1012,
    }
    assert costs.total == 1482


def test_parse_callgrind_without_totals_sums_self_costs():
    costs = parse_callgrind("events: Ir Dr\nfl=a.s\nfn=f\n3 10 99\n+1 5\ncalls=1 9\n* 1000\n")
    assert costs.lines == {("a.s", 3): 10, ("a.s", 4): 5}
    assert costs.total == 15


def test_parse_perf_functions():
    sep = profmod.SEP
    report = (
        f" 5110  {sep}prog                 {sep}[.] main\n"
        f" 3     {sep}libc.so.6            {sep}[.] __vfscanf_internal\n"
        f" 2     {sep}[kernel.kallsyms]    {sep}[k] do_syscall_64\n"
        f" 1     {sep}prog                 {sep}[.] odd{sep}name\n"
        "garbage line\n"
    )
    assert parse_perf_functions(report) == {
        ("prog", "main"): 5110,
        ("libc.so.6", "__vfscanf_internal"): 3,
        ("[kernel.kallsyms]", "do_syscall_64"): 2,
        ("prog", f"odd{sep}name"): 1,
    }


LINE_TABLE = """
prog:     file format elf64-x86-64

Contents of the .debug_line section:

prog.s:
File name                            Line number    Starting address    View    Stmt
prog.s                                        15              0x1060               x
prog.s                                        17              0x1064               x
prog.s                                        44              0x10c0               x
prog.s                                        45              0x10c3               x
prog.s                                         -              0x10c6
prog.s                                        60              0x1200               x
prog.s                                         -              0x1210
"""


def test_parse_line_table():
    assert parse_line_table(LINE_TABLE) == [
        (0x1060, 15),
        (0x1064, 17),
        (0x10C0, 44),
        (0x10C3, 45),
        (0x10C6, None),
        (0x1200, 60),
        (0x1210, None),
    ]


def test_perf_line_counts_maps_runtime_addresses_to_lines():
    # a PIE whose code segment (file offset 0x1000) was mapped at 0x5573c068d000
    base = 0x5573C068D000
    ips = (
        "      1 PERF_RECORD_MMAP2 6/6: [0x5573c068d000(0x1000) @ 0x1000 00:2c 2 268]:"
        " r-xp /tmp/asmprof.ab12/prog\n"
        "      1 PERF_RECORD_MMAP2 6/6: [0x7f94c7f99000(0x156000) @ 0x26000 fe:00 3 0]:"
        " r-xp /usr/lib/x86_64-linux-gnu/libc.so.6\n"
        f"   3826 {base + 0xC0:x}\n"  # line 44
        f"     10 {base + 0xC2:x}\n"  # still line 44
        f"    641 {base + 0xC3:x}\n"  # line 45
        f"      5 {base + 0x50:x}\n"  # before the first row: no line
        f"      7 {base + 0xD0:x}\n"  # after the sequence's end
        f"      2 {0x7F94C7F99000 + 0x10:x}\n"  # libc: outside the program's mapping
        "      9 not-an-address\n"
    )
    assert perf_line_counts(ips, LINE_TABLE, b"") == {44: 3836, 45: 641}
    assert perf_line_counts(ips, "", b"") == {}
