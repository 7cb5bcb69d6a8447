"""Simulated yearly series with known truth, split into calibration and test sets.

Two sets of families, kept apart so that a benchmark can fail:

**Calibration families** (:data:`FAMILIES`; constants of the engine are chosen on
these, with :data:`CALIBRATION_SEED`):

* ``linear``: a straight line in levels (constant yearly increase) with
  multiplicative noise: growth rates that fall as the level rises;
* ``exponential``: log random walk with drift (growth 0-50% a year, volatility 2-20%);
* ``damped``: growth that decays geometrically (a maturing platform);
* ``saturating``: a logistic curve seen at a random phase, with log-normal noise;
* ``steady``: macro-like steady growth of 2-12% a year with small shocks;
* ``noisy``: log random walk with modest drift and large shocks (20-40% a year);
* ``declining``: a business in decline, growth -30% to 0% a year.

**Test families** (:data:`TEST_FAMILIES`; never used to choose anything, scored
with :data:`TEST_SEEDS`). Each breaks an assumption some member makes:

* ``multiplying``: starts from small values (0.05 to 2) and multiplies 2-5 fold a
  year at first, the growth rate decaying: the log members extrapolate the early
  rates;
* ``level_shift``: a linear trend with additive noise and one jump of 20-60% of
  the level, up or down, at a random year (possibly inside the forecast window);
* ``trend_break``: a linear trend whose slope changes (to between -0.5 and 0.3
  times itself) at a random year;
* ``linear_decline``: a straight decline in levels with additive noise, losing
  30-80% over the whole span (a log member compounds the fall);
* ``gompertz``: a Gompertz curve seen at a random phase, with additive noise
  (not log-normal, unlike the calibration ``saturating``);
* ``additive_noise``: a linear trend with noise of constant size (5-20% of the
  mean level), not proportional to the level;
* ``proportional_noise``: power-law growth ``(t + t0)^p`` with log-normal noise
  of 10-30%;
* ``stalling``: grows 15-60% a year, then stops growing at a random year
  (possibly inside the forecast window), with small noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FAMILIES = ("linear", "exponential", "damped", "saturating", "steady", "noisy", "declining")
TEST_FAMILIES = (
    "multiplying",
    "level_shift",
    "trend_break",
    "linear_decline",
    "gompertz",
    "additive_noise",
    "proportional_noise",
    "stalling",
)
#: The seed the engine's constants are calibrated on (with :data:`FAMILIES`).
CALIBRATION_SEED = 2026
#: Seeds the engine is scored on (with :data:`TEST_FAMILIES`); nothing is tuned on them.
TEST_SEEDS = (90001, 90002)


def simulate(family: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """One positive series of ``n`` annual totals from ``family``."""
    t = np.arange(n)
    if family == "linear":
        slope, sigma = rng.uniform(0.1, 1.0), rng.uniform(0.02, 0.1)
        return 100 * (1 + slope * t) * np.exp(rng.normal(0, sigma, n))
    if family == "exponential":
        mu, sigma = rng.uniform(0.0, 0.5), rng.uniform(0.02, 0.2)
        return 100 * np.exp(np.cumsum(rng.normal(mu, sigma, n)))
    if family == "damped":
        g0, phi, sigma = rng.uniform(0.3, 1.2), rng.uniform(0.5, 0.9), rng.uniform(0.02, 0.12)
        growth = g0 * phi**t + rng.normal(0, sigma, n)
        return 100 * np.exp(np.cumsum(growth))
    if family == "saturating":
        k, b, t0, sigma = 1e4, rng.uniform(0.4, 1.2), rng.uniform(0, 10), rng.uniform(0.02, 0.1)
        return k / (1 + np.exp(-b * (t - t0))) * np.exp(rng.normal(0, sigma, n))
    if family == "steady":
        mu, sigma = rng.uniform(0.02, 0.12), rng.uniform(0.005, 0.03)
        return 1000 * np.exp(np.cumsum(rng.normal(mu, sigma, n)))
    if family == "noisy":
        mu, sigma = rng.uniform(0.0, 0.3), rng.uniform(0.2, 0.4)
        return 100 * np.exp(np.cumsum(rng.normal(mu, sigma, n)))
    if family == "declining":
        mu, sigma = rng.uniform(-0.3, 0.0), rng.uniform(0.02, 0.12)
        return 100 * np.exp(np.cumsum(rng.normal(mu, sigma, n)))
    return _test_family(family, n, rng)


def _test_family(family: str, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n)
    if family == "multiplying":
        start = np.exp(rng.uniform(np.log(0.05), np.log(2.0)))
        g0, phi, sigma = rng.uniform(0.7, 1.6), rng.uniform(0.55, 0.9), rng.uniform(0.05, 0.15)
        growth = g0 * phi**t + rng.normal(0, sigma, n)
        growth[0] = 0.0
        return start * np.exp(np.cumsum(growth))
    if family == "level_shift":
        slope, sigma = rng.uniform(0.0, 0.3), rng.uniform(0.02, 0.08)
        level = 100 * (1 + slope * t)
        at, jump = rng.integers(2, n), rng.uniform(0.2, 0.6) * rng.choice([-1, 1])
        level = level + 100 * jump * (t >= at) * (1 + slope * at)
        return np.maximum(level + rng.normal(0, sigma * 100, n), 5.0)
    if family == "trend_break":
        slope, sigma = rng.uniform(5, 40), rng.uniform(2, 8)
        at, factor = rng.integers(3, n), rng.uniform(-0.5, 0.3)
        steps = np.where(t >= at, slope * factor, slope)
        steps[0] = 0.0
        return np.maximum(100 + np.cumsum(steps) + rng.normal(0, sigma, n), 5.0)
    if family == "linear_decline":
        loss, sigma = rng.uniform(0.3, 0.8), rng.uniform(0.01, 0.05)
        level = 100 * (1 - loss * t / (n - 1))
        return np.maximum(level + rng.normal(0, sigma * 100, n), 2.0)
    if family == "gompertz":
        k, b, t0 = 1e3, rng.uniform(0.2, 0.8), rng.uniform(-3, 4)
        curve = k * np.exp(-np.exp(-b * (t - t0)))
        noise = rng.normal(0, rng.uniform(0.01, 0.04) * k, n)
        return np.maximum(curve + noise, 1.0)
    if family == "additive_noise":
        slope, sigma = rng.uniform(-0.03, 0.25), rng.uniform(0.05, 0.2)
        level = 100 * (1 + slope * t)
        return np.maximum(level + rng.normal(0, sigma * level.mean(), n), 5.0)
    if family == "proportional_noise":
        p, t0, sigma = rng.uniform(1.0, 2.5), rng.uniform(1, 4), rng.uniform(0.1, 0.3)
        return 10 * (t + t0) ** p * np.exp(rng.normal(0, sigma, n))
    if family == "stalling":
        growth, at, sigma = rng.uniform(0.15, 0.6), rng.integers(3, n), rng.uniform(0.01, 0.05)
        rates = np.where(t >= at, 0.0, growth)
        rates[0] = 0.0
        return 100 * np.exp(np.cumsum(rates) + rng.normal(0, sigma, n))
    raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES + TEST_FAMILIES}")


def panel(
    n_per_family: int,
    n_points: int,
    seed: int = 0,
    families: tuple[str, ...] = FAMILIES,
) -> pd.DataFrame:
    """``unique_id, ds, y, family`` frame of simulated annual series."""
    rng = np.random.default_rng(seed)
    rows = []
    for family in families:
        for i in range(n_per_family):
            y = simulate(family, n_points, rng)
            rows.append(
                pd.DataFrame(
                    {
                        "unique_id": f"{family}-{seed}-{i:03d}",
                        "ds": pd.date_range("2010-01-01", periods=n_points, freq="YS"),
                        "y": y,
                        "family": family,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)
