"""The moves the built-in optimizer can make: the registry a new move joins.

A move takes a branch from its current text to one new candidate, which the
harness then judges like any other. Three kinds:

- an assembly pass, `apply(asm, ctx) -> str | None` on the current text
  (None: it does not fire); every pass is one `AsmPass` line in `PASSES`;
- a regeneration: the C source compiled anew, one of `compiler.variants()`
  (raced to order them, `agent.builtin.builds`), or `MIX`, the race leader
  with each hot function taken from whichever build ran it fastest
  (`agent.builtin.mix`); a regeneration may carry `replay`, the branch's
  accepted assembly passes re-applied on top of the new code;
- a search that runs programs (`make` instead of `apply`: it gets the task's
  bench, its sandbox and tests, and the time left, and returns the `apply`
  for that task): the STOKE-style search on the hottest loop;
- nothing else: the order they are tried in is `agent.builtin.policy`.

A pass's `phase` places it in that order: "io" passes come first when the
profile says stdio holds the time and last otherwise; "early" passes come
before the compiler variants unless a variant clearly leads the race; "late"
passes come after them. Within a phase, `PASSES` order holds.

To add a move:
- an assembly rewrite: write `apply(asm: str, ctx: PassContext) -> str | None`
  in its own module (`ctx` has the target CPU's features and the text's
  profile: hot lines keyed by line number, hot functions), then add one
  `AsmPass(name, phase, apply, words)` line to `PASSES`. The proposer
  profiles, orders, stacks, deduplicates, checks CPU features, replays it on
  other compiler output and explains it in reports with no other change. It
  must not raise on text it does not understand: return None;
- a new build of the C source: make `compiler.variants()` return it (a
  `Variant`); it is compiled once per task, raced with the others and offered
  in race order, replays and ablation included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from agent.builtin import align, compiler, fast_io, idioms, ifconvert, mca, peephole, stoke
from agent.builtin.bench import Bench
from agent.builtin.context import PassContext

MIX = "mix"  # the move that splices each hot function from the build that ran it fastest

Apply = Callable[[str, PassContext], str | None]
Make = Callable[[Bench, float | None], Apply | None]  # (bench, seconds left) -> apply

STOKE_UNTIMED_S = 15.0  # the loop search's seconds per text without a time budget
STOKE_MAX_S = 60.0  # at most, whatever the budget
STOKE_MIN_S = 10.0  # less than this left: no search


def _stoke(bench: Bench, left: float | None) -> Apply | None:
    """The loop search for this task, `min(60 s, left / 4)` per text."""
    sandbox = bench.sandbox()
    seconds = STOKE_UNTIMED_S if left is None else min(STOKE_MAX_S, left / 4)
    if sandbox is None or not mca.available() or seconds < STOKE_MIN_S:
        return None
    return stoke.as_pass(bench.task, sandbox, seconds)


@dataclass(frozen=True)
class AsmPass:
    name: str  # as it appears in a winner's `passes`
    phase: str  # "io" | "early" | "late" (see the module docstring)
    apply: Apply | None  # None: made per task by `make`
    words: str  # what it does, for a user reading the report
    make: Make | None = None


PASSES: tuple[AsmPass, ...] = (
    AsmPass("fast_io", "io", fast_io.apply,
            "scanf/printf replaced by a buffered reader and writer"),
    AsmPass("ifconvert", "early", ifconvert.apply,
            "hot unpredictable branches turned into conditional moves"),
    AsmPass("idioms", "early", idioms.apply,
            "library calls replaced by instructions the CPU has (popcnt)"),
    AsmPass("peephole", "late", peephole.apply,
            "peephole rewrites (self moves, cmp $0, small multiplies, dead stores)"),
    AsmPass("bmi2", "late", idioms.apply_bmi2, "shifts by %cl as BMI2 shlx/shrx/sarx"),
    AsmPass("align32", "late", align.apply32, "hot loop heads aligned to 32 bytes"),
    AsmPass("align64", "late", align.apply64, "hot loop heads aligned to 64 bytes"),
    AsmPass("stoke", "late", None,
            "hot loop rewritten by a stochastic search (llvm-mca cost, tests)", _stoke),
)  # fmt: skip
BY_NAME = {p.name: p for p in PASSES}


@dataclass(frozen=True)
class Move:
    """One concrete thing to try on a branch."""

    name: str
    run: Apply | None = None  # an assembly pass
    variant: compiler.Variant | None = None  # a compiler regeneration
    raced: float | None = None  # the variant's speed in the race (original = 1.0)
    replay: tuple[str, ...] = ()  # assembly passes re-applied on top of the variant

    @property
    def regen(self) -> bool:
        """New code from the source (a compile, or the mix of compiles), not a pass."""
        return self.variant is not None or self.name == MIX


def pass_move(name: str) -> Move:
    return Move(name, run=BY_NAME[name].apply)


def words(name: str) -> str:
    """A pass in words (a compile's command line is `Variant.name`)."""
    found = BY_NAME.get(name)
    return found.words if found else name
