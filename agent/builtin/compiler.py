"""Compiler regeneration: recompile the task's C source with other flags.

When it applies: the task has C source (`Task.source`). Variants: gcc (and
clang when installed) at -O2/-O3 with the target's `-march`, `-funroll-loops`,
`-fno-plt`, `-fwhole-program`, without the SLP or all vectorizers (gcc's
vectorized swaps of neighbouring elements can stall on store forwarding), and
profile-guided builds of both compilers (`agent.builtin.pgo`: training runs
in the sandbox; a build whose profile was not found is an error, so a "PGO"
candidate always used one). A variant may also carry per-loop and
per-function directives written into a copy of the source
(`agent.builtin.pragmas`); `agent.builtin.tune` searches flags and directives
per program. Which of them pays is not guessed here: `agent.builtin.race` races
them all on the task's slowest input and the proposer offers them in that order.

Why sound: it is the same C program through the same compiler, under flags
that keep the language semantics (`-fwhole-program` only says the file is the
whole program, which a task's single `.s` is). Floating point is the exception
that needs care: `-march` with FMA lets gcc and clang contract a*b+c into one
rounding, and -ffast-math relaxes IEEE semantics; so every `-march` variant gets
`-ffp-contract=off` unless the output is compared with a tolerance
(`compare.mode == "float"`), and only then is -ffast-math tried. (The tuning
search, `agent.builtin.tune`, also tries -march builds with contraction, as
typed by a user; see there for when they may win.) The flag goes
on whether or not the source looks like floating point: `a * 0.1 - c * 0.01`
on integers names no float type, yet fuses (a no-op for integer code). The user's own
source is compiled on the host; only the instrumented binary (which runs the
program) runs in the sandbox.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.builtin import cpu, pgo, pragmas
from tools.cc import CompileError, c_to_asm
from tools.sandbox import Sandbox
from tools.task import Task

COMPILE_TIMEOUT_S = 120

_FLOAT = re.compile(r"\b(?:float|double|long\s+double)\b|\b(?:sqrt|pow|exp|log|sin|cos|fabs)\s*\(")


@dataclass(frozen=True)
class Variant:
    compiler: str  # "gcc" | "clang"
    flags: tuple[str, ...]
    pgo: bool = False
    directives: tuple[pragmas.Directive, ...] = ()  # per-loop/function, in the source

    @property
    def name(self) -> str:
        pgo = " +pgo" if self.pgo else ""
        said = "".join(f" [{d.slug}]" for d in self.directives)
        return f"{self.compiler} {' '.join(self.flags)}{pgo}{said}"

    @property
    def slug(self) -> str:
        """A short pass name for notes: `gcc-O3-native-unroll-pgo`."""
        words = [self.compiler]
        contract = any(f.startswith("-march") for f in self.flags) and not {
            "-ffp-contract=off",
            "-ffast-math",
        } & set(self.flags)
        for flag in self.flags:
            if flag in ("-ffp-contract=off", "-mllvm"):
                continue  # off goes with every exact -march variant: not a choice to name
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
        if contract:
            words.append("fma")
        if self.pgo:
            words.append("pgo")
        words += [d.slug for d in self.directives]
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
        choices = [(flags, False) for flags in clang] if compiler == "clang" else base
        if compiler == "clang" and pgo.available("clang"):
            choices += [(("-O3",), True), (("-O3", march), True)]
        for flags, trained in choices:
            out.append(Variant(compiler, flags + (extra if march in flags else ()), trained))
        if fp and not tolerant:  # as a user types them: contracted, judged on exact output
            trains = (False, True) if compiler == "gcc" or pgo.available("clang") else (False,)
            out += [Variant(compiler, ("-O3", march), trained) for trained in trains]
        if fp and tolerant:
            out.append(Variant(compiler, ("-O3", march, "-ffast-math")))
    return out


_OWN_LEVEL = re.compile(r"-O|-march=|-mtune=|-g")
_PATH_FLAGS = ("-I", "-iquote", "-isystem", "-idirafter", "-include")


def source_flags(task: Task) -> list[str]:
    """What the source needs to compile apart from the variant's choices: the
    task's cflags (`-D`, `-I`, `-std`... of a project made by `agent task
    from-c`) without their optimisation level and target, relative folders
    made absolute, and the source's own folder for its quoted includes."""
    root = task.root or Path.cwd()
    flags: list[str] = []
    items = list(getattr(task, "cflags", ()))
    i = 0
    while i < len(items):
        flag = items[i]
        if flag in _PATH_FLAGS and i + 1 < len(items):
            where = Path(items[i + 1])
            flags += [flag, str(where if where.is_absolute() else root / where)]
            i += 2
            continue
        if flag.startswith("-I") and len(flag) > 2 and not Path(flag[2:]).is_absolute():
            flag = "-I" + str(root / flag[2:])
        if not _OWN_LEVEL.match(flag):
            flags.append(flag)
        i += 1
    source_path = getattr(task, "source_path", None)
    if source_path is not None:
        flags += ["-iquote", str(Path(source_path).parent)]
    return flags


def compile_variant(task: Task, variant: Variant, sandbox: Sandbox | None) -> str | None:
    """The variant's assembly (None when it does not build or, for PGO, when no
    profile could be collected)."""
    assert task.source is not None
    source = pragmas.apply(task.source, variant.directives)
    with tempfile.TemporaryDirectory(prefix="builtin-cc-") as tmp:
        folder = Path(tmp)
        flags = [*source_flags(task), *variant.flags]
        if variant.pgo:
            trained = sandbox is not None and pgo.profile(
                task, task.source, variant.compiler, variant.flags, folder, sandbox
            )
            if not trained:
                return None
            flags += pgo.use_flags(variant.compiler, folder)
        if variant.compiler == "clang":
            flags.append("-fno-addrsig")  # GNU as does not know clang's .addrsig
        try:
            asm = c_to_asm(
                source,
                [*flags, "-w"],
                compiler=variant.compiler,
                folder=folder,
                timeout=COMPILE_TIMEOUT_S,
            )
            # clang's PGO call-graph weights: a directive GNU as does not know, and
            # only a hint to lld's function ordering.
            return "".join(
                line
                for line in asm.splitlines(keepends=True)
                if not line.lstrip().startswith(".cg_profile")
            )
        except CompileError:
            return None
