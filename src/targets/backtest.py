"""Rolling-origin backtests on regular series and vintage backtests on dated rows.

* :func:`rolling_origin` cuts each regular series at several origins, forecasts
  the next ``h`` periods from what came before, and scores against what came
  after.
* :func:`vintage_backtest` does the same with publication dates: for each
  cutoff it uses only rows published by then (``targets.data.load(as_of=...)``),
  and scores against figures published later.

Backtests over many series run in parallel across cores with a progress bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from targets.errors import ForecastError
from targets.forecasting import DEFAULT_MODELS, forecast
from targets.metrics import coverage, crps_samples, smape, winkler

SCORE_COLUMNS = [
    "unique_id",
    "origin",
    "model",
    "h",
    "ds",
    "actual",
    "mean",
    "covered_80",
    "covered_95",
    "winkler_80",
    "winkler_95",
    "crps",
    "abs_scaled_error",
    "smape",
]


def _one_series(
    item: tuple[str, pd.DataFrame],
    h: int,
    freq: str,
    models: Sequence[str],
    min_train: int,
    n_samples: int,
    seed: int,
    single_origin: bool = False,
) -> pd.DataFrame:
    import warnings

    uid, g = item
    g = g.sort_values("ds").reset_index(drop=True)
    rows = []
    cuts = [min_train] if single_origin else range(min_train, len(g))
    for cut in cuts:
        train, test = g.iloc[:cut], g.iloc[cut : cut + h]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # skipped models are in attrs
            fc, paths = forecast(
                train, len(test), freq, models, (80, 95), n_samples, seed, return_paths=True
            )
        history = train["y"].to_numpy(float)
        scale = np.mean(np.abs(np.diff(history)))
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
                        "covered_80": coverage([actual], [r["lo-80"]], [r["hi-80"]]),
                        "covered_95": coverage([actual], [r["lo-95"]], [r["hi-95"]]),
                        "winkler_80": winkler([actual], [r["lo-80"]], [r["hi-80"]], 80),
                        "winkler_95": winkler([actual], [r["lo-95"]], [r["hi-95"]], 95),
                        "crps": crps_samples(actual, samples[:, step]),
                        "abs_scaled_error": abs(actual - r["mean"]) / scale
                        if scale > 0
                        else np.nan,
                        "smape": smape([actual], [r["mean"]]),
                    }
                )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def rolling_origin(
    df: pd.DataFrame,
    h: int = 1,
    freq: str = "YS",
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    min_train: int = 4,
    n_samples: int = 500,
    seed: int = 0,
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
    jobs : int, optional
        Worker processes (default: cores). ``1`` runs in-process.
    progress : bool
        Show a progress bar (series done).

    Returns
    -------
    pandas.DataFrame
        One row per series, origin, model and step: the point forecast, the
        outcome, whether the 80%/95% intervals covered it, Winkler scores,
        CRPS, absolute scaled error (MASE term) and sMAPE.
    """
    from tqdm.auto import tqdm

    if min_train < 3:
        raise ForecastError(f"min_train must be at least 3; got {min_train}")
    groups = [(str(u), g) for u, g in df.groupby("unique_id", sort=True)]
    work = partial(
        _one_series,
        h=h,
        freq=freq,
        models=list(models),
        min_train=min_train,
        n_samples=n_samples,
        seed=seed,
    )
    bar = tqdm(total=len(groups), desc="backtest", unit="series", disable=not progress)
    frames = []
    if jobs == 1 or len(groups) == 1:
        for item in groups:
            frames.append(work(item))
            bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for frame in pool.map(work, groups):
                frames.append(frame)
                bar.update(1)
    bar.close()
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


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
        (build it with ``targets.data.load(name, as_of=cutoff)`` and
        :func:`targets.observations.to_regular`).
    truth : pandas.DataFrame
        The regular series as known later (the outcome).
    h : int
        Periods ahead scored.

    Returns
    -------
    pandas.DataFrame
        :data:`SCORE_COLUMNS` with ``origin`` = the cutoff.
    """
    out = []
    for cutoff, known in sorted(rows_by_cutoff.items()):
        for uid, g in known.groupby("unique_id"):
            g = g.sort_values("ds")
            later = truth[(truth["unique_id"] == uid) & (truth["ds"] > g["ds"].max())]
            later = later.sort_values("ds").head(h)
            if later.empty or len(g) < 3:
                continue
            both = pd.concat([g, later])[["unique_id", "ds", "y"]]
            frame = _one_series(
                (str(uid), both.reset_index(drop=True)),
                h=len(later),
                freq=freq,
                models=list(models),
                min_train=len(g),
                n_samples=n_samples,
                seed=seed,
                single_origin=True,
            )
            out.append(frame.assign(origin=pd.Timestamp(cutoff)))
    if not out:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return pd.concat(out, ignore_index=True)
