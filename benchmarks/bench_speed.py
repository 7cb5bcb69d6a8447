"""Speed of the default ``forecast()`` on a large panel of short series (prints; not a test).

The panel has the size of the real-series study in issue 9: 645 six-point
yearly series (simulated, benchmarks/simulate.py), forecast 3 years ahead with
1000 sample paths and the default models. Printed per ``n_jobs``: wall time,
series per second, and the CPU time of the run (this process and its worker
processes), which does not depend on what else the machine is running. The
worker processes are started by a warm-up call on eight series first, as they
are in any session that forecasts more than once; its wall time (imports and
worker start-up) is printed apart.

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

from targets.engine.forecast import DEFAULT_MODELS, forecast

TRAIN, H = 6, 3


def speed_panel(n_series: int, seed: int = 7) -> pd.DataFrame:
    """``unique_id, ds, y`` of ``n_series`` six-point series, the families in turn."""
    per = -(-n_series // len(FAMILIES))
    sims = panel(per, TRAIN, seed=seed)
    keep = sorted(sims["unique_id"].unique())[:n_series]
    return sims[sims["unique_id"].isin(keep)][["unique_id", "ds", "y"]].reset_index(drop=True)


def time_forecast(frame: pd.DataFrame, n_jobs: int) -> dict[str, float]:
    """Wall and in-process CPU seconds of one default ``forecast()`` call, after a
    warm-up call on eight series (imports, worker start-up) that is timed apart."""
    ids = frame["unique_id"].unique()
    t0 = time.perf_counter()
    forecast(frame[frame["unique_id"].isin(ids[:8])], H, n_jobs=n_jobs)
    startup = time.perf_counter() - t0
    c0, w0, t0 = time.process_time(), _workers_cpu(), time.perf_counter()
    forecast(frame, H, n_jobs=n_jobs)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0 + (_workers_cpu() - w0)
    return {"wall": wall, "cpu": cpu, "startup": startup}


def _workers_cpu() -> float:
    """CPU seconds used so far by this process's worker processes (joblib's loky
    workers live on between calls); NaN without psutil (a dependency of dask and
    IPython, not of the package)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


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
                "cpu_s": t["cpu"],
                "cpu_ms_per_series": 1e3 * t["cpu"] / n_series,
                "warm_up_s": t["startup"],
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
