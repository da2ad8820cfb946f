"""agent/builtin/fast_io.py: the fast reader/writer must behave exactly like glibc's
scanf/printf for the formats it takes, and must leave everything else alone."""

from __future__ import annotations

import random

import pytest

from agent.builtin import fast_io
from agent.builtin.context import PassContext
from tests.conftest import EXAMPLES
from tests.test_builtin_helpers import build, compile_c, needs_gcc, run

CTX = PassContext()


@pytest.mark.parametrize(
    "fmt, expected",
    [
        (b"%d", (("int", "d"),)),
        (b" %lld\n", (("ws",), ("int", "lld"), ("ws",))),
        (b"%u %lu %llu", (("int", "u"), ("ws",), ("int", "lu"), ("ws",), ("int", "llu"))),
        (b"%20000s %s", (("str", 20000), ("ws",), ("str", 0))),
        (b" %c", (("ws",), ("char",))),
    ],
)
def test_scan_formats_it_handles(fmt, expected):
    assert fast_io.parse_scan_format(fmt) == expected


@pytest.mark.parametrize(
    "fmt", [b"%5d", b"%f", b"%lf", b"%[^\n]", b"%d,%d", b"%*d", b"%i", b"%x", b"%hd", b"%2c", b"%%"]
)
def test_scan_formats_it_leaves_alone(fmt):
    assert fast_io.parse_scan_format(fmt) is None


def test_print_formats():
    assert fast_io.parse_print_format(b"%lld %d%%\n") == (
        ("conv", "lld"),
        ("lit", b" "),
        ("conv", "d"),
        ("lit", b"%\n"),
    )
    for fmt in (b"%5d", b"%.2f", b"%-d", b"%x", b"%p", b"%hd"):
        assert fast_io.parse_print_format(fmt) is None, fmt


def _program(tmp_path, body: str, headers: str = "#include <stdio.h>\n") -> str:
    return compile_c(tmp_path, headers + "int main(void) {\n" + body + "\n}\n")


@needs_gcc
@pytest.mark.parametrize(
    "call",
    [
        'int x; if (scanf("%5d", &x) != 1) return 1; printf("%d\\n", x);',
        'double x; if (scanf("%lf", &x) != 1) return 1; printf("%d\\n", (int)x);',
        'char s[64]; if (scanf("%[^\\n]", s) != 1) return 1; puts(s);',
        'int a, b; if (scanf("%d,%d", &a, &b) != 2) return 1; printf("%d\\n", a + b);',
    ],
)
def test_the_reader_does_not_fire_on_formats_it_does_not_handle(tmp_path, call):
    out = fast_io.apply(_program(tmp_path, call + " return 0;"), CTX)
    # The output side may still fire; the reader must not.
    assert out is None or "__sofio_scan" not in out.split("# fast I/O runtime")[0]


@needs_gcc
def test_a_format_that_is_not_a_literal_is_left_alone(tmp_path):
    source = (
        "#include <stdio.h>\n"
        "__attribute__((noinline)) int rd(const char *f, int *p) { return scanf(f, p); }\n"
        'int main(void) { int x = 0; rd("%d", &x); return x; }\n'
    )
    out = fast_io.apply(compile_c(tmp_path, source), CTX)
    assert out is None


@needs_gcc
def test_other_stdin_readers_keep_the_reader_away(tmp_path):
    body = (
        "char line[100]; int n;"
        "if (!fgets(line, sizeof line, stdin)) return 1;"
        'if (scanf("%d", &n) != 1) return 1;'
        'printf("%d %s", n, line); return 0;'
    )
    out = fast_io.apply(_program(tmp_path, body), CTX)
    assert out is not None
    code = out.split("# fast I/O runtime")[0]
    assert "__isoc99_scanf" in code and "__sofio_scan" not in code
    assert "call\t__sofio_print_0" in code  # the output side still works


@needs_gcc
def test_threaded_programs_are_left_alone(tmp_path):
    body = 'pthread_t t; pthread_create(&t, 0, 0, 0); printf("%d\\n", 1); return 0;'
    text = _program(tmp_path, body, "#include <stdio.h>\n#include <pthread.h>\n")
    assert fast_io.apply(text, CTX) is None


def test_the_examples_get_the_reader():
    for name in ("sum_scanf", "collatz", "read_ints"):
        out = fast_io.apply((EXAMPLES / name / "prog.s").read_text(), CTX)
        assert out is not None and "call\t__sofio_scan_0" in out, name


# One program that exercises every handled conversion, getchar and the writer,
# and prints every return value: run it with glibc and with the fast I/O on
# random inputs full of signs, overflows, letters and odd whitespace.
FUZZ = r"""
#include <stdio.h>
int main(void)
{
    int a, b; long la; long long lla; unsigned u; unsigned long lu; unsigned long long llu;
    char s[64], t[8], c; int r;
    for (int k = 0; k < 4; k++) {
        r = scanf("%d", &a); printf("d %d", r); if (r == 1) printf(" %d", a); putchar('\n');
        r = scanf("%lld", &lla); printf("lld %d", r); if (r == 1) printf(" %lld", lla); puts("");
        r = scanf("%u", &u); printf("u %d", r); if (r == 1) printf(" %u", u); putchar('\n');
        r = scanf("%3s", t); printf("3s %d", r); if (r == 1) printf(" [%s]", t); putchar('\n');
        r = scanf("%c", &c); printf("c %d", r); if (r == 1) printf(" %d", c); putchar('\n');
        r = scanf(" %c", &c); printf("_c %d", r); if (r == 1) printf(" %c", c); putchar('\n');
        r = scanf("%d %d", &a, &b); printf("dd %d", r);
        if (r >= 1) printf(" %d", a);
        if (r == 2) printf(" %d", b);
        putchar('\n');
        r = scanf("%ld", &la); printf("ld %d", r); if (r == 1) printf(" %ld", la); putchar('\n');
        r = scanf("%lu", &lu); printf("lu %d", r); if (r == 1) printf(" %lu", lu); putchar('\n');
        r = scanf("%llu\n", &llu); printf("llu %d", r); if (r == 1) printf(" %llu", llu);
        putchar('\n');
        r = scanf("%s", s); printf("s %d", r); if (r == 1) printf(" [%s]%c", s, '!'); putchar('\n');
        r = getchar(); printf("g %d\n", r);
    }
    puts("end");
    return 0;
}
"""


def _fuzz_input(rng: random.Random) -> bytes:
    def token() -> str:
        k = rng.random()
        if k < 0.3:
            return str(rng.randint(-(10**6), 10**6))
        if k < 0.4:
            big = [2**31, -(2**31) - 1, 2**32, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**25]
            return str(rng.choice([*big, -(10**25), 4294967295, 4294967296]))
        if k < 0.5:
            return rng.choice(["-", "+", "+-3", "--4", "-+", "+0", "-0", "007", "0x1f"])
        if k < 0.6:
            return "".join(rng.choice("abcXYZ_!") for _ in range(rng.randint(1, 6)))
        if k < 0.7:
            return rng.choice(["a1", "1a", "12abc", "-x", "9-9"])
        return str(rng.randint(0, 99))

    def gap() -> str:
        return "".join(rng.choice(" \t\n\r\v\f") for _ in range(rng.randint(0, 3)))

    parts = [gap()]
    for _ in range(rng.randint(0, 25)):
        parts += [token(), gap() if rng.random() < 0.9 else ""]
    data = "".join(parts).encode()
    return data[: rng.randint(0, len(data))] if rng.random() < 0.2 else data


@needs_gcc
def test_the_fast_io_behaves_like_glibc_on_random_inputs(tmp_path):
    asm = compile_c(tmp_path, FUZZ)
    fast = fast_io.apply(asm, CTX)
    assert fast is not None
    code = fast.split("# fast I/O runtime")[0]
    assert "__isoc99_scanf" not in code and "call\tprintf" not in code
    assert "getc@PLT" not in code and "putc@PLT" not in code  # getchar/putchar at -O2
    glibc = build(tmp_path, "glibc", ("a.s", asm))
    ours = build(tmp_path, "ours", ("b.s", fast))
    rng = random.Random(7)
    for _ in range(300):
        data = _fuzz_input(rng)
        expected, actual = run(glibc, data), run(ours, data)
        assert (actual.stdout, actual.returncode) == (expected.stdout, expected.returncode), data


# Reads every token of a large input, so numbers, signs and whitespace runs fall
# across the reader's 64 KiB buffer boundaries at every offset.
STREAM = r"""
#include <stdio.h>
int main(void)
{
    long long x; char s[128]; int r; unsigned long long h = 0, count = 0;
    for (;;) {
        r = scanf("%lld", &x);
        if (r == 1) { h = h * 1000003 + (unsigned long long)x; count++; continue; }
        if (r == EOF) break;
        r = scanf("%127s", s);
        if (r != 1) break;
        for (char *p = s; *p; p++) h = h * 31 + (unsigned char)*p;
        printf("%s\n", s);
    }
    printf("%llu %llu %d\n", h, count, r);
    return 0;
}
"""


@needs_gcc
def test_tokens_across_buffer_boundaries(tmp_path):
    asm = compile_c(tmp_path, STREAM)
    glibc = build(tmp_path, "g", ("a.s", asm))
    fast = fast_io.apply(asm, CTX)
    assert fast is not None and "call\t__sofio_scan_1" in fast
    ours = build(tmp_path, "o", ("b.s", fast))
    rng = random.Random(3)
    for size in (70_000, 300_000):
        parts = []
        while sum(map(len, parts)) < size:
            k = rng.random()
            if k < 0.6:
                parts.append(str(rng.randint(-(10**18), 10**18)))
            elif k < 0.7:
                parts.append("0" * rng.randint(1, 30) + str(rng.randint(0, 10**25)))
            elif k < 0.8:
                parts.append(rng.choice(["-", "+", "x", "-y", "12ab"]))
            parts.append(" " * rng.randint(1, 40) if rng.random() < 0.2 else rng.choice(" \n\t"))
        data = "".join(parts).encode()
        assert run(ours, data).stdout == run(glibc, data).stdout


SWITCH = r"""
#include <stdio.h>
int main(void)
{
    int n, op, x;
    long long acc = 0;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) {
        if (scanf("%d %d", &op, &x) != 2) return 1;
        switch (op) {  /* gcc makes a jump table of this */
        case 0: acc += x; break;
        case 1: acc -= x; break;
        case 2: acc *= x; break;
        case 3: acc ^= x; break;
        case 4: acc = acc / (x ? x : 1); break;
        case 5: acc |= x; break;
        default: printf("bad %d\n", op); break;
        }
        printf("%lld\n", acc);
    }
    return 0;
}
"""


@needs_gcc
def test_programs_with_a_switch_get_the_reader(tmp_path):
    asm = compile_c(tmp_path, SWITCH)
    assert ".long\t.L" in asm  # the jump table
    fast = fast_io.apply(asm, CTX)
    assert fast is not None and "call\t__sofio_scan_1" in fast
    rng = random.Random(5)
    data = "3000\n" + "\n".join(f"{rng.randint(0, 7)} {rng.randint(-9, 9)}" for _ in range(3000))
    glibc, ours = build(tmp_path, "g", ("a.s", asm)), build(tmp_path, "o", ("b.s", fast))
    assert run(ours, data.encode()).stdout == run(glibc, data.encode()).stdout


MIXED = r"""
#include <stdio.h>
int main(void)
{
    int n;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) {
        printf("%d:", i);            /* fast */
        printf("%5d|\n", i * i);     /* glibc: width is not handled */
        if (i % 1000 == 0) fputs("x\n", stderr);
        puts("ok");                  /* fast */
    }
    fflush(stdout);
    printf("%d done\n", n);
    return 3;
}
"""


@needs_gcc
def test_fast_and_glibc_output_keep_their_order(tmp_path):
    asm = compile_c(tmp_path, MIXED)
    fast = fast_io.apply(asm, CTX)
    assert fast is not None and "call\t__sofio_guard" in fast
    glibc, ours = build(tmp_path, "g", ("a.s", asm)), build(tmp_path, "o", ("b.s", fast))
    for n in (b"0", b"3", b"20000"):
        expected, actual = run(glibc, n), run(ours, n)
        assert actual.returncode == expected.returncode == 3
        assert actual.stdout == expected.stdout


@needs_gcc
def test_the_read_ints_example_keeps_its_outputs(tmp_path):
    task = EXAMPLES / "read_ints"
    binary = build(tmp_path, "r", ("prog.s", fast_io.apply((task / "prog.s").read_text(), CTX)))
    for test in sorted((task / "tests").glob("*.in")):
        assert run(binary, test.read_bytes()).stdout == test.with_suffix(".out").read_bytes()


PIPED = r"""
#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) static void display(int *a, int n)
{
    for (int i = 0; i < n; i++)
        printf("%d ", a[i]);   /* the format is hoisted out of the loop */
    printf("\n");              /* -O3: a tail call, `jmp putchar@PLT` */
}
int main(void)
{
    int n;
    if (scanf("%d", &n) != 1 || n < 1) return 1;
    int *a = malloc(n * sizeof *a);
    for (int i = 0; i < n; i++)
        scanf("%d", &a[i]);
    display(a, n);
    getchar();
    free(a);
    return 0;
}
"""


@needs_gcc
def test_functions_ending_in_a_tail_call_from_a_piped_compile_get_the_reader(tmp_path):
    """`gcc -S -` (how tools.cc and the suite compile) writes `.file "<stdin>"`: text,
    not a use of stdin. A function ending in `jmp putchar@PLT` is analysable."""
    from tests.test_builtin_helpers import compile_c_to_asm

    asm = compile_c_to_asm(PIPED)
    assert '.file\t"<stdin>"' in asm and "jmp\tputchar@PLT" in asm
    fast = fast_io.apply(asm, CTX)
    assert fast is not None
    assert "__isoc99_scanf@PLT" not in fast and "call\tprintf@PLT" not in fast
    assert "jmp\t__sofio_putchar" in fast
    rng = random.Random(3)
    data = "2000\n" + " ".join(str(rng.randint(-(10**9), 10**9)) for _ in range(2000)) + "\n"
    glibc, ours = build(tmp_path, "g", ("a.s", asm)), build(tmp_path, "o", ("b.s", fast))
    expected, actual = run(glibc, data.encode()), run(ours, data.encode())
    assert actual.returncode == expected.returncode == 0
    assert actual.stdout == expected.stdout and len(expected.stdout) > 2000
