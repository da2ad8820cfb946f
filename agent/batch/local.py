"""`agent batch --executor local`: up to W programs at once in this process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from agent.batch.jobs import Job
from agent.batch.plan import Plan
from agent.batch.program import past, run_program
from agent.models import Budget
from agent.stopping import first_sigint_stops


async def run_local(
    p: Plan, budget: Budget, record: Callable[[dict], None], workers: int, progress
) -> str | None:
    """Up to `workers` programs at once in this process (asyncio tasks in one
    loop; timing is serialised machine-wide by a file lock). Once the money or
    the batch's time (`p.deadline`) is spent no new task starts; those left are
    not recorded, for `--resume`. Returns why it stopped early, or None."""
    loop = asyncio.get_running_loop()
    # Evaluations run in threads: room for every branch of every running task.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers * (p.config.best_of + 2) + 4))
    gate = asyncio.Semaphore(workers)
    stopped: list[str] = []

    async def one(job: Job) -> None:
        async with gate:
            if budget.exhausted:
                stopped.append("budget")
                return
            if past(p.deadline):
                stopped.append("batch budget")
                return
            progress.task_started(job.name)
            on_event = progress.event_for(job.name)
            run_dir = p.out / job.slug
            line = await run_program(job, p.config, run_dir, p.mode, budget, on_event, p.deadline)
            record(line)

    with first_sigint_stops(progress.interrupted):  # raises Stopped: tasks in flight not recorded
        await asyncio.gather(*(one(job) for job in p.todo))
    return stopped[0] if stopped else None
