"""Rolling-origin backtests on regular series and vintage backtests on dated rows.

* :func:`rolling_origin` cuts each regular series at several origins, forecasts
  the next ``h`` periods from what came before, and scores against what came
  after.
* :func:`vintage_backtest` does the same with publication dates: for each
  cutoff it uses only rows published by then (``targets.sources.data.load(as_of=...)``),
  and scores against figures published later.

Backtests run their folds (series x origin) in parallel through joblib, with a
progress bar that moves per fold when output is a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from targets.engine.forecast import DEFAULT_MODELS, forecast
from targets.engine.metrics import coverage, crps_samples, smape, winkler
from targets.errors import ForecastError

SCORE_COLUMNS = [
    "unique_id",
    "origin",
    "model",
    "h",
    "ds",
    "actual",
    "mean",
    "median",
    "covered_80",
    "covered_95",
    "winkler_80",
    "winkler_95",
    "crps",
    "abs_scaled_error",
    "smape",
    "pit",
]


def _one_fold(
    uid: str,
    train: pd.DataFrame,
    test: pd.DataFrame,
    freq: str,
    models: Sequence[str],
    n_samples: int,
    seed: int,
) -> pd.DataFrame:
    """Forecast ``len(test)`` periods from ``train`` and score every model on ``test``."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # skipped models are in attrs
        fc, paths = forecast(
            train, len(test), freq, models, (80, 95), n_samples, seed, return_paths=True
        )
    history = train["y"].to_numpy(float)
    scale = np.mean(np.abs(np.diff(history)))
    rows = []
    for (suid, model), samples in paths.samples.items():
        sub = fc[(fc["unique_id"] == suid) & (fc["model"] == model)].reset_index(drop=True)
        for step in range(len(test)):
            actual = float(test["y"].iloc[step])
            r = sub.iloc[step]
            rows.append(
                {
                    "unique_id": uid,
                    "origin": train["ds"].iloc[-1],
                    "model": model,
                    "h": step + 1,
                    "ds": test["ds"].iloc[step],
                    "actual": actual,
                    "mean": r["mean"],
                    "median": r["median"],
                    "covered_80": coverage([actual], [r["lo-80"]], [r["hi-80"]]),
                    "covered_95": coverage([actual], [r["lo-95"]], [r["hi-95"]]),
                    "winkler_80": winkler([actual], [r["lo-80"]], [r["hi-80"]], 80),
                    "winkler_95": winkler([actual], [r["lo-95"]], [r["hi-95"]], 95),
                    "crps": crps_samples(actual, samples[:, step]),
                    # The median is the point forecast MASE and sMAPE reward.
                    "abs_scaled_error": abs(actual - r["median"]) / scale if scale > 0 else np.nan,
                    "smape": smape([actual], [r["median"]]),
                    # Probability integral transform: uniform when calibrated.
                    "pit": float(np.mean(samples[:, step] <= actual)),
                }
            )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _folds(
    uid: str, g: pd.DataFrame, h: int, min_train: int, single_origin: bool = False
) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """The (series, training window, test window) triples of one series."""
    g = g.sort_values("ds").reset_index(drop=True)[["unique_id", "ds", "y"]]
    cuts = [min_train] if single_origin else range(min_train, len(g))
    return [(uid, g.iloc[:cut], g.iloc[cut : cut + h]) for cut in cuts]


def run_folds(
    folds: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]],
    freq: str,
    models: Sequence[str],
    n_samples: int,
    seed: int,
    n_jobs: int | None,
    progress: bool,
    desc: str = "backtest",
) -> pd.DataFrame:
    """Score every fold, in parallel through joblib, with a progress bar per fold.

    The bar is drawn only on a terminal (``tqdm(disable=None)``): redirected
    output gets no redraw frames. It moves once per fold, so a single long
    series shows progress too.
    """
    import joblib
    from tqdm import tqdm  # not tqdm.auto: in a kernel without ipywidgets it warns on import

    tasks = [(uid, train, test, freq, list(models), n_samples, seed) for uid, train, test in folds]
    bar = tqdm(total=len(tasks), desc=desc, unit="fold", disable=None if progress else True)
    frames = []
    if n_jobs == 1 or len(tasks) <= 1:
        results: Iterator[pd.DataFrame] = (_one_fold(*t) for t in tasks)
    else:
        results = joblib.Parallel(n_jobs=n_jobs, return_as="generator")(
            joblib.delayed(_one_fold)(*t) for t in tasks
        )
    for frame in results:
        frames.append(frame)
        bar.update(1)
    bar.close()
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def rolling_origin(
    df: pd.DataFrame,
    h: int = 1,
    freq: str = "YS",
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    min_train: int = 4,
    n_samples: int = 500,
    seed: int = 0,
    n_jobs: int | None = -1,
    jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Rolling-origin backtest of every model on every series.

    Parameters
    ----------
    df : pandas.DataFrame
        ``unique_id, ds, y`` regular series.
    h : int
        Steps ahead scored from each origin.
    freq, models, n_samples, seed
        As in :func:`targets.forecast`.
    min_train : int
        Points in the first training window.
    n_jobs : int, optional
        Folds (series x origin) run in parallel through joblib: ``-1`` every
        core (default), ``1`` in-process. Inside
        ``joblib.parallel_config(backend="dask")`` they run on a Dask cluster.
        Results do not depend on it.
    jobs : int, optional
        Older name of ``n_jobs``; used when given.
    progress : bool
        Show a progress bar (folds done) when output is a terminal.

    Returns
    -------
    pandas.DataFrame
        One row per series, origin, model and step: the mean and median of the
        predictive, the outcome, whether the 80%/95% intervals covered it, Winkler scores,
        CRPS, absolute scaled error (MASE term) and sMAPE.
    """
    if min_train < 3:
        raise ForecastError(f"min_train must be at least 3; got {min_train}")
    folds = [
        fold
        for u, g in df.groupby("unique_id", sort=True)
        for fold in _folds(str(u), g, h, min_train)
    ]
    return run_folds(
        folds, freq, models, n_samples, seed, jobs if jobs is not None else n_jobs, progress
    )


def summarize(scores: pd.DataFrame) -> pd.DataFrame:
    """Accuracy and calibration per model: MASE, sMAPE, coverage, Winkler, CRPS."""
    return (
        scores.groupby("model")
        .agg(
            n=("actual", "size"),
            mase=("abs_scaled_error", "mean"),
            smape=("smape", "mean"),
            coverage_80=("covered_80", "mean"),
            coverage_95=("covered_95", "mean"),
            winkler_80=("winkler_80", "mean"),
            crps=("crps", "mean"),
        )
        .reset_index()
    )


def skill(scores: pd.DataFrame, reference: str = "naive") -> pd.DataFrame:
    """Scaled scores: each model's CRPS against a reference model's, and against the outcome.

    ``crps_skill`` is ``1 - median CRPS / median reference CRPS`` over the
    forecasts both models made (same series, origin and step): 0 is no better
    than the reference, 1 is perfect, negative is worse. Medians, because a
    predictive with a heavy sample tail (a random walk fitted to three points)
    can give one forecast a CRPS orders of magnitude above the rest, and a mean
    would then report that tail, not the typical forecast. ``crps_relative`` is
    the median of CRPS divided by the outcome: scale-free, comparable across
    series, unlike raw CRPS (in the series' units, e.g. yuan).

    Returns
    -------
    pandas.DataFrame
        ``model, n, crps_skill, crps_relative``.
    """
    key = ["unique_id", "origin", "h"]
    ref = scores[scores["model"] == reference].set_index(key)[["crps"]]
    ref = ref.rename(columns={"crps": "crps_ref"})
    rows = []
    for model, g in scores.groupby("model"):
        both = g.set_index(key)[["crps", "actual"]].join(ref, how="inner")
        if both.empty:
            continue
        rows.append(
            {
                "model": model,
                "n": len(both),
                "crps_skill": 1.0 - both["crps"].median() / both["crps_ref"].median(),
                "crps_relative": float((both["crps"] / both["actual"].abs()).median()),
            }
        )
    return pd.DataFrame(rows, columns=["model", "n", "crps_skill", "crps_relative"])


def vintage_backtest(
    rows_by_cutoff: dict[pd.Timestamp, pd.DataFrame],
    truth: pd.DataFrame,
    h: int,
    freq: str = "YS",
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    n_samples: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Forecast from each vintage and score against what was published later.

    Parameters
    ----------
    rows_by_cutoff : dict
        Cutoff date -> the regular ``unique_id, ds, y`` series as known then
        (build it with ``targets.sources.data.load(name, as_of=cutoff)`` and
        :func:`targets.sources.observations.to_regular`).
    truth : pandas.DataFrame
        The regular series as known later (the outcome).
    h : int
        Periods ahead scored.

    Returns
    -------
    pandas.DataFrame
        :data:`SCORE_COLUMNS` with ``origin`` = the cutoff.
    """
    folds, cutoffs = [], []
    for cutoff, known in sorted(rows_by_cutoff.items()):
        for uid, g in known.groupby("unique_id", sort=True):
            g = g.sort_values("ds")
            later = truth[(truth["unique_id"] == uid) & (truth["ds"] > g["ds"].max())]
            later = later.sort_values("ds").head(h)
            if later.empty or len(g) < 3:
                continue
            both = pd.concat([g, later])[["unique_id", "ds", "y"]]
            folds += _folds(str(uid), both, len(later), len(g), single_origin=True)
            cutoffs.append(pd.Timestamp(cutoff))
    frames = [
        run_folds([fold], freq, models, n_samples, seed, 1, progress=False).assign(origin=c)
        for fold, c in zip(folds, cutoffs, strict=True)
    ]
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
