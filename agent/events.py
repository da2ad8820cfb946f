"""Typed events: what happened in a run, as it happens.

Nodes emit them through LangGraph's custom stream; the CLI renders them as
progress, the TUI as live widgets, and every one is appended to
`events.jsonl`. One dataclass per kind; `kind` names it on the wire.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"
    at: float = field(default_factory=time.time, kw_only=True)

    def to_dict(self) -> dict:
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True)
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    task: str
    model: str
    best_of: int
    iterations: int
    out: str
    resumed: bool = False


@dataclass(frozen=True)
class BaselineMeasured(Event):
    kind: ClassVar[str] = "baseline_measured"
    tests: int
    timing_test: str
    cpu_ms: float  # the baseline's CPU time on the timing test
    hot_lines: list = field(default_factory=list)
    expected_from: str = "files"  # "files", "original" (inputs only), "empty input"
    timing_args: str = ""  # the timing test's arguments, as a shell line ("" without any)

    @property
    def timing_shown(self) -> str:
        """The timed test as people read it: its name, then its arguments."""
        if not self.timing_args:
            return self.timing_test
        return f"{self.timing_test} (args: {self.timing_args})"


@dataclass(frozen=True)
class BranchStarted(Event):
    kind: ClassVar[str] = "branch_started"
    branch: int
    temperature: float


@dataclass(frozen=True)
class CandidateProposed(Event):
    kind: ClassVar[str] = "candidate_proposed"
    branch: int
    iteration: int
    path: str | None  # the .s file, None when the reply held no assembly
    note: str
    reply: str = ""  # the model's reply, trimmed
    reasoning: str = ""
    reply_format: str = ""  # "whole" | "edits" ("" for the built-in optimizer)
    edit_blocks: int = 0  # SEARCH/REPLACE blocks in an edits reply


@dataclass(frozen=True)
class CandidateEvaluated(Event):
    kind: ClassVar[str] = "candidate_evaluated"
    branch: int
    iteration: int
    status: str  # "not assembled" | "wrong" | "correct" | "no code" | "error"
    assembled: bool
    correct: bool
    speedup: float | None
    speedup_ci: list | None
    faster: bool
    verified: bool
    detail: str  # the first error, failure or timing problem, one line
    report: str  # path of the full evaluation JSON
    decision: str = ""  # why screening stopped: "faster", "slower", "practically equal", ...
    seconds: dict = field(default_factory=dict)  # per phase: build, tests, timing, ...


@dataclass(frozen=True)
class NewBest(Event):
    kind: ClassVar[str] = "new_best"
    branch: int
    iteration: int
    speedup: float
    speedup_ci: list
    path: str


@dataclass(frozen=True)
class BranchFinished(Event):
    kind: ClassVar[str] = "branch_finished"
    branch: int
    iterations: int
    best_speedup: float | None
    reason: str  # "iterations", "no improvement", "budget", "time budget", "error: ...", ...


@dataclass(frozen=True)
class ModelUsage(Event):
    kind: ClassVar[str] = "model_usage"
    branch: int
    iteration: int
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    seconds: float
    retries: int = 0


@dataclass(frozen=True)
class WinnerConfirmed(Event):
    """The winner timed again to the reporting precision: the figure the run reports."""

    kind: ClassVar[str] = "winner_confirmed"
    speedup: float
    speedup_ci: list
    pairs: int
    seconds: float
    decision: str  # "precise" (within the target) or "capped"
    confirmed: bool  # the interval lies above 1.0


@dataclass(frozen=True)
class RunFinished(Event):
    kind: ClassVar[str] = "run_finished"
    speedup: float
    speedup_ci: list
    correct: bool
    verified: bool
    best: str  # "baseline" or "branch B iteration I"
    out: str
    seconds: dict = field(default_factory=dict)  # where the time went (report.json's)
    stopped_by: str = ""  # "time budget" when the budget ended the run
    proof: str = ""  # the winner's proof in one line ("proved: mix (complete)"), if proved


@dataclass(frozen=True)
class RunInterrupted(Event):
    """The first Ctrl-C: sandboxes killed, what finished is kept, resumable."""

    kind: ClassVar[str] = "run_interrupted"
    signal: str  # "SIGINT"
    killed: int  # sandboxed process groups killed
    resume: str  # the command that continues the run


KINDS: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        RunStarted,
        BaselineMeasured,
        BranchStarted,
        CandidateProposed,
        CandidateEvaluated,
        NewBest,
        BranchFinished,
        ModelUsage,
        WinnerConfirmed,
        RunFinished,
        RunInterrupted,
    )
}


def from_dict(data: dict) -> Event | None:
    """Rebuild a typed event from its wire form (unknown kinds give None)."""
    cls = KINDS.get(data.get("kind", ""))
    if cls is None:
        return None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


class EventLog:
    """Appends events to `events.jsonl` as they happen (a resumed run appends)."""

    def __init__(self, path: Path):
        self.path = path
        self._file = path.open("a", encoding="utf-8")

    def write(self, event: Event) -> None:
        self._file.write(json.dumps(event.to_dict()) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_events(path: Path) -> list[Event]:
    """All events of a run folder's log, skipping a torn last line."""
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = from_dict(json.loads(line))
        except json.JSONDecodeError:
            continue
        if event is not None:
            events.append(event)
    return events
