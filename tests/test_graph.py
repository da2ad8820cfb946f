"""The graph with a scripted proposer, in process: branch isolation, feedback
flow, selection, the run folder; and Ctrl-C leaving a resumable run."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading

from agent.config import RunConfig
from agent.context import RunContext
from agent.models import Budget
from agent.proposer import Proposal, ProposalRequest, Verdict
from agent.run import eval_options, execute
from tests.conftest import DATA, EXAMPLES, needs_sandbox, stop_agent
from tests.llm_servers import OpenAIServer, Reply, fenced
from tools.sandbox import Sandbox
from tools.task import load_task

pytestmark = needs_sandbox

FAST = (DATA / "collatz_fast.s").read_text()
WRONG = (DATA / "collatz_wrong.s").read_text()


class Scripted:
    """Branch 0 finds the fast version, 1 is wrong then right, 2 raises."""

    name = "scripted"

    def __init__(self):
        self.requests: list[ProposalRequest] = []

    async def propose(self, request: ProposalRequest) -> Proposal:
        self.requests.append(request)
        await asyncio.sleep(0.05)
        if request.branch == 2:
            raise RuntimeError("the model client exploded")
        if request.branch == 1 and request.iteration == 1:
            return Proposal(WRONG, note="skip a step", model="scripted")
        return Proposal(FAST, note="start from n/2", model="scripted")


def run(tmp_path, proposer, **config):
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    cfg = RunConfig(differential=20, timing_seconds=8, confirm_seconds=4, **config)
    ctx = RunContext(
        task, cfg, Sandbox(task.limits), proposer, Budget(), tmp_path, eval_options(cfg)
    )
    seen = []
    report = asyncio.run(execute(ctx, on_event=seen.append))
    return report, seen


def test_a_raising_branch_does_not_stop_the_others(tmp_path):
    proposer = Scripted()
    report, seen = run(tmp_path, proposer, best_of=3, iterations=2, patience=2)
    finished = {e.branch: e.reason for e in seen if e.kind == "branch_finished"}
    assert set(finished) == {0, 1, 2}
    assert finished[2].startswith("error: RuntimeError: the model client exploded")
    assert "the model client exploded" in (tmp_path / "errors.log").read_text()
    assert report["correct"] and report["speedup_ci"][0] > 1.0
    assert report["best"]["source"].startswith("branch ")
    assert (tmp_path / "best.s").read_text() == FAST
    # Branch 1's second request saw the failure of its first, and the history.
    second = next(r for r in proposer.requests if r.branch == 1 and r.iteration == 2)
    assert "t1" in second.feedback.failure
    assert second.history[0].outcome == "wrong output on test t1"
    assert second.current == load_task(EXAMPLES / "collatz" / "prog.s").asm
    # Branch 0's second request starts from its best so far.
    again = next(r for r in proposer.requests if r.branch == 0 and r.iteration == 2)
    assert again.current == FAST and again.current_speedup.endswith("]")
    # Each branch is told what became of its previous proposal (the proposer need not guess).
    assert again.previous == Verdict(1, accepted=True)
    assert second.previous == Verdict(1, accepted=False)
    assert all(r.previous is None for r in proposer.requests if r.iteration == 1)


def test_no_improvement_keeps_the_baseline(tmp_path):
    class Wrong:
        name = "wrong"

        async def propose(self, request):
            return Proposal(WRONG, note="wrong", model="wrong")

    report, seen = run(tmp_path, Wrong(), best_of=2, iterations=3, patience=2)
    assert report["best"]["source"] == "baseline" and report["speedup"] == 1.0
    assert report["correct"] and (tmp_path / "best.diff").read_text() == ""
    reasons = {e.reason for e in seen if e.kind == "branch_finished"}
    assert reasons == {"no improvement"}
    assert report["iterations"] == 4


def test_ctrl_c_stops_cleanly_and_the_run_resumes(tmp_path):
    """SIGINT while both branches wait at their model calls, held there by the
    test server until the run has stopped; the resume asks again and finishes."""
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env |= {"AGENT_DIFFERENTIAL": "20", "AGENT_TIMING_SECONDS": "8", "AGENT_CONFIRM_SECONDS": "4"}
    release = threading.Event()
    with OpenAIServer(lambda body: Reply(fenced(FAST), hold=release)) as server:
        stop = stop_agent(
            [
                *("run", EXAMPLES / "collatz" / "prog.s", "--model", "openai:test"),
                *("--base-url", server.url, "--best-of", "2", "--iterations", "1", "--out", out),
            ],
            ready=lambda: server.completion_requests,
            what="a model call",
            to_group=False,
            env=env,
        )
        assert stop.returncode == 130, stop.stderr
        assert f"agent run --resume {out}" in stop.stderr and "Traceback" not in stop.stderr
        assert not (out / "report.json").exists() and not list(out.glob("proposals/*.json"))
        release.set()
        done = subprocess.run(
            [sys.executable, "-m", "agent", "run", "--resume", str(out)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["correct"] and report["speedup_ci"][0] > 1.0
