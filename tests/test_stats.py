"""The statistics behind every speedup figure."""

from __future__ import annotations

import numpy as np
import pytest

from tools.stats import mann_whitney_p, speedup_ci


def test_equal_samples_give_an_interval_around_one():
    rng = np.random.default_rng(1)
    a = list(0.1 * (1 + 0.02 * rng.standard_normal(40)))
    b = list(0.1 * (1 + 0.02 * rng.standard_normal(40)))
    r = speedup_ci(a, b)
    assert r.contains(1.0)
    assert r.low < r.estimate < r.high
    assert r.half_width < 0.02
    assert mann_whitney_p(a, b) > 0.01


def test_a_real_difference_excludes_one():
    rng = np.random.default_rng(2)
    a = list(0.2 * (1 + 0.02 * rng.standard_normal(30)))
    b = list(0.1 * (1 + 0.02 * rng.standard_normal(30)))
    r = speedup_ci(a, b)
    assert r.low > 1.8 and r.high < 2.2
    assert r.estimate == pytest.approx(np.median(a) / np.median(b))
    assert mann_whitney_p(a, b) < 1e-6


def test_pairs_are_resampled_together():
    """Drift that hits both sides of a pair alike must not widen the interval."""
    drift = np.linspace(1.0, 2.0, 30)
    a = list(0.1 * drift * 1.5)
    b = list(0.1 * drift)
    r = speedup_ci(a, b)
    assert r.estimate == pytest.approx(1.5)
    assert r.high - r.low < 0.2


def test_the_interval_is_reproducible_for_a_seed():
    a, b = [1.0, 1.1, 0.9, 1.05], [1.0, 0.95, 1.02, 1.01]
    assert speedup_ci(a, b, seed=3) == speedup_ci(a, b, seed=3)


def test_mismatched_samples_are_refused():
    with pytest.raises(ValueError):
        speedup_ci([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        speedup_ci([], [])


def test_identical_constant_samples_have_p_one():
    assert mann_whitney_p([1.0, 1.0], [1.0, 1.0]) == 1.0
