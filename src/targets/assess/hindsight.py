"""Hindsight: realized values published after the deadline, and their forecast percentile."""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets import drivers
from targets.assess.aggregate import _aggregate
from targets.assess.base import _deadline
from targets.data import load
from targets.goals import Goal
from targets.observations import level_rows


def _hindsight(goal: Goal, as_of, result: dict, n: int, seed: int) -> pd.DataFrame | None:
    """Realized values published after the deadline, and their forecast percentile."""
    if goal.kind != "aggregate":
        return None
    start, end, _ = _deadline(goal)
    realized = {}
    live = drivers.live_commerce_rows(as_of)
    lv = level_rows(live)
    hit = lv[(lv["period_start"] == start) & (lv["period_end"] == end)]
    if not hit.empty:
        realized["Live-streaming e-commerce market (research houses)"] = float(
            hit["value_yuan"].median()
        )
    douyin = level_rows(drivers.douyin_rows(as_of))
    d = douyin[(douyin["period_start"] == start) & (douyin["period_end"] == end)]
    ks = level_rows(load("kuaishou_gmv", as_of))
    k = ks[
        (ks["series_id"] == "kuaishou_gmv")
        & (ks["period_start"] == start)
        & (ks["period_end"] == end)
    ]
    if not d.empty:
        realized["Douyin GMV"] = float(d["value_yuan"].median())
        if not k.empty:
            realized["Douyin + Kuaishou GMV"] = realized["Douyin GMV"] + float(
                k["value_yuan"].median()
            )
    if not realized:
        return None
    announced = pd.Timestamp(goal.announced)
    at_announcement = result if as_of == announced else _aggregate(goal, announced, n, seed)
    rows = []
    for proxy, value in realized.items():
        samples = at_announcement["all_samples"].get(proxy)
        pct = float(np.mean(samples <= value)) if samples is not None else np.nan
        rows.append(
            {
                "proxy": proxy,
                "realized": value,
                "met": goal.is_met(value),
                "percentile_at_announcement": pct,
            }
        )
    return pd.DataFrame(rows)
