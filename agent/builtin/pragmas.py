"""Per-loop and per-function directives written into a copy of the C source.

A flag applies to the whole program; a loop often wants its own: unroll this
one by 4, vectorize that one 8 wide, leave the third alone. A person can type
these directives but cannot try the hundreds of combinations. Here the loops
are found with tree-sitter's C grammar (the innermost `for`/`while`/`do`
statements, numbered in source order), and a `Directive` names one loop (or
one function) and what to say to the compiler about it.

Why sound: only directives that keep the language semantics are offered:
`#pragma GCC unroll N`, `#pragma clang loop unroll_count/vectorize_width/
interleave_count/vectorize(disable)`, and gcc's `optimize` attribute with
flags that are themselves semantics-preserving. Never `ivdep`,
`vectorize(assume_safety)` or anything that asserts a fact about the data.
A directive goes only before a loop that is a statement of a `{}` block (so
it cannot change which statement an `if` controls); a source the compiler
rejects is simply not a candidate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tools import c_source

_LOOPS = ("for_statement", "while_statement", "do_statement")


@dataclass(frozen=True)
class Loop:
    index: int  # innermost loops numbered in source order
    function: str  # the enclosing function's name ("" outside one)
    line: int  # 1-based line of the loop keyword
    start: int  # byte offset of the loop statement (where a pragma goes)
    column: int = 0  # its indentation, kept after the pragma


@dataclass(frozen=True, order=True)
class Directive:
    """`loop` >= 0: `text` is a pragma's body before that loop; otherwise
    `function` gets `__attribute__((optimize(text)))`."""

    loop: int = -1
    text: str = ""
    function: str = ""

    @property
    def slug(self) -> str:
        if self.loop >= 0:
            words = self.text.replace("GCC ", "").replace("clang loop ", "").split()
            return f"L{self.loop}:" + "".join(words).replace("(", "").replace(")", "")
        return f"{self.function}:{self.text}"


@functools.lru_cache(maxsize=32)
def loops(source: str) -> tuple[Loop, ...]:
    """The innermost loops of `source` that a directive may precede."""
    found: list[Loop] = []

    def enclosing_function(node) -> str:
        while node is not None and node.type != "function_definition":
            node = node.parent
        return c_source.function_name(node) if node is not None else ""

    def has_loop(node) -> bool:
        return any(c.type in _LOOPS or has_loop(c) for c in node.children)

    def walk(node) -> None:
        for child in node.children:
            if child.type in _LOOPS and not has_loop(child):
                if node.type == "compound_statement":
                    line, column = child.start_point
                    found.append(
                        Loop(
                            len(found),
                            enclosing_function(child),
                            line + 1,
                            child.start_byte,
                            column,
                        )
                    )
                continue
            walk(child)

    walk(c_source.parse(source).root_node)
    return tuple(found)


def functions(source: str) -> tuple[tuple[str, int], ...]:
    """(name, byte offset) of each function definition, in source order."""
    return tuple((d.name, d.start) for d in c_source.definitions(source))


def apply(source: str, directives: tuple[Directive, ...]) -> str:
    """`source` with the directives written in (unknown loops/functions are skipped)."""
    if not directives:
        return source
    data = source.encode()
    by_loop = {loop.index: loop for loop in loops(source)}
    by_function = dict(functions(source))
    inserts: list[tuple[int, bytes]] = []
    for d in directives:
        if d.loop >= 0 and d.loop in by_loop:
            loop = by_loop[d.loop]
            inserts.append((loop.start, f"\n#pragma {d.text}\n{' ' * loop.column}".encode()))
        elif d.loop < 0 and d.function in by_function:
            attr = f'__attribute__((optimize("{d.text}"))) '
            inserts.append((by_function[d.function], attr.encode()))
    for offset, text in sorted(inserts, reverse=True):
        data = data[:offset] + text + data[offset:]
    return data.decode()


GCC_LOOP = ("GCC unroll 1", "GCC unroll 2", "GCC unroll 4", "GCC unroll 8")
CLANG_LOOP = (
    "clang loop unroll_count(2)",
    "clang loop unroll_count(4)",
    "clang loop unroll_count(8)",
    "clang loop vectorize(disable)",
    "clang loop vectorize_width(4) interleave_count(2)",
    "clang loop vectorize_width(8) interleave_count(1)",
    "clang loop interleave_count(4)",
)
GCC_FUNCTION = ("unroll-loops", "no-tree-vectorize", "no-tree-slp-vectorize", "O2")


def choices(compiler: str, loop: bool) -> tuple[str, ...]:
    """What may be said to `compiler` about one loop (or one function)."""
    if loop:
        return GCC_LOOP if compiler == "gcc" else CLANG_LOOP
    return GCC_FUNCTION if compiler == "gcc" else ()  # clang ignores optimize()


def hot_loops(source: str, hot: dict[str, float], limit: int = 4) -> tuple[Loop, ...]:
    """At most `limit` innermost loops, those of the hottest functions (by share
    of samples) first: where a directive can pay. A function inlined into a hot
    caller has no samples of its own, so cold-looking loops still fill the rest."""
    ranked = sorted(loops(source), key=lambda lp: (-hot.get(lp.function, 0.0), lp.index))
    return tuple(ranked[:limit])
