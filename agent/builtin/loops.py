"""Natural loops of a function, the hottest innermost one, and register liveness.

Built on `agent.builtin.asmtext` (itself on `tools.asm`): its functions,
basic blocks, successors and instruction effects. A back edge is an edge
b -> h where h dominates b; the natural loop of h is h plus every block that
reaches a back edge into h without passing through h (back edges into one
header are merged). A loop is innermost when no other loop's header lies
inside it.

`hottest_innermost` ranks innermost loops by the profile's share of samples
on their lines (a loop without a sample is not a candidate then); without
line samples, by the hot function's share, then by nesting depth. Loops that
call a function are left out: their time is mostly in the callee, which no
rewrite of the loop body reaches (and llvm-mca charges a flat guess for a
call). A call in a block the profile never saw run (gcc's `call sqrt` for a
negative argument, an error path) does not count: such cold blocks are
`Loop.cold`, and the search leaves them out of the body it costs.

`liveness` answers the question the search asks before calling a change sound:
which register families (and the flags, as `FLAGS`) may still be read after
each instruction of a block. It is the usual backward dataflow over the whole
function with some blocks' instructions replaced, conservative like
`asmtext.effects`: an unknown instruction reads everything, and a jump out of
the function leaves every register live.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.builtin import asmtext as at
from agent.builtin.context import PassContext

FLAGS = "flags"
EVERYTHING = at.ALL | {FLAGS}
_ENDS = ("jcc", "jmp", "ijmp", "ret", "stop")


@dataclass(frozen=True)
class Loop:
    function: at.Function
    header: int  # block number
    blocks: tuple[int, ...]  # block numbers, in layout order
    depth: int  # how many loops contain it (itself included)
    heat: float  # % of samples on its lines (0 without a profile)
    cold: frozenset[int] = frozenset()  # blocks without a sample, in a loop that has some

    @property
    def name(self) -> str:
        labels = self.function.blocks[self.header].labels
        return f"{self.function.name}:{labels[0] if labels else f'block{self.header}'}"

    @property
    def hot_blocks(self) -> tuple[int, ...]:
        return tuple(n for n in self.blocks if n not in self.cold)

    def block_lines(self, n: int) -> range:
        """0-based indices of the lines block `n` spans."""
        block = self.function.blocks[n]
        last = block.insns[-1].index if block.insns else block.start
        return range(block.start, last + 1)

    def line_indices(self) -> list[int]:
        """0-based indices of the lines its blocks span."""
        return [i for n in self.blocks for i in self.block_lines(n)]

    @property
    def calls(self) -> bool:
        """A call in a block that runs (every block, without a profile)."""
        return any(
            at.effects(insn).kind in ("call", "icall")
            for n in self.hot_blocks
            for insn in self.function.blocks[n].insns
        )


def terminator(block: at.Block) -> at.Insn | None:
    """The block's closing jump (or ret), if it ends with one."""
    if block.insns and at.effects(block.insns[-1]).kind in _ENDS:
        return block.insns[-1]
    return None


def predecessors(fn: at.Function) -> list[list[int]]:
    preds: list[list[int]] = [[] for _ in fn.blocks]
    for n, block in enumerate(fn.blocks):
        for s in block.succ:
            if s >= 0:
                preds[s].append(n)
    return preds


def dominators(fn: at.Function) -> list[set[int]]:
    """Dominator sets of the blocks reachable from the entry (empty for the others)."""
    count = len(fn.blocks)
    if not count:
        return []
    reachable, stack = {0}, [0]
    while stack:
        for s in fn.blocks[stack.pop()].succ:
            if s >= 0 and s not in reachable:
                reachable.add(s)
                stack.append(s)
    preds = predecessors(fn)
    dom = [set(reachable) if n in reachable else set() for n in range(count)]
    dom[0] = {0}
    changed = True
    while changed:
        changed = False
        for n in sorted(reachable - {0}):
            incoming = [dom[p] for p in preds[n] if p in reachable]
            new = set.intersection(*incoming) if incoming else set()
            new = new | {n}
            if new != dom[n]:
                dom[n], changed = new, True
    return dom


def natural_loops(fn: at.Function) -> dict[int, set[int]]:
    """Header block -> the blocks of its natural loop."""
    dom = dominators(fn)
    preds = predecessors(fn)
    loops: dict[int, set[int]] = {}
    for b, block in enumerate(fn.blocks):
        for h in block.succ:
            if h < 0 or h not in dom[b]:
                continue
            body = loops.setdefault(h, {h})
            stack = [b]
            while stack:
                n = stack.pop()
                if n not in body:
                    body.add(n)
                    stack.extend(preds[n])
    return loops


def innermost_loops(fn: at.Function, ctx: PassContext | None = None) -> list[Loop]:
    ctx = ctx or PassContext()
    loops = natural_loops(fn)
    found = []
    for header, body in loops.items():
        if any(other != header and other in body for other in loops):
            continue  # another loop's header inside: not innermost
        depth = sum(1 for h, other in loops.items() if header in other)
        loop = Loop(fn, header, tuple(sorted(body)), depth, 0.0)
        heat = ctx.heat(i + 1 for i in loop.line_indices())
        cold = frozenset(
            n for n in loop.blocks if heat and not ctx.heat(i + 1 for i in loop.block_lines(n))
        )
        found.append(Loop(fn, header, loop.blocks, depth, heat, cold))
    return found


def hottest_innermost(
    asm: str, ctx: PassContext | None = None, function: str | None = None
) -> Loop | None:
    """The innermost loop (without calls) that holds the most samples, in
    `function` when given; see the module docstring for the order without a
    profile. None when there is none."""
    ctx = ctx or PassContext()
    _lines, fns = at.functions(asm)
    candidates = []
    for fn in fns:
        if not fn.analysable or fn.has_unknown_flow or function not in (None, fn.name):
            continue
        share = ctx.share(lambda name, fn=fn: name == fn.name)
        for loop in innermost_loops(fn, ctx):
            if not loop.calls and (loop.heat > 0 or not ctx.hot_lines):
                candidates.append((loop.heat, share, loop.depth, -loop.blocks[0], loop))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[:4])[4]


# ------------------------------------------------------------------- liveness


def transfer(insn: at.Insn, live: frozenset[str]) -> frozenset[str]:
    """What is live before `insn`, given what is live after it."""
    eff = at.effects(insn)
    if eff.kind == "unknown":
        return live | EVERYTHING
    reads, writes = set(eff.reads), set(eff.writes)
    if eff.flags in ("read", "rw"):
        reads.add(FLAGS)
    elif eff.flags == "write":
        writes.add(FLAGS)
    return frozenset((live - writes) | reads)


def liveness(fn: at.Function, bodies: dict[int, list[at.Insn]]) -> dict[int, list[frozenset[str]]]:
    """For each block in `bodies` (block number -> its instructions, replacing
    the function's own), what is live after each of those instructions."""
    blocks = fn.blocks

    def insns(n: int) -> list[at.Insn]:
        return bodies[n] if n in bodies else blocks[n].insns

    def block_in(n: int, out: frozenset[str]) -> frozenset[str]:
        live = out
        for insn in reversed(insns(n)):
            live = transfer(insn, live)
        return live

    def block_out(n: int, live_in: list[frozenset[str]]) -> frozenset[str]:
        block = blocks[n]
        if block.unknown_exit:
            return frozenset(EVERYTHING)
        out: set[str] = set()
        for s in block.succ:
            out |= at.ALL if s < 0 else live_in[s]  # a jump out: a tail call's arguments
        return frozenset(out)

    live_in = [frozenset[str]() for _ in blocks]
    changed = True
    while changed:
        changed = False
        for n in reversed(range(len(blocks))):
            new = block_in(n, block_out(n, live_in))
            if new != live_in[n]:
                live_in[n], changed = new, True
    result: dict[int, list[frozenset[str]]] = {}
    for n in bodies:
        live = block_out(n, live_in)
        after: list[frozenset[str]] = []
        for insn in reversed(insns(n)):
            after.append(live)
            live = transfer(insn, live)
        result[n] = after[::-1]
    return result
