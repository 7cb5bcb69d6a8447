"""What every model shares: the input it sees, its registry entry, and small-sample widening.

A model is a plain function ``fit_sample(series, h, n_samples, rng) -> ndarray``
that takes one validated, regular, positive series and returns ``n_samples``
simulated future paths of length ``h`` (totals per period, yuan). Models never
see raw CSV rows or DataFrames with other series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from targets.engine.sampling import student_scale
from targets.errors import ForecastError

Array = NDArray[np.float64]

#: Periods per year for the supported frequencies (seasonal period).
SEASON: dict[str, int] = {"YS": 1, "QS": 4, "MS": 12}


@dataclass(frozen=True)
class Series:
    """One regular, positive series as a model sees it.

    Attributes
    ----------
    ds : pandas.DatetimeIndex
        Period starts, regular at ``freq``.
    y : numpy.ndarray
        Totals per period (yuan), all positive.
    freq : {"YS", "QS", "MS"}
    cap : numpy.ndarray or None
        Prophet's saturation level per observed period, if given.
    future_cap : float or None
        Saturation level for the forecast periods, if given.
    log_evidence : float
        Share of the level drift's out-of-sample errors that the log drift's
        must stay below for the series to count as growing on logs
        (:func:`grows_on_logs`); :func:`targets.engine.forecast.forecast` sets
        it from ``engine_log_evidence_ratio`` in ``data/assumptions.csv``. The
        default 1 is the plain comparison (the smaller errors win).
    """

    ds: pd.DatetimeIndex
    y: Array
    freq: str
    cap: Array | None = None
    future_cap: float | None = None
    log_evidence: float = 1.0

    @property
    def n(self) -> int:
        """Number of observed periods."""
        return len(self.y)

    @property
    def season(self) -> int:
        """Seasonal period (1 for annual data)."""
        return SEASON[self.freq]

    def future_ds(self, h: int) -> pd.DatetimeIndex:
        """Start dates of the next ``h`` periods."""
        return pd.date_range(self.ds[-1], periods=h + 1, freq=self.freq)[1:]


FitSample = Callable[[Series, int, int, np.random.Generator], Array]


@dataclass(frozen=True)
class ModelSpec:
    """A model in the registry.

    Attributes
    ----------
    name : str
    min_points : int
        Fewest observed periods the model accepts.
    fit_sample : callable
        ``fit_sample(series, h, n_samples, rng)`` returning an array of shape
        ``(n_samples, h)`` of positive totals (yuan).
    description : str
    """

    name: str
    min_points: int
    fit_sample: FitSample
    description: str

    def __call__(self, series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
        """Check the series length, then fit and simulate."""
        if series.n < self.min_points:
            raise ForecastError(
                f"model {self.name!r} needs at least {self.min_points} points; "
                f"the series has {series.n}"
            )
        paths = self.fit_sample(series, h, n_samples, rng)
        if paths.shape != (n_samples, h) or not np.all(np.isfinite(paths)):
            raise ForecastError(f"model {self.name!r} produced invalid sample paths")
        # A one-step median a thousand times off the last observation is a numerical
        # failure of the engine (seen with degenerate inputs), not a forecast.
        ratio = float(np.median(paths[:, 0])) / float(series.y[-1])
        if not 1e-3 < ratio < 1e3:
            raise ForecastError(
                f"model {self.name!r} failed on this series: its one-step forecast is "
                f"{ratio:.3g} times the last observation"
            )
        return paths


def widen_small_sample(
    log_paths: Array, center: Array, n_resid: int, n_params: int, rng: np.random.Generator
) -> Array:
    """Give simulated log-paths the predictive spread of a small sample.

    Engines simulate with the maximum-likelihood noise scale, which is biased low
    and treated as known. For a Gaussian model with unknown variance and a flat
    prior, the predictive distribution is Student-t: equivalent to drawing, per
    path, a variance from a scaled inverse chi-square with ``nu = n - k``
    degrees of freedom around the unbiased estimate. Because the engines used
    here (additive-error ETS, ARIMA, Theta on logs) are linear in their
    innovations, scaling each path's deviation from ``center`` by that draw is
    exact.

    Parameters
    ----------
    log_paths : ndarray, shape (n_samples, h)
        Simulated paths in logs.
    center : ndarray, shape (h,)
        The point forecast in logs.
    n_resid : int
        Number of residuals the noise scale was estimated from.
    n_params : int
        Parameters estimated.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray
        Widened log-paths.

    References
    ----------
    Gelman, A. et al. (2013). Bayesian Data Analysis, 3rd ed., section 14.2.
    """
    # At least two degrees of freedom: with one, the predictive is a log-Cauchy
    # whose quantiles are finite but whose tails swamp any probability question.
    nu = max(n_resid - n_params, 2)
    bias = np.sqrt(n_resid / nu)
    draw = student_scale(nu, log_paths.shape[0], rng)[:, None]
    return center + (log_paths - center) * bias * draw


def drift_point_errors(y: Array, first_origin: int = 3) -> tuple[Array, Array]:
    """Out-of-sample point errors of the drift on logs and on levels, all origins and steps.

    From every origin ``o >= first_origin`` (the first ``o`` points known),
    both drifts forecast every later observed point ``o + k - 1`` (``k`` steps
    ahead): on logs ``y[o-1] * exp(k * mean growth)``, on levels
    ``y[o-1] + k * mean increase``. Multi-step errors are kept because the two
    scales part most there: compounding a growth rate that is decaying
    overshoots by a factor that grows with the horizon.

    Parameters
    ----------
    y : ndarray
        Positive totals per period (yuan).
    first_origin : int
        Fewest points an origin uses (two changes).

    Returns
    -------
    (ndarray, ndarray)
        Absolute errors (yuan) of the log drift and of the level drift, one per
        (origin, step) pair; empty when the series is too short.
    """
    log_y = np.log(y)
    e_log, e_lev = [], []
    for o in range(first_origin, len(y)):
        k = np.arange(1, len(y) - o + 1)
        g = (log_y[o - 1] - log_y[0]) / (o - 1)
        d = (y[o - 1] - y[0]) / (o - 1)
        actual = y[o - 1 + k]
        e_log.append(np.abs(actual - y[o - 1] * np.exp(k * g)))
        e_lev.append(np.abs(actual - (y[o - 1] + k * d)))
    if not e_log:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(e_log), np.concatenate(e_lev)


def grows_on_logs(y: Array, ratio: float = 1.0) -> bool:
    """Whether the series' own past says it grows on logs (multiplies) rather than on levels.

    Evidence: out-of-sample forecasts of the series' own later points from
    every earlier origin (:func:`drift_point_errors`). The log scale is chosen
    when the log drift's errors sum to less than ``ratio`` times the level
    drift's (yuan): with ``ratio`` below one the compounding scale must win
    clearly, since a wrong choice of logs compounds (the ensemble uses
    ``engine_log_evidence_ratio``, chosen on simulated calibration series). Without
    evidence (fewer than four points) the level scale is kept: it does not
    compound, so it cannot explode; on 645 real six-point yearly series a
    random walk with drift on levels beat the one on logs (MASE 1.78 against
    2.02, issue 9).

    Parameters
    ----------
    y : ndarray
        Positive totals per period (yuan).
    ratio : float
        Share of the level drift's summed errors the log drift's must stay
        below (dimensionless; 1 is the plain comparison).

    Returns
    -------
    bool

    Examples
    --------
    >>> grows_on_logs(np.array([1.0, 2.0, 4.1, 7.9, 16.2, 31.8]))
    True
    >>> grows_on_logs(np.array([10.0, 20.0, 31.0, 39.0, 51.0, 60.0]))
    False
    """
    e_log, e_lev = drift_point_errors(np.asarray(y, dtype=float))
    return bool(e_log.size) and float(e_log.sum()) < ratio * float(e_lev.sum())
