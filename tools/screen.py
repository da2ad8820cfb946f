"""Screening for undefined behaviour: valgrind memcheck and an ASan+UBSan build.

Why: every candidate is judged against the original program's outputs, and a
program whose behaviour is undefined has none to judge against. Comparing the
-O0 and -O3 outputs catches some of it, not all: a program that prints an
uninitialised array element printed the same at both levels, by luck. So each
program is also run, on each of its inputs and inside the sandbox,

- under valgrind memcheck, built at `-O0 -g` (uninitialised values that decide
  a branch, an address or a system call's data; invalid reads and writes);
- built with `-fsanitize=address,undefined -fno-sanitize-recover=all` at
  `-O1 -g` (out-of-bounds accesses memcheck cannot see on the stack or in
  globals, use after free, signed overflow, bad shifts, misaligned loads...),

and the first report is the reason the program is dropped. Leaks are not
undefined behaviour and are not reported.

Limits: memcheck runs in the sandbox with the program's limits, its address
space loosened (memcheck keeps shadow state beside the program's memory). ASan
reserves about 20 TiB of address space for its shadow when it starts, so no
RLIMIT_AS cap can apply to it: its run lifts the cap to the whole 47-bit user
address space and bounds real memory with ASan's own `hard_rss_limit_mb`
(a thread that checks the resident size every 100 ms and kills the program
past it) instead. CPU time, wall time, files and processes stay bounded as for
any run.

Cost: memcheck runs tens of times slower than the program, so each run is
bounded by `ScreenOptions.timeout_s`; a program that cannot be screened in that
time is dropped with that reason (nothing says it is clean).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
from dataclasses import dataclass

from tools.build import build
from tools.cc import CompileError, c_to_asm
from tools.errors import BadInput
from tools.sandbox import Sandbox

EXIT = 86  # the exit status memcheck and the sanitizers report an error with
SANITIZE = "-fsanitize=address,undefined"
# The whole user address space of x86-64 (47 bits), in MB: no cap at all for ASan.
UNCAPPED_MB = 1 << 27
_VALGRIND = (
    'cp "$1" /tmp/prog && exec valgrind -q --tool=memcheck --leak-check=no '
    f"--error-exitcode={EXIT} --exit-on-first-error=yes /tmp/prog"
)
_VG_ERROR = re.compile(r"^==\d+== ([A-Z].*)$", re.M)
_VG_WHERE = re.compile(r"^==\d+==\s+(?:at|by) 0x[0-9A-F]+: .*\((prog\.c:\d+)\)$", re.M)
_SAN_ERROR = re.compile(r"(?:prog\.c:(\d+):\d+: )?runtime error: ([^\n]*)")
_ASAN_ERROR = re.compile(r"ERROR: AddressSanitizer: (.*?)(?: on |$)", re.M)
_ASAN_WHERE = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ in \S+ \S*(prog\.c:\d+)", re.M)


@dataclass(frozen=True)
class ScreenOptions:
    timeout_s: float = 300.0  # wall clock per run under memcheck or the sanitizers
    memcheck_opt: str = "-O0"  # the build memcheck runs: -O0 keeps every read the source makes


def check_tools() -> None:
    """Screening needs valgrind; say so once, up front, rather than drop every program."""
    if shutil.which("valgrind") is None:
        raise BadInput(
            "valgrind is not installed (apt-get install valgrind): it screens programs for "
            "undefined behaviour (agent suite build --no-screen skips that)"
        )


def _compile(source: str, flags: list[str]) -> str | None:
    """gcc -S of the source with `flags` (on the host, as the baseline is made)."""
    try:
        return c_to_asm(source, [*flags, "-w"], env={"PATH": "/usr/bin:/bin"})
    except CompileError:
        return None


def _memcheck_reason(stderr: str) -> str:
    errors = [e for e in _VG_ERROR.findall(stderr) if not e.startswith(("Exit program", "Warn"))]
    what = errors[0].rstrip(".") if errors else "an error"
    where = _VG_WHERE.search(stderr)
    return what[0].lower() + what[1:] + (f" ({where.group(1)})" if where else "")


def _sanitizer_reason(stderr: str) -> str:
    ub = _SAN_ERROR.search(stderr)
    if ub:
        return ub.group(2).strip() + (f" (prog.c:{ub.group(1)})" if ub.group(1) else "")
    asan = _ASAN_ERROR.search(stderr)
    if asan:
        where = _ASAN_WHERE.search(stderr)
        return asan.group(1) + (f" ({where.group(1)})" if where else "")
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return lines[0][:200] if lines else "an error"


def screen(
    source: str,
    inputs: list[tuple[str, bytes]],
    sandbox: Sandbox,
    link_flags: tuple[str, ...] = (),
    options: ScreenOptions | None = None,
) -> str:
    """Run the program on each (name, input) under the sanitizers, then under
    memcheck; "" when nothing was reported, else the first reason (one line)."""
    options = options or ScreenOptions()
    lim = sandbox.limits
    cpu_s = max(lim.cpu_s, int(options.timeout_s + 1))
    san_asm = _compile(
        source, ["-O1", "-g", "-fno-omit-frame-pointer", SANITIZE, "-fno-sanitize-recover=all"]
    )
    vg_asm = _compile(source, [options.memcheck_opt, "-g"])
    if san_asm is None or vg_asm is None:
        return "does not compile for screening (sanitizers or -g)"
    san = build(san_asm, sandbox, (SANITIZE, *link_flags))
    vg = build(vg_asm, sandbox, link_flags)
    if not san.ok:
        return f"the sanitizer build does not link: {san.errors[0]}"
    if not vg.ok:
        return f"the memcheck build does not link: {vg.errors[0]}"
    rss = 2 * lim.memory_mb
    san_env = [
        f"ASAN_OPTIONS=detect_leaks=0:exitcode={EXIT}:hard_rss_limit_mb={rss}",
        f"UBSAN_OPTIONS=exitcode={EXIT}:print_stacktrace=0",
    ]
    san_box = sandbox.with_limits(dataclasses.replace(lim, memory_mb=UNCAPPED_MB, cpu_s=cpu_s))
    vg_box = sandbox.with_limits(
        dataclasses.replace(lim, memory_mb=2 * lim.memory_mb + 1024, cpu_s=cpu_s)
    )
    runs = [
        ("sanitizers", san_box, ["env", *san_env, "{sb}/prog"], san.binary, _sanitizer_reason),
        (
            "memcheck",
            vg_box,
            ["sh", "-c", _VALGRIND, "sh", "{sb}/prog"],
            vg.binary,
            _memcheck_reason,
        ),
    ]
    for tool, box, argv, binary, reason in runs:
        for name, data in inputs:
            done = box.run(
                argv, files={"prog": (binary, 0o555)}, stdin=data, timeout=options.timeout_s
            )
            stderr = done.stderr.decode("utf-8", "replace")
            if done.timed_out:
                return f"{tool} did not finish on {name} within {options.timeout_s:g} s"
            if done.returncode == EXIT:
                return f"{tool} on {name}: {reason(stderr)}"
            if done.returncode != 0 and not done.truncated:
                status = (
                    f"killed by signal {-done.returncode}"
                    if done.returncode < 0
                    else f"exit status {done.returncode}"
                )
                detail = reason(stderr) if stderr.strip() else status
                return f"{tool} on {name}: {detail}"
    return ""


_SAN_BUILDS: dict[tuple[str, tuple[str, ...]], bytes | None] = {}
_SAN_LOCK = threading.Lock()


def _sanitizer_binary(source: str, sandbox: Sandbox, link_flags: tuple[str, ...]) -> bytes | None:
    """The ASan+UBSan build of `source`, made once per process (None: it does not build)."""
    key = (source, link_flags)
    with _SAN_LOCK:
        if key in _SAN_BUILDS:
            return _SAN_BUILDS[key]
        flags = ["-O1", "-g", "-fno-omit-frame-pointer", SANITIZE, "-fno-sanitize-recover=all"]
        asm = _compile(source, flags)
        built = build(asm, sandbox, (SANITIZE, *link_flags)) if asm is not None else None
        _SAN_BUILDS[key] = built.binary if built is not None and built.ok else None
        return _SAN_BUILDS[key]


def undefined_on(
    source: str,
    data: bytes,
    sandbox: Sandbox,
    link_flags: tuple[str, ...] = (),
    timeout_s: float = 30.0,
) -> str:
    """The sanitizers' report (one line) of the program on one stdin input, ""
    when they report nothing (or cannot run it in `timeout_s`).

    For the differential check: an input on which a candidate differs from the
    original and the original's behaviour is undefined is outside the
    program's domain, not evidence against the candidate. Only the sanitizers
    run (memcheck is tens of times slower); they see the stack and global
    overruns by which a program reads the same garbage on every run."""
    binary = _sanitizer_binary(source, sandbox, link_flags)
    if binary is None:
        return ""
    lim = sandbox.limits
    box = sandbox.with_limits(
        dataclasses.replace(lim, memory_mb=UNCAPPED_MB, cpu_s=max(lim.cpu_s, int(timeout_s + 1)))
    )
    env = [
        f"ASAN_OPTIONS=detect_leaks=0:exitcode={EXIT}:hard_rss_limit_mb={2 * lim.memory_mb}",
        f"UBSAN_OPTIONS=exitcode={EXIT}:print_stacktrace=0",
    ]
    done = box.run(
        ["env", *env, "{sb}/prog"], files={"prog": (binary, 0o555)}, stdin=data, timeout=timeout_s
    )
    if done.timed_out or done.returncode != EXIT:
        return ""
    return _sanitizer_reason(done.stderr.decode("utf-8", "replace"))
