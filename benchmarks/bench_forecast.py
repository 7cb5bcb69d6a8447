"""Accuracy, calibration and speed of every model (prints tables; not a test).

1. Simulated six-point annual histories with known futures (benchmarks/simulate.py):
   forecast 3 years ahead, score coverage of the 80% and 95% intervals, MASE, sMAPE.
2. The project's own regular series (rolling origin, one step ahead).
3. Fit-plus-forecast time per model.

Run: .venv/bin/python benchmarks/bench_forecast.py [--per-family 50]
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

from simulate import panel

from targets import backtest
from targets.data import load
from targets.forecasting import forecast
from targets.observations import contiguous_tail, to_regular

MODELS = ["naive", "ets", "arima", "theta", "prophet", "logistic", "gompertz"]


def simulated(per_family: int, jobs: int) -> None:
    sims = panel(per_family, 9, seed=2026)
    scores = backtest.rolling_origin(
        sims[["unique_id", "ds", "y"]],
        h=3,
        models=[*MODELS, "ensemble"],
        min_train=6,
        n_samples=400,
        jobs=jobs,
        progress=False,
    )
    scores = scores[scores["origin"] == pd.Timestamp("2015-01-01")]
    scores["family"] = scores["unique_id"].str.split("-").str[0]
    print("\n## Simulated six-point annual histories, horizons 1-3")
    print(backtest.summarize(scores).round(3).to_string(index=False))
    by_family = scores.groupby(["family", "model"])["covered_80"].mean().unstack("family")
    print("\n80% coverage by family")
    print(by_family.round(2).to_string())


def own_series(jobs: int) -> None:
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
        models=[*MODELS, "ensemble"],
        min_train=4,
        n_samples=400,
        jobs=jobs,
        progress=False,
    )
    print(f"\n## Project series (rolling origin, 1 step): {own['unique_id'].nunique()} series")
    print(backtest.summarize(scores).round(3).to_string(index=False))


def timings() -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "unique_id": "t",
            "ds": pd.date_range("2015", periods=8, freq="YS"),
            "y": 100 * np.exp(np.cumsum(rng.normal(0.3, 0.1, 8))),
        }
    )
    print("\n## Fit + forecast time per model (8 annual points, h=3, 1000 paths)")
    for m in MODELS:
        forecast(df, 3, models=[m], n_samples=1000)  # warm-up (imports, Stan model load)
        t0 = time.perf_counter()
        for _ in range(3):
            forecast(df, 3, models=[m], n_samples=1000)
        print(f"{m:12s} {(time.perf_counter() - t0) / 3 * 1e3:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-family", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    t0 = time.perf_counter()
    simulated(args.per_family, args.jobs)
    own_series(args.jobs)
    timings()
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
