"""The run's outputs: the winner is timed again before anything is written, and
a winner that the fresh timing does not confirm is not reported faster."""

from __future__ import annotations

import json
from dataclasses import replace

from agent.config import RunConfig
from agent.context import RunContext
from agent.models import Budget
from agent.render import time_line
from agent.report import write_outputs
from agent.run import eval_options
from tests.conftest import EXAMPLES, needs_sandbox
from tools.asm import with_extra_work
from tools.sandbox import Sandbox
from tools.task import load_task
from tools.timing import TimingOptions

pytestmark = needs_sandbox


def context(tmp_path) -> RunContext:
    task = load_task(EXAMPLES / "collatz" / "prog.s")
    cfg = RunConfig()
    options = replace(eval_options(cfg), confirm=TimingOptions.precise(max_pairs=10))
    return RunContext(task, cfg, Sandbox(task.limits), None, Budget(), tmp_path, options)


def test_an_unconfirmed_winner_leaves_the_baseline(tmp_path):
    """Screening said faster (as written in the state), but the candidate is in
    truth clearly slower: timed afresh, it is not confirmed, and the baseline is
    what the run delivers, with the reason."""
    ctx = context(tmp_path)
    slow = with_extra_work(ctx.task.asm, 400_000_000)
    (tmp_path / "candidates").mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "candidates" / "b0-i1.s").write_text(slow)
    screening = {"speedup": 1.3, "speedup_ci": [1.1, 1.5], "timing": {"decision": "faster"}}
    (tmp_path / "reports" / "b0-i1.json").write_text(
        json.dumps({**screening, "seconds": {"timing": 2.0}})
    )
    winner = {
        "path": "candidates/b0-i1.s",
        "report": "reports/b0-i1.json",
        "speedup": 1.3,
        "ci": [1.1, 1.5],
        "verified": True,
        "iteration": 1,
        "branch": 0,
    }
    result = {"branch": 0, "iterations": 1, "best": winner, "reason": "iterations"}
    report = write_outputs(ctx, {"winner": winner, "results": [result]})
    assert report["best"]["source"] == "baseline"
    assert (tmp_path / "best.s").read_text() == ctx.task.asm
    assert report["speedup"] == 1.0 and not report["faster"]
    assert report["confirmation"]["speedup_ci"][1] < 1.0
    assert "does not lie above 1.0" in report["unconfirmed"]["reason"]
    assert report["screening"]["speedup"] == 1.3
    assert report["seconds"]["timing"] == 2.0 and report["seconds"]["confirm"] > 0


def test_the_time_line_names_the_largest_phase_first():
    line = time_line({"build": 1.0, "timing": 9.5, "differential": 4.0, "wall": 12.0})
    assert line.startswith("time: 12 s wall; timing 9.5 s, differential 4.0 s, build 1.0 s")
