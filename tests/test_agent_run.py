"""`agent run` end to end against local OpenAI- and Anthropic-compatible servers,
with the real langchain clients: scripted replies, faults, a SIGKILL and --resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import (
    DATA,
    EXAMPLES,
    REPORT_FIELDS,
    agent,
    agent_env,
    needs_sandbox,
    stop_agent,
)
from tests.llm_servers import AnthropicServer, OpenAIServer, Reply, fenced, prose_only, truncated

pytestmark = needs_sandbox

PROG = EXAMPLES / "collatz" / "prog.s"
FAST = (DATA / "collatz_fast.s").read_text()
WRONG = (DATA / "collatz_wrong.s").read_text()
BROKEN = PROG.read_text().replace("\tret\n", "\tretq\t%zmm99\n", 1)
CONTRACT = REPORT_FIELDS | {"branches", "iterations", "llm"}


def branch_of(body: dict) -> int:
    """Branch b runs at temperature 0.7 + 0.1 b (see agent.graph)."""
    return round((body["temperature"] - 0.7) * 10)


def events(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]


def scripted(body: dict) -> Reply:
    branch = branch_of(body)
    return Reply(
        {
            0: fenced(FAST),
            1: fenced(WRONG),
            2: fenced(BROKEN),
            3: prose_only(),
        }.get(branch, truncated(FAST))
    )


def test_openai_run_finds_the_faster_candidate_and_rejects_the_rest(tmp_path):
    out = tmp_path / "run"
    with OpenAIServer(scripted) as server:
        done = agent(
            "run",
            PROG,
            "--model",
            "openai:test",
            "--base-url",
            server.url,
            "--best-of",
            5,
            "--iterations",
            3,
            "--out",
            out,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert set(report) >= CONTRACT
    assert report["correct"] and report["speedup_ci"][0] > 1.0
    assert report["best"]["branch"] == 0
    assert (out / "best.s").read_text() == FAST
    assert "+" in (out / "best.diff").read_text()
    assert report["llm"]["calls"] >= 5 and report["llm"]["input_tokens"] > 0
    seen = {
        (e["branch"], e["status"], e["detail"])
        for e in events(out)
        if e["kind"] == "candidate_evaluated"
    }
    assert any(b == 0 and s == "correct" and "(faster)" in d for b, s, d in seen)
    assert any(b == 1 and s == "wrong" and "wrong output on test t1" in d for b, s, d in seen)
    assert any(b == 2 and s == "not assembled" for b, s, d in seen)
    assert any(b == 3 and s == "no code" for b, s, d in seen)
    assert any(b == 4 and s == "no code" for b, s, d in seen)  # truncated block
    kinds = {e["kind"] for e in events(out)}
    assert kinds >= {
        "run_started",
        "baseline_measured",
        "branch_started",
        "candidate_proposed",
        "candidate_evaluated",
        "new_best",
        "branch_finished",
        "model_usage",
        "winner_confirmed",
        "run_finished",
    }
    # The reported figure is the winner's confirmation, timed afresh; the
    # screening figure is kept beside it.
    assert report["speedup_kind"] == "precise" and report["confirmation"]["faster"]
    assert report["speedup"] == report["confirmation"]["speedup"]
    assert report["screening"]["decision"] == "faster"
    # Where the time went: every phase, summed, and the line that says so.
    assert set(report["seconds"]) >= {
        "build",
        "tests",
        "timing",
        "differential",
        "profile",
        "propose",
        "confirm",
        "wall",
    }
    assert report["seconds"]["timing"] > 0 and report["seconds"]["confirm"] > 0
    assert "time: " in done.stdout and " s wall" in done.stdout
    # The wrong branch's second prompt carries the failing test.
    revise = [r for r in server.completion_requests if branch_of(r) == 1][1]
    assert "t1" in json.dumps(revise["messages"]) and "expected" in json.dumps(revise["messages"])
    assert "best:" in done.stdout and "report.json" in done.stdout


def test_anthropic_run_uses_the_messages_api(tmp_path):
    out = tmp_path / "run"
    with AnthropicServer(lambda body: Reply(fenced(FAST), reasoning="think")) as server:
        env = agent_env(ANTHROPIC_API_KEY="sk-test", ANTHROPIC_BASE_URL=server.base_url)
        done = agent(
            "run",
            PROG,
            "--model",
            "anthropic:claude-test",
            "--best-of",
            1,
            "--iterations",
            1,
            "--verify-seconds",
            7,
            "--verbose",
            "--out",
            out,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["correct"] and report["speedup_ci"][0] > 1.0
    assert server.completion_requests[0]["_path"] == "/v1/messages"
    assert "verify_seconds = 7.0  (command line)" in done.stdout + done.stderr


def test_retry_after_a_429_and_a_500(tmp_path):
    out = tmp_path / "run"
    replies = [Reply(status=429, retry_after=0.2), Reply(status=500), Reply(fenced(WRONG))]
    with OpenAIServer(replies, default_reply=prose_only()) as server:
        done = agent(
            "run",
            PROG,
            "--model",
            "openai:test",
            "--base-url",
            server.url,
            "--best-of",
            1,
            "--iterations",
            1,
            "--out",
            out,
        )
    assert done.returncode == 0, done.stderr
    assert len(server.completion_requests) == 3
    usage = [e for e in events(out) if e["kind"] == "model_usage"]
    assert usage[0]["retries"] == 2


def test_a_model_that_times_out_leaves_a_clean_run(tmp_path):
    out = tmp_path / "run"
    never = threading.Event()  # the answer never comes (the server's stop ends it)
    with OpenAIServer(lambda body: Reply(fenced(FAST), hold=never)) as server:
        env = agent_env(AGENT_REQUEST_TIMEOUT="0.5", AGENT_CALL_DEADLINE="2")
        done = agent(
            "run",
            PROG,
            "--model",
            "openai:test",
            "--base-url",
            server.url,
            "--best-of",
            1,
            "--iterations",
            2,
            "--out",
            out,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["best"]["source"] == "baseline" and report["speedup"] == 1.0
    errors = [e for e in events(out) if e["kind"] == "candidate_evaluated"]
    assert errors and all(e["status"] == "error" for e in errors)
    assert "keeping the baseline" in done.stdout


def test_budget_stops_model_calls(tmp_path):
    out = tmp_path / "run"
    (tmp_path / "agent.toml").write_text('[prices]\n"openai:test" = [1000000.0, 1000000.0]\n')
    with OpenAIServer(lambda body: Reply(fenced(WRONG))) as server:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "agent",
                "run",
                str(PROG),
                "--model",
                "openai:test",
                "--base-url",
                server.url,
                "--best-of",
                "1",
                "--iterations",
                "3",
                "--budget-usd",
                "1",
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            env=agent_env(),
            cwd=tmp_path,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    assert len(server.completion_requests) == 1
    report = json.loads((out / "report.json").read_text())
    assert report["llm"]["cost_usd"] >= 1 and report["branches"][0]["reason"] == "budget"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "openai:gpt-4o"], "OPENAI_API_KEY is not set"),
        (["--model", "anthropic:claude-x"], "ANTHROPIC_API_KEY is not set"),
        (["--model", "mystery"], "unknown model"),
        (["--best-of", "0"], "best_of must be at least 1"),
    ],
)
def test_bad_model_options_exit_2(tmp_path, args, message):
    done = agent("run", PROG, *args, "--out", tmp_path / "run")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sigkill_then_resume_repeats_no_finished_model_call(tmp_path):
    """Each branch's first call is answered; the later ones are held until
    after the kill, so the kill finds the run in flight by construction."""
    out = tmp_path / "run"
    release = threading.Event()

    def reply(body: dict) -> Reply:
        first = body["seed"] % 100 == 1  # seed = branch * 100 + iteration
        return Reply(fenced(WRONG if branch_of(body) else FAST), hold=None if first else release)

    with OpenAIServer(reply) as server:
        log = out / "events.jsonl"
        stop_agent(
            [
                *("run", PROG, "--model", "openai:test", "--base-url", server.url),
                *("--best-of", "3", "--iterations", "3", "--out", out),
            ],
            ready=lambda: log.exists() and log.read_text().count('"candidate_evaluated"') >= 3,
            what="every branch's first candidate judged",
            sig=signal.SIGKILL,
        )
        finished = {p.stem for p in (out / "proposals").glob("*.json")}
        assert finished == {"b0-i1", "b1-i1", "b2-i1"}
        before = len(server.completion_requests)
        release.set()
        done = agent("run", "--resume", out)
        assert done.returncode == 0, done.stderr
    seeds = [r["seed"] for r in server.completion_requests]
    after_kill = seeds[before:]
    for name in finished:  # b{branch}-i{iteration}: seed = branch * 100 + iteration
        b, i = (int(x[1:]) for x in name.split("-"))
        assert (b * 100 + i) not in after_kill, f"{name} was asked again after the resume"
    assert all(seeds.count(s) <= 2 for s in seeds)  # only calls in flight at the kill repeat
    report = json.loads((out / "report.json").read_text())
    assert report["correct"] and report["best"]["branch"] == 0
    assert any(e["kind"] == "run_started" and e["resumed"] for e in events(out))
