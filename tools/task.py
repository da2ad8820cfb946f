"""Load a task: the assembly to beat, its tests, optional C source, build options,
output comparison mode and limits.

Everything here is user input, so every unusable input raises `BadInput` with one
line that says what is wrong and where; nothing reaches the harness half-checked.

Task folder layout::

    prog.s            the baseline assembly (or exactly one *.s file)
    prog.c            optional C source (same stem as the .s)
    tests/NAME.in     stdin of test NAME (optional when NAME.args or NAME.files/ exists:
                      no file means empty stdin)
    tests/NAME.out    its expected stdout
    tests/NAME.args   optional: one line of arguments, split as a shell would
                      split it (quotes and backslashes), with no expansion ($VAR,
                      globs, ~ stay as they are); it replaces task.toml's `args`
    tests/NAME.files/ optional: files copied read-only (mode 0444) into the
                      program's working directory for that test, for programs
                      that open their input by name (subfolders kept)
    task.toml         optional settings, below

A test exists when any of NAME.in, NAME.args or NAME.files/ does. Either every
test has a NAME.out or none has (then the original's own output is the truth).

task.toml (every key optional; unknown keys are errors, so typos do not pass
silently)::

    name = "collatz"          # task name (default: the folder, or the .s stem)
    generator = "gen.py"      # input generator for differential testing
    link_flags = ["-lm"]      # gcc flags when linking (default ["-lm"], as judges link)
    args = ["-n", "1000"]     # arguments of every test without its own NAME.args
    others = ["src/a.c", "lib/x.o"]  # the rest of the program: .c files (compiled once
                              # per run, in the sandbox, with cflags) and .o files,
                              # linked with the baseline and with every candidate;
                              # then the .s need not define main
    cflags = ["-O3"]          # gcc flags for the others (default ["-O3"]), run from the
                              # task folder; the compile sees the C and header files of
                              # the task folder, of each file's folder and of -I folders
    source = "src/hot.c"      # the C file the .s came from (default: prog.c beside it)
    outputs = ["out.txt"]     # files the program writes in its working directory,
                              # compared (like stdout, under [compare]) with what the
                              # original writes; a file the original does not write
                              # must not be written either
    function = "hot_loop"     # the one function in focus (see `agent run --function`)

    [compare]
    mode = "exact"            # "exact" | "whitespace" | "float"
    rel_tol = 1e-6            # "float": numeric tokens equal within rel_tol ...
    abs_tol = 1e-9            # ... or abs_tol

    [limits]                  # per test run
    timeout_s = 10            # wall clock, seconds
    cpu_s = 10                # RLIMIT_CPU, seconds
    memory_mb = 2048          # RLIMIT_AS
    output_mb = 64            # stdout cap
    file_mb = 16              # RLIMIT_FSIZE and the sandbox tmpfs size
    processes = 32            # process limit

Paths in task.toml are relative to the task folder. The same keys can be given
on the command line (`--args`, `--others`, `--cflags`, `--outputs`, `--source`,
`--function`); they replace the file's values.

Dataset records (the SuperCoder paper's schema, JSON lines or parquet) carry
`extra_info.inputs`, `extra_info.outputs`, `extra_info.c_code` and
`extra_info.unoptimized_assembly`. The paper's public code fills the latter with
`gcc -O0` output, so such tasks are marked `baseline="dataset-O0"`;
`rebuild_baseline` recompiles the C source (at -O3 by default) to beat the
baseline the paper reports speedups against.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import shlex
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.cc import CompileError, c_to_asm
from tools.errors import BadInput

COMPARE_MODES = ("exact", "whitespace", "float")
# Judges and benchmark harnesses link libm without being asked, so do we; with
# the linker's --as-needed (Debian's default) an unused libm costs nothing.
DEFAULT_LINK_FLAGS = ("-lm",)
DEFAULT_CFLAGS = ("-O3",)
MAX_FILES = 1000  # files in one test's NAME.files/


@dataclass(frozen=True)
class TestCase:
    """One test: bytes fed to stdin and the stdout expected back."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    input: bytes
    expected: bytes | None  # None: whatever the original prints (filled by prepare_baseline)
    args: tuple[str, ...] = ()  # argv[1:] (NAME.args, else task.toml's args)
    files: tuple[tuple[str, bytes], ...] = ()  # (relative path, content) from NAME.files/
    # The files named in task.toml's `outputs`, as the original writes them:
    # (name, content, or None when it writes no such file); None until
    # prepare_baseline takes them from the original's run.
    expected_files: tuple[tuple[str, bytes | None], ...] | None = None

    @property
    def shown_args(self) -> str:
        """The arguments as a shell line would give them (for reports and the TUI)."""
        return shlex.join(self.args)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run of a program on one test."""

    timeout_s: float = 10.0  # wall clock per run
    cpu_s: int = 10  # RLIMIT_CPU per run
    memory_mb: int = 2048  # RLIMIT_AS per run
    output_mb: int = 64  # stdout cap per run
    file_mb: int = 16  # RLIMIT_FSIZE and the sandbox tmpfs size
    processes: int = 32  # process limit


@dataclass(frozen=True)
class Compare:
    """How a test's actual stdout is compared with the expected one.

    "exact": byte for byte. "whitespace": trailing whitespace on each line and
    trailing blank lines are ignored. "float": whitespace-separated tokens;
    numeric ones must agree within rel_tol or abs_tol, others exactly, and the
    token counts must match.
    """

    mode: str = "exact"
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9

    def __post_init__(self) -> None:
        if self.mode not in COMPARE_MODES:
            raise BadInput(
                f"unknown compare mode {self.mode!r} (known: {', '.join(COMPARE_MODES)})"
            )


@dataclass(frozen=True)
class Task:
    """Everything needed to evaluate candidates for one program."""

    name: str
    asm: str  # the baseline assembly text
    tests: tuple[TestCase, ...]
    source: str | None = None  # C source if any
    link_flags: tuple[str, ...] = DEFAULT_LINK_FLAGS  # task.toml's link_flags replace them
    compare: Compare = Compare()
    limits: Limits = Limits()
    root: Path | None = None  # the folder holding the task's files, if loaded from files
    asm_path: Path | None = None
    baseline: str = "given"  # where the baseline came from: "given", "dataset-O0", "gcc-O3"
    generator: str | None = None  # input generator for differential testing (task.toml)
    expected_from: str = "files"  # "files" (NAME.out), "original" (inputs only), "empty input"
    args: tuple[str, ...] = ()  # task.toml's args: the default of every test
    others: tuple[Path, ...] = ()  # the program's other .c/.o files (absolute paths)
    cflags: tuple[str, ...] = DEFAULT_CFLAGS  # gcc flags for compiling the others
    source_path: Path | None = None  # the C file the .s came from, if known
    outputs: tuple[str, ...] = ()  # files the program writes, compared beside stdout
    function: str | None = None  # the one function in focus, if any
    # The others compiled (tools.build.compile_others): (object name, bytes),
    # filled once per run by prepare_baseline and linked with every build.
    objects: tuple[tuple[str, bytes], ...] = ()

    @property
    def needs_reference(self) -> bool:
        """Some expected output is still to be taken from the original's own run."""
        return any(
            t.expected is None or (self.outputs and t.expected_files is None) for t in self.tests
        )

    @property
    def needs_main(self) -> bool:
        """Must the .s define main? Not when other files make up the rest of the program."""
        return not self.others


# ---------------------------------------------------------------------------
# files


def _read_text(path: Path, what: str = "file") -> str:
    """Read a user text file; missing, unreadable, binary or empty -> BadInput."""
    if not path.exists():
        raise BadInput(f"no such file: {path}")
    if path.is_dir():
        raise BadInput(f"{path} is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    if not data.strip():
        raise BadInput(f"{path} is empty")
    if b"\0" in data:
        raise BadInput(f"{path} is binary data, not {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path} is binary data, not {what}") from None


def read_asm_file(path: Path, need_main: bool = True) -> str:
    """Read a candidate or baseline `.s`: text that must be x86-64 assembly with a
    main (unless `need_main` is false: the task's other files supply it)."""
    from tools.asm import check_x86_64

    text = _read_text(path, "assembly text")
    try:
        check_x86_64(text, need_main)
    except BadInput as exc:
        raise BadInput(f"{path}: {exc}") from None
    return text


def _natural_key(name: str) -> list[Any]:
    """Sort key that orders t2 before t10."""
    return [(0, int(p), p) if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name)]


def parse_args_line(text: str, where: str) -> tuple[str, ...]:
    """One line of arguments, split as a shell would (quotes, backslashes), with
    no expansion: `$HOME`, `*.txt` and `~` reach the program as written."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1:
        raise BadInput(f"{where}: {len(lines)} lines; the arguments go on one line")
    if "\0" in text:
        raise BadInput(f"{where}: arguments cannot hold NUL bytes")
    try:
        return tuple(shlex.split(lines[0] if lines else "", comments=False, posix=True))
    except ValueError as e:  # "No closing quotation", "No escaped character"
        raise BadInput(f"{where}: cannot split the arguments: {str(e).lower()}") from None


def _read_args(path: Path) -> tuple[str, ...]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    return parse_args_line(text, str(path))


def read_input_files(folder: Path, limit_bytes: int) -> tuple[tuple[str, bytes], ...]:
    """The files under `folder` (symbolic links followed), as (relative path,
    content), sorted; at most MAX_FILES files and `limit_bytes` in all."""
    found: list[tuple[str, bytes]] = []
    total = 0
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(folder).as_posix()
        if not path.is_file():
            raise BadInput(f"{path}: not a regular file (input files are copied as files)")
        try:
            data = path.read_bytes()
        except OSError as e:
            raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
        total += len(data)
        found.append((rel, data))
        if len(found) > MAX_FILES:
            raise BadInput(f"{folder}: more than {MAX_FILES} input files")
        if total > limit_bytes:
            raise BadInput(
                f"{folder}: input files over {limit_bytes >> 20} MB in all "
                "(raise limits.file_mb in task.toml)"
            )
    return tuple(found)


def load_tests(
    tests_dir: Path, args: tuple[str, ...] = (), files_limit: int = Limits().file_mb << 20
) -> tuple[TestCase, ...]:
    """Read the tests in natural name order: NAME.in (stdin), NAME.args (one line
    of arguments, else `args`), NAME.files/ (input files), NAME.out (expected
    stdout); other files are ignored.

    A folder of tests without any NAME.out is valid too: for a superoptimizer
    the truth is the original's own behaviour, so those tests expect what it
    prints (`expected` None until `tools.evaluate.prepare_baseline` fills it
    in). A folder where only some tests have outputs is an error: a forgotten
    file must not silently change what is checked."""
    tests_dir = Path(tests_dir)
    if not tests_dir.is_dir():
        if tests_dir.exists():
            raise BadInput(f"tests folder {tests_dir} is not a folder")
        raise BadInput(
            f"no tests folder: {tests_dir} (expected NAME.in files, with or without NAME.out)"
        )
    ins: dict[str, Path] = {}
    outs: dict[str, Path] = {}
    argfiles: dict[str, Path] = {}
    filedirs: dict[str, Path] = {}
    try:
        entries = sorted(tests_dir.iterdir())
    except OSError as e:
        raise BadInput(f"cannot read {tests_dir}: {e.strerror or e}") from None
    for p in entries:
        if p.name.startswith("."):
            continue
        if p.is_dir():
            if p.suffix == ".files":
                filedirs[p.stem] = p
            continue
        if not p.is_file():
            continue
        kinds = {".in": ins, ".out": outs, ".args": argfiles}
        if p.suffix in kinds:
            kinds[p.suffix][p.stem] = p
    stems = set(ins) | set(argfiles) | set(filedirs)
    inputs_only = bool(stems) and not outs
    unpaired = [] if inputs_only else sorted(stems ^ set(outs), key=_natural_key)
    if unpaired:
        named = []
        for s in unpaired:
            given = ins.get(s) or argfiles.get(s) or filedirs.get(s)
            named.append(f"{given.name} has no {s}.out" if given else f"{s}.out has no {s}.in")
        shown = "; ".join(named[:5]) + (f"; and {len(named) - 5} more" if len(named) > 5 else "")
        raise BadInput(f"unpaired test files in {tests_dir}: {shown}")
    if not stems:
        raise BadInput(
            f"no tests in {tests_dir} (expected NAME.in files, with or without NAME.out)"
        )
    tests = []
    for stem in sorted(stems, key=_natural_key):
        try:
            expected = None if inputs_only else outs[stem].read_bytes()
            stdin = ins[stem].read_bytes() if stem in ins else b""
        except OSError as e:
            raise BadInput(f"cannot read test {tests_dir / stem}: {e.strerror or e}") from None
        test_args = _read_args(argfiles[stem]) if stem in argfiles else tuple(args)
        files = read_input_files(filedirs[stem], files_limit) if stem in filedirs else ()
        tests.append(TestCase(stem, stdin, expected, test_args, files))
    return tuple(tests)


EMPTY_INPUT = (TestCase("empty", b"", None),)


# ---------------------------------------------------------------------------
# task.toml

_TOP_KEYS = (
    "args",
    "cflags",
    "compare",
    "function",
    "generator",
    "limits",
    "link_flags",
    "name",
    "others",
    "outputs",
    "source",
)
# The keys that describe the program's shape; the command line may give them too.
SHAPE_KEYS = ("args", "cflags", "function", "others", "outputs", "source")
_COMPARE_KEYS = tuple(f.name for f in dataclasses.fields(Compare))
_LIMIT_KEYS = tuple(f.name for f in dataclasses.fields(Limits))


def _check_keys(where: str, table: dict, known: Iterable[str], prefix: str = "") -> None:
    known = sorted(known)
    for key in table:
        if key not in known:
            raise BadInput(f"{where}: unknown key '{prefix}{key}' (known: {', '.join(known)})")


def _number(where: str, key: str, value: Any, *, integer: bool) -> float | int:
    """A positive (or, for tolerances, non-negative) finite number of the right kind."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "an integer" if integer else "a number"
        raise BadInput(f"{where}: {key} must be {kind}, not {type(value).__name__}")
    if integer and not isinstance(value, int):
        raise BadInput(f"{where}: {key} must be an integer, not {value!r}")
    if not math.isfinite(value):
        raise BadInput(f"{where}: {key} must be finite, not {value!r}")
    return value


def parse_task_toml(path: Path) -> dict:
    """Read and validate task.toml.

    Returns only the keys present, converted: "name", "generator" and
    "function" (str), "link_flags", "args", "cflags" and "outputs" (tuple of
    str), "others" (tuple of absolute paths) and "source" (an absolute path),
    "compare" (`Compare`), "limits" (`Limits`, with defaults for the keys not
    given).
    """
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    where = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{where}: not valid TOML: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = " ".join(str(e).split())
        raise BadInput(f"{where}: not valid TOML: {msg}") from None
    _check_keys(where, data, _TOP_KEYS)
    out: dict[str, Any] = check_shape(data, where, path.absolute().parent)
    for key in ("name", "generator"):
        if key in data:
            value = data[key]
            if not isinstance(value, str) or not value.strip():
                raise BadInput(f"{where}: {key} must be a non-empty string")
            out[key] = value.strip()
    if "link_flags" in data:
        flags = data["link_flags"]
        if not isinstance(flags, list) or not all(isinstance(f, str) and f for f in flags):
            raise BadInput(f'{where}: link_flags must be a list of strings, e.g. ["-lm"]')
        out["link_flags"] = tuple(flags)
    if "compare" in data:
        table = data["compare"]
        if not isinstance(table, dict):
            raise BadInput(f"{where}: compare must be a table ([compare])")
        _check_keys(where, table, _COMPARE_KEYS, "compare.")
        mode = table.get("mode", Compare.mode)
        if mode not in COMPARE_MODES:
            raise BadInput(
                f"{where}: compare.mode must be one of {', '.join(COMPARE_MODES)}, not {mode!r}"
            )
        tols = {}
        for key in ("rel_tol", "abs_tol"):
            if key in table:
                value = _number(where, f"compare.{key}", table[key], integer=False)
                if value < 0:
                    raise BadInput(f"{where}: compare.{key} must be >= 0, not {value!r}")
                tols[key] = float(value)
        out["compare"] = Compare(mode=mode, **tols)
    if "limits" in data:
        table = data["limits"]
        if not isinstance(table, dict):
            raise BadInput(f"{where}: limits must be a table ([limits])")
        _check_keys(where, table, _LIMIT_KEYS, "limits.")
        values: dict[str, Any] = {}
        for key, value in table.items():
            integer = key != "timeout_s"
            number = _number(where, f"limits.{key}", value, integer=integer)
            if number <= 0:
                raise BadInput(f"{where}: limits.{key} must be > 0, not {value!r}")
            values[key] = number if integer else float(number)
        out["limits"] = Limits(**values)
    return out


def _strings(where: str, key: str, value: Any, example: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise BadInput(f"{where}: {key} must be a list of strings, e.g. {example}")
    return tuple(value)


def _task_file(
    where: str, key: str, value: str, root: Path, suffixes: tuple[str, ...] = ()
) -> Path:
    path = Path(value)
    path = path if path.is_absolute() else root / path
    if not path.exists():
        raise BadInput(f"{where}: {key}: no such file: {value}")
    if not path.is_file():
        raise BadInput(f"{where}: {key}: {value} is not a file")
    if suffixes and path.suffix not in suffixes:
        raise BadInput(f"{where}: {key}: {value} is not a {' or '.join(suffixes)} file")
    return path.absolute()


def _output_name(where: str, name: str) -> str:
    parts = name.split("/")
    if name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\0" in name:
        raise BadInput(
            f"{where}: outputs: {name!r} must be a relative path inside the working "
            "directory (no '..', no leading '/')"
        )
    return name


def check_shape(data: dict, where: str, root: Path) -> dict[str, Any]:
    """Validate the program-shape keys (SHAPE_KEYS) of task.toml or of the
    command line; relative paths are taken from `root`. `args` and `cflags`
    may also be one string, split as a shell would."""
    out: dict[str, Any] = {}
    for key in ("args", "cflags"):
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            out[key] = parse_args_line(value, f"{where}: {key}")
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            if any("\0" in v for v in value):
                raise BadInput(f"{where}: {key} cannot hold NUL bytes")
            out[key] = tuple(value)
        else:
            raise BadInput(f'{where}: {key} must be a list of strings, e.g. ["-n", "10"]')
    if "others" in data:
        names = _strings(where, "others", data["others"], '["src/a.c", "lib/x.o"]')
        paths = [_task_file(where, "others", n, root, (".c", ".o")) for n in names]
        if len(set(paths)) != len(paths):
            raise BadInput(f"{where}: others names a file twice")
        out["others"] = tuple(paths)
    if "source" in data:
        value = data["source"]
        if not isinstance(value, str | Path) or not str(value).strip():
            raise BadInput(f'{where}: source must be a path, e.g. "src/hot.c"')
        out["source"] = _task_file(where, "source", str(value), root)
    if "outputs" in data:
        names = _strings(where, "outputs", data["outputs"], '["out.txt"]')
        if len(set(names)) != len(names):
            raise BadInput(f"{where}: outputs names a file twice")
        out["outputs"] = tuple(_output_name(where, n) for n in names)
    if "function" in data:
        value = data["function"]
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"{where}: function must be a non-empty string (a function's name)")
        out["function"] = value.strip()
    return out


# ---------------------------------------------------------------------------
# tasks from files


def load_task(
    asm_path: Path,
    tests_dir: Path | None = None,
    source: Path | None = None,
    shape: dict | None = None,
) -> Task:
    """Load the .s file, its tests (default: tests/ beside it), its C source
    (default: task.toml's `source`, else the same stem with .c, if present) and
    task.toml beside it. `shape` holds program-shape keys given on the command
    line (SHAPE_KEYS, as in task.toml; relative paths from the current
    folder): they replace task.toml's.

    The name is task.toml's `name`, else the folder's name when the file is the
    conventional prog.s, else the file's stem. A folder is loaded as by
    `load_task_dir`.
    """
    asm_path = Path(asm_path)
    if asm_path.is_dir() and tests_dir is None and source is None:
        return load_task_dir(asm_path, shape)
    default_name = asm_path.absolute().parent.name if asm_path.stem == "prog" else asm_path.stem
    return _load(asm_path, tests_dir, source, default_name, shape)


def load_task_dir(folder: Path, shape: dict | None = None) -> Task:
    """Load a task folder: prog.s (or its only .s file), tests/, optional prog.c and
    task.toml. Without a name in task.toml the task is named after the folder."""
    folder = Path(folder)
    if not folder.exists():
        raise BadInput(f"no such folder: {folder}")
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder")
    asm_path = folder / "prog.s"
    if not asm_path.is_file():
        candidates = sorted(p for p in folder.glob("*.s") if p.is_file())
        if not candidates:
            raise BadInput(f"no prog.s in {folder}")
        if len(candidates) > 1:
            names = ", ".join(p.name for p in candidates)
            raise BadInput(f"{folder} has several .s files ({names}); name the baseline prog.s")
        asm_path = candidates[0]
    return _load(asm_path, None, None, folder.absolute().name, shape)


def _load(
    asm_path: Path,
    tests_dir: Path | None,
    source: Path | None,
    default_name: str,
    shape: dict | None = None,
) -> Task:
    asm = _read_text(asm_path, "assembly text")
    toml_path = asm_path.parent / "task.toml"
    settings = parse_task_toml(toml_path) if toml_path.exists() else {}
    if shape:
        unknown = sorted(set(shape) - set(SHAPE_KEYS))
        if unknown:
            raise ValueError(f"not program-shape keys: {unknown}")
        given = {k: v for k, v in shape.items() if v is not None}
        settings.update(check_shape(given, "command line", Path.cwd()))
    limits = settings.get("limits", Limits())
    args = settings.get("args", ())
    default_dir = asm_path.parent / "tests"
    if tests_dir is None and not default_dir.exists():
        # a program that reads no input: one test, empty stdin, the default args
        tests, expected_from = (dataclasses.replace(EMPTY_INPUT[0], args=args),), "empty input"
    else:
        tests_path = Path(tests_dir) if tests_dir is not None else default_dir
        tests = load_tests(tests_path, args, limits.file_mb << 20)
        expected_from = "original" if tests[0].expected is None else "files"
    src_text, src_path = None, None
    if source is not None:
        src_path = Path(source)
    elif "source" in settings:
        src_path = settings["source"]
    elif asm_path.with_suffix(".c").is_file():
        src_path = asm_path.with_suffix(".c")
    if src_path is not None:
        src_text = _read_text(src_path, "C source text")
    return Task(
        name=settings.get("name") or default_name,
        asm=asm,
        tests=tests,
        source=src_text,
        link_flags=settings.get("link_flags", DEFAULT_LINK_FLAGS),
        compare=settings.get("compare", Compare()),
        limits=limits,
        root=asm_path.absolute().parent,
        asm_path=asm_path.absolute(),
        generator=settings.get("generator"),
        expected_from=expected_from,
        args=args,
        others=settings.get("others", ()),
        cflags=settings.get("cflags", DEFAULT_CFLAGS),
        source_path=src_path.absolute() if src_path is not None else None,
        outputs=settings.get("outputs", ()),
        function=settings.get("function"),
    )


# ---------------------------------------------------------------------------
# dataset records

_NAME_KEYS = ("problem_id", "id", "name")
_FENCE = re.compile(r"^\s*```[\w+-]*[ \t]*\n(.*?)\n?```\s*$", re.S)


def _record_str(info: dict, key: str, name: str, *, required: bool) -> str | None:
    if key not in info or info[key] is None:
        if required:
            raise BadInput(f"record {name}: missing field 'extra_info.{key}'")
        return None
    value = info[key]
    if not isinstance(value, str):
        raise BadInput(f"record {name}: extra_info.{key} must be a string")
    return value


def _record_strings(info: dict, key: str, name: str) -> list[str]:
    if key not in info or info[key] is None:
        raise BadInput(f"record {name}: missing field 'extra_info.{key}'")
    value = info[key]
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise BadInput(f"record {name}: extra_info.{key} must be a list of strings")
    items = list(value)
    if not all(isinstance(v, str) for v in items):
        raise BadInput(f"record {name}: extra_info.{key} must be a list of strings")
    return items


def record_name(record: dict, default: str) -> str:
    """The record's own name (problem_id, id or name; top level or in extra_info)."""
    info = record.get("extra_info")
    for table in (record, info if isinstance(info, dict) else {}):
        for key in _NAME_KEYS:
            value = table.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
    return default


def task_from_record(record: dict, name: str) -> Task:
    """Build a task from one dataset record. `name` is used when the record has
    no problem_id/id/name of its own. Tests are named t1..tN; the baseline is the
    dataset's assembly (`baseline="dataset-O0"`); programs link with -lm, as in
    the paper's harness."""
    if not isinstance(record, dict):
        raise BadInput(f"record {name}: expected an object, not {type(record).__name__}")
    name = record_name(record, name)
    if "extra_info" not in record or record["extra_info"] is None:
        raise BadInput(f"record {name}: missing field 'extra_info'")
    info = record["extra_info"]
    if isinstance(info, str):
        try:
            info = json.loads(info)
        except json.JSONDecodeError:
            raise BadInput(f"record {name}: extra_info is a string but not JSON") from None
    if not isinstance(info, dict):
        raise BadInput(f"record {name}: extra_info must be an object")
    inputs = _record_strings(info, "inputs", name)
    outputs = _record_strings(info, "outputs", name)
    if len(inputs) != len(outputs):
        raise BadInput(
            f"record {name}: {len(inputs)} inputs but {len(outputs)} outputs in extra_info"
        )
    if not inputs:
        raise BadInput(f"record {name}: no tests (extra_info.inputs is empty)")
    asm = _record_str(info, "unoptimized_assembly", name, required=True) or ""
    fenced = _FENCE.match(asm)
    if fenced:  # some dataset copies wrap the assembly in a markdown fence
        asm = fenced.group(1) + "\n"
    if not asm.strip():
        raise BadInput(f"record {name}: extra_info.unoptimized_assembly is empty")
    if "\0" in asm:
        raise BadInput(f"record {name}: extra_info.unoptimized_assembly is binary data")
    source = _record_str(info, "c_code", name, required=False)
    tests = tuple(
        TestCase(f"t{i}", inp.encode("utf-8"), out.encode("utf-8"))
        for i, (inp, out) in enumerate(zip(inputs, outputs, strict=True), start=1)
    )
    return Task(
        name=name,
        asm=asm,
        tests=tests,
        source=source if source and source.strip() else None,
        link_flags=("-lm",),
        baseline="dataset-O0",
    )


def _jsonl_records(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        with path.open("rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    yield lineno, json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as e:
                    msg = getattr(e, "msg", None) or "not UTF-8 text"
                    raise BadInput(f"{path} line {lineno}: not valid JSON: {msg}") from None
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None


def _parquet_records(path: Path) -> Iterator[dict]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise BadInput(f"reading {path} needs pyarrow (pip install pyarrow)") from None
    try:
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=64):
            yield from batch.to_pylist()
    except OSError as e:
        raise BadInput(f"cannot read {path} as parquet: {' '.join(str(e).split())}") from None
    except Exception as e:  # pyarrow raises ArrowInvalid etc. for non-parquet data
        msg = " ".join(str(e).split())[:200]
        raise BadInput(f"cannot read {path} as parquet: {msg}") from None


def load_records(path: Path) -> Iterator[Task]:
    """Tasks from a file of dataset records: .parquet, or JSON lines (one record per
    line; a .json file may also hold one record or a list of them).

    Records without a name of their own are named STEM-INDEX (0-based); a name
    that repeats (several solutions of one problem) gets -INDEX appended so that
    every task name in the file is unique.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"no such file: {path}")
    if path.is_dir():
        raise BadInput(f"{path} is a folder, not a file of records")
    if path.suffix == ".parquet":
        records: Iterable[tuple[str, Any]] = (
            (f"row {i}", r) for i, r in enumerate(_parquet_records(path))
        )
    elif path.suffix == ".json" and _looks_like_json_document(path):
        try:
            doc = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise BadInput(f"{path}: not valid JSON: {getattr(e, 'msg', e)}") from None
        items = doc if isinstance(doc, list) else [doc]
        records = ((f"item {i}", r) for i, r in enumerate(items))
    else:
        records = ((f"line {n}", r) for n, r in _jsonl_records(path))
    seen: set[str] = set()
    count = 0
    for index, (where, record) in enumerate(records):
        default = f"{path.stem}-{index}"
        if not isinstance(record, dict):
            raise BadInput(f"{path} {where}: a record must be a JSON object")
        name = record_name(record, default)
        if name in seen:
            name = f"{name}-{index}"
        seen.add(name)
        try:
            task = task_from_record(record, name)
        except BadInput as e:
            raise BadInput(f"{path} {where}: {e}") from None
        count += 1
        yield dataclasses.replace(task, name=name)
    if count == 0:
        raise BadInput(f"no records in {path}")


def _looks_like_json_document(path: Path) -> bool:
    """Is this .json file one document (an array, or an object over several lines)?"""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    text = head.lstrip()
    if text.startswith(b"["):
        return True
    first_line = text.split(b"\n", 1)[0]
    try:
        json.loads(first_line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return True  # a pretty-printed object spans lines
    return False


# ---------------------------------------------------------------------------
# baseline

_OPT = re.compile(r"-O(?:[0-3sgz]|fast)?")


def rebuild_baseline(task: Task, opt: str = "-O3") -> Task:
    """Compile the task's C source with our gcc at `opt` and return a copy whose
    baseline is that assembly (`baseline="gcc-O3"`). The paper reports speedups
    over -O3, while its dataset's assembly is -O0 output."""
    if not _OPT.fullmatch(opt):
        raise BadInput(f"bad optimization level {opt!r} (expected e.g. -O2, -O3, -Os)")
    if not task.source or not task.source.strip():
        raise BadInput(f"task {task.name}: no C source to rebuild the baseline from")
    try:
        asm = c_to_asm(task.source, [opt], filename=None, timeout=60)
    except CompileError as exc:
        if exc.kind == "missing":
            raise BadInput("gcc not found: it is needed to rebuild the baseline") from None
        if exc.kind == "timeout":
            raise BadInput(f"task {task.name}: gcc {opt} took over 60 s on the C source") from None
        raise BadInput(f"task {task.name}: C source does not compile: {exc}") from None
    return dataclasses.replace(task, asm=asm, baseline="gcc" + opt)
