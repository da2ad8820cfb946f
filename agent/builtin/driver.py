"""A small optimisation loop around the built-in proposer (no agent graph needed).

Per iteration, each branch asks the proposer for one candidate built on the
branch's best so far; the harness evaluates it against the original
(`tools.evaluate`), and the branch takes it only when it is correct, decided
faster than the original (the CI's lower bound above 1.0) and better than the
branch's best (its CI's lower bound above that best's estimate; one whose
interval lies below the best's lower bound stops timing early), so passes
stack one accepted step at a time. The result is the best accepted candidate
over all branches, its evaluation and the passes that produced it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.builtin.proposer import BuiltinProposer
from agent.proposer import Attempt, Feedback, ProposalRequest
from tools.evaluate import Baseline, EvalOptions, Evaluation, evaluate, prepare_baseline
from tools.sandbox import Sandbox
from tools.task import Task
from tools.timing import TimingOptions

DEFAULT_OPTIONS = EvalOptions(timing=TimingOptions(), profile=False)


@dataclass
class _Branch:
    current: str
    best: Evaluation | None = None
    passes: list[str] = field(default_factory=list)
    history: list[Attempt] = field(default_factory=list)
    feedback: Feedback | None = None
    done: bool = False


def outcome(ev: Evaluation) -> str:
    """One line on what became of a candidate (for the history)."""
    if not ev.assembled:
        first = ev.errors[0] if ev.errors else None
        return f"does not assemble ({first.message if first else '?'})"
    failure = ev.tests.first_failure if ev.tests else None
    if failure:
        return f"{failure.reason} on test {failure.test.name}"
    if ev.timing and ev.timing.problem:
        return ev.timing.problem
    if ev.identical:
        return "identical to the baseline"
    s = ev.timing.speedup if ev.timing else None
    if s is None:
        return "correct, not timed"
    verdict = "faster" if ev.faster else "not significantly faster"
    return f"{s.estimate:.3f}x [{s.low:.3f}, {s.high:.3f}] ({verdict})"


def _feedback(ev: Evaluation) -> Feedback:
    prof = ev.profile
    return Feedback(
        errors=tuple(str(e) for e in ev.errors),
        failure=outcome(ev) if ev.tests and not ev.tests.ok else "",
        hot_lines=tuple(
            f"{h.percent:5.1f}%  line {h.line}: {h.text}" for h in (prof.hot_lines if prof else ())
        ),
        hot_functions=tuple(
            f"{f.percent:5.1f}%  {f.name} ({f.dso})" for f in (prof.functions if prof else ())
        ),
        speedup=outcome(ev),
    )


def better(candidate: Evaluation, best: Evaluation | None) -> bool:
    """Correct, faster than the original, not wrong on a generated input (as in the
    agent's graph), and (CI lower bound) above the best so far."""
    if not candidate.faster or candidate.timing is None or candidate.timing.speedup is None:
        return False
    if candidate.differential is not None and candidate.differential.mismatches:
        return False
    if best is None:
        return True
    return candidate.timing.speedup.low > (best.speedup or 1.0)


def optimize(
    task: Task,
    sandbox: Sandbox,
    iterations: int = 8,
    branches: int = 2,
    *,
    target_cpu: str = "native",
    budget_s: float | None = None,
    options: EvalOptions | None = None,
    baseline: Baseline | None = None,
    proposer: BuiltinProposer | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[str, Evaluation | None, list[str]]:
    """Optimise `task`; returns (best assembly, its evaluation or None, its passes).

    Without any accepted candidate the original assembly comes back with None.
    `budget_s` bounds the wall time (checked between candidates).
    """
    start = time.monotonic()
    say = log or (lambda _msg: None)
    base = baseline or prepare_baseline(task, sandbox, with_profile=False)
    proposer = proposer or BuiltinProposer(sandbox=sandbox)
    opts = options or DEFAULT_OPTIONS
    states = [_Branch(current=task.asm) for _ in range(max(1, branches))]
    best_asm, best_eval, best_passes = task.asm, None, []
    for iteration in range(iterations):
        for b, st in enumerate(states):
            if st.done:
                continue
            if budget_s is not None and time.monotonic() - start > budget_s:
                say(f"time budget of {budget_s:g} s used up")
                return best_asm, best_eval, best_passes
            request = ProposalRequest(
                task=task,
                branch=b,
                iteration=iteration,
                current=st.current,
                current_speedup=outcome(st.best) if st.best else "",
                feedback=st.feedback,
                history=tuple(st.history),
                target_cpu=target_cpu,
            )
            proposal = asyncio.run(proposer.propose(request))
            if proposal.asm is None:
                st.done = True
                say(f"branch {b}: {proposal.note}")
                continue
            to_beat = st.best.timing.speedup.low if st.best and st.best.timing else None
            ev = evaluate(proposal.asm, base, sandbox, opts, to_beat=to_beat)
            result = outcome(ev)
            st.history.append(Attempt(iteration, proposal.note, result))
            st.feedback = _feedback(ev)
            taken = better(ev, st.best)
            say(
                f"branch {b} iteration {iteration}: {proposal.note}: {result}"
                + (" <- kept" if taken else "")
            )
            if not taken:
                continue
            st.current, st.best = proposal.asm, ev
            st.passes = list(proposal.extra.get("passes", [proposal.note]))
            if best_eval is None or (ev.speedup or 0.0) > (best_eval.speedup or 0.0):
                best_asm, best_eval, best_passes = proposal.asm, ev, st.passes
        if all(st.done for st in states):
            break
    return best_asm, best_eval, best_passes
