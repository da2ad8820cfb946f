"""Write the generated inputs of the public-program suite (deterministic: fixed seeds).

Small inputs are committed beside each program (programs/NAME/*.in); the large
ones (graphs, arrays to sort) are generated here so the repository stays small:

    .venv/bin/python benchmarks/suite/inputs.py [PROGRAMS_DIR]
"""

from __future__ import annotations

import random
import sys
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
    rng = random.Random(seed)
    return f"{count}\n" + " ".join(str(rng.randrange(high)) for _ in range(count)) + "\n"


GENERATED = {
    "floyd_warshall": {"gen": lambda: graph(440, 8000, 1)},
    "bellman_ford": {"gen": lambda: graph(2000, 40000, 2)},
    "dijkstra": {"gen": lambda: graph(4000, 40000, 3)},
    "merge_sort": {"gen": lambda: numbers(300_000, 4)},
    "quick_sort": {"gen": lambda: numbers(300_000, 5)},
    "radix_sort": {"gen": lambda: numbers(200_000, 6, 1_000_000)},
    "cocktail_sort": {"gen": lambda: numbers(6_000, 7)},
    "heap_sort": {"gen": lambda: numbers(100_000, 8)},
}


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else HERE / "programs"
    for name, spec in GENERATED.items():
        (root / name / "gen.in").write_text(spec["gen"]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
