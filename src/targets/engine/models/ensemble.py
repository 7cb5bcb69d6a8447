"""The ensemble: members combined by evidence (averaged centre, pooled spread), bounded tails.

* **Scale.** Each series is judged, from its own past, to grow on logs or on
  levels (:func:`targets.engine.models.base.grows_on_logs`: out-of-sample
  errors of the drift on either scale from every earlier origin and step; logs
  only when the log drift's errors are below ``engine_log_evidence_ratio``
  times the level drift's, since a wrong choice of logs compounds);
  ``ets`` and ``theta`` work on that scale, members bound to the other scale
  (``naive`` on logs, ``drift`` on levels) are left out, and the members are
  combined on that scale.
* **Weights.** Each member starts from its pooled prior weight
  (``engine_weight_<model>`` in ``data/assumptions.csv``, calibrated on
  simulated short series, never on the project's goals). On a series with
  ``engine_skill_min_points`` periods or more, evidence from its own past then
  moves it: the rolling-origin one-step CRPS of every member (refitted at each
  of the last ``engine_skill_origins`` origins). A member's
  weight is its prior times its relative score to the power ``-c / (c + n0)``
  (``c`` scored forecasts, ``n0`` = ``engine_skill_shrinkage``): with no
  evidence the prior, with much evidence inverse-score weighting (Stock &
  Watson 2004). A member whose errors exceed ``engine_explode_ratio`` times the
  best member's gets no weight on that series.
* **Combination.** At every step the ensemble's median is the weighted
  average of the members' medians (the centre of the quantile average,
  Vincentization; Lichtendahl, Grushka-Cockayne & Winkler 2013) and its spread
  around that median is the weighted linear pool's (the mixture of the
  members' samples): members that disagree widen the interval on that series
  only, where a quantile average keeps their average spread and drops the
  disagreement. Every quantile stays within the members' envelope, so one
  member's wild tail cannot be exceeded. The result is given the path order of
  the heaviest member, so that totals over several periods keep a path
  structure. It is then widened by ``1 + a k / sqrt(n - 1)``
  (``engine_interval_widening``; :func:`widen`) for the parameter uncertainty
  members fitted to few points leave out.
* **Bounded tails.** No path may grow faster than ``engine_max_growth_per_year``
  compounded as ``10 ** sqrt(t)``, nor above ``engine_max_multiple`` times the
  last value, unless the series itself has grown as much over as many periods
  (:func:`bound_paths`).

References
----------
Stock, J. H., & Watson, M. W. (2004). Combination forecasts of output growth in a
seven-country data set. Journal of Forecasting 23(6), 405-430.
Lichtendahl, K. C., Grushka-Cockayne, Y., & Winkler, R. L. (2013). Is it better
to average probabilities or quantiles? Management Science 59(7), 1594-1611.
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules,
prediction, and estimation. JASA 102(477), 359-378.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from targets.engine.models.base import Array, Series, grows_on_logs
from targets.errors import ForecastError


@dataclass(frozen=True)
class EnsembleSettings:
    """The constants of the ensemble, read from ``data/assumptions.csv``.

    Attributes
    ----------
    prior : dict
        Model name -> prior weight (relative; only ratios matter).
    max_growth_per_year : float
        Largest growth multiple a path may show in one year.
    max_multiple : float
        Largest multiple of the last value a path may reach at any horizon,
        unless the series' own history shows as much over as many periods.
    skill_min_points : int
        Fewest observed periods for weights from refitted rolling origins.
    skill_origins : int
        Rolling origins scored for those weights (the latest ones).
    skill_shrinkage : float
        Scored forecasts the prior counts for (``n0``).
    explode_ratio : float
        A member whose mean score exceeds this multiple of the best member's
        gets no weight.
    interval_widening : float
        Slope ``a`` of the factor ``1 + a * k / sqrt(n - 1)`` on the ensemble's
        deviations from its median ``k`` steps ahead of ``n`` observations (on
        the scale the series grows on): the spread that members fitted to few
        points lack (:func:`widen`).
    log_evidence_ratio : float
        Share of the level drift's out-of-sample errors the log drift's must
        stay below for a series to be combined on logs
        (:func:`targets.engine.models.base.grows_on_logs`).
    """

    prior: dict[str, float]
    max_growth_per_year: float
    skill_min_points: int
    skill_origins: int
    max_multiple: float = 100.0
    skill_shrinkage: float = 3.0
    explode_ratio: float = 4.0
    interval_widening: float = 0.0
    log_evidence_ratio: float = 1.0

    @classmethod
    def load(cls, models: Sequence[str], assumptions=None) -> EnsembleSettings:
        """Read the settings for ``models`` from the assumptions in force (a missing weight
        row is an error naming the file and the known ids).

        ``assumptions`` is anything with an ``assumption(id)`` method (a vintage, so an
        as-of forecast uses the rows usable at its date); by default the rows of the
        default data folders over the shipped ones.

        The rows are those of the default data folders, over the shipped ones.
        """
        if assumptions is None:
            from targets.sources.vintage import open_vintage

            assumptions = open_vintage()
        return _load_settings(tuple(models), assumptions)


@functools.lru_cache(maxsize=32)
def _load_settings(models: tuple[str, ...], vintage) -> EnsembleSettings:
    def value(assumption_id: str) -> float:
        return float(vintage.assumption(assumption_id).value)

    return EnsembleSettings(
        prior={m: value(f"engine_weight_{m}") for m in models},
        max_growth_per_year=value("engine_max_growth_per_year"),
        skill_min_points=int(value("engine_skill_min_points")),
        skill_origins=int(value("engine_skill_origins")),
        max_multiple=value("engine_max_multiple"),
        skill_shrinkage=value("engine_skill_shrinkage"),
        explode_ratio=value("engine_explode_ratio"),
        interval_widening=value("engine_interval_widening"),
        log_evidence_ratio=value("engine_log_evidence_ratio"),
    )


#: Members that always work on logs (they compound a growth rate) and the one
#: that always works on levels; ``ets`` and ``theta`` follow the series.
LOG_ONLY: frozenset[str] = frozenset({"naive", "arima", "prophet", "exponential"})
LEVEL_ONLY: frozenset[str] = frozenset({"drift"})


def growth_limit(series: Series, h: int, max_growth_per_year: float, max_multiple: float) -> Array:
    """The largest total a path may reach 1..h periods ahead (yuan).

    The last observation times the larger of two multiples: the evidence-free
    cap ``min(max_growth_per_year ** sqrt(t), max_multiple)`` (``t`` in years),
    and the largest multiple over the same number of periods in the series' own
    history (so growth and seasonal swings the series has shown stay possible).
    The square root follows the fastest growth records, which decelerate:
    Pinduoduo's trailing-twelve-month GMV grew 6.8-fold in its first year on
    record, 18.5-fold in two and 33-fold in three; with a tenfold yearly cap the
    bounds are 10, 26 and 54, and never more than ``max_multiple`` (100).

    Returns
    -------
    ndarray, shape (h,)
    """
    y = series.y
    k = np.arange(1, h + 1)
    cap = np.minimum(max_growth_per_year ** np.sqrt(k / series.season), max_multiple)
    own = np.array([np.max(y[j:] / y[:-j]) if j < len(y) else 0.0 for j in k])
    return float(y[-1]) * np.maximum(cap, own)


def bound_paths(
    paths: Array, series: Series, max_growth_per_year: float, max_multiple: float = np.inf
) -> Array:
    """Cap each path at the largest growth the evidence allows, step by step
    (:func:`growth_limit`). Paths only lose their excess; nothing below the cap moves.

    Parameters
    ----------
    paths : ndarray, shape (n_samples, h)
        Simulated totals (yuan).
    series : Series
        The observed series.
    max_growth_per_year : float
        Growth multiple per year (e.g. 10 for tenfold).
    max_multiple : float
        Largest multiple of the last value at any horizon without own evidence.

    Returns
    -------
    ndarray
        The capped paths.
    """
    limit = growth_limit(series, paths.shape[1], max_growth_per_year, max_multiple)
    return np.minimum(paths, limit)


def crps_log(actual: float, samples: Array) -> float:
    """CRPS of ``log(actual)`` against the log samples (scale-free)."""
    from targets.engine.metrics import crps_samples

    return crps_samples(float(np.log(actual)), np.log(samples))


def _rolling_scores(
    series: Series,
    members: Sequence[str],
    fit: Callable[[str, Series, int], Array],
    origins: int,
) -> tuple[Array, Array]:
    """Summed one-step log CRPS per member over the last ``origins`` origins, and counts."""
    scores = np.zeros(len(members))
    counts = np.zeros(len(members))
    for cut in range(series.n - origins, series.n):
        past = Series(
            ds=series.ds[:cut],
            y=series.y[:cut],
            freq=series.freq,
            cap=None if series.cap is None else series.cap[:cut],
            future_cap=series.future_cap,
            log_evidence=series.log_evidence,
        )
        for i, name in enumerate(members):
            try:
                paths = fit(name, past, cut)
            except ForecastError:
                continue
            scores[i] += crps_log(series.y[cut], paths[:, 0])
            counts[i] += 1
    return scores, counts


def skill_weights(
    series: Series,
    members: Sequence[str],
    fit: Callable[[str, Series, int], Array],
    settings: EnsembleSettings,
) -> dict[str, float]:
    """Weights from the pooled prior and the series' own evidence (see the module notes).

    Parameters
    ----------
    series : Series
    members : sequence of str
        The members that could be fitted on the whole series.
    fit : callable
        ``fit(name, truncated_series, seed_offset) -> paths (n, 1)`` one step ahead;
        called only on series with ``skill_min_points`` periods or more.
    settings : EnsembleSettings

    Returns
    -------
    dict
        Member -> weight, summing to one. A member whose errors explode on the
        series gets exactly zero.
    """
    members = list(members)
    prior = np.array([settings.prior[m] for m in members], dtype=float)
    w = prior.copy()
    if series.n >= settings.skill_min_points and len(members) > 1:
        origins = min(settings.skill_origins, series.n - 3)
        total, count = _rolling_scores(series, members, fit, origins)
        scored = count > 0
        if scored.sum() >= 2:
            s = np.maximum(total[scored] / count[scored], 1e-12)
            relative = s / np.exp(np.mean(np.log(s)))
            c = count[scored]
            w[scored] *= relative ** (-c / (c + settings.skill_shrinkage))
            explode = np.zeros(len(members), dtype=bool)
            explode[np.flatnonzero(scored)] = s > settings.explode_ratio * s.min()
            w[explode] = 0.0
    return dict(zip(members, w / w.sum(), strict=True))


def pooled_quantiles(values: Sequence[Array], weights: Array, levels: Array) -> Array:
    """Quantiles of the weighted linear pool (mixture) of the members' samples, per step.

    Parameters
    ----------
    values : sequence of ndarray, each ``(n_i, h)``
        Each member's samples on the combination's scale (log yuan or yuan).
    weights : ndarray, shape (m,)
        Member weights summing to one; a member's samples share its weight equally.
    levels : ndarray, shape (n,)
        Probability levels in (0, 1).

    Returns
    -------
    ndarray, shape (n, h)
        The pool's quantile at every level and step (same unit as ``values``),
        read off its weighted empirical distribution (mid-point rule).
    """
    z = np.concatenate(values, axis=0)
    mass = np.concatenate(
        [np.full(v.shape[0], w / v.shape[0]) for v, w in zip(values, weights, strict=True)]
    )
    out = np.empty((len(levels), z.shape[1]))
    for k in range(z.shape[1]):
        order = np.argsort(z[:, k], kind="stable")
        cum = np.cumsum(mass[order]) - 0.5 * mass[order]
        out[:, k] = np.interp(levels, cum, z[order, k])
    return out


def combine(
    members: dict[str, Array], weights: dict[str, float], on_logs: bool, rng: np.random.Generator
) -> Array:
    """Centre on the members' averaged quantiles, spread as their pool; order as the heaviest.

    The location is the weighted average of the members' medians at every step
    (the median of the Vincentized quantile function; on logs when
    ``on_logs``, else on levels): the point forecast of a quantile average,
    which on the calibration series was more accurate than the pool's median.
    The spread around it is the weighted linear pool's (the mixture of the
    members' samples, :func:`pooled_quantiles`): its deviations from its own
    median, so that the members' disagreement widens the interval on the
    series where they disagree, and only there. Every quantile is held within
    the members' envelope (their smallest and largest samples at that step).
    Averaging quantiles instead keeps the members' average spread and drops
    their disagreement. The
    ensemble's paths take the heaviest member's ranks per step, so a path high
    in one year stays high in the next as it does in that member.

    Parameters
    ----------
    members : dict
        Member -> paths ``(n, h)`` of positive totals (yuan); ``n`` may differ.
    weights : dict
        Member -> weight (zero weights are ignored).
    on_logs : bool
        Combine log totals rather than totals.
    rng : numpy.random.Generator
        Breaks ties in the ranks (none in continuous paths).

    Returns
    -------
    ndarray, shape (n, h)
        Positive totals (yuan), with ``n`` the heaviest member's path count.
    """
    names = [m for m in sorted(members) if weights.get(m, 0.0) > 0]
    w = np.array([weights[m] for m in names], dtype=float)
    w = w / w.sum()
    ref = members[names[int(np.argmax(w))]]
    n = ref.shape[0]
    levels = (np.arange(n) + 0.5) / n
    z = [np.log(members[m]) if on_logs else np.asarray(members[m], dtype=float) for m in names]
    centre = sum(wi * np.median(zi, axis=0) for wi, zi in zip(w, z, strict=True))
    pool = pooled_quantiles(z, w, levels)
    # Held inside the members' envelope per step (on levels, this keeps totals positive).
    low = np.min([zi.min(axis=0) for zi in z], axis=0)
    high = np.max([zi.max(axis=0) for zi in z], axis=0)
    quantiles = np.clip(centre + pool - np.median(pool, axis=0), low, high)
    quantiles = np.exp(quantiles) if on_logs else quantiles
    jitter = rng.random(ref.shape) * 1e-12  # tie-break only
    ranks = np.argsort(np.argsort(ref + jitter * np.abs(ref), axis=0), axis=0)
    return np.take_along_axis(quantiles, ranks, axis=0)


def widen(paths: Array, factor: Array, on_logs: bool) -> Array:
    """Scale the paths' deviations from their per-step median by ``factor`` (one per step).

    On logs (the spread is multiplied on the log scale) when ``on_logs``, else
    on levels, where a path pushed below zero is held at a thousandth of the
    smallest median (totals stay positive). The ensemble's factor grows with
    the horizon and shrinks with the history, ``1 + a * k / sqrt(n - 1)``, the
    form of the drift's estimation error (``k`` steps of a drift estimated from
    ``n - 1`` changes); ``a`` (``engine_interval_widening``) was chosen on
    simulated calibration series (benchmarks/calibrate_combination.py): 0.2,
    the lowest Winkler-95 with 80% and 95% coverage within 5 points of nominal
    on six points three steps ahead.
    """
    factor = np.asarray(factor, dtype=float)
    if np.all(factor == 1.0):
        return paths
    z = np.log(paths) if on_logs else paths
    med = np.median(z, axis=0)
    out = med + factor * (z - med)
    if on_logs:
        return np.exp(out)
    return np.maximum(out, 1e-3 * float(np.min(np.median(paths, axis=0))))


def mixture(
    members: dict[str, Array], weights: dict[str, float], n_samples: int, rng: np.random.Generator
) -> Array:
    """Mix the members' paths: each contributes a share of paths equal to its weight.

    Shares are rounded by largest remainder; each member's paths are drawn
    without replacement (with replacement past its own count).
    """
    names = sorted(members)
    w = np.array([weights[n] for n in names], dtype=float)
    w = w / w.sum()
    raw = w * n_samples
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n_samples - counts.sum()]:
        counts[i] += 1
    parts = []
    for name, c in zip(names, counts, strict=True):
        if c == 0:
            continue
        own = members[name]
        idx = (
            rng.permutation(own.shape[0])[:c]
            if c <= own.shape[0]
            else rng.integers(0, own.shape[0], c)
        )
        parts.append(own[idx])
    return np.concatenate(parts, axis=0)[rng.permutation(n_samples)]


def ensemble_paths(
    series: Series,
    fitted: dict[str, Array],
    fit: Callable[[str, Series, int], Array],
    settings: EnsembleSettings,
    rng: np.random.Generator,
) -> tuple[Array, dict[str, float]]:
    """The ensemble's paths from the members' and their weights (module notes).

    Members bound to the other scale than the series grows on
    (:data:`LOG_ONLY` on a series growing on levels, :data:`LEVEL_ONLY` on one
    growing on logs) are left out, unless nothing else was fitted.

    Returns
    -------
    (ndarray, dict)
        Paths ``(n, h)`` and the weight of every fitted member (zero for those
        left out).
    """
    on_logs = grows_on_logs(series.y, series.log_evidence)
    off_scale = LEVEL_ONLY if on_logs else LOG_ONLY
    members = [m for m in sorted(fitted) if m not in off_scale] or sorted(fitted)
    weights = dict.fromkeys(fitted, 0.0)
    weights.update(skill_weights(series, members, fit, settings))
    h = next(iter(fitted.values())).shape[1]
    factor = 1.0 + settings.interval_widening * np.arange(1, h + 1) / np.sqrt(max(series.n - 1, 1))
    paths = widen(combine(fitted, weights, on_logs, rng), factor, on_logs)
    return bound_paths(paths, series, settings.max_growth_per_year, settings.max_multiple), weights


__all__ = [
    "EnsembleSettings",
    "bound_paths",
    "combine",
    "ensemble_paths",
    "growth_limit",
    "mixture",
    "skill_weights",
]
