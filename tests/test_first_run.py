"""A user's first run on their own program: libm links by default, inputs
without outputs are enough, a program without tests runs on empty input, a
time budget ends the run, and Ctrl-C stops it within seconds, resumably."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, agent, agent_env, needs_sandbox, sigint_default

pytestmark = needs_sandbox

SQRT_C = r"""#include <math.h>
#include <stdio.h>
int main(void) {
    double x, s = 0;
    while (scanf("%lf", &x) == 1) s += sqrt(x) + sin(x);
    printf("%.6f\n", s);
    return 0;
}
"""

NO_INPUT_C = r"""#include <stdio.h>
int main(void) {
    unsigned long h = 1469598103934665603UL;
    for (int i = 0; i < 2000000; i++) h = (h ^ (unsigned)i) * 1099511628211UL;
    printf("%lu\n", h);
    return 0;
}
"""

CLOCK_C = r"""#include <stdio.h>
#include <time.h>
int main(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("%ld\n", ts.tv_nsec);
    return 0;
}
"""


def compile_task(folder: Path, source: str, inputs: dict[str, str] | None) -> Path:
    """gcc -O3 -S of `source` in `folder`, with inputs only (no .out files)."""
    folder.mkdir(parents=True)
    (folder / "prog.c").write_text(source)
    subprocess.run(["gcc", "-O3", "-S", "-o", "prog.s", "prog.c"], cwd=folder, check=True)
    if inputs is not None:
        (folder / "tests").mkdir()
        for name, text in inputs.items():
            (folder / "tests" / f"{name}.in").write_text(text)
    return folder / "prog.s"


def one_line_error(done: subprocess.CompletedProcess, *needles: str) -> str:
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    for needle in needles:
        assert needle in line
    return line


def test_libm_links_without_task_toml_and_inputs_are_enough(tmp_path):
    prog = compile_task(tmp_path / "trig", SQRT_C, {"a": "1 2 3\n", "b": "4 9 16 25\n"})
    done = agent("run", prog, "--best-of", "1", "--iterations", "1", "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert "no .out files: each test expects the original's own output" in done.stdout
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["correct"] and report["baseline"]["expected_from"] == "original"
    assert report["baseline"]["tests"] == 2


def test_a_program_without_tests_runs_on_empty_input(tmp_path):
    prog = compile_task(tmp_path / "hash", NO_INPUT_C, None)
    done = agent("run", prog, "--best-of", "1", "--iterations", "1", "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert "no tests folder: one test, on empty input" in done.stdout
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["baseline"]["expected_from"] == "empty input"
    assert report["baseline"]["tests"] == 1 and report["correct"]


def test_an_undefined_reference_names_the_symbol_and_the_fix(tmp_path):
    prog = compile_task(tmp_path / "trig", SQRT_C, {"a": "1\n"})
    asm = prog.read_text()
    assert "call\tsin" in asm
    prog.write_text(asm.replace("call\tsin", "call\tmystery_fn"))
    done = agent("run", prog, "--out", tmp_path / "run")
    one_line_error(done, "undefined reference to `mystery_fn'", "link_flags")
    assert not (tmp_path / "run").exists()


def test_an_original_whose_output_varies_cannot_be_the_reference(tmp_path):
    prog = compile_task(tmp_path / "clock", CLOCK_C, {"a": ""})
    done = agent("run", prog, "--out", tmp_path / "run")
    one_line_error(done, "prints different output on a second run of test a")


def test_some_outputs_missing_is_an_error_naming_them(tmp_path):
    folder = tmp_path / "sum"
    shutil.copytree(EXAMPLES / "sum_scanf", folder)
    outs = sorted((folder / "tests").glob("*.out"))
    outs[0].unlink()
    done = agent("run", folder / "prog.s", "--out", tmp_path / "run")
    one_line_error(done, "unpaired test files", f"{outs[0].stem}.in has no {outs[0].name}")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("budget", ["0", "-3", "ten minutes", "5x"])
def test_a_bad_time_budget_is_one_line(tmp_path, budget):
    done = agent("run", EXAMPLES / "collatz" / "prog.s", "--time-budget", budget)
    one_line_error(done, "--time-budget")


def test_the_time_budget_ends_the_run_with_its_best_confirmed(tmp_path):
    out = tmp_path / "run"
    started = time.monotonic()
    done = agent("run", EXAMPLES / "sum_scanf" / "prog.s", "--time-budget", "10s", "--out", out)
    wall = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["time_budget"] == 10.0
    # 4 branches x 3 iterations do not fit in 10 s: the budget ends some branch
    reasons = {b["reason"] for b in report["branches"]}
    assert "time budget" in reasons and report["stopped_by"] == "time budget"
    assert "the time budget (10 s) ended the run" in done.stdout
    # No proposal starts after the budget; one in flight is judged within it,
    # then the winner's confirmation (capped at a few seconds in tests).
    assert wall < 10 + 60, wall


@pytest.mark.parametrize("to_group", [False, True], ids=["process", "group"])
def test_ctrl_c_stops_within_seconds_and_resumes_with_a_new_budget(tmp_path, to_group):
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent",
            "run",
            str(EXAMPLES / "read_ints" / "prog.s"),
            "--best-of",
            "2",
            "--iterations",
            "2",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=agent_env(AGENT_TIMING_SECONDS="30"),
        start_new_session=True,
        preexec_fn=sigint_default,
    )
    log = out / "events.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and '"candidate_proposed"' in log.read_text():
            break  # a candidate is being judged: sandboxes are running
        time.sleep(0.1)
    assert proc.poll() is None, proc.communicate()
    time.sleep(1.0)
    sent = time.monotonic()
    if to_group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, stderr
    assert took < 5, f"stopped {took:.1f} s after SIGINT"
    assert f"agent run --resume {out}" in stderr and "Traceback" not in stderr
    assert "stopping (SIGINT)" in stdout
    stopped = [json.loads(x) for x in log.read_text().splitlines() if "run_interrupted" in x]
    assert stopped and stopped[0]["resume"] == f"agent run --resume {out}"
    assert not (out / "report.json").exists()
    done = agent("run", "--resume", out, "--time-budget", "5m")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["time_budget"] == 300.0 and report["correct"]
