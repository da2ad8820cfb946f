"""`agent batch --executor ray`: the same batch on a Ray cluster.

One Ray task per program runs the program's whole graph (baseline, every
candidate, every timing) on one node, so a program's baseline and candidates
are always timed on the same machine. Each Ray task asks for one `bench_slot`,
a custom resource that every node declares (`ray start --resources
'{"bench_slot": 1}'`): a node with one slot runs one program at a time, so at
most one timing job runs there; a node declaring more slots runs that many
programs at once and our machine-wide timing lock (tools/timing.py) still lets
only one of them time at a time.

Files: the driver prepares each task's folder under --out (the baseline is
rebuilt there, with the driver's gcc, so every node times the same baseline).
A worker that sees the batch folder (a shared filesystem: it can read the
batch's random token) works in place, so checkpoints survive a dead driver;
one that does not gets the task folder shipped as a tar archive, works in a
scratch folder and ships the whole run folder back. Result lines stream back
to the driver as tasks finish and go into the same results.jsonl.

The money budget (`--budget-usd`) lives in a small Ray actor that every
task's spend is charged to; once spent, no new model call starts anywhere.
The time budget (`--batch-budget`) is a wall-clock deadline: a task that
reaches a node after it does not start (it is left for `--resume`).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import shutil
import tarfile
import tempfile
import time
from collections import deque
from pathlib import Path

from agent.batch.jobs import Job
from agent.batch.plan import Plan
from agent.batch.program import error_line, past, run_program
from agent.batch.rundir import prepare_run_dir
from agent.config import RunConfig
from agent.models import Budget
from tools.errors import BadInput

RESOURCE = "bench_slot"
FORWARDED_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")
TOKEN = ".batch-token"  # in the batch folder: see make_token


def make_token(out: Path) -> str:
    """A random token in the batch folder: a Ray worker that can read it shares
    our filesystem and works in place; one that cannot gets the files shipped."""
    path = out / TOKEN
    if path.exists():
        return path.read_text().strip()
    token = os.urandom(16).hex()
    path.write_text(token)
    return token


def pack(folder: Path) -> bytes:
    """A run folder as a gzipped tar (in memory)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=3) as tar:
        tar.add(folder, arcname=".")
    return buffer.getvalue()


def unpack(data: bytes, folder: Path) -> None:
    """Replace `folder` with the archive's content (extracted beside it first)."""
    tmp = folder.with_name(folder.name + ".incoming")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(tmp, filter="data")
    if folder.exists():
        old = folder.with_name(folder.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old)
    else:
        tmp.rename(folder)


class BudgetActor:
    """The batch's spend, shared by every Ray task."""

    def __init__(self, limit_usd: float | None, spent_usd: float):
        self.limit_usd = limit_usd
        self.spent_usd = spent_usd

    def add(self, cost: float) -> None:
        self.spent_usd += cost

    def state(self) -> tuple[float, bool]:
        exhausted = self.limit_usd is not None and self.spent_usd >= self.limit_usd
        return self.spent_usd, exhausted


class RemoteBudget:
    """A worker's view of the batch budget (a `TaskBudget.parent`)."""

    def __init__(self, actor):
        self.actor = actor
        self._checked = 0.0
        self._exhausted = False

    @property
    def exhausted(self) -> bool:
        import ray

        if time.monotonic() - self._checked > 1.0:
            self._exhausted = ray.get(self.actor.state.remote())[1]
            self._checked = time.monotonic()
        return self._exhausted

    def add(self, input_tokens: int, output_tokens: int, cost: float) -> None:
        self.actor.add.remote(cost)
        self._checked = 0.0


def remote_program(
    job: Job,
    config: RunConfig,
    run_dir: str,
    mode: str | None,
    token: str,
    archive: bytes | None,
    budget_actor,
    deadline: float | None = None,
) -> dict:
    """The body of one Ray task: run one program on this node."""
    import ray

    run_path = Path(run_dir)
    shared = False
    with contextlib.suppress(OSError):
        shared = (run_path.parent / TOKEN).read_text().strip() == token
    budget = RemoteBudget(budget_actor) if budget_actor is not None else None
    if budget is not None and budget.exhausted:
        return {"skipped": "budget", "task": job.name}
    if past(deadline):
        return {"skipped": "batch budget", "task": job.name}
    node = ray.util.get_node_ip_address()
    if shared:
        line = asyncio.run(run_program(job, config, run_path, mode, budget, deadline=deadline))
        return {"line": {**line, "node": node}, "archive": None}
    if archive is None:
        return {"need_archive": True}
    scratch = Path(tempfile.mkdtemp(prefix="asm-superopt-ray-"))
    try:
        work = scratch / run_path.name
        unpack(archive, work)
        line = asyncio.run(run_program(job, config, work, mode, budget, deadline=deadline))
        return {"line": {**line, "node": node}, "archive": pack(work)}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def connect(address: str | None) -> None:
    """Join the cluster at `address` (or RAY_ADDRESS), or start a local Ray with
    one bench slot; reuse a Ray that this process already started."""
    import ray

    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, logging_level=logging.WARNING)
    else:
        ray.init(resources={RESOURCE: 1}, logging_level=logging.WARNING, include_dashboard=False)


def run_ray(
    p: Plan, budget: Budget, record, workers: int, address: str | None, progress
) -> str | None:
    """Run the plan's remaining programs as Ray tasks; lines go to `record` as
    they finish. Returns why it stopped early, or None."""
    try:
        import ray
    except ImportError:
        raise BadInput("--executor ray needs Ray: pip install 'asm-superopt[ray]'") from None
    connect(address)
    slots = ray.cluster_resources().get(RESOURCE, 0)
    if slots < 1:
        raise BadInput(
            f"no node of the Ray cluster declares the {RESOURCE} resource: start each node with "
            f"ray start ... --resources='{{\"{RESOURCE}\": 1}}'"
        )
    token = make_token(p.out)
    if os.environ.get("AGENT_RAY_SHIP_FILES") == "1":  # act as if no worker shared our disk
        token = "ship"
    env = {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
    options: dict = {"num_cpus": 1, "resources": {RESOURCE: 1}, "max_retries": 1}
    if env:
        options["runtime_env"] = {"env_vars": env}
    task_fn = ray.remote(remote_program).options(**options)
    actor = None
    if budget.limit_usd is not None:
        actor = (
            ray.remote(BudgetActor).options(num_cpus=0).remote(budget.limit_usd, budget.spent_usd)
        )
    in_flight_cap = max(workers, int(slots) * 2)
    pending: dict = {}
    queue = deque(p.todo)
    stopped = None

    def submit(job: Job, archive: bytes | None = None) -> None:
        run_dir = p.out / job.slug
        if archive is None:
            try:
                prepare_run_dir(job, p.config, run_dir, p.mode)
            except BadInput as exc:
                record(error_line(job, run_dir, str(exc)))
                return
            except Exception as exc:
                record(error_line(job, run_dir, f"{type(exc).__name__}: {exc}"))
                return
            if token == "ship":
                archive = pack(run_dir)
        where = str(run_dir.resolve())
        ref = task_fn.remote(job, p.config, where, p.mode, token, archive, actor, p.deadline)
        pending[ref] = job
        progress.task_started(job.name)

    def budget_spent() -> bool:
        if actor is None:
            return False
        spent, exhausted = ray.get(actor.state.remote())
        budget.spent_usd = spent
        return exhausted

    while queue or pending:
        while queue and len(pending) < in_flight_cap:
            why = "budget" if budget_spent() else "batch budget" if past(p.deadline) else None
            if why:
                stopped = why
                queue.clear()
                break
            submit(queue.popleft())
        if not pending:
            break
        try:
            ready, _ = ray.wait(list(pending), num_returns=1)
        except KeyboardInterrupt:  # Ctrl-C: end the tasks in flight, leave them for --resume
            for ref in pending:
                ray.cancel(ref, force=True)  # kills the worker; bwrap dies with its parent
            raise
        for ref in ready:
            job = pending.pop(ref)
            run_dir = p.out / job.slug
            try:
                answer = ray.get(ref)
            except Exception as exc:  # the worker died, or Ray failed
                record(error_line(job, run_dir, f"ray: {type(exc).__name__}: {exc}"[:2000]))
                continue
            if answer.get("skipped"):
                stopped = answer["skipped"]
                continue
            if answer.get("need_archive"):  # that node does not see our disk: ship the files
                submit(job, pack(run_dir))
                continue
            if answer.get("archive"):
                unpack(answer["archive"], run_dir)
            line = answer["line"]
            if actor is None:  # keep the driver's count (shown in the progress) in step
                llm = line.get("llm") or {}
                budget.add(
                    llm.get("input_tokens", 0), llm.get("output_tokens", 0), llm.get("cost_usd", 0)
                )
            else:
                budget.spent_usd = ray.get(actor.state.remote())[0]
            record(line)
    return stopped
