"""Differential testing catches candidates that overfit the given tests, and
raises no false alarm on correct ones."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from agent.render import render_evaluation
from tests.conftest import DATA, EXAMPLES, needs_sandbox
from tools import differential as difflib
from tools.compare import excerpt
from tools.evaluate import EvalOptions, evaluate, prepare_baseline
from tools.sandbox import Sandbox
from tools.task import TestCase, load_task
from tools.testing import run_tests

pytestmark = needs_sandbox


def options(n: int = 60, seconds: float = 30.0, save: Path | None = None) -> EvalOptions:
    return EvalOptions(
        time=False,
        profile=False,
        differential=n,
        differential_seconds=seconds,
        save_counterexamples=save,
    )


@pytest.fixture(scope="module")
def baselines():
    """Each example's baseline, prepared once."""
    out = {}
    for name in ("collatz", "lcs", "sum_scanf"):
        task = load_task(EXAMPLES / name / "prog.s")
        sandbox = Sandbox(task.limits)
        out[name] = (prepare_baseline(task, sandbox, with_profile=False), sandbox)
    return out


def gcc_s(source: str, tmp_path: Path) -> str:
    c = tmp_path / "cand.c"
    c.write_text(source)
    return subprocess.run(
        ["gcc", "-O3", "-S", "-o", "-", str(c)], check=True, capture_output=True, text=True
    ).stdout


def c_string(data: bytes) -> str:
    return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'


def hardcoded(task) -> str:
    """C that prints the stored answer when stdin is one of the test inputs, else garbage."""
    ins = ", ".join(c_string(t.input) for t in task.tests)
    outs = ", ".join(c_string(t.expected) for t in task.tests)
    return f"""#include <stdio.h>
#include <string.h>
static const char *ins[] = {{{ins}}};
static const char *outs[] = {{{outs}}};
int main(void) {{
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = 0;
    for (unsigned i = 0; i < sizeof ins / sizeof *ins; i++)
        if (strcmp(buf, ins[i]) == 0) {{ fputs(outs[i], stdout); return 0; }}
    puts("1 0");
    return 0;
}}
"""


def test_hardcoded_answers_are_caught_and_saved(baselines, tmp_path):
    base, sandbox = baselines["collatz"]
    save = tmp_path / "counterexamples"
    asm = gcc_s(hardcoded(base.task), tmp_path)
    result = evaluate(asm, base, sandbox, options(save=save))
    report = result.to_report()
    assert report["correct"] and report["tests"] == {"passed": 4, "total": 4}
    assert not report["verified"]
    diff = report["differential"]
    assert diff["mismatches"] >= 1
    cex = diff["counterexample"]
    assert cex["reason"] == "wrong output" and "line 1" in cex["diff"]
    saved_in = Path(cex["saved"])
    saved_out = saved_in.with_suffix(".out")
    assert saved_in.parent == save and saved_out.exists()
    assert cex["input"] == excerpt(saved_in.read_bytes())
    # the .out is the original's output: the baseline passes the saved test
    test = TestCase(saved_in.stem, saved_in.read_bytes(), saved_out.read_bytes())
    assert run_tests(base.binary, (test,), sandbox, base.task.compare).ok
    assert not run_tests(result_binary(asm, sandbox), (test,), sandbox, base.task.compare).ok
    # and the human summary says so
    out = io.StringIO()
    render_evaluation(report, Console(file=out, width=200, color_system=None))
    assert "mismatch on generated input:" in out.getvalue()


def result_binary(asm: str, sandbox: Sandbox) -> bytes:
    from tools.build import build

    return build(asm, sandbox).binary


def test_a_buffer_sized_for_the_largest_test_is_caught(baselines, tmp_path):
    """sum_scanf's largest test has N = 740,000; this candidate keeps only that
    many values and silently drops the rest (the original takes up to 10^6)."""
    base, sandbox = baselines["sum_scanf"]
    source = (EXAMPLES / "sum_scanf" / "prog.c").read_text()
    source = source.replace("static int value[MAXN];", "static int value[740000];")
    source = source.replace(
        "    long long total = 0;",
        "    if (n > 740000)\n        n = 740000;\n    long long total = 0;",
    )
    assert "n = 740000" in source
    asm = gcc_s(source, tmp_path)
    report = evaluate(asm, base, sandbox, options(n=100, save=tmp_path)).to_report()
    assert report["correct"] and not report["verified"]
    cex = report["differential"]["counterexample"]
    assert cex is not None and cex["reason"] == "wrong output"
    n = int(Path(cex["saved"]).read_bytes().split()[0])
    assert 740_000 < n <= 1_000_000


@pytest.mark.parametrize("name", ["collatz", "lcs", "sum_scanf"])
def test_each_baseline_against_itself_is_verified(baselines, name):
    base, sandbox = baselines[name]
    report = evaluate(base.task.asm, base, sandbox, options()).to_report()
    assert report["verified"], report["differential_details"]
    assert report["differential"] == {"inputs": 60, "mismatches": 0, "counterexample": None}
    if name == "sum_scanf":  # N > 10^6 and N = 0 are outside its domain: discarded
        assert report["differential_details"]["discarded"] > 0


def test_a_correct_faster_candidate_is_verified(baselines):
    base, sandbox = baselines["collatz"]
    asm = (DATA / "collatz_fast.s").read_text()
    report = evaluate(asm, base, sandbox, options(n=100)).to_report()
    assert report["verified"] and report["differential"]["inputs"] == 100


def test_the_original_runs_once_per_input_across_candidates(baselines, monkeypatch):
    base, sandbox = baselines["lcs"]
    difflib.clear_cache()
    calls = []
    judge = difflib._judge_original
    monkeypatch.setattr(difflib, "_judge_original", lambda *a: calls.append(1) or judge(*a))
    first = evaluate(base.task.asm, base, sandbox, options(n=20)).differential
    assert first.checked == 20 and len(calls) == 20
    again = evaluate(base.task.asm, base, sandbox, options(n=20)).differential
    assert again.checked == 20 and len(calls) == 20  # nothing new for the original


def test_too_few_inputs_within_the_time_bound_is_not_verified(baselines):
    base, sandbox = baselines["collatz"]
    difflib.clear_cache()
    result = evaluate(base.task.asm, base, sandbox, options(n=200, seconds=0.3))
    report = result.to_report()
    details = report["differential_details"]
    assert report["correct"] and not report["verified"]
    assert details["required"] == 50 and details["checked"] < 50
    assert report["differential"]["inputs"] == details["checked"] and details["mismatches"] == 0
    assert details["seconds"] < 5


def test_differential_off(baselines):
    base, sandbox = baselines["collatz"]
    report = evaluate(base.task.asm, base, sandbox, options(n=0)).to_report()
    assert report["correct"] and not report["verified"]
    assert report["differential"]["inputs"] == 0


def test_a_task_generator_drives_the_inputs(tmp_path):
    task_dir = tmp_path / "task"
    shutil.copytree(EXAMPLES / "sum_scanf", task_dir)
    (task_dir / "task.toml").write_text(
        "generator = \"/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[1]); "
        "n = r.randint(1, 50); print(n); print(*(r.randint(-9, 9) for _ in range(n)))'\"\n"
    )
    task = load_task(task_dir / "prog.s")
    sandbox = Sandbox(task.limits)
    base = prepare_baseline(task, sandbox, with_profile=False)
    result = evaluate(task.asm, base, sandbox, options(n=20)).differential
    assert result.source == "generator" and result.checked == 20 and result.ok


def test_agent_eval_options(baselines, tmp_path):
    base, _ = baselines["collatz"]
    cand = tmp_path / "hardcoded.s"
    cand.write_text(gcc_s(hardcoded(base.task), tmp_path))
    save = tmp_path / "cex"
    args = ["eval", cand, "--baseline", EXAMPLES / "collatz" / "prog.s", "--json"]
    args += ["--no-profile", "--max-seconds", "1", "--differential", "20"]
    args += ["--differential-seconds", "10", "--save-counterexamples", save]
    done = subprocess.run(
        [sys.executable, "-m", "agent", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["correct"] and not report["verified"]
    assert report["differential"]["mismatches"] >= 1
    assert Path(report["differential"]["counterexample"]["saved"]).parent == save
    assert list(save.glob("*.in")) and list(save.glob("*.out"))


def test_a_nondeterministic_original_cannot_verify_anything(tmp_path):
    """An original that prints a stack address when N > 5 (never in its tests):
    its own noise must not be reported as the candidate's mismatch."""
    task_dir = tmp_path / "task"
    (task_dir / "tests").mkdir(parents=True)
    for name in ("t1.in", "t1.out", "t2.in", "t2.out"):
        shutil.copy(EXAMPLES / "sum_scanf" / "tests" / name, task_dir / "tests" / name)
    source = (EXAMPLES / "sum_scanf" / "prog.c").read_text()
    last = 'printf("%lld %d %d\\n", total, best, value[(n - 1) / 2]);'
    assert last in source
    source = source.replace(last, last + '\n    if (n > 5)\n        printf("%p\\n", (void *)&n);')
    (task_dir / "prog.s").write_text(gcc_s(source, tmp_path))
    task = load_task(task_dir / "prog.s")
    sandbox = Sandbox(task.limits)
    base = prepare_baseline(task, sandbox, with_profile=False)
    report = evaluate(task.asm, base, sandbox, options(n=40)).to_report()
    assert report["correct"] and not report["verified"]
    assert report["differential"]["mismatches"] == 0
    assert "different output on two runs" in report["differential_details"]["note"]
