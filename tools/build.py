"""Assemble and link a `.s` inside the sandbox, cached by content hash.

Why in the sandbox: gas reads files named by `.include` (echoing their lines in
error messages) and embeds files named by `.incbin`, so a hostile candidate
could leak host files through the assembler. We reject both directives and
assemble where no host file is visible anyway.

Why `-g`: gas then emits line info for the `.s` itself, so perf maps samples to
assembly lines. A `.s` that already carries `.loc` directives keeps its own
line info (gas refuses to mix the two).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass

from tools import asm as asmlib
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


def build_key(asm: str, link_flags: tuple[str, ...] = ()) -> str:
    """Content hash of everything that decides the binary."""
    h = hashlib.sha256()
    for part in (RECIPE, _gcc_version(), *link_flags, asm):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def build(asm: str, sandbox: Sandbox, link_flags: tuple[str, ...] = ()) -> Build:
    """Assemble and link `asm`; reuse a cached result for identical input."""
    digest = build_key(asm, link_flags)
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
    result = _assemble(asm, sandbox, link_flags, digest)
    if result.ok or result.errors[0].message != TIMEOUT_MESSAGE:  # a timeout may be load
        _store(result)
    return result


def _assemble(asm: str, sandbox: Sandbox, link_flags: tuple[str, ...], digest: str) -> Build:
    debug = "" if re.search(r"^\s*\.loc\s", asm, re.M) else "-g "
    # Link flags go after the object (libraries resolve left to right).
    script = f'gcc {debug}-o /tmp/prog {{sb}}/prog.s "$@" >&2 && cat /tmp/prog'
    argv = ["sh", "-c", script, "sh", *link_flags]
    source = asm.encode("utf-8", "surrogateescape")
    done = sandbox.with_limits(_build_limits(sandbox)).run(
        argv, files={"prog.s": (source, 0o444)}, timeout=BUILD_TIMEOUT_S
    )
    if done.returncode == 0 and done.stdout.startswith(b"\x7fELF"):
        return Build(True, digest, done.stdout)
    if done.timed_out:
        return Build(False, digest, None, (AsmError(None, "", TIMEOUT_MESSAGE),))
    return Build(False, digest, None, parse_errors(done.stderr, asm))


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
