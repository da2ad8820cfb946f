"""The live status of `agent run`: what each branch is doing, the budget left."""

from __future__ import annotations

import io

from rich.console import Console

from agent import events as ev
from agent.status import RunStatus, live_status


class Clock:
    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def render(status: RunStatus) -> str:
    console = Console(record=True, width=80, file=io.StringIO(), color_system=None)
    console.print(status)
    return console.export_text()


def test_each_branch_shows_its_phase_how_long_and_its_best():
    clock = Clock()
    phases: dict = {}
    status = RunStatus(phases, lambda: 412.4, best_of=3, clock=clock)
    clock.now = 130.0
    phases[0] = ("timing", 118.0)
    phases[1] = ("proposing", 127.5)
    phases[2] = ("finished: no improvement", 120.0)
    status(ev.CandidateProposed(branch=0, iteration=2, path="c.s", note="", reply=""))
    status(ev.NewBest(branch=0, iteration=1, speedup=1.4321, speedup_ci=[1.4, 1.5], path="c.s"))
    lines = [line.split() for line in render(status).splitlines() if line.strip()]
    assert lines[0] == ["branch", "iteration", "doing", "for", "best"]
    assert lines[1] == ["b0", "2", "timing", "12", "s", "1.432x"]
    assert lines[2] == ["b1", "0", "proposing", "2", "s", "-"]
    assert lines[3] == ["b2", "0", "finished:", "no", "improvement", "-"]
    assert lines[4] == ["elapsed", "30", "s,", "412", "s", "of", "the", "time", "budget", "left"]


def test_without_a_budget_only_the_elapsed_time_shows():
    clock = Clock()
    status = RunStatus({}, lambda: None, best_of=1, clock=clock)
    clock.now = 105.0
    text = render(status)
    assert "b0" in text and "starting" in text
    assert text.strip().endswith("elapsed 5 s") and "budget" not in text
    status.phases[-1] = ("confirming the winner", 103.0)
    assert render(status).strip().endswith("confirming the winner for 2 s; elapsed 5 s")


def test_off_a_terminal_nothing_live_is_drawn():
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    status = RunStatus({}, lambda: None, best_of=1)
    with live_status(console, status):
        console.print("a line")
    assert out.getvalue() == "a line\n"
