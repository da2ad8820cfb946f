"""`agent task from-c`: a C project (several `.c` files, arguments, input files)
-> a task folder, with the translation unit where the time goes as `prog.s`.

Steps, each with the reason it is there:

1. Compile every `.c` with `gcc CFLAGS -S` on the host (as the rest of the
   project makes baselines from the user's own source; `-O3` unless CFLAGS
   names a level), each in its own folder so its quoted `#include`s resolve.
2. Assemble and link all units inside the sandbox (the same reason as
   `tools.build`: gas can read host files), and run the program on every case
   there, twice: the outputs become the tests' expected outputs (the truth is
   the original's own behaviour), and a program whose two runs disagree
   (addresses, time, randomness) or that fails (a signal, a non-zero exit, a
   timeout) is refused, since no candidate could be judged against it.
3. Profile each case with `perf record -e cpu-clock` in the sandbox (the way
   `tools.profile` runs perf, here with the case's arguments and files) and
   give each unit the samples of the functions it defines (its `.s` says
   which, `.cold`/`.part`/`.constprop` clones included). The unit with the
   most samples becomes `prog.s`, unless `hot` names one. Every unit's share
   is reported, plus what fell outside the program (libc, the kernel).
4. Write the folder through a temporary sibling renamed into place, so a
   failure leaves nothing half-written:

       prog.s          the chosen unit's `gcc CFLAGS -S` output
       task.toml       name, source, others, cflags, link_flags, args, [compare]
       src/...         every `.c` (and the headers beside them), as laid out
       tests/NAME.in   stdin of each case (empty when none was given)
       tests/NAME.args its arguments (when the cases differ in them)
       tests/NAME.files/  its input files (from --inputs)
       tests/NAME.out  what the original printed

Cases: each `args` entry is one case (t1, t2, ...); with `inputs` (a folder of
NAME.in / NAME.args / NAME.files/ as in a task's tests folder) those are the
cases, and a single `args` entry is their default. No case at all: one run
with no arguments and empty stdin.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shlex
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tools import asm as asmlib
from tools.c_source import CLONE
from tools.errors import BadInput
from tools.profile import function_samples
from tools.sandbox import Sandbox
from tools.task import DEFAULT_LINK_FLAGS, Limits, _natural_key

COMPILE_TIMEOUT_S = 120
BUILD_TIMEOUT_S = 120
OUTSIDE = "outside the program"
_OPT = re.compile(r"-O(?:[0-3sgz]|fast)?")


@dataclass(frozen=True)
class Case:
    """One run of the program: arguments, stdin and files in its working folder."""

    name: str
    args: tuple[str, ...] = ()
    stdin: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    has_args_file: bool = False  # came with NAME.args (from --inputs)


@dataclass(frozen=True)
class Unit:
    """One translation unit of the project."""

    path: Path  # the user's file
    rel: str  # its path under src/ in the task folder
    asm: str | None = None  # gcc -S output (None for an object file)
    functions: tuple[str, ...] = ()


@dataclass
class FromC:
    """What `from_c` did: each unit's share, the choice and why, what it wrote."""

    out: Path
    units: list[Unit]
    shares: dict[str, float]  # unit rel (or OUTSIDE) -> % of samples
    top: dict[str, list[tuple[str, float]]]  # unit rel -> its hottest functions (name, %)
    samples: int
    chosen: str  # rel of the unit written as prog.s
    why: str
    cases: list[Case]
    profile_note: str = ""  # why there is no profile, when there is none


# ---------------------------------------------------------------------------
# inputs


def split_args(text: str, where: str = "--args") -> tuple[str, ...]:
    """Arguments split as a shell would, without expansion; BadInput when unbalanced."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise BadInput(f"{where}: cannot split {text!r}: {exc}") from None


def collect_sources(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(.c files, .o files) named by SRC arguments; a folder stands for its .c files."""
    if not paths:
        raise BadInput("no sources given (name the project's .c files or its folder)")
    sources: list[Path] = []
    objects: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.c") if p.is_file())
            if not found:
                raise BadInput(f"no .c files in {path}")
            sources += found
        elif not path.exists():
            raise BadInput(f"no such file: {path}")
        elif path.suffix == ".c":
            sources.append(path)
        elif path.suffix == ".o":
            objects.append(path)
        else:
            raise BadInput(f"{path}: expected a .c or .o file, or a folder of .c files")
    resolved = [p.resolve() for p in sources + objects]
    dupes = [p for p, n in Counter(resolved).items() if n > 1]
    if dupes:
        raise BadInput(f"{dupes[0]} is named twice")
    if not sources:
        raise BadInput("no .c file among the sources: one of them becomes prog.s")
    return [p.resolve() for p in sources], [p.resolve() for p in objects]


def load_cases(args: list[str], inputs: Path | None) -> list[Case]:
    """The runs to record (see the module docstring)."""
    if inputs is None:
        if not args:
            return [Case("t1")]
        return [Case(f"t{i}", split_args(a)) for i, a in enumerate(args, start=1)]
    if len(args) > 1:
        raise BadInput("with --inputs, give at most one --args (the default for every case)")
    default = split_args(args[0]) if args else ()
    if not inputs.is_dir():
        raise BadInput(f"--inputs {inputs}: not a folder")
    stems: set[str] = set()
    for p in inputs.iterdir():
        if p.name.startswith("."):
            continue
        if p.is_file() and p.suffix in (".in", ".args"):
            stems.add(p.stem)
    if not stems:
        raise BadInput(f"no cases in {inputs} (expected NAME.in and/or NAME.args files)")
    cases = []
    for stem in sorted(stems, key=_natural_key):
        stdin_path, args_path = inputs / f"{stem}.in", inputs / f"{stem}.args"
        case_args = default
        if args_path.is_file():
            lines = [ln for ln in args_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
            if len(lines) > 1:
                raise BadInput(f"{args_path}: one line of arguments expected, not {len(lines)}")
            case_args = split_args(lines[0] if lines else "", str(args_path))
        files: dict[str, bytes] = {}
        folder = inputs / f"{stem}.files"
        if folder.is_dir():
            for item in sorted(folder.rglob("*")):
                if item.is_symlink():
                    raise BadInput(f"{item}: symbolic links are not copied into a task")
                if item.is_file():
                    files[str(item.relative_to(folder))] = item.read_bytes()
        stdin = stdin_path.read_bytes() if stdin_path.is_file() else b""
        cases.append(Case(stem, case_args, stdin, files, args_path.is_file()))
    return cases


def _cflags(cflags: list[str]) -> list[str]:
    return cflags if any(_OPT.fullmatch(f) for f in cflags) else ["-O3", *cflags]


# ---------------------------------------------------------------------------
# compile, link, run


def compile_unit(path: Path, cflags: list[str]) -> str:
    """`gcc CFLAGS -S` of one file (its folder searched for quoted includes);
    BadInput with gcc's first error."""
    from tools.cc import CompileError, c_to_asm

    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from None
    flags = [*cflags, "-iquote", str(path.parent)]
    try:
        return c_to_asm(source, flags, filename=path.name, timeout=COMPILE_TIMEOUT_S)
    except CompileError as exc:
        if exc.kind == "missing":
            raise BadInput(f"{exc}: gcc compiles the project") from None
        raise BadInput(f"{path} does not compile: {exc}") from None


def _unit_name(index: int, unit: Unit) -> str:
    return f"u{index}.o" if unit.asm is None else f"u{index}.s"


def link(units: list[Unit], sandbox: Sandbox, link_flags: tuple[str, ...]) -> bytes:
    """All units assembled and linked in the sandbox: the program's binary."""
    files = {}
    for i, unit in enumerate(units):
        data = unit.asm.encode("utf-8", "surrogateescape") if unit.asm else unit.path.read_bytes()
        files[_unit_name(i, unit)] = (data, 0o444)
    names = " ".join(f"{{sb}}/{_unit_name(i, u)}" for i, u in enumerate(units))
    script = f'gcc -o /tmp/prog {names} "$@" >&2 && cat /tmp/prog'
    lim = sandbox.limits
    box = sandbox.with_limits(
        dataclasses.replace(
            lim, cpu_s=max(lim.cpu_s, 60), memory_mb=max(lim.memory_mb, 2048), file_mb=64
        )
    )
    done = box.run(["sh", "-c", script, "sh", *link_flags], files=files, timeout=BUILD_TIMEOUT_S)
    if done.returncode == 0 and done.stdout.startswith(b"\x7fELF"):
        return done.stdout
    lines = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and "ld returned" not in ln]
    first = lines[0] if lines else ("timed out" if done.timed_out else "no message")
    for i, unit in enumerate(units):
        first = first.replace(f"/sb/{_unit_name(i, unit)}", unit.rel)
    raise BadInput(f"the project does not link: {first.removeprefix('/usr/bin/ld: ')[:300]}")


# The case's files are copied into a fresh working folder, read-only, and the
# program runs there with the case's arguments. $1 = the folder holding `prog`
# and `files/`, then the arguments.
_RUN = r"""
W=$(mktemp -d /tmp/case.XXXXXX) || exit 97
if [ -d "$1/files" ]; then cp -R "$1/files/." "$W/" && chmod -R a-w "$W"/* 2>/dev/null; fi
chmod u+w "$W"
B=$(mktemp /tmp/prog.XXXXXX) && cp "$1/prog" "$B" && chmod 555 "$B" || exit 98
shift
cd "$W" || exit 98
exec "$B" "$@"
"""


def _case_files(binary: bytes, case: Case) -> dict[str, tuple[bytes, int]]:
    files = {"prog": (binary, 0o555)}
    for rel, data in case.files.items():
        files[f"files/{rel}"] = (data, 0o444)
    return files


def run_case(binary: bytes, case: Case, sandbox: Sandbox):
    """One run of the program on a case, in the sandbox."""
    argv = ["sh", "-c", _RUN, "sh", "{sb}", *case.args]
    return sandbox.run(argv, files=_case_files(binary, case), stdin=case.stdin)


def _failure(done, case: Case, limits: Limits) -> str:
    if done.timed_out:
        return f"times out on case {case.name} (over {limits.timeout_s:g} s; raise --timeout)"
    if done.truncated:
        return f"prints over {limits.output_mb} MB on case {case.name}"
    if done.returncode != 0:
        err = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        status = (
            f"killed by signal {-done.returncode}"
            if done.returncode < 0
            else f"exit status {done.returncode}"
        )
        if done.returncode in (97, 98) and not err:
            status = "the sandbox could not set up its working folder"
        return f"fails on case {case.name} ({status}{': ' + err if err else ''})"
    return ""


# ---------------------------------------------------------------------------
# profile


def perf_functions(
    binary: bytes, case: Case, sandbox: Sandbox
) -> tuple[Counter[tuple[str, str]], str]:
    """Samples per (dso, symbol) of one run of a case under perf, in the sandbox;
    and why there are none, when there are none."""
    files = tuple(sorted(case.files.items()))
    return function_samples(binary, sandbox, case.stdin, case.args, files)


def unit_functions(asm: str) -> tuple[str, ...]:
    """The functions a unit's `.s` defines (clones and cold parts included)."""
    return tuple(f.name for f in asmlib.parse(asm).functions)


def shares(
    units: list[Unit], counts: Counter[tuple[str, str]]
) -> tuple[dict[str, float], dict[str, list[tuple[str, float]]], int]:
    """Per unit (and OUTSIDE): % of all samples; per unit, its hottest functions."""
    owner: dict[str, str] = {}
    for unit in units:
        for name in unit.functions:
            owner.setdefault(name, unit.rel)
    total = sum(counts.values())
    by_unit: Counter[str] = Counter()
    per_function: dict[str, Counter[str]] = {}
    for (dso, sym), n in counts.items():
        name = sym.split("@", 1)[0]
        rel = owner.get(name) or owner.get(CLONE.sub("", name)) if dso == "prog" else None
        rel = rel or OUTSIDE  # libc, the loader, the kernel
        by_unit[rel] += n
        per_function.setdefault(rel, Counter())[name] += n
    pct = {u.rel: 100.0 * by_unit[u.rel] / total if total else 0.0 for u in units}
    pct[OUTSIDE] = 100.0 * by_unit[OUTSIDE] / total if total else 0.0
    top = {
        rel: [(name, 100.0 * n / total) for name, n in c.most_common(3)]
        for rel, c in per_function.items()
        if rel != OUTSIDE
    }
    return pct, top, total


# ---------------------------------------------------------------------------
# the whole command


def _layout(sources: list[Path], objects: list[Path]) -> tuple[Path, dict[Path, str]]:
    """The folder the project lives in, and each file's path under src/."""
    root = Path(os.path.commonpath([p.parent for p in sources + objects]))
    return root, {p: "src/" + str(p.relative_to(root)) for p in sources + objects}


def from_c(
    paths: list[Path],
    args: list[str],
    inputs: Path | None,
    out: Path | None,
    hot: Path | None,
    sandbox: Sandbox,
    cflags: list[str] | None = None,
    link_flags: tuple[str, ...] = DEFAULT_LINK_FLAGS,
    name: str | None = None,
    compare: str = "exact",
    say=lambda text: None,
) -> FromC:
    """Build, run, profile and write the task folder (see the module docstring)."""
    sources, objects = collect_sources(paths)
    root, rels = _layout(sources, objects)
    name = name or re.sub(r"[^A-Za-z0-9._-]+", "_", root.name).strip("._") or "program"
    out = Path(out) if out is not None else Path(f"{name}-task")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput(f"{out} already exists and is not empty: choose another --out")
    hot_path = None
    if hot is not None:
        hot_path = hot.resolve()
        if hot_path not in sources:
            raise BadInput(f"--hot {hot}: not one of the project's .c files")
    cases = load_cases(args, inputs)
    flags = _cflags(list(cflags or []))
    plural = "s" if len(sources) != 1 else ""
    say(f"compiling {len(sources)} unit{plural} with gcc {' '.join(flags)}")
    units = []
    for path in sources:
        asm = compile_unit(path, flags)
        units.append(Unit(path, rels[path], asm, unit_functions(asm)))
    units += [Unit(path, rels[path]) for path in objects]
    binary = link(units, sandbox, link_flags)
    outputs: dict[str, bytes] = {}
    for case in cases:
        first = run_case(binary, case, sandbox)
        problem = _failure(first, case, sandbox.limits)
        if problem:
            raise BadInput(f"the program {problem}")
        second = run_case(binary, case, sandbox)
        problem = _failure(second, case, sandbox.limits)
        if problem:
            raise BadInput(f"the program {problem} (second run)")
        if second.stdout != first.stdout:
            raise BadInput(
                f"the program prints different output in two runs of case {case.name} "
                "(addresses, time or randomness): it cannot be judged by its output"
            )
        outputs[case.name] = first.stdout
    counts: Counter[tuple[str, str]] = Counter()
    note = ""
    for case in cases:
        found, why = perf_functions(binary, case, sandbox)
        counts.update(found)
        note = note or why
    pct, top, total = shares(units, counts)
    compiled = [u for u in units if u.asm is not None]
    if hot_path is not None:
        chosen = next(u for u in compiled if u.path == hot_path)
        why = "named by --hot"
    elif total and max(pct[u.rel] for u in compiled) > 0:
        chosen = max(compiled, key=lambda u: pct[u.rel])
        why = f"it holds the most samples ({pct[chosen.rel]:.1f}% of {total})"
        note = ""
    else:
        chosen = next((u for u in compiled if "main" in u.functions), compiled[0])
        why = "no sample fell in the program's own code" + (f" ({note})" if note else "")
        why += f"; took {'the unit with main' if 'main' in chosen.functions else 'the first unit'}"
    _write(out, name, chosen, units, cases, outputs, flags, link_flags, sandbox.limits, compare)
    return FromC(out, units, pct, top, total, chosen.rel, why, cases, note)


def _toml_list(items) -> str:
    return "[" + ", ".join(_toml_str(i) for i in items) + "]"


def _toml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _write(
    out: Path,
    name: str,
    chosen: Unit,
    units: list[Unit],
    cases: list[Case],
    outputs: dict[str, bytes],
    cflags: list[str],
    link_flags: tuple[str, ...],
    limits: Limits,
    compare: str = "exact",
) -> None:
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would hide the sources from the sandbox
        (tmp / "prog.s").write_text(chosen.asm, encoding="utf-8", errors="surrogateescape")
        headers: set[Path] = set()
        for unit in units:
            target = tmp / unit.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unit.path, target)
            if unit.asm is not None:
                headers.update(p for p in unit.path.parent.glob("*.h") if p.is_file())
        src_root = Path(os.path.commonpath([u.path.parent for u in units]))
        for header in headers:
            target = tmp / "src" / header.relative_to(src_root)
            if not target.exists():
                shutil.copyfile(header, target)
        tests = tmp / "tests"
        tests.mkdir()
        distinct = {c.args for c in cases}
        shared = len(distinct) == 1 and not any(c.has_args_file for c in cases)
        for case in cases:
            (tests / f"{case.name}.in").write_bytes(case.stdin)
            if not shared:
                (tests / f"{case.name}.args").write_text(shlex.join(case.args) + "\n")
            (tests / f"{case.name}.out").write_bytes(outputs[case.name])
            for rel, data in case.files.items():
                target = tests / f"{case.name}.files" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        others = [u.rel for u in units if u is not chosen]
        lines = [
            f"name = {_toml_str(name)}",
            f"source = {_toml_str(chosen.rel)}",
            f"others = {_toml_list(others)}",
            f"cflags = {_toml_list(cflags)}",
            f"link_flags = {_toml_list(link_flags)}",
        ]
        if shared and cases[0].args:
            lines.append(f"args = {_toml_list(cases[0].args)}")
        if compare != "exact":
            lines += ["", "[compare]", f"mode = {_toml_str(compare)}"]
        if limits.timeout_s != Limits().timeout_s:
            lines += ["", "[limits]", f"timeout_s = {limits.timeout_s:g}"]
        (tmp / "task.toml").write_text("\n".join(lines) + "\n")
        if out.is_dir():
            out.rmdir()  # empty (checked before anything ran)
        tmp.replace(out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
