"""A user's first run on their own program: libm links by default, inputs
without outputs are enough, a program without tests runs on empty input, a
time budget ends the run, and Ctrl-C stops it within seconds, resumably.

The budget and Ctrl-C tests hold their run by construction (a model call held
by the local test server, a candidate that blocks in its sandbox), so they
hold on a machine of any speed."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import (
    DATA,
    EXAMPLES,
    RESUME_TIMEOUT_S,
    agent,
    agent_env,
    held_name,
    held_program,
    needs_sandbox,
    running,
    set_test_timeout,
    stop_agent,
    wait_for,
)
from tests.llm_servers import OpenAIServer, Reply, fenced, prose_only

pytestmark = needs_sandbox

COLLATZ = EXAMPLES / "collatz" / "prog.s"
FAST = (DATA / "collatz_fast.s").read_text()

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
    """Branch 0's first answer is the faster program; every other model call is
    held until the test ends. Only the time budget can end this run, on any
    machine: no number of iterations "surely" fills it."""
    out = tmp_path / "run"
    release = threading.Event()

    def reply(body: dict) -> Reply:
        first = body["seed"] % 1000 == 1  # seed = branch * 100 + iteration
        return Reply(fenced(FAST), hold=None if first else release)

    # A held call outlives any client timeout: only the budget can end it.
    env = agent_env(AGENT_REQUEST_TIMEOUT="900", AGENT_CALL_DEADLINE="900")
    with OpenAIServer(reply) as server:
        started = time.monotonic()
        done = agent(
            "run", COLLATZ, "--model", "openai:test", "--base-url", server.url,
            "--best-of", "2", "--iterations", "3", "--time-budget", "10s", "--out", out,
            env=env, timeout=600,
        )  # fmt: skip
        wall = time.monotonic() - started
        release.set()
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["time_budget"] == 10.0
    assert {b["reason"] for b in report["branches"]} == {"time budget"}
    assert report["stopped_by"] == "time budget"
    assert "the time budget (10 s) ended the run" in done.stdout
    # No proposal starts after the budget and a call in flight ends with it;
    # a candidate in flight is judged within it, then the winner's
    # confirmation (capped at a few seconds in tests). Were the held calls not
    # ended, the run would last 900 s.
    assert wall < 10 + 170, wall
    # The faster program was shown faster within the budget (the usual case),
    # or on a slow machine its judging was cut by the budget: either way the
    # report says which, and a winner is one confirmed afresh after the budget.
    kinds = [json.loads(x)["kind"] for x in (out / "events.jsonl").read_text().splitlines()]
    if "new_best" in kinds:
        assert report["best"]["source"] == "branch 0 iteration 1"
        assert report["confirmation"]["faster"] and report["speedup_kind"] == "precise"
        assert "winner_confirmed" in kinds
    else:
        assert report["best"]["source"] == "baseline" and report["correct"]


@pytest.mark.parametrize("to_group", [False, True], ids=["process", "group"])
def test_ctrl_c_stops_within_seconds_and_resumes_with_a_new_budget(tmp_path, to_group):
    """The run is held in flight by construction when SIGINT comes: branch 0's
    candidate blocks in its sandbox (each test may take 300 s) and branch 1
    waits at its model call. Only SIGINT's stop can end it within the bound."""
    task, out = tmp_path / "read_ints", tmp_path / "run"
    shutil.copytree(EXAMPLES / "read_ints", task)
    set_test_timeout(task, 300)
    name, release = held_name(), threading.Event()

    def reply(body: dict) -> Reply:
        if body["seed"] % 1000 // 100 == 0:
            return Reply(fenced(held_program(name)))
        return Reply(prose_only(), hold=release)

    with OpenAIServer(reply) as server:
        stop = stop_agent(
            [
                *("run", task / "prog.s", "--model", "openai:test", "--base-url", server.url),
                *("--best-of", "2", "--iterations", "1", "--out", out),
            ],
            ready=lambda: running(name) and len(server.completion_requests) == 2,
            what="the held candidate running and branch 1 at its model call",
            to_group=to_group,
        )
        assert stop.returncode == 130, stop.stderr
        assert stop.took < 15, f"stopped {stop.took:.1f} s after SIGINT"
        wait_for(lambda: not running(name), 60, "the held candidate gone")
        assert f"agent run --resume {out}" in stop.stderr and "Traceback" not in stop.stderr
        assert "stopping (SIGINT)" in stop.stdout
        stopped = [json.loads(x) for x in (out / "events.jsonl").read_text().splitlines()]
        stopped = [x for x in stopped if x["kind"] == "run_interrupted"]
        assert stopped and stopped[0]["resume"] == f"agent run --resume {out}"
        assert stopped[0]["killed"] >= 1  # the held candidate's sandbox, at least
        assert not (out / "report.json").exists()

        # The resume judges the held candidate again: a short limit lets it
        # time out in seconds; branch 1 asks its model again and is answered.
        release.set()
        set_test_timeout(task, RESUME_TIMEOUT_S)
        done = agent("run", "--resume", out, "--time-budget", "5m")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["time_budget"] == 300.0 and report["correct"]
    assert report["iterations"] == 2 and report["best"]["source"] == "baseline"
