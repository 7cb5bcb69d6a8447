"""Speed of the default ``forecast()`` on a large panel of short series (prints; not a test).

The panel has the size of the real-series study in issue 9: 645 six-point
yearly series (simulated, benchmarks/simulate.py), forecast 3 years ahead with
1000 sample paths and the default models. Printed per ``n_jobs``: wall time,
series per second, and the CPU time of the run when it is in this process
(``n_jobs=1``), which does not depend on what else the machine is running. The
worker processes are started by a small warm-up call first, as they are in any
session that forecasts more than once.

Run: .venv/bin/python benchmarks/bench_speed.py [--series 645] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from simulate import FAMILIES, panel

from targets.forecasting import DEFAULT_MODELS, forecast

TRAIN, H = 6, 3


def speed_panel(n_series: int, seed: int = 7) -> pd.DataFrame:
    """``unique_id, ds, y`` of ``n_series`` six-point series, the families in turn."""
    per = -(-n_series // len(FAMILIES))
    sims = panel(per, TRAIN, seed=seed)
    keep = sorted(sims["unique_id"].unique())[:n_series]
    return sims[sims["unique_id"].isin(keep)][["unique_id", "ds", "y"]].reset_index(drop=True)


def time_forecast(frame: pd.DataFrame, n_jobs: int) -> dict[str, float]:
    """Wall and in-process CPU seconds of one default ``forecast()`` call."""
    ids = frame["unique_id"].unique()
    forecast(frame[frame["unique_id"].isin(ids[:8])], H, n_jobs=n_jobs)  # imports, workers
    c0, t0 = time.process_time(), time.perf_counter()
    forecast(frame, H, n_jobs=n_jobs)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def speed(n_series: int, jobs: list[int]) -> pd.DataFrame:
    """Time the default models on ``n_series`` series for every ``n_jobs``; print a table."""
    frame = speed_panel(n_series)
    rows = []
    for n_jobs in jobs:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        t = time_forecast(frame, n_jobs)
        rows.append(
            {
                "n_jobs": n_jobs,
                "wall_s": t["wall"],
                "series_per_s": n_series / t["wall"],
                # Worker processes' CPU is not this process's: only meaningful in-process.
                "cpu_s_in_process": t["cpu"] if n_jobs == 1 else float("nan"),
                "cpu_ms_per_series": 1e3 * t["cpu"] / n_series if n_jobs == 1 else float("nan"),
                "load_avg_1min_before": load,
            }
        )
    table = pd.DataFrame(rows)
    print(
        f"\n## Speed: default forecast() ({', '.join(DEFAULT_MODELS)}) on {n_series} "
        f"six-point yearly series, h={H}, 1000 paths, {os.cpu_count()} cores"
    )
    print(table.round(2).to_string(index=False))
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=645)
    parser.add_argument("--jobs", default="1,2", help="comma-separated n_jobs values")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    speed(args.series, [int(j) for j in args.jobs.split(",")])


if __name__ == "__main__":
    main()
