"""`agent suite build`: C programs with input files -> task folders, as the paper
built its benchmark.

Input layouts (both may be mixed in one SRC folder):

    SRC/NAME.c + SRC/NAME/*.in           (or SRC/NAME/tests/*.in)
    SRC/NAME/prog.c + SRC/NAME/*.in      (or the folder's only .c; inputs also in tests/)

An `X.out` beside `X.in` is an expected output: the program must print it.

For each program: compile it with gcc -O3 -S (the baseline) and -O0 -S, link
both in the sandbox, run each input in the sandbox twice at -O3 and once at
-O0, and write SUITE/NAME/ (prog.c, prog.s, tests/X.in + tests/X.out from the
-O3 run, task.toml) when every run agrees. A program is dropped, with its
reason in SUITE/dropped.json, when it does not compile or link, has no input,
crashes (a signal or a non-zero exit), times out, floods its output, prints
different output across two runs, prints something else at -O0 than at -O3
(undefined behaviour, usually), or differs from a given `.out`.

A program that passes all that is screened for undefined behaviour the two
outputs can hide (`tools.screen`: valgrind memcheck and an ASan+UBSan build,
each on every input, in the sandbox): a report drops it with the tool, the
input and the first error as its reason. `screening=None` skips that step.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import BadInput
from tools.screen import ScreenOptions, check_tools, screen
from tools.task import Limits, Task, _natural_key, rebuild_baseline

LINK_FLAGS = ("-lm",)


@dataclass
class Program:
    name: str
    source: Path | None
    inputs: list[Path] = field(default_factory=list)
    problem: str = ""  # why it cannot even be tried


@dataclass
class Built:
    name: str
    kept: bool
    reason: str = ""
    tests: int = 0
    cpu_ms: float = 0.0  # the -O3 build's slowest input


def _inputs(folder: Path) -> list[Path]:
    found = []
    for where in (folder, folder / "tests", folder / "inputs"):
        if where.is_dir():
            found += [p for p in where.glob("*.in") if p.is_file()]
    return sorted(found, key=lambda p: _natural_key(p.stem))


def discover(src: Path) -> list[Program]:
    src = Path(src)
    if not src.is_dir():
        raise BadInput(f"{src} is not a folder of C programs")
    programs: dict[str, Program] = {}
    for path in sorted(src.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_file() and path.suffix == ".c":
            programs[path.stem] = Program(path.stem, path, _inputs(src / path.stem))
    for path in sorted(src.iterdir()):
        if path.name.startswith(".") or not path.is_dir() or path.name in programs:
            continue
        sources = [path / "prog.c"] if (path / "prog.c").is_file() else sorted(path.glob("*.c"))
        if not sources:
            continue  # not a program (e.g. a folder of shared inputs)
        program = Program(path.name, sources[0], _inputs(path))
        if len(sources) > 1:
            program.problem = f"several .c files ({', '.join(p.name for p in sources[:4])})"
        programs[path.name] = program
    if not programs:
        raise BadInput(f"no C programs in {src} (NAME.c + NAME/*.in, or NAME/prog.c + inputs)")
    return [programs[k] for k in sorted(programs, key=_natural_key)]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "program"


def _first_line(exc: BadInput) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("task ") and ": " in text else text


def _run_issue(run, label: str, test: str, limits: Limits) -> str:
    if run.timed_out:
        return f"{label}times out on {test} (over {limits.timeout_s:g} s)"
    if run.signal:
        from tools.testing import signal_name

        return f"{label}crashes on {test} (killed by {signal_name(run.signal)})"
    if run.exit_code != 0:
        return f"{label}crashes on {test} (exit status {run.exit_code})"
    if run.out_truncated:
        return f"{label}prints over {limits.output_mb} MB on {test}"
    return ""


def check_program(
    program: Program, sandbox, screening: ScreenOptions | None = None
) -> tuple[Built, dict | None]:
    """Compile, run, compare and (with `screening`) screen one program; returns
    the verdict and, when kept, its files (asm, tests as {name: (input, output)})."""
    from tools.build import build

    name = program.name
    if program.problem:
        return Built(name, False, program.problem), None
    if program.source is None:
        return Built(name, False, "no C source"), None
    if not program.inputs:
        return Built(name, False, "no input files (.in)"), None
    try:
        source = program.source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Built(name, False, f"cannot read the source: {exc}"), None
    shell = Task(name=name, asm="", tests=(), source=source, link_flags=LINK_FLAGS)
    try:
        asm3 = rebuild_baseline(shell, "-O3").asm
        asm0 = rebuild_baseline(shell, "-O0").asm
    except BadInput as exc:
        return Built(name, False, _first_line(exc)), None
    builds = [build(asm, sandbox, LINK_FLAGS) for asm in (asm3, asm0)]
    for level, b in zip(("-O3", "-O0"), builds, strict=True):
        if not b.ok:
            return Built(name, False, f"does not link at {level}: {b.errors[0]}"), None
    limits = sandbox.limits
    tests: dict[str, tuple[bytes, bytes]] = {}
    slowest = 0.0
    with sandbox.session([builds[0].binary, builds[1].binary]) as session:
        for path in program.inputs:
            data = path.read_bytes()
            session.set_input(data)
            first = session.run(0)
            issue = _run_issue(first, "", path.stem, limits)
            if issue:
                return Built(name, False, issue), None
            second = session.run(0)
            issue = _run_issue(second, "", path.stem, limits)
            if issue:
                return Built(name, False, issue + " (second run)"), None
            if second.stdout != first.stdout:
                return Built(
                    name, False, f"prints different output across two runs on {path.stem}"
                ), None
            low = session.run(1)
            issue = _run_issue(low, "the -O0 build ", path.stem, limits)
            if issue:
                return Built(name, False, issue), None
            if low.stdout != first.stdout:
                return Built(
                    name,
                    False,
                    f"prints different output at -O0 and -O3 on {path.stem} (undefined behaviour?)",
                ), None
            expected = path.with_suffix(".out")
            if expected.is_file() and expected.read_bytes() != first.stdout:
                return Built(name, False, f"output differs from the given {expected.name}"), None
            tests[path.stem] = (data, first.stdout)
            slowest = max(slowest, first.cpu_us / 1000)
    if screening is not None:
        inputs = [(stem, data) for stem, (data, _) in tests.items()]
        reason = screen(source, inputs, sandbox, LINK_FLAGS, screening)
        if reason:
            return Built(name, False, reason), None
    return Built(name, True, tests=len(tests), cpu_ms=round(slowest, 2)), {
        "source": source,
        "asm": asm3,
        "tests": tests,
    }


def _write_task(folder: Path, files: dict, limits: Limits) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    tests = tmp / "tests"
    tests.mkdir(parents=True)
    (tmp / "prog.c").write_text(files["source"])
    (tmp / "prog.s").write_text(files["asm"])
    for stem, (data, out) in files["tests"].items():
        (tests / f"{stem}.in").write_bytes(data)
        (tests / f"{stem}.out").write_bytes(out)
    toml = 'link_flags = ["-lm"]\n'
    if limits.timeout_s > Limits().timeout_s:  # slow programs need a longer limit later too
        toml += f"[limits]\ntimeout_s = {limits.timeout_s!r}\n"
    (tmp / "task.toml").write_text(toml)
    tmp.rename(folder)


def build_suite(
    src: Path,
    out: Path,
    timeout_s: float = 10.0,
    sandbox_mode: str = "bwrap",
    jobs: int = 2,
    screening: ScreenOptions | None = ScreenOptions(),  # noqa: B008 - frozen, never mutated
) -> dict:
    """Build SUITE from SRC; returns {"kept": [...], "dropped": [...]}, also written
    as SUITE/suite.json and SUITE/dropped.json."""
    from tools.sandbox import Sandbox

    src, out = Path(src), Path(out)
    programs = discover(src)
    if screening is not None:
        check_tools()
    if out.exists() and any(out.iterdir()):
        raise BadInput(f"{out} is not empty: give a new folder for the suite")
    limits = dataclasses.replace(
        Limits(), timeout_s=float(timeout_s), cpu_s=max(1, int(timeout_s + 0.999))
    )
    sandbox = Sandbox(limits, sandbox_mode)
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    folders = {}
    for program in programs:
        slug, n = _slug(program.name), 2
        base = slug
        while slug.lower() in used or slug in ("dropped.json", "suite.json"):
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        folders[program.name] = out / slug

    def one(program: Program) -> Built:
        try:
            verdict, files = check_program(program, sandbox, screening)
        except Exception as exc:  # a sandbox failure on one program stops no other
            return Built(program.name, False, f"could not be checked: {type(exc).__name__}: {exc}")
        if files is not None:
            _write_task(folders[program.name], files, limits)
        return verdict

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        verdicts = list(pool.map(one, programs))
    kept = [
        {"name": v.name, "folder": folders[v.name].name, "tests": v.tests, "cpu_ms": v.cpu_ms}
        for v in verdicts
        if v.kept
    ]
    dropped = [{"name": v.name, "reason": v.reason} for v in verdicts if not v.kept]
    gcc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout
    (out / "dropped.json").write_text(json.dumps(dropped, indent=1) + "\n")
    (out / "suite.json").write_text(
        json.dumps(
            {
                "source": str(src.resolve()),
                "compiler": gcc.splitlines()[0] if gcc else "gcc",
                "baseline": "gcc -O3 -S",
                "timeout_s": timeout_s,
                "screened": (
                    f"valgrind memcheck ({screening.memcheck_opt} -g) and "
                    "-fsanitize=address,undefined, on every input"
                    if screening
                    else "no"
                ),
                "kept": kept,
                "dropped": len(dropped),
            },
            indent=1,
        )
        + "\n"
    )
    return {"kept": kept, "dropped": dropped}


def render_build(result: dict, out: Path, console=None) -> None:
    from rich.console import Console

    console = console or Console(highlight=False, emoji=False)

    def say(text: str) -> None:
        console.print(text, markup=False, soft_wrap=True)

    for item in result["kept"]:
        say(f"kept     {item['name']}: {item['tests']} tests, {item['cpu_ms']:.1f} ms")
    for item in result["dropped"]:
        say(f"dropped  {item['name']}: {item['reason']}")
    say(
        f"{len(result['kept'])} tasks in {out}, {len(result['dropped'])} dropped "
        f"(reasons in {out}/dropped.json)"
    )
