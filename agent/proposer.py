"""The seam between the agent loop and whatever writes assembly.

A proposer (an LLM provider, or the built-in optimizer) gets a request that
says what to improve and what happened last time, and returns a complete `.s`
(or nothing, with the raw reply kept for the log). Nothing it returns is
trusted: the harness assembles, tests and times every proposal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from tools.task import Task


@dataclass(frozen=True)
class Attempt:
    """One line of a branch's history, as later proposals see it."""

    iteration: int
    note: str  # what was tried (model summary or pass names)
    outcome: str  # "does not assemble", "wrong output on t3", "1.12x [1.10, 1.14]", ...


@dataclass(frozen=True)
class Feedback:
    """What the next proposal sees about the current candidate."""

    errors: tuple[str, ...] = ()  # assembler errors with line numbers and text
    failure: str = ""  # first failing test: reason, input, expected vs actual
    hot_lines: tuple[str, ...] = ()  # "12.3%  line 57: imull %eax, %edx"
    hot_functions: tuple[str, ...] = ()  # "61.0%  __vfscanf_internal (libc.so.6)"
    speedup: str = ""  # "1.12x [1.10, 1.14] over the baseline"
    hint: str = ""  # a human hint (TUI)
    edits: str = ""  # why the reply's SEARCH/REPLACE edits were not applied, quoting them


@dataclass(frozen=True)
class Verdict:
    """What the harness made of a branch's previous proposal (the graph says so;
    a proposer need not work it out from the text it gets back)."""

    iteration: int  # the branch iteration that made it (its id: `b{branch}-i{iteration}`)
    accepted: bool  # taken as the branch's new best, so it is the request's `current` now


@dataclass(frozen=True)
class ProposalRequest:
    task: Task
    branch: int
    iteration: int
    current: str  # the assembly to improve: the branch's best so far (the baseline at first)
    current_speedup: str = ""  # e.g. "1.12x [1.10, 1.14]"; "" while it is the baseline
    feedback: Feedback | None = None  # about the last proposal; None on the first
    history: tuple[Attempt, ...] = ()
    seed: int = 0
    temperature: float = 0.7
    target_cpu: str = "native"
    deadline: float | None = None  # time.monotonic() when the run's time budget ends
    previous: Verdict | None = None  # this branch's previous proposal; None on the first
    # `agent run --function`: what the prompt says of the focus (agent/focus.py);
    # then `current` is the focus functions alone, not the whole file.
    focus: str = ""


@dataclass(frozen=True)
class Proposal:
    asm: str | None  # a complete .s, or None when the reply held none
    reply: str = ""  # the raw model reply (for the log); may be long
    note: str = ""  # short description of what this proposal does
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    extra: dict = field(default_factory=dict)  # e.g. {"passes": ["fast_io", "align"]}


class Proposer(Protocol):
    """Anything that writes candidates: `await proposer.propose(request)`.

    Optional capabilities, looked up with `getattr` by the agent (never by
    asking which proposer this is):

    - `offline = True`: it calls no model. No usage is recorded for its
      proposals, and a proposal without assembly means it has nothing left to
      try, which ends the branch.
    - `explain(winner, passes, baseline, sandbox, target, confirmed) -> list[dict]`:
      what each of the winner's `passes` (its `Proposal.extra["passes"]`)
      added, for `report.json`'s `explained` (the built-in optimizer's
      ablation); `confirmed` is the winner's confirmed `tools.stats.Ratio`.
    """

    name: str

    async def propose(self, request: ProposalRequest) -> Proposal: ...
