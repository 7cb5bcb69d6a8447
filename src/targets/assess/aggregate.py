"""Aggregate goals (a total over the deadline interval above a threshold)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from targets import drivers
from targets.assess.base import _deadline, _summary
from targets.assess.progress import _annual_levels, _growth, _growth_interval
from targets.data import load
from targets.errors import ForecastError
from targets.goals import Goal
from targets.observations import level_rows


@lru_cache(maxsize=64)
def _douyin(as_of: pd.Timestamp | None) -> drivers.Driver:
    return drivers.douyin_driver(as_of)


@lru_cache(maxsize=32)
def _aggregate(goal: Goal, as_of, n: int, seed: int) -> dict:
    start, end, mid = _deadline(goal)
    rng = np.random.default_rng(seed)
    ceiling_samples = drivers.physical_online_retail_samples(as_of, end.year, n, seed)
    proxies, samples, rows_used = [], {}, []

    live_rows = drivers.live_commerce_rows(as_of)
    try:
        live = drivers.live_commerce_driver(as_of, end.year, n, seed)
        s = live.totals(start, end, n, rng)
        proxies.append(_summary(live.name, live.method, s, goal))
        samples[live.name] = s
        rows_used.append(live_rows)
    except ForecastError as exc:
        proxies.append(
            {
                "proxy": "Live-streaming e-commerce market (research houses)",
                "method": f"not forecast: {exc}",
                "probability": np.nan,
                "median": np.nan,
                "lo_80": np.nan,
                "hi_80": np.nan,
            }
        )
    douyin = _douyin(as_of)
    d = douyin.totals(start, end, n, rng)
    try:
        kuaishou = drivers.kuaishou_driver(as_of)
        k = kuaishou.totals(start, end, n, rng)
        dk = d + k
        proxies.append(
            _summary("Douyin + Kuaishou GMV", f"{douyin.method}; {kuaishou.method}", dk, goal)
        )
        samples["Douyin + Kuaishou GMV"] = dk
        rows_used.append(kuaishou.rows)
    except ForecastError as exc:
        proxies.append(
            {
                "proxy": "Douyin + Kuaishou GMV",
                "method": f"not forecast: {exc}",
                "probability": np.nan,
                "median": np.nan,
                "lo_80": np.nan,
                "hi_80": np.nan,
            }
        )
    proxies.append(_summary("Douyin GMV", douyin.method, d, goal))
    samples["Douyin GMV"] = d
    rows_used.append(douyin.rows)
    table = pd.DataFrame(proxies)
    headline = next((p for p in table["proxy"] if p in samples), "Douyin GMV")

    total_retail = _known_or_nan(as_of, "nbs_total_retail", end.year)
    share_physical = goal.threshold / ceiling_samples
    ceiling_frame = pd.DataFrame(
        [
            {
                "denominator": f"physical-goods online retail {end.year} (NBS"
                + (", forecast)" if np.ptp(ceiling_samples) > 0 else ")"),
                "median_share": float(np.median(share_physical)),
                "lo_80": float(np.quantile(share_physical, 0.1)),
                "hi_80": float(np.quantile(share_physical, 0.9)),
            },
            {
                "denominator": f"total retail sales of consumer goods {end.year} (NBS)",
                "median_share": goal.threshold / total_retail,
                "lo_80": np.nan,
                "hi_80": np.nan,
            },
            {
                "denominator": "largest share of physical-goods online retail any one platform "
                "held (Alibaba China retail GMV, fiscal year to March, over the NBS figure of "
                "the calendar year it mostly covers)",
                "median_share": _largest_channel_share(as_of),
                "lo_80": np.nan,
                "hi_80": np.nan,
            },
        ]
    )
    live_levels = _annual_levels(live_rows) if not live_rows.empty else pd.Series(dtype=float)
    growth = _growth(live_levels, goal.threshold, mid)
    growth = _growth_interval(growth, live_rows, goal.threshold, mid, n, rng)
    return {
        "proxies": table,
        "samples": samples[headline],
        "all_samples": samples,
        "growth": growth,
        "ceiling": ceiling_frame,
        "rows_used": pd.concat(rows_used, ignore_index=True),
        "headline": headline,
    }


def _known_or_nan(as_of, series_id: str, year: int) -> float:
    from targets.observations import to_regular

    s = to_regular(load("nbs_retail", as_of), series_id, "YS")
    hit = s[s["ds"].dt.year == year]
    if not hit.empty:
        return float(hit["y"].iloc[0])
    if s.empty:
        return np.nan
    # Not yet published: the latest annual figure grown at its latest annual rate.
    s = s.sort_values("ds")
    last, years = s.iloc[-1], year - int(s["ds"].dt.year.iloc[-1])
    rate = s["y"].iloc[-1] / s["y"].iloc[-2] if len(s) > 1 else 1.0
    return float(last["y"] * rate**years)


def _largest_channel_share(as_of) -> float:
    from targets.observations import to_regular

    ali = load("alibaba_gmv", as_of)
    ali = level_rows(ali[ali["series_id"] == "alibaba_china_retail_gmv"])
    fiscal = ali[(ali["period_start"].dt.month == 4) & (ali["period_end"].dt.month == 3)]
    nbs = to_regular(load("nbs_retail", as_of), "nbs_physical_online_retail", "YS")
    shares = []
    for _, r in fiscal.iterrows():
        year = r["period_start"].year  # April Y to March Y+1 mostly covers calendar Y
        hit = nbs[nbs["ds"].dt.year == year]
        if not hit.empty:
            shares.append(r["value_yuan"] / float(hit["y"].iloc[0]))
    return float(max(shares)) if shares else np.nan
