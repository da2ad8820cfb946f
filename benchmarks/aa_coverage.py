"""A/A coverage: how often the speedup interval of a program timed against
itself contains 1.0.

Each trial is one full `Baseline.timed_against_itself` (tools.timing.measure)
(its own ABBA order and bootstrap seed, the adaptive stopping rule included), in
each mode: "decide", the screening of every candidate (stop at the first look
that decides faster, slower or practically equal: the repeated intervals must
keep 95% under that optional stopping), and "precise", the winner's
confirmation (stop at ±1% or the cap). Printed per example and mode: the share
of 95% intervals that contain 1.0 with its Clopper-Pearson 95% interval, how
often an A/A pair was wrongly decided faster or slower, the mean pairs and
seconds, and over consecutive blocks of 20 trials how many blocks had at least
18 intervals containing 1.0 (a perfectly calibrated 95% interval manages that
in 92.5% of blocks).

    .venv/bin/python benchmarks/aa_coverage.py [--examples sum_scanf,collatz]
        [--trials 100] [--modes decide,precise]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from scipy.stats import binom, binomtest

from tools.evaluate import prepare_baseline
from tools.sandbox import Sandbox
from tools.task import load_task
from tools.timing import FASTER, SLOWER, TimingOptions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BLOCK, NEEDED = 20, 18


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="sum_scanf,collatz")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--modes", default="decide,precise")
    args = parser.parse_args()
    calibrated = binom.sf(NEEDED - 1, BLOCK, 0.95)
    print(f"{args.trials} A/A trials per example and mode; a calibrated 95% interval passes")
    print(f"'{NEEDED} of {BLOCK}' in {calibrated:.1%} of blocks")
    header = (
        f"{'example':<10} {'mode':<8} {'contain 1.0':>12} {'coverage':>9} {'95% CI':>16} "
        f"{'decided':>8} {'pairs':>6} {'s/trial':>8} {f'blocks >={NEEDED}/{BLOCK}':>15}"
    )
    print(header)
    print("-" * len(header))
    for name in args.examples.split(","):
        task = load_task(EXAMPLES / name / "prog.s")
        sandbox = Sandbox(task.limits)
        base = prepare_baseline(task, sandbox, with_profile=False)
        for mode in args.modes.split(","):
            hits, wrong, pairs, seconds = [], 0, [], []
            for seed in range(args.trials):
                if mode == "precise":
                    options = TimingOptions.precise(seed=seed)
                else:
                    options = TimingOptions(seed=seed)
                t = base.timed_against_itself(sandbox, options)
                hits.append(t.speedup.contains(1.0))
                wrong += t.decision in (FASTER, SLOWER)
                pairs.append(t.pairs)
                seconds.append(t.seconds)
            k, n = sum(hits), len(hits)
            ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
            blocks = [sum(hits[i : i + BLOCK]) for i in range(0, n - BLOCK + 1, BLOCK)]
            good = sum(b >= NEEDED for b in blocks)
            decided = f"{wrong}/{n}" if mode == "decide" else "-"
            print(
                f"{name:<10} {mode:<8} {f'{k}/{n}':>12} {k / n:>9.3f} "
                f"{f'[{ci.low:.3f}, {ci.high:.3f}]':>16} {decided:>8} "
                f"{statistics.mean(pairs):>6.1f} {statistics.mean(seconds):>8.2f} "
                f"{f'{good}/{len(blocks)}':>15}",
                flush=True,
            )


if __name__ == "__main__":
    main()
