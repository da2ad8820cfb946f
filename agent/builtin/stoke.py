"""Assembly-level search on the hottest loop, in the spirit of STOKE.

STOKE (Schkufza, Sharma, Aiken, ASPLOS 2013) runs a Markov chain over x86-64
programs: each step proposes a random change, the cost of the result is how
wrong it is on test cases plus how slow it looks, and the Metropolis rule
keeps cheaper proposals always and dearer ones sometimes. This module does
that on one loop of a whole `.s` file:

1. **The loop.** `loops.hottest_innermost`: the innermost natural loop (no
   call in it, except on a path the profile never saw run) with the most
   profile samples on its lines; without a profile, the most deeply nested
   one. The instructions of its blocks that ran, minus each block's closing
   jump, are what may change; labels and jumps stay as they are.
2. **Moves** (`stoke_moves`): swap two adjacent independent instructions,
   delete one, rewrite one into an equivalent form (`imul` by a constant into
   `lea`/`shl`/`add`, `lea` into `add` and back, `cmp $0` into `test`, ...),
   swap an opcode within its class, change an operand. Swaps, and deletions
   and rewrites whose liveness check passes, are sound by construction; the
   rest are guesses.
3. **Cost** = cycles per trip of the loop body estimated by `llvm-mca` (on
   every proposal: `BATCH` proposals drawn from one state share one run of
   llvm-mca, about 40 ms; `mca`), relative to the original loop's, plus
   `MISMATCH` per failing test. Tests are expensive (a sandboxed build and a
   runner session: about 0.1 s plus the program's own run time), so they run
   only for a guess that llvm-mca finds cheaper than the chain's current
   state, and for any proposal cheaper than the best tested one; an untested
   guess is charged one failing test more than its parent (so the chain does
   not wander into wrong code), an untested sound move its parent's count.
   Results are cached by the loop's normalised text (`tools.asm.normalize`).
4. **Checks.** llvm-mca must parse the loop, the host's `as` must assemble the
   whole file (it only reads text), and every program is built and run
   inside the sandbox: the original's quickest test first, alone, under a
   timeout of ten times its run time (at least 0.25 s: a mutated loop easily
   never ends), then the others under three times the slowest (at least 1 s);
   a failure of the first spares the rest.
5. **Bounds.** Wall-clock seconds, proposals (`max_steps`) and sandboxed
   builds (`max_runs`). The proposals are a function of the seed; only where
   the clock stops the chain depends on the machine, so runs bounded by
   `max_steps` repeat exactly.
6. **Tidying.** The chain also takes moves that change nothing llvm-mca
   sees (an `add` as a `lea`, a swap); before a survivor is returned, such
   changes are undone one at a time, each undo kept only if the tests pass.

What comes back: up to `keep` whole `.s` texts, cheapest first, each of which
passed every test in the search and is at least `MIN_GAIN` cheaper by
llvm-mca's estimate. They are candidates, nothing more: one built on a guess
is only as right as the tests are thorough, so the harness judges each like
any other (tests, timing, differential inputs for a faster one).

What it can find: local slack that gcc -O3 leaves in a loop and that a cycle
model sees, such as a multiply by a constant on the loop-carried chain, an
instruction that does nothing useful, a three-part `lea` on a core where it
is slow, flag-setting forms, and an order the scheduler model prefers. What
it cannot: anything that needs new registers, new instructions outside the
catalogue, changes across loops, vectorisation, or memory layout; anything
whose worth llvm-mca cannot see (branch prediction, cache misses, the cost of
a path through the loop as opposed to all its blocks in a row); and, with
a few hundred sandboxed tests in a time budget, the long chains of wrong
intermediate programs real STOKE walks through with an in-process emulator.
llvm-mca's idea of faster can be wrong on the real CPU, and gcc -O3 loops
are usually tight, so most searches on real programs return nothing.

How often it wins (`benchmarks/stoke_search.py`, 20 s per program on the
2-core VM, shared; the examples and benchmarks/suite, 31 programs): a loop
was searched in 24 (in 6 every hot innermost loop calls a function; in one
the budget went on testing the original); 7 gave a survivor; the harness
judged one faster: large_factorials, where `movslq %edx, %rax` became
`movl %edx, %eax` (the value is a digit sum, never negative: a guess the
tests, then 196 generated inputs, upheld), 1.17x confirmed. Three were
practically equal, and three slower (0.57x to 0.98x) although llvm-mca put
them 5% to 27% cheaper.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import math
import random
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.builtin import asmtext as at
from agent.builtin import mca
from agent.builtin import stoke_moves as mv
from agent.builtin.context import PassContext
from agent.builtin.loops import FLAGS, Loop, hottest_innermost, liveness, terminator
from tools import asm as asmlib
from tools.build import build
from tools.errors import BadInput
from tools.evaluate import with_objects, with_reference_outputs
from tools.sandbox import RunResult, Sandbox, SandboxError
from tools.task import Task
from tools.testing import run_tests

NAME = "stoke"
MISMATCH = 1.0  # cost of one failing test, in units of the original loop's cycles
BETA = 30.0  # a proposal 3% dearer than the current state is kept with probability e^-0.9
MIN_GAIN = 0.01  # a survivor is at least this much cheaper than the original loop
KEEP = 3
RESTART = 400  # proposals without a new best before the chain goes back to the best
MAX_STEPS = 20_000
MAX_RUNS = 300
EPS = 1e-9
MOVES = ("rewrite", "delete", "swap", "operand", "opcode")
WEIGHTS = (35, 20, 25, 12, 8)
PATH = 20  # moves remembered per state, for the report
BATCH = 16  # proposals drawn from one state and costed by one llvm-mca run
TIDY_TESTS = 12  # test runs spent tidying one survivor, at most
SEARCH_SHARE = 0.85  # of the seconds, for the chain; the rest tidies the survivors

State = tuple[tuple[str, ...], ...]  # per changeable block, its instruction lines


@functools.lru_cache(maxsize=1 << 16)
def _parse(line: str) -> at.Insn | None:
    return at.parse_insn(-1, line)


# ------------------------------------------------------------------- the loop


@dataclass(frozen=True)
class Region:
    """The loop inside the whole text: which blocks may change, and how to put
    a changed loop back (`render`) or hand its body to llvm-mca (`body`)."""

    loop: Loop
    slots: tuple[int, ...]  # block numbers whose instructions may change
    spans: tuple[tuple[int, int], ...]  # per slot: first and last line index of them
    start: State

    @classmethod
    def of(cls, loop: Loop) -> Region | None:
        fn = loop.function
        slots, spans, start = [], [], []
        for n in loop.hot_blocks:
            block = fn.blocks[n]
            body = block.insns[:-1] if terminator(block) else list(block.insns)
            if not body:
                continue
            first, last = body[0].index, body[-1].index
            mine = {insn.index for insn in body}
            between = range(first, last + 1)
            if any(i not in mine and not _droppable(fn, i) for i in between):
                continue  # a directive among them (`.cfi_*`): leave the block alone
            slots.append(n)
            spans.append((first, last))
            start.append(tuple(fn.lines[insn.index] for insn in body))
        if not slots:
            return None
        return cls(loop, tuple(slots), tuple(spans), tuple(start))

    def render(self, state: State) -> str:
        """The whole text with the loop's instructions replaced."""
        lines = self.loop.function.lines
        starts = {first: k for k, (first, _last) in enumerate(self.spans)}
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i in starts and state[starts[i]] != self.start[starts[i]]:
                k = starts[i]
                out.extend(state[k])  # `.loc` lines among the old ones go
                i = self.spans[k][1] + 1
                continue
            out.append(lines[i])
            i += 1
        return at.join(out)

    def body(self, state: State) -> str:
        """The loop's blocks in layout order (instructions and jumps) for llvm-mca;
        no label definitions, so that many bodies fit in one llvm-mca input."""
        fn = self.loop.function
        slot = {n: k for k, n in enumerate(self.slots)}
        parts: list[str] = []
        for n in self.loop.hot_blocks:  # a block the profile never saw run costs nothing
            block = fn.blocks[n]
            if n in slot:
                closing = terminator(block)
                texts = [*state[slot[n]], *([closing.text] if closing else [])]
            else:
                texts = [insn.text for insn in block.insns]
            parts += ["\t" + at.strip_comment(t).strip() for t in texts]
        return "\n".join(parts) + "\n"


def _droppable(fn: at.Function, i: int) -> bool:
    """Lines among a block's instructions that a changed block may lose."""
    return fn.kinds[i] in ("blank", "comment") or fn.lines[i].split()[:1] == [".loc"]


class _View:
    """One state, parsed, with liveness worked out when first asked."""

    def __init__(self, region: Region, state: State):
        self.region = region
        self.state = state
        self.insns = [[_parse(line) for line in body] for body in state]
        self._live: dict[int, list[frozenset[str]]] | None = None

    @property
    def parsed(self) -> bool:
        return all(insn is not None for body in self.insns for insn in body)

    def live_after(self, k: int, pos: int) -> frozenset[str]:
        """What may be read after instruction `pos` of slot `k`."""
        if self._live is None:
            fn = self.region.loop.function
            bodies = {}
            for slot, n in enumerate(self.region.slots):
                closing = terminator(fn.blocks[n])
                bodies[n] = [*self.insns[slot], *([closing] if closing else [])]
            self._live = liveness(fn, bodies)
        return self._live[self.region.slots[k]][pos]


# ---------------------------------------------------------------------- moves


@dataclass(frozen=True)
class Proposal:
    state: State
    sound: bool
    what: str


def _with(state: State, k: int, pos: int, lines: tuple[str, ...], count: int = 1) -> State:
    body = state[k]
    return (*state[:k], (*body[:pos], *lines, *body[pos + count :]), *state[k + 1 :])


def _parses(state: State) -> bool:
    """Every line is one instruction the analyses can read (moves rely on it)."""
    return all(_parse(line) is not None for body in state for line in body)


def _short(line: str) -> str:
    return " ".join(at.strip_comment(line).split())


def propose(rng: random.Random, view: _View, pools: mv.Pools) -> Proposal | None:
    """One random move from the current state (None: the move drawn does not apply)."""
    kind = rng.choices(MOVES, WEIGHTS)[0]
    insns, state = view.insns, view.state
    positions = [(k, p) for k, body in enumerate(insns) for p in range(len(body))]
    if not positions:
        return None
    if kind == "swap":
        pairs = [
            (k, p)
            for k, p in positions
            if p + 1 < len(insns[k])
            and mv.independent(insns[k][p], insns[k][p + 1], FLAGS in view.live_after(k, p + 1))
        ]
        if not pairs:
            return None
        k, p = rng.choice(pairs)
        swapped = (state[k][p + 1], state[k][p])
        return Proposal(_with(state, k, p, swapped, 2), True, f"swap `{_short(state[k][p])}` down")
    if kind == "rewrite":
        options = [(k, p, alt) for k, p in positions for alt in mv.alternatives(insns[k][p])]
        if not options:
            return None
        k, p, alt = rng.choice(options)
        sound = alt.sound == "always" or (
            alt.sound == "flags-dead" and FLAGS not in view.live_after(k, p)
        )
        what = f"{alt.what}: `{_short(state[k][p])}` -> `{'; '.join(map(_short, alt.lines))}`"
        return Proposal(_with(state, k, p, alt.lines), sound, what)
    k, p = rng.choice(positions)
    insn = insns[k][p]
    if kind == "delete":
        if at.effects(insn).kind != "plain":
            return None
        sound = mv.dead(insn, view.live_after(k, p))
        return Proposal(_with(state, k, p, ()), sound, f"delete `{_short(state[k][p])}`")
    if kind == "opcode":
        swaps = mv.opcode_swaps(insn)
        new = rng.choice(swaps) if swaps else None
    else:
        new = mv.operand_change(insn, rng, pools)
    if new is None:
        return None
    return Proposal(
        _with(state, k, p, (new,)), False, f"`{_short(state[k][p])}` -> `{_short(new)}`"
    )


# ---------------------------------------------------------------------- tests


class NoSearch(Exception):
    """Why the search cannot start (the original fails its tests, ...)."""


class _Judge:
    """Runs a candidate on the task's tests in the sandbox and counts failures:
    first the quickest test alone under a tight timeout (a mutated loop easily
    never ends), then the others under three times the slowest original run."""

    def __init__(self, asm: str, task: Task, sandbox: Sandbox):
        if not task.tests:
            raise NoSearch("the task has no tests")
        try:
            task = with_objects(task, sandbox)
            built = build(asm, sandbox, task.link_flags, task.objects)
            if not built.ok:
                raise NoSearch(f"the given assembly does not build: {built.errors[0]}")
            if task.needs_reference:
                task = with_reference_outputs(task, built.binary, sandbox)
        except BadInput as exc:
            raise NoSearch(str(exc)) from None
        report = run_tests(built.binary, task.tests, sandbox, task.compare, outputs=task.outputs)
        if not report.ok:
            failure = report.first_failure
            raise NoSearch(
                f"the given assembly fails its test {failure.test.name}: {failure.reason}"
            )
        self.task = task
        self.exit_codes = report.exit_codes()
        runs = sorted(report.outcomes, key=lambda o: o.run.cpu_us)
        self.first, self.rest = runs[0].test, tuple(o.test for o in runs[1:])
        self.quick = self._limited(sandbox, runs[0].run, 10, 0.25)
        self.slow = self._limited(sandbox, runs[-1].run, 3, 1.0)

    @staticmethod
    def _limited(sandbox: Sandbox, run: RunResult, factor: float, floor: float) -> Sandbox:
        took = max(run.wall_us, run.cpu_us) / 1e6
        timeout = min(sandbox.limits.timeout_s, max(floor, factor * took + 0.2))
        limits = dataclasses.replace(
            sandbox.limits,
            timeout_s=timeout,
            cpu_s=max(1, min(sandbox.limits.cpu_s, math.ceil(timeout))),
        )
        return sandbox.with_limits(limits)

    def mismatches(self, text: str) -> int | None:
        """Tests that fail (all the others when the quickest one fails); None
        when the text does not build."""
        task = self.task
        built = build(text, self.slow, task.link_flags, task.objects)
        if not built.ok:
            return None
        total = 1 + len(self.rest)
        for tests, sandbox in (((self.first,), self.quick), (self.rest, self.slow)):
            if not tests:
                continue
            report = run_tests(
                built.binary, tests, sandbox, task.compare, self.exit_codes, outputs=task.outputs
            )
            if not report.ok:
                return total - report.passed if len(tests) > 1 else total
        return 0


def assembles(text: str) -> bool:
    """The host's `as` accepts the text (it only reads it; nothing runs)."""
    proc = subprocess.run(
        ["as", "--64", "-o", "/dev/null", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode == 0


# --------------------------------------------------------------------- search


@dataclass(frozen=True)
class _Chain:
    """A state of the Markov chain: its text, cost and the moves that led there."""

    state: State
    cycles: float
    bad: int  # failing tests (counted, or estimated for an untested guess)
    path: tuple[str, ...]


@dataclass(frozen=True)
class Survivor:
    text: str  # the whole .s
    cycles: float  # llvm-mca's cycles per trip of the loop body
    moves: tuple[str, ...]  # the last moves that led to it


@dataclass
class Result:
    """What one search did (the benchmark prints it)."""

    loop: str | None = None  # "function:label" of the loop searched
    why: str = ""  # why nothing was searched, or why the search stopped early
    steps: int = 0  # proposals drawn (a move that did not apply counts too)
    valid: int = 0  # proposals llvm-mca could read (a batch's rest is dropped on a move)
    test_runs: int = 0  # sandboxed builds (each then runs the tests)
    accepted: int = 0
    start_cycles: float | None = None
    best_cycles: float | None = None
    survivors: list[Survivor] = field(default_factory=list)
    seconds: float = 0.0


def explore(
    asm: str,
    ctx: PassContext,
    sandbox: Sandbox,
    task: Task,
    seconds: float,
    seed: int = 0,
    *,
    max_steps: int = MAX_STEPS,
    max_runs: int = MAX_RUNS,
    keep: int = KEEP,
) -> Result:
    """Search the hottest loop of `asm` (see the module docstring); `ctx`'s
    profile must be of `asm` itself. The chain gets `SEARCH_SHARE` of the
    seconds, the tidying of the survivors the rest."""
    began = time.monotonic()
    result = Result()
    try:
        search = _Search.start(asm, ctx, sandbox, task, result)
    except NoSearch as exc:
        result.why = str(exc)
    except SandboxError as exc:
        result.why = f"the sandbox failed: {exc}"
    else:
        try:
            search.walk(random.Random(seed), began + SEARCH_SHARE * seconds, max_steps, max_runs)
            search.finish(began + seconds, max_runs, keep)
            if not result.steps:
                result.why = "no time left after building and testing the given assembly"
        except SandboxError as exc:  # keep what passed before the sandbox broke, untidied
            result.why = f"the sandbox failed: {exc}"
            search.finish(began, 0, keep)
    result.seconds = round(time.monotonic() - began, 2)
    return result


def search(
    asm: str, ctx: PassContext, sandbox: Sandbox, task: Task, seconds: float, seed: int = 0
) -> list[str]:
    """The pass-style entry point: the survivors' texts, cheapest first ([] when none)."""
    return [s.text for s in explore(asm, ctx, sandbox, task, seconds, seed).survivors]


def as_pass(
    task: Task, sandbox: Sandbox, seconds: float, seed: int = 0
) -> Callable[[str, PassContext], str | None]:
    """`apply(asm, ctx)` for the pass registry (`agent.builtin.moves`): the
    cheapest survivor of a search on `asm` with `ctx` (the profile of `asm`);
    a later call on the same text gives the next survivor, then None. One
    search per text, `seconds` each."""
    left: dict[str, list[str]] = {}

    def apply(asm: str, ctx: PassContext) -> str | None:
        key = asmlib.normalize(asm)
        if key not in left:
            left[key] = search(asm, ctx, sandbox, task, seconds, seed)
        return left[key].pop(0) if left[key] else None

    return apply


class _Search:
    """The chain's world: the loop, the judge, and what is known of each text."""

    def __init__(self, region: Region, judge: _Judge, start: float, result: Result):
        self.region = region
        self.judge = judge
        self.start = start
        self.result = result
        self.costs: dict[str, float | None] = {}  # normalised loop -> llvm-mca cycles
        self.tested: dict[str, int | None] = {}  # normalised loop -> failing tests
        self.found: dict[str, tuple[Survivor, State]] = {}

    @classmethod
    def start(cls, asm: str, ctx: PassContext, sandbox: Sandbox, task: Task, result: Result):
        if not mca.available():
            raise NoSearch("llvm-mca is not installed")
        if asmlib.forbidden_directives(asm):
            raise NoSearch("the text has directives that read host files")
        loop = hottest_innermost(asm, ctx, task.function)
        if loop is None:
            raise NoSearch("no innermost loop without calls in an analysable function")
        result.loop = loop.name
        region = Region.of(loop)
        if region is None:
            raise NoSearch("the loop has no instruction the search may change")
        if not _View(region, region.start).parsed:
            raise NoSearch("the loop has instructions the search cannot parse")
        start = mca.cycles(region.body(region.start))
        if start is None or start <= 0:
            raise NoSearch("llvm-mca cannot read the loop")
        result.start_cycles = result.best_cycles = start
        return cls(region, _Judge(asm, task, sandbox), start, result)

    def key(self, state: State) -> str:
        return asmlib.normalize(self.region.body(state))

    def cost(self, states: list[State]) -> list[float | None]:
        """llvm-mca's cycles of each state (None: it cannot read it), one run for the new ones."""
        keys = [self.key(state) for state in states]
        fresh = {key: state for key, state in zip(keys, states, strict=True)}
        fresh = {key: state for key, state in fresh.items() if key not in self.costs}
        bodies = [self.region.body(state) for state in fresh.values()]
        for key, cycles in zip(fresh, mca.cycles_many(bodies), strict=True):
            self.costs[key] = cycles
        return [self.costs[key] for key in keys]

    def test(self, state: State, cycles: float, moves: tuple[str, ...]) -> int | None:
        """Failing tests of the state (cached; None when it does not assemble)."""
        key = self.key(state)
        if key not in self.tested:
            text = self.region.render(state)
            bad = None
            if assembles(text):
                self.result.test_runs += 1
                bad = self.judge.mismatches(text)
            self.tested[key] = bad
            if bad == 0 and cycles < self.start * (1 - MIN_GAIN):
                self.found[key] = (Survivor(text, cycles, moves), state)
        return self.tested[key]

    def walk(self, rng: random.Random, deadline: float, max_steps: int, max_runs: int) -> None:
        """The Markov chain (see the module docstring, 3 and 5)."""
        result, start = self.result, self.start
        chain = best = _Chain(self.region.start, start, 0, ())
        view = _View(self.region, chain.state)
        pools = mv.Pools.of([insn for body in view.insns for insn in body])
        since_best = 0
        while result.steps < max_steps and result.test_runs < max_runs:
            if time.monotonic() > deadline:
                break
            if since_best > RESTART:
                chain, since_best = best, 0
                view = _View(self.region, chain.state)
            batch = []
            for _ in range(min(BATCH, max_steps - result.steps)):
                result.steps += 1
                since_best += 1
                proposal = propose(rng, view, pools)
                if proposal is not None and _parses(proposal.state):
                    batch.append(proposal)
            costs = self.cost([proposal.state for proposal in batch])
            result.valid += sum(cycles is not None for cycles in costs)
            for proposal, cycles in zip(batch, costs, strict=True):
                if cycles is None:
                    continue
                moves = (*chain.path, proposal.what)[-PATH:]
                key = self.key(proposal.state)
                cheaper = cycles < chain.cycles - EPS
                if (
                    key in self.tested
                    or (cheaper and not proposal.sound)
                    or cycles < best.cycles - EPS
                ):
                    if time.monotonic() > deadline or result.test_runs >= max_runs:
                        break
                    bad = self.test(proposal.state, cycles, moves)
                    if bad == 0 and cycles < best.cycles - EPS:
                        best, since_best = _Chain(proposal.state, cycles, 0, moves), 0
                else:
                    bad = chain.bad if proposal.sound else chain.bad + 1
                if bad is None:
                    continue
                delta = (cycles - chain.cycles) / start + MISMATCH * (bad - chain.bad)
                if delta <= 0 or rng.random() < math.exp(-BETA * delta):
                    chain = _Chain(proposal.state, cycles, bad, moves)
                    view = _View(self.region, chain.state)
                    result.accepted += 1
                    break  # the rest of the batch was drawn from the state before
        result.best_cycles = best.cycles

    def finish(self, deadline: float, max_runs: int, keep: int) -> None:
        """The `keep` cheapest survivors, each stripped of the changes that do
        not pay (`tidy`), distinct."""
        ranked = sorted(self.found.values(), key=lambda item: item[0].cycles)
        kept: dict[str, Survivor] = {}
        for survivor, state in ranked:
            if len(kept) >= keep:
                break
            if time.monotonic() < deadline and self.result.test_runs < max_runs:
                state, cycles, undone = self.tidy(state, survivor.cycles, deadline, max_runs)
                if undone:
                    moves = (*survivor.moves, f"tidied: {undone} change(s) that did not pay undone")
                    text = self.region.render(state)
                    survivor = Survivor(text, cycles, moves)
            kept.setdefault(self.key(state), survivor)
        self.result.survivors = sorted(kept.values(), key=lambda s: s.cycles)

    def tidy(self, state: State, cycles: float, deadline: float, max_runs: int):
        """Undo the changes llvm-mca does not miss (a swap or a rewrite that did
        not pay), one at a time, keeping each undo the tests still pass: two
        neighbouring hunks of the difference from the original together, one
        hunk, or one changed line back to the original line that wrote the
        same destination. Returns the state, its cycles and the undos made."""
        tests = undone = 0
        progress = True
        while progress and tests < TIDY_TESTS:
            progress = False
            options = self._undos(state)
            for option, cost in zip(options, self.cost(options), strict=True):
                if cost is None or cost > cycles + EPS:
                    continue
                if time.monotonic() > deadline or self.result.test_runs >= max_runs:
                    return state, cycles, undone
                tests += 1
                if self.test(option, cost, ("tidied",)) == 0:
                    state, cycles, progress = option, cost, True
                    undone += 1
                    break
                if tests >= TIDY_TESTS:
                    break
        return state, cycles, undone

    def _undos(self, state: State) -> list[State]:
        options: list[State] = []  # pairs of hunks, hunks, single lines
        for k, (old, new) in enumerate(zip(self.region.start, state, strict=True)):

            def put(body: tuple[str, ...], k: int = k) -> None:
                options.append((*state[:k], body, *state[k + 1 :]))

            matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
            hunks = [op for op in matcher.get_opcodes() if op[0] != "equal"]
            for (_t, i1, _i2, j1, _j2), (_u, _i1, i2, _j1, j2) in itertools.pairwise(hunks):
                put((*new[:j1], *old[i1:i2], *new[j2:]))  # two hunks at once: a moved line
            for tag, i1, i2, j1, j2 in hunks:
                put((*new[:j1], *old[i1:i2], *new[j2:]))
                for j in range(j1, j2) if tag == "replace" else ():
                    for i in range(i1, i2):
                        if _dest(new[j]) is not None and _dest(new[j]) == _dest(old[i]):
                            put((*new[:j], old[i], *new[j + 1 :]))
        return list(dict.fromkeys(options))


def _dest(line: str) -> str | None:
    insn = _parse(line)
    return insn.dest if insn is not None else None
