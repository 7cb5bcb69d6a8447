"""``prophet``: Prophet on the log scale (or logistic with a cap), its own uncertainty samples.

Short annual series need care Prophet's defaults lack: yearly seasonality is
switched on for annual data once it spans two years (it cannot be identified
from one point a year), and 25 changepoints are placed in the first 80% of
however few points there are. The wrapper turns seasonality off unless the
series has several points per year over at least two years, and scales the
number of changepoints to the series (one per three points).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from targets._quiet import quiet_prophet
from targets.engine.models.base import Array, Series


def n_changepoints(n: int) -> int:
    """Changepoints for a series of ``n`` points: one per three points."""
    return max(0, (n - 1) // 3)


def build_prophet(series: Series, n_samples: int) -> Any:
    """The Prophet model object for a series (one place for every argument)."""
    quiet_prophet()
    from prophet import Prophet

    span_years = (series.ds[-1] - series.ds[0]).days / 365.25
    seasonal = series.season > 1 and span_years >= 2
    return Prophet(
        growth="logistic" if series.cap is not None else "linear",
        yearly_seasonality=seasonal,
        weekly_seasonality=False,
        daily_seasonality=False,
        seasonality_mode="additive",
        n_changepoints=n_changepoints(series.n),
        changepoint_range=0.8,
        uncertainty_samples=n_samples,
        mcmc_samples=0,
    )


def prophet_frame(series: Series) -> pd.DataFrame:
    """The frame Prophet is fitted on: ``ds, y`` (log y, or y with ``cap``)."""
    if series.cap is not None:
        return pd.DataFrame({"ds": series.ds, "y": series.y, "cap": series.cap})
    return pd.DataFrame({"ds": series.ds, "y": np.log(series.y)})


def fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
    """Fit Prophet and return its predictive samples for the next ``h`` periods.

    Prophet draws its uncertainty samples from NumPy's global random state; to
    keep results reproducible without touching the caller's state, the global
    state is seeded from ``rng`` for the call and restored afterwards.
    """
    model = build_prophet(series, n_samples)
    frame = prophet_frame(series)
    saved = np.random.get_state()  # noqa: NPY002 (Prophet reads the global state)
    try:
        np.random.seed(int(rng.integers(0, 2**31 - 1)))  # noqa: NPY002
        with warnings.catch_warnings():
            # Prophet 1.1 calls DataFrame.drop(inplace=True), which pandas 3.1
            # deprecates; the warning is Prophet's to fix, not the user's to see.
            warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame")
            model.fit(frame)
            future = pd.DataFrame({"ds": series.future_ds(h)})
            if series.cap is not None:
                future["cap"] = series.future_cap
            samples = model.predictive_samples(future)["yhat"]  # (h, n_samples)
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    samples = np.asarray(samples, dtype=float).T
    if series.cap is not None:
        return np.maximum(samples, series.y.min() * 1e-3)
    return np.exp(samples)
