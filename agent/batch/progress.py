"""What a batch shows while it runs: nothing (`NullProgress`), or a rich progress
bar with the running figures and one line per finished task (`BatchProgress`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from agent.models import Budget

if TYPE_CHECKING:
    from agent.batch.plan import Plan


class NullProgress:
    """The progress interface, showing nothing (library use, tests)."""

    def start(self, p: Plan, budget: Budget) -> None:
        pass

    def task_started(self, name: str) -> None:
        pass

    def event_for(self, name: str) -> Callable:
        return lambda event: None

    def task_done(self, line: dict) -> None:
        pass

    def stop(self) -> None:
        pass


class BatchProgress(NullProgress):
    """A rich progress bar with ETA, the running correct rate and speedups, and
    one printed line per finished task."""

    def __init__(self, console=None):
        from rich.console import Console

        self.console = console or Console(highlight=False, emoji=False)
        self._progress = None
        self._bar = None
        self._counts: dict = {}
        self._done = 0
        self._budget: Budget | None = None
        self._total = 0
        self._running: set[str] = set()

    def start(self, p: Plan, budget: Budget) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        names = {j.name for j in p.jobs}
        self._counts = dict.fromkeys(("done", "correct", "faster", "clamped", "log", "errors"), 0)
        self._done = 0
        for line in p.lines:
            if line["task"] in names:
                self._count(line)
                self._done += 1
        self._budget = budget
        self._total = len(p.jobs)
        left = len(p.todo)
        self.console.print(
            f"batch: {self._total} tasks ({self._done} already done, {left} to run) "
            f"with {p.config.model}, {p.config.best_of} branches x {p.config.iterations} "
            f"iterations; baseline: {p.word} -> {p.out}",
            markup=False,
            soft_wrap=True,
        )
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[stats]}"),
            console=self.console,
            disable=not self.console.is_terminal,
            speed_estimate_period=6 * 3600,  # tasks take minutes: estimate from all of them
        )
        self._progress.start()
        self._bar = self._progress.add_task(
            "tasks", total=self._total, completed=self._done, stats=self._stats()
        )

    def _stats(self) -> str:
        """Running figures, kept as counters (a batch may have thousands of tasks)."""
        c = self._counts
        spent = self._budget.spent_usd if self._budget else 0.0
        parts = [f"{len(self._running)} running"]
        if c["done"]:
            n = c["done"]
            parts += [
                f"correct {c['correct']}/{n} ({100 * c['correct'] / n:.0f}%)",
                f"faster {c['faster']}",
                f"mean clamped {c['clamped'] / n:.3f}x",
                f"geomean {math.exp(c['log'] / n):.3f}x",
            ]
        if c["errors"]:
            parts.append(f"errors {c['errors']}")
        parts.append(f"${spent:.4f}")
        return " · ".join(parts)

    def _count(self, line: dict) -> None:
        from agent.batch.summary import delivered_speedup, model_correct, significantly_faster

        c = self._counts
        if line.get("status", "done") != "done":
            c["errors"] += 1
            return
        speedup = delivered_speedup(line)
        correct = model_correct(line)
        c["done"] += 1
        c["correct"] += correct
        c["faster"] += significantly_faster(line)
        c["clamped"] += max(1.0, speedup) if correct else 1.0
        c["log"] += math.log(speedup)

    def _refresh(self) -> None:
        if self._progress is not None:
            self._progress.update(self._bar, stats=self._stats())

    def task_started(self, name: str) -> None:
        self._running.add(name)
        self._refresh()

    def event_for(self, name: str) -> Callable:
        from agent import events as ev

        def on_event(event) -> None:
            if isinstance(event, ev.ModelUsage | ev.RunFinished):
                self._refresh()

        return on_event

    def task_done(self, line: dict) -> None:
        from agent.batch.summary import task_row

        self._running.discard(line["task"])
        self._count(line)
        self._done += 1
        row = task_row(line)
        done = self._done
        detail = row[1]
        if line.get("status", "done") == "done":
            detail += f": {row[2]}" + (f" {row[3]}" if row[3] != "-" else "")
        took = f" ({line['seconds']:.0f} s)" if line.get("seconds") is not None else ""
        self.console.print(
            f"[{done}/{self._total}] {line['task']}: {detail}{took}", markup=False, soft_wrap=True
        )
        if self._progress is not None:
            self._progress.update(self._bar, advance=1, stats=self._stats())

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
