"""Write the generated inputs of the fresh held-out set (deterministic: fixed seeds).

Small inputs are committed beside each program (programs/NAME/*.in); the large
ones (arrays, command sequences, a FASTA file) are generated here so the
repository stays small:

    .venv/bin/python benchmarks/fresh/inputs.py [PROGRAMS_DIR]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from benchmarks.suite.inputs import numbers, write  # noqa: E402


def search(count: int, seed: int) -> str:
    """linear_search's input: a size, the array, then the value to look for (absent,
    so the whole array is scanned)."""
    rng = random.Random(seed)
    values = [rng.randrange(1_000_000_000) for _ in range(count)]
    return f"{count}\n" + " ".join(map(str, values)) + "\n1000000007\n"


def sorted_matrix(side: int, seed: int) -> str:
    """modified_binary_search's input: rows, columns (equal: the program allocates
    `columns` rows), the value to find (one in the matrix), then the matrix,
    sorted in row-major order."""
    rng = random.Random(seed)
    values = sorted(rng.sample(range(1_000_000_000), side * side))
    target = values[rng.randrange(len(values))]
    rows = [" ".join(map(str, values[i : i + side])) for i in range(0, len(values), side)]
    return f"{side} {side} {target}\n" + "\n".join(rows) + "\n"


def priority_queue(operations: int, seed: int, most: int = 12) -> str:
    """ascending_priority_queue's menu input: `1 v` inserts, `2` removes the least
    (only when the queue is not empty), `3` exits. The queue holds at most `most`
    values, since the program prints the whole queue after every operation."""
    rng = random.Random(seed)
    size, ops = 0, []
    for _ in range(operations):
        if size < most and (size == 0 or rng.random() < 0.55):
            ops.append(f"1 {rng.randrange(1_000_000)}")
            size += 1
        else:
            ops.append("2")
            size -= 1
    ops.append("3")
    return "\n".join(ops) + "\n"


def stack_ops(operations: int, seed: int, most: int = 1000) -> str:
    """stack_linked_list's menu input: `1 v` pushes, `2` pops (also on an empty
    stack, which the program reports), `3` prints the stack (rarely, and the stack
    holds at most `most` values, since it is printed whole), `4` exits."""
    rng = random.Random(seed)
    size, ops = 0, []
    for _ in range(operations):
        roll = rng.random()
        if roll < 0.001:
            ops.append("3")
        elif roll < 0.55 and size < most:
            ops.append(f"1 {rng.randrange(-1_000_000, 1_000_000)}")
            size += 1
        else:
            ops.append("2")
            size = max(0, size - 1)
    ops.append("4")
    return "\n".join(ops) + "\n"


def cases(count: int, seed: int, low: int, high: int) -> str:
    """euler1_multiples' input: a number of cases, then one N in [low, high) per case."""
    rng = random.Random(seed)
    return f"{count}\n" + "\n".join(str(rng.randrange(low, high)) for _ in range(count)) + "\n"


GENERATED = {
    "pigeonhole_sort": lambda: numbers(500_000, 101, 1_000_000),
    "linear_search": lambda: search(1_500_000, 102),
    "modified_binary_search": lambda: sorted_matrix(1200, 107),
    "ascending_priority_queue": lambda: priority_queue(110_000, 104),
    "stack_linked_list": lambda: stack_ops(250_000, 108),
    "euler1_multiples": lambda: cases(30, 109, 5_000_000, 20_000_000),
}


def main(argv: list[str]) -> int:
    write(GENERATED, Path(argv[0]) if argv else HERE / "programs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
