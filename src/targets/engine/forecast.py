"""One probabilistic contract for every model.

``forecast(df, h, freq, models, level, n_samples, seed)`` takes regular series in
the ``unique_id, ds, y`` convention (Prophet's and statsforecast's) and returns a
tidy frame with one row per series, model and future period::

    unique_id, ds, model, mean, median, lo-80, hi-80, lo-95, hi-95

``mean`` is the mean of the model's sample paths (the expected total; paths are
bounded, so it is finite) and ``median`` their median, the point forecast that
MASE and sMAPE reward and the one the benchmarks score. ``lo-L``/``hi-L`` are
the central ``L``% interval of the sample paths. On a skewed predictive the
mean can lie above ``hi-80``; the median always lies inside every interval.

``freq`` takes the period-start aliases ``"YS"``, ``"QS"``, ``"MS"`` and pandas'
other names for the same calendars (``"Y"``, ``"YE"``, ``"A"``, ``"AS"``,
``"Q"``, ``"QE"``, ``"M"``, ``"ME"``); ``ds`` may stamp each period by its
first day or by its last day. Both are normalised: results are stamped by
period start and ``SamplePaths.freq`` is ``"YS"``, ``"QS"`` or ``"MS"``.

With ``return_paths=True`` it also returns :class:`SamplePaths`, which answers
probability questions about totals over *any* interval (not only the forecast
steps): :meth:`SamplePaths.total` and :meth:`SamplePaths.prob_exceeds`.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

import numpy as np
import pandas as pd

from targets.engine.models import ENSEMBLE, MODEL_NAMES, MODELS, Series
from targets.engine.models.base import SEASON
from targets.engine.models.ensemble import EnsembleSettings, bound_paths, ensemble_paths
from targets.errors import ForecastError

T = TypeVar("T")

#: Models fitted when none are named: the fast members and their ensemble
#: (benchmarks/bench_forecast.py, benchmarks/bench_real.py). ARIMA, Prophet and
#: the growth curves are slower; name them to include them.
DEFAULT_MODELS: tuple[str, ...] = ("naive", "drift", "ets", "theta", ENSEMBLE)
FREQS: tuple[str, ...] = tuple(SEASON)
#: pandas' other names for the supported calendars, normalised to period starts
#: (issue 24: pandas 2.2 renamed ``"Y"``/``"A"`` to ``"YE"``, ``"Q"`` to ``"QE"``).
FREQ_ALIASES: dict[str, str] = {
    **dict.fromkeys(("YS", "Y", "YE", "A", "AS", "YS-JAN", "AS-JAN", "Y-DEC", "YE-DEC"), "YS"),
    **dict.fromkeys(("A-DEC",), "YS"),
    **dict.fromkeys(("QS", "Q", "QE", "QS-JAN", "Q-DEC", "QE-DEC"), "QS"),
    **dict.fromkeys(("MS", "M", "ME"), "MS"),
}
_PERIOD = {"YS": "Y", "QS": "Q", "MS": "M"}


def normalise_freq(freq: str) -> str:
    """The period-start alias (``"YS"``, ``"QS"``, ``"MS"``) for any supported name.

    Raises
    ------
    ForecastError
        For a frequency that is not yearly, quarterly or monthly.

    Examples
    --------
    >>> normalise_freq("YE"), normalise_freq("Q"), normalise_freq("MS")
    ('YS', 'QS', 'MS')
    """
    canonical = FREQ_ALIASES.get(str(freq).upper()) if isinstance(freq, str) else None
    if canonical is None:
        raise ForecastError(
            f"freq must be one of {', '.join(FREQS)} (or an alias: Y, YE, A, Q, QE, M, ME); "
            f"got {freq!r}"
        )
    return canonical


def period_starts(ds: pd.Series, freq: str) -> pd.Series:
    """Stamp every period by its first day when every stamp is a first or a last day.

    A stamp that is neither (mid-period) is left as it is, so that the
    regularity check names it.
    """
    period = ds.dt.to_period(_PERIOD[freq])
    start = period.dt.start_time.astype(ds.dtype)
    end_day = period.dt.end_time.dt.normalize().astype(ds.dtype)
    at_edge = (ds == start) | (ds == end_day)
    return start.where(at_edge, ds) if bool(at_edge.all()) else ds


#: Paths per member and origin when scoring members on a series' own history.
SKILL_SAMPLES = 200


@dataclass(frozen=True)
class SamplePaths:
    """Simulated future period totals, with the observed history, per series and model.

    Attributes
    ----------
    freq : str
    history : dict
        ``unique_id`` -> observed totals (``pandas.Series`` indexed by period start).
    future : dict
        ``unique_id`` -> future period starts.
    samples : dict
        ``(unique_id, model)`` -> array ``(n_samples, h)`` of totals (yuan).
    skipped : pandas.DataFrame
        ``unique_id, model, reason`` for models that could not be fitted.
    """

    freq: str
    history: dict[str, pd.Series]
    future: dict[str, pd.DatetimeIndex]
    samples: dict[tuple[str, str], np.ndarray] = field(repr=False)
    skipped: pd.DataFrame

    def _periods(self, unique_id: str) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
        starts = self.history[unique_id].index.append(self.future[unique_id])
        ends = pd.date_range(starts[0], periods=len(starts) + 1, freq=self.freq)[1:]
        return starts, ends - pd.Timedelta(days=1)

    def total(
        self,
        unique_id: str,
        model: str,
        start: str | pd.Timestamp,
        end: str | pd.Timestamp,
    ) -> np.ndarray:
        """Distribution of the total over ``[start, end]`` (inclusive dates), yuan.

        Periods inside the interval count fully; a period the interval cuts is
        counted pro rata by days (an even spread within the period is assumed
        there). Observed periods enter at their observed value.

        Returns
        -------
        numpy.ndarray
            One total per sample path.

        Raises
        ------
        ForecastError
            If the series or model is unknown, or the interval is reversed or
            reaches outside the observed history plus forecast horizon.
        """
        if (unique_id, model) not in self.samples:
            raise ForecastError(
                f"no sample paths for series {unique_id!r} and model {model!r}; available: "
                f"{sorted(self.samples)}"
            )
        start, end = _day(start, "start"), _day(end, "end")
        if end < start:
            raise ForecastError(f"interval ends ({end}) before it starts ({start})")
        starts, ends = self._periods(unique_id)
        # Whole days as numpy datetime64[D]: independent of the resolution (ns, us, s)
        # of the caller's ``ds`` column and of pandas' Timestamp/int comparisons.
        s_days = starts.to_numpy().astype("datetime64[D]")
        e_days = ends.to_numpy().astype("datetime64[D]")
        if start < s_days[0] or end > e_days[-1]:
            raise ForecastError(
                f"interval {start}..{end} is outside the history and horizon "
                f"{s_days[0]}..{e_days[-1]}"
            )
        lengths = (e_days - s_days).astype(int) + 1
        overlap = (np.minimum(e_days, end) - np.maximum(s_days, start)).astype(int) + 1
        weight = np.clip(overlap.astype(float), 0, None) / lengths
        hist = self.history[unique_id].to_numpy(float)
        n_hist = len(hist)
        paths = self.samples[(unique_id, model)]
        return float(weight[:n_hist] @ hist) + paths @ weight[n_hist:]

    def prob_exceeds(
        self,
        unique_id: str,
        model: str,
        start: str | pd.Timestamp,
        end: str | pd.Timestamp,
        threshold: float,
    ) -> float:
        """Probability that the total over ``[start, end]`` exceeds ``threshold`` (yuan)."""
        return float(np.mean(self.total(unique_id, model, start, end) > threshold))


def _day(value: str | pd.Timestamp, name: str) -> np.datetime64:
    """A date argument as a numpy day; a clear error for anything else."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ForecastError(f"{name} must be a date; got {value!r} ({exc})") from None
    if pd.isna(stamp):
        raise ForecastError(f"{name} must be a date; got {value!r}")
    return np.datetime64(stamp.date(), "D")


def _stable_seed(seed: int, *names: str) -> np.random.Generator:
    keys = [zlib.crc32(n.encode("utf-8")) for n in names]
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def _when(g: pd.DataFrame, row: object) -> str:
    stamp = g["ds"].loc[row]
    return str(stamp.date()) if not pd.isna(stamp) else "an undated row"


#: The largest ``y`` a series may hold: squares of values near 1e154 overflow a float, and
#: the fitted paths grow beyond the last value; no total in any unit comes near.
MAX_Y = 1e100


def validate_frame(df: pd.DataFrame, freq: str) -> dict[str, pd.Series]:
    """Check a ``unique_id, ds, y`` frame and split it into regular series.

    Raises
    ------
    ForecastError
        For missing columns, an unknown frequency, unparseable dates, a missing
        ``unique_id``, missing or non-positive values (every model works on
        logs), duplicated periods (overlapping intervals), infinite values or
        values above :data:`MAX_Y` (names the series, period and frame row), or a
        series that is not regular at ``freq`` (names the first missing period).
    """
    freq = normalise_freq(freq)
    missing = [c for c in ("unique_id", "ds", "y") if c not in df.columns]
    if missing:
        raise ForecastError(f"the frame needs columns unique_id, ds, y; missing {missing}")
    try:
        ds = pd.to_datetime(df["ds"])
    except (ValueError, TypeError) as exc:
        raise ForecastError(f"ds must hold dates: {exc}") from None
    if ds.isna().any():
        bad = ds.index[ds.isna()][0]
        raise ForecastError(f"ds has a missing date at frame row {bad}")
    if df["unique_id"].isna().any():
        bad = df.index[df["unique_id"].isna().to_numpy()][0]
        raise ForecastError(f"unique_id is missing at frame row {bad}; every row names its series")
    ds = period_starts(ds, freq)
    y = pd.to_numeric(df["y"], errors="coerce")
    out: dict[str, pd.Series] = {}
    frame = pd.DataFrame({"unique_id": df["unique_id"].astype(str), "ds": ds, "y": y})
    for uid, g in frame.groupby("unique_id", sort=True):
        if g["y"].isna().any():
            bad = g.index[g["y"].isna()][0]
            raise ForecastError(
                f"series {uid!r}: y has a missing or non-numeric value at {_when(g, bad)} "
                f"(frame row {bad}): {df['y'].loc[bad]!r}"
            )
        if not np.isfinite(g["y"].to_numpy(float)).all():
            bad = g.index[~np.isfinite(g["y"].to_numpy(float))][0]
            raise ForecastError(
                f"series {uid!r}: y is not finite at {_when(g, bad)} (frame row {bad}): "
                f"{float(g['y'].loc[bad])}; every value must be a finite positive total"
            )
        if (g["y"] <= 0).any():
            bad = g.loc[g["y"] <= 0, "ds"].iloc[0]
            raise ForecastError(
                f"series {uid!r}: non-positive value at {bad.date()}; the models work on the "
                "log scale and need positive totals"
            )
        if (g["y"] > MAX_Y).any():
            bad = g.index[g["y"] > MAX_Y][0]
            raise ForecastError(
                f"series {uid!r}: y is {float(g['y'].loc[bad]):.3g} at {_when(g, bad)} (frame "
                f"row {bad}); values above {MAX_Y:.0e} overflow the models' arithmetic: "
                "rescale the series (e.g. to billions)"
            )
        if g["ds"].duplicated().any():
            dup = g.loc[g["ds"].duplicated(), "ds"].iloc[0]
            raise ForecastError(f"series {uid!r}: period {dup.date()} appears twice (overlapping)")
        g = g.sort_values("ds")
        expected = pd.date_range(g["ds"].iloc[0], periods=len(g), freq=freq)
        if not (expected == pd.DatetimeIndex(g["ds"])).all():
            first = next(
                (e for e, a in zip(expected, g["ds"], strict=True) if e != a), expected[-1]
            )
            raise ForecastError(
                f"series {uid!r} is not regular at freq {freq!r}: expected a period starting "
                f"{first.date()}; observations.contiguous_tail() keeps the latest unbroken run"
            )
        out[str(uid)] = pd.Series(g["y"].to_numpy(float), index=pd.DatetimeIndex(g["ds"]))
    if not out:
        raise ForecastError("the frame has no rows")
    return out


def _caps(df: pd.DataFrame, series: dict[str, pd.Series]) -> dict[str, np.ndarray]:
    """Per series, Prophet's ``cap`` column (saturation level), if the frame has one.

    The last observed cap is used for the forecast periods; saturating curves
    take ``(cap / 2, cap)`` as the range of their saturation level.
    """
    if "cap" not in df.columns:
        return {}
    out = {}
    frame = df.assign(unique_id=df["unique_id"].astype(str), ds=pd.to_datetime(df["ds"]))
    for uid, g in frame.groupby("unique_id"):
        cap = pd.to_numeric(g.sort_values("ds")["cap"], errors="coerce").to_numpy(float)
        if np.isnan(cap).any() or (cap <= g.sort_values("ds")["y"].to_numpy(float)).any():
            raise ForecastError(f"series {uid!r}: cap must be a number above every y")
        out[str(uid)] = cap
    return out


def _check_models(models: Sequence[str]) -> list[str]:
    if isinstance(models, str):
        models = [models]
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown:
        raise ForecastError(f"unknown model(s) {unknown}; available: {', '.join(MODEL_NAMES)}")
    if not models:
        raise ForecastError("models must name at least one model")
    return list(dict.fromkeys(models))


def _check_levels(level: Sequence[float]) -> list[float]:
    if isinstance(level, str | int | float):
        level = [level]  # type: ignore[list-item]
    try:
        levels = sorted(set(float(v) for v in level))
    except (TypeError, ValueError):
        raise ForecastError(f"levels must be numbers in percent; got {level!r}") from None
    if not levels or any(not 0 < v < 100 for v in levels):
        raise ForecastError(f"levels must be between 0 and 100 (exclusive); got {list(level)}")
    return levels


def level_name(level: float) -> str:
    """The column suffix for an interval level: ``80`` for 80.0, ``80.5`` for 80.5."""
    return f"{level:g}"


def _summarize(paths: SamplePaths, levels: list[float]) -> pd.DataFrame:
    """The tidy forecast frame: mean, median and central intervals of every model's paths.

    All ``(series, model)`` path arrays share one shape, so their quantiles are
    taken in one vectorised call rather than one frame per pair (which cost more
    than the fits of the fast models on a large panel).
    """
    columns = ["unique_id", "ds", "model", "mean", "median"] + [
        f"{side}-{level_name(lv)}" for lv in levels for side in ("lo", "hi")
    ]
    if not paths.samples:
        return pd.DataFrame(columns=columns)
    order = {m: i for i, m in enumerate(MODEL_NAMES)}
    keys = sorted(paths.samples, key=lambda k: (k[0], order[k[1]]))
    stack = np.stack([paths.samples[k] for k in keys])  # (pairs, n_samples, h)
    h = stack.shape[2]
    probs = [p for lv in levels for p in ((100 - lv) / 200, 1 - (100 - lv) / 200)]
    bounds = np.quantile(stack, probs, axis=1).reshape(len(probs), -1)  # (probs, pairs * h)
    return pd.DataFrame(
        {
            "unique_id": np.repeat([k[0] for k in keys], h),
            "ds": np.concatenate([paths.future[k[0]].to_numpy() for k in keys]),
            "model": np.repeat([k[1] for k in keys], h),
            "mean": np.mean(stack, axis=1).reshape(-1),
            "median": np.median(stack, axis=1).reshape(-1),
            **dict(zip(columns[5:], bounds, strict=True)),
        }
    )


def run_parallel(
    fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]], n_jobs: int | None
) -> list[T]:
    """``[fn(*t) for t in tasks]``, in order, across ``n_jobs`` workers through joblib.

    ``n_jobs`` follows joblib (``-1``: every core; ``None`` or ``1``: in this
    process, unless a :func:`joblib.parallel_config` context says otherwise). The
    backend is joblib's active one: loky processes by default, or a Dask cluster
    inside ``joblib.parallel_config(backend="dask")``.
    """
    import joblib

    if len(tasks) <= 1 or n_jobs == 1:
        return [fn(*t) for t in tasks]
    return list(joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(fn)(*t) for t in tasks))


#: Bounds of a forecast request: periods ahead, sample paths, and paths times periods (one
#: model's paths take 8 bytes each, so 10 million are 80 MB).
MAX_H = 1000
MAX_SAMPLES = 1_000_000
MAX_DRAWS = 10_000_000


def _whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _check_arguments(df: Any, h: Any, n_samples: Any, n_jobs: Any) -> None:
    """Refuse, by name, a request :func:`forecast` cannot serve, before any work starts."""
    if not isinstance(df, pd.DataFrame):
        raise ForecastError(
            f"df must be a pandas DataFrame with columns unique_id, ds, y; got {type(df).__name__}"
        )
    if not _whole(h) or not 1 <= h <= MAX_H:
        raise ForecastError(f"h must be a whole number from 1 to {MAX_H}; got {h!r}")
    if not _whole(n_samples) or not 10 <= n_samples <= MAX_SAMPLES:
        raise ForecastError(
            f"n_samples must be a whole number from 10 to {MAX_SAMPLES:,}; got {n_samples!r}"
        )
    if h * n_samples > MAX_DRAWS:
        raise ForecastError(
            f"h * n_samples must be at most {MAX_DRAWS:,} (each model holds that many draws "
            f"per series); got {h} * {n_samples:,}"
        )
    if n_jobs is not None and (not _whole(n_jobs) or n_jobs == 0):
        raise ForecastError(
            f"n_jobs must be None, a positive number of workers or -1 for every core; "
            f"got {n_jobs!r}"
        )


def _root_seed(seed: int | None) -> int:
    """The seed every stream derives from; ``None`` draws fresh entropy from the OS."""
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ForecastError(f"seed must be a non-negative integer or None; got {seed!r}")
    return int(seed)


def _forecast_series(
    uid: str,
    s: Series,
    h: int,
    names: list[str],
    members: list[str],
    n_samples: int,
    seed: int,
    strict: bool,
    settings: EnsembleSettings,
) -> tuple[dict[tuple[str, str], np.ndarray], list[dict[str, str]]]:
    """Fit every member on one series; the requested models' paths and the refusals.

    Every model's paths are capped by :func:`targets.engine.models.ensemble.bound_paths`;
    the ensemble combines the members that could be fitted
    (:func:`targets.engine.models.ensemble.ensemble_paths`).

    Raises
    ------
    ForecastError
        When ``strict`` and the model refuses, or when no model at all could be
        fitted (the first refusal is named, as it would be for that model alone).
    """
    fitted: dict[str, np.ndarray] = {}
    refusals: dict[str, str] = {}
    for name in members:
        try:
            paths = MODELS[name](s, h, n_samples, _stable_seed(seed, uid, name))
        except ForecastError as exc:
            if strict:
                raise ForecastError(f"series {uid!r}: {exc}") from None
            refusals[name] = str(exc)
            continue
        fitted[name] = bound_paths(paths, s, settings.max_growth_per_year, settings.max_multiple)
    if not fitted:
        first_model, first = next(iter(refusals.items()))
        rest = sorted(set(refusals) - {first_model})
        others = f" (and none of {', '.join(rest)} could be fitted either)" if rest else ""
        raise ForecastError(f"series {uid!r}: {first}{others}")
    out = {(uid, name): fitted[name] for name in names if name in fitted}
    if ENSEMBLE in names:

        def one_step(name: str, past: Series, cut: int) -> np.ndarray:
            return MODELS[name](past, 1, SKILL_SAMPLES, _stable_seed(seed, uid, name, str(cut)))

        out[(uid, ENSEMBLE)], _ = ensemble_paths(
            s, fitted, one_step, settings, _stable_seed(seed, uid, ENSEMBLE)
        )
    skipped = [{"unique_id": uid, "model": m, "reason": r} for m, r in refusals.items()]
    return out, skipped


def _forecast_chunk(
    chunk: list[tuple[str, Series]], *args: Any
) -> list[tuple[dict[tuple[str, str], np.ndarray], list[dict[str, str]]]]:
    """:func:`_forecast_series` on several series, in order, with one BLAS thread.

    Series travel to the workers in chunks: one task per series spent more time
    on task overhead and on setting the thread limit (a few milliseconds each
    time: threadpoolctl inspects every loaded library) than the fast models
    spend fitting.
    """
    with _one_blas_thread():
        return [_forecast_series(uid, s, *args) for uid, s in chunk]


def _chunks(items: list[T], n_jobs: int | None) -> list[list[T]]:
    """Split ``items`` into contiguous chunks: one when run in this process,
    else about four per worker (so that a slow chunk does not idle the others)."""
    import joblib

    workers = 1 if n_jobs is None or n_jobs == 1 else joblib.effective_n_jobs(n_jobs)
    if workers <= 1:
        return [items] if items else []
    size = max(1, -(-len(items) // (4 * workers)))
    return [items[i : i + size] for i in range(0, len(items), size)]


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Fit with one BLAS thread: the statsmodels optimisers on tiny problems run
    several times slower when OpenBLAS spreads each call across busy cores (on a
    loaded two-core machine, ETS fits took five times the CPU).

    threadpoolctl limits only the libraries loaded when it is entered, and SciPy
    ships its own OpenBLAS (used by L-BFGS-B) that loads with ``scipy.linalg``:
    it is imported first, or the first call in a fresh process runs unlimited.
    """
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@overload
def forecast(
    df: pd.DataFrame,
    h: int,
    freq: str = ...,
    models: Sequence[str] = ...,
    level: Sequence[float] = ...,
    n_samples: int = ...,
    seed: int | None = ...,
    *,
    return_paths: Literal[False] = ...,
    n_jobs: int | None = ...,
    assumptions: Any = ...,
) -> pd.DataFrame: ...


@overload
def forecast(
    df: pd.DataFrame,
    h: int,
    freq: str = ...,
    models: Sequence[str] = ...,
    level: Sequence[float] = ...,
    n_samples: int = ...,
    seed: int | None = ...,
    *,
    return_paths: Literal[True],
    n_jobs: int | None = ...,
    assumptions: Any = ...,
) -> tuple[pd.DataFrame, SamplePaths]: ...


def forecast(
    df: pd.DataFrame,
    h: int,
    freq: str = "YS",
    models: Sequence[str] = DEFAULT_MODELS,
    level: Sequence[float] = (80, 95),
    n_samples: int = 1000,
    seed: int | None = 0,
    *,
    return_paths: bool = False,
    n_jobs: int | None = None,
    assumptions: Any = None,
) -> pd.DataFrame | tuple[pd.DataFrame, SamplePaths]:
    """Probabilistic forecasts of regular series from every requested model.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``unique_id, ds, y``: one row per series and period, ``ds`` the
        period start, ``y`` the total over the period (positive, e.g. yuan).
        An optional ``cap`` column (Prophet's convention) gives a saturation
        level: Prophet then grows logistically towards it, and the saturating
        curves take ``(cap / 2, cap)`` as the range of their level. Not modified.
    h : int
        Number of future periods.
    freq : {"YS", "QS", "MS"} or an alias
        Calendar years, quarters or months; pandas' other names (``"Y"``,
        ``"YE"``, ``"A"``, ``"Q"``, ``"QE"``, ``"M"``, ``"ME"``) are accepted
        and normalised, and ``ds`` may stamp periods by their last day.
        Results are stamped by period start.
    models : sequence of str
        Model names (see :mod:`targets.engine.models`), plus ``"ensemble"``:
        the weighted average of the medians of the other requested models that
        could be fitted (of the default members when it is asked for alone),
        with the spread of their weighted mixture, on the scale (logs or
        levels) the series' own past says it grows on
        (:mod:`targets.engine.models.ensemble`). Default: ``naive, drift, ets,
        theta`` and their ensemble. Every model's paths are capped at the growth
        the evidence allows (``engine_max_growth_per_year`` and
        ``engine_max_multiple`` in data/assumptions.csv).
    level : sequence of float
        Central interval levels in percent, strictly between 0 and 100. Columns
        are named by the level as given: ``lo-80`` for 80, ``lo-80.5`` for 80.5.
    n_samples : int
        Sample paths per series and model.
    seed : int or None
        Seed; each series and model draws from its own stream derived from it,
        so adding a model does not change the others' results. ``None`` draws
        fresh entropy from the operating system (results then differ per call).
    return_paths : bool
        Also return the :class:`SamplePaths`.
    n_jobs : int, optional
        Series fitted in parallel through joblib: ``-1`` for every core, ``None``
        or ``1`` in this process. Inside ``joblib.parallel_config(backend="dask")``
        the series run on a Dask cluster. Results do not depend on ``n_jobs``.
    assumptions : Vintage, optional
        Where the ensemble's dated constants (``engine_*`` rows) are read: a
        vintage, so that a forecast as of a date uses the rows usable then.
        Default: the latest rows of the default data folders over the shipped ones.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, SamplePaths)
        ``unique_id, ds, model, mean, median, lo-80, hi-80, lo-95, hi-95``
        (totals per period, in the units of ``y``; interval columns follow
        ``level``): the mean and median of the sample paths and their central
        intervals. ``frame.attrs["skipped"]`` lists (as records
        ``unique_id, model, reason``) the models that could not be fitted; the
        ensemble is built from the others.

    Raises
    ------
    ForecastError
        For a ``df`` that is not a DataFrame, ``h`` or ``n_samples`` that are not
        whole numbers in range (``1 <= h <= 1000``, ``10 <= n_samples <=
        1,000,000``, ``h * n_samples <= 10,000,000``), ``n_jobs`` of 0 or not a
        whole number, forecast dates past ``pandas.Timestamp.max``, an unknown
        model or frequency, bad levels or seed, a malformed frame,
        a single requested model that cannot be fitted (too few points, ...), or
        a series on which none of the requested models can be fitted (the first
        refusal is named, as it would be for that model alone).

    Warns
    -----
    UserWarning
        When a model is left out of the result (and of the ensemble).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2015", periods=6, freq="YS"),
    ...                    "y": [1.0, 2.1, 3.9, 8.2, 15.8, 31.0]})
    >>> fc = forecast(df, h=2, models=["naive"], n_samples=200)
    >>> list(fc.columns)
    ['unique_id', 'ds', 'model', 'mean', 'median', 'lo-80', 'hi-80', 'lo-95', 'hi-95']
    """
    _check_arguments(df, h, n_samples, n_jobs)
    freq = normalise_freq(freq)
    names = _check_models(models)
    levels = _check_levels(level)
    root = _root_seed(seed)
    series = validate_frame(df, freq)
    caps = _caps(df, series)
    members = [m for m in names if m != ENSEMBLE]
    if ENSEMBLE in names and not members:
        members = [m for m in DEFAULT_MODELS if m != ENSEMBLE]
    # A refusal is fatal only when the one model asked for is a plain model; inside
    # an ensemble (asked for alone or not) the members that refuse are left out.
    strict = len(names) == 1 and names[0] != ENSEMBLE
    settings = EnsembleSettings.load(members, assumptions)
    inputs: dict[str, Series] = {}
    for uid, y in series.items():
        cap = caps.get(uid)
        inputs[uid] = Series(
            ds=pd.DatetimeIndex(y.index),
            y=y.to_numpy(float),
            freq=freq,
            cap=cap,
            future_cap=None if cap is None else float(cap[-1]),
            log_evidence=settings.log_evidence_ratio,
        )
    try:
        future = {uid: s.future_ds(h) for uid, s in inputs.items()}
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise ForecastError(
            f"h={h} periods at freq {freq!r} run past the last date pandas can hold "
            f"({pd.Timestamp.max.date()}); ask for fewer periods"
        ) from None
    chunks = run_parallel(
        _forecast_chunk,
        [
            (chunk, h, names, members, n_samples, root, strict, settings)
            for chunk in _chunks(list(inputs.items()), n_jobs)
        ],
        n_jobs,
    )
    samples: dict[tuple[str, str], np.ndarray] = {}
    skipped: list[dict[str, str]] = []
    for out, left_out in (result for chunk in chunks for result in chunk):
        samples.update(out)
        for rec in left_out:
            warnings.warn(
                f"series {rec['unique_id']!r}: model {rec['model']!r} left out: {rec['reason']}",
                UserWarning,
                stacklevel=2,
            )
        skipped += left_out
    history = {uid: y for uid, y in series.items()}
    paths = SamplePaths(
        freq,
        history,
        future,
        samples,
        pd.DataFrame(skipped, columns=["unique_id", "model", "reason"]),
    )
    frame = _summarize(paths, levels)
    # A list of plain records, not a frame: pandas compares attrs when combining frames.
    frame.attrs["skipped"] = skipped
    return (frame, paths) if return_paths else frame
