"""The ensemble: an evidence-weighted quantile average of the members, with bounded tails.

* **Scale.** Each series is judged, from its own past, to grow on logs or on
  levels (:func:`targets.engine.models.base.grows_on_logs`: out-of-sample
  errors of the drift on either scale from every earlier origin and step);
  ``ets`` and ``theta`` work on that scale, members bound to the other scale
  (``naive`` on logs, ``drift`` on levels) are left out, and the members'
  quantiles are averaged on that scale.
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
* **Combination.** The members' quantiles are averaged with those weights at
  every step (Vincentization; Lichtendahl, Grushka-Cockayne & Winkler 2013), and
  the result is given the path order of the heaviest member, so that totals
  over several periods keep a path structure. One member's wild tail moves the
  average by its weight only, where a mixture would inherit it whole.
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
        the scale the series grows on): the spread that averaging quantiles
        drops and that members fitted to few points lack (:func:`widen`).
    """

    prior: dict[str, float]
    max_growth_per_year: float
    skill_min_points: int
    skill_origins: int
    max_multiple: float = 100.0
    skill_shrinkage: float = 3.0
    explode_ratio: float = 4.0
    interval_widening: float = 0.0

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


def combine(
    members: dict[str, Array], weights: dict[str, float], on_logs: bool, rng: np.random.Generator
) -> Array:
    """Average the members' quantiles with ``weights`` at every step; order as the heaviest.

    Each member's paths are sorted per step (its quantiles at levels
    ``(i + 0.5) / n``); the weighted average of those sorted values, on logs
    when ``on_logs`` else on levels, is the ensemble's quantile function. The
    ensemble's paths take the heaviest member's ranks per step, so a path high
    in one year stays high in the next as it does in that member.

    Parameters
    ----------
    members : dict
        Member -> paths ``(n, h)`` of positive totals; ``n`` may differ.
    weights : dict
        Member -> weight (zero weights are ignored).
    on_logs : bool
        Average log quantiles (geometric) rather than levels.
    rng : numpy.random.Generator
        Breaks ties in the ranks (none in continuous paths).

    Returns
    -------
    ndarray, shape (n, h)
        With ``n`` the heaviest member's path count.
    """
    names = [m for m in sorted(members) if weights.get(m, 0.0) > 0]
    w = np.array([weights[m] for m in names], dtype=float)
    w = w / w.sum()
    ref = members[names[int(np.argmax(w))]]
    n = ref.shape[0]
    levels = (np.arange(n) + 0.5) / n
    total = np.zeros_like(ref, dtype=float)
    for name, wi in zip(names, w, strict=True):
        own = np.sort(members[name], axis=0)
        if own.shape[0] != n:
            own = np.quantile(members[name], levels, axis=0)
        total += wi * (np.log(own) if on_logs else own)
    quantiles = np.exp(total) if on_logs else total
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
    ``n - 1`` changes); ``a`` was chosen on simulated calibration series
    (benchmarks/calibrate_width.py): about 0.9 for 80% and 0.7 for 95% coverage
    on six points, 0.3 to 1.4 on fourteen.
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
    on_logs = grows_on_logs(series.y)
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
