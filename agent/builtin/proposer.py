"""The built-in optimizer as a proposer: classical passes, no LLM.

Each call returns one complete `.s`: the branch's current best with one more
pass applied, or a fresh compile of the C source with other flags. Nothing is
trusted: the harness assembles, tests and times every proposal, and only
accepted ones come back as a branch's `current`, which is how passes stack.

How it chooses (per task, shared by all branches):
- it profiles each new `current` once (in the sandbox) to see where the time
  goes; fast I/O comes first when scanf/printf internals hold the time,
  if-conversion of hot branches next, then compiler variants (while the
  branch still holds compiler output), then idioms, peephole, alignment;
- compiler variants are first built all at once and raced on the slowest
  input (`agent.builtin.race`): they are offered fastest first, those that
  lost clearly or behaved differently not at all, and when the race's leader
  is clearly ahead of the original they come before the assembly passes, which
  then stack on the winning regeneration;
- a pass already in the current's stack is not applied again, and no
  assembly is proposed twice (branches therefore spread over different moves);
- it remembers what the harness accepted or rejected (a branch's next
  `current` is its last proposal, or is unchanged) and tries moves accepted
  elsewhere first and rejected ones last;
- a proposal may only use instructions the target CPU has.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from agent.builtin import (
    align,
    compiler,
    cpu,
    fast_io,
    idioms,
    ifconvert,
    peephole,
    race,
    splice,
)
from agent.builtin.context import (
    PassContext,
    from_profile,
    parse_hot_functions,
    parse_hot_lines,
)
from agent.proposer import Proposal, ProposalRequest
from tools import asm as asmlib
from tools.errors import BadInput
from tools.sandbox import Sandbox
from tools.task import Task, TestCase

IO_HOT = 10.0  # % of samples in stdio internals for fast I/O to go first
RACE_KEEP = 0.98  # a variant raced below this speed of the original is not offered
REGEN_FIRST = 1.03  # a race leader this far ahead puts regeneration before the asm passes
RACE_ROOM = 60.0  # seconds of time budget a race needs (compiles included); else fixed order
MIX = "mix"  # the move that splices each hot function from the build that ran it fastest
MIX_SOURCES = 3  # the race's best builds, profiled per function (plus the original)
MIX_HOT = 3.0  # % of the base's samples for a function to be worth taking elsewhere
MIX_GAIN = 0.95  # the donor's time for that function must be below this share of the base's
PROFILE_LINES = 60
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


@dataclass(frozen=True)
class Move:
    name: str
    run: Callable[[str, PassContext], str | None] | None = None  # asm passes
    variant: compiler.Variant | None = None  # compiler regeneration
    raced: float | None = None  # the variant's speed in the race (original = 1.0)
    replay: tuple[str, ...] = ()  # asm passes re-applied on top of the variant

    @property
    def regen(self) -> bool:
        """New code from the source (a compile, or the mix of compiles), not a pass."""
        return self.variant is not None or self.name == MIX


ASM_PASSES: dict[str, Callable[[str, PassContext], str | None]] = {
    "fast_io": fast_io.apply,
    "ifconvert": ifconvert.apply,
    "idioms": idioms.apply,
    "peephole": peephole.apply,
    "bmi2": idioms.apply_bmi2,
    "align32": align.apply32,
    "align64": align.apply64,
}


def digest(asm: str) -> str:
    return hashlib.sha256(asmlib.normalize(asm).encode("utf-8", "surrogateescape")).hexdigest()


def io_share(ctx: PassContext) -> float:
    """Share of samples in stdio/number-conversion internals (outside the program)."""
    return sum(
        p
        for name, dso, p in ctx.hot_functions
        if "libc" in dso and any(key in name for key in _IO_NAMES) and "_dl_" not in name
    )


def _run_pass(run, asm: str, ctx: PassContext) -> str | None:
    try:
        return run(asm, ctx)
    except Exception:  # a pass that trips over unusual text must not stop the run
        return None


PASS_WORDS = {
    "fast_io": "scanf/printf replaced by a buffered reader and writer",
    "ifconvert": "hot unpredictable branches turned into conditional moves",
    "idioms": "library calls replaced by instructions the CPU has (popcnt)",
    "bmi2": "shifts by %cl as BMI2 shlx/shrx/sarx",
    "peephole": "peephole rewrites (self moves, cmp $0, small multiplies, dead stores)",
    "align32": "hot loop heads aligned to 32 bytes",
    "align64": "hot loop heads aligned to 64 bytes",
}


class _TaskState:
    """What the proposer knows about one task: shared by all its branches."""

    def __init__(self, task: Task):
        self.task = task
        self.lock = threading.Lock()
        self.origin: dict[str, tuple[str, ...]] = {digest(task.asm): ()}
        self.proposed: set[str] = set()
        self.contexts: dict[tuple[str, str], PassContext] = {}
        self.regen: dict[str, str | None] = {}
        self.last: dict[int, tuple[str, str, str]] = {}  # branch -> (current, move, proposal)
        self.accepted: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.slowest: TestCase | None = None
        self.slowest_known = False
        self.sandbox: Sandbox | None = None
        self.sandbox_tried = False
        self.races: dict[str, list[tuple[compiler.Variant, float]] | None] = {}  # by target
        self.mix_recipe = ""  # what the mix took from where, in words


class BuiltinProposer:
    """`--model builtin`: compiler variants, PGO, fast I/O and assembly passes."""

    name = "builtin"

    def __init__(
        self,
        sandbox: Sandbox | None = None,
        passes: tuple[str, ...] | None = None,
        use_sandbox: bool = True,
    ):
        """`sandbox` runs profiles and PGO training (default: a bwrap sandbox made on
        first use; none with `use_sandbox=False`, which skips both). `passes`
        restricts the moves by name ("regen" for all compiler variants)."""
        self._sandbox = sandbox
        self._use_sandbox = use_sandbox
        self._passes = passes
        self._tasks: dict[str, _TaskState] = {}
        self._lock = threading.Lock()

    async def propose(self, request: ProposalRequest) -> Proposal:
        return await asyncio.to_thread(self.propose_sync, request)

    # -- the work (in a worker thread) ---------------------------------------

    def propose_sync(self, request: ProposalRequest) -> Proposal:
        target = cpu.check_target(request.target_cpu or "native")
        state = self._state(request.task)
        with state.lock:
            current = digest(request.current)
            last = self._learn(state, request.branch, current)
            passes = state.origin.get(current, ("given",))
            # The feedback describes the last proposal: it fits only if that became current.
            fits = last is None or last[2] == current
            ctx = self._context(state, request, current, target, feedback_fits=fits)
            for move in self._moves(state, passes, ctx, request.deadline):
                asm, stack = self._make(state, move, request.current, ctx, passes)
                if asm is None:
                    continue
                made = digest(asm)
                if made in state.proposed or made in state.origin:
                    continue
                if not cpu.allowed(asm, state.task.asm, target):
                    continue
                state.proposed.add(made)
                state.origin[made] = stack
                state.last[request.branch] = (current, move.name, made)
                return Proposal(
                    asm=asm,
                    note="+".join(stack),
                    model="builtin",
                    extra={"passes": list(stack), "move": move.name}
                    | ({"raced": round(move.raced, 3)} if move.raced else {}),
                )
            state.last.pop(request.branch, None)
            return Proposal(
                asm=None,
                note="nothing left to try",
                model="builtin",
                extra={"passes": list(passes)},
            )

    def _state(self, task: Task) -> _TaskState:
        key = hashlib.sha256(
            (task.name + "\0" + task.asm + "\0" + (task.source or "")).encode("utf-8", "replace")
        ).hexdigest()
        with self._lock:
            if key not in self._tasks:
                self._tasks[key] = _TaskState(task)
            return self._tasks[key]

    def _learn(self, state: _TaskState, branch: int, current: str):
        """Did the harness accept this branch's last proposal? Returns that proposal's
        (current, move, digest), or None."""
        last = state.last.pop(branch, None)
        if last is None:
            return None
        before, move, proposal = last
        if current == proposal:
            state.accepted[move] += 1
        elif current == before:
            state.rejected[move] += 1
        return last

    def _moves(
        self, state: _TaskState, passes: tuple[str, ...], ctx: PassContext, deadline=None
    ) -> Iterator[Move]:
        """The moves to try, best first. Fast I/O, when the profile says stdio holds
        the time, comes before anything that needs the race (which is then not run
        until that proposal is made or refused)."""
        done = set(passes)
        io_first = io_share(ctx) >= IO_HOT
        wanted = self._passes is None or "fast_io" in self._passes
        if io_first and wanted and "fast_io" not in done and not state.rejected["fast_io"]:
            yield Move("fast_io", run=ASM_PASSES["fast_io"])
            done.add("fast_io")
        yield from self._ordered(state, passes, done, io_first, ctx.target, deadline)

    def _ordered(
        self,
        state: _TaskState,
        passes: tuple[str, ...],
        done: set[str],
        io_first: bool,
        target: str,
        deadline: float | None,
    ) -> list[Move]:
        task = state.task
        order: list[Move] = []

        def add(name: str) -> None:
            if name not in done:
                order.append(Move(name, run=ASM_PASSES[name]))

        only_compiled = all(p.startswith(compiler.compilers()) for p in passes)
        regen_allowed = self._passes is None or "regen" in self._passes
        ranked = self._ranked(state, target, deadline) if task.source and regen_allowed else []
        regen = [
            Move(v.slug, variant=v, raced=speed)
            for v, speed in ranked
            if only_compiled and v.slug not in done
        ]
        if regen and MIX not in done and self._may(MIX):
            regen.insert(1, Move(MIX))
        lead = bool(regen) and (regen[0].raced or 0.0) >= REGEN_FIRST
        if io_first:
            add("fast_io")
        if lead:
            order += regen
        add("ifconvert")
        add("idioms")
        if not lead:
            order += regen
        for name in ("peephole", "bmi2", "align32", "align64"):
            add(name)
        if not io_first:
            add("fast_io")
        # Last: the accepted assembly passes again, on top of other compiler output.
        replay = tuple(p for p in passes if p in ASM_PASSES)
        if task.source and replay and "given" not in passes:
            for variant, speed in ranked:
                if variant.slug not in done:
                    order.append(Move(variant.slug, variant=variant, replay=replay, raced=speed))
        if self._passes is not None:
            order = [
                m
                for m in order
                if self._may(m.name) or (m.regen and m.name != MIX and self._may("regen"))
            ]
        # Moves the harness accepted elsewhere first, rejected ones last (stable otherwise).
        return sorted(
            order, key=lambda m: (-min(state.accepted[m.name], 1), state.rejected[m.name] > 0)
        )

    def _may(self, name: str) -> bool:
        return self._passes is None or name in self._passes

    def _make(
        self, state: _TaskState, move: Move, current: str, ctx: PassContext, passes: tuple
    ) -> tuple[str | None, tuple[str, ...]]:
        """The move's assembly and the pass stack that produced it."""
        if not move.regen:
            return _run_pass(move.run, current, ctx), (*passes, move.name)
        slug = move.name
        asm = self._regen(state, slug, move.variant, ctx.target)
        stack: tuple[str, ...] = (slug,)
        if asm is None or not move.replay:
            return asm, stack
        # Replay on the new code, profiled afresh; after the first rewrite the line
        # numbers no longer match that profile, so later passes go without hot lines.
        here = self._context_of(state, asm, ctx.target)
        for name in move.replay:
            out = _run_pass(ASM_PASSES[name], asm, here)
            if out is not None:
                asm, stack = out, (*stack, name)
                here = here.without_profile()
        return (asm, stack) if len(stack) > 1 else (None, stack)

    def _regen(
        self, state: _TaskState, name: str, variant: compiler.Variant | None, target: str
    ) -> str | None:
        """The text of a compile or of the mix, made once per task (None: no build)."""
        if name not in state.regen:
            if name == MIX:
                state.regen[name] = self._mix(state, target)
            else:
                state.regen[name] = compiler.compile_variant(
                    state.task, variant, self.sandbox(state)
                )
        return state.regen[name]

    def rebuild(self, task: Task, passes: list[str] | tuple[str, ...], target: str) -> str | None:
        """The text `passes` make from scratch, in order: the named compiler
        variant (else the original), then each assembly pass on a fresh profile
        of the text so far. A pass that no longer fires is skipped. Used to take
        a winner apart (`agent.builtin.ablation`); None when a named variant does
        not build or a name is unknown."""
        state = self._state(task)
        target = cpu.check_target(target)
        by_slug = {v.slug: v for v in compiler.variants(task, target)}
        with state.lock:
            asm = task.asm
            rest = list(passes)
            if rest and (rest[0] in by_slug or rest[0] == MIX):
                slug = rest.pop(0)
                asm = self._regen(state, slug, by_slug.get(slug), target)
                if asm is None:
                    return None
            for name in rest:
                if name not in ASM_PASSES:
                    return None
                out = _run_pass(ASM_PASSES[name], asm, self._context_of(state, asm, target))
                asm = out if out is not None else asm
            return asm

    def describe(self, task: Task, move: str, target: str) -> str:
        """A move in words: a compile's command line, the mix's recipe, or the pass."""
        if move == MIX:
            return self._state(task).mix_recipe or "per-function mix"
        for variant in compiler.variants(task, target):
            if variant.slug == move:
                return variant.name
        return PASS_WORDS.get(move, move)

    # -- per-function mixing ---------------------------------------------------

    def _mix(self, state: _TaskState, target: str) -> str | None:
        """The race leader with each hot function taken from whichever of the best
        builds (or the original) ran it fastest, by their profiles; None when no
        function is clearly faster elsewhere or the splice is refused
        (`agent.builtin.splice` says when, and why the result is sound)."""
        ranked = [
            (v, speed)
            for v, speed in (state.races.get(target) or [])
            if speed > 0 and "-ffast-math" not in v.flags  # its startup code is not linked
        ]
        sources = [(v.slug, speed, state.regen.get(v.slug)) for v, speed in ranked[:MIX_SOURCES]]
        if not sources or sources[0][2] is None:
            return None
        sources.append(("original", 1.0, state.task.asm))
        # Each function's CPU time in units of the original's run: share / speed.
        times: dict[str, dict[str, float]] = {}
        for label, speed, asm in sources:
            if asm is None:
                continue
            names = set(splice.function_names(asm))
            for name, _dso, percent in self._context_of(state, asm, target).hot_functions:
                if name in names:
                    times.setdefault(name, {})[label] = percent / 100 / speed
        leader, lead_speed, _ = sources[0]
        picks: dict[str, list[str]] = {}
        for name, by in times.items():
            here = by.get(leader)
            if here is None or here * lead_speed * 100 < MIX_HOT:
                continue
            donor = min(by, key=by.__getitem__)
            if donor != leader and by[donor] < MIX_GAIN * here:
                picks.setdefault(donor, []).append(name)
        if not picks:
            return None
        variant = ranked[0][0]
        if variant.compiler == "gcc":  # see splice.BASE_FLAGS: no IPA register allocation
            variant = compiler.Variant("gcc", variant.flags + splice.BASE_FLAGS, variant.pgo)
        asm = compiler.compile_variant(state.task, variant, self.sandbox(state))
        if asm is None:
            return None
        by_label = {label: text for label, _speed, text in sources}
        taken = []
        for n, (donor, names) in enumerate(sorted(picks.items())):
            mixed = splice.splice(asm, by_label[donor], sorted(names), tag=f"mix{n}")
            if mixed is not None:
                asm = mixed
                taken.append(f"{', '.join(sorted(names))} from {donor}")
        if not taken:
            return None
        state.mix_recipe = f"{leader} with {'; '.join(taken)}"
        return asm

    # -- race ------------------------------------------------------------------

    def _ranked(
        self, state: _TaskState, target: str, deadline: float | None = None
    ) -> list[tuple[compiler.Variant, float]]:
        """The task's compiler variants worth offering, best first: raced when a
        sandbox is at hand (once per task and target) and the time budget leaves
        room, else in the fixed order."""
        left = None if deadline is None else deadline - time.monotonic()
        if target not in state.races and (left is None or left >= RACE_ROOM):
            state.races[target] = self._race(state, target, left)
        raced = state.races.get(target)
        if raced is None:  # no race (yet): the fixed order, no figures
            return [(v, 0.0) for v in compiler.variants(state.task, target)]
        return raced

    def _race(self, state: _TaskState, target: str, left: float | None = None):
        from tools.build import build

        sandbox = self.sandbox(state)
        variants = compiler.variants(state.task, target)
        if sandbox is None or not variants:
            return None
        task = state.task
        todo = [v for v in variants if v.slug not in state.regen]
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(lambda v: compiler.compile_variant(task, v, sandbox), todo))
        state.regen.update({v.slug: asm for v, asm in zip(todo, made, strict=True)})
        try:
            original = build(task.asm, sandbox, task.link_flags)
            slowest = self._slowest(state, original.binary) if original.ok else None
            if slowest is None:
                return None
            entrants: dict[str, bytes] = {}
            seen = {digest(task.asm)}
            for v in variants:
                asm = state.regen.get(v.slug)
                if asm is None or digest(asm) in seen or not cpu.allowed(asm, task.asm, target):
                    continue
                seen.add(digest(asm))
                built = build(asm, sandbox, task.link_flags)
                if built.ok:
                    entrants[v.slug] = built.binary
            seconds = race.SECONDS if left is None else min(race.SECONDS, left / 4)
            entries = race.race(original.binary, entrants, slowest, sandbox, seconds=seconds)
        except Exception:  # the race is advice: without it the fixed order still works
            return None
        by_slug = {v.slug: v for v in variants}
        return [
            (by_slug[e.name], e.speedup) for e in entries if not e.wrong and e.speedup >= RACE_KEEP
        ]

    def _slowest(self, state: _TaskState, binary: bytes) -> TestCase | None:
        """The task's slowest test (found once, by one run of every test)."""
        from tools.testing import run_tests

        if not state.slowest_known:
            state.slowest_known = True
            sandbox = self.sandbox(state)
            report = run_tests(binary, state.task.tests, sandbox, state.task.compare)
            state.slowest = report.slowest().test
        return state.slowest

    # -- profile ---------------------------------------------------------------

    def sandbox(self, state: _TaskState) -> Sandbox | None:
        """The given sandbox, else one with the task's limits (None without bwrap)."""
        if self._sandbox is not None or not self._use_sandbox:
            return self._sandbox
        if not state.sandbox_tried:
            state.sandbox_tried = True
            try:
                state.sandbox = Sandbox(state.task.limits)
            except BadInput:
                state.sandbox = None
        return state.sandbox

    def _context(
        self,
        state: _TaskState,
        request: ProposalRequest,
        current: str,
        target: str,
        feedback_fits: bool = False,
    ) -> PassContext:
        key = (current, target)
        if key in state.contexts:
            return state.contexts[key]
        base = {"target": target}
        ctx = self._profile(state, request.current, base)
        if ctx is None and request.feedback is not None and feedback_fits:
            ctx = PassContext(
                hot_lines=parse_hot_lines(request.feedback.hot_lines),
                hot_functions=parse_hot_functions(request.feedback.hot_functions),
                **base,
            )
        ctx = ctx or PassContext(**base)
        state.contexts[key] = ctx
        return ctx

    def _context_of(self, state: _TaskState, asm: str, target: str) -> PassContext:
        """The profile context of any text (cached), without feedback."""
        key = (digest(asm), target)
        if key not in state.contexts:
            base = {"target": target}
            state.contexts[key] = self._profile(state, asm, base) or PassContext(**base)
        return state.contexts[key]

    def _profile(self, state: _TaskState, asm: str, base: dict) -> PassContext | None:
        from tools.build import build
        from tools.profile import profile

        sandbox = self.sandbox(state)
        if sandbox is None:
            return None
        try:
            built = build(asm, sandbox, state.task.link_flags)
            if not built.ok:
                return None
            slowest = self._slowest(state, built.binary)
            if slowest is None:
                return None
            prof = profile(built.binary, asm, slowest.input, sandbox, top=PROFILE_LINES)
        except Exception:  # profiling is advice: without it the passes still work
            return None
        if not prof.samples:
            return None
        return from_profile(prof, **base)
