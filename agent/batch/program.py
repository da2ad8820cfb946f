"""One program of a batch: run (or resume) it and turn the outcome into its
results.jsonl line; a task's spend is also charged to the batch's budget.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.batch.jobs import Job
from agent.batch.rundir import (
    TASK_META,
    candidate_stats,
    has_checkpoint,
    load_prepared,
    prepare_run_dir,
    usage_from_proposals,
)
from agent.config import RunConfig
from agent.models import Budget
from tools.errors import BadInput


@dataclass
class TaskBudget(Budget):
    """One task's spend (its report's `llm`), also charged to the batch's budget
    (`parent`: a `Budget`, or on Ray a proxy of the driver's) whose limit stops
    new calls in every task."""

    parent: object | None = None

    @property
    def exhausted(self) -> bool:
        own = self.limit_usd is not None and self.spent_usd >= self.limit_usd
        return own or bool(self.parent is not None and self.parent.exhausted)

    def add(self, input_tokens: int, output_tokens: int, cost: float) -> None:
        super().add(input_tokens, output_tokens, cost)
        if self.parent is not None:
            self.parent.add(input_tokens, output_tokens, cost)

    def seed(self, usage: dict) -> None:
        """Count calls made before a resume (read back from the run folder)."""
        with self._lock:
            self.calls += usage["calls"]
            self.input_tokens += usage["input_tokens"]
            self.output_tokens += usage["output_tokens"]
            self.spent_usd += usage["cost_usd"]
        if self.parent is not None and usage["calls"]:
            self.parent.add(usage["input_tokens"], usage["output_tokens"], usage["cost_usd"])


def error_line(job: Job, run_dir: Path, message: str) -> dict:
    """The line of a task that could not run: the report's fields, neutral, so
    every line has the same keys; `error` says what went wrong."""
    message = message[:2000]
    line = {
        "task": job.name,
        "status": "error",
        "error": message,
        "correct": False,
        "assembled": False,
        "tests": {"passed": 0, "total": 0},
        "speedup": None,
        "speedup_ci": None,
        "faster": False,
        "errors": [{"line": None, "text": "", "message": message}],
        "hot_lines": [],
        "verified": False,
        "differential": {"inputs": 0, "mismatches": 0, "counterexample": None},
        "branches": [],
        "iterations": 0,
        "llm": usage_from_proposals(run_dir),
        "run_dir": job.slug,
        "model_correct": False,
        "best_candidate_speedup": None,
    }
    meta = run_dir / TASK_META
    if meta.exists():
        line["baseline"] = {"origin": json.loads(meta.read_text())["baseline"]}
    return line


def past(deadline: float | None) -> bool:
    """Has the batch budget's deadline (wall clock, so that Ray nodes agree) passed?"""
    return deadline is not None and time.time() >= deadline


def capped(config: RunConfig, deadline: float | None) -> RunConfig:
    """A starting task's configuration: its time budget cut to what is left of
    the batch's, so it ends with its best so far when the batch budget does."""
    if deadline is None:
        return config
    left = round(max(deadline - time.time(), 1.0), 3)  # it has started: give it a moment
    if config.time_budget is not None and config.time_budget <= left:
        return config
    return dataclasses.replace(config, time_budget=left)


async def run_program(
    job: Job,
    config: RunConfig,
    run_dir: Path,
    mode: str | None,
    parent_budget=None,
    on_event: Callable = lambda e: None,
    deadline: float | None = None,
) -> dict:
    """Run (or resume) one program; returns its results.jsonl line. Never raises
    for a failing task (its line says `error`); cancellation passes through.
    The run folder keeps the batch's configuration; the run itself gets its
    time budget capped by the batch's `deadline`."""
    from agent.run import execute, make_context

    started = time.monotonic()
    try:
        await asyncio.to_thread(prepare_run_dir, job, config, run_dir, mode)
        task = load_prepared(run_dir)
        resume = has_checkpoint(run_dir)
        budget = TaskBudget(limit_usd=None, parent=parent_budget)
        budget.seed(usage_from_proposals(run_dir))
        ctx = make_context(task, capped(config, deadline), run_dir, budget=budget)
        report = await execute(
            ctx,
            resume=resume,
            on_event=on_event,
            resume_command=f"agent batch --resume --out {run_dir.parent}",
            handle_sigint=False,  # the batch owns SIGINT (agent.batch.local)
        )
    except asyncio.CancelledError:
        raise
    except BadInput as exc:
        return error_line(job, run_dir, str(exc))
    except Exception as exc:
        if run_dir.is_dir():
            with (run_dir / "errors.log").open("a") as log:
                log.write(traceback.format_exc() + "\n")
        return error_line(job, run_dir, f"{type(exc).__name__}: {exc}")
    stats, best = candidate_stats(run_dir)
    line = {"task": job.name, "status": "done"}
    line.update({k: v for k, v in report.items() if k != "task"})
    line.update(
        run_dir=job.slug,
        llm=usage_from_proposals(run_dir),
        candidates=stats,
        model_correct=stats["correct"] > 0,
        best_candidate_speedup=best,
        seconds=round(time.monotonic() - started, 1),
        resumed=resume,
    )
    return line
