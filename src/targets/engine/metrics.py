"""Forecast accuracy and calibration metrics (plain functions on arrays).

The CRPS comes from ``scoringrules``; MASE, sMAPE, coverage, the Winkler score
and the Brier score are a line of numpy each and stay here.

References
----------
Hyndman, R. J., & Koehler, A. B. (2006). Another look at measures of forecast
accuracy. International Journal of Forecasting 22(4), 679-688 (MASE, sMAPE).
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules,
prediction, and estimation. JASA 102(477), 359-378 (CRPS, interval score).
Brier, G. W. (1950). Verification of forecasts expressed in terms of
probability. Monthly Weather Review 78(1), 1-3.
"""

from __future__ import annotations

import numpy as np
import scoringrules as sr
from numpy.typing import ArrayLike

from targets.errors import ForecastError


def mase(actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season: int = 1) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.

    Examples
    --------
    >>> mase([12.0], [11.0], [1.0, 2.0, 3.0])
    1.0
    """
    a, f, y = (np.asarray(v, dtype=float) for v in (actual, forecast, history))
    if len(y) <= season:
        raise ForecastError(f"MASE needs more than {season} history points; got {len(y)}")
    scale = np.mean(np.abs(y[season:] - y[:-season]))
    if scale == 0:
        raise ForecastError("MASE is undefined for a constant history")
    return float(np.mean(np.abs(a - f)) / scale)


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Symmetric mean absolute percentage error, in percent (0 to 200).

    Examples
    --------
    >>> smape([100.0], [100.0])
    0.0
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    return float(np.mean(200.0 * np.abs(a - f) / (np.abs(a) + np.abs(f))))


def coverage(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of outcomes inside ``[lower, upper]``."""
    a, lo, hi = (np.asarray(v, dtype=float) for v in (actual, lower, upper))
    return float(np.mean((a >= lo) & (a <= hi)))


def winkler(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike, level: float) -> float:
    """Mean Winkler (interval) score of central ``level``% intervals: width plus penalties.

    Examples
    --------
    >>> winkler([5.0], [4.0], [6.0], 80)
    2.0
    """
    a, lo, hi = (np.asarray(v, dtype=float) for v in (actual, lower, upper))
    alpha = 1 - level / 100
    score = (hi - lo) + (2 / alpha) * (lo - a) * (a < lo) + (2 / alpha) * (a - hi) * (a > hi)
    return float(np.mean(score))


def crps_samples(actual: float, samples: ArrayLike) -> float:
    """Continuous ranked probability score of one outcome from predictive samples.

    ``E|X - y| - 0.5 E|X - X'|`` for the empirical distribution of the samples:
    ``scoringrules.crps_ensemble`` with its quantile-decomposition estimator, exact
    for that distribution and ``O(n log n)`` (the energy estimator gives the same
    number in ``O(n^2)``; the "fair" one assumes a larger population). In the unit
    of ``actual``.

    Parameters
    ----------
    actual : float
        The outcome.
    samples : array_like
        Draws from the predictive distribution, in the unit of ``actual``.

    Returns
    -------
    float
        The score (0 best).

    References
    ----------
    Gneiting, T., & Raftery, A. E. (2007), eq. 21. Zamo, M., & Naveau, P. (2018).
    Estimation of the continuous ranked probability score with limited information
    and applications to ensemble weather forecasts. Math. Geosci. 50, 209-234.

    Examples
    --------
    >>> crps_samples(0.0, [0.0, 0.0])
    0.0
    """
    x = np.asarray(samples, dtype=float)
    return float(sr.crps_ensemble(float(actual), x, estimator="qd"))  # defaults differ by version


def brier(probabilities: ArrayLike, outcomes: ArrayLike) -> float:
    """Brier score of probability forecasts of binary outcomes (0 best, 1 worst).

    Examples
    --------
    >>> brier([1.0, 0.0], [1, 0])
    0.0
    """
    p, o = np.asarray(probabilities, dtype=float), np.asarray(outcomes, dtype=float)
    return float(np.mean((p - o) ** 2))
