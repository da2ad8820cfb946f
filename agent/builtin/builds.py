"""New code from the C source, once per task: compiles, the race, the mix.

Every compiler variant (`compiler.variants`) is compiled at most once per
task and shared by all branches. Which of them pays differs per program, so
they are built all at once and raced on the slowest input (`agent.builtin.race`,
once per task and target) when a sandbox is at hand and the time budget
leaves room (`RACE_ROOM`); those that lost clearly (`RACE_KEEP`) or behaved
differently are not offered. Without a race the variants come in their
fixed order, with no figures. A race is advice, never a verdict: every
variant offered is judged by the harness like any candidate.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from agent.builtin import compiler, cpu, race
from agent.builtin.bench import Bench
from agent.builtin.memory import digest
from agent.builtin.mix import mix
from agent.builtin.moves import MIX
from agent.builtin.profiling import Profiler
from tools.build import build
from tools.sandbox import SandboxError

RACE_KEEP = 0.98  # a variant raced below this speed of the original is not offered
RACE_ROOM = 60.0  # seconds of time budget a race needs (compiles included); else fixed order

Ranked = list[tuple[compiler.Variant, float]]


class Builds:
    def __init__(self, bench: Bench, profiler: Profiler):
        self.bench = bench
        self.profiler = profiler
        self.texts: dict[str, str | None] = {}  # slug (or MIX) -> its text, None: no build
        self.races: dict[str, Ranked | None] = {}  # target -> the race, None: not raced
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

    def _compile(self, variant: compiler.Variant) -> str | None:
        return compiler.compile_variant(self.bench.task, variant, self.bench.sandbox())

    def _race(self, target: str, left: float | None) -> Ranked | None:
        sandbox = self.bench.sandbox()
        task = self.bench.task
        variants = compiler.variants(task, target)
        if sandbox is None or not variants:
            return None
        todo = [v for v in variants if v.slug not in self.texts]
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(self._compile, todo))
        self.texts.update({v.slug: asm for v, asm in zip(todo, made, strict=True)})
        try:
            original = build(task.asm, sandbox, task.link_flags, task.objects)
            slowest = self.bench.slowest(original.binary) if original.ok else None
            if slowest is None:
                return None
            entrants: dict[str, bytes] = {}
            seen = {digest(task.asm)}
            for v in variants:
                asm = self.texts.get(v.slug)
                if asm is None or digest(asm) in seen or not cpu.allowed(asm, task.asm, target):
                    continue
                seen.add(digest(asm))
                built = build(asm, sandbox, task.link_flags, task.objects)
                if built.ok:
                    entrants[v.slug] = built.binary
            seconds = race.SECONDS if left is None else min(race.SECONDS, left / 4)
            entries = race.race(original.binary, entrants, slowest, sandbox, seconds=seconds)
        except (SandboxError, OSError):  # the race is advice: the fixed order still works
            return None
        by_slug = {v.slug: v for v in variants}
        return [
            (by_slug[e.name], e.speedup) for e in entries if not e.wrong and e.speedup >= RACE_KEEP
        ]

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
