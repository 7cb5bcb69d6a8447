"""Calibration of the Douyin regime model on simulated platforms (prints a table; not a test).

Each simulated platform draws its parameters from the same priors the model
uses (:func:`targets.growth.drivers.douyin_fit` reads them from the dated assumption
rows; here the growth prior is centred as on 2021-04-08), generates rows like
Douyin's (a 2020 closed-loop level, a 2020 level and multiple including
third-party links, later media-reported levels and multiples of unstated
scope, each with the noise of its status), is fitted, and is then asked for
totals it was not shown: the year after its last row and the goal year. If the
model is calibrated, the truth falls inside the 80% interval about 80% of the
time and inside the 95% interval about 95% of the time. Nothing here reads
Douyin's own rows: the noise scales are checked on simulations.

Run: .venv/bin/python benchmarks/bench_drivers.py [--platforms 40] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from targets.engine.curvefit import noise_scale
from targets.growth import drivers, regimefit

AS_OF = pd.Timestamp("2021-04-08")


def _row(start, end, value=np.nan, *, status="reported", base=None, ratio=np.nan, qual="exact"):
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    return {
        "period_start": s,
        "period_end": e,
        "base_start": pd.Timestamp(base[0]) if base else pd.NaT,
        "base_end": pd.Timestamp(base[1]) if base else pd.NaT,
        "value_yuan": value,
        "value_high_yuan": np.nan,
        "ratio": ratio,
        "kind": "growth_multiple" if base else "actual",
        "status": status,
        "qualifier": qual,
        "published": e + pd.Timedelta(days=60),
        "row": 0,
    }


def simulate(prior: regimefit.Prior, origin: pd.Timestamp, rng: np.random.Generator):
    """One platform: true parameters, its rows (with measures) and the truth function."""
    theta = prior.mean + prior.sd * rng.standard_normal(len(prior.mean))
    theta[7] = abs(theta[7])  # long-run growth is not negative
    theta[8] = abs(theta[8])

    def total(start, end, measure="closed"):
        s = (pd.Timestamp(start) - origin).days / 365.25
        e = (pd.Timestamp(end) + pd.Timedelta(days=1) - origin).days / 365.25
        parts = regimefit.integrals(theta[None, :], np.array([s]), np.array([e]))
        closed, links = float(parts["closed"][0, 0]), float(parts["links"][0, 0])
        return closed + links if measure == "broad" else closed

    sd = {"reported": noise_scale("reported"), "official": noise_scale("official")}
    recs, measures = [], []

    def level(start, end, measure, status="reported"):
        v = total(start, end, measure) * np.exp(rng.normal(0, sd[status]))
        recs.append(_row(start, end, v, status=status))
        measures.append("unstated" if measure == "closed" and status == "reported" else measure)

    def multiple(start, end, b0, b1, measure, status="reported"):
        r = total(start, end, measure) / total(b0, b1, measure)
        recs.append(
            _row(
                start,
                end,
                status=status,
                base=(b0, b1),
                ratio=r * np.exp(rng.normal(0, sd[status])),
            )
        )
        measures.append(measure if status == "official" or measure == "broad" else "unstated")

    level("2020-01-01", "2020-12-31", "closed")
    measures[-1] = "closed"
    level("2020-01-01", "2020-12-31", "broad")
    multiple("2020-01-01", "2020-12-31", "2019-01-01", "2019-12-31", "broad")
    multiple("2020-07-01", "2020-12-31", "2020-01-01", "2020-06-30", "closed", "official")
    level("2021-01-01", "2021-08-31", "closed")
    level("2022-01-01", "2022-12-31", "closed")
    multiple("2021-05-01", "2022-04-30", "2020-05-01", "2021-04-30", "closed", "official")
    rows = pd.DataFrame(recs)
    rows.index = pd.RangeIndex(len(rows))
    return theta, rows, pd.Series(measures, index=rows.index), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fit0, _, _ = drivers.douyin_fit(AS_OF)
    prior, origin = fit0.prior, fit0.origin
    rng = np.random.default_rng(args.seed)
    targets_ = {"2023": ("2023-01-01", "2023-12-31"), "goal year": ("2022-04-01", "2023-03-31")}
    hits = {k: [] for k in targets_}
    t0 = time.time()
    for _ in range(args.platforms):
        _, rows, measures, truth = simulate(prior, origin, rng)
        fit = regimefit.fit(rows, measures, origin, prior, process_sd=fit0.process_sd, month_sd=0.0)
        for name, (s, e) in targets_.items():
            draws = fit.sample_closed_totals(pd.Timestamp(s), pd.Timestamp(e), 2000, rng)
            q = np.quantile(draws, [0.025, 0.1, 0.9, 0.975])
            v = truth(s, e)
            hits[name].append((q[1] <= v <= q[2], q[0] <= v <= q[3]))
    rows_out = [
        {
            "target": name,
            "platforms": len(h),
            "inside 80%": f"{np.mean([a for a, _ in h]):.0%}",
            "inside 95%": f"{np.mean([b for _, b in h]):.0%}",
        }
        for name, h in hits.items()
    ]
    print(pd.DataFrame(rows_out).to_string(index=False))
    print(f"{args.platforms} platforms fitted in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
