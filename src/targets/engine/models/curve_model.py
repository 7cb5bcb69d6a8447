"""Growth-curve models (``exponential``, ``logistic``, ``gompertz``, ``bass``) for regular series.

Each period of a regular series is an interval total; the curve is fitted to
those totals by :func:`targets.engine.curvefit.fit_curve` and future period totals are
simulated from its Laplace approximation, then widened for the small sample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from targets.engine.curvefit import fit_curve
from targets.engine.models.base import Array, Series
from targets.errors import ForecastError


def rows_from_series(series: Series) -> pd.DataFrame:
    """Regular-series points as observation rows (official exact totals)."""
    ends = pd.date_range(series.ds[0], periods=series.n + 1, freq=series.freq)[1:] - pd.Timedelta(
        days=1
    )
    return pd.DataFrame(
        {
            "period_start": series.ds,
            "period_end": ends,
            "base_start": pd.NaT,
            "base_end": pd.NaT,
            "value_yuan": series.y,
            "value_high_yuan": np.nan,
            "ratio": np.nan,
            "kind": "actual",
            "status": "official",
            "qualifier": "exact",
            "published": ends,
            "row": np.arange(series.n) + 2,
        }
    )


def make_fit_sample(curve: str) -> Callable[[Series, int, int, np.random.Generator], Array]:
    """A ``fit_sample`` function for one curve."""

    def fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
        growth = np.diff(np.log(series.y))
        if curve != "exponential" and not (np.median(growth) > 0 and series.y[-1] > series.y[0]):
            # Saturating curves only rise; on a flat or falling series they can only misfit.
            raise ForecastError(f"the {curve} curve needs a growing series; this one is not")
        saturation = None
        if series.cap is not None and curve != "exponential":
            cap = float(series.future_cap or series.cap[-1])
            saturation = (0.5 * cap, cap)
        fit = fit_curve(rows_from_series(series), curve, saturation=saturation)
        future = series.future_ds(h)
        ends = pd.date_range(future[0], periods=h + 1, freq=series.freq)[1:] - pd.Timedelta(days=1)
        return fit.sample_totals(future, ends, n_samples, rng)

    fit_sample.__doc__ = f"Fit a {curve} curve to the period totals and simulate."
    return fit_sample
