"""Scores and reference forecasters shared by the benchmarks (prints nothing).

Every method gives, per series, a dict of arrays of length ``h``: ``median``,
``lo-80``, ``hi-80``, ``lo-95``, ``hi-95``. :func:`score_series` turns one into
the per-series figures the benchmarks print:

* ``ase``: absolute error of the median over the in-sample mean absolute
  one-step change (the MASE term; Hyndman & Koehler 2006);
* ``smape``: symmetric absolute percentage error of the median, percent;
* ``cov80``, ``cov95``: share of outcomes inside the central intervals;
* ``winkler95``: Winkler (interval) score of the 95% interval, scaled like the
  MASE (by the in-sample mean absolute change), so that series of different
  sizes can be averaged;
* ``up_last``: the largest 95% upper bound over the last observed value.

Reference forecasters (:data:`REFERENCES`), all on one series' numpy array:
random walk with drift on levels and on logs (normal intervals, FPP3 table
5.2, statsforecast's ``RandomWalkWithDrift``), statsmodels' ``ThetaModel`` and
``ETSModel`` (additive errors on levels, trend none/additive/damped chosen by
AICc as statsforecast's AutoETS does for yearly data).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats

Quantiles = dict[str, np.ndarray]
Z80, Z95 = stats.norm.ppf(0.9), stats.norm.ppf(0.975)


def score_series(q: Quantiles, history: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """Per-series scores of one method's quantiles against the outcome."""
    scale = float(np.mean(np.abs(np.diff(history))))
    scale = scale if scale > 0 else float(np.mean(np.abs(history))) or 1.0
    med, lo80, hi80, lo95, hi95 = (q[k] for k in ("median", "lo-80", "hi-80", "lo-95", "hi-95"))
    a = actual
    alpha = 0.05
    wink = (hi95 - lo95) + (2 / alpha) * ((lo95 - a) * (a < lo95) + (a - hi95) * (a > hi95))
    return {
        "ase": float(np.mean(np.abs(a - med)) / scale),
        "smape": float(np.mean(200 * np.abs(a - med) / (np.abs(a) + np.abs(med)))),
        "cov80": float(np.mean((a >= lo80) & (a <= hi80))),
        "cov95": float(np.mean((a >= lo95) & (a <= hi95))),
        "winkler95": float(np.mean(wink) / scale),
        "up_last": float(np.max(hi95) / history[-1]),
    }


def from_paths(paths: np.ndarray) -> Quantiles:
    """Median and central 80%/95% intervals of sample paths ``(n, h)``."""
    q = np.quantile(paths, [0.5, 0.1, 0.9, 0.025, 0.975], axis=0)
    return dict(zip(("median", "lo-80", "hi-80", "lo-95", "hi-95"), q, strict=True))


def _normal(center: np.ndarray, sd: np.ndarray) -> Quantiles:
    return {
        "median": center,
        "lo-80": center - Z80 * sd,
        "hi-80": center + Z80 * sd,
        "lo-95": center - Z95 * sd,
        "hi-95": center + Z95 * sd,
    }


def rwd_levels(y: np.ndarray, h: int) -> Quantiles:
    """Random walk with drift on levels, normal intervals (FPP3 table 5.2)."""
    d = np.diff(y)
    k = np.arange(1, h + 1)
    sd = np.std(d, ddof=1) * np.sqrt(k * (1 + k / len(d)))
    return _normal(y[-1] + k * d.mean(), sd)


def rwd_logs(y: np.ndarray, h: int) -> Quantiles:
    """Random walk with drift on logs, normal intervals on logs, back-transformed."""
    q = rwd_levels(np.log(y), h)
    return {k: np.exp(v) for k, v in q.items()}


def _quiet(fn: Callable, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def sm_theta(y: np.ndarray, h: int) -> Quantiles:
    """statsmodels ``ThetaModel`` on levels with its own prediction intervals."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    res = _quiet(ThetaModel(y, period=1, deseasonalize=False).fit)
    center = np.asarray(res.forecast(h), dtype=float)
    out = {"median": center}
    for level in (80, 95):
        pi = np.asarray(_quiet(res.prediction_intervals, h, alpha=1 - level / 100), dtype=float)
        out[f"lo-{level}"], out[f"hi-{level}"] = pi[:, 0], pi[:, 1]
    return out


def sm_ets(y: np.ndarray, h: int) -> Quantiles:
    """statsmodels ``ETSModel`` on levels (A,N,N / A,A,N / A,Ad,N by AICc)."""
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = pd.Series(y, index=pd.RangeIndex(len(y)))
    best = None
    for trend, damped in ((None, False), ("add", False), ("add", True)):
        if trend and len(y) < 4 + damped:
            continue
        try:
            res = _quiet(
                ETSModel(
                    series,
                    error="add",
                    trend=trend,
                    damped_trend=damped,
                    initialization_method="estimated",
                ).fit,
                disp=False,
            )
        except (ValueError, np.linalg.LinAlgError):
            continue
        score = res.aicc if np.isfinite(res.aicc) else res.aic
        if np.isfinite(score) and (best is None or score < best[0]):
            best = (score, res)
    assert best is not None
    res = best[1]
    pred = _quiet(res.get_prediction, start=len(y), end=len(y) + h - 1)
    frames = {level: pred.summary_frame(alpha=1 - level / 100) for level in (80, 95)}
    out = {"median": frames[80]["mean"].to_numpy(float)}
    for level, f in frames.items():
        out[f"lo-{level}"] = f["pi_lower"].to_numpy(float)
        out[f"hi-{level}"] = f["pi_upper"].to_numpy(float)
    return out


REFERENCES: dict[str, Callable[[np.ndarray, int], Quantiles]] = {
    "RWD levels": rwd_levels,
    "RWD logs": rwd_logs,
    "sm Theta": sm_theta,
    "sm ETS": sm_ets,
}
