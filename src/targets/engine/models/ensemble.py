"""The ensemble: a skill-weighted mixture of the members' paths, with bounded growth.

* **Weights.** On a series with enough history (``engine_skill_min_points`` in
  ``data/assumptions.csv``) each member is scored by rolling-origin one-step
  CRPS on the log scale over the last origins, and weighted by the inverse of
  its mean score times its prior weight (inverse-score weighting; Stock &
  Watson 2004). On shorter series the prior weights alone are used: the
  ``engine_weight_<model>`` rows, calibrated on simulated short growth series
  (benchmarks/bench_forecast.py), never on the project's own goals.
* **Bounded growth.** No path may grow faster than ``engine_max_growth_per_year``
  (or than the series itself has grown over the same number of periods):
  :func:`bound_paths`. Log-Student-t predictives with two to four degrees of
  freedom otherwise put 95% upper bounds at many orders of magnitude above
  the data.

References
----------
Stock, J. H., & Watson, M. W. (2004). Combination forecasts of output growth in a
seven-country data set. Journal of Forecasting 23(6), 405-430.
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules,
prediction, and estimation. JASA 102(477), 359-378.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from targets.engine.models.base import Array, Series
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
    skill_min_points : int
        Fewest observed periods for weights from the series' own history.
    skill_origins : int
        Rolling origins scored for those weights (the latest ones).
    """

    prior: dict[str, float]
    max_growth_per_year: float
    skill_min_points: int
    skill_origins: int

    @classmethod
    def load(cls, models: Sequence[str]) -> EnsembleSettings:
        """Read the settings for ``models`` (a missing weight row is an error).

        The file is read once per data folder and modification time.
        """
        from targets.sources.data import ASSUMPTIONS_FILE, data_dir

        path = data_dir() / ASSUMPTIONS_FILE
        stamp = path.stat().st_mtime_ns if path.exists() else -1
        return _load_settings(tuple(models), str(data_dir()), stamp)


@functools.lru_cache(maxsize=32)
def _load_settings(models: tuple[str, ...], folder: str, stamp: int) -> EnsembleSettings:
    from targets.sources.data import assumption, load_assumptions

    frame = load_assumptions(directory=folder)

    def value(assumption_id: str) -> float:
        if assumption_id not in set(frame["assumption_id"]):
            # Raises the library's own error, naming the file and the known ids.
            return assumption(assumption_id, directory=folder).value
        return float(frame.loc[frame["assumption_id"] == assumption_id, "value"].iloc[-1])

    return EnsembleSettings(
        prior={m: value(f"engine_weight_{m}") for m in models},
        max_growth_per_year=value("engine_max_growth_per_year"),
        skill_min_points=int(value("engine_skill_min_points")),
        skill_origins=int(value("engine_skill_origins")),
    )


def bound_paths(paths: Array, series: Series, max_growth_per_year: float) -> Array:
    """Cap each path at the largest growth the evidence allows, step by step.

    The cap ``t`` years ahead is the last observation times the larger of
    ``max_growth_per_year ** sqrt(t)`` and the largest multiple over the same
    number of periods in the series' own history (so seasonal swings the series
    has shown stay possible). The square root follows the fastest growth
    records, which decelerate: Pinduoduo's trailing-twelve-month GMV grew 6.8-fold
    in its first year on record, 18.5-fold in two and 33-fold in three; with a
    tenfold yearly cap the bounds are 10, 26 and 54. Paths only lose their
    excess; nothing below the cap moves.

    Parameters
    ----------
    paths : ndarray, shape (n_samples, h)
        Simulated totals (yuan).
    series : Series
        The observed series.
    max_growth_per_year : float
        Growth multiple per year (e.g. 10 for tenfold).

    Returns
    -------
    ndarray
        The capped paths.
    """
    h = paths.shape[1]
    y = series.y
    k = np.arange(1, h + 1)
    cap = max_growth_per_year ** np.sqrt(k / series.season)
    own = np.array([np.max(y[j:] / y[:-j]) if j < len(y) else 0.0 for j in k])
    limit = float(y[-1]) * np.maximum(cap, own)
    return np.minimum(paths, limit)


def crps_log(actual: float, samples: Array) -> float:
    """CRPS of ``log(actual)`` against the log samples (scale-free)."""
    from targets.engine.metrics import crps_samples

    return crps_samples(float(np.log(actual)), np.log(samples))


def skill_weights(
    series: Series,
    members: Sequence[str],
    fit: Callable[[str, Series, int], Array],
    settings: EnsembleSettings,
) -> dict[str, float]:
    """Weights from the series' own history, or the prior on a short series.

    Parameters
    ----------
    series : Series
    members : sequence of str
        The members that could be fitted on the whole series.
    fit : callable
        ``fit(name, truncated_series, seed_offset) -> paths (n, 1)`` one step ahead.
    settings : EnsembleSettings

    Returns
    -------
    dict
        Member -> weight, summing to one.
    """
    prior = np.array([settings.prior[m] for m in members], dtype=float)
    if series.n >= settings.skill_min_points:
        scores = np.zeros(len(members))
        counts = np.zeros(len(members))
        for cut in range(series.n - settings.skill_origins, series.n):
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
        if (counts > 0).all():
            mean = np.maximum(scores / counts, 1e-6)
            prior = prior / mean
    return dict(zip(members, prior / prior.sum(), strict=True))


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
