"""The sample CRPS (scoringrules) against the closed form of a normal and the old formula."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from targets.engine.metrics import crps_samples


def crps_normal(y: float, mu: float, sigma: float) -> float:
    """Closed-form CRPS of N(mu, sigma^2) at y (Gneiting & Raftery 2007, eq. 5)."""
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


def crps_sorted(y: float, samples) -> float:
    """The formula the package used before scoringrules: E|X-y| minus the sorted-sample
    identity for 0.5 E|X-X'| (exact for the empirical distribution)."""
    x = np.sort(np.asarray(samples, dtype=float))
    n = len(x)
    i = np.arange(1, n + 1)
    return float(np.mean(np.abs(x - y)) - np.sum((2 * i - n - 1) * x) / n**2)


@pytest.mark.parametrize("y", [-2.5, -0.3, 0.0, 1.0, 4.0])
@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (10.0, 3.0)])
def test_a_normal_ensemble_scores_as_the_normal_distribution(y, mu, sigma):
    n = 20_000
    y = mu + sigma * y
    # A quantile grid: the empirical distribution differs from the normal by O(1/n).
    grid = stats.norm.ppf((np.arange(n) + 0.5) / n, loc=mu, scale=sigma)
    assert crps_samples(y, grid) == pytest.approx(crps_normal(y, mu, sigma), rel=1e-3, abs=1e-4)
    # Random draws: the error is O(sigma / sqrt(n)); 5 standard errors of the mean |X - y|.
    draws = np.random.default_rng(7).normal(mu, sigma, n)
    tolerance = 5 * sigma / n**0.5
    assert crps_samples(y, draws) == pytest.approx(crps_normal(y, mu, sigma), abs=tolerance)


@pytest.mark.parametrize("seed", range(5))
def test_the_library_agrees_with_the_previous_formula(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 7, 500):
        samples = rng.lognormal(0.0, 1.0, n)
        y = float(rng.lognormal())
        assert crps_samples(y, samples) == pytest.approx(crps_sorted(y, samples), rel=1e-12)


def test_a_list_and_an_int_outcome_are_accepted():
    assert crps_samples(3, [1, 1, 1]) == pytest.approx(2.0)
    assert isinstance(crps_samples(3, [1, 1, 1]), float)
