"""`agent batch`'s progress display, rendered into a recording rich console with
a fixed plan, a fixed clock and no background refresh: what it shows after each
step is a text snapshot (tests/__snapshots__/test_batch_progress.ambr; update
with `pytest tests/test_batch_progress.py --snapshot-update` and read the diff).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from agent.batch import BatchProgress, Job, Plan
from agent.config import RunConfig
from agent.models import Budget

PRINTED = re.compile(r"\[\d/5\] [^\n]*")  # a finished task's line


def _console(terminal: bool = True) -> Console:
    return Console(
        file=io.StringIO(), record=True, width=100, force_terminal=terminal, color_system=None
    )


def _line(task: str, speedup: float | None, *, correct: bool, faster: bool, seconds: float) -> dict:
    return {
        "task": task,
        "status": "done",
        "model_correct": correct,
        "speedup": speedup,
        "speedup_ci": [speedup * 0.98, speedup * 1.02] if faster else None,
        "verified": faster,
        "best": {"source": "b0-i1" if faster else "baseline"},
        "candidates": {"proposed": 3, "assembled": 3 if correct else 1},
        "llm": {"calls": 3, "cost_usd": 0.004},
        "seconds": seconds,
    }


def _plan(batch_budget: float | None) -> Plan:
    jobs = [Job(name=name, slug=name, kind="folder") for name in ("a", "b", "c", "d", "e")]
    done = [_line("a", 1.5, correct=True, faster=True, seconds=50)]  # before a resume
    return Plan(
        out=Path("runs/demo"),
        config=RunConfig(model="openai:test", best_of=2, iterations=3),
        kind="folder",
        mode=None,
        word="each task folder's own .s",
        jobs=jobs,
        todo=jobs[1:],
        lines=done,
        request={},
        batch_budget=batch_budget,
    )


def _frame(shown: BatchProgress) -> str:
    frame = _console()
    frame.print(shown)
    return frame.export_text().rstrip()


def _session(console: Console) -> list[str]:
    """Start, two tasks running, then one done and one failed, 60 s and 30 s
    apart; the frame after each step."""
    now = [1000.0]
    budget = Budget(None)
    shown = BatchProgress(console, clock=lambda: now[0], live=False)
    shown.start(_plan(batch_budget=600), budget)
    frames = [_frame(shown)]
    shown.task_started("b")
    shown.task_started("c")
    frames.append(_frame(shown))
    now[0] += 60
    budget.add(1000, 500, 0.012)
    shown.task_done(_line("b", 1.0, correct=False, faster=False, seconds=60))
    frames.append(_frame(shown))
    now[0] += 30
    shown.task_done({"task": "c", "status": "error", "error": "the baseline fails t1"})
    frames.append(_frame(shown))
    shown.stop()
    return frames


def test_the_bar_shows_done_total_eta_geomean_correct_rate_and_budget_left(snapshot):
    console = _console()
    frames = _session(console)
    last = frames[-1]
    assert "3/5" in last  # a (before the resume), b, c of five
    assert "ETA 0:01:30" in last  # two tasks in 90 s this session, two left
    assert "correct 1/2 (50%)" in last and "faster 1" in last
    assert "geomean 1.225x" in last  # sqrt(1.5 * 1.0); the failed task is in no figure
    assert "mean clamped 1.250x" in last and "errors 1" in last
    assert "$0.0120" in last and "0:08:30 left" in last
    assert "ETA -:--:--" in frames[0] and "2 running" in frames[1]
    # Each printed line lands above the live display (which the terminal redraws).
    printed = PRINTED.findall(console.export_text())
    assert printed == [
        "[2/5] b: no correct candidate: 1.000x (60 s)",
        "[3/5] c: error: the baseline fails t1",
    ]
    assert "\n\n".join(frames) + "\n\nprinted:\n" + "\n".join(printed) == snapshot


def test_without_a_terminal_only_the_lines_are_printed():
    console = _console(terminal=False)
    _session(console)
    text = console.export_text()
    assert "\x1b" not in text and "ETA" not in text and "━" not in text
    assert text.splitlines()[1:] == [
        "[2/5] b: no correct candidate: 1.000x (60 s)",
        "[3/5] c: error: the baseline fails t1",
    ]
