"""agent/builtin/splice.py: per-function mixing of real gcc and clang outputs.

Every splice is assembled and linked with `gcc x.s -lm` and run; its output must
equal the unspliced program's, and the spliced text must really hold the
donor's code (a splice that silently kept the base's would fail).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agent.builtin.splice import BASE_FLAGS, function_names, splice

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
needs_clang = pytest.mark.skipif(shutil.which("clang") is None, reason="clang is not installed")

PROGRAM = r"""#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int counter;       /* global state */
static int scount; /* file-static state, also read by main */
#ifdef EXTRA
int extra;         /* only in the EXTRA build: a donor whose data the base lacks */
#endif
const char *names[] = {"zero", "one", "two"};
static const int primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

static __attribute__((noinline)) int helper(int x, int unused) {
    return x * 3 + (x >> 2) - (x % 7);
}

__attribute__((noinline)) int classify(int x) {
    switch (x % 9) {
    case 0: return 11;
    case 1: return x + 7;
    case 2: return 3 * x;
    case 3: return x ^ 5;
    case 4: return x - 100;
    case 5: return x * x;
    case 6: return x / 5;
    case 7: return x / 3;
    default: return -1;
    }
}

__attribute__((noinline)) int lookup(int x) { /* gcc: a CSWTCH.N table */
    switch (x & 7) {
    case 0: return 3;
    case 1: return 17;
    case 2: return -4;
    case 3: return 99;
    case 4: return 12;
    case 5: return 0;
    case 6: return 1000;
    default: return 7;
    }
}

__attribute__((noinline)) const int *find_prime(int v) { /* a pointer into primes */
    for (int i = 0; i < 12; i++)
        if (primes[i] >= v) return &primes[i];
    return &primes[11];
}

__attribute__((noinline)) double norm(double a, double b) {
    return sqrt(a * a * 1.5 + b * b + 0.25);
}

__attribute__((noinline)) void bump(int x) {
    counter += x;
    scount++;
#ifdef EXTRA
    extra++;
#endif
}

__attribute__((noinline)) int tick(void) {
    static int calls; /* gcc: calls.0, clang: tick.calls */
    return ++calls;
}

__attribute__((noinline)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) int usehelper(int x) {
    int s = 0;
    for (int i = 0; i < x; i++) s += helper(i, x);
    return s;
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long acc = 0, pos = 0;
    double d = 0;
    for (int i = 0; i < n; i++) {
        acc += classify(i) + lookup(i);
        pos += find_prime(i) - primes; /* the same primes on both sides */
        d += norm(i, i + 1);
        bump(i);
        tick();
    }
    printf("%ld %.9f %d %d %d %d %d %s %ld\n", acc, d, counter, scount, tick(), fib(n % 25),
           usehelper(n), names[n % 3], pos);
    return 0;
}
"""

# A static comparator whose address both main and a global function take, and compare.
POINTERS = r"""#include <stdio.h>
#include <stdlib.h>

static int up(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int down(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }
int (*chosen)(const void *, const void *);

__attribute__((noinline)) int sort_all(int *v, int n) {
    qsort(v, n, sizeof *v, up);
    return chosen == up;
}

int main(void) {
    int v[8] = {5, 3, 9, 1, 7, 2, 8, 6}, n;
    if (scanf("%d", &n) != 1) return 1;
    chosen = n > 0 ? up : down;
    int same = sort_all(v, 8);
    printf("%d %d %d\n", same, v[0], v[7]);
    return 0;
}
"""

# clang's GlobalOpt stores `mode` as a bool (1 for 5), keeping its name and size
SHRUNK = r"""#include <stdio.h>
static char mode;
__attribute__((noinline)) void set_mode(int x) { if (x > 3) mode = 5; }
__attribute__((noinline)) int get_mode(void) { return mode * 3; }
int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    set_mode(n);
    printf("%d\n", get_mode());
    return 0;
}
"""

# main keeps values in caller-saved registers across `call leaf` when gcc's IPA-RA
# knows leaf leaves them alone (it does without BASE_FLAGS)
IPA = r"""#include <stdio.h>
__attribute__((noinline)) int leaf(int x) { return x * 7 + 1; }
int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long a = n * 3, b = n * 5, c = n * 11, s = 0;
    for (int i = 0; i < n; i++) {
        s += leaf(i) + a;
        a ^= b;
        b += c;
        c -= s;
    }
    printf("%ld %ld %ld %ld\n", s, a, b, c);
    return 0;
}
"""
CLOBBER = "".join(
    f"\txorl\t%{r}, %{r}\n" for r in ("ecx", "edx", "esi", "r8d", "r9d", "r10d", "r11d")
) + "".join(f"\tpxor\t%xmm{n}, %xmm{n}\n" for n in range(16))

INPUT = "40\n"
# what gcc and clang both define alike (tick's static and so main are not)
SHARED_WITH_CLANG = ["classify", "lookup", "find_prime", "norm", "bump", "fib", "usehelper"]
GCC_BASE = ("gcc", "-O3", *BASE_FLAGS)
# -fcf-protection: every donor function starts with endbr64, so even a leaf like bump
# differs from the base's (and jump tables dispatch with `notrack jmp`)
GCC_DONOR = ("gcc", "-O2", "-funroll-loops", "-fcf-protection=full")
CLANG = ("clang", "-O3", "-fno-addrsig")


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("splice")


_compiled: dict[tuple, str] = {}


def compile_s(work: Path, source: str, command: tuple[str, ...]) -> str:
    key = (source, command)
    if key not in _compiled:
        c_file = work / f"prog{abs(hash(source))}.c"
        c_file.write_text(source)
        out = work / f"v{len(_compiled)}.s"
        subprocess.run([*command, "-S", str(c_file), "-o", str(out)], check=True)
        _compiled[key] = out.read_text()
    return _compiled[key]


_runs: dict[tuple[str, str], str] = {}


def run(work: Path, asm: str, stdin: str = INPUT) -> str:
    if (asm, stdin) not in _runs:
        _runs[asm, stdin] = _run(work, asm, stdin)
    return _runs[asm, stdin]


def _run(work: Path, asm: str, stdin: str) -> str:
    source = work / "out.s"
    exe = work / "out"
    source.write_text(asm)
    subprocess.run(["gcc", str(source), "-o", str(exe), "-lm"], check=True, capture_output=True)
    return subprocess.run(
        [str(exe)], input=stdin, capture_output=True, text=True, check=True
    ).stdout


def body(asm: str, name: str, tag: str = "mix") -> list[str]:
    """The instructions between `name:` and `.size name`, renames undone."""
    lines = asm.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split("#")[0].strip() == f"{name}:")
    found = []
    for line in lines[start + 1 :]:
        text = " ".join(line.split("#")[0].split())
        if re.match(rf"\.size\s+{re.escape(name)},", text):
            return found
        if text and not text.startswith(".") and not text.endswith(":"):
            text = text.replace(f".L{tag}_", ".L")
            found.append(re.sub(rf"([\w.$]+)\.{tag}\b", r"\1", text))
    raise AssertionError(f"no .size for {name}")


def check(work, base, donor, names, tag="mix") -> str:
    """Splice, run, compare with the base program, and prove the donor's code is in."""
    out = splice(base, donor, names, tag)
    assert out is not None
    assert run(work, out) == run(work, base)
    for name in names:
        assert body(out, name, tag) == body(donor, name)
        assert body(out, name, tag) != body(base, name)  # the test means something
    return out


def definitions(asm: str, sym: str) -> int:
    pattern = rf"^(?:{re.escape(sym)}:|\s*\.(?:l?comm)\s+{re.escape(sym)},)"
    return len(re.findall(pattern, asm, re.MULTILINE))


# ------------------------------------------------------------------- gcc + gcc


def test_function_names_lists_defined_functions_in_order(work):
    found = function_names(compile_s(work, PROGRAM, GCC_BASE))
    globals_ = ["classify", "lookup", "find_prime", "norm", "bump", "tick", "fib", "usehelper"]
    globals_.append("main")
    assert [f for f in found if f in globals_] == globals_
    assert any(f.startswith("helper") for f in found)  # statics too, clones included
    assert function_names("no functions here\n") == []


def test_switch_jump_table_comes_with_the_function(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["classify"])
    block = out[out.index("# spliced") :]
    assert re.search(r"\.long\s+\.Lmix_\w+-\.Lmix_\w+", block)  # the donor's table, renamed
    assert out.count("classify:") == 1


def test_double_constants_and_libm(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["norm"])
    block = out[out.index("# spliced") :]
    assert re.search(r"^\.Lmix_C\d+:", block, re.MULTILINE)  # .LC1 renamed
    assert "sqrt" in block


def test_global_and_file_static_state_stay_single(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["bump", "tick"])
    for sym in ("counter", "scount", "calls.0"):
        assert definitions(out, sym) == 1, sym
    block = out[out.index("# spliced") :]
    assert "scount(%rip)" in block and "counter(%rip)" in block  # the base's objects
    # main prints scount and tick()'s count, both updated only by the donor's code
    fields = run(work, out).split()
    assert fields[3] == "40" and fields[4] == "41"


def test_recursive_function_calls_itself(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["fib"])
    block = out[out.index("# spliced") :]
    assert re.search(r"call\s+fib\b", block) and "fib.mix" not in out


def test_static_helper_is_copied_renamed_and_local(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["usehelper"])
    helpers = set(re.findall(r"call\s+(helper[\w.$]*)", out[out.index("# spliced") :]))
    assert helpers and all(h.endswith(".mix") for h in helpers)
    for h in helpers:
        assert definitions(out, h) == 1
        assert not re.search(rf"\.globl\s+{re.escape(h)}\b", out)


def test_two_functions_at_once_and_splicing_again(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    once = check(work, base, donor, ["classify", "fib"])
    twice = splice(once, donor, ["norm", "usehelper"], tag="mix2")
    assert twice is not None and run(work, twice) == run(work, base)
    assert body(twice, "norm", "mix2") == body(donor, "norm")


def test_read_only_tables_copied_or_shared(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    out = check(work, base, donor, ["lookup", "find_prime"])
    # gcc's switch table is made up and numbered per compile: copied, renamed
    table = re.search(r"leaq\s+(CSWTCH\.\d+)\.mix\(%rip\)", out)
    assert table and definitions(out, f"{table.group(1)}.mix") == 1
    # primes is the program's object: pointers into it meet main's, so it is shared
    assert definitions(out, "primes") == 1 and "primes.mix" not in out


def test_base_flags_let_the_callee_clobber_what_the_abi_allows(work):
    base = compile_s(work, IPA, GCC_BASE)
    donor = compile_s(work, IPA, GCC_DONOR)
    # a donor leaf that clobbers every caller-saved register but its argument: legal
    start = re.search(r"^leaf:\n(?:.*\n)*?\t\.cfi_startproc\n", donor, re.MULTILINE)
    assert start
    donor = donor[: start.end()] + CLOBBER + donor[start.end() :]
    check(work, base, donor, ["leaf"])
    # without BASE_FLAGS gcc's main keeps its values in those registers: broken
    unsafe = compile_s(work, IPA, ("gcc", "-O3"))
    spliced = splice(unsafe, donor, ["leaf"])
    assert spliced is not None and run(work, spliced) != run(work, unsafe)


# ------------------------------------------------------------------ refusals


def test_refusals(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, GCC_DONOR)
    statics = [f for f in function_names(base) if f.startswith("helper")]
    assert statics and splice(base, donor, statics) is None  # static: private convention
    assert splice(base, donor, ["nosuch"]) is None
    assert splice(base, donor, ["counter"]) is None  # data, not a function
    assert splice(base, donor, ["classify", "nosuch"]) is None
    extra = compile_s(work, PROGRAM, (*GCC_DONOR, "-DEXTRA"))
    assert splice(base, extra, ["bump"]) is None  # `extra` is not in the base
    assert splice(base, extra, ["classify"]) is not None  # that closure does not touch it
    assert splice("garbage", donor, ["classify"]) is None
    assert splice(base, donor.replace("\nclassify:", "\nclassify: ret"), ["classify"]) is None
    assert splice(base, donor, []) == base
    with pytest.raises(ValueError):
        splice(base, donor, ["classify"], tag="a-b")


def test_static_function_address_taken_on_both_sides_is_refused(work):
    base = compile_s(work, POINTERS, GCC_BASE)
    donor = compile_s(work, POINTERS, GCC_DONOR)
    assert run(work, base, "1\n") == "1 1 9\n"
    # the donor's copy of `up` would not compare equal to the base's `up`
    assert splice(base, donor, ["sort_all"]) is None
    assert splice(base, donor, ["main"]) is None
    # together, every pointer to `up` is the donor's copy: one identity again
    out = splice(base, donor, ["main", "sort_all"])
    assert out is not None and "up.mix" in out and run(work, out, "1\n") == "1 1 9\n"
    assert run(work, out, "0\n") == run(work, base, "0\n") == "0 1 9\n"


# -------------------------------------------------------------- gcc <-> clang


@needs_clang
def test_gcc_base_clang_donor(work):
    base, donor = compile_s(work, PROGRAM, GCC_BASE), compile_s(work, PROGRAM, CLANG)
    for name in SHARED_WITH_CLANG:
        check(work, base, donor, [name])
    out = check(work, base, donor, SHARED_WITH_CLANG)
    assert re.search(r"call\w*\s+helper\.mix\b", out)  # clang's helper, args dropped
    # function-local statics are named differently (calls.0 vs tick.calls): refused
    assert splice(base, donor, ["tick"]) is None
    assert splice(base, donor, ["main"]) is None


@needs_clang
def test_clang_base_gcc_donor(work):
    base = compile_s(work, PROGRAM, CLANG)
    donor = compile_s(work, PROGRAM, GCC_DONOR)
    for name in SHARED_WITH_CLANG:
        check(work, base, donor, [name])
    check(work, base, donor, SHARED_WITH_CLANG)
    assert splice(base, donor, ["helper"]) is None  # static in clang's output
    assert splice(base, donor, ["tick"]) is None


@needs_clang
def test_static_byte_that_clang_may_store_as_a_bool_is_not_shared(work):
    base = compile_s(work, SHRUNK, GCC_BASE)
    donor = compile_s(work, SHRUNK, CLANG)
    assert re.search(r"movb\s+\$1, mode\(%rip\)", donor)  # 1 stands for 5 here
    assert splice(base, donor, ["set_mode"]) is None
    assert splice(base, donor, ["get_mode"]) is None
    assert splice(donor, base, ["get_mode"]) is None
    check(work, base, compile_s(work, SHRUNK, GCC_DONOR), ["set_mode", "get_mode"])
