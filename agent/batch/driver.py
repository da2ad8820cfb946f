"""`run_batch`: plan, hand the tasks left to an executor (local or Ray), record
each finished task, write the summary."""

from __future__ import annotations

import asyncio
import time

from agent.batch.local import run_local
from agent.batch.plan import BatchOptions, Plan, plan, save_plan, summary_meta
from agent.batch.progress import NullProgress
from agent.batch.results import RESULTS, ResultsLog
from agent.batch.summary import write_summary
from agent.models import Budget
from agent.stopping import Stopped
from tools.errors import BadInput


class Recorder:
    """Where finished tasks go: results.jsonl (one fsync'd write each), the
    running summary (rewritten at most every few seconds: a batch may have
    thousands of tasks) and the progress display."""

    def __init__(self, p: Plan, progress, every_s: float = 5.0):
        self.plan = p
        self.log = ResultsLog(p.out / RESULTS)
        self.progress = progress
        self.lines = list(p.lines)
        self.recorded = {x["task"] for x in p.lines}
        self.every_s = every_s
        self._written = 0.0

    def __call__(self, line: dict) -> None:
        if line["task"] in self.recorded:  # never twice (a Ray retry, say)
            return
        self.recorded.add(line["task"])
        self.log.append(line)
        self.lines.append(line)
        if time.monotonic() - self._written >= self.every_s or len(self.lines) < 100:
            write_summary(self.plan.out, summary_meta(self.plan), plot=False, lines=self.lines)
            self._written = time.monotonic()
        self.progress.task_done(line)

    def close(self) -> None:
        self.log.close()


def run_batch(opts: BatchOptions, progress=None) -> dict:
    """Plan, run what is left, write the summary; returns summary.json's content."""
    p = plan(opts)
    if opts.screen and p.todo:
        from agent.batch.screen import screen_jobs

        p.todo = screen_jobs(p.todo, opts.workers, p.config.sandbox)
    save_plan(p)
    progress = progress or NullProgress()
    budget = Budget(p.config.budget_usd)
    for line in p.lines:  # what finished tasks spent counts against the limit
        llm = line.get("llm") or {}
        budget.add(llm.get("input_tokens", 0), llm.get("output_tokens", 0), llm.get("cost_usd", 0))
    recorder = Recorder(p, progress)
    if p.todo and opts.executor == "local":
        # The graph's modules take seconds to load: loaded by the first task, they
        # would hold up the start of the others (and spend the batch budget).
        import agent.run  # noqa: F401
    if p.batch_budget is not None:
        p.deadline = time.time() + p.batch_budget
    progress.start(p, budget)
    stopped = None
    try:
        if p.todo:
            if opts.executor == "ray":
                from agent.batch.ray import run_ray

                stopped = run_ray(p, budget, recorder, opts.workers, opts.ray_address, progress)
            elif opts.executor == "local":
                stopped = asyncio.run(run_local(p, budget, recorder, opts.workers, progress))
            else:
                raise BadInput(f"unknown executor {opts.executor!r} (use local or ray)")
    except (Stopped, KeyboardInterrupt):  # Ctrl-C: what finished is kept, the rest resumes
        p.request["stopped"] = "interrupted"
        save_plan(p)
        write_summary(p.out, summary_meta(p), plot=False, lines=recorder.lines)
        raise
    finally:
        recorder.close()
        progress.stop()
    p.request["stopped"] = stopped
    save_plan(p)
    summary = write_summary(p.out, summary_meta(p))
    if opts.export_trajectories:
        from agent.batch.reward import export_trajectories

        summary["trajectories"] = export_trajectories(p.out, opts.export_trajectories)
    return summary
