"""A run folder as the TUI sees it: its files, its events, and a way to run it.

The TUI never reaches into the graph: it reads the run folder's files
(`run.json`, `events.jsonl`, `candidates/`, `reports/`), runs the agent with
`agent.run.execute`, and steers it through `RunContext.add_hint` and
`RunContext.set_paused`. The context is made when the run starts, or for an
opened folder when it is first needed (resume, hint, pause).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from agent import events as ev
from tools.errors import BadInput

Runner = Callable[[Any, bool, Callable[[ev.Event], None]], Awaitable[dict]]


async def _execute(ctx, resume: bool, on_event: Callable[[ev.Event], None]) -> dict:
    from agent.run import execute

    # The app owns SIGINT (tui/app.py): the run must not take it over.
    return await execute(
        ctx,
        resume=resume,
        on_event=on_event,
        resume_command=f"agent tui --open {ctx.run_dir}",
        handle_sigint=False,
    )


class RunSession:
    def __init__(
        self, run_dir: Path, ctx=None, runner: Runner = _execute, time_budget: float | None = None
    ):
        self.run_dir = Path(run_dir)
        self.ctx = ctx
        self._runner = runner
        self._baseline: str | None = None
        self._time_budget = time_budget  # replaces the saved one when the run resumes

    # -- making one --------------------------------------------------------------

    @classmethod
    def start(
        cls,
        program: Path | None,
        tests_dir: Path | None = None,
        source: Path | None = None,
        out: Path | None = None,
        verbose: bool = False,
        sandbox_mode: str | None = None,
        **cli_values,
    ) -> RunSession:
        """A new run, with the options of `agent run` (same checks, same run folder);
        `cli_values` are RunConfig fields (None: not given)."""
        from agent.config import from_options
        from agent.run import shape_from_options, start_run

        if program is None:
            raise click.UsageError("give PROGRAM.s, or --open RUN_DIR")
        shape = shape_from_options(cli_values)  # --args, --others, ...
        config, _ = from_options({**cli_values, "sandbox_mode": sandbox_mode}, verbose)
        ctx = start_run(program, tests_dir, source, config, out, "agent tui --open", shape)
        return cls(ctx.run_dir, ctx)

    @classmethod
    def open(cls, run_dir: Path, time_budget: float | None = None) -> RunSession:
        """An existing run folder, finished or interrupted; `time_budget`, if
        given, is what a resumption may spend (counted from when it starts)."""
        if not (run_dir / "run.json").is_file() and not (run_dir / "events.jsonl").is_file():
            raise BadInput(f"{run_dir} is not a run folder (no run.json, no events.jsonl)")
        return cls(run_dir, time_budget=time_budget)

    # -- its files ---------------------------------------------------------------

    def events(self) -> list[ev.Event]:
        path = self.run_dir / "events.jsonl"
        return ev.read_events(path) if path.is_file() else []

    @property
    def resumable(self) -> bool:
        return self.ctx is not None or (self.run_dir / "run.json").is_file()

    def baseline_asm(self) -> str:
        if self._baseline is None:
            if self.ctx is not None:
                self._baseline = self.ctx.task.asm
            else:
                self._baseline = _read(Path(self._request().get("asm") or "/nonexistent")) or ""
        return self._baseline

    def read_candidate(self, rel: str | None) -> str | None:
        return _read(self.run_dir / rel) if rel else None

    def read_report(self, rel: str | None) -> dict | None:
        text = _read(self.run_dir / rel) if rel else None
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None

    def _request(self) -> dict:
        try:
            return json.loads((self.run_dir / "run.json").read_text())
        except (OSError, json.JSONDecodeError):
            return {}

    # -- running and steering -----------------------------------------------------

    def context(self):
        """The run's context, made from `run.json` the first time (BadInput if it cannot be)."""
        if self.ctx is None:
            from agent.run import load_request, make_context

            task, config = load_request(self.run_dir)
            if self._time_budget is not None:
                config = dataclasses.replace(config, time_budget=self._time_budget)
            self.ctx = make_context(task, config, self.run_dir)
        return self.ctx

    async def run(self, resume: bool, on_event: Callable[[ev.Event], None]) -> dict:
        ctx = self.context()
        return await self._runner(ctx, resume, on_event)

    def add_hint(self, branch: int, text: str) -> None:
        self.context().add_hint(branch, text)

    def set_paused(self, branch: int, paused: bool) -> None:
        self.context().set_paused(branch, paused)

    def accept(self, branch: int, iteration: int, rel: str, summary: dict) -> Path:
        """Make a candidate the run's answer: `best.s`, `best.diff` and `accepted.json`."""
        from tools.asm import unified_diff

        asm = self.read_candidate(rel)
        if asm is None:
            raise BadInput(f"{rel} is missing from {self.run_dir}")
        best = self.run_dir / "best.s"
        _write(best, asm)
        _write(
            self.run_dir / "best.diff",
            unified_diff(self.baseline_asm(), asm, "baseline.s", "best.s"),
        )
        record = {"branch": branch, "iteration": iteration, "path": rel, **summary}
        _write(self.run_dir / "accepted.json", json.dumps(record, indent=2) + "\n")
        return best


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
