"""Pooled prior weights of the ensemble's members, per scale class (prints; not a test).

Forecasts the calibration panel (benchmarks/simulate.py: calibration families,
calibration seed only; six points, three years ahead), sorts the series by the
scale they grow on (:func:`targets.engine.models.base.grows_on_logs`) and prints,
per class, each member's mean log-scale CRPS and its inverse (the prior weight
rule of ``engine_weight_<model>`` in data/assumptions.csv). Never run on the
test families or seeds.

Run: .venv/bin/python benchmarks/calibrate_weights.py [--per-family 30]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from simulate import CALIBRATION_SEED, FAMILIES, panel

from targets.engine.forecast import forecast
from targets.engine.metrics import crps_samples
from targets.engine.models.base import grows_on_logs

TRAIN, H = 6, 3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-family", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    sims = panel(args.per_family, TRAIN + H, seed=CALIBRATION_SEED, families=FAMILIES)
    ys = {u: g["y"].to_numpy(float) for u, g in sims.groupby("unique_id")}
    fit = sims.groupby("unique_id").head(TRAIN)[["unique_id", "ds", "y"]]
    members = ["naive", "drift", "ets", "theta"]
    _, paths = forecast(fit, H, models=members, return_paths=True, n_jobs=args.jobs)
    rows = []
    for (uid, model), p in paths.samples.items():
        y = ys[uid]
        crps = np.mean([crps_samples(np.log(y[TRAIN + k]), np.log(p[:, k])) for k in range(H)])
        cls = "logs" if grows_on_logs(y[:TRAIN]) else "levels"
        rows.append({"class": cls, "model": model, "crps_log": crps})
    scores = pd.DataFrame(rows)
    table = scores.groupby(["class", "model"])["crps_log"].agg(["size", "mean"])
    table["inverse"] = 1 / table["mean"]
    print("## Calibration set: members' mean log CRPS per scale class (3 steps, 6 points)")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
