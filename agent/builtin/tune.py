"""Per-program autotuning of compiler flags and per-loop directives.

A user tries four or five builds by hand (gcc or clang, -O3, -march=native,
-funroll-loops, PGO). Which of the compilers' many further choices pays
differs per program: an unroll factor here, no SLP vectorizer there, a
vectorizer cost model, inlining limits, scheduling, prefetching, alignment,
and for each hot loop its own unroll or vector width. This searches that
space per program.

How: a configuration picks one option per dimension (`Dim`) of one
compiler's space (`space`). Generation 0 is the given starting builds (the
builds a user types, and the proposer's known variants) plus random
configurations; each generation is built, raced against the original on the
task's slowest input (`agent.builtin.race`, which itself halves the field
round by round), and its best `KEEP` survive into the next generation with
`CHILDREN` mutants each (one or two dimensions changed): successive halving
with new entrants, until the time given runs out. Every build is
deterministic for a seed. The race only orders: the proposer offers the
survivors to the harness, which judges them like any candidate.

Floating point: a `-march` build may contract a*b+c into an FMA (gcc's and
clang's own default for C, and what a user typing -march=native gets). The
search tries both `-ffp-contract=off` and the default; a contracted build can
win only if its output equals the original's byte for byte on the race's
input, on every test and on the harness's generated inputs (or within the
task's tolerance under `compare = "float"`). A build whose results differ
on an input nobody tried is the risk any untested change carries; the
report names the flags so the user sees `-march` without `-ffp-contract=off`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from agent.builtin import compiler, cpu, pgo, pragmas, race
from agent.builtin.memory import digest
from tools.build import build
from tools.sandbox import Sandbox
from tools.task import Task, TestCase

KEEP = 4  # survivors per generation
CHILDREN = 3  # mutants per survivor
RANDOM = 6  # random configurations in generation 0, beside the starting builds
LOOPS = 3  # hot loops that get a directive dimension
FUNCTIONS = 2  # hot functions that get gcc's optimize attribute as a dimension
GENERATION_MIN_S = 20.0  # do not start a generation with less time than this left


@dataclass(frozen=True)
class Dim:
    name: str
    options: tuple[tuple[str, ...], ...]  # flags per option; options[0] is the default


@dataclass(frozen=True)
class Space:
    compiler: str
    dims: tuple[Dim, ...]
    loops: tuple[pragmas.Loop, ...] = ()
    functions: tuple[str, ...] = ()
    pgo: bool = False

    def variant(self, config: tuple[int, ...]) -> compiler.Variant:
        """The build a configuration names: flags, PGO and directives in that order."""
        flags: list[str] = []
        n = len(self.dims)
        picks = dict(zip((d.name for d in self.dims), config[:n], strict=True))
        for dim, pick in zip(self.dims, config[:n], strict=True):
            if dim.name == "contract" and not picks.get("march"):
                continue  # contraction needs FMA, which only -march brings
            flags += dim.options[pick]
        rest = config[n:]
        use_pgo = bool(rest[0]) if self.pgo else False
        rest = rest[1:] if self.pgo else rest
        directives: list[pragmas.Directive] = []
        loop_choices = pragmas.choices(self.compiler, loop=True)
        for loop, pick in zip(self.loops, rest[: len(self.loops)], strict=False):
            if pick:
                directives.append(pragmas.Directive(loop.index, loop_choices[pick - 1]))
        fn_choices = pragmas.choices(self.compiler, loop=False)
        for name, pick in zip(self.functions, rest[len(self.loops) :], strict=False):
            if pick:
                directives.append(pragmas.Directive(-1, fn_choices[pick - 1], name))
        return compiler.Variant(self.compiler, tuple(flags), use_pgo, tuple(sorted(directives)))

    def sizes(self) -> tuple[int, ...]:
        """How many options each position of a configuration has."""
        sizes = [len(d.options) for d in self.dims]
        if self.pgo:
            sizes.append(2)
        sizes += [len(pragmas.choices(self.compiler, loop=True)) + 1] * len(self.loops)
        sizes += [len(pragmas.choices(self.compiler, loop=False)) + 1] * len(self.functions)
        return tuple(sizes)

    def config_of(self, variant: compiler.Variant) -> tuple[int, ...] | None:
        """The configuration of a given build, None when this space cannot name it."""
        if variant.compiler != self.compiler or variant.directives:
            return None
        config = []
        rest = list(variant.flags)
        for dim in self.dims:
            # The longest option whose flags are all there (the empty one last).
            ranked = sorted(enumerate(dim.options), key=lambda io: -len(io[1]))
            pick = next((i for i, o in ranked if all(f in rest for f in o)), None)
            if pick is None:
                return None
            for f in dim.options[pick]:
                rest.remove(f)
            config.append(pick)
        if rest or (variant.pgo and not self.pgo):
            return None
        if self.pgo:
            config.append(int(variant.pgo))
        config += [0] * (len(self.loops) + len(self.functions))
        return tuple(config)


def space(task: Task, compiler_name: str, target: str, hot: dict[str, float]) -> Space:
    """The tuning space of one compiler for this task."""
    march = cpu.march(target)
    tolerant = task.compare.mode == "float"
    fp = compiler.uses_float(task.source or "")
    if compiler_name == "gcc":
        dims = [
            Dim("opt", (("-O3",), ("-O2",))),
            Dim("march", ((), (march,))),
            Dim(
                "unroll",
                (
                    (),
                    ("-funroll-loops",),
                    ("-funroll-all-loops",),
                    ("-funroll-loops", "--param=max-unroll-times=4"),
                    ("-funroll-loops", "--param=max-unroll-times=2"),
                ),
            ),
            Dim(
                "vectorize",
                (
                    (),
                    ("-fno-tree-vectorize",),
                    ("-fno-tree-slp-vectorize",),
                    ("-fvect-cost-model=cheap",),
                    ("-fvect-cost-model=unlimited",),
                ),
            ),
            Dim(
                "inline",
                (
                    (),
                    ("--param=max-inline-insns-auto=80",),
                    ("--param=inline-unit-growth=200", "--param=max-inline-insns-single=800"),
                    ("-fno-inline-functions",),
                ),
            ),
            Dim("schedule", ((), ("-fschedule-insns", "-fsched-pressure"))),
            Dim(
                "loops", ((), ("-fprefetch-loop-arrays",), ("-fno-tree-loop-distribute-patterns",))
            ),
            Dim("align", ((), ("-falign-loops=32",), ("-falign-functions=32", "-falign-loops=32"))),
            Dim("ipa", ((), ("-fwhole-program",), ("-fipa-pta",))),
            Dim("plt", ((), ("-fno-plt",))),
        ]
    else:
        dims = [
            Dim("opt", (("-O3",), ("-O2",))),
            Dim("march", ((), (march,))),
            Dim(
                "unroll",
                (
                    (),
                    ("-funroll-loops",),
                    ("-fno-unroll-loops",),
                    ("-mllvm", "-unroll-threshold=1000"),
                ),
            ),
            Dim(
                "vectorize",
                (
                    (),
                    ("-fno-vectorize",),
                    ("-fno-slp-vectorize",),
                    ("-mllvm", "-force-vector-interleave=1"),
                ),
            ),
            Dim(
                "inline",
                ((), ("-mllvm", "-inline-threshold=500"), ("-mllvm", "-inline-threshold=60")),
            ),
            Dim("align", ((), ("-falign-loops=32",))),
            Dim("plt", ((), ("-fno-plt",))),
        ]
    # FMA contraction only matters with -march; off first, as the proposer's known builds have it.
    dims.insert(
        2, Dim("contract", (("-ffp-contract=off",), ())) if not tolerant else Dim("contract", ((),))
    )
    if tolerant and fp:
        dims.append(Dim("fastmath", ((), ("-ffast-math",))))
    source = task.source or ""
    loops = pragmas.hot_loops(source, hot, LOOPS) if source else ()
    functions: tuple[str, ...] = ()
    if compiler_name == "gcc" and source:
        names = {name for name, _ in pragmas.functions(source)}
        functions = tuple(n for n, _ in sorted(hot.items(), key=lambda kv: -kv[1]) if n in names)
        functions = functions[:FUNCTIONS]
    return Space(compiler_name, tuple(dims), loops, functions, pgo.available(compiler_name))


def _normalize(space_: Space, config: tuple[int, ...]) -> tuple[int, ...]:
    """Without -march the contraction choice means nothing: fold it to the default."""
    names = [d.name for d in space_.dims]
    config = list(config)
    if "march" in names and "contract" in names and config[names.index("march")] == 0:
        config[names.index("contract")] = 0
    return tuple(config)


def _mutate(space_: Space, config: tuple[int, ...], rng: random.Random) -> tuple[int, ...]:
    sizes = space_.sizes()
    out = list(config)
    positions = [i for i, n in enumerate(sizes) if n > 1]
    for i in rng.sample(positions, min(len(positions), rng.choice((1, 1, 2)))):
        out[i] = rng.choice([k for k in range(sizes[i]) if k != out[i]])
    return _normalize(space_, tuple(out))


def _random(space_: Space, rng: random.Random) -> tuple[int, ...]:
    """A configuration near the defaults: each dimension moved with probability 1/3."""
    return _normalize(
        space_,
        tuple(rng.randrange(n) if n > 1 and rng.random() < 1 / 3 else 0 for n in space_.sizes()),
    )


@dataclass
class Result:
    """The search's ranking: (build, raced speed over the original), best first."""

    ranked: list[tuple[compiler.Variant, float]] = field(default_factory=list)
    asm: dict[compiler.Variant, str] = field(default_factory=dict)
    generations: int = 0
    built: int = 0


def tune(
    task: Task,
    sandbox: Sandbox,
    target: str,
    original: bytes,
    test: TestCase,
    seconds: float,
    *,
    start: list[compiler.Variant] = (),
    hot: dict[str, float] | None = None,
    seed: int = 0,
    compile_fn: Callable[[compiler.Variant], str | None] | None = None,
    max_generations: int | None = None,
) -> Result:
    """Search the flag and directive space of every installed compiler within
    `seconds`; `start` are builds to race in generation 0 (known good points)."""
    deadline = time.monotonic() + seconds
    rng = random.Random(seed)
    spaces = {c: space(task, c, target, hot or {}) for c in compiler.compilers()}
    make = compile_fn or (lambda v: compiler.compile_variant(task, v, sandbox))
    result = Result()
    speed: dict[compiler.Variant, float] = {}
    digests: dict[compiler.Variant, str] = {}
    binaries: dict[str, bytes] = {}  # digest -> binary
    seen_original = digest(task.asm)

    configs: list[tuple[str, tuple[int, ...]]] = []
    extra: list[compiler.Variant] = []  # starting builds this space cannot name
    for v in start:
        config = spaces[v.compiler].config_of(v) if v.compiler in spaces else None
        if config is None:
            extra.append(v)
        else:
            configs.append((v.compiler, _normalize(spaces[v.compiler], config)))
    for c, sp in spaces.items():
        configs += [(c, _random(sp, rng)) for _ in range(RANDOM // max(1, len(spaces)))]
    generation = [*dict.fromkeys(spaces[c].variant(k) for c, k in configs), *extra]
    by_variant = {spaces[c].variant(k): (c, k) for c, k in configs}

    while generation:
        todo = [v for v in generation if v not in digests]
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(make, todo))
        for v, asm in zip(todo, made, strict=True):
            result.built += 1
            if asm is None or not cpu.allowed(asm, task.asm, target):
                digests[v] = ""
                continue
            d = digest(asm)
            digests[v] = d
            result.asm[v] = asm
            if d != seen_original and d not in binaries:
                built = build(asm, sandbox, task.link_flags, task.objects)
                binaries[d] = built.binary if built.ok else b""
        entrants = {
            d: binaries[d] for d in {digests[v] for v in generation} if d and binaries.get(d)
        }
        left = deadline - time.monotonic()
        if not entrants or left <= 1:
            break
        entries = race.race(
            original, entrants, test, sandbox, seconds=min(race.SECONDS, left / 2), seed=seed
        )
        result.generations += 1
        by_digest = {e.name: (0.0 if e.wrong else e.speedup) for e in entries}
        for v in generation:
            if digests.get(v) in by_digest:
                speed[v] = by_digest[digests[v]]
        if deadline - time.monotonic() < GENERATION_MIN_S:
            break
        if max_generations is not None and result.generations >= max_generations:
            break
        # The best of this generation, one build per distinct assembly.
        best: list[compiler.Variant] = []
        taken: set[str] = set()
        for v in sorted(generation, key=lambda v: -speed.get(v, 0.0)):
            if speed.get(v, 0.0) > 0 and digests[v] not in taken and v in by_variant:
                best.append(v)
                taken.add(digests[v])
            if len(best) == KEEP:
                break
        children: list[compiler.Variant] = []
        for v in best:
            c, k = by_variant[v]
            for _ in range(CHILDREN):
                mutant = _mutate(spaces[c], k, rng)
                child = spaces[c].variant(mutant)
                if child not in digests and child not in children:
                    by_variant[child] = (c, mutant)
                    children.append(child)
        generation = best + children
    ranked = sorted(((v, s) for v, s in speed.items() if s > 0), key=lambda vs: -vs[1])
    # One build per distinct assembly: the first name found for it.
    unique: dict[str, tuple[compiler.Variant, float]] = {}
    for v, s in ranked:
        unique.setdefault(digests[v], (v, s))
    result.ranked = list(unique.values())
    return result
