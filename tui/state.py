"""What the TUI knows about a run, rebuilt from its typed events alone.

`RunView.apply(event)` folds one `agent.events.Event` into the view; a live
run and a run folder's `events.jsonl` go through the same function, so
`agent tui --open` shows exactly what a live session showed. Applying an
event twice (a resumed run repeats the steps that were in flight) changes
nothing. No Textual here: the widgets read this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent import events as ev
from agent.render import printable

# How an evaluation's status reads in the tree.
STATUS_LABELS = {
    "not assembled": "failed to assemble",
    "wrong": "wrong",
    "correct": "correct",
    "no code": "no code",
    "error": "error",
}


@dataclass
class Iteration:
    branch: int
    iteration: int
    path: str | None = None  # candidates/bB-iI.s, relative to the run folder
    note: str = ""
    reply: str = ""
    reasoning: str = ""
    status: str = ""  # "" until evaluated, then the event's status
    speedup: float | None = None
    speedup_ci: list | None = None
    faster: bool = False
    verified: bool = False
    detail: str = ""
    report: str = ""  # reports/bB-iI.json, relative to the run folder
    at: float = 0.0

    @property
    def key(self) -> tuple[int, int]:
        return (self.branch, self.iteration)

    @property
    def evaluated(self) -> bool:
        return bool(self.status)

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def status_label(self, live: bool) -> str:
        if self.evaluated:
            return STATUS_LABELS.get(self.status, printable(self.status))
        if self.path is None:
            return "no code"
        return "assembling" if live else "interrupted"

    def speedup_text(self) -> str:
        """`1.849x ±0.024` for a timed candidate, else ""."""
        if self.speedup is None or not self.correct:
            return ""
        return format_speedup(self.speedup, self.speedup_ci)


@dataclass
class Branch:
    index: int
    temperature: float = 0.0
    iterations: dict[int, Iteration] = field(default_factory=dict)
    finished: str = ""  # BranchFinished.reason once done
    best: tuple[int, float] | None = None  # (iteration, speedup) of the branch's best
    series: list[tuple[float, float]] = field(default_factory=list)  # (at, speedup), correct ones

    def latest(self) -> Iteration | None:
        return self.iterations[max(self.iterations)] if self.iterations else None


@dataclass
class RunView:
    task: str = ""
    model: str = ""
    best_of: int = 0
    max_iterations: int = 0
    out: str = ""
    baseline: ev.BaselineMeasured | None = None
    branches: dict[int, Branch] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    calls: int = 0
    best: tuple[int, int] | None = None  # (branch, iteration) of the best so far
    best_series: list[tuple[float, float]] = field(default_factory=list)
    finished: ev.RunFinished | None = None
    first_at: float | None = None
    last_at: float | None = None
    segments: list[list[float]] = field(default_factory=list)  # [start, last] per (re)start

    # -- folding events ----------------------------------------------------------

    def apply(self, event: ev.Event) -> None:
        self._clock(event)
        match event:
            case ev.RunStarted():
                self.task, self.model = event.task, event.model
                self.best_of, self.max_iterations = event.best_of, event.iterations
                self.out = event.out
                if not event.resumed:
                    self.finished = None
            case ev.BaselineMeasured():
                self.baseline = event
            case ev.BranchStarted():
                self.branch(event.branch).temperature = event.temperature
            case ev.CandidateProposed():
                it = self.iteration(event.branch, event.iteration)
                it.path, it.note, it.at = event.path, event.note, event.at
                it.reply, it.reasoning = event.reply, event.reasoning
            case ev.CandidateEvaluated():
                self._evaluated(event)
            case ev.NewBest():
                self._new_best(event)
            case ev.BranchFinished():
                self.branch(event.branch).finished = event.reason or "done"
            case ev.ModelUsage():
                self.calls += 1
                self.input_tokens += event.input_tokens
                self.output_tokens += event.output_tokens
                self.cost_usd += event.cost_usd
            case ev.RunFinished():
                self.finished = event
                self.best = _parse_source(event.best) or self.best
            case _:
                pass

    def _clock(self, event: ev.Event) -> None:
        at = event.at
        if self.first_at is None:
            self.first_at = at
        self.last_at = max(self.last_at or at, at)
        if isinstance(event, ev.RunStarted) or not self.segments:
            self.segments.append([at, at])
        else:
            self.segments[-1][1] = max(self.segments[-1][1], at)

    def _evaluated(self, event: ev.CandidateEvaluated) -> None:
        it = self.iteration(event.branch, event.iteration)
        it.status, it.speedup, it.speedup_ci = event.status, event.speedup, event.speedup_ci
        it.faster, it.verified, it.detail = event.faster, event.verified, event.detail
        it.report = event.report
        it.at = it.at or event.at
        if event.correct and event.speedup is not None:
            series = self.branch(event.branch).series
            if not series or series[-1][0] != event.at:
                series.append((event.at, event.speedup))

    def _new_best(self, event: ev.NewBest) -> None:
        branch = self.branch(event.branch)
        branch.best = (event.iteration, event.speedup)
        it = self.iteration(event.branch, event.iteration)
        if it.path is None:
            it.path = event.path
        if self.best is None or _score(it) > _score(self.candidate(self.best)):
            self.best = it.key
            if not self.best_series or self.best_series[-1][1] != event.speedup:
                self.best_series.append((event.at, event.speedup))

    # -- lookups -----------------------------------------------------------------

    def branch(self, index: int) -> Branch:
        if index not in self.branches:
            self.branches[index] = Branch(index)
        return self.branches[index]

    def iteration(self, branch: int, iteration: int) -> Iteration:
        its = self.branch(branch).iterations
        if iteration not in its:
            its[iteration] = Iteration(branch, iteration)
        return its[iteration]

    def candidate(self, key: tuple[int, int] | None) -> Iteration | None:
        if key is None:
            return None
        branch = self.branches.get(key[0])
        return branch.iterations.get(key[1]) if branch else None

    def latest_candidate(self) -> Iteration | None:
        """The most recently proposed candidate that has assembly."""
        its = [it for b in self.branches.values() for it in b.iterations.values() if it.path]
        return max(its, key=lambda it: it.at, default=None)

    def best_candidate(self) -> Iteration | None:
        return self.candidate(self.best)

    def elapsed(self, now: float | None = None) -> float:
        """Seconds the run has been running: the sum of its (re)started segments;
        `now` extends the last one (a live run)."""
        total = 0.0
        for index, (start, last) in enumerate(self.segments):
            end = last
            if now is not None and index == len(self.segments) - 1:
                end = max(last, now)
            total += end - start
        return total


def _score(it: Iteration | None) -> tuple:
    """The graph's order: verified first, then the lower bound of the CI."""
    if it is None or it.speedup is None:
        return (False, 0.0)
    low = it.speedup_ci[0] if it.speedup_ci else it.speedup
    return (it.verified, low)


def _parse_source(best: str) -> tuple[int, int] | None:
    """RunFinished.best: "baseline" or "branch B iteration I"."""
    words = best.split()
    if len(words) == 4 and words[0] == "branch" and words[2] == "iteration":
        try:
            return int(words[1]), int(words[3])
        except ValueError:
            return None
    return None


def format_speedup(speedup: float, ci: list | None) -> str:
    if not ci:
        return f"{speedup:.3f}x"
    half = (ci[1] - ci[0]) / 2
    return f"{speedup:.3f}x ±{half:.3f}"


def format_elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def format_tokens(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)
