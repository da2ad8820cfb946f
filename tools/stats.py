"""Statistics for paired timing samples.

Baseline and candidate runs are interleaved in pairs, so slow drifts of the
machine hit both alike; the bootstrap resamples whole pairs to keep that
pairing. The speedup is a ratio of medians (robust to the odd preempted run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import mannwhitneyu


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
    """Paired percentile bootstrap of median(baseline) / median(candidate)."""
    a = np.asarray(baseline, dtype=float)
    b = np.asarray(candidate, dtype=float)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError("need the same positive number of baseline and candidate samples")
    estimate = float(np.median(a) / np.median(b))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(resamples, len(a)))
    ratios = np.median(a[idx], axis=1) / np.median(b[idx], axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return Ratio(estimate, float(min(low, estimate)), float(max(high, estimate)))


def mann_whitney_p(baseline: list[float], candidate: list[float]) -> float:
    """Two-sided Mann-Whitney U p-value that the two samples differ in location."""
    if len(set(baseline) | set(candidate)) < 2:
        return 1.0
    return float(mannwhitneyu(baseline, candidate, alternative="two-sided").pvalue)
