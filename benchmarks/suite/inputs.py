"""Write the generated inputs of the public-program suite (deterministic: fixed seeds).

Small inputs are committed beside each program (programs/NAME/*.in); the large
ones (graphs, arrays to sort) are generated here so the repository stays small:

    .venv/bin/python benchmarks/suite/inputs.py [PROGRAMS_DIR]
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def graph(vertices: int, edges: int, seed: int, weights: int = 100) -> str:
    """The prompt-driven graph programs' input: V, E, then src dst weight per edge, a source."""
    rng = random.Random(seed)
    lines = [str(vertices), str(edges)]
    for _ in range(edges):
        src, dst = rng.randrange(vertices), rng.randrange(vertices)
        lines.append(f"{src} {dst} {rng.randint(1, weights)}")
    lines.append("0")
    return "\n".join(lines) + "\n"


def numbers(count: int, seed: int, high: int = 1_000_000_000) -> str:
    """A count, then that many integers in [0, high)."""
    rng = random.Random(seed)
    return f"{count}\n" + " ".join(str(rng.randrange(high)) for _ in range(count)) + "\n"


def tree_ops(inserts: int, deletes: int, seed: int, queries: int = 0) -> str:
    """binary_search_tree's menu-driven input: `1 v` inserts distinct values, `3 v`
    finds, `2 v` deletes inserted ones (each once), `4` height, `5` print in order, `0`."""
    rng = random.Random(seed)
    values = rng.sample(range(1, 1_000_000_000), inserts)
    ops = [f"1 {v}" for v in values]
    ops += [f"3 {rng.randrange(1, 1_000_000_000)}" for _ in range(queries)]
    ops += [f"2 {v}" for v in rng.sample(values, deletes)]
    ops += ["4", "5", "0"]
    return "\n".join(ops) + "\n"


def samples(count: int, seed: int) -> str:
    """realtime_stats' input: floats, then a word (its loop stops at non-numeric input)."""
    rng = random.Random(seed)
    return " ".join(f"{rng.uniform(-1000, 1000):.3f}" for _ in range(count)) + "\nend\n"


GENERATED = {
    "floyd_warshall": lambda: graph(440, 8000, 1),
    "bellman_ford": lambda: graph(2000, 40000, 2),
    "dijkstra": lambda: graph(4000, 40000, 3),
    "merge_sort": lambda: numbers(300_000, 4),
    "quick_sort": lambda: numbers(300_000, 5),
    "radix_sort": lambda: numbers(200_000, 6, 1_000_000),
    "cocktail_sort": lambda: numbers(6_000, 7),
    "heap_sort": lambda: numbers(100_000, 8),
    "counting_sort": lambda: numbers(2_000_000, 9, 1_000_000),
    "radix_sort_2": lambda: numbers(1_000_000, 10),
    "shaker_sort": lambda: numbers(15_000, 11),
    "cycle_sort": lambda: numbers(40_000, 12),
    "binary_search_tree": lambda: tree_ops(100_000, 30_000, 13, queries=30_000),
    "realtime_stats": lambda: samples(120_000, 14),
}


def write(generated: dict[str, Callable[[], str]], root: Path) -> None:
    """Each program's large input, as programs/NAME/gen.in below `root`."""
    for name, make in generated.items():
        (root / name / "gen.in").write_text(make())


def main(argv: list[str]) -> int:
    write(GENERATED, Path(argv[0]) if argv else HERE / "programs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
