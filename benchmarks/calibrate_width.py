"""Choose the ensemble's interval widening on the calibration set (prints; not a test).

The ensemble averages its members' quantiles, which keeps their spread but drops
their disagreement; on short series the members' own intervals are also too
narrow (parameters treated as known). This script forecasts the calibration
panel (benchmarks/simulate.py: calibration families, calibration seed only),
widens the ensemble's paths around their median on the scale the series grows
on by several factors, and prints 80%/95% coverage overall and per family for
each. Since issue 22 ``engine_interval_widening`` in data/assumptions.csv is
chosen by benchmarks/calibrate_combination.py (lowest Winkler-95 within 5
points of nominal coverage); this script shows the coverage side alone, for
other lengths and horizons. Never run on the test families or seeds.

Run: .venv/bin/python benchmarks/calibrate_width.py [--per-family 30] [--train 6] [--h 3]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from simulate import CALIBRATION_SEED, FAMILIES, panel

from targets.engine.forecast import _stable_seed, forecast
from targets.engine.models import MODELS, Series
from targets.engine.models.base import grows_on_logs
from targets.engine.models.ensemble import EnsembleSettings, ensemble_paths

FACTORS = tuple(np.round(np.arange(1.0, 4.01, 0.1), 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-family", type=int, default=30)
    parser.add_argument("--train", type=int, default=6)
    parser.add_argument("--h", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    sims = panel(args.per_family, args.train + args.h, seed=CALIBRATION_SEED, families=FAMILIES)
    ys = {u: g["y"].to_numpy(float) for u, g in sims.groupby("unique_id")}
    fam = sims.groupby("unique_id")["family"].first()
    fit = sims.groupby("unique_id").head(args.train)[["unique_id", "ds", "y"]]
    members = ["naive", "drift", "ets", "theta"]
    _, paths = forecast(fit, args.h, models=members, return_paths=True, n_jobs=args.jobs)
    settings = replace(EnsembleSettings.load(members), interval_widening=0.0)
    rows = []
    for uid, y in ys.items():
        series = Series(
            ds=paths.history[uid].index,
            y=y[: args.train],
            freq="YS",
            log_evidence=settings.log_evidence_ratio,
        )
        fitted = {m: paths.samples[(uid, m)] for m in members if (uid, m) in paths.samples}

        def one_step(name: str, past: Series, cut: int, uid: str = uid) -> np.ndarray:
            return MODELS[name](past, 1, 200, _stable_seed(0, uid, name, str(cut)))

        p, _ = ensemble_paths(series, fitted, one_step, settings, np.random.default_rng(0))
        on_logs = grows_on_logs(y[: args.train], settings.log_evidence_ratio)
        z = np.log(p) if on_logs else p
        med = np.median(z, axis=0)
        actual = y[args.train :]
        for f in FACTORS:
            w = med + f * (z - med)
            q = np.quantile(np.exp(w) if on_logs else w, [0.025, 0.1, 0.9, 0.975], axis=0)
            for k in range(args.h):
                rows.append(
                    {
                        "family": fam[uid],
                        "factor": f,
                        "step": k + 1,
                        "cov80": q[1, k] <= actual[k] <= q[2, k],
                        "cov95": q[0, k] <= actual[k] <= q[3, k],
                    }
                )
    scores = pd.DataFrame(rows)
    cov = 100 * scores.groupby(["step", "factor"])[["cov80", "cov95"]].mean()
    m = args.train - 1
    print(f"## Calibration set, {args.train} points (m = {m} changes), h = {args.h}")
    print("Smallest factor reaching nominal coverage per step, and the slope a in")
    print("factor = 1 + a * step / sqrt(m) it implies")
    out = []
    for k in range(1, args.h + 1):
        row = {"step": k}
        for col, nominal in (("cov80", 80), ("cov95", 95)):
            ok = cov.loc[k][cov.loc[k][col] >= nominal]
            f = float(ok.index.min()) if len(ok) else np.nan
            row[f"factor {nominal}"] = f
            row[f"a {nominal}"] = (f - 1) * np.sqrt(m) / k
        out.append(row)
    print(pd.DataFrame(out).round(2).to_string(index=False))
    print("\nCoverage at factor 1:")
    print(cov.xs(1.0, level="factor").round(1).to_string())


if __name__ == "__main__":
    main()
