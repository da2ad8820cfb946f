"""Profile-guided builds: training runs in the sandbox, profiles cached per task.

gcc: an instrumented binary (`-fprofile-generate`) runs every test input and
its `prog.gcda` comes back as bytes. clang: `-fprofile-instr-generate` with
`LLVM_PROFILE_FILE=...%m` (the runtime merges all runs into one raw profile),
whose bytes `llvm-profdata merge` turns into the `.profdata` that
`-fprofile-instr-use` reads, as a user would type it.

Why cached: a tuning search builds dozens of PGO variants of one program. Both
compilers key a profile by each function's early control flow, which the
optimisation flags tuned here do not change (a mismatched function is
compiled without its profile, `-Wno-coverage-mismatch` and clang's
`-Wno-profile-instr-out-of-date`), so one training run per compiler and
optimisation level serves them all. The program being trained is the user's
own source, yet it runs only in the sandbox, like every candidate.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from tools.sandbox import Sandbox, SandboxError
from tools.task import Task

COMPILE_TIMEOUT_S = 120
GCDA_MAGIC = b"adcg"  # "gcda", little-endian
PROFRAW_MAGIC = b"\x81rforpl\xff"  # LLVM raw profile, little-endian 64-bit
MAX_PROFILE = 16 << 20

_HEAD = r"""
mkdir -p /tmp/pgo || exit 97
export GCOV_PREFIX=/tmp/pgo GCOV_PREFIX_STRIP=64 LLVM_PROFILE_FILE=/tmp/pgo/prog-%m.profraw
"""
# One test: in a folder of its own holding its input files, with its arguments.
_TEST = r"""
mkdir -p /tmp/w{n} && cd /tmp/w{n} && {copy}{sb}/gen {args} < {sb}/t{n}.in > /dev/null 2>&1
cd /tmp
"""
_TAIL = r"""
cat /tmp/pgo/{name} 2>/dev/null
"""

_cache: dict[tuple[str, ...], bytes | None] = {}
_lock = threading.Lock()


def use_flags(compiler: str, folder: Path) -> list[str]:
    """The flags that make `compiler` use the profile written by `profile()` in `folder`."""
    if compiler == "clang":
        return ["-fprofile-instr-use=prog.profdata", "-Wno-profile-instr-out-of-date"]
    return [
        "-fprofile-use",
        "-fprofile-correction",
        "-fprofile-partial-training",
        "-Werror=missing-profile",
        "-Wno-coverage-mismatch",
    ]


def available(compiler: str) -> bool:
    return compiler == "gcc" or shutil.which("llvm-profdata") is not None


def profile(
    task: Task, source: str, compiler: str, flags: tuple[str, ...], folder: Path, sandbox: Sandbox
) -> bool:
    """Put a profile of `source` on the task's tests where `use_flags` finds it in
    `folder`; False when none could be collected (the build is then no PGO build)."""
    level = next((f for f in flags if f.startswith("-O")), "-O2")
    arch = tuple(f for f in flags if f.startswith("-march"))
    tests = hashlib.sha256()
    for t in task.tests:  # what a training run sees: inputs, arguments, input files, others
        tests.update(hashlib.sha256(t.input).digest())
        tests.update(shlex.join(t.args).encode("utf-8", "surrogateescape") + b"\0")
        for rel, data in t.files:
            tests.update(rel.encode("utf-8", "surrogateescape") + hashlib.sha256(data).digest())
    for name, data in task.objects:
        tests.update(name.encode() + hashlib.sha256(data).digest())
    key = (compiler, level, *arch, hashlib.sha256(source.encode()).hexdigest(), tests.hexdigest())
    with _lock:
        known = key in _cache
        data = _cache.get(key)
    if not known:
        data = _train(task, source, compiler, (level, *arch), sandbox)
        with _lock:
            _cache[key] = data
    if data is None:
        return False
    if compiler == "gcc":
        (folder / "prog.gcda").write_bytes(data)
        return True
    (folder / "prog.profraw").write_bytes(data)
    merged = _run(["llvm-profdata", "merge", "-o", "prog.profdata", "prog.profraw"], folder)
    return merged is not None and merged.returncode == 0


def _train(
    task: Task, source: str, compiler: str, flags: tuple[str, ...], sandbox: Sandbox
) -> bytes | None:
    """The raw profile bytes of one training run over all tests (None on failure):
    each test's stdin, arguments and input files, linked with the task's other
    objects, as the harness runs it."""
    generate = "-fprofile-instr-generate" if compiler == "clang" else "-fprofile-generate"
    with tempfile.TemporaryDirectory(prefix="builtin-pgo-") as tmp:
        folder = Path(tmp)
        (folder / "prog.c").write_text(source)
        # Compiled apart from the link, so gcc names the counters prog.gcda.
        objects = []
        for n, (_name, data) in enumerate(task.objects):
            (folder / f"other{n}.o").write_bytes(data)
            objects.append(f"other{n}.o")
        for argv in (
            [compiler, *flags, generate, "-w", "-c", "prog.c", "-o", "prog.o"],
            [compiler, generate, "prog.o", *objects, "-o", "gen", *task.link_flags],
        ):
            done = _run(argv, folder)
            if done is None or done.returncode != 0:
                return None
        files = {"gen": ((folder / "gen").read_bytes(), 0o555)}
    script, room = _HEAD, 0
    for n, test in enumerate(task.tests):
        files[f"t{n}.in"] = (test.input, 0o444)
        for rel, data in test.files:
            files[f"f{n}/{rel}"] = (data, 0o444)
            room += len(data)
        copy = f"cp -r {{sb}}/f{n}/. . && " if test.files else ""
        args = shlex.join(test.args)
        script += _TEST.replace("{n}", str(n)).replace("{copy}", copy).replace("{args}", args)
    script += _TAIL.replace("{name}", "prog-*.profraw" if compiler == "clang" else "prog.gcda")
    timeout = min(300.0, 2.0 * task.limits.timeout_s * len(task.tests) + 10.0)
    try:
        done = sandbox.run(
            ["sh", "-c", script], files=files, timeout=timeout, out_cap=MAX_PROFILE, room=room
        )
    except (SandboxError, OSError):
        return None
    magic = PROFRAW_MAGIC if compiler == "clang" else GCDA_MAGIC
    if done.timed_out or not done.stdout.startswith(magic):
        return None
    return done.stdout


def _run(argv: list[str], folder: Path) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            argv, cwd=folder, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
