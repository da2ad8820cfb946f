"""The built-in optimizer as a proposer: classical moves, no LLM.

Each call returns one complete `.s`: the branch's current best with one more
move applied (`agent.builtin.moves`), in the order `agent.builtin.policy`
gives. Nothing is trusted: the harness assembles, tests and times every
proposal, and only accepted ones come back as a branch's `current`, which is
how moves stack. The graph says which proposal it accepted
(`ProposalRequest.previous`); that is remembered per task (`memory`).

Per task, shared by all its branches: a bench (sandbox and slowest test),
profiles of each text (`profiling`), the compiler variants, race and mix
(`builds`) and the memory. A proposal may only use instructions the target
CPU has, and no text is proposed twice.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import threading
import time

from agent.builtin import cpu
from agent.builtin.bench import Bench
from agent.builtin.builds import Builds
from agent.builtin.context import PassContext
from agent.builtin.memory import Memory
from agent.builtin.moves import BY_NAME, MIX, Apply, Move, words
from agent.builtin.policy import Only, moves
from agent.builtin.profiling import Profiler
from agent.proposer import Proposal, ProposalRequest
from tools.sandbox import Sandbox
from tools.stats import Ratio
from tools.task import Task


class _TaskState:
    """What the proposer holds for one task; `lock` serialises its branches."""

    def __init__(self, task: Task, sandbox: Sandbox | None, use_sandbox: bool):
        self.task = task
        self.lock = threading.Lock()
        self.memory = Memory(task.asm)
        self.bench = Bench(task, sandbox, use_sandbox)
        self.profiler = Profiler(self.bench)
        self.builds = Builds(self.bench, self.profiler)
        self.made: dict[str, Apply | None] = {}  # passes made per task (`AsmPass.make`)

    def apply(self, name: str, asm: str, ctx: PassContext, deadline: float | None) -> str | None:
        """Pass `name` on `asm`; a pass made per task is made on first use."""
        found = BY_NAME[name]
        if found.apply is not None:
            return found.apply(asm, ctx)
        if name not in self.made:
            left = None if deadline is None else deadline - time.monotonic()
            self.made[name] = found.make(self.bench, left)
        run = self.made[name]
        return run(asm, ctx) if run is not None else None


class BuiltinProposer:
    """`--model builtin`: compiler variants, PGO, fast I/O and assembly passes."""

    name = "builtin"
    offline = True  # no model calls; no assembly means nothing left to try

    def __init__(
        self,
        sandbox: Sandbox | None = None,
        passes: tuple[str, ...] | None = None,
        use_sandbox: bool = True,
    ):
        """`sandbox` runs profiles, races and PGO training (default: a bwrap
        sandbox made on first use; none with `use_sandbox=False`, which skips
        them). `passes` restricts the moves by name ("regen" for all compiler
        variants, "mix" for the mix)."""
        self._sandbox = sandbox
        self._use_sandbox = use_sandbox
        self._only = Only(passes)
        self._tasks: dict[str, _TaskState] = {}
        self._lock = threading.Lock()

    async def propose(self, request: ProposalRequest) -> Proposal:
        return await asyncio.to_thread(self.propose_sync, request)

    def propose_sync(self, request: ProposalRequest) -> Proposal:
        target = cpu.check_target(request.target_cpu or "native")
        state = self._state(request.task)
        with state.lock:
            memory = state.memory
            memory.told(request.branch, request.previous)
            stack = memory.stack(request.current)
            # The feedback describes the last proposal: it fits only if that became current.
            fits = request.previous is None or request.previous.accepted
            ctx = state.profiler.context(
                request.current, target, request.feedback if fits else None
            )
            ranked = None  # the raced compiler variants, asked for only when needed
            if state.task.source:
                ranked = functools.partial(state.builds.ranked, target, request.deadline)
            for move in moves(stack, ctx, memory, self._only, ranked):
                asm, made = self._make(state, move, request, ctx, stack)
                if asm is None or not memory.fresh(asm):
                    continue
                if not cpu.allowed(asm, state.task.asm, target):
                    continue
                memory.proposing(request.branch, request.iteration, move.name, asm, made)
                raced = {"raced": round(move.raced, 3)} if move.raced else {}
                return Proposal(
                    asm=asm,
                    note="+".join(made),
                    model="builtin",
                    extra={"passes": list(made), "move": move.name} | raced,
                )
            return Proposal(
                asm=None, note="nothing left to try", model="builtin", extra={"passes": list(stack)}
            )

    def _state(self, task: Task) -> _TaskState:
        key = hashlib.sha256(
            (task.name + "\0" + task.asm + "\0" + (task.source or "")).encode("utf-8", "replace")
        ).hexdigest()
        with self._lock:
            if key not in self._tasks:
                self._tasks[key] = _TaskState(task, self._sandbox, self._use_sandbox)
            return self._tasks[key]

    def _make(
        self, state: _TaskState, move: Move, request: ProposalRequest, ctx: PassContext, stack
    ) -> tuple[str | None, tuple[str, ...]]:
        """The move's assembly and the stack of moves that produced it."""
        if not move.regen:
            asm = state.apply(move.name, request.current, ctx, request.deadline)
            return asm, (*stack, move.name)
        asm = state.builds.text(move.name, move.variant, ctx.target)
        made: tuple[str, ...] = (move.name,)
        if asm is None or not move.replay:
            return asm, made
        # Replay on the new code, profiled afresh; after the first rewrite the line
        # numbers no longer match that profile, so later passes go without hot lines.
        here = state.profiler.context(asm, ctx.target)
        for name in move.replay:
            out = state.apply(name, asm, here, request.deadline)
            if out is not None:
                asm, made = out, (*made, name)
                here = here.without_profile()
        return (asm, made) if len(made) > 1 else (None, made)

    # -- taking a winner apart (the `explain` capability, agent/proposer.py) -----

    def rebuild(self, task: Task, passes: list[str] | tuple[str, ...], target: str) -> str | None:
        """The text `passes` make from scratch, in order: the named compiler
        variant (else the original), then each assembly pass on a fresh profile
        of the text so far. A pass that no longer fires is skipped. Used to take
        a winner apart (`agent.builtin.ablation`); None when a named variant does
        not build or a name is unknown."""
        state = self._state(task)
        target = cpu.check_target(target)
        with state.lock:
            asm = task.asm
            rest = list(passes)
            first = state.builds.variant(rest[0], target) if rest else None
            if rest and (first is not None or rest[0] == MIX):
                slug = rest.pop(0)
                asm = state.builds.text(slug, first, target)
                if asm is None:
                    return None
            for name in rest:
                if name not in BY_NAME:
                    return None
                out = state.apply(name, asm, state.profiler.context(asm, target), None)
                asm = out if out is not None else asm
            return asm

    def describe(self, task: Task, move: str, target: str) -> str:
        """A move in words: a compile's command line, the mix's recipe, or the pass."""
        builds = self._state(task).builds
        if move == MIX:
            return builds.mix_recipe or "per-function mix"
        variant = builds.variant(move, target)
        return variant.name if variant is not None else words(move)

    def explain(
        self, winner: str, passes, baseline, sandbox: Sandbox, target: str, confirmed: Ratio | None
    ) -> list[dict]:
        """What each move of the winner added (`agent.builtin.ablation`)."""
        from agent.builtin.ablation import ablate

        found = ablate(winner, list(passes), baseline, sandbox, self, target, confirmed=confirmed)
        return [c.to_dict() for c in found]
