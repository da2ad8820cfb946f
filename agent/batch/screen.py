"""`agent batch --screen`: leave out dataset records whose C program shows
undefined behaviour, before any model call is spent on them.

Why: a record's expected outputs come from one run of its program; if that
program reads uninitialised memory or overflows a signed integer, no candidate
can be judged against them (the original itself may print something else
tomorrow). `tools.screen` runs it under valgrind memcheck and an ASan+UBSan
build on each of the record's inputs, in the sandbox. Off by default: memcheck
costs tens of times the program's run time. Task folders are not screened here:
`agent suite build` screens the programs it keeps.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

from agent.batch.jobs import Job
from tools.sandbox import Sandbox, SandboxError
from tools.screen import check_tools, screen

PREFIX = "left out by --screen: "


def screen_job(job: Job, sandbox_mode: str = "bwrap") -> Job:
    """The job, or a copy whose `error` says why its program was left out."""
    task = job.task
    if job.kind != "record" or job.error or task is None or not (task.source or "").strip():
        return job
    inputs = [(test.name, test.input) for test in task.tests]
    try:
        reason = screen(task.source, inputs, Sandbox(task.limits, sandbox_mode), task.link_flags)
    except (SandboxError, OSError) as exc:
        reason = f"could not be screened ({exc})"
    return dataclasses.replace(job, error=PREFIX + reason) if reason else job


def screen_jobs(jobs: list[Job], workers: int = 1, sandbox_mode: str = "bwrap") -> list[Job]:
    """Every job screened (`workers` at a time), in the same order."""
    check_tools()
    with ThreadPoolExecutor(max(1, workers)) as pool:
        return list(pool.map(lambda job: screen_job(job, sandbox_mode), jobs))
