"""New program inputs shaped like a task's own tests, for differential testing.

Why: a candidate that matches the original on a handful of given tests may still
be wrong (hard-coded answers, a dropped branch, a buffer sized for the test
inputs). Fresh inputs of the same shape expose that, with no generator to write.

How: each test input becomes a template of lines of tokens (ints, floats,
words). An integer on a short all-integer line that equals how much follows is a
count: N then N values (on one line or wrapped), N lines, an N x M matrix, H
lines of W characters, T cases each with its own count, or `K v1 .. vK` on one
line; a run of alike lines with no count (read until end of input) is a block
too. A new input picks a template and rewrites it: counts scaled down, kept, or
past the largest seen (up to twice it, mostly just past it; the whole input
stays within about twice the largest test, in bytes); every other token redrawn
from what was seen at its position (range, sign, decimals, alphabet, vocabulary)
with boundary values (0, 1, -1, the extremes) mixed in; a value that never
exceeded an earlier header number stays below that number's new value
(edges `u v` with u, v <= N).

Sizes: most bugs show on small inputs, which also run fast and make short
counterexamples, so input `index` follows a fixed schedule (`KINDS`, one kind
per index, repeating every 16): 12 in 16 are small (`tiny`: counts 1-3 and
values near zero; `small`: counts up to 100, values from the whole range;
`edge`: counts 0-2 and boundary values), 3 are the size of the tests
(`mutate`, `boundary`, `down`, each from a test picked at random) and 1 is
scaled beyond them (`up`: catches buffers sized for the tests). The first six
are small, so a quick check gets far. `size_class(index)` names the class
("small" | "test-size" | "large"); a caller short of time may skip the larger
classes, and input `index` is the same whichever indices are skipped.

Input `index` of `seed` comes from its own RNG, so inputs are reproducible one
by one and a caller can stop at any point. A task may name its own generator
(`generator = "..."` in task.toml): `CommandSource` runs it in the sandbox with
the seed as its last argument and in $SEED, and takes its stdout as one input.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import random
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import BadInput

INT_RE = re.compile(r"[+-]?\d{1,18}")
FLOAT_RE = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?")
MAX_COUNT = 10_000_000
SAMPLE = 256  # values kept per position to redraw from
GROUPS = 64  # template lines/cases kept per repeated block
# The kind of input `index` is KINDS[index % 16] (see the module docstring):
# mostly small, three of the tests' size, one in 16 scaled up (slow to run).
KINDS = (
    "tiny",
    "small",
    "edge",
    "small",
    "tiny",
    "small",
    "mutate",
    "small",
    "edge",
    "small",
    "boundary",
    "tiny",
    "small",
    "down",
    "small",
    "up",
)
SIZE_OF = {
    "tiny": "small",
    "small": "small",
    "edge": "small",
    "mutate": "test-size",
    "boundary": "test-size",
    "down": "test-size",
    "up": "large",
}
SIZES = ("small", "test-size", "large")  # size classes, cheapest first
SMALL_MAX = 100  # the largest count (or word length) of a `small` input
SHRINK = (1.0, 0.5, 0.25, 0.1, 0.02)  # retries when an input would be too big
HEADER_REACH = 3  # a count governs a block starting at most this many lines later
LOOKAHEAD_BUDGET = 400  # parse decisions that may look ahead before going greedy
MAX_HEADERS = 16  # top-level integers that may bound later values
FREE_RUN = 3  # this many alike lines with no count make a block whose length scales


# ---------------------------------------------------------------------------
# what was seen at one position


@dataclass
class Stats:
    """The values seen at one role (position in the structure)."""

    kind: str  # "int" | "float" | "word"
    lo: float  # value range (int, float) or length range (word)
    hi: float
    count: int
    sample: list
    decimals: int = 0
    exp: bool = False
    alphabet: str = ""
    vocab: tuple[str, ...] = ()  # a small closed set of words (pooled stats only)


def _thin(values: list, k: int = SAMPLE) -> list:
    if len(values) <= k:
        return list(values)
    step = len(values) / k
    return [values[int(i * step)] for i in range(k)]


def stats_of(tokens: list[str]) -> Stats:
    """Classify and summarise the tokens seen at one role."""
    alphabet = "".join(sorted(set().union(*map(set, _thin(tokens, 4096)))))  # grids of digits
    if all(INT_RE.fullmatch(t) for t in tokens):
        vals = [int(t) for t in tokens]
        return Stats("int", min(vals), max(vals), len(vals), _thin(vals), alphabet=alphabet)
    if all(INT_RE.fullmatch(t) or FLOAT_RE.fullmatch(t) for t in tokens):
        vals = [float(t) for t in tokens]
        decimals = max(
            (len(t.split(".")[1].lower().split("e")[0]) for t in tokens if "." in t), default=0
        )
        exp = any("e" in t.lower() for t in tokens)
        return Stats("float", min(vals), max(vals), len(vals), _thin(vals), decimals, exp, alphabet)
    lengths = [len(t) for t in tokens]
    distinct = set(tokens) if len(tokens) < 100_000 else set(_thin(tokens, 4096))
    vocab = tuple(sorted(distinct)) if len(tokens) >= 2 * len(distinct) <= 32 else ()
    return Stats(
        "word",
        min(lengths),
        max(lengths),
        len(tokens),
        _thin(tokens),
        alphabet=alphabet,
        vocab=vocab,
    )


def pool(parts: list[Stats]) -> Stats | None:
    """One role's stats over every template that has it (None if kinds differ)."""
    if len({p.kind for p in parts}) != 1:
        return None
    count = sum(p.count for p in parts)
    vocab: tuple[str, ...] = ()
    if all(p.vocab for p in parts):
        words = set().union(*(p.vocab for p in parts))
        if len(words) <= 16 and count >= 2 * len(words):
            vocab = tuple(sorted(words))
    return Stats(
        parts[0].kind,
        min(p.lo for p in parts),
        max(p.hi for p in parts),
        count,
        _thin([v for p in parts for v in p.sample]),
        max(p.decimals for p in parts),
        any(p.exp for p in parts),
        "".join(sorted(set("".join(p.alphabet for p in parts)))),
        vocab,
    )


# ---------------------------------------------------------------------------
# structure


@dataclass
class Row:
    """`count` tokens of one role, `width` per line (0: all on one line)."""

    count: str
    role: str
    width: int
    n: int  # the count in the template


@dataclass
class Line:
    """One line of tokens; `tail` is an inline counted row (`K v1 .. vK`);
    `lens` maps a word's index to the count role that gives its length (grids)."""

    toks: list[str]
    roles: list[str]
    tail: Row | None = None
    lens: dict[int, str] = field(default_factory=dict)


@dataclass
class Rep:
    """`count` repetitions of a group of nodes (a line, a matrix row, a case).
    A `free` one has no count in the input (lines read until end of input): its
    number of lines is still a size, scaled like a count."""

    count: str
    groups: list[list]  # template groups to draw from (a sample)
    n: int
    free: bool = False


@dataclass
class Template:
    """One test input, parsed."""

    nodes: list
    stats: dict[str, Stats]
    counts: set[str]
    headers: list[tuple[str, int]]  # the first top-level integers on plain lines
    final_newline: bool
    crlf: bool
    size: int


def _tok_type(tok: str) -> str:
    return "i" if INT_RE.fullmatch(tok) else "f" if FLOAT_RE.fullmatch(tok) else "w"


@dataclass(frozen=True)
class _Opt:
    kind: str  # "matrix" | "grid" | "row" | "units" | "rep"
    start: int
    end: int  # next line
    used: tuple  # pending entries used as counts
    extra: object = None  # width (row), unit bounds (units)
    strength: int = 2  # 1: lines of varied shapes, weaker evidence than an exact count

    @property
    def rank(self) -> tuple[int, int]:
        return self.strength, self.end


class _Parser:
    """Parse one input into a Template (see the module docstring for the shapes)."""

    def __init__(self, data: bytes):
        text = data.decode("latin-1")
        self.size = len(data)
        self.final_newline = text.endswith("\n")
        raw = text.split("\n")
        if self.final_newline:
            raw.pop()
        self.crlf = bool(raw) and all(line.endswith("\r") for line in raw)
        self.lines = [line.split() for line in raw]
        n = len(self.lines)
        self.ntok = [len(t) for t in self.lines]
        self.cum = [0]
        for k in self.ntok:
            self.cum.append(self.cum[-1] + k)
        self.shape = [self._shape(t) for t in self.lines]
        loose = [s[0] + "*" if s[1:].isdigit() else s for s in self.shape]
        self.run_ntok = [1] * (n + 1)
        self.run_shape = [1] * (n + 1)
        self.run_loose = [1] * (n + 1)
        for i in range(n - 2, -1, -1):
            if self.ntok[i] == self.ntok[i + 1]:
                self.run_ntok[i] = self.run_ntok[i + 1] + 1
            if self.shape[i] == self.shape[i + 1]:
                self.run_shape[i] = self.run_shape[i + 1] + 1
            if loose[i] == loose[i + 1] and self.ntok[i] == self.ntok[i + 1]:
                self.run_loose[i] = self.run_loose[i + 1] + 1
        self.values: dict[str, list[str]] = {}
        self.role_of: dict[tuple[int, int], str] = {}
        self.counts: set[str] = set()
        self.headers: list[tuple[str, int]] = []
        self.budget = LOOKAHEAD_BUDGET

    @staticmethod
    def _shape(toks: list[str]) -> str:
        if _inline(toks):
            return "I"
        if len(toks) > 8:
            return f"n{len(toks)}"
        if len(toks) == 1:  # with its length: grid rows (of letters or of digits)
            return f"{_tok_type(toks[0])}{len(toks[0])}"
        return "".join(_tok_type(t) for t in toks)

    def header_ints(self, i: int) -> list[tuple[int, int, int]]:
        """Pending counts from line i: (line, index, value) for a short all-int line."""
        toks = self.lines[i]
        if not 1 <= len(toks) <= 4 or _inline(toks) or not all(INT_RE.fullmatch(t) for t in toks):
            return []
        return [(i, j, int(t)) for j, t in enumerate(toks) if 0 < int(t) <= MAX_COUNT]

    def parse(self) -> Template:
        nodes, _ = self.seq(0, len(self.lines), [], "", top=True)
        stats = {role: stats_of(toks) for role, toks in self.values.items() if toks}
        return Template(
            nodes, stats, self.counts, self.headers, self.final_newline, self.crlf, self.size
        )

    # -- choosing -----------------------------------------------------------

    def options(self, i: int, end: int, pending: list, depth: int = 0) -> list[_Opt]:
        opts = []
        for a in pending:
            v = a[2]
            for b in pending:
                w = b[2]
                if b is a or i + v > end:
                    continue
                if w >= 2 and self.ntok[i] == w and self.run_ntok[i] >= v:
                    opts.append(_Opt("matrix", i, i + v, (a, b)))
                if self.shape[i][1:] == str(w) and self.run_shape[i] >= v:
                    opts.append(_Opt("grid", i, i + v, (a, b)))
        for a in pending:
            target = self.cum[i] + a[2]
            j = bisect.bisect_left(self.cum, target, i + 1, end + 1)
            if j > end or self.cum[j] != target or self.ntok[i] == 0:
                continue
            if j == i + 1 or (self.run_ntok[i] >= j - i - 1 and self.ntok[j - 1] <= self.ntok[i]):
                opts.append(_Opt("row", i, j, (a,), 0 if j == i + 1 else self.ntok[i]))
        if depth == 0:
            for a in pending:
                bounds = self.units(i, end, a[2])
                if bounds:
                    opts.append(_Opt("units", i, bounds[-1][1], (a,), bounds))
        for a in pending:
            v = a[2]
            if i + v > end:
                continue
            if self.run_shape[i] == v or (self.run_shape[i] > v and i + v == end):
                opts.append(_Opt("rep", i, i + v, (a,)))  # ends where the alike lines end
            elif v >= 3 and self._query_like(i, i + v):
                opts.append(_Opt("rep", i, i + v, (a,), strength=1))
        return opts

    def _query_like(self, i: int, j: int) -> bool:
        """Lines of varied shapes that all start with one of a few type tags."""
        firsts = set()
        for k in range(i, j):
            if not self.lines[k]:
                return False
            firsts.add(self.lines[k][0])
            if len(firsts) > 6:
                return False
        return True

    def units(self, i: int, end: int, v: int) -> list[tuple[int, int]] | None:
        """Bounds of `v` cases starting at line i, each a count line and its blocks."""
        if v > 2000:
            return None
        bounds, pos = [], i
        for _ in range(v):
            if pos >= end:
                return None
            pending = self.header_ints(pos)
            q, blocks = pos + 1, 0
            while pending and q < end:
                pending = [p for p in pending if q - p[0] <= HEADER_REACH]
                opts = self.options(q, end, pending, depth=1)
                if not opts:
                    break
                best = max(opts, key=lambda o: o.rank)
                q, blocks = best.end, blocks + 1
                pending = [p for p in pending if p not in best.used]
            if not blocks:
                return None
            bounds.append((pos, q))
            pos = q
        return bounds

    def rollout(self, i: int, end: int, pending: list, steps: int = 6) -> tuple[int, int]:
        """Greedy continuation: (lines covered by counted blocks, counts left unused)."""
        covered = 0
        for _ in range(steps):
            if i >= end:
                break
            pending = [p for p in pending if i - p[0] <= HEADER_REACH]
            opts = self.options(i, end, pending, depth=1) if pending else []
            if opts:
                best = max(opts, key=lambda o: o.rank)
                covered += best.end - best.start
                pending = [p for p in pending if p not in best.used]
                i = best.end
            else:
                pending = pending + self.header_ints(i)
                i += 1
        return covered, len(pending)

    def choose(self, i: int, end: int, pending: list) -> _Opt | None:
        opts = self.options(i, end, pending)
        if not opts:
            return None
        if self.budget <= 0:
            return max(opts, key=lambda o: o.rank)
        self.budget -= 1
        scored = []
        for order, o in enumerate(opts):
            left = [p for p in pending if p not in o.used]
            cov, unused = self.rollout(o.end, end, left)
            scored.append((o.end - o.start + cov, -unused, o.strength, -order, o))
        plain_cov, plain_unused = self.rollout(i + 1, end, pending + self.header_ints(i))
        best = max(scored, key=lambda s: s[:4])
        if (plain_cov, -plain_unused) > best[:2]:
            return None
        return best[4]

    # -- building -----------------------------------------------------------

    def seq(self, i: int, end: int, pending: list, prefix: str, top: bool = False):
        nodes: list = []
        while i < end:
            pending = [p for p in pending if i - p[0] <= HEADER_REACH]
            opt = self.choose(i, end, pending) if pending else None
            path = f"{prefix}{len(nodes)}"
            if opt is None and self._free_run(i, end, pending):
                opt = _Opt("free", i, i + self.run_loose[i], ())
                pending = []  # numbers inside a run of alike lines are data
            if opt is None:
                nodes.append(self.line(i, path, top=top))
                pending = pending + self.header_ints(i)
                i += 1
            else:
                nodes.append(self.block(opt, path))
                pending = [p for p in pending if p not in opt.used]
                i = opt.end
        return nodes, i

    def _free_run(self, i: int, end: int, pending: list) -> bool:
        """Alike lines start here, and this line's numbers count nothing after it."""
        if self.run_loose[i] < FREE_RUN or not self.ntok[i]:
            return False
        return not self.options(i + 1, end, pending + self.header_ints(i), depth=1)

    def _add(self, role: str, toks: list[str]) -> None:
        self.values.setdefault(role, []).extend(toks)

    def line(self, i: int, path: str, top: bool = False, loose: bool = False) -> Line:
        toks = self.lines[i]
        if _inline(toks, loose):
            role = f"{path}/t0"
            self.role_of[(i, 0)] = role
            self.counts.add(role)
            self._add(role, toks[:1])
            tail = Row(role, f"{path}/v", 0, len(toks) - 1)
            self._add(tail.role, toks[1:])
            return Line(toks[:1], [role], tail)
        roles = [f"{path}/t{j}" for j in range(len(toks))]
        for j, (tok, role) in enumerate(zip(toks, roles, strict=True)):
            self.role_of[(i, j)] = role
            self._add(role, [tok])
            if top and len(self.headers) < MAX_HEADERS and INT_RE.fullmatch(tok):
                self.headers.append((role, int(tok)))
        return Line(list(toks), roles)

    def block(self, opt: _Opt, path: str):
        counts = [self.role_of[(p[0], p[1])] for p in opt.used]
        self.counts.update(counts)
        i, j = opt.start, opt.end
        if opt.kind == "row":
            role = f"{path}/v"
            for k in range(i, j):
                self._add(role, self.lines[k])
            return Row(counts[0], role, opt.extra, self.cum[j] - self.cum[i])
        if opt.kind == "matrix":
            row = Row(counts[1], f"{path}/c", 0, self.ntok[i])
            for k in range(i, j):
                self._add(row.role, self.lines[k])
            return Rep(counts[0], [[row]], j - i)
        if opt.kind == "grid":
            role = f"{path}/g"
            for k in range(i, j):
                self._add(role, self.lines[k])
            line = Line(list(self.lines[i]), [role], lens={0: counts[1]})
            return Rep(counts[0], [[line]], j - i)
        if opt.kind == "units":
            groups = [self.seq(s, e, [], f"{path}/u/")[0] for s, e in opt.extra]
            return Rep(counts[0], _thin(groups, GROUPS), len(groups))
        # "rep" or "free": repeated lines; lines of one shape share roles
        if opt.kind == "free":
            counts = [f"{path}/#"]
            self._add(counts[0], [str(j - i)])
            self.counts.update(counts)
        groups = []
        keep = set(_thin(list(range(i, j)), GROUPS))
        loose = any(_inline(self.lines[k]) for k in range(i, j))  # then `1 x` is one too
        for k in range(i, j):
            shape = "I" if _inline(self.lines[k], loose) else self.shape[k]
            node = self.line(k, f"{path}/l{shape}", loose=loose)
            if k in keep:
                groups.append([node])
        return Rep(counts[0], groups, j - i, free=opt.kind == "free")


def _inline(toks: list[str], loose: bool = False) -> bool:
    """`K v1 .. vK` on one line: K >= 2, or any K among lines that have K >= 2."""
    return (
        len(toks) >= (1 if loose else 3)
        and INT_RE.fullmatch(toks[0]) is not None
        and int(toks[0]) == len(toks) - 1
    )


# ---------------------------------------------------------------------------
# the model over all tests


@dataclass
class Model:
    """Every test parsed, with stats pooled per role and inferred upper bounds."""

    templates: list[Template]
    pooled: dict[str, Stats]
    counts: set[str]
    bounds: dict[str, tuple[str, ...]]  # role -> header roles whose values bound it
    max_bytes: int

    def generate(self, seed: int, index: int) -> bytes:
        """Input `index` of `seed`: reproducible on its own."""
        if not self.templates:
            return b""
        rng = random.Random(f"{seed}/{index}")
        kind = KINDS[index % len(KINDS)]
        if kind == "up" and rng.random() < 0.7:
            template = max(self.templates, key=lambda t: t.size)
        elif SIZE_OF[kind] == "small":  # favour small templates: fast runs
            weights = [1 / math.sqrt(t.size + 1) for t in self.templates]
            template = rng.choices(self.templates, weights)[0]
        else:
            template = rng.choice(self.templates)
        for shrink in SHRINK:
            gen = _Gen(self, template, rng, kind, shrink)
            try:
                return gen.run()
            except _TooBig:
                continue
        return b""


@functools.lru_cache(maxsize=8)
def infer(inputs: tuple[bytes, ...]) -> Model:
    """Parse every test input and pool what was seen per role."""
    templates = [_Parser(data).parse() for data in inputs]
    roles: dict[str, list[Stats]] = {}
    for t in templates:
        for role, st in t.stats.items():
            roles.setdefault(role, []).append(st)
    pooled = {role: st for role, parts in roles.items() if (st := pool(parts)) is not None}
    counts = set().union(*(t.counts for t in templates)) if templates else set()
    largest = max((len(d) for d in inputs), default=0)
    return Model(templates, pooled, counts, _bounds(templates, counts), 2 * largest + 256)


def _bounds(templates: list[Template], counts: set[str]) -> dict[str, tuple[str, ...]]:
    """Non-negative int roles that, in every template, never exceeded and came
    near an earlier header number: they stay below the least of those numbers'
    new values (u, v <= N in edges `N M` + M lines `u v`)."""
    found: dict[str, set[str]] = {}
    for t in templates:
        order = {role: k for k, (role, _) in enumerate(t.headers)}
        for role, st in t.stats.items():
            if st.kind != "int" or role in counts or st.lo < 0:
                continue
            near = {
                h
                for h, value in t.headers[: order.get(role, len(t.headers))]
                if st.hi <= value <= 4 * st.hi
            }
            found[role] = found[role] & near if role in found else near
    return {role: tuple(sorted(hs)) for role, hs in found.items() if hs}


class _TooBig(Exception):
    pass


class _Gen:
    """Draw one input from one template."""

    def __init__(
        self, model: Model, template: Template, rng: random.Random, kind: str, shrink: float
    ):
        self.model, self.t, self.rng, self.kind, self.shrink = model, template, rng, kind, shrink
        self.env: dict[str, int] = {}
        self.out: list[str] = []
        self.size = 0

    def run(self) -> bytes:
        self.nodes(self.t.nodes)
        eol = "\r\n" if self.t.crlf else "\n"
        text = eol.join(self.out) + (eol if self.t.final_newline and self.out else "")
        return text.encode("latin-1")

    def emit(self, text: str) -> None:
        self.size += len(text) + 1
        if self.size > self.model.max_bytes:
            raise _TooBig
        self.out.append(text)

    def nodes(self, nodes: list) -> None:
        for node in nodes:
            if isinstance(node, Line):
                self.line(node)
            elif isinstance(node, Row):
                self.row(node, [])
            else:
                n = (
                    self.count(node.count, node.n)
                    if node.free
                    else self.env.get(node.count, node.n)
                )
                for _ in range(n):
                    self.nodes(self.rng.choice(node.groups))

    def line(self, node: Line) -> None:
        toks = []
        for j, (tok, role) in enumerate(zip(node.toks, node.roles, strict=True)):
            if role in self.model.counts:
                toks.append(str(self.count(role, int(tok))))
            elif j in node.lens:
                toks.append(self.word(role, self.env.get(node.lens[j], len(tok))))
            else:
                toks.append(self.value(role, tok))
        if node.tail:
            self.row(node.tail, toks)
        else:
            self.emit(" ".join(toks))

    def row(self, node: Row, head: list[str]) -> None:
        n = self.env.get(node.count, node.n)
        toks = self.values(node.role, n)
        if node.width <= 0:
            self.emit(" ".join(head + toks))
            return
        if head:
            self.emit(" ".join(head))
        for k in range(0, len(toks), node.width):
            self.emit(" ".join(toks[k : k + node.width]))

    # -- numbers ------------------------------------------------------------

    def count(self, role: str, v: int) -> int:
        st = self.model.pooled.get(role) or self.t.stats.get(role)
        hi = int(st.hi) if st and st.kind == "int" else v
        rng, kind = self.rng, self.kind
        if kind == "tiny":
            new = rng.randint(1, 3)
        elif kind == "small":
            new = _log_uniform(rng, 1, max(1, min(hi, SMALL_MAX)))
        elif kind == "edge":
            new = rng.choice((0, 1, 1, 2))
        elif kind == "down":
            new = max(1, round(v * rng.uniform(0.05, 0.9)))
        elif kind == "up":
            new = round(hi * (1 + rng.random() ** 2))  # past the tests, mostly just past
        elif kind == "boundary":  # the largest count seen, or the template's own
            new = rng.choice((hi, hi, v))
        else:
            new = max(1, round(v * rng.uniform(0.5, 1.5)))
        if self.shrink < 1:
            new = int(new * self.shrink)
        new = max(0, min(new, MAX_COUNT, self._limit(role)))
        self.env[role] = new
        return new

    def _limit(self, role: str) -> int:
        """The least new value of the headers that bound `role` (huge if none)."""
        return min(
            (self.env[h] for h in self.model.bounds.get(role, ()) if h in self.env),
            default=MAX_COUNT * 10,
        )

    def _stats(self, role: str) -> Stats | None:
        own, pooled = self.t.stats.get(role), self.model.pooled.get(role)
        if pooled is not None and (own is None or self.rng.random() < 0.4):
            return pooled
        return own

    def value(self, role: str, tok: str) -> str:
        st = self._stats(role)
        if st is None:
            return tok
        if st.kind == "int":
            v = self._int(role, st)
            self.env[role] = v
            return str(v)
        if st.kind == "float":
            return self._float(st)
        return self.word(role, None, st, tok)

    def values(self, role: str, n: int) -> list[str]:
        """`n` values for one role; big rows redraw from a pool of fresh values."""
        st = self.t.stats.get(role) if self.rng.random() < 0.7 else self._stats(role)
        if st is None or n <= 0:
            return []
        draw = functools.partial(self._one, role, st)
        if n <= 2000:
            toks = [draw() for _ in range(n)]
        else:
            fresh = [draw() for _ in range(1000)]
            avg = sum(map(len, fresh)) / len(fresh) + 1
            if self.size + n * avg > self.model.max_bytes:
                raise _TooBig
            toks = self.rng.choices(fresh, k=n)
        if self.size + sum(map(len, toks)) + len(toks) > self.model.max_bytes:
            raise _TooBig
        return toks

    def _one(self, role: str, st: Stats) -> str:
        if st.kind == "int":
            return str(self._int(role, st))
        if st.kind == "float":
            return self._float(st)
        return self.word(role, None, st)

    def _int(self, role: str, st: Stats) -> int:
        rng = self.rng
        lo, hi = int(st.lo), int(st.hi)
        limit = self._limit(role)
        bounded = limit < MAX_COUNT * 10
        if bounded:
            hi = limit
            lo = min(lo, hi)
        # boundaries: the extremes seen, 0 and 1 (and -1 where negatives were seen)
        top = hi if bounded else max(hi, 1)
        edges = [lo, hi] + [x for x in (0, 1, -1) if x <= top and (x >= 0 or lo < 0)]
        r = rng.random()
        if self.kind == "tiny":
            a, b = max(lo, -10), min(hi, 10)
            if a > b:  # all seen values are far from zero: stay near the small end
                a, b = (lo, min(hi, lo + 10)) if lo > 0 else (max(lo, hi - 10), hi)
            return rng.randint(a, b)
        if self.kind in ("boundary", "edge") and r < 0.5:
            return rng.choice(edges)
        if r < 0.2:
            return rng.randint(lo, hi)
        if r < 0.65:
            return _log_uniform(rng, lo, hi)
        if r < 0.8 and st.sample:
            v = rng.choice(st.sample)
            return v if lo <= v <= hi else rng.randint(lo, hi)
        return rng.choice(edges)

    def _float(self, st: Stats) -> str:
        rng = self.rng
        r = rng.random()
        if (self.kind in ("boundary", "edge") and r < 0.5) or r < 0.1:
            x = rng.choice([v for v in (st.lo, st.hi, 0.0) if st.lo <= v <= st.hi])
        elif r < 0.6:
            x = rng.uniform(st.lo, st.hi)
        elif r < 0.8 and st.sample:
            x = rng.choice(st.sample)
        else:
            x = _log_uniform_float(rng, st.lo, st.hi)
        return f"{x:.{st.decimals}e}" if st.exp else f"{x:.{st.decimals}f}"

    def word(self, role: str, length: int | None, st: Stats | None = None, tok: str = "") -> str:
        """A word of the role's alphabet (or vocabulary); its length is a size."""
        st = st or self._stats(role)
        pooled = self.model.pooled.get(role)
        rng = self.rng
        if length is None:
            if pooled is not None and pooled.vocab and self.kind not in ("up", "down"):
                return rng.choice(pooled.vocab)
            top = max(1, int(pooled.hi if pooled else st.hi))
            own = len(tok) if tok else len(rng.choice(st.sample)) if st.sample else 1
            own = max(1, own)
            if self.kind == "tiny":
                length = rng.randint(1, min(3, top))
            elif self.kind == "small":
                length = _log_uniform(rng, 1, min(top, SMALL_MAX))
            elif self.kind == "edge":
                length = rng.choice((1, 1, min(2, top)))
            elif self.kind == "up":
                length = round(top * (1 + rng.random() ** 2))
            elif self.kind == "down":
                length = rng.randint(1, own)
            elif self.kind == "boundary":
                length = rng.choice((top, top, own))
            else:
                length = max(1, round(own * rng.uniform(0.5, 1.5)))
            length = max(1, int(length * self.shrink))
        if self.size + length > self.model.max_bytes:
            raise _TooBig
        return "".join(rng.choices(st.alphabet or "a", k=length))


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    """An int in [lo, hi] whose magnitude is log-uniform: small values are common."""
    if lo >= 0:
        sign, a, b = 1, lo, hi
    elif hi <= 0:
        sign, a, b = -1, -hi, -lo
    else:
        sign = rng.choice((1, -1))
        a, b = 0, hi if sign > 0 else -lo
    mag = int(math.exp(rng.uniform(math.log(a + 1), math.log(b + 1)))) - 1
    return sign * min(max(mag, a), b)


def _log_uniform_float(rng: random.Random, lo: float, hi: float) -> float:
    top = max(abs(lo), abs(hi), 1e-12)
    x = math.exp(rng.uniform(math.log(1e-6 * top + 1e-300), math.log(top)))
    x = -x if lo < 0 and rng.random() < 0.5 else x
    return max(lo, min(hi, x))


# ---------------------------------------------------------------------------
# sources of inputs


def size_class(index: int) -> str:
    """The size class of input `index`: "small" | "test-size" | "large"."""
    return SIZE_OF[KINDS[index % len(KINDS)]]


def derive_seed(seed: int, index: int) -> int:
    """A 32-bit seed for input `index` of `seed`."""
    return int.from_bytes(hashlib.sha256(f"{seed}/{index}".encode()).digest()[:4], "big")


class StructureSource:
    """Inputs drawn from the structure of the task's tests."""

    name = "structure"

    def __init__(self, inputs: tuple[bytes, ...], seed: int = 0):
        self.model = infer(tuple(inputs))
        self.seed = seed
        self.error = ""

    def input(self, index: int) -> bytes | None:
        return self.model.generate(self.seed, index)

    def kind(self, index: int) -> str:
        """The size class of input `index` (see `size_class`)."""
        return size_class(index)


class CommandSource:
    """Inputs from the task's own generator command, run in the sandbox.

    Words of the command that name files in the task folder are handed to the
    sandbox (it sees no host paths); the seed goes last on the command line and
    in $SEED."""

    name = "generator"

    def __init__(
        self, command: str, root: Path | None, sandbox, seed: int = 0, out_cap: int = 64 << 20
    ):
        try:
            words = shlex.split(command)
        except ValueError as exc:
            raise BadInput(f"task.toml generator: {exc}") from None
        if not words:
            raise BadInput("task.toml generator is empty")
        self.files: dict[str, tuple[bytes, int]] = {}
        self.argv = []
        base = root.resolve() if root else None
        for word in words:
            path = (base / word).resolve() if base and not Path(word).is_absolute() else None
            if path and path.is_file() and path.is_relative_to(base):
                name = f"gen{len(self.files)}-{path.name}"
                self.files[name] = (path.read_bytes(), 0o555)
                self.argv.append(f"{{sb}}/{name}")
            else:
                self.argv.append(word)
        self.sandbox, self.seed, self.out_cap = sandbox, seed, out_cap
        self.error = ""

    def kind(self, index: int) -> str:
        """Every input is the generator's: one class, none to skip."""
        return "generated"

    def input(self, index: int) -> bytes | None:
        s = derive_seed(self.seed, index)
        done = self.sandbox.run(
            ["env", f"SEED={s}", *self.argv, str(s)],
            self.files,
            timeout=min(self.sandbox.limits.timeout_s, 10.0),
            out_cap=self.out_cap,
        )
        if done.returncode != 0 or done.timed_out or done.truncated:
            why = (
                "timed out"
                if done.timed_out
                else "output too big"
                if done.truncated
                else f"exit status {done.returncode}"
            )
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            self.error = f"generator failed ({why})" + (f": {err[-1][:200]}" if err else "")
            return None
        return done.stdout


class RunShapes:
    """The arguments and input files that go with generated input `index`.

    Arguments vary only within the values the given tests use: input `index`
    takes the arguments and input files of one given test (chosen by its
    seed), and where every given test with that many arguments has an
    integer at a position, and they do not all agree, the integer is redrawn
    between the smallest and the largest seen there (small inputs near the
    smallest, test-size ones anywhere in the range or as given, large ones the
    largest). Other arguments (names, flags, floats) and the input files stay
    as that test gives them. Nothing beyond the tests' range is tried: an
    argument often sizes the work or names a mode, and the original alone
    decides which values make sense.
    """

    def __init__(self, tests, seed: int = 0):
        self.tests = tuple(tests)
        self.seed = seed
        self.ranges: dict[tuple[int, int], tuple[int, int]] = {}  # (argc, pos) -> (lo, hi)
        by_count: dict[int, list[tuple[str, ...]]] = {}
        for t in self.tests:
            by_count.setdefault(len(t.args), []).append(t.args)
        for count, lines in by_count.items():
            for pos in range(count):
                words = [line[pos] for line in lines]
                if all(INT_RE.fullmatch(w) for w in words) and len(set(words)) > 1:
                    values = [int(w) for w in words]
                    self.ranges[(count, pos)] = (min(values), max(values))

    @property
    def varies(self) -> bool:
        """Do generated inputs get other arguments than the first test's?"""
        first = self.tests[0] if self.tests else None
        return bool(self.ranges) or any(
            (t.args, t.files) != (first.args, first.files) for t in self.tests
        )

    def describe(self) -> str:
        if not any(t.args for t in self.tests):
            return ""
        if self.ranges:
            spans = ", ".join(
                f"argument {pos + 1} in {lo}..{hi}" for (_, pos), (lo, hi) in self.ranges.items()
            )
            return f"arguments as in the given tests, integers redrawn within their range ({spans})"
        return "arguments as in the given tests (not varied)"

    def of(self, index: int) -> tuple[tuple[str, ...], tuple[tuple[str, bytes], ...]]:
        """(args, files) for generated input `index`."""
        if not self.tests:
            return (), ()
        rng = random.Random(derive_seed(self.seed + 7919, index))
        base = self.tests[rng.randrange(len(self.tests))]
        args = list(base.args)
        kind = size_class(index)
        for pos in range(len(args)):
            span = self.ranges.get((len(args), pos))
            if span is None:
                continue
            lo, hi = span
            if kind == "large":
                value = hi
            elif kind == "small":
                value = _log_uniform(rng, lo, max(lo, lo + (hi - lo) // 8))
            else:
                value = int(args[pos]) if rng.random() < 0.5 else rng.randint(lo, hi)
            args[pos] = str(value)
        return tuple(args), base.files


def input_source(task, seed: int = 0, sandbox=None):
    """The task's generator if it names one (needs `sandbox`), else its tests' structure."""
    if task.generator:
        if sandbox is None:
            raise BadInput("a task generator runs only in a sandbox")
        return CommandSource(task.generator, task.root, sandbox, seed, task.limits.output_mb << 20)
    return StructureSource(tuple(t.input for t in task.tests), seed)


def generate(inputs, n: int, seed: int = 0) -> list[bytes]:
    """`n` inputs shaped like `inputs` (bytes of the given tests)."""
    source = StructureSource(tuple(inputs), seed)
    return [source.input(i) for i in range(n)]
