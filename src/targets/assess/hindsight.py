"""Hindsight: what the goal's own series (and its proxies) showed after the deadline.

The realized value is read from the rows published by the as-of date over
exactly the goal's interval(s): the median of the sources for one series, the
sum for a proxy that adds series. A "more than" bound decides a goal of the
form ``>=``/``>`` when it already passes the threshold. The percentile is that
of the realized value in the forecast made at the announcement; an announcement
with too little data for a forecast leaves it empty, and never stops the
assessment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.assess.aggregate import _aggregate, calendar_years
from targets.assess.series import lower_bound, own_proxy, realized
from targets.errors import ForecastError
from targets.sources.goals import Goal, Proxy


def _realized(goal: Goal, proxy: Proxy, as_of) -> tuple[float | None, bool | None]:
    """The realized measured value on one proxy, and whether it meets the goal."""
    values = []
    for start, end in calendar_years(goal):
        v = realized(proxy.parts, proxy.how, start, end, as_of, None)
        if v is None and goal.kind == "aggregate" and goal.comparator in (">=", ">"):
            bound = lower_bound(proxy.parts, start, end, as_of) if proxy.how == "pooled" else None
            if bound is not None and goal.met(bound):
                v = bound  # "more than" a value that already meets the goal
        if v is None:
            return None, None
        values.append(v)
    if goal.kind == "growth":
        base = realized(proxy.parts, proxy.how, goal.base_start, goal.base_end, as_of, None)
        if base is None:
            return None, None
        values = [v / base for v in values]
        if goal.unit == "percent_growth":
            from targets.assess.aggregate import growth_years

            values = [v ** (1.0 / growth_years(goal)) - 1.0 for v in values]
    met = bool(goal.met(np.array(values)).all())
    weakest = max(values) if goal.comparator in ("<", "<=") else min(values)
    return float(weakest), met


def _hindsight(
    goal: Goal, as_of, result: dict, n: int, seed: int, data_key: str = ""
) -> pd.DataFrame | None:
    """Realized values published by ``as_of`` and their percentile at the announcement."""
    if goal.kind == "count":
        return None
    rows = []
    at_announcement = None
    for proxy in goal.proxies or (own_proxy(goal),):
        value, met = _realized(goal, proxy, as_of)
        if value is None:
            continue
        if at_announcement is None:
            announced = pd.Timestamp(goal.announced)
            try:
                at_announcement = (
                    result if as_of == announced else _aggregate(goal, announced, n, seed, data_key)
                )
            except ForecastError:
                at_announcement = {"all_samples": {}}
        samples = at_announcement["all_samples"].get(proxy.name)
        pct = float(np.mean(samples <= value)) if samples is not None else np.nan
        rows.append(
            {"proxy": proxy.name, "realized": value, "met": met, "percentile_at_announcement": pct}
        )
    return pd.DataFrame(rows) if rows else None
