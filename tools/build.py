"""Assemble and link a `.s` inside the sandbox, cached by content hash.

Why in the sandbox: gas reads files named by `.include` (echoing their lines in
error messages) and embeds files named by `.incbin`, so a hostile candidate
could leak host files through the assembler. We reject both directives and
assemble where no host file is visible anyway.

Why `-g`: gas then emits line info for the `.s` itself, so perf maps samples to
assembly lines. A `.s` that already carries `.loc` directives keeps its own
line info (gas refuses to mix the two).

The rest of a program (task.toml's `others`) is compiled once per run by
`compile_others`, also in the sandbox and under the same limits, with only the
user's source folders visible (read-only); its objects are then linked with the
baseline and with every candidate (`build(..., objects=...)`), and they are part
of the cache key. A `.c` that does not compile is bad input, with the
compiler's first error.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
import threading
from dataclasses import dataclass
from pathlib import Path

from tools import asm as asmlib
from tools.errors import BadInput
from tools.paths import cache_dir
from tools.sandbox import Sandbox

BUILD_TIMEOUT_S = 60
TIMEOUT_MESSAGE = "assembler timed out"
RECIPE = "2"  # bump when the way we build changes, so old cache entries are not used
_LINE_RE = re.compile(rb"prog\.s:(\d+):\s*(.*)")


@dataclass(frozen=True)
class AsmError:
    """One assembler or linker complaint, mapped to the candidate's line."""

    line: int | None
    text: str  # that line of the candidate, stripped ("" when unknown)
    message: str

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "message": self.message}

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        shown = f"  [{self.text}]" if self.text else ""
        return f"{where}{self.message}{shown}"


@dataclass(frozen=True)
class Build:
    """The result of assembling and linking one listing."""

    ok: bool
    digest: str
    binary: bytes | None
    errors: tuple[AsmError, ...] = ()


@functools.cache
def _gcc_version() -> str:
    out = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "gcc"


def build_key(
    asm: str, link_flags: tuple[str, ...] = (), objects: tuple[tuple[str, bytes], ...] = ()
) -> str:
    """Content hash of everything that decides the binary."""
    h = hashlib.sha256()
    for part in (RECIPE, _gcc_version(), *link_flags, asm):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name, data in objects:
        h.update(b"object\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def build(
    asm: str,
    sandbox: Sandbox,
    link_flags: tuple[str, ...] = (),
    objects: tuple[tuple[str, bytes], ...] = (),
) -> Build:
    """Assemble `asm` and link it with `objects` (the task's compiled others:
    `compile_others`, or `Task.objects`); reuse a cached result for identical input."""
    digest = build_key(asm, link_flags, objects)
    forbidden = asmlib.forbidden_directives(asm)
    if forbidden:
        errors = tuple(
            AsmError(n, text.strip(), "directive not allowed (it reads host files)")
            for n, text in forbidden
        )
        return Build(False, digest, None, errors)
    cached = _load(digest)
    if cached is not None:
        return cached
    result = _assemble(asm, sandbox, link_flags, digest, objects)
    if result.ok or result.errors[0].message != TIMEOUT_MESSAGE:  # a timeout may be load
        _store(result)
    return result


def _assemble(
    asm: str,
    sandbox: Sandbox,
    link_flags: tuple[str, ...],
    digest: str,
    objects: tuple[tuple[str, bytes], ...] = (),
) -> Build:
    debug = "" if re.search(r"^\s*\.loc\s", asm, re.M) else "-g "
    files = {"prog.s": (asm.encode("utf-8", "surrogateescape"), 0o444)}
    names = []
    for i, (name, data) in enumerate(objects):
        inside = f"o{i}-{_SAFE.sub('_', name)}"
        files[inside] = (data, 0o444)
        names.append(f"{{sb}}/{inside}")
    # Link flags go after the objects (libraries resolve left to right).
    script = f'gcc {debug}-o /tmp/prog {{sb}}/prog.s {" ".join(names)} "$@" >&2 && cat /tmp/prog'
    argv = ["sh", "-c", script, "sh", *link_flags]
    done = sandbox.with_limits(_build_limits(sandbox)).run(
        argv, files=files, timeout=BUILD_TIMEOUT_S
    )
    if done.returncode == 0 and done.stdout.startswith(b"\x7fELF"):
        return Build(True, digest, done.stdout)
    if done.timed_out:
        return Build(False, digest, None, (AsmError(None, "", TIMEOUT_MESSAGE),))
    return Build(False, digest, None, parse_errors(done.stderr, asm))


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_OBJECTS: dict[tuple, tuple[tuple[str, bytes], ...]] = {}
_OBJECTS_LOCK = threading.Lock()


def compile_others(task, sandbox: Sandbox) -> tuple[tuple[str, bytes], ...]:
    """The task's `others` as objects: `.o` files as they are, `.c` files
    compiled with its `cflags` in the sandbox (once per process for the same
    files and flags). The compiler sees only the C and header files of the
    task folder, of each file's folder and of the `-I` folders of `cflags`
    (`_source_tree`). Raises BadInput naming the file when one does not compile."""
    contents = []
    for path in task.others:
        try:
            contents.append((path, path.read_bytes()))
        except OSError as e:
            raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    key = (
        _gcc_version(),
        tuple(task.cflags),
        tuple((str(p), hashlib.sha256(d).digest()) for p, d in contents),
    )
    with _OBJECTS_LOCK:
        if key in _OBJECTS:
            return _OBJECTS[key]
    root = task.root or (task.others[0].parent if task.others else None)
    objects = []
    for path, data in contents:
        name = path.with_suffix(".o").name
        if path.suffix == ".o":
            if not data.startswith(b"\x7fELF"):
                raise BadInput(f"{path}: not an object file (no ELF header)")
            objects.append((name, data))
            continue
        objects.append((name, _compile(path, task.cflags, root, sandbox)))
    result = tuple(objects)
    with _OBJECTS_LOCK:
        _OBJECTS[key] = result
    return result


SOURCE_SUFFIXES = (".c", ".h", ".inc", ".def", ".hh", ".hpp", ".tbl", ".x")
SOURCES_MAX = 64 << 20  # bytes of sources handed to one compile
SRC = "/tmp/src"  # where the sandbox sees them: SRC + their host path


def _source_tree(path: Path, cflags: tuple[str, ...], root: Path) -> bytes:
    """A tar of what compiling `path` may read: the C and header files of the
    task folder (recursively), of the file's own folder, and of the `-I`
    folders of `cflags`, each at its host path, so relative includes resolve
    as they do on the host. (The sandbox runs as a uid of its own, which may
    not read the user's folders: the files are handed in, not mounted.)"""
    folders: list[tuple[Path, bool]] = [(root, True), (path.parent, False)]
    flags = list(cflags)
    for i, flag in enumerate(flags):
        folder = None
        if flag in ("-I", "-iquote", "-isystem", "-idirafter") and i + 1 < len(flags):
            folder = flags[i + 1]
        elif flag.startswith("-I") and len(flag) > 2:
            folder = flag[2:]
        if folder:
            folders.append((Path(folder) if Path(folder).is_absolute() else root / folder, True))
    found: dict[str, Path] = {str(path.absolute()): path}
    for folder, deep in folders:
        if not folder.is_dir():
            continue
        for file in folder.rglob("*") if deep else folder.iterdir():
            rel = file.relative_to(folder).parts
            if any(part.startswith(".") for part in rel) or (deep and rel[0] == "tests"):
                continue
            if file.suffix in SOURCE_SUFFIXES and file.is_file():
                found.setdefault(str(file.absolute()), file)
    buf, total = io.BytesIO(), 0
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, file in sorted(found.items()):
            try:
                data = file.read_bytes()
            except OSError as e:
                raise BadInput(f"cannot read {file}: {e.strerror or e}") from None
            total += len(data)
            if total > SOURCES_MAX:
                raise BadInput(f"{root}: over {SOURCES_MAX >> 20} MB of C sources and headers")
            info = tarfile.TarInfo(name.lstrip("/"))
            info.size, info.mode = len(data), 0o444
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


_COMPILE_SCRIPT = f"""
mkdir -p {SRC} && tar -xf {{sb}}/src.tar -C {SRC} || exit 97
cd "{SRC}$1" || exit 97
src=$2; shift 2
gcc "$@" -c "{SRC}$src" -o /tmp/obj.o >&2 && cat /tmp/obj.o
"""
# --sandbox none: the host's files as they are; the object in the run's own folder.
_COMPILE_UNCONFINED = (
    'cd "$1" || exit 97; src=$2; shift 2; gcc "$@" -c "$src" -o {sb}/obj.o >&2 && cat {sb}/obj.o'
)


def _compile(path: Path, cflags: tuple[str, ...], root: Path, sandbox: Sandbox) -> bytes:
    argv = ["sh", "-c", _COMPILE_UNCONFINED, "sh", str(root.absolute()), str(path.absolute())]
    limited = sandbox.with_limits(_build_limits(sandbox))
    if sandbox.mode == "none":
        done = limited.run([*argv, *cflags], timeout=BUILD_TIMEOUT_S)
    else:
        done = _compile_confined(path, cflags, root, limited)
    if done.timed_out:
        raise BadInput(f"{path}: the compiler took over {BUILD_TIMEOUT_S} s")
    if done.returncode == 0 and done.stdout.startswith(b"\x7fELF"):
        return done.stdout
    lines = done.stderr.decode("utf-8", "replace").replace(SRC, "").splitlines()
    errors = [ln for ln in lines if "error" in ln] or [ln for ln in lines if ln.strip()]
    first = errors[0].strip() if errors else f"gcc exited with status {done.returncode}"
    first = first.replace(f"{path.absolute()}:", "line ", 1)
    raise BadInput(f"{path} does not compile (cflags {' '.join(cflags)}): {first[:300]}")


def _compile_confined(path: Path, cflags: tuple[str, ...], root: Path, sandbox: Sandbox):
    tree = _source_tree(path, cflags, root)
    flags = []  # absolute include folders are seen under SRC
    for i, flag in enumerate(cflags):
        after_option = i > 0 and cflags[i - 1] in ("-I", "-iquote", "-isystem", "-idirafter")
        if flag.startswith("-I/"):
            flag = f"-I{SRC}{flag[2:]}"
        elif after_option and flag.startswith("/"):
            flag = SRC + flag
        flags.append(flag)
    argv = ["sh", "-c", _COMPILE_SCRIPT, "sh", str(root.absolute()), str(path.absolute()), *flags]
    return sandbox.run(
        argv, files={"src.tar": (tree, 0o444)}, timeout=BUILD_TIMEOUT_S, room=2 * len(tree)
    )


def _build_limits(sandbox: Sandbox):
    from dataclasses import replace

    lim = sandbox.limits
    return replace(
        lim,
        cpu_s=max(lim.cpu_s, 60),
        memory_mb=max(lim.memory_mb, 2048),
        file_mb=max(lim.file_mb, 64),
        processes=max(lim.processes, 32),
    )


def parse_errors(stderr: bytes, asm: str) -> tuple[AsmError, ...]:
    """Map gas/ld messages to the candidate's lines; keep the rest as they are."""
    lines = asm.splitlines()
    errors: list[AsmError] = []
    for raw in stderr.splitlines():
        raw = raw.strip()
        if not raw or raw.endswith(b"Assembler messages:") or b"ld returned" in raw:
            continue
        match = _LINE_RE.search(raw)
        message = raw.decode("utf-8", "replace")
        if match:
            number = int(match.group(1))
            text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
            errors.append(AsmError(number, text, match.group(2).decode("utf-8", "replace")))
        elif b"in function" not in raw:
            errors.append(AsmError(None, "", message.removeprefix("/usr/bin/ld: ")))
        if len(errors) >= 20:
            break
    return tuple(errors) or (AsmError(None, "", "assembly failed with no message"),)


def _paths(digest: str):
    folder = cache_dir() / "builds" / digest[:2]
    return folder / f"{digest}.bin", folder / f"{digest}.json"


def _load(digest: str) -> Build | None:
    binary, meta = _paths(digest)
    if binary.exists():
        return Build(True, digest, binary.read_bytes())
    if meta.exists():
        errors = json.loads(meta.read_text())
        return Build(False, digest, None, tuple(AsmError(**e) for e in errors))
    return None


def _store(result: Build) -> None:
    binary, meta = _paths(result.digest)
    binary.parent.mkdir(parents=True, exist_ok=True)
    target, data = (
        (binary, result.binary)
        if result.ok
        else (meta, json.dumps([e.to_dict() for e in result.errors]).encode())
    )
    tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_bytes(data)
    tmp.replace(target)
