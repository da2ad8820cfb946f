"""Differential testing throughput: generated inputs checked per second per core.

For each example, the baseline is checked against itself (`tools.differential`)
twice: cold (the original and the candidate both run on every input) and warm
(the original's outputs come from the cache, as for every candidate after the
first one against a baseline). Also printed: how fast inputs are generated alone
(no runs), and how many inputs were discarded (the original rejected them).

    .venv/bin/python benchmarks/differential.py [--examples collatz,lcs,sum_scanf]
        [--inputs 200] [--seconds 60] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tools import differential as difflib
from tools.evaluate import prepare_baseline
from tools.inputgen import StructureSource
from tools.sandbox import Sandbox
from tools.task import load_task

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="collatz,lcs,sum_scanf")
    parser.add_argument("--inputs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cores = min(2, len(os.sched_getaffinity(0)))
    print(f"{args.inputs} inputs, bound {args.seconds:g} s, {cores} cores, seed {args.seed}")
    header = (
        f"{'example':<10} {'generate/s':>10} {'checked':>8} {'discarded':>9} "
        f"{'cold s':>7} {'cold/s/core':>11} {'warm s':>7} {'warm/s/core':>11}"
    )
    print(header)
    print("-" * len(header))
    for name in args.examples.split(","):
        task = load_task(EXAMPLES / name / "prog.s")
        sandbox = Sandbox(task.limits)
        base = prepare_baseline(task, sandbox, with_profile=False)
        source = StructureSource(tuple(t.input for t in task.tests), args.seed + 1)
        start = time.monotonic()
        for i in range(args.inputs):
            source.input(i)
        gen_rate = args.inputs / (time.monotonic() - start)
        difflib.clear_cache()
        opts = difflib.DiffOptions(inputs=args.inputs, seconds=args.seconds, seed=args.seed)
        runs = []
        for _ in ("cold", "warm"):
            r = difflib.differential(
                base.binary,
                base.binary,
                task,
                sandbox,
                digest=base.build.digest,
                exit_codes=set(base.tests.exit_codes().values()),
                options=opts,
            )
            assert r.mismatches == 0, r.counterexample
            runs.append(r)
        cold, warm = runs
        print(
            f"{name:<10} {gen_rate:>10.0f} {cold.checked:>8} {cold.discarded:>9} "
            f"{cold.seconds:>7.1f} {cold.checked / cold.seconds / cores:>11.1f} "
            f"{warm.seconds:>7.1f} {warm.checked / warm.seconds / cores:>11.1f}"
        )


if __name__ == "__main__":
    main()
