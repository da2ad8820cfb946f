"""`agent eval` end to end: the JSON contract, the human summary, and the
exit-code contract for bad input (one line, exit 2, no traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, EXAMPLES, REPORT_FIELDS, needs_sandbox

pytestmark = needs_sandbox

CONTRACT = REPORT_FIELDS


def agent(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def task_copy(tmp_path) -> Path:
    """A private copy of the collatz example to break in various ways."""
    dst = tmp_path / "collatz"
    shutil.copytree(EXAMPLES / "collatz", dst)
    return dst


def test_eval_json_has_the_contract_fields():
    done = agent(
        "eval",
        DATA / "collatz_fast.s",
        "--baseline",
        EXAMPLES / "collatz" / "prog.s",
        "--json",
        "--max-seconds",
        "10",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) >= CONTRACT
    assert report["correct"] and report["assembled"] and report["faster"]
    assert report["tests"] == {"passed": 4, "total": 4}
    assert report["speedup_ci"][0] > 1.0
    assert report["differential"].keys() == {"inputs", "mismatches", "counterexample"}
    assert all(h.keys() == {"line", "percent", "text"} for h in report["hot_lines"])


def test_eval_human_summary_for_a_wrong_candidate():
    done = agent("eval", DATA / "collatz_wrong.s", "--baseline", EXAMPLES / "collatz" / "prog.s")
    assert done.returncode == 0, done.stderr
    assert "0/4 passed" in done.stdout
    assert "t1: wrong output" in done.stdout


def test_eval_writes_pyperf_files(tmp_path):
    done = agent(
        "eval",
        DATA / "collatz_fast.s",
        "--baseline",
        EXAMPLES / "collatz" / "prog.s",
        "--no-profile",
        "--max-seconds",
        "5",
        "--pyperf",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "faster" in done.stdout
    assert (tmp_path / "baseline.json").exists() and (tmp_path / "candidate.json").exists()


def test_sandbox_none_warns(task_copy):
    done = agent(
        "eval",
        task_copy / "prog.s",
        "--baseline",
        task_copy / "prog.s",
        "--sandbox",
        "none",
        "--no-profile",
        "--max-seconds",
        "3",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert "warning: --sandbox none" in done.stderr
    assert json.loads(done.stdout)["correct"]


def assert_bad_input(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_candidate(task_copy):
    assert_bad_input(
        agent("eval", task_copy / "nope.s", "--baseline", task_copy / "prog.s"), "no such file"
    )


def test_missing_baseline(task_copy):
    assert_bad_input(
        agent("eval", task_copy / "prog.s", "--baseline", task_copy / "gone.s"), "no such file"
    )


def test_empty_candidate(task_copy):
    (task_copy / "empty.s").write_text("")
    assert_bad_input(
        agent("eval", task_copy / "empty.s", "--baseline", task_copy / "prog.s"), "empty"
    )


def test_binary_garbage(task_copy):
    (task_copy / "junk.s").write_bytes(bytes(range(256)) * 8)
    assert_bad_input(
        agent("eval", task_copy / "junk.s", "--baseline", task_copy / "prog.s"), "binary"
    )


def test_arm_assembly(task_copy):
    (task_copy / "arm.s").write_text(
        "\t.arch armv8-a\n\t.text\n\t.global main\nmain:\n\tstp\tx29, x30, [sp, -16]!\n"
        "\tmov\tx29, sp\n\tadrp\tx0, .LC0\n\tbl\tputs\n\tmov\tw0, 0\n"
        "\tldp\tx29, x30, [sp], 16\n\tret\n"
    )
    assert_bad_input(
        agent("eval", task_copy / "arm.s", "--baseline", task_copy / "prog.s"), "not x86-64"
    )


def test_no_main(task_copy):
    (task_copy / "nomain.s").write_text("\t.text\n\t.globl\tf\nf:\n\tmovl\t$1, %eax\n\tret\n")
    assert_bad_input(
        agent("eval", task_copy / "nomain.s", "--baseline", task_copy / "prog.s"), "no main"
    )


def test_unpaired_test_files(task_copy):
    (task_copy / "tests" / "t4.out").unlink()
    assert_bad_input(
        agent("eval", task_copy / "prog.s", "--baseline", task_copy / "prog.s"), "t4.in"
    )


def test_baseline_failing_its_own_tests(task_copy):
    (task_copy / "tests" / "t2.out").write_text("42 42\n")
    assert_bad_input(
        agent("eval", task_copy / "prog.s", "--baseline", task_copy / "prog.s"),
        "baseline fails its own test t2",
    )


def test_task_toml_with_unknown_keys(task_copy):
    (task_copy / "task.toml").write_text('link_flags = ["-lm"]\ncolour = "blue"\n')
    assert_bad_input(
        agent("eval", task_copy / "prog.s", "--baseline", task_copy / "prog.s"),
        "unknown key 'colour'",
    )


def test_usage_errors_exit_2():
    done = agent("eval")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_missing_bwrap_is_a_clear_refusal(monkeypatch):
    from tools import sandbox
    from tools.errors import BadInput

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(BadInput, match="bubblewrap"):
        sandbox.Sandbox()
