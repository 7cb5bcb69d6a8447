"""``ets``, ``arima`` and ``theta``: statsmodels engines on the log or the level scale.

``ets`` and ``theta`` work on ``log y`` when the series' own past says it grows
multiplicatively, and on ``y`` otherwise
(:func:`targets.engine.models.base.grows_on_logs`): a series that multiplied
from small values at decaying rates is not extrapolated at its early rates.
``arima`` always works on logs. All three choose among a few simple
specifications by AICc on short series (FPP3 section 8.6 advises simple models
and AICc when data are scarce), simulate future paths through statsmodels' own
``simulate``/interval methods, and widen them for the small sample
(:func:`targets.engine.models.base.widen_small_sample`).

One private helper builds each engine call, so the specifications cannot drift
apart between fitting and parity tests.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from targets.engine.models.base import Array, Series, grows_on_logs, widen_small_sample
from targets.errors import ForecastError

#: Level-scale paths are totals and must stay positive: a path that crosses zero
#: is held at this fraction of the smallest observed total (as in ``drift``).
FLOOR_SHARE = 1e-3


def work_scale(series: Series) -> tuple[Array, Any]:
    """The scale a model works on: ``(log y, exp)`` or ``(y, floor)``.

    Returns the transformed observations and the function that turns
    transformed paths back into positive totals (yuan).
    """
    if grows_on_logs(series.y, series.log_evidence):
        return np.log(series.y), np.exp
    floor = FLOOR_SHARE * float(series.y.min())
    return series.y.astype(float), lambda v: np.maximum(v, floor)


def _quiet_fit(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a statsmodels fit, turning its convergence chatter into nothing.

    statsmodels warns (ConvergenceWarning, ValueWarning about frequency) on
    most fits of five-point series; the fits are still usable and the choice
    among them is made by AICc, so these specific warnings are dropped here,
    locally. Other warnings pass through.
    """
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        EstimationWarning,
        ValueWarning,
    )

    quiet = (ConvergenceWarning, EstimationWarning, ValueWarning)
    # statsmodels resets warning filters inside some fits, so filters set here
    # would not hold; record everything instead and re-issue what is not chatter.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    for w in caught:
        # Numerical RuntimeWarnings inside a fit (overflow while the optimizer
        # explores) are the engine's business; the result is checked afterwards.
        chatter = issubclass(w.category, quiet) or issubclass(w.category, RuntimeWarning)
        if not chatter:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def ets_candidates(n: int, season: int) -> list[dict[str, Any]]:
    """ETS specifications tried for a series of ``n`` points (additive errors on logs)."""
    specs: list[dict[str, Any]] = [{"trend": None, "damped_trend": False}]
    if n >= 4:
        specs.append({"trend": "add", "damped_trend": False})
    if n >= 5:
        specs.append({"trend": "add", "damped_trend": True})
    if season > 1 and n >= 2 * season + 2:
        specs += [dict(s, seasonal="add", seasonal_periods=season) for s in list(specs)]
    return specs


def build_ets(log_y: Array, spec: dict[str, Any]) -> Any:
    """The statsmodels ETSModel for one specification (additive error)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(log_y, error="add", initialization_method="estimated", **spec)


def fit_ets(log_y: Array, season: int) -> Any:
    """Fit every candidate ETS model and return the results with the lowest AICc.

    Where the AICc is undefined (as many parameters as points) the AIC stands in.
    Candidates are fitted for their parameters only, and scored from the
    log-likelihood at those parameters (what statsmodels' results report); only
    the chosen one is turned into a results object, whose construction (fitted
    states, a numerical Hessian for standard errors never used here) costs a
    third of a fit on a short series.
    """
    from statsmodels.tools.eval_measures import aic, aicc

    scored = []
    for spec in ets_candidates(len(log_y), season):
        model = build_ets(log_y, spec)
        try:
            params = _quiet_fit(model.fit, disp=False, return_params=True)
            llf = model.loglike(params)
        except (ValueError, np.linalg.LinAlgError):
            continue
        # Degrees of freedom as statsmodels' ETSResults count them: the
        # parameters plus the (concentrated) error variance.
        k = len(params) + 1
        score = aicc(llf, model.nobs, k)
        if not np.isfinite(score):
            score = aic(llf, model.nobs, k)
        if np.isfinite(score):
            scored.append((score, model, params))
    # Best first; a stable sort keeps the simpler specification on a tie.
    for _, model, params in sorted(scored, key=lambda c: c[0]):
        try:
            return _quiet_fit(model.smooth, params)
        except (ValueError, np.linalg.LinAlgError):
            continue
    raise ForecastError("no ETS specification could be fitted")


def ets_fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
    """ETS with additive errors (trend none, additive or damped by AICc) on the scale
    the series grows on (:func:`work_scale`), statsmodels ``simulate`` paths."""
    z, back = work_scale(series)
    if np.ptp(np.log(series.y)) < 1e-12:
        raise ForecastError("ETS cannot be fitted to a constant series")
    res = fit_ets(z, series.season)
    center = np.asarray(res.forecast(h), dtype=float)
    sims = _quiet_fit(res.simulate, nsimulations=h, anchor="end", repetitions=n_samples, rng=rng)
    paths = np.asarray(sims, dtype=float).reshape(h, n_samples).T
    paths = widen_small_sample(paths, center, series.n, len(res.params), rng)
    return back(paths)


def arima_candidates(n: int) -> list[tuple[int, int, int]]:
    """ARIMA orders tried (all with one difference and a drift)."""
    orders = [(0, 1, 0)]
    if n >= 6:
        orders += [(1, 1, 0), (0, 1, 1)]
    return orders


def build_arima(log_y: Array, order: tuple[int, int, int]) -> Any:
    """The statsmodels ARIMA with drift for one order."""
    from statsmodels.tsa.arima.model import ARIMA

    return ARIMA(log_y, order=order, trend="t")


def fit_arima(log_y: Array) -> Any:
    """Fit the candidate ARIMA orders and return the results with the lowest AICc."""
    best = None
    for order in arima_candidates(len(log_y)):
        try:
            res = _quiet_fit(build_arima(log_y, order).fit)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(res.aicc) and (best is None or res.aicc < best[0]):
            best = (res.aicc, res)
    if best is None:
        raise ForecastError("no ARIMA order could be fitted")
    return best[1]


def arima_fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
    """ARIMA(p,1,q) with drift on logs (chosen by AICc), statsmodels ``simulate`` paths."""
    log_y = np.log(series.y)
    res = fit_arima(log_y)
    center = np.asarray(res.forecast(h), dtype=float)
    sims = _quiet_fit(res.simulate, nsimulations=h, anchor="end", repetitions=n_samples, rng=rng)
    log_paths = np.asarray(sims, dtype=float).reshape(h, n_samples).T
    log_paths = widen_small_sample(log_paths, center, series.n - 1, len(res.params), rng)
    return np.exp(log_paths)


def build_theta(z: Array, season: int) -> Any:
    """The statsmodels ThetaModel (deseasonalised only with two full seasons; on
    levels, multiplicative seasonality as statsmodels' default)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    seasonal = season > 1 and len(z) >= 2 * season
    return ThetaModel(z, period=season if seasonal else 1, deseasonalize=seasonal)


def theta_fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
    """Theta method on the scale the series grows on (:func:`work_scale`); paths from
    its integrated-moving-average error structure.

    ThetaModel gives marginal intervals, not paths. The Theta method is SES with
    drift, i.e. an ARIMA(0,1,1) with MA coefficient ``alpha - 1`` (Hyndman &
    Billah 2003), whose ``h``-step variance statsmodels gives as
    ``sigma^2 (1 + (h - 1)(1 + (alpha - 1)^2))``. Paths are a random walk whose
    step variances reproduce those marginal variances. ``sigma^2`` is the mean
    squared one-step innovation of that ARIMA(0,1,1) at the fitted ``alpha``
    (statsmodels refits the ARIMA by maximum likelihood for it, which costs 20
    times the whole Theta fit on a short series and gives nearly the same value).
    """
    z, back = work_scale(series)
    if np.ptp(np.log(series.y)) < 1e-12:
        raise ForecastError("the Theta method cannot be fitted to a constant series")
    res = _quiet_fit(build_theta(z, series.season).fit)
    center = np.asarray(res.forecast(h), dtype=float)
    alpha = float(np.clip(res.params.iloc[1], 0.0, 1.0))
    sigma2 = theta_sigma2(z, alpha)
    var_h = sigma2 * (1 + np.arange(h) * (1 + (alpha - 1) ** 2))
    step_var = np.diff(np.concatenate([[0.0], var_h]))
    steps = rng.standard_normal((n_samples, h)) * np.sqrt(step_var)
    paths = center + np.cumsum(steps, axis=1)
    paths = widen_small_sample(paths, center, series.n - 1, 2, rng)
    return back(paths)


def theta_sigma2(z: Array, alpha: float) -> float:
    """Mean squared innovation of ``ARIMA(0,1,1)`` with drift and MA coefficient ``alpha - 1``
    (``z`` on the scale the model works on)."""
    d = np.diff(z)
    d = d - d.mean()
    theta = alpha - 1.0
    e = np.zeros_like(d)
    prev = 0.0
    for t, value in enumerate(d):
        e[t] = value - theta * prev
        prev = e[t]
    return float(max(np.mean(e**2), 1e-8))
