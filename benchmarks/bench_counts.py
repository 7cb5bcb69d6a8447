"""Calibration of count-goal probabilities on simulated platforms.

Each simulated platform has entities whose year-1 sales are drawn from a known
heavy-tailed distribution (a two-segment double Pareto-log-normal with random
tail index, body, head), and whose year-2 sales grow with the platform and
churn (log-normal persistence noise). Counts above two thresholds and the sales
of the top 100 in year 1 are published as evidence rows (with reporting
noise); the goal asks for at least ``g`` entities above a threshold in year 2,
with ``g`` set around the true count so that about half the goals are met. The
model sees the evidence, a population range and a GMV forecast whose error is
drawn from its own stated uncertainty, never the truth.

Prints the Brier score (against the base rate's), a reliability table, the
share of evidence rows inside their 80% posterior predictive intervals (target:
at least 80%) and the share of year-2 counts inside their 80% predictive interval.

Run: ``python benchmarks/bench_counts.py [n_platforms] [seed]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from targets.counts import model as countmodel
from targets.counts import sizes
from targets.sources.vintage import open_vintage

#: The model's error on any count it predicts (data/assumptions.csv), as real goals use it.
MODEL_ERROR_SD = open_vintage().assumption("count_model_error_sd").value
GMV_FORECAST_SD = 0.15  # log-sd of the year-2 GMV forecast
REPORT_SD = 0.10  # log-sd of reporting noise on published counts


def simulate_platform(rng: np.random.Generator) -> dict:
    """One platform: true parameters, year-1 and year-2 sales per entity."""
    truth = {
        "alpha": rng.uniform(1.2, 3.0),
        "beta": rng.uniform(0.7, 2.5),
        "tau": rng.uniform(0.4, 2.0),
        "head": float(np.exp(rng.uniform(np.log(0.002), np.log(0.05)))),
        "head_sales": rng.uniform(0.2, 0.8),
        "n": int(np.exp(rng.uniform(np.log(5e4), np.log(4e5)))),
        "gmv1": float(np.exp(rng.uniform(np.log(5e10), np.log(5e11)))),
        "growth": rng.uniform(1.2, 3.0),
    }
    nh = max(int(truth["head"] * truth["n"]), 5)
    parts = []
    for count, share in ((nh, truth["head_sales"]), (truth["n"] - nh, 1 - truth["head_sales"])):
        x = sizes.sample(count, truth["alpha"], truth["beta"], 0.0, truth["tau"], rng)
        parts.append(x * share * truth["gmv1"] / x.sum())
    year1 = np.concatenate(parts)
    year2 = year1 * np.exp(rng.normal(0.0, 0.5, len(year1)))
    gmv2 = truth["gmv1"] * truth["growth"]
    year2 *= gmv2 / year2.sum()
    return {"truth": truth, "year1": year1, "year2": year2, "gmv2": gmv2}


def evidence_rows(world: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Year-1 counts at two thresholds and the top-100 sales, published with noise."""
    y1 = np.sort(world["year1"])[::-1]
    t_low = float(y1[min(int(rng.uniform(300, 2000)), len(y1) - 1)])
    t_high = t_low * rng.uniform(3.0, 10.0)
    base = {
        "context": "year 1",
        "role": "population",
        "noise_sd": 0.2,
        "start": pd.Timestamp("2020-01-01"),
        "end": pd.Timestamp("2020-12-31"),
        "known_n": np.nan,
        "known_total": np.nan,
        "published": pd.Timestamp("2021-03-31"),
    }
    rows = []
    for t in (t_low, t_high):
        true = float(np.sum(y1 > t))
        rows.append(
            base
            | {
                "label": f"count above {t:.3g}",
                "stat": "count",
                "threshold": t,
                "top_k": np.nan,
                "value": max(round(true * np.exp(rng.normal(0, REPORT_SD))), 1),
            }
        )
    rows.append(
        base
        | {
            "label": "sales of the top 100",
            "stat": "top_total",
            "threshold": np.nan,
            "top_k": 100.0,
            "value": float(y1[:100].sum() * np.exp(rng.normal(0, REPORT_SD))),
        }
    )
    return pd.DataFrame(rows)[countmodel.EVIDENCE_COLUMNS]


def run(n_platforms: int = 40, seed: int = 0) -> dict:
    records, coverage = [], []
    started = time.perf_counter()
    for k in range(n_platforms):
        # One generator per platform: a change to the model (which moves how many draws its
        # Poisson counts consume) leaves the other platforms as they were.
        rng = np.random.default_rng([seed, k])
        world = simulate_platform(rng)
        truth = world["truth"]
        ev = evidence_rows(world, rng)
        gmv1 = truth["gmv1"]
        forecast2 = world["gmv2"] * np.exp(rng.normal(0, GMV_FORECAST_SD))

        def gmv(start, end, n, r, gmv1=gmv1, forecast2=forecast2):
            if start.year == 2020:
                return gmv1 * np.exp(r.normal(0, 0.05, n))
            return forecast2 * np.exp(r.normal(0, GMV_FORECAST_SD, n))

        prior = countmodel.SizePrior(
            alpha=(1.05, 3.5),
            beta=(0.5, 3.0),
            tau=(0.3, 2.5),
            head_entities=(1e-3, 0.1),
            head_sales=(0.1, 0.9),
            population=(truth["n"] / 2, truth["n"] * 2),
            gmv_share=(1.0, 1.0),
            model_error_sd=MODEL_ERROR_SD,
        )
        fit = countmodel.fit(ev, prior, gmv, n_prior=8000, n_draws=2000, seed=k)
        coverage.extend(fit.predictive["inside"].astype(bool).tolist())
        threshold = float(ev["threshold"].iloc[0]) * rng.uniform(1.0, 3.0)
        true_count = float(np.sum(world["year2"] > threshold))
        goal = max(round(true_count * np.exp(rng.uniform(-0.7, 0.7))), 1)
        counts = countmodel.predict_counts(
            fit, threshold, gmv(pd.Timestamp("2021-01-01"), None, 2000, rng), rng
        )
        lo, hi = np.quantile(counts, [0.1, 0.9])
        records.append(
            {
                "probability": float(np.mean(counts >= goal)),
                "met": true_count >= goal,
                "count_inside_80": lo <= true_count <= hi,
                "ess": fit.ess,
            }
        )
    out = pd.DataFrame(records)
    brier = float(np.mean((out["probability"] - out["met"]) ** 2))
    base_rate = float(out["met"].mean())
    reference = float(np.mean((base_rate - out["met"]) ** 2))
    bins = pd.cut(out["probability"], [0, 0.2, 0.4, 0.6, 0.8, 1.0], include_lowest=True)
    reliability = out.groupby(bins, observed=True).agg(
        goals=("met", "size"), mean_probability=("probability", "mean"), share_met=("met", "mean")
    )
    return {
        "platforms": n_platforms,
        "brier": brier,
        "brier_base_rate": reference,
        "reliability": reliability,
        "evidence_inside_80": float(np.mean(coverage)),
        "count_inside_80": float(out["count_inside_80"].mean()),
        "median_ess": float(out["ess"].median()),
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    r = run(n, seed)
    print(f"simulated platforms: {r['platforms']} (seed {seed}, {r['seconds']:.0f} s)")
    print(f"Brier score: {r['brier']:.3f} (base rate alone: {r['brier_base_rate']:.3f})")
    print("reliability:")
    print(r["reliability"].to_string(float_format=lambda v: f"{v:.2f}"))
    print(f"evidence rows inside their 80% predictive interval: {r['evidence_inside_80']:.0%}")
    print(f"year-2 counts inside their 80% predictive interval: {r['count_inside_80']:.0%}")
    print(f"median effective sample size: {r['median_ess']:.0f}")


if __name__ == "__main__":
    main()
