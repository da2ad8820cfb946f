"""What a batch shows while it runs: nothing (`NullProgress`), or a rich progress
bar with the running figures and one line per finished task (`BatchProgress`)."""

from __future__ import annotations

import math
import time
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

    def interrupted(self, killed: int) -> None:
        """The first Ctrl-C: say at once that the batch is stopping."""

    def stop(self) -> None:
        pass


class BatchProgress(NullProgress):
    """What `agent batch` shows on a terminal::

        tasks ━━━━━━━━━━━━━━━━━━━━━━━━━━━━        3/5 0:01:30 ETA 0:01:00 $0.0120 8:30 left
        1 running · correct 1/2 (50%) · faster 1 · geomean 1.225x · mean clamped 1.250x

    the bar (tasks done/total, elapsed, an ETA from this session's pace, the
    spend, the batch budget left) over the running figures, and above them one
    printed line per finished task (the only output when not on a terminal).
    `clock` stands for time.monotonic and `live=False` turns off the
    background refresh, so that a test can render it."""

    def __init__(self, console=None, clock: Callable[[], float] | None = None, live: bool = True):
        from rich.console import Console

        self.console = console or Console(highlight=False, emoji=False)
        self.clock = clock or time.monotonic
        self.live = live
        self._progress = None
        self._bar = None
        self._counts: dict = {}
        self._done = 0
        self._budget: Budget | None = None
        self._total = 0
        self._running: set[str] = set()
        self._started = 0.0
        self._done_before = 0  # recorded before this session (resume): not in the pace
        self._ends: float | None = None  # the batch budget's end, on self.clock

    def start(self, p: Plan, budget: Budget) -> None:
        names = {j.name for j in p.jobs}
        self._counts = dict.fromkeys(("done", "correct", "faster", "clamped", "log", "errors"), 0)
        self._done = 0
        for line in p.lines:
            if line["task"] in names:
                self._count(line)
                self._done += 1
        self._done_before = self._done
        self._budget = budget
        self._total = len(p.jobs)
        self._started = self.clock()
        if p.batch_budget is not None:
            self._ends = self._started + p.batch_budget
        left = len(p.todo)
        self.console.print(
            f"batch: {self._total} tasks ({self._done} already done, {left} to run) "
            f"with {p.config.model}, {p.config.best_of} branches x {p.config.iterations} "
            f"iterations; baseline: {p.word} -> {p.out}",
            markup=False,
            soft_wrap=True,
        )
        self._progress = _make_progress(self)
        self._bar = self._progress.add_task("tasks", total=self._total, completed=self._done)
        self._progress.start()

    def __rich__(self):
        """The bar and the figures as they stand (what the live display shows)."""
        return self._progress.get_renderable() if self._progress is not None else ""

    def eta(self) -> str:
        """Time left at this session's pace so far (tasks at once included)."""
        finished = self._done - self._done_before
        if finished <= 0 or self._done >= self._total:
            return "ETA -:--:--"
        pace = (self.clock() - self._started) / finished
        return f"ETA {_clock(pace * (self._total - self._done))}"

    def limits(self) -> str:
        """The spend, and what is left of the batch budget."""
        text = f"${self._budget.spent_usd if self._budget else 0.0:.4f}"
        if self._ends is not None:
            left = self._ends - self.clock()
            text += f" {_clock(left)} left" if left > 0 else " budget spent"
        return text

    def stats(self) -> str:
        """Running figures, kept as counters (a batch may have thousands of tasks)."""
        c = self._counts
        parts = [f"{len(self._running)} running"]
        if c["done"]:
            n = c["done"]
            parts += [
                f"correct {c['correct']}/{n} ({100 * c['correct'] / n:.0f}%)",
                f"faster {c['faster']}",
                f"geomean {math.exp(c['log'] / n):.3f}x",
                f"mean clamped {c['clamped'] / n:.3f}x",
            ]
        if c["errors"]:
            parts.append(f"errors {c['errors']}")
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
            self._progress.refresh()

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
            self._progress.update(self._bar, advance=1, refresh=True)

    def interrupted(self, killed: int) -> None:
        self.console.print(
            f"stopping (SIGINT): {killed} sandboxed processes killed; finished tasks are "
            "kept, the others wait for --resume (a second Ctrl-C quits at once)",
            markup=False,
        )

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _make_progress(shown: BatchProgress):
    """rich's Progress with the figures of `shown` in its bar's row and on a line
    under it (rich is imported only when a progress bar is shown)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Column(ProgressColumn):
        def __init__(self, text: Callable[[], str]):
            super().__init__()
            self.text = text

        def render(self, task) -> Text:
            return Text(self.text())

    class WithStats(Progress):
        def get_renderables(self):
            yield self.make_tasks_table(self.tasks)
            yield Text(shown.stats())

    return WithStats(
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        Column(shown.eta),
        Column(shown.limits),
        console=shown.console,
        disable=not shown.console.is_terminal,
        auto_refresh=shown.live,
        get_time=shown.clock,
    )
