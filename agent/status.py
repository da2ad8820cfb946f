"""The live status of `agent run` on a terminal: per branch what it is doing
and for how long, its best so far, the run's elapsed time and budget left.

Lines for each step still print above it (`RunPrinter`); the status is the
part that changes between lines, so minutes of judging are not silence. Off
a terminal nothing changes: plain lines only.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from agent import events as ev
from agent.context import RUN_PHASE


class RunStatus:
    """A rich renderable over a run's live state; feed it events too."""

    def __init__(
        self,
        phases: dict,
        time_left: Callable[[], float | None],
        best_of: int,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.phases = phases  # RunContext.phases: branch -> (phase, since)
        self.time_left = time_left
        self.best_of = best_of
        self.clock = clock
        self.started = clock()
        self.best: dict[int, str] = {}
        self.iteration: dict[int, int] = {}

    def __call__(self, event: ev.Event) -> None:
        match event:
            case ev.CandidateProposed():
                self.iteration[event.branch] = event.iteration
            case ev.NewBest():
                self.best[event.branch] = f"{event.speedup:.3f}x"

    def __rich__(self) -> Group:
        now = self.clock()
        table = Table(box=None, padding=(0, 2), show_edge=False)
        for name in ("branch", "iteration", "doing", "for", "best"):
            table.add_column(name, justify="right" if name in ("for", "iteration") else "left")
        for b in range(self.best_of):
            phase, since = self.phases.get(b, ("starting", self.started))
            done = phase.startswith("finished")
            table.add_row(
                f"b{b}",
                str(self.iteration.get(b, 0)),
                phase,
                "" if done else f"{now - since:.0f} s",
                self.best.get(b, "-"),
            )
        left = self.time_left()
        budget = "" if left is None else f", {max(left, 0):.0f} s of the time budget left"
        doing = ""
        if RUN_PHASE in self.phases:
            phase, since = self.phases[RUN_PHASE]
            doing = f"{phase} for {now - since:.0f} s; "
        footer = Text(f"{doing}elapsed {now - self.started:.0f} s{budget}", style="dim")
        return Group(table, footer)


@contextlib.contextmanager
def live_status(console: Console, status: RunStatus | None) -> Iterator[None]:
    """Show `status` live while the block runs, on a terminal only."""
    if status is None or not console.is_terminal:
        yield
        return
    with Live(status, console=console, refresh_per_second=2, transient=True):
        yield
