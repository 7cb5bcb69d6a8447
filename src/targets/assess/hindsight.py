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
from targets.sources.vintage import Vintage


def _realized(goal: Goal, proxy: Proxy, vintage: Vintage) -> tuple[float | None, bool | None]:
    """The realized measured value on one proxy, and whether it meets the goal."""
    values = []
    for start, end in calendar_years(goal):
        v = realized(proxy.parts, proxy.how, start, end, vintage, None)
        if v is not None and goal.kind == "aggregate":
            v = _in_goal_currency(goal, proxy, v, vintage, start, end)
        if v is None and goal.kind == "aggregate" and goal.comparator in (">=", ">"):
            bound = lower_bound(proxy.parts, start, end, vintage) if proxy.how == "pooled" else None
            if bound is not None and goal.met(bound):
                v = bound  # "more than" a value that already meets the goal
        if v is None:
            return None, None
        values.append(v)
    if goal.kind == "growth":
        base = realized(proxy.parts, proxy.how, goal.base_start, goal.base_end, vintage, None)
        if base is None:
            return None, None
        values = [v / base for v in values]
        if goal.unit == "percent_growth":
            from targets.assess.aggregate import growth_years

            values = [v ** (1.0 / growth_years(goal)) - 1.0 for v in values]
    met = bool(goal.met(np.array(values)).all())
    weakest = max(values) if goal.comparator in ("<", "<=") else min(values)
    return float(weakest), met


def _in_goal_currency(goal: Goal, proxy: Proxy, value: float, vintage, start, end):
    """A realized amount in the goal's currency (at the published rate of its year), or None."""
    from targets.assess.series import rows_for
    from targets.growth.drivers import in_own_currency
    from targets.sources.currency import convert

    rows = pd.concat([rows_for(r, vintage) for r in proxy.parts], ignore_index=True)
    if rows.empty:
        return value
    _, source = in_own_currency(rows)
    if source == goal.currency:
        return value
    try:
        converted, _ = convert(value, source, goal.currency, vintage, start, end, 0)
    except ForecastError:
        return None
    year = (pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2).year
    from targets.sources.currency import _annual_rates

    # An outcome is read at the published rate of its year, never at a forecast rate.
    return float(converted) if year in _annual_rates(vintage).index else None


def _hindsight(
    goal: Goal, vintage: Vintage, result: dict, n: int, seed: int
) -> pd.DataFrame | None:
    """Realized values published in the vintage and their percentile at the announcement."""
    if goal.kind == "count":
        return None
    rows = []
    at_announcement = None
    for proxy in goal.proxies or (own_proxy(goal),):
        value, met = _realized(goal, proxy, vintage)
        if value is None:
            continue
        if at_announcement is None:
            then = vintage.at(goal.announced)
            try:
                at_announcement = result if then == vintage else _aggregate(goal, then, n, seed)
            except ForecastError:
                at_announcement = {"all_samples": {}}
        samples = at_announcement["all_samples"].get(proxy.name)
        pct = float(np.mean(samples <= value)) if samples is not None else np.nan
        rows.append(
            {"proxy": proxy.name, "realized": value, "met": met, "percentile_at_announcement": pct}
        )
    return pd.DataFrame(rows) if rows else None
