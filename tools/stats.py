"""Statistics for paired timing samples.

Baseline and candidate runs are interleaved in pairs, so slow drifts of the
machine hit both alike; the bootstrap resamples whole pairs to keep that
pairing. The speedup is a ratio of medians (robust to the odd preempted run).

The bootstrap is smoothed. Run times often fall in clusters (sum_scanf's runs
sit in two groups 2% apart), and the median of a few dozen such runs jumps
between them, so plain percentile intervals are lumpy; stopping at the first
one within ±1% (tools.timing) picked too-narrow ones, which contained the truth
in 93% of 117 real A/A runs instead of the 95% claimed. Adding a little
Gaussian noise, in log space, to every resampled run restores the coverage
(Hall, DiCiccio and Romano 1989). Its bandwidth comes from the within-pair
spread only, so drift that hits both sides of a pair alike still cancels.
`benchmarks/aa_coverage.py` measures the coverage on real runs;
`tests/test_stats.py` on simulated run-time shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import iqr, mannwhitneyu


@dataclass(frozen=True)
class Ratio:
    """median(baseline) / median(candidate) with a bootstrap confidence interval."""

    estimate: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """Relative half-width of the interval (0.01 means about ±1%)."""
        return (self.high - self.low) / 2 / self.estimate

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def speedup_ci(
    baseline: list[float],
    candidate: list[float],
    level: float = 0.95,
    resamples: int = 4000,
    seed: int = 0,
) -> Ratio:
    """Smoothed paired bootstrap of median(baseline) / median(candidate)."""
    a = np.asarray(baseline, dtype=float)
    b = np.asarray(candidate, dtype=float)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError("need the same positive number of baseline and candidate samples")
    if (a <= 0).any() or (b <= 0).any():
        raise ValueError("run times must be positive")
    estimate = float(np.median(a) / np.median(b))
    la, lb = np.log(a), np.log(b)
    h = _bandwidth(la - lb)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(resamples, len(a)))
    ra = la[idx] + rng.normal(0.0, h, size=idx.shape)
    rb = lb[idx] + rng.normal(0.0, h, size=idx.shape)
    log_ratios = np.median(ra, axis=1) - np.median(rb, axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.exp(np.percentile(log_ratios, [tail, 100 - tail]))
    return Ratio(estimate, float(min(low, estimate)), float(max(high, estimate)))


def _bandwidth(log_differences: np.ndarray) -> float:
    """Silverman's rule on one run's own noise: the spread of the within-pair
    log differences, divided by sqrt(2) because each holds two runs' noise."""
    n = len(log_differences)
    if n < 2:
        return 0.0
    sd = float(np.std(log_differences, ddof=1))
    robust = float(iqr(log_differences)) / 1.349
    spread = min(sd, robust) if robust > 0 else sd
    return 0.9 * spread / np.sqrt(2) * n**-0.2


def mann_whitney_p(baseline: list[float], candidate: list[float]) -> float:
    """Two-sided Mann-Whitney U p-value that the two samples differ in location."""
    if len(set(baseline) | set(candidate)) < 2:
        return 1.0
    return float(mannwhitneyu(baseline, candidate, alternative="two-sided").pvalue)
