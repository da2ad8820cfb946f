"""Which move to try next on a branch, best first.

The order, per the branch's current text (its stack of moves so far) and its
profile:
- fast I/O ("io" passes) first when scanf/printf internals hold the time:
  then it is offered before the race is even run;
- compiler variants (while the branch still holds compiler output, or the
  original), fastest in the race first, with the mix second; they come before
  the "early" assembly passes when the race's leader is clearly ahead of the
  original (`REGEN_FIRST`), after them otherwise; then the "late" passes, then
  the "io" passes when stdio does not hold the time;
- last, the branch's accepted assembly passes replayed on top of each variant;
- a move already in the current's stack is not made again, and moves the
  harness accepted elsewhere in the task come first, rejected ones last
  (`Memory.rank`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from agent.builtin import compiler
from agent.builtin.context import PassContext
from agent.builtin.memory import Memory
from agent.builtin.moves import BY_NAME, MIX, PASSES, Move, pass_move

IO_HOT = 10.0  # % of samples in stdio internals for fast I/O to go first
REGEN_FIRST = 1.03  # a race leader this far ahead puts regeneration before the asm passes
_IO_NAMES = (
    "scanf",
    "printf",
    "strtol",
    "strtoul",
    "_IO_",
    "__GI__IO",
    "getc",
    "putc",
    "puts",
    "vfprintf",
    "vfscanf",
    "__printf_buffer",
    "_itoa",
    "__mpn",
    "____strto",
    "__strto",
    "read_int",
    "__uflow",
    "__overflow",
    "_dl_",
)

Ranked = list[tuple[compiler.Variant, float]]


def io_share(ctx: PassContext) -> float:
    """Share of samples in stdio/number-conversion internals (outside the program)."""
    return sum(
        p
        for name, dso, p in ctx.hot_functions
        if "libc" in dso and any(key in name for key in _IO_NAMES) and "_dl_" not in name
    )


@dataclass(frozen=True)
class Only:
    """The moves a proposer may make: all (None), or these names ("regen" for
    every compiler variant, "mix" for the mix)."""

    names: tuple[str, ...] | None = None

    def __call__(self, name: str) -> bool:
        return self.names is None or name in self.names

    def keeps(self, move: Move) -> bool:
        return self(move.name) or (move.regen and move.name != MIX and self("regen"))


def moves(
    stack: tuple[str, ...],
    ctx: PassContext,
    memory: Memory,
    only: Only,
    ranked: Callable[[], Ranked] | None,
) -> Iterator[Move]:
    """The moves to try on a text made by `stack`, best first. `ranked` gives
    the raced compiler variants (None: the task has no source); it is called
    only once the io-first moves have been refused, since a race costs time."""
    done = set(stack)
    io_first = io_share(ctx) >= IO_HOT
    for p in PASSES:
        if p.phase == "io" and io_first and only(p.name) and p.name not in done:
            if memory.rejected[p.name]:
                continue  # rejected once: it goes last (`_ordered`)
            yield pass_move(p.name)
            done.add(p.name)
    variants = ranked() if ranked is not None and only("regen") else []
    yield from _ordered(stack, done, io_first, variants, memory, only)


def _ordered(
    stack: tuple[str, ...],
    done: set[str],
    io_first: bool,
    ranked: Ranked,
    memory: Memory,
    only: Only,
) -> list[Move]:
    def phase(name: str) -> list[Move]:
        return [pass_move(p.name) for p in PASSES if p.phase == name and p.name not in done]

    only_compiled = all(p.startswith(compiler.compilers()) for p in stack)
    regen = [
        Move(v.slug, variant=v, raced=speed)
        for v, speed in ranked
        if only_compiled and v.slug not in done
    ]
    if regen and MIX not in done and only(MIX):
        regen.insert(1, Move(MIX))
    lead = bool(regen) and (regen[0].raced or 0.0) >= REGEN_FIRST
    order = phase("io") if io_first else []
    order += regen if lead else []
    order += phase("early")
    order += [] if lead else regen
    order += phase("late")
    order += [] if io_first else phase("io")
    # Last: the accepted assembly passes again, on top of other compiler output.
    replay = tuple(p for p in stack if p in BY_NAME and BY_NAME[p].apply is not None)
    if replay and "given" not in stack:
        for variant, speed in ranked:
            if variant.slug not in done:
                order.append(Move(variant.slug, variant=variant, replay=replay, raced=speed))
    return memory.rank([m for m in order if only.keeps(m)])
