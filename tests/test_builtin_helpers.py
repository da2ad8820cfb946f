"""Shared helpers for the built-in optimizer's tests (no tests here).

Programs written by the tests themselves are built and run on the host: they
are our own code, not candidates, so they need no sandbox.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tools.task import Task, TestCase

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")


def build(tmp_path: Path, name: str, *sources: tuple[str, str], flags=()) -> Path:
    """Write (filename, text) sources and link them with gcc; the binary's path."""
    paths = []
    for filename, text in sources:
        path = tmp_path / filename
        path.write_text(text)
        paths.append(str(path))
    out = tmp_path / name
    subprocess.run(["gcc", *flags, "-o", str(out), *paths], check=True, capture_output=True)
    return out


def run(binary: Path, data: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(binary)], input=data, capture_output=True, timeout=30)


def compile_c(tmp_path: Path, source: str, flags=("-O2",)) -> str:
    """gcc -S output of a C source."""
    path = tmp_path / "src.c"
    path.write_text(source)
    done = subprocess.run(
        ["gcc", *flags, "-S", "-o", "-", str(path)], check=True, capture_output=True, text=True
    )
    return done.stdout


def task_from_c(name: str, source: str) -> Task:
    """A task of a C program that reads no input: its `gcc -O3 -S` output, one
    empty-input test whose expected output is the original's (run in the sandbox)."""
    from tools.build import build as build_asm
    from tools.evaluate import with_reference_outputs
    from tools.sandbox import Sandbox

    asm = compile_c_to_asm(source, ("-O3",))
    task = Task(name=name, asm=asm, tests=(TestCase("empty", b"", None),), source=source)
    sandbox = Sandbox(task.limits)
    return with_reference_outputs(task, build_asm(task.asm, sandbox).binary, sandbox)


def compile_c_to_asm(source: str, flags=("-O3",)) -> str:
    done = subprocess.run(
        ["gcc", *flags, "-x", "c", "-S", "-o", "-", "-"],
        input=source,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout
