"""A/A coverage: how often the speedup interval of a program timed against
itself contains 1.0.

Each trial is one full `Baseline.timed_against_itself` (tools.timing.measure)
(its own ABBA order and bootstrap seed, the adaptive stopping rule included), as
`agent eval` does it. Printed per example: the share of 95% intervals that
contain 1.0 with its Clopper-Pearson 95% interval, and the issue's must-show in
its own terms: over consecutive blocks of 20 trials, how many blocks had at
least 18 intervals containing 1.0 (a perfectly calibrated 95% interval manages
that in 92.5% of blocks).

    .venv/bin/python benchmarks/aa_coverage.py [--examples sum_scanf,collatz]
        [--trials 100] [--max-seconds 15]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from scipy.stats import binom, binomtest

from tools.evaluate import prepare_baseline
from tools.sandbox import Sandbox
from tools.task import load_task
from tools.timing import TimingOptions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BLOCK, NEEDED = 20, 18


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="sum_scanf,collatz")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--max-seconds", type=float, default=15.0)
    args = parser.parse_args()
    calibrated = binom.sf(NEEDED - 1, BLOCK, 0.95)
    print(f"{args.trials} A/A trials per example; a calibrated 95% interval passes")
    print(f"'{NEEDED} of {BLOCK}' in {calibrated:.1%} of blocks")
    header = (
        f"{'example':<10} {'contain 1.0':>12} {'coverage':>9} {'95% CI':>16} "
        f"{'pairs':>6} {'s/trial':>8} {f'blocks >={NEEDED}/{BLOCK}':>15}"
    )
    print(header)
    print("-" * len(header))
    for name in args.examples.split(","):
        task = load_task(EXAMPLES / name / "prog.s")
        sandbox = Sandbox(task.limits)
        base = prepare_baseline(task, sandbox, with_profile=False)
        hits, pairs, seconds = [], [], []
        for seed in range(args.trials):
            options = TimingOptions(seed=seed, max_seconds=args.max_seconds)
            t = base.timed_against_itself(sandbox, options)
            hits.append(t.speedup.contains(1.0))
            pairs.append(t.pairs)
            seconds.append(t.seconds)
        k, n = sum(hits), len(hits)
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        blocks = [sum(hits[i : i + BLOCK]) for i in range(0, n - BLOCK + 1, BLOCK)]
        good = sum(b >= NEEDED for b in blocks)
        print(
            f"{name:<10} {f'{k}/{n}':>12} {k / n:>9.3f} "
            f"{f'[{ci.low:.3f}, {ci.high:.3f}]':>16} {statistics.mean(pairs):>6.1f} "
            f"{statistics.mean(seconds):>8.2f} {f'{good}/{len(blocks)}':>15}"
        )


if __name__ == "__main__":
    main()
