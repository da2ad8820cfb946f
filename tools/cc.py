"""C to assembly on the host: the one place that runs `gcc -S` (or `clang -S`).

Why on the host: the C source is the user's own program, compiled as they
would compile it; only the programs built from it run, and those run in the
sandbox. Why one helper: the baseline rebuild (`tools.task`), the UB screen
(`tools.screen`), the built-in optimizer's compiler variants and its fast I/O
runtime (`agent.builtin`) all need the same call with the same care: a
timeout, messages in plain ASCII (`LC_ALL=C`), and the compiler's first error
as a one-line reason.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_S = 120.0


class CompileError(Exception):
    """The source did not compile; `str()` is one line. `kind` says why:
    "missing" (no such compiler), "timeout" or "failed" (the compiler's error)."""

    def __init__(self, message: str, kind: str = "failed"):
        super().__init__(message)
        self.kind = kind


def c_to_asm(
    source: str,
    flags: Sequence[str] = (),
    *,
    compiler: str = "gcc",
    folder: Path | None = None,
    filename: str | None = "prog.c",
    timeout: float = TIMEOUT_S,
    env: dict[str, str] | None = None,
) -> str:
    """`compiler flags -S` of `source`: the assembly text, else CompileError.

    `filename` is the name the compiler sees (in `.file`, debug info and
    messages; None: standard input, `.file "<stdin>"`). The compile runs in
    `folder` when given (files there, e.g. a PGO profile `prog.gcda`, are
    found; `prog.c` and `prog.s` are written there), else in a fresh temporary
    folder. `env` replaces the environment (default: this one); `LC_ALL=C` is
    always set."""
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="cc-") as tmp:
            return c_to_asm(
                source,
                flags,
                compiler=compiler,
                folder=Path(tmp),
                filename=filename,
                timeout=timeout,
                env=env,
            )
    if filename is None:
        argv = [compiler, *flags, "-S", "-o", "-", "-x", "c", "-"]
        stdin, output = source.encode("utf-8"), None
    else:
        (folder / filename).write_text(source)
        output = Path(filename).stem + ".s"  # gcc names a PGO profile after it
        argv = [compiler, *flags, "-S", "-o", output, filename]
        stdin = None
    try:
        done = subprocess.run(
            argv,
            cwd=folder,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env={**(os.environ if env is None else env), "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise CompileError(f"{compiler} not found", "missing") from None
    except subprocess.TimeoutExpired:
        raise CompileError(f"{compiler} took over {timeout:g} s", "timeout") from None
    except OSError as exc:
        raise CompileError(f"{compiler} did not start: {exc}", "missing") from None
    text = done.stdout if output is None else _read(folder / output)
    if done.returncode != 0 or not text.strip():
        raise CompileError(_first_error(done, compiler, filename))
    return text.decode("utf-8", "replace")


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def _first_error(done: subprocess.CompletedProcess, compiler: str, filename: str | None) -> str:
    """The compiler's first error line, its file name replaced by "line"."""
    stderr = done.stderr.decode("utf-8", "replace").splitlines()
    errors = [ln for ln in stderr if "error" in ln] or [ln for ln in stderr if ln.strip()]
    first = errors[0].strip() if errors else f"{compiler} exited with status {done.returncode}"
    prefix = f"{filename or '<stdin>'}:"
    if first.startswith(prefix):
        first = "line " + first[len(prefix) :]
    return first[:300]
