"""Accuracy and calibration of the engine on simulated series (prints tables; not a test).

Two sets that never mix (benchmarks/simulate.py):

* ``--set calibration``: the calibration families on the calibration seed. The
  engine's constants (data/assumptions.csv, ``engine_*`` rows) were chosen here.
* ``--set test`` (default): the test families, built to break what the members
  assume (multiplying from small values, level shifts, trend breaks, linear
  declines, Gompertz saturation with additive noise, additive and proportional
  noise, stalling growth), on the test seeds. Nothing is tuned on them.

Each series has ``--train`` observed years (default 6) and is forecast
``--h`` years ahead (default 3). Every member of the engine, its ensemble, and
the references (benchmarks/scoring.py: random walk with drift on levels and on
logs, statsmodels' Theta and ETS on levels) are scored: MASE, sMAPE, 80%/95%
coverage, Winkler-95 (scaled like the MASE) and the largest 95% upper bound over
the last value. Printed per family: the ensemble against the best member, the
random walks and statsmodels, and the ratio of the ensemble's MASE and Winkler-95
to the best of the best member and the two random walks (at most 1 passes).
Finally the tail rule: series whose 95% upper bound exceeds 100 times the last
value without their own history having grown that much over as many periods.

Run: .venv/bin/python benchmarks/bench_forecast.py [--set test] [--per-family 40]
     [--jobs 2] [--train 6] [--h 3]
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

from scoring import REFERENCES, from_paths, score_series
from simulate import CALIBRATION_SEED, FAMILIES, TEST_FAMILIES, TEST_SEEDS, panel

from targets.engine.forecast import DEFAULT_MODELS, forecast

ENSEMBLE = "ensemble"
METRICS = ["ase", "smape", "cov80", "cov95", "winkler95"]


def simulated_panel(which: str, per_family: int, n_points: int) -> pd.DataFrame:
    """The calibration or test panel (``unique_id, ds, y, family``)."""
    if which == "calibration":
        return panel(per_family, n_points, seed=CALIBRATION_SEED, families=FAMILIES)
    per_seed = -(-per_family // len(TEST_SEEDS))
    return pd.concat(
        [panel(per_seed, n_points, seed=s, families=TEST_FAMILIES) for s in TEST_SEEDS],
        ignore_index=True,
    )


def score_all(
    sims: pd.DataFrame, train: int, h: int, models: list[str], jobs: int, n_samples: int
) -> tuple[pd.DataFrame, float]:
    """One row per series and method; and the engine's wall time (s)."""
    families = sims.groupby("unique_id")["family"].first()
    ys = {u: g["y"].to_numpy(float) for u, g in sims.groupby("unique_id", sort=True)}
    fit = sims.groupby("unique_id").head(train)[["unique_id", "ds", "y"]]
    t0 = time.perf_counter()
    _, paths = forecast(
        fit, h, models=models, n_samples=n_samples, return_paths=True, n_jobs=jobs, seed=0
    )
    seconds = time.perf_counter() - t0
    rows = []
    for (uid, model), p in paths.samples.items():
        y = ys[uid]
        s = score_series(from_paths(p), y[:train], y[train : train + h])
        rows.append({"unique_id": uid, "family": families[uid], "model": model, **s})
    refs = reference_scores(ys, train, h, jobs)
    refs["family"] = refs["unique_id"].map(families)
    return pd.concat([pd.DataFrame(rows), refs], ignore_index=True), seconds


def _references_one(uid: str, y: np.ndarray, train: int, h: int) -> list[dict[str, object]]:
    return [
        {"unique_id": uid, "model": name, **score_series(fn(y[:train], h), y[:train], y[train:])}
        for name, fn in REFERENCES.items()
    ]


def reference_scores(ys: dict[str, np.ndarray], train: int, h: int, jobs: int) -> pd.DataFrame:
    """Scores of the reference forecasters, cached on disk (statsmodels' Theta
    intervals refit an ARIMA by maximum likelihood: about a second a series)."""
    import hashlib

    import joblib

    key = hashlib.sha1(
        repr(sorted((u, y[: train + h].round(9).tobytes()) for u, y in ys.items())).encode()
        + repr((train, h, sorted(REFERENCES))).encode()
    ).hexdigest()[:16]
    cache = Path.home() / ".cache" / "targets-bench" / f"references-{key}.pkl"
    if cache.exists():
        return pd.read_pickle(cache)
    parts = joblib.Parallel(n_jobs=jobs)(
        joblib.delayed(_references_one)(u, y[: train + h], train, h) for u, y in ys.items()
    )
    frame = pd.DataFrame([r for part in parts for r in part])
    cache.parent.mkdir(parents=True, exist_ok=True)
    frame.to_pickle(cache)
    return frame


def family_table(scores: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Per family: the ensemble, the best member (by MASE), the references, the ratios."""
    out = []
    for family, g in scores.groupby("family", sort=False):
        means = g.groupby("model")[METRICS].mean()
        best_member = means.loc[[m for m in members if m in means.index], "ase"].idxmin()
        row: dict[str, object] = {"family": family, "best member": best_member}
        for label, model in [
            ("ens", ENSEMBLE),
            ("best", best_member),
            ("RWDlev", "RWD levels"),
            ("RWDlog", "RWD logs"),
            ("smTheta", "sm Theta"),
            ("smETS", "sm ETS"),
        ]:
            row[f"MASE {label}"] = means.loc[model, "ase"]
        for label, model in [("ens", ENSEMBLE), ("best", best_member), ("RWDlev", "RWD levels")]:
            row[f"W95 {label}"] = means.loc[model, "winkler95"]
        row["sMAPE ens"] = means.loc[ENSEMBLE, "smape"]
        row["cov80 ens"] = 100 * means.loc[ENSEMBLE, "cov80"]
        row["cov95 ens"] = 100 * means.loc[ENSEMBLE, "cov95"]
        rivals = [best_member, "RWD levels", "RWD logs"]
        row["MASE ratio"] = means.loc[ENSEMBLE, "ase"] / means.loc[rivals, "ase"].min()
        row["W95 ratio"] = means.loc[ENSEMBLE, "winkler95"] / means.loc[rivals, "winkler95"].min()
        out.append(row)
    return pd.DataFrame(out)


def tail_violations(sims: pd.DataFrame, scores: pd.DataFrame, train: int, h: int) -> pd.DataFrame:
    """Series whose ensemble 95% bound passes 100x the last value without own growth."""
    ys = {u: g["y"].to_numpy(float)[:train] for u, g in sims.groupby("unique_id")}
    bad = []
    for r in scores[scores["model"] == ENSEMBLE].itertuples():
        y = ys[r.unique_id]
        own = max(np.max(y[k:] / y[:-k]) for k in range(1, min(h, len(y) - 1) + 1))
        if r.up_last > 100 and r.up_last > own:
            bad.append({"unique_id": r.unique_id, "up_last": r.up_last, "own": own})
    return pd.DataFrame(bad, columns=["unique_id", "up_last", "own"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=["calibration", "test"], default="test")
    parser.add_argument("--per-family", type=int, default=40)
    parser.add_argument("--train", type=int, default=6)
    parser.add_argument("--h", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument("--n-samples", type=int, default=1000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    models = args.models.split(",")
    members = [m for m in models if m != ENSEMBLE]
    sims = simulated_panel(args.set, args.per_family, args.train + args.h)
    scores, seconds = score_all(sims, args.train, args.h, models, args.jobs, args.n_samples)
    n = sims["unique_id"].nunique()
    print(
        f"## {args.set} set: {n} simulated yearly series, {args.train} points, h={args.h}; "
        f"engine ({', '.join(models)}) in {seconds:.0f} s"
    )
    overall = scores.groupby("model")[METRICS].mean()
    overall[["cov80", "cov95"]] *= 100
    overall["max upper95/last"] = scores.groupby("model")["up_last"].max()
    print(overall.sort_values("ase").round(3).to_string())
    print("\n### Per family (MASE, Winkler-95 scaled like MASE, coverage %)")
    pd.set_option("display.width", 250)
    print(family_table(scores, members).round(2).to_string(index=False))
    bad = tail_violations(sims, scores, args.train, args.h)
    print(f"\n### Tail rule: {len(bad)} series with a 95% bound above 100x the last value")
    print("    without their own history having grown as much over as many periods")
    if len(bad):
        print(bad.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
