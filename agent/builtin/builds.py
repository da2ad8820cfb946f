"""New code from the C source, once per task: compiles, the tuning search, the mix.

Every compiler variant is compiled at most once per task and shared by all
branches. Which build pays differs per program, so when a sandbox is at hand
and the time budget leaves room (`RACE_ROOM`) the known variants
(`compiler.variants`) start a per-program search over flags and per-loop
directives (`agent.builtin.tune`: generations raced on the slowest input,
successive halving), once per task and target; the best `OFFER` builds that
did not lose clearly (`RACE_KEEP`) or behave differently are offered. Without
a race the variants come in their fixed order, with no figures. A race is
advice, never a verdict: every build offered is judged by the harness like
any candidate.
"""

from __future__ import annotations

import time

from agent.builtin import compiler, tune
from agent.builtin.bench import Bench
from agent.builtin.mix import mix
from agent.builtin.moves import MIX
from agent.builtin.profiling import Profiler
from tools.build import build
from tools.sandbox import SandboxError

RACE_KEEP = 0.98  # a variant raced below this speed of the original is not offered
RACE_ROOM = 60.0  # seconds of time budget a race needs (compiles included); else fixed order
TUNE_SHARE = 0.3  # of the time left, for the tuning search
TUNE_MAX_S = 120.0  # at most, whatever the budget
UNTIMED_GENERATIONS = 3  # without a time budget: generation 0 and two more
OFFER = 8  # builds offered from the search, best first

Ranked = list[tuple[compiler.Variant, float]]


class Builds:
    def __init__(self, bench: Bench, profiler: Profiler):
        self.bench = bench
        self.profiler = profiler
        self.texts: dict[str, str | None] = {}  # slug (or MIX) -> its text, None: no build
        self.races: dict[str, Ranked | None] = {}  # target -> the race, None: not raced
        self.known: dict[str, compiler.Variant] = {}  # slug -> every build made so far
        self.mix_recipe = ""  # what the mix took from where, in words

    def text(self, name: str, variant: compiler.Variant | None, target: str) -> str | None:
        """The text of a compile (`variant`) or of the mix (`name` MIX), made once."""
        if name not in self.texts:
            if name == MIX:
                self.texts[name] = self._mix(target)
            else:
                self.texts[name] = self._compile(variant)
        return self.texts[name]

    def ranked(self, target: str, deadline: float | None = None) -> Ranked:
        """The variants worth offering, best first: raced when possible (see the
        module docstring), else in the fixed order with no figures."""
        left = None if deadline is None else deadline - time.monotonic()
        if target not in self.races and (left is None or left >= RACE_ROOM):
            self.races[target] = self._race(target, left)
        raced = self.races.get(target)
        if raced is None:
            return [(v, 0.0) for v in compiler.variants(self.bench.task, target)]
        return raced

    def variant(self, slug: str, target: str) -> compiler.Variant | None:
        """The build a slug names: a known variant or one the search made."""
        if slug in self.known:
            return self.known[slug]
        return {v.slug: v for v in compiler.variants(self.bench.task, target)}.get(slug)

    def _compile(self, variant: compiler.Variant) -> str | None:
        self.known[variant.slug] = variant
        return compiler.compile_variant(self.bench.task, variant, self.bench.sandbox())

    def _race(self, target: str, left: float | None) -> Ranked | None:
        sandbox = self.bench.sandbox()
        task = self.bench.task
        variants = compiler.variants(task, target)
        if sandbox is None or not variants:
            return None
        try:
            original = build(task.asm, sandbox, task.link_flags, task.objects)
            slowest = self.bench.slowest(original.binary) if original.ok else None
            if slowest is None:
                return None
            hot = self.profiler.context(task.asm, target).hot_functions
            found = tune.tune(
                task,
                sandbox,
                target,
                original.binary,
                slowest,
                TUNE_MAX_S if left is None else min(TUNE_MAX_S, TUNE_SHARE * left),
                start=variants,
                hot={name: percent for name, _dso, percent in hot},
                compile_fn=self._compile,
                max_generations=UNTIMED_GENERATIONS if left is None else None,
            )
        except (SandboxError, OSError):  # the race is advice: the fixed order still works
            return None
        for variant, asm in found.asm.items():
            self.texts[variant.slug] = asm
        kept = [(v, speed) for v, speed in found.ranked if speed >= RACE_KEEP]
        return kept[:OFFER]

    def _mix(self, target: str) -> str | None:
        made = mix(
            self.bench.task.asm,
            self.races.get(target) or [],
            self.texts,
            lambda asm: self.profiler.context(asm, target),
            self._compile,
        )
        if made is None:
            return None
        asm, self.mix_recipe = made
        return asm
