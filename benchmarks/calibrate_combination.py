"""Choose the ensemble's scale rule and interval widening on the calibration set (prints).

Two constants of the ensemble (:mod:`targets.engine.models.ensemble`) are chosen
here, on the calibration panel only (benchmarks/simulate.py: calibration
families, calibration seed; six points, three years ahead), never on the test
families, test seeds or real series:

* ``engine_log_evidence_ratio`` (``r``): a series is combined on logs when its
  log drift's out-of-sample errors are below ``r`` times its level drift's
  (:func:`targets.engine.models.base.grows_on_logs`). Chosen as the ``r`` of
  the lowest mean MASE of the ensemble's median (the widening does not move it).
* ``engine_interval_widening`` (``a``): at that ``r``, the slope of
  ``1 + a k / sqrt(n - 1)`` with the lowest mean Winkler-95 among the slopes
  whose 80% and 95% coverages are both within 5 points of nominal.

Every member is fitted once on each scale (``ets`` and ``theta`` on logs and on
levels, ``naive`` and ``drift``), then the ensemble of the current code
(:func:`targets.engine.models.ensemble.combine`, ``widen``, ``bound_paths``;
prior weights) is rebuilt for every ``(r, a)``.

Run: .venv/bin/python benchmarks/calibrate_combination.py [--per-family 40]
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

from scoring import from_paths, score_series
from simulate import CALIBRATION_SEED, FAMILIES, panel

from targets.engine.forecast import _stable_seed
from targets.engine.models import MODELS, Series
from targets.engine.models.base import grows_on_logs
from targets.engine.models.ensemble import EnsembleSettings, bound_paths, combine, widen
from targets.errors import ForecastError

TRAIN, H = 6, 3
RATIOS = tuple(np.round(np.arange(0.4, 1.01, 0.1), 1))
SLOPES = tuple(np.round(np.arange(0.0, 0.81, 0.1), 1))
MEMBERS = ("naive", "drift", "ets", "theta")


def member_paths(series: Series, uid: str, settings: EnsembleSettings) -> dict[str, np.ndarray]:
    """Every member's bounded paths, ``ets``/``theta`` on both scales (``name@logs``)."""
    out = {}
    for scale, ratio in (("logs", np.inf), ("levels", 0.0)):
        forced = replace(series, log_evidence=ratio)
        for name in MEMBERS:
            key = name if name in ("naive", "drift") else f"{name}@{scale}"
            if key in out:
                continue
            try:
                p = MODELS[name](forced, H, 1000, _stable_seed(0, uid, name))
            except ForecastError:
                continue
            out[key] = bound_paths(p, series, settings.max_growth_per_year, settings.max_multiple)
    return out


def ensemble(
    series: Series, paths: dict[str, np.ndarray], ratio: float, settings: EnsembleSettings
) -> tuple[np.ndarray, bool]:
    """The unwidened combination at scale rule ``ratio`` and whether it is on logs."""
    on_logs = grows_on_logs(series.y, ratio)
    scale = "logs" if on_logs else "levels"
    keep = {"naive": "naive"} if on_logs else {"drift": "drift"}
    keep |= {m: f"{m}@{scale}" for m in ("ets", "theta")}
    fitted = {m: paths[k] for m, k in keep.items() if k in paths}
    weights = {m: settings.prior[m] for m in fitted}
    return combine(fitted, weights, on_logs, np.random.default_rng(0)), on_logs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-family", type=int, default=40)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    settings = EnsembleSettings.load(list(MEMBERS))
    sims = panel(args.per_family, TRAIN + H, seed=CALIBRATION_SEED, families=FAMILIES)
    rows = []
    for uid, g in sims.groupby("unique_id", sort=True):
        y = g["y"].to_numpy(float)
        s = Series(ds=pd.DatetimeIndex(g["ds"][:TRAIN]), y=y[:TRAIN], freq="YS")
        paths = member_paths(s, str(uid), settings)
        for r in RATIOS:
            base, on_logs = ensemble(s, paths, r, settings)
            for a in SLOPES:
                factor = 1.0 + a * np.arange(1, H + 1) / np.sqrt(TRAIN - 1)
                p = widen(base, factor, on_logs)
                p = bound_paths(p, s, settings.max_growth_per_year, settings.max_multiple)
                sc = score_series(from_paths(p), y[:TRAIN], y[TRAIN:])
                rows.append({"family": g["family"].iloc[0], "r": r, "a": a, **sc})
    scores = pd.DataFrame(rows)
    table = scores.groupby(["r", "a"])[["ase", "winkler95", "cov80", "cov95"]].mean()
    table[["cov80", "cov95"]] *= 100
    pd.set_option("display.width", 200)
    print(f"## Calibration set: {sims['unique_id'].nunique()} series, {TRAIN} points, h={H}")
    print(table.round(3).to_string())
    r_best = float(table["ase"].groupby(level="r").mean().idxmin())
    at_r = table.xs(r_best, level="r")
    ok = at_r[(abs(at_r["cov80"] - 80) <= 5) & (abs(at_r["cov95"] - 95) <= 5)]
    a_best = float(ok["winkler95"].idxmin()) if len(ok) else float("nan")
    print(f"\nChosen: engine_log_evidence_ratio = {r_best}, engine_interval_widening = {a_best}")
    print(at_r.loc[a_best].round(3).to_string() if len(ok) else "no slope within 5 points")
    fam = scores[(scores["r"] == r_best) & (scores["a"] == a_best)]
    print("\nPer family at the chosen constants:")
    print(fam.groupby("family")[["ase", "winkler95", "cov80", "cov95"]].mean().round(3))


if __name__ == "__main__":
    main()
