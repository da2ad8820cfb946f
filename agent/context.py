"""Everything a run's nodes share that must not live in graph state.

Graph state is checkpointed, so it holds only small summaries and paths. The
task, the sandbox, the proposer, the measured baseline (its binary) and the
run folder live here, rebuilt identically when a run is resumed.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from agent.config import RunConfig
from agent.models import Budget
from agent.proposer import Proposer
from tools.evaluate import Baseline, EvalOptions, prepare_baseline
from tools.sandbox import Sandbox
from tools.task import Task

RUN_PHASE = -1  # the key in `RunContext.phases` of what the run itself is doing


@dataclass
class RunContext:
    task: Task
    config: RunConfig
    sandbox: Sandbox
    proposer: Proposer
    budget: Budget
    run_dir: Path
    eval_options: EvalOptions
    hints: dict[int, list[str]] = field(default_factory=dict)  # human hints per branch
    paused: set[int] = field(default_factory=set)  # branches held before their next proposal
    phases: dict[int, tuple[str, float]] = field(default_factory=dict)  # branch: (phase, since)
    started: float = field(default_factory=time.monotonic)  # this process's start
    baseline_seconds: float = 0.0  # preparing the baseline
    _baseline: Baseline | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)  # hints and pauses
    _baseline_lock: threading.Lock = field(default_factory=threading.Lock)

    def baseline(self) -> Baseline:
        """The measured baseline, once per process (cheap to redo on resume:
        the build is cached, the tests take a second)."""
        with self._baseline_lock:
            if self._baseline is None:
                start = time.monotonic()
                self._baseline = prepare_baseline(self.task, self.sandbox)
                self.task = self._baseline.task  # expected outputs filled in, if any were missing
                self.baseline_seconds = round(time.monotonic() - start, 3)
            return self._baseline

    @property
    def deadline(self) -> float | None:
        """When the time budget ends (time.monotonic(); counted from this
        process's start, so a resume gets the budget it is given)."""
        budget = self.config.time_budget
        return None if budget is None else self.started + budget

    def time_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def eval_options_now(self) -> EvalOptions:
        """The options for judging a candidate now: its timing and differential
        checks end with the time budget (a candidate not shown faster by then
        is not a winner; one not fully checked is not `verified`)."""
        return replace(self.eval_options, deadline=self.deadline)

    def baseline_profile_text(self) -> str:
        base = self._baseline
        if base is None or base.profile is None:
            return ""
        prof = base.profile
        lines = [f"{f.percent:5.1f}%  {f.name} ({f.dso})" for f in prof.functions[:8]]
        lines += [f"{h.percent:5.1f}%  line {h.line}: {h.text}" for h in prof.hot_lines]
        return "\n".join(lines) or prof.message

    def set_phase(self, branch: int, phase: str) -> None:
        """What a branch is doing now (proposing, testing, timing, ...), for a live status."""
        self.phases[branch] = (phase, time.monotonic())

    def take_hints(self, branch: int) -> str:
        with self._lock:
            return "\n".join(self.hints.pop(branch, []))

    def add_hint(self, branch: int, text: str) -> None:
        with self._lock:
            self.hints.setdefault(branch, []).append(text)

    def set_paused(self, branch: int, paused: bool) -> None:
        """Hold a branch before its next proposal (TUI: human in the loop)."""
        with self._lock:
            (self.paused.add if paused else self.paused.discard)(branch)

    async def wait_while_paused(self, branch: int) -> None:
        while branch in self.paused:
            await asyncio.sleep(0.2)

    # -- files of the run folder ------------------------------------------------

    def path(self, kind: str, branch: int, iteration: int, suffix: str) -> Path:
        folder = self.run_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"b{branch}-i{iteration}{suffix}"

    def report_of(self, summary: dict) -> dict | None:
        """The report a candidate's summary points to (None: none written, or unreadable)."""
        if not summary.get("report"):
            return None
        try:
            return json.loads((self.run_dir / summary["report"]).read_text())
        except (OSError, ValueError):
            return None

    def write_json(self, path: Path, data: dict) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(path)
