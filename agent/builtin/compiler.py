"""Compiler regeneration: recompile the task's C source with other flags.

When it applies: the task has C source (`Task.source`). Variants: gcc (and
clang when installed) at -O2/-O3 with the target's `-march`, `-funroll-loops`,
`-fno-plt`, `-fwhole-program`, without the SLP or all vectorizers (gcc's
vectorized swaps of neighbouring elements can stall on store forwarding), and
profile-guided builds: an instrumented binary (`-fprofile-generate`) runs the
task's test inputs inside the sandbox, its .gcda counters come back as bytes,
and a second compile uses them (`-fprofile-use -fprofile-partial-training`; a
build whose profile was not found is an error, so a "PGO" candidate always
used one). Which of them pays is not guessed here: `agent.builtin.race` races
them all on the task's slowest input and the proposer offers them in that order.

Why sound: it is the same C program through the same compiler, under flags
that keep the language semantics (`-fwhole-program` only says the file is the
whole program, which a task's single `.s` is). Floating point is the exception
that needs care: `-march` with FMA lets gcc and clang contract a*b+c into one
rounding, and -ffast-math relaxes IEEE semantics; so every `-march` variant gets
`-ffp-contract=off` unless the output is compared with a tolerance
(`compare.mode == "float"`), and only then is -ffast-math tried. The flag goes
on whether or not the source looks like floating point: `a * 0.1 - c * 0.01`
on integers names no float type, yet fuses (a no-op for integer code). The user's own
source is compiled on the host; only the instrumented binary (which runs the
program) runs in the sandbox.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.builtin import cpu
from tools.sandbox import Sandbox, SandboxError
from tools.task import Task

COMPILE_TIMEOUT_S = 120
GCDA_MAGIC = b"adcg"  # "gcda", little-endian
MAX_GCDA = 16 << 20

_FLOAT = re.compile(r"\b(?:float|double|long\s+double)\b|\b(?:sqrt|pow|exp|log|sin|cos|fabs)\s*\(")


@dataclass(frozen=True)
class Variant:
    compiler: str  # "gcc" | "clang"
    flags: tuple[str, ...]
    pgo: bool = False

    @property
    def name(self) -> str:
        pgo = " +pgo" if self.pgo else ""
        return f"{self.compiler} {' '.join(self.flags)}{pgo}"

    @property
    def slug(self) -> str:
        """A short pass name for notes: `gcc-O3-native-unroll-pgo`."""
        words = [self.compiler]
        for flag in self.flags:
            if flag == "-ffp-contract=off":
                continue  # goes with every exact -march variant: not a choice to name
            words.append(
                {
                    "-funroll-loops": "unroll",
                    "-fno-plt": "noplt",
                    "-ffast-math": "fastmath",
                    "-fno-tree-slp-vectorize": "noslp",
                    "-fno-tree-vectorize": "novec",
                    "-fwhole-program": "whole",
                }.get(flag, flag.lstrip("-").replace("march=", ""))
            )
        if self.pgo:
            words.append("pgo")
        return "-".join(words)


@functools.cache
def compilers() -> tuple[str, ...]:
    """The C compilers installed here (gcc always; clang when present)."""
    return tuple(c for c in ("gcc", "clang") if shutil.which(c))


def uses_float(source: str) -> bool:
    return bool(_FLOAT.search(source))


def variants(task: Task, target: str) -> list[Variant]:
    """The variants worth trying for this task, most promising first."""
    if not task.source:
        return []
    march = cpu.march(target)
    fp = uses_float(task.source)
    tolerant = task.compare.mode == "float"
    extra: tuple[str, ...] = () if tolerant else ("-ffp-contract=off",)
    base = [
        (("-O3", march), False),
        (("-O3", march), True),
        (("-O2", march), True),
        (("-O2", march), False),
        (("-O3", march, "-funroll-loops"), False),
        (("-O3",), True),
        (("-O3", "-fno-plt"), False),
        (("-O2", march, "-funroll-loops"), False),
        (("-O3", march, "-funroll-loops"), True),
        (("-O3", march, "-fno-plt"), False),
        (("-O3", "-funroll-loops"), False),
        (("-O2",), False),
        (("-O2", "-funroll-loops"), False),
        (("-O3", "-fno-tree-slp-vectorize"), False),
        (("-O3", "-fno-tree-vectorize"), False),
        (("-O3", march, "-fno-tree-vectorize"), False),
        (("-O3", "-fno-tree-vectorize", "-funroll-loops"), False),
        (("-O3", "-fwhole-program"), False),
        (("-O3", march, "-fwhole-program"), True),
    ]
    clang = [
        ("-O3",),
        ("-O2",),
        ("-O3", march),
        ("-O3", march, "-funroll-loops"),
    ]
    out: list[Variant] = []
    for compiler in compilers():
        # clang's profile format needs llvm-profdata: its PGO is not wired
        choices = [(flags, False) for flags in clang] if compiler == "clang" else base
        for flags, pgo in choices:
            out.append(Variant(compiler, flags + (extra if march in flags else ()), pgo))
        if fp and tolerant:
            out.append(Variant(compiler, ("-O3", march, "-ffast-math")))
    return out


def compile_variant(task: Task, variant: Variant, sandbox: Sandbox | None) -> str | None:
    """The variant's assembly (None when it does not build or, for PGO, when no
    profile could be collected)."""
    assert task.source is not None
    with tempfile.TemporaryDirectory(prefix="builtin-cc-") as tmp:
        folder = Path(tmp)
        (folder / "prog.c").write_text(task.source)
        if variant.pgo:
            if sandbox is None or not _collect_profile(task, variant, folder, sandbox):
                return None
            flags = [*variant.flags, "-fprofile-use", "-fprofile-correction"]
            flags += ["-fprofile-partial-training"]
            flags += ["-Werror=missing-profile", "-Wno-coverage-mismatch"]
        else:
            flags = list(variant.flags)
        if variant.compiler == "clang":
            flags.append("-fno-addrsig")  # GNU as does not know clang's .addrsig
        done = _run([variant.compiler, *flags, "-w", "-S", "prog.c", "-o", "prog.s"], folder)
        if done is None or done.returncode != 0 or not (folder / "prog.s").exists():
            return None
        return (folder / "prog.s").read_text()


def _run(argv: list[str], folder: Path) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            argv, cwd=folder, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S
        )
    except (subprocess.TimeoutExpired, OSError):
        return None


_PGO_SCRIPT = r"""
mkdir -p /tmp/pgo || exit 97
for f in "$@"; do
  GCOV_PREFIX=/tmp/pgo GCOV_PREFIX_STRIP=64 {sb}/gen < "$f" > /dev/null 2>&1
done
cat /tmp/pgo/prog.gcda 2>/dev/null
"""


def _collect_profile(task: Task, variant: Variant, folder: Path, sandbox: Sandbox) -> bool:
    """Build the instrumented program, run it on the tests in the sandbox and put
    the counters where the -fprofile-use compile looks for them (prog.gcda)."""
    flags = [*variant.flags, "-fprofile-generate", "-w"]
    compiled = _run([variant.compiler, *flags, "-c", "prog.c", "-o", "prog.o"], folder)
    if compiled is None or compiled.returncode != 0:
        return False
    linked = _run(
        [variant.compiler, "-fprofile-generate", "prog.o", "-o", "gen", *task.link_flags], folder
    )
    if linked is None or linked.returncode != 0:
        return False
    files = {"gen": ((folder / "gen").read_bytes(), 0o555)}
    names = []
    for n, test in enumerate(task.tests):
        files[f"t{n}.in"] = (test.input, 0o444)
        names.append(f"{{sb}}/t{n}.in")
    timeout = min(300.0, 2.0 * task.limits.timeout_s * len(task.tests) + 10.0)
    try:
        done = sandbox.run(
            ["sh", "-c", _PGO_SCRIPT, "sh", *names],
            files=files,
            timeout=timeout,
            out_cap=MAX_GCDA,
        )
    except (SandboxError, OSError):
        return False
    if done.timed_out or not done.stdout.startswith(GCDA_MAGIC):
        return False
    (folder / "prog.gcda").write_bytes(done.stdout)
    return True
