"""Simulated growth series with known truth, for calibration benchmarks and tests.

Families of annual series, all positive:

* ``linear``: a straight line in levels (constant yearly increase) with
  multiplicative noise: growth rates that fall as the level rises;
* ``exponential``: log random walk with drift (growth 0-50% a year, volatility 2-20%);
* ``damped``: growth that decays geometrically (a maturing platform);
* ``saturating``: a logistic curve seen at a random phase, with log-normal noise;
* ``steady``: macro-like steady growth of 2-12% a year with small shocks;
* ``noisy``: log random walk with modest drift and large shocks (20-40% a year);
* ``declining``: a business in decline, growth -30% to 0% a year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FAMILIES = ("linear", "exponential", "damped", "saturating", "steady", "noisy", "declining")


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
    raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")


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
                        "unique_id": f"{family}-{i:03d}",
                        "ds": pd.date_range("2010-01-01", periods=n_points, freq="YS"),
                        "y": y,
                        "family": family,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)
