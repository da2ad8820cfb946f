"""Explaining a built-in win: what each move in the winner added.

A winner of the built-in optimizer is a stack of moves, e.g. `gcc-O3-noslp`
(a recompile without the SLP vectorizer) then `ifconvert` then `peephole`. To
tell a user what the compiler missed, each move is dropped in turn: the other
moves are replayed from scratch (`BuiltinProposer.rebuild`), that rebuild
becomes the baseline (`tools.evaluate.prepare_baseline`: it must pass every
test), and the winner is confirmed against it (`tools.evaluate.confirm`),
interleaved in one runner session like any winner against the original. That
ratio, with its 95% interval, is what the move added on top of the others. A
one-move winner needs no second timing: without its move it is the original,
so the move added the winner's confirmed speedup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agent.builtin.proposer import BuiltinProposer
from tools import asm as asmlib
from tools.errors import BadInput
from tools.evaluate import Baseline, confirm, prepare_baseline
from tools.sandbox import Sandbox
from tools.stats import Ratio
from tools.timing import TimingOptions

TIMING = TimingOptions.precise(max_pairs=60, max_seconds=20.0)


@dataclass(frozen=True)
class Contribution:
    move: str
    what: str  # the move in words: a compiler command line or what a pass does
    added: float | None  # the winner's speed over the winner without this move
    ci: tuple[float, float] | None
    note: str = ""  # why there is no figure, or how it was obtained

    def to_dict(self) -> dict:
        return {
            "move": self.move,
            "what": self.what,
            "added": None if self.added is None else round(self.added, 4),
            "ci": None if self.ci is None else [round(x, 4) for x in self.ci],
            "note": self.note,
        }


def ablate(
    winner: str,
    passes: list[str],
    baseline: Baseline,
    sandbox: Sandbox,
    proposer: BuiltinProposer,
    target: str = "native",
    confirmed: Ratio | None = None,
    timing: TimingOptions = TIMING,
) -> list[Contribution]:
    """What each of `passes` (the winner's stack, in order) added."""
    task = baseline.task
    out: list[Contribution] = []
    if len(passes) == 1 and confirmed is not None:
        what = proposer.describe(task, passes[0], target)
        ci = (confirmed.low, confirmed.high)
        note = "the only move: without it, the original"
        return [Contribution(passes[0], what, confirmed.estimate, ci, note)]
    for i, move in enumerate(passes):
        what = proposer.describe(task, move, target)
        others = passes[:i] + passes[i + 1 :]
        without = proposer.rebuild(task, others, target) if others else task.asm
        if without is None:
            out.append(Contribution(move, what, None, None, "the other moves did not rebuild"))
            continue
        if asmlib.normalize(without) == asmlib.normalize(winner):
            out.append(Contribution(move, what, 1.0, (1.0, 1.0), "identical without it"))
            continue
        # The rest as a baseline: it must assemble and pass every test (whose
        # expected outputs are fixed by now, hence "files").
        rest_task = replace(task, asm=without, expected_from="files")
        try:
            rest = prepare_baseline(rest_task, sandbox, with_profile=False)
            t = confirm(winner, rest, sandbox, timing)
        except (BadInput, ValueError) as exc:
            out.append(Contribution(move, what, None, None, f"without it: {exc}"))
            continue
        if t.problem or t.speedup is None:
            out.append(Contribution(move, what, None, None, t.problem or "not timed"))
            continue
        s = t.speedup
        out.append(Contribution(move, what, s.estimate, (s.low, s.high), f"{t.pairs} pairs"))
    return out
