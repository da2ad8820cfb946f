"""`agent batch`: task folders and the paper's dataset schema, metrics, resume
after SIGKILL, the batch budget, failing tasks, trajectories and `agent report`.

The model is a local OpenAI-compatible server that answers per task: collatz
gets a faster correct program, lcs its own baseline made slower (correct, not
faster), everything else a program that does not assemble.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import (
    DATA,
    EXAMPLES,
    REPORT_FIELDS,
    RESUME_TIMEOUT_S,
    agent_env,
    held_name,
    held_program,
    needs_sandbox,
    running,
    set_test_timeout,
    stop_agent,
    wait_for,
)
from tests.conftest import agent as run_agent
from tests.llm_servers import OpenAIServer, Reply, fenced, prompt_text

FAST = (DATA / "collatz_fast.s").read_text()
# Correct and clearly slower: a spin of ~50M iterations at the start of main.
# (Not a `nop`: moving lcs's code by one byte really changes its speed by about
# 1% through loop alignment, which the harness then rightly measures.)
SPIN = "main:\n\tmovl\t$50000000, %ecx\n.Lspin:\n\tdecl\t%ecx\n\tjne\t.Lspin\n"
LCS_SLOWER = (EXAMPLES / "lcs" / "prog.s").read_text().replace("main:\n", SPIN, 1)
BROKEN = (EXAMPLES / "sum_scanf" / "prog.s").read_text().replace("\tret\n", "\tretq\t%zmm99\n", 1)
KNOWN = ("collatz", "lcs", "sum_scanf")
SUMMARY_FIELDS = {
    "tasks",
    "correct_rate",
    "mean_speedup_clamped",
    "geomean_speedup",
    "median_speedup",
}
RUN_FIELDS = REPORT_FIELDS | {"branches", "iterations", "llm"}


def task_of(body: dict) -> str:
    """Which example a request is about, from the C source in its prompt."""
    text = prompt_text(body)
    if "Longest Collatz chain" in text:
        return "collatz"
    if "Longest common subsequence" in text:
        return "lcs"
    if "median of N integers" in text:
        return "sum_scanf"
    return "other"


def scripted(body: dict) -> Reply:
    return Reply(fenced({"collatz": FAST, "lcs": LCS_SLOWER}.get(task_of(body), BROKEN)))


def batch_env(**extra: str) -> dict:
    return agent_env(**{"AGENT_TIMING_SECONDS": "5", "AGENT_CONFIRM_SECONDS": "4", **extra})


def model_args(server) -> list[str]:
    return [
        "--model",
        "openai:test",
        "--base-url",
        server.url,
        "--best-of",
        "1",
        "--iterations",
        "1",
    ]


def agent(*args, env=None, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    return run_agent(*args, env=env or batch_env(), cwd=cwd, timeout=timeout)


def results(out: Path) -> dict[str, dict]:
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    names = [x["task"] for x in lines]
    assert len(names) == len(set(names)), f"a task is recorded twice: {names}"
    return {x["task"]: x for x in lines}


def verdicts(lines: dict[str, dict]) -> dict[str, tuple]:
    """Per task: (the model wrote a correct candidate, the delivered program is
    faster); a task that could not run shows its error instead."""
    return {
        name: (x["model_correct"], x["best"]["source"] != "baseline")
        if "best" in x
        else f"error: {x.get('error')}"
        for name, x in lines.items()
        if name in KNOWN
    }


EXPECTED = {"collatz": (True, True), "lcs": (True, False), "sum_scanf": (False, False)}


def gcc_s(source: Path, opt: str) -> str:
    return subprocess.run(
        ["gcc", opt, "-S", "-o", "-", str(source)], capture_output=True, text=True, check=True
    ).stdout


def write_records(path: Path, names=KNOWN) -> Path:
    """A JSONL file in the paper's schema, from the examples; unoptimized_assembly
    holds gcc -O0 output, as in the paper's public data."""
    with path.open("w") as f:
        for name in names:
            folder = EXAMPLES / name
            tests = sorted((folder / "tests").glob("*.in"))
            record = {
                "problem_id": name,
                "extra_info": {
                    "inputs": [t.read_text() for t in tests],
                    "outputs": [t.with_suffix(".out").read_text() for t in tests],
                    "c_code": (folder / "prog.c").read_text(),
                    "unoptimized_assembly": gcc_s(folder / "prog.c", "-O0"),
                },
            }
            f.write(json.dumps(record) + "\n")
    return path


# -- whole batches (sandbox) ---------------------------------------------------


@pytest.fixture(scope="module")
def examples_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    traj = out.parent / "trajectories.jsonl"
    with OpenAIServer(scripted) as server:
        done = agent(
            "batch", EXAMPLES, "--workers", 2, *model_args(server), "--out", out,
            "--export-trajectories", traj,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, traj, done


@needs_sandbox
def test_batch_over_the_examples_writes_results_and_the_papers_metrics(examples_batch):
    out, _, done = examples_batch
    lines = results(out)
    folders = sorted(p.name for p in EXAMPLES.iterdir() if (p / "tests").is_dir())
    assert sorted(lines) == folders
    for line in lines.values():
        assert line["status"] == "done" and set(line) >= RUN_FIELDS | {"task"}
        assert (out / line["run_dir"] / "report.json").exists()
        assert (out / line["run_dir"] / "task" / "prog.s").exists()
    assert verdicts(lines) == EXPECTED
    assert lines["collatz"]["speedup_ci"][0] > 1.0 and lines["collatz"]["verified"]
    assert lines["lcs"]["speedup"] == 1.0 and lines["lcs"]["best_candidate_speedup"] is not None
    assert lines["collatz"]["baseline"]["origin"] == "given"

    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= SUMMARY_FIELDS
    n = len(folders)
    assert summary["tasks"] == n and summary["errors"] == 0
    assert summary["correct_rate"] == pytest.approx(2 / n, abs=1e-4)
    speedup = lines["collatz"]["speedup"]
    assert summary["mean_speedup_clamped"] == pytest.approx((speedup + n - 1) / n, abs=1e-3)
    assert summary["geomean_speedup"] == pytest.approx(speedup ** (1 / n), abs=1e-3)
    assert summary["median_speedup"] == 1.0
    assert summary["faster_rate"] == pytest.approx(1 / n, abs=1e-4)
    assert summary["baseline"] == "each task folder's own .s"
    assert summary["llm"]["calls"] == n and summary["llm"]["input_tokens"] > 0
    md = (out / "summary.md").read_text()
    assert "mean speedup, clamped at 1.0 (paper)" in md and "| collatz | faster" in md
    assert "geometric mean speedup, unclamped" in md
    assert "correct (paper)" in done.stdout and "results.jsonl" in done.stdout


@needs_sandbox
def test_trajectories_carry_prompt_completion_evaluation_and_reward(examples_batch):
    out, traj, _ = examples_batch
    entries = {e["task"]: e for e in map(json.loads, traj.read_text().splitlines())}
    # The reward is the proposal's own (screening) figure; the task's reported
    # speedup is the winner's confirmation, timed afresh.
    collatz_line = results(out)["collatz"]
    assert entries["collatz"]["reward"] == pytest.approx(collatz_line["screening"]["speedup"])
    assert collatz_line["speedup_kind"] == "precise"
    assert entries["lcs"]["reward"] == 0.0
    assert entries["sum_scanf"]["reward"] == -1.0
    collatz = entries["collatz"]
    assert [m["role"] for m in collatz["messages"]] == ["system", "user"]
    assert "```" in collatz["completion"] and collatz["evaluation"]["correct"]


@needs_sandbox
def test_agent_report_rebuilds_the_summary(examples_batch, tmp_path):
    out, _, _ = examples_batch
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    before = json.loads((copy / "summary.json").read_text())
    (copy / "summary.json").unlink()
    (copy / "summary.md").unlink()
    done = agent("report", copy, "--export-trajectories", tmp_path / "t.jsonl")
    assert done.returncode == 0, done.stderr
    after = json.loads((copy / "summary.json").read_text())
    assert {k: after[k] for k in SUMMARY_FIELDS} == {k: before[k] for k in SUMMARY_FIELDS}
    assert (copy / "summary.md").exists() and (tmp_path / "t.jsonl").stat().st_size > 0


@needs_sandbox
def test_dataset_jsonl_runs_the_same_with_the_O3_baseline(examples_batch, tmp_path):
    records = write_records(tmp_path / "examples.jsonl")
    out = tmp_path / "out"
    with OpenAIServer(scripted) as server:
        done = agent("batch", records, "--workers", 2, *model_args(server), "--out", out)
    assert done.returncode == 0, done.stderr
    lines = results(out)
    assert sorted(lines) == list(KNOWN)
    assert verdicts(lines) == verdicts(results(examples_batch[0])) == EXPECTED
    for name, line in lines.items():
        assert line["baseline"]["origin"] == "gcc-O3"
        task_dir = out / line["run_dir"] / "task"
        assert (task_dir / "prog.c").read_text() == (EXAMPLES / name / "prog.c").read_text()
        assert len(list((task_dir / "tests").glob("*.in"))) == line["tests"]["total"]
    summary = json.loads((out / "summary.json").read_text())
    assert "gcc -O3" in summary["baseline"] and summary["baselines"] == {"gcc-O3": 3}
    # A task of a batch resumes on its own, too: its files are in its run folder.
    request = json.loads((out / "collatz" / "run.json").read_text())
    assert request["asm"] == str((out / "collatz" / "task" / "prog.s").resolve())


def test_dataset_baseline_keeps_the_records_assembly(tmp_path):
    from agent.batch import discover, load_prepared, prepare_run_dir
    from agent.config import RunConfig

    records = write_records(tmp_path / "r.jsonl", names=("collatz",))
    (job,) = discover(records)
    prepare_run_dir(job, RunConfig(), tmp_path / "dataset", "dataset")
    task = load_prepared(tmp_path / "dataset")
    assert task.baseline == "dataset-O0" and task.name == "collatz"
    assert task.asm == gcc_s(EXAMPLES / "collatz" / "prog.c", "-O0")
    prepare_run_dir(job, RunConfig(), tmp_path / "o2", "O2")
    assert load_prepared(tmp_path / "o2").baseline == "gcc-O2"


def test_parquet_records_and_bad_records_become_jobs(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from agent.batch import discover

    rows = [json.loads(x) for x in write_records(tmp_path / "r.jsonl").read_text().splitlines()]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "r.parquet")
    jobs = discover(tmp_path / "r.parquet")
    assert [j.name for j in jobs] == list(KNOWN) and all(j.task and not j.error for j in jobs)
    assert jobs[0].task.tests == discover(tmp_path / "r.jsonl")[0].task.tests
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rows[0]) + "\n" + json.dumps({"problem_id": "x", "extra_info": {}}))
    good, broken = discover(bad)
    assert good.error is None and "missing field 'extra_info.inputs'" in broken.error


@needs_sandbox
def test_sigkill_then_resume_records_every_task_once(tmp_path):
    """lcs finishes; sum_scanf's model call is held until after the kill, so
    the kill finds it in flight by construction."""
    out = tmp_path / "out"
    asked: list[str] = []
    release = threading.Event()

    def held(body: dict) -> Reply:
        asked.append(task_of(body))
        return Reply(fenced(BROKEN), hold=release if task_of(body) == "sum_scanf" else None)

    args = ["--only", "lcs,sum_scanf", "--workers", 1, "--out", out]
    with OpenAIServer(held) as server:
        stop_agent(
            ["batch", EXAMPLES, *model_args(server), *args],
            ready=lambda: "sum_scanf" in asked,
            what="sum_scanf at its model call",
            sig=signal.SIGKILL,
            env=batch_env(),
        )
        log = out / "results.jsonl"
        assert results(out).keys() == {"lcs"}
        assert (out / "sum_scanf" / "checkpoints.sqlite").exists()
        with log.open("ab") as f:  # as if killed in the middle of writing a line
            f.write(b'{"task": "sum_scanf", "status": "do')
        release.set()
        done = agent("batch", "--resume", "--out", out)
        assert done.returncode == 0, done.stderr
        # Resuming a finished batch runs nothing and records nothing twice.
        again = agent("batch", "--resume", "--out", out)
        assert again.returncode == 0, again.stderr
    lines = results(out)
    assert sorted(lines) == ["lcs", "sum_scanf"]
    assert lines["sum_scanf"]["resumed"] is True
    assert asked.count("lcs") == 1  # the finished task was not run again
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks"] == 2 and summary["recorded"] == 2 and summary["not_run"] == 0
    assert len((out / "results.jsonl").read_text().splitlines()) == 2


@needs_sandbox
def test_batch_budget_stops_new_tasks_and_failing_tasks_do_not_stop_others(tmp_path):
    suite = tmp_path / "suite"
    for name in ("lcs", "sum_scanf"):
        shutil.copytree(EXAMPLES / name, suite / name)
    shutil.copytree(EXAMPLES / "lcs", suite / "a_bad_outputs")
    (suite / "a_bad_outputs" / "tests" / "t1.out").write_text("42\n")
    (suite / "b_no_asm" / "tests").mkdir(parents=True)
    (tmp_path / "agent.toml").write_text('[prices]\n"openai:test" = [1000000.0, 1000000.0]\n')
    out = tmp_path / "out"
    with OpenAIServer(lambda body: Reply(fenced(BROKEN))) as server:
        done = agent(
            "batch", suite, *model_args(server), "--budget-usd", 1, "--out", out, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        lines = results(out)
        assert lines["a_bad_outputs"]["status"] == "error"
        assert "fails its own test t1" in lines["a_bad_outputs"]["error"]
        assert lines["b_no_asm"]["status"] == "error" and "no prog.s" in lines["b_no_asm"]["error"]
        assert set(lines["b_no_asm"]) >= RUN_FIELDS  # error lines have the same keys
        assert lines["lcs"]["status"] == "done" and lines["lcs"]["llm"]["cost_usd"] >= 1
        assert "sum_scanf" not in lines  # the budget was spent: no new task
        assert len(server.completion_requests) == 1
        summary = json.loads((out / "summary.json").read_text())
        assert summary["tasks"] == 1 and summary["errors"] == 2 and summary["not_run"] == 1
        assert summary["stopped"] == "budget"
        assert "a_bad_outputs" in (out / "summary.md").read_text()

        # Fix one task, raise the budget, retry the failed ones: each still once.
        shutil.rmtree(suite / "b_no_asm")
        shutil.copytree(EXAMPLES / "sum_scanf", suite / "b_no_asm")
        more = ["--resume", "--retry-errors", "--budget-usd", 1e9, "--out", out]
        done = agent("batch", *more, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    lines = results(out)
    assert sorted(lines) == ["a_bad_outputs", "b_no_asm", "lcs", "sum_scanf"]
    assert lines["b_no_asm"]["status"] == "done" and lines["sum_scanf"]["status"] == "done"
    assert lines["a_bad_outputs"]["status"] == "error"
    assert len(server.completion_requests) == 3


@needs_sandbox
def test_batch_time_budget_starts_the_first_wave_only_and_resume_runs_the_rest(tmp_path):
    suite = tmp_path / "suite"
    for name in KNOWN:
        shutil.copytree(EXAMPLES / name, suite / name)
    out = tmp_path / "out"
    # No answer comes until the batch has stopped, so the first wave outlasts
    # the 2 s batch budget (its runs' budgets end with it) on any machine,
    # whether or not its runs get as far as a proposal.
    release = threading.Event()
    with OpenAIServer(lambda body: Reply(fenced(BROKEN), hold=release)) as server:
        args = ["--workers", 2, "--batch-budget", 2, "--time-budget", "10m", "--out", out]
        done = agent("batch", suite, *model_args(server), *args)
        release.set()
        assert done.returncode == 0, done.stderr
        assert sorted(results(out)) == ["collatz", "lcs"]  # the first two started
        assert not (out / "sum_scanf").exists()  # never started, not an error line
        request = json.loads((out / "batch.json").read_text())
        assert request["stopped"] == "batch budget" and request["batch_budget"] == 2
        summary = json.loads((out / "summary.json").read_text())
        assert summary["stopped"] == "batch budget" and summary["not_run"] == 1
        assert "stopped early (batch budget): continue with --resume" in done.stdout

        more = ["--resume", "--out", out, "--batch-budget", "1h", "--time-budget", "5m"]
        done = agent("batch", *more)
        assert done.returncode == 0, done.stderr
    lines = results(out)  # each task once
    assert sorted(lines) == sorted(KNOWN)
    assert all(x["status"] == "done" for x in lines.values())
    request = json.loads((out / "batch.json").read_text())
    assert request["stopped"] is None and request["batch_budget"] == 3600
    assert request["config"]["time_budget"] == 300  # the new per-task budget
    assert json.loads((out / "summary.json").read_text())["not_run"] == 0


def test_bad_usage_exits_2(tmp_path):
    done = agent("batch", tmp_path / "missing")
    assert done.returncode == 2 and "no such suite" in done.stderr
    done = agent("batch", "--resume", "--out", tmp_path)
    assert done.returncode == 2 and "not a batch folder" in done.stderr
    done = agent("batch", EXAMPLES, "--only", "nope", "--out", tmp_path / "x")
    assert done.returncode == 2 and "no task named nope" in done.stderr
    for bad in ("0", "-5", "soon"):
        done = agent("batch", EXAMPLES, "--batch-budget", bad, "--out", tmp_path / "y")
        assert done.returncode == 2 and "--batch-budget" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and not (tmp_path / "y").exists()


# -- pieces (no sandbox) -------------------------------------------------------


def test_results_log_cuts_a_torn_line_and_the_reader_skips_it(tmp_path):
    from agent.batch.results import ResultsLog, read_results

    path = tmp_path / "results.jsonl"
    path.write_bytes(b'{"task": "a", "status": "done"}\n{"task": "b", "sta')
    assert [x["task"] for x in read_results(path)] == ["a"]
    log = ResultsLog(path)
    log.append({"task": "b", "status": "done"})
    log.append({"task": "a", "status": "done"})  # a duplicate is ignored by readers
    log.close()
    assert [x["task"] for x in read_results(path)] == ["a", "b"]
    assert path.read_bytes().count(b"\n") == 3


def _line(name, *, correct, speedup=1.0, faster=False, best=None, status="done"):
    return {
        "task": name,
        "status": status,
        "speedup": speedup,
        "speedup_ci": [speedup * 0.99, speedup * 1.01],
        "verified": faster,
        "best": {"source": "branch 0 iteration 1" if faster else "baseline"},
        "model_correct": correct,
        "best_candidate_speedup": best,
        "baseline": {"origin": "gcc-O3"},
        "llm": {"calls": 2, "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.5},
    }


def test_metrics_follow_the_papers_clamp_and_count_incorrect_as_one():
    from agent.batch.summary import render_markdown, summarize

    lines = [
        _line("a", correct=True, speedup=2.0, faster=True, best=2.0),
        _line("b", correct=True, best=0.8),  # correct but slower: baseline kept
        _line("c", correct=False),
        _line("d", correct=False),
        {"task": "e", "status": "error", "error": "baseline fails its own test t1"},
    ]
    s = summarize(lines, {"planned": 6})
    assert s["tasks"] == 4 and s["errors"] == 1 and s["not_run"] == 1
    assert s["correct_rate"] == 0.5
    assert s["mean_speedup_clamped"] == pytest.approx((2 + 1 + 1 + 1) / 4)
    assert s["geomean_speedup"] == pytest.approx(2 ** (1 / 4), abs=1e-4)
    assert s["median_speedup"] == 1.0
    assert s["faster_rate"] == 0.25
    assert s["candidate_geomean_speedup"] == pytest.approx((2 * 0.8) ** 0.5, abs=1e-4)
    assert s["llm"]["calls"] == 8 and s["llm"]["cost_usd"] == 2.0
    assert s["baselines"] == {"gcc-O3": 4}
    md = render_markdown(s, lines)
    assert "| e | error: baseline fails its own test t1 |" in md
    assert "| b | correct, not faster | 1.000x |" in md


def test_selection_only_shuffle_limit():
    from agent.batch import Job, select

    jobs = [Job(name=f"t{i}", slug=f"t{i}", kind="folder") for i in range(10)]
    assert [j.name for j in select(jobs, only=("t3,t1", "t5"))] == ["t1", "t3", "t5"]
    shuffled = [j.name for j in select(jobs, shuffle=True, seed=7, limit=4)]
    assert shuffled == [j.name for j in select(jobs, shuffle=True, seed=7, limit=4)]
    assert len(shuffled) == 4 and shuffled != ["t0", "t1", "t2", "t3"]


def test_task_budget_charges_the_batch_budget():
    from agent.batch import TaskBudget
    from agent.models import Budget

    batch = Budget(limit_usd=1.0)
    first, second = TaskBudget(parent=batch), TaskBudget(parent=batch)
    first.add(100, 10, 0.6)
    assert not second.exhausted and first.to_dict()["cost_usd"] == 0.6
    second.add(100, 10, 0.5)
    assert first.exhausted and second.exhausted
    assert batch.calls == 2 and second.to_dict()["calls"] == 1


def test_a_starting_task_gets_what_is_left_of_the_batch_budget():
    from agent.batch.program import capped, past
    from agent.config import RunConfig

    now = time.time()
    assert capped(RunConfig(), None) == RunConfig() and not past(None)
    assert 90 < capped(RunConfig(), now + 100).time_budget <= 100
    assert capped(RunConfig(time_budget=30), now + 100).time_budget == 30  # its own is shorter
    assert 90 < capped(RunConfig(time_budget=300), now + 100).time_budget <= 100
    assert capped(RunConfig(), now - 5).time_budget == 1.0  # started at the wire
    assert past(now - 1) and not past(now + 60)


@needs_sandbox
def test_sigint_stops_a_two_worker_batch_within_seconds_and_resume_finishes_it(tmp_path):
    """SIGINT to the batch's process group, as a terminal's Ctrl-C sends it,
    while two tasks are in flight: out within seconds with 130, nothing in
    flight recorded, and --resume records every task exactly once. (SIGINT to
    the process alone takes the same handler: tests/test_first_run.py checks
    both.) The batch is held there by construction: collatz finishes, lcs
    waits at its model call, and sum_scanf's candidate blocks in its sandbox
    (each test may take 300 s), so only SIGINT's stop can end it in time."""
    suite = tmp_path / "suite"
    for name in KNOWN:
        shutil.copytree(EXAMPLES / name, suite / name)
    set_test_timeout(suite / "sum_scanf", 300)
    out = tmp_path / "out"
    held, release = held_name(), threading.Event()

    def reply(body: dict) -> Reply:
        task = task_of(body)
        if task == "sum_scanf":
            return Reply(fenced(held_program(held)))  # wrong, as BROKEN: (False, False)
        return Reply(scripted(body).text, hold=release if task == "lcs" else None)

    with OpenAIServer(reply) as server:
        stop = stop_agent(
            ["batch", suite, *model_args(server), "--workers", 2, "--out", out],
            ready=lambda: (
                running(held) and any(task_of(r) == "lcs" for r in server.completion_requests)
            ),
            what="sum_scanf's held candidate running and lcs at its model call",
            env=batch_env(),
        )
        assert stop.returncode == 130, stop.stderr
        assert stop.took < 15, f"the batch stopped {stop.took:.1f} s after SIGINT"
        wait_for(lambda: not running(held), 60, "the held candidate gone")
        assert f"agent batch --resume --out {out}" in stop.stderr
        assert "Traceback" not in stop.stderr and "stopping (SIGINT)" in stop.stdout
        log = (out / "sum_scanf" / "events.jsonl").read_text().splitlines()
        stops = [json.loads(x) for x in log if "run_interrupted" in x]
        assert stops and stops[0]["killed"] >= 1  # the held candidate's sandbox, at least
        assert json.loads((out / "batch.json").read_text())["stopped"] == "interrupted"
        assert results(out).keys() == {"collatz"}  # lcs and sum_scanf were in flight

        # The resume judges sum_scanf's held candidate again (a short limit
        # lets it time out in seconds) and asks lcs's model again (answered now).
        release.set()
        set_test_timeout(out / "sum_scanf" / "task", RESUME_TIMEOUT_S)
        done = agent("batch", "--resume", "--out", out)
        assert done.returncode == 0, done.stderr
    lines = results(out)  # each task once
    assert sorted(lines) == sorted(KNOWN)
    assert verdicts(lines) == EXPECTED
    assert lines["sum_scanf"]["resumed"] and lines["lcs"]["resumed"]
    assert json.loads((out / "summary.json").read_text())["not_run"] == 0
