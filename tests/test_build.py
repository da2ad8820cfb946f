"""Assembling in the sandbox: error mapping, link flags, the content-hash cache."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import EXAMPLES, needs_sandbox
from tools import build as buildmod
from tools.build import build, build_key, parse_errors
from tools.sandbox import Sandbox

pytestmark = needs_sandbox

SQRT_C = (
    "#include <math.h>\n#include <stdio.h>\n"
    'int main(void){double x; if(scanf("%lf",&x)!=1) return 1;'
    ' printf("%.3f\\n", sqrt(x)); return 0;}\n'
)


def c_to_asm(tmp_path, source: str, *flags: str) -> str:
    c = tmp_path / "p.c"
    c.write_text(source)
    return subprocess.run(
        ["gcc", "-O2", "-fno-builtin", *flags, "-S", "-o", "-", str(c)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_an_example_builds_to_an_elf_with_line_info():
    asm = (EXAMPLES / "collatz" / "prog.s").read_text()
    built = build(asm, Sandbox())
    assert built.ok and built.binary.startswith(b"\x7fELF")
    assert b"prog.s" in built.binary  # DWARF line info names the .s itself


def test_errors_point_at_candidate_lines():
    asm = (EXAMPLES / "collatz" / "prog.s").read_text().splitlines()
    asm[10] = "\tbogus\t%eax"
    asm[20] = "\tmovl\t$1, %rax, %rbx"
    built = build("\n".join(asm) + "\n", Sandbox())
    assert not built.ok
    by_line = {e.line: e for e in built.errors}
    assert set(by_line) == {11, 21}
    assert by_line[11].text == "bogus\t%eax" and "bogus" in by_line[11].message
    assert by_line[21].text == "movl\t$1, %rax, %rbx"


def test_link_errors_are_reported_and_link_flags_fix_them(tmp_path):
    asm = c_to_asm(tmp_path, SQRT_C)
    without = build(asm, Sandbox())
    assert not without.ok
    assert any("sqrt" in e.message for e in without.errors)
    with_m = build(asm, Sandbox(), ("-lm",))
    assert with_m.ok


def test_identical_input_comes_from_the_cache(monkeypatch):
    asm = (EXAMPLES / "lcs" / "prog.s").read_text()
    first = build(asm, Sandbox())

    def no_sandbox(*args, **kwargs):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(buildmod, "_assemble", no_sandbox)
    again = build(asm, Sandbox())
    assert again == first
    assert build_key(asm) != build_key(asm + "\n\tnop\n")
    assert build_key(asm) != build_key(asm, ("-lm",))
    with pytest.raises(AssertionError):
        build(asm + "\n# changed\n", Sandbox())


def test_existing_loc_directives_build_without_g(tmp_path):
    asm = c_to_asm(tmp_path, SQRT_C, "-g")
    assert ".loc " in asm
    assert build(asm, Sandbox(), ("-lm",)).ok


def test_parse_errors_keeps_messages_without_lines():
    errors = parse_errors(b"collect2: error: something odd\n", "main:\n")
    assert errors[0].line is None and "something odd" in errors[0].message
    assert parse_errors(b"", "x")[0].message == "assembly failed with no message"


def test_the_runner_is_built_once_by_threads_racing_on_an_empty_cache(tmp_path, monkeypatch):
    """Several sandboxes of one process may start together on a new machine:
    each thread builds under its own temporary name, none loses its file."""
    from concurrent.futures import ThreadPoolExecutor

    from tools.sandbox import runner_binary

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: runner_binary(), range(4)))
    assert len(set(paths)) == 1 and paths[0].is_file()
    assert [p.name for p in paths[0].parent.iterdir() if ".tmp" in p.name] == []
