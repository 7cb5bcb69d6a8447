"""Accuracy, calibration and speed of the forecasting engine (prints tables; not a test).

1. Simulated six-point yearly histories from several growth families
   (benchmarks/simulate.py: linear, exponential, damped, saturating, steady,
   noisy, declining), forecast 3 years ahead: MASE, 80% and 95% interval
   coverage, CRPS on logs, and the largest 95% upper bound over the last value,
   per model, against a linear random walk with drift (statsforecast's
   ``RandomWalkWithDrift`` formula: normal intervals, FPP3 section 5.5).
2. The same per family, for the ensemble and the baseline.
3. Speed: series per second for ``forecast()`` with the default models on a
   panel of 645 six-point yearly series (the size of the real-series study in
   issue 9), in this process and in parallel (benchmarks/bench_speed.py).
4. The project's own regular series (rolling origin, one step ahead).

Run: .venv/bin/python benchmarks/bench_forecast.py [--per-family 50] [--jobs 2]
     [--models naive,drift,ets,theta,ensemble] [--speed-series 645]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from bench_speed import speed
from simulate import panel

from targets.engine.forecast import DEFAULT_MODELS, forecast
from targets.engine.metrics import crps_samples

TRAIN, H = 6, 3


def rw_drift_levels(train: pd.DataFrame, n_samples: int, seed: int) -> dict[str, np.ndarray]:
    """Sample paths of the linear random walk with drift with normal intervals.

    Point forecast ``y_T + k c`` with ``c`` the mean increment; standard deviation
    ``sigma sqrt(k (1 + k / m))`` with ``sigma`` the increments' standard deviation
    and ``m`` their number (FPP3 table 5.2; statsforecast's RandomWalkWithDrift).
    """
    rng = np.random.default_rng(seed)
    out = {}
    z = rng.standard_normal((n_samples, 1))
    for uid, g in train.groupby("unique_id", sort=True):
        y = g["y"].to_numpy(float)
        d = np.diff(y)
        m, c = len(d), d.mean()
        sigma = np.std(d, ddof=1)
        k = np.arange(1, H + 1)
        out[str(uid)] = y[-1] + k * c + z * sigma * np.sqrt(k * (1 + k / m))
    return out


def score_paths(
    name: str,
    paths: dict[str, np.ndarray],
    train: pd.DataFrame,
    test: pd.DataFrame,
    families: dict[str, str],
) -> pd.DataFrame:
    """One row per series: absolute scaled error, coverage, log CRPS, upper/last."""
    rows = []
    hist = {u: g["y"].to_numpy(float) for u, g in train.groupby("unique_id")}
    fut = {u: g["y"].to_numpy(float) for u, g in test.groupby("unique_id")}
    for uid, p in paths.items():
        y, a = hist[uid], fut[uid]
        scale = np.mean(np.abs(np.diff(y)))
        med = np.median(p, axis=0)
        q = np.quantile(p, [0.025, 0.1, 0.9, 0.975], axis=0)
        logp = np.log(np.maximum(p, 1e-12))
        rows.append(
            {
                "model": name,
                "family": families[uid],
                "ase": np.mean(np.abs(a - med)) / scale,
                "cov80": np.mean((a >= q[1]) & (a <= q[2])),
                "cov95": np.mean((a >= q[0]) & (a <= q[3])),
                "crps_log": np.mean([crps_samples(np.log(a[k]), logp[:, k]) for k in range(H)]),
                "up_last": float(q[3].max() / y[-1]),
            }
        )
    return pd.DataFrame(rows)


def simulated(per_family: int, models: list[str], jobs: int, n_samples: int) -> None:
    sims = panel(per_family, TRAIN + H, seed=2026)
    families = dict(zip(sims["unique_id"], sims["family"], strict=True))
    train = sims.groupby("unique_id").head(TRAIN)[["unique_id", "ds", "y"]]
    test = sims.groupby("unique_id").tail(H)[["unique_id", "ds", "y"]]
    kwargs = {} if jobs == 1 else {"n_jobs": jobs}
    t0 = time.perf_counter()
    _, paths = forecast(train, H, models=models, n_samples=n_samples, return_paths=True, **kwargs)
    seconds = time.perf_counter() - t0
    frames = [
        score_paths(
            m, {u: p for (u, mm), p in paths.samples.items() if mm == m}, train, test, families
        )
        for m in models
    ]
    frames.append(
        score_paths(
            "RW drift on levels (baseline)",
            rw_drift_levels(train, n_samples, 1),
            train,
            test,
            families,
        )
    )
    scores = pd.concat(frames, ignore_index=True)
    n = sims["unique_id"].nunique()
    print(
        f"\n## Simulated six-point yearly series, 3 years ahead: {n} series "
        f"({per_family} per family), {len(models)} models in {seconds:.0f} s"
    )
    table = (
        scores.groupby("model", sort=False)
        .agg(
            series=("ase", "size"),
            mase=("ase", "mean"),
            coverage_80=("cov80", "mean"),
            coverage_95=("cov95", "mean"),
            crps_log=("crps_log", "mean"),
            max_upper95_over_last=("up_last", "max"),
        )
        .reset_index()
    )
    print(table.round(3).to_string(index=False))
    focus = scores[scores["model"].isin(["ensemble", "RW drift on levels (baseline)"])]
    by_family = (
        focus.groupby(["family", "model"])
        .agg(mase=("ase", "mean"), coverage_80=("cov80", "mean"), coverage_95=("cov95", "mean"))
        .unstack("model")
    )
    print("\nBy family (ensemble vs baseline)")
    print(by_family.round(2).to_string())


def own_series(jobs: int, models: list[str]) -> None:
    from targets.engine import backtest
    from targets.sources.data import load
    from targets.sources.observations import contiguous_tail, to_regular

    specs = [
        ("nbs_retail", "nbs_online_retail"),
        ("nbs_retail", "nbs_total_retail"),
        ("nbs_retail", "nbs_physical_online_retail"),
        ("pinduoduo_gmv", "pinduoduo_gmv"),
        ("kuaishou_gmv", "kuaishou_gmv"),
        ("jd_gmv", "jd_gmv"),
    ]
    frames = [contiguous_tail(to_regular(load(d), s, "YS")) for d, s in specs]
    own = pd.concat([f for f in frames if len(f) >= 5], ignore_index=True)
    scores = backtest.rolling_origin(
        own[["unique_id", "ds", "y"]],
        h=1,
        models=models,
        min_train=4,
        n_samples=400,
        n_jobs=jobs,
        progress=False,
    )
    print(f"\n## Project series (rolling origin, 1 step): {own['unique_id'].nunique()} series")
    print(backtest.summarize(scores).round(3).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-family", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--speed-series", type=int, default=645)
    parser.add_argument("--skip-own", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    models = args.models.split(",")
    t0 = time.perf_counter()
    simulated(args.per_family, models, args.jobs, args.n_samples)
    if args.speed_series:
        speed(args.speed_series, sorted({1, args.jobs}))
    if not args.skip_own:
        own_series(args.jobs, models)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
