"""The C side of the fast I/O pass: a buffered reader and writer, and the code
generator for one specialised function per scanf/printf format.

Semantics follow glibc's scanf for the conversions handled (checked against
glibc by tests/test_builtin_fast_io.py on random inputs):
- whitespace in the format skips any amount of whitespace (C locale isspace);
- %d %u %ld %lu %lld %llu skip whitespace, take an optional sign and decimal
  digits, convert as strtol/strtoul do (clamping on overflow; a minus sign
  negates an unsigned value), then store after truncation to the argument's
  type, as glibc does; a sign without digits is a matching failure with the
  sign consumed;
- %s (optionally %Ns) skips whitespace and stores a non-whitespace run (at most
  N characters) plus NUL; %c stores the next character, whitespace included;
- the return value counts assignments; end of input before the first
  conversion returns EOF (-1); a matching failure leaves the character unread.
End of input is sticky, as in glibc since 2.28.

Output goes to a 64 KiB buffer that is written with write(2) when full, at exit
(a destructor) and before any libc call that might write to stdout. Before
writing, it flushes libc's own stdout buffer, so bytes keep their order when a
program mixes the fast writer with printf calls the pass left alone.
"""

from __future__ import annotations

RUNTIME = r"""
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SOFIO_HIDDEN __attribute__((visibility("hidden"), used, noinline))
#define SOFIO_IBUF (1 << 16)
#define SOFIO_OBUF (1 << 16)

static unsigned char __sofio_ibuf[SOFIO_IBUF];
static size_t __sofio_ipos, __sofio_ilen;
static int __sofio_ieof;
static char __sofio_obuf[SOFIO_OBUF];
static size_t __sofio_olen;

static int __sofio_fill(void)
{
    if (__sofio_ieof)
        return 0;
    for (;;) {
        ssize_t n = read(0, __sofio_ibuf, SOFIO_IBUF);
        if (n > 0) {
            __sofio_ipos = 0;
            __sofio_ilen = (size_t)n;
            return 1;
        }
        if (n < 0 && errno == EINTR)
            continue;
        __sofio_ieof = 1;
        return 0;
    }
}

static inline int __sofio_peek(void)
{
    if (__sofio_ipos == __sofio_ilen && !__sofio_fill())
        return -1;
    return __sofio_ibuf[__sofio_ipos];
}

static inline int __sofio_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline void __sofio_skipws(void)
{
    int c;
    while ((c = __sofio_peek()) >= 0 && __sofio_space(c))
        __sofio_ipos++;
}

/* Sign and digits: 1 with the magnitude in *mag (saturated, *over set), 0 on a
   matching failure, -1 at end of input. Leading whitespace is skipped. The
   position lives in a register; 19 digits cannot overflow 64 bits, so only
   longer numbers pay for the exact overflow test. */
static inline int __sofio_digits(unsigned long long *mag, int *neg, int *over)
{
    size_t pos = __sofio_ipos, len = __sofio_ilen;
    unsigned long long v = 0;
    int c, n = 0;
    for (;;) {
        if (pos == len) {
            __sofio_ipos = pos;
            if (!__sofio_fill())
                return -1;
            pos = __sofio_ipos;
            len = __sofio_ilen;
        }
        c = __sofio_ibuf[pos];
        if (!__sofio_space(c))
            break;
        pos++;
    }
    *neg = 0;
    *over = 0;
    if (c == '-' || c == '+') {
        *neg = c == '-';
        pos++;
        if (pos == len) {
            __sofio_ipos = pos;
            if (!__sofio_fill())
                return 0;
            pos = __sofio_ipos;
            len = __sofio_ilen;
        }
        c = __sofio_ibuf[pos];
    }
    if ((unsigned)(c - '0') > 9) {
        __sofio_ipos = pos;
        return 0;
    }
    for (;;) {
        unsigned d = (unsigned)(c - '0');
        if (n < 19)
            v = v * 10 + d;
        else if (v > (~0ULL - d) / 10)
            *over = 1;
        else
            v = v * 10 + d;
        n++;
        pos++;
        if (pos == len) {
            __sofio_ipos = pos;
            if (!__sofio_fill())
                break;
            pos = __sofio_ipos;
            len = __sofio_ilen;
        }
        c = __sofio_ibuf[pos];
        if ((unsigned)(c - '0') > 9)
            break;
    }
    __sofio_ipos = pos;
    *mag = v;
    return 1;
}

/* strtoll's result for the digits read. */
static inline int __sofio_signed(long long *out)
{
    unsigned long long mag;
    int neg, over;
    int r = __sofio_digits(&mag, &neg, &over);
    if (r <= 0)
        return r;
    if (neg)
        *out = (over || mag > 0x8000000000000000ULL) ? (long long)0x8000000000000000ULL
                                                      : (long long)(0 - mag);
    else
        *out = (over || mag > 0x7fffffffffffffffULL) ? 0x7fffffffffffffffLL : (long long)mag;
    return 1;
}

/* strtoull's result for the digits read. */
static inline int __sofio_unsigned(unsigned long long *out)
{
    unsigned long long mag;
    int neg, over;
    int r = __sofio_digits(&mag, &neg, &over);
    if (r <= 0)
        return r;
    *out = over ? ~0ULL : (neg ? 0 - mag : mag);
    return 1;
}

static inline int __sofio_string(char *out, unsigned long width)
{
    int c;
    unsigned long n = 0;
    __sofio_skipws();
    c = __sofio_peek();
    if (c < 0)
        return -1;
    while (c >= 0 && !__sofio_space(c) && (width == 0 || n < width)) {
        out[n++] = (char)c;
        __sofio_ipos++;
        c = __sofio_peek();
    }
    out[n] = 0;
    return 1;
}

static inline int __sofio_char(char *out)
{
    int c = __sofio_peek();
    if (c < 0)
        return -1;
    __sofio_ipos++;
    *out = (char)c;
    return 1;
}

SOFIO_HIDDEN int __sofio_getchar(void)
{
    int c = __sofio_peek();
    if (c >= 0)
        __sofio_ipos++;
    return c;
}

static void __sofio_write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

SOFIO_HIDDEN void __sofio_flush(void)
{
    if (__sofio_olen) {
        fflush(stdout);
        __sofio_write_all(__sofio_obuf, __sofio_olen);
        __sofio_olen = 0;
    }
}

__attribute__((destructor)) static void __sofio_at_exit(void)
{
    __sofio_flush();
}

static inline void __sofio_out(const char *s, size_t n)
{
    if (n > SOFIO_OBUF - __sofio_olen) {
        __sofio_flush();
        if (n > SOFIO_OBUF) {
            fflush(stdout);
            __sofio_write_all(s, n);
            return;
        }
    }
    memcpy(__sofio_obuf + __sofio_olen, s, n);
    __sofio_olen += n;
}

static inline void __sofio_outc(char c)
{
    if (__sofio_olen == SOFIO_OBUF)
        __sofio_flush();
    __sofio_obuf[__sofio_olen++] = c;
}

static inline int __sofio_u64(unsigned long long v, int neg)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[23 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        tmp[23 - n++] = '-';
    __sofio_out(tmp + 24 - n, (size_t)n);
    return n;
}

static inline int __sofio_i64(long long v)
{
    if (v < 0)
        return __sofio_u64(0 - (unsigned long long)v, 1);
    return __sofio_u64((unsigned long long)v, 0);
}

static inline int __sofio_str(const char *s)
{
    size_t n;
    if (!s)
        s = "(null)";
    n = strlen(s);
    __sofio_out(s, n);
    return (int)n;
}

SOFIO_HIDDEN int __sofio_puts(const char *s)
{
    size_t n = strlen(s);
    __sofio_out(s, n);
    __sofio_outc('\n');
    return n + 1 > 0x7fffffff ? 0x7fffffff : (int)(n + 1);
}

SOFIO_HIDDEN int __sofio_fputs(const char *s)
{
    __sofio_out(s, strlen(s));
    return 1;
}

SOFIO_HIDDEN int __sofio_putchar(int c)
{
    __sofio_outc((char)c);
    return (unsigned char)c;
}
"""

_SCAN_STORE = {
    # conversion -> (reader, C type of the value, C type stored through the pointer)
    "d": ("__sofio_signed", "long long", "int"),
    "ld": ("__sofio_signed", "long long", "long"),
    "lld": ("__sofio_signed", "long long", "long long"),
    "u": ("__sofio_unsigned", "unsigned long long", "unsigned int"),
    "lu": ("__sofio_unsigned", "unsigned long long", "unsigned long"),
    "llu": ("__sofio_unsigned", "unsigned long long", "unsigned long long"),
}
_PRINT_INT = {
    "d": "(long long)(int)a{n}",
    "i": "(long long)(int)a{n}",
    "ld": "(long long)a{n}",
    "li": "(long long)a{n}",
    "lld": "(long long)a{n}",
    "lli": "(long long)a{n}",
}
_PRINT_UNSIGNED = {
    "u": "(unsigned long long)(unsigned int)a{n}",
    "lu": "(unsigned long long)a{n}",
    "llu": "(unsigned long long)a{n}",
}


def c_string(data: bytes) -> str:
    """A C string literal holding exactly `data`."""
    out = []
    for byte in data:
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= byte < 127 and char != "?":
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def scan_function(name: str, directives) -> str:
    """C for one scanf format: `int name(const char *fmt, void *a0, ...)`."""
    count = sum(1 for d in directives if d[0] != "ws")
    params = "".join(f", void *a{n}" for n in range(count))
    body = [
        "    int done = 0, r;",
        "    long long sv;",
        "    unsigned long long uv;",
        "    (void)fmt;",
    ]
    body += ["    (void)sv;", "    (void)uv;", "    (void)r;"]
    n = 0
    for directive in directives:
        kind = directive[0]
        if kind == "ws":
            body.append("    __sofio_skipws();")
            continue
        if kind == "int":
            reader, value_type, stored = _SCAN_STORE[directive[1]]
            var = "sv" if value_type == "long long" else "uv"
            body.append(f"    r = {reader}(&{var});")
            store = f"*({stored} *)a{n} = ({stored}){var};"
        elif kind == "str":
            body.append(f"    r = __sofio_string((char *)a{n}, {directive[1]}UL);")
            store = ""
        else:  # char
            body.append(f"    r = __sofio_char((char *)a{n});")
            store = ""
        body.append("    if (r < 0)\n        return done ? done : -1;")
        body.append("    if (r == 0)\n        return done;")
        if store:
            body.append(f"    {store}")
        body.append("    done++;")
        n += 1
    body.append("    return done;")
    return f"SOFIO_HIDDEN int {name}(const char *fmt{params})\n{{\n" + "\n".join(body) + "\n}\n"


def print_function(name: str, pieces) -> str:
    """C for one printf format: `int name(const char *fmt, long a0, ...)`."""
    count = sum(1 for p in pieces if p[0] != "lit")
    params = "".join(f", long a{n}" for n in range(count))
    body = ["    int total = 0;", "    (void)fmt;"]
    n = 0
    for piece in pieces:
        kind = piece[0]
        if kind == "lit":
            data: bytes = piece[1]
            if len(data) == 1:
                body.append(f"    __sofio_outc({c_string(data)}[0]);")
            else:
                body.append(f"    __sofio_out({c_string(data)}, {len(data)});")
            body.append(f"    total += {len(data)};")
            continue
        conv = piece[1]
        if conv in _PRINT_INT:
            body.append(f"    total += __sofio_i64({_PRINT_INT[conv].format(n=n)});")
        elif conv in _PRINT_UNSIGNED:
            body.append(f"    total += __sofio_u64({_PRINT_UNSIGNED[conv].format(n=n)}, 0);")
        elif conv == "s":
            body.append(f"    total += __sofio_str((const char *)a{n});")
        else:  # c
            body.append(f"    __sofio_outc((char)(int)a{n});")
            body.append("    total += 1;")
        n += 1
    body.append("    return total;")
    return f"SOFIO_HIDDEN int {name}(const char *fmt{params})\n{{\n" + "\n".join(body) + "\n}\n"
