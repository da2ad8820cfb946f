"""Start, resume and stream one agent run.

A run folder holds everything: `run.json` (what was asked, so `--resume`
needs nothing else), `checkpoints.sqlite` (LangGraph's async SQLite saver,
written synchronously at every step, so a kill loses only the steps in
flight), `events.jsonl`, every proposal, candidate and report, and at the end
`best.s`, `best.diff` and `report.json`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent import events as ev
from agent.config import RunConfig
from agent.context import RunContext
from agent.graph import build_graph
from agent.models import Budget, make_proposer
from agent.stopping import Stopped, first_sigint_stops
from tools import interrupt
from tools.errors import BadInput
from tools.evaluate import EvalOptions
from tools.sandbox import Sandbox
from tools.task import Task, load_task
from tools.timing import TimingOptions


def default_run_dir(task_name: str) -> Path:
    return Path("runs") / f"{task_name}-{time.strftime('%Y%m%d-%H%M%S')}"


def eval_options(config: RunConfig) -> EvalOptions:
    return EvalOptions(
        timing=TimingOptions(max_seconds=config.timing_seconds, seed=config.seed),
        confirm=TimingOptions.precise(max_seconds=config.confirm_seconds, seed=config.seed),
        differential=config.differential,
    )


def make_context(
    task: Task, config: RunConfig, run_dir: Path, budget: Budget | None = None
) -> RunContext:
    """Everything a run needs. `budget` is shared when given (a batch gives its
    tasks one spend, see agent/batch/program.py); otherwise the run gets its own."""
    sandbox = Sandbox(task.limits, config.sandbox)
    budget = budget if budget is not None else Budget(config.budget_usd)
    holder: dict = {}
    proposer = make_proposer(config, budget, lambda: _profile_text(holder["ctx"]))
    if task.function:  # `--function NAME`: the work is restricted to it (agent/focus.py)
        from agent.focus import FocusedProposer, check

        check(task.asm, task.function)
        proposer = FocusedProposer(proposer, task.function)
    ctx = RunContext(task, config, sandbox, proposer, budget, run_dir, eval_options(config))
    holder["ctx"] = ctx
    return ctx


def _profile_text(ctx: RunContext) -> str:
    """The baseline's profile for prompts (numbered as the focus view shows it)."""
    if ctx.task.function:
        from agent.focus import profile_text

        return profile_text(ctx)
    return ctx.baseline_profile_text()


def shape_from_options(options: dict) -> dict:
    """Take the program-shape options (`shape_KEY`, the task.toml keys given on
    the command line: --args, --others, ...) out of `options`; paths made
    absolute, so a resumed run finds them from any folder."""
    shape = {}
    for name in [k for k in options if k.startswith("shape_")]:
        value = options.pop(name)
        if value is None or value == ():
            continue
        key = name.removeprefix("shape_")
        if key == "others":
            value = [str(Path(v).absolute()) for v in value]
        shape[key] = list(value) if isinstance(value, tuple) else value
    return shape


def start_run(
    program: Path,
    tests: Path | None,
    source: Path | None,
    config: RunConfig,
    out: Path | None,
    resume_hint: str,
    shape: dict | None = None,
) -> RunContext:
    """A new run folder for PROGRAM: checked (model, keys, and that the baseline
    builds and passes its tests) before any file is written. `shape`: task.toml
    keys given on the command line (`shape_from_options`)."""
    task = load_task(program, tests, source, shape)
    run_dir = out or default_run_dir(task.name)
    if (run_dir / "run.json").exists():
        raise BadInput(
            f"{run_dir} already holds a run: use {resume_hint} {run_dir} or another --out"
        )
    ctx = make_context(task, config, run_dir)
    ctx.baseline()  # bad input (no libm, failing tests) stops here, with nothing written
    save_request(run_dir, program, tests, source, config, shape)
    return ctx


def save_request(
    run_dir: Path,
    asm: Path,
    tests: Path | None,
    source: Path | None,
    config: RunConfig,
    shape: dict | None = None,
) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    request = {
        "asm": str(asm.resolve()),
        "tests": str(tests.resolve()) if tests else None,
        "source": str(source.resolve()) if source else None,
        "config": asdict(config),
        "shape": shape or {},
    }
    (run_dir / "run.json").write_text(json.dumps(request, indent=2))


def load_request(run_dir: Path) -> tuple[Task, RunConfig]:
    """What a run folder was asked to do, for `--resume`."""
    path = run_dir / "run.json"
    if not path.is_file():
        raise BadInput(f"{run_dir} is not a run folder (no run.json)")
    request = json.loads(path.read_text())
    task = load_task(
        Path(request["asm"]),
        Path(request["tests"]) if request["tests"] else None,
        Path(request["source"]) if request["source"] else None,
        request.get("shape") or None,
    )
    return task, RunConfig(**request["config"])


async def execute(
    ctx: RunContext,
    resume: bool = False,
    on_event: Callable[[ev.Event], None] = lambda e: None,
    resume_command: str = "",
    handle_sigint: bool = True,
) -> dict:
    """Run (or resume) the graph, streaming typed events; returns report.json's
    content. The first SIGINT stops it within seconds (`agent.stopping`),
    raising `Stopped` after a `RunInterrupted` event that names
    `resume_command`; the TUI and batch, which own SIGINT, pass
    `handle_sigint=False`."""
    log = ev.EventLog(ctx.run_dir / "events.jsonl")

    def publish(event: ev.Event) -> None:
        log.write(event)
        on_event(event)

    c = ctx.config
    publish(
        ev.RunStarted(
            task=ctx.task.name,
            model=ctx.proposer.name,
            best_of=c.best_of,
            iterations=c.iterations,
            out=str(ctx.run_dir),
            resumed=resume,
        )
    )
    run_config = {
        "configurable": {"thread_id": "run"},
        "max_concurrency": c.max_concurrency,
        "recursion_limit": 4 * c.iterations + 25,
    }
    try:
        with first_sigint_stops() if handle_sigint else contextlib.nullcontext():
            await _stream(ctx, resume, run_config, publish)
    except (asyncio.CancelledError, Stopped):
        if interrupt.stopping():  # a Ctrl-C, here or in a batch holding this run
            resume_command = resume_command or f"agent run --resume {ctx.run_dir}"
            killed = interrupt.killed()
            publish(ev.RunInterrupted(signal="SIGINT", killed=killed, resume=resume_command))
            _log_debris(ctx.run_dir)
        raise
    finally:
        log.close()
    return json.loads((ctx.run_dir / "report.json").read_text())


class LoopErrorLog:
    """An event loop's exception handler that writes to runs' errors.log: the
    graph's background tasks cut short by a stop (a checkpoint write whose
    connection is closed) fail when the loop cancels them on the way out, and
    their tracebacks belong in the log, not over the terminal or the TUI's
    screen. What finished is already on disk."""

    def __init__(self, *run_dirs: Path) -> None:
        self.run_dirs = list(run_dirs)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        detail = "".join(traceback.format_exception(exc)) if exc else ""
        for run_dir in self.run_dirs:
            with contextlib.suppress(OSError), (run_dir / "errors.log").open("a") as log:
                log.write(f"after the stop: {context.get('message', 'error')}\n{detail}\n")


def _log_debris(run_dir: Path) -> None:
    """Send the loop's leftover errors to this stopped run's log (beside the
    other runs of a batch sharing the loop; the TUI sets its own at start)."""
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()
    if handler is None:
        handler = LoopErrorLog()
        loop.set_exception_handler(handler)
    if isinstance(handler, LoopErrorLog) and run_dir not in handler.run_dirs:
        handler.run_dirs.append(run_dir)


async def _stream(ctx: RunContext, resume: bool, run_config: dict, publish) -> None:
    """Run the graph, publishing its events (a finished run only re-reads)."""
    async with AsyncSqliteSaver.from_conn_string(str(ctx.run_dir / "checkpoints.sqlite")) as saver:
        graph = build_graph(checkpointer=saver)
        if resume:
            state = await graph.aget_state(run_config)
            if not state.next and (ctx.run_dir / "report.json").exists():
                return
        stream = graph.astream(
            None if resume else {},
            run_config,
            context=ctx,
            stream_mode="custom",
            subgraphs=True,
            durability="sync",
        )
        async for _namespace, chunk in stream:
            event = ev.from_dict(chunk)
            if event is not None:
                publish(event)
