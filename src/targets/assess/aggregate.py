"""Aggregate and growth goals: a total (or a growth multiple or rate) against a threshold.

The goal is forecast on the series it names, in that series' own currency
(:mod:`targets.assess.series`, :func:`targets.growth.drivers.series_driver`), or on
the ``proxies`` it declares in ``goals.yaml`` (the first is the headline), each
side by side. A declared ``ceiling`` bounds a proxy marked ``saturation`` and
gives the threshold as a share of the containing quantity. A proxy that cannot
be forecast at the as-of date says why in its row; the goal has no forecast only
when none can be.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from targets.assess.base import _deadline, _summary
from targets.assess.progress import _annual_levels, _growth, _growth_interval
from targets.assess.series import Forecast, own_proxy, realized, rows_for
from targets.engine.curvefit import FitNoise
from targets.errors import ForecastError
from targets.sources import currency
from targets.sources.goals import Goal, Proxy, SeriesRef
from targets.sources.observations import level_rows
from targets.sources.vintage import Vintage


def calendar_years(goal: Goal) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The intervals a goal is judged on: the deadline, or each calendar year in it."""
    start, end, _ = _deadline(goal)
    if goal.judged_on != "each_year":
        return [(start, end)]
    return [
        (pd.Timestamp(year=y, month=1, day=1), pd.Timestamp(year=y, month=12, day=31))
        for y in range(start.year, end.year + 1)
    ]


def growth_years(goal: Goal) -> float:
    """Years between the middles of the base and the deadline intervals."""
    b0, b1 = pd.Timestamp(goal.base_start), pd.Timestamp(goal.base_end)
    _, _, mid = _deadline(goal)
    return (mid - (b0 + (b1 - b0) / 2)).days / 365.25


def measure(
    goal: Goal, fc: Forecast, vintage: Vintage, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of what the goal measures on one proxy, and whether each meets the goal.

    Returns
    -------
    (values, met)
        ``values``: the total over the deadline (the goal's currency), or for a
        growth goal the multiple (or compound annual rate) against the base; for
        a goal judged on each year, the weakest year. ``met``: booleans.
    """
    columns = [fc.totals(a, b, n, seed) for a, b in calendar_years(goal)]
    if goal.kind == "aggregate" and fc.currency != goal.currency:
        columns = [
            currency.convert(c, fc.currency, goal.currency, vintage, a, b, seed)[0]
            for c, (a, b) in zip(columns, calendar_years(goal), strict=True)
        ]
    if goal.kind == "growth":
        base = realized(fc.proxy.parts, fc.proxy.how, goal.base_start, goal.base_end, vintage, None)
        base = base if base is not None else fc.totals(goal.base_start, goal.base_end, n, seed)
        columns = [c / base for c in columns]
        if goal.unit == "percent_growth":
            years = growth_years(goal)
            columns = [np.sign(c) * np.abs(c) ** (1.0 / years) - 1.0 for c in columns]
    values = np.column_stack(columns)
    met = goal.met(values).all(axis=1)
    weakest = values.max(axis=1) if goal.comparator in ("<", "<=") else values.min(axis=1)
    return weakest, met


def _not_forecast(name: str, exc: Exception) -> dict:
    return {
        "proxy": name,
        "method": f"not forecast: {exc}",
        "probability": np.nan,
        "median": np.nan,
        "lo_80": np.nan,
        "hi_80": np.nan,
    }


def ceiling_samples(ref: SeriesRef, vintage: Vintage, year: int, n: int, seed: int) -> np.ndarray:
    """Samples of a containing quantity over calendar ``year``: published, else forecast."""
    return _ceiling_samples(ref, vintage, year, n, seed).copy()


@lru_cache(maxsize=64)
def _ceiling_samples(ref: SeriesRef, vintage: Vintage, year: int, n: int, seed: int) -> np.ndarray:
    start, end = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)
    value = realized((ref,), "pooled", start, end, vintage, None)
    if value is not None:
        return np.full(n, value)
    fc = Forecast(Proxy(vintage.ref_name(ref), (ref,)), vintage)
    return fc.totals(start, end, n, seed)


def _saturation(goal: Goal, proxy: Proxy, vintage: Vintage, n: int, seed: int):
    """Prior range of the saturation level: the largest published level to a high quantile
    of the ceiling (assumption ``ceiling_saturation_quantile``)."""
    if not proxy.saturation or goal.ceiling is None:
        return None
    _, end, _ = _deadline(goal)
    ceiling = ceiling_samples(goal.ceiling.series, vintage, end.year, n, seed)
    rows = pd.concat([rows_for(r, vintage) for r in proxy.parts], ignore_index=True)
    levels = level_rows(rows)
    if levels.empty:
        raise ForecastError(f"no forecast: no published level of {proxy.name} {vintage.when}")
    low = float(levels["value_yuan"].max())
    # The saturation prior reaches a high quantile of the ceiling (a dated assumption).
    q = vintage.assumption("ceiling_saturation_quantile").value
    # The upper end must lie above the lower one for the range to be a range.
    high = max(float(np.quantile(ceiling, q)), np.nextafter(low, np.inf) * (1 + 1e-6))
    return (low, high)


def goal_forecast(
    goal: Goal, proxy: Proxy, vintage: Vintage, n: int = 4000, seed: int = 0
) -> Forecast:
    """The forecast of ``proxy`` the assessment of ``goal`` uses (its ceiling's saturation too).

    Pages that draw a goal's proxy use this, so the chart and the probability come from the
    same model; ``n`` and ``seed`` should be the assessment's (they draw the ceiling).
    """
    return Forecast(proxy, vintage, _saturation(goal, proxy, vintage, n, seed))


def _ceiling_frame(goal: Goal, vintage: Vintage, n: int, seed: int) -> pd.DataFrame | None:
    if goal.ceiling is None or goal.kind != "aggregate" or goal.currency != "CNY":
        return None
    _, end, _ = _deadline(goal)
    rows = []
    for k, ref in enumerate((goal.ceiling.series, *goal.ceiling.also)):
        try:
            s = ceiling_samples(ref, vintage, end.year, n, seed)
        except ForecastError:
            continue
        share = goal.threshold / s
        forecast = np.ptp(s) > 0
        rows.append(
            {
                "denominator": f"{vintage.ref_name(ref)} {end.year}"
                + (" (forecast)" if forecast else ""),
                "median_share": float(np.median(share)),
                "lo_80": float(np.quantile(share, 0.1)) if k == 0 else np.nan,
                "hi_80": float(np.quantile(share, 0.9)) if k == 0 else np.nan,
            }
        )
    if goal.ceiling.largest_share_of is not None:
        largest = _largest_share(goal.ceiling.largest_share_of, goal.ceiling.series, vintage)
        if np.isfinite(largest):
            rows.append(
                {
                    "denominator": f"largest share of {vintage.ref_name(goal.ceiling.series)} "
                    f"held by {vintage.ref_name(goal.ceiling.largest_share_of)} in any year",
                    "median_share": largest,
                    "lo_80": np.nan,
                    "hi_80": np.nan,
                }
            )
    return pd.DataFrame(rows) if rows else None


def _largest_share(channel: SeriesRef, whole: SeriesRef, vintage: Vintage) -> float:
    """Largest share of ``whole`` that ``channel`` held in any year both published.

    A twelve-month channel total (e.g. a fiscal year from April) is set against
    the calendar year it mostly covers.
    """
    ch = level_rows(rows_for(channel, vintage))
    wh = level_rows(rows_for(whole, vintage))
    wh = wh[
        (wh["period_start"].dt.day_of_year == 1)
        & (wh["period_end"] == wh["period_start"] + pd.offsets.YearEnd(0))
    ]
    by_year = wh.groupby(wh["period_start"].dt.year)["value_yuan"].median()
    twelve = ch[(ch["period_end"] - ch["period_start"]).dt.days.between(360, 370)]
    shares = []
    for r in twelve.itertuples():
        mid = r.period_start + (r.period_end - r.period_start) / 2
        if mid.year in by_year.index:
            shares.append(r.value_yuan / by_year.loc[mid.year])
    return float(max(shares)) if shares else np.nan


@lru_cache(maxsize=64)
def _aggregate(goal: Goal, vintage: Vintage, n: int, seed: int) -> dict:
    """Forecast an aggregate or growth goal on each of its proxies (see the module docstring)."""
    _, _, mid = _deadline(goal)
    proxies = goal.proxies or (own_proxy(goal),)
    table, samples, mets, rows_used, forecasts, first_error = [], {}, {}, [], {}, None
    for proxy in proxies:
        try:
            fc = goal_forecast(goal, proxy, vintage, n, seed)
            values, met = measure(goal, fc, vintage, n, seed)
            method = fc.method
            if goal.kind == "aggregate" and fc.currency != goal.currency:
                start, end, _ = _deadline(goal)
                _, how = currency.convert(
                    np.ones(1), fc.currency, goal.currency, vintage, start, end, seed
                )
                method = f"{method}; {how}"
        except ForecastError as exc:
            first_error = first_error or exc
            table.append(_not_forecast(proxy.name, exc))
            continue
        table.append(_summary(proxy.name, method, values, goal, met))
        samples[proxy.name], mets[proxy.name] = values, met
        rows_used.append(fc.rows)
        forecasts[proxy.name] = fc
    if not samples:
        message = str(first_error)
        if not message.startswith("no forecast"):
            message = f"no forecast {vintage.when}: {message}"
        raise ForecastError(message)
    table = pd.DataFrame(table)
    headline = next(p for p in table["proxy"] if p in samples)
    head_proxy = next(p for p in proxies if p.name == headline)
    growth = {"category": "not computable", "ratio": np.nan, "required": np.nan}
    fc = forecasts[headline]
    # Growth required of a proxy that only bounds the goal's quantity (a part of it) would
    # compare the part with the whole's threshold: not computed.
    bounded = head_proxy.stands_for != "equal"
    if goal.kind == "aggregate" and goal.judged_on == "total" and not bounded:
        levels = _annual_levels(fc.rows) if len(fc.drivers) == 1 else pd.Series(dtype=float)
        growth = _growth(levels, goal.threshold, mid)
        rng = np.random.default_rng(seed)
        noise = FitNoise.from_assumptions(vintage)
        growth = _growth_interval(growth, fc.rows, goal.threshold, mid, n, rng, noise)
    return {
        "proxies": table,
        "samples": samples[headline],
        "met": mets[headline],
        "all_samples": samples,
        "growth": growth,
        "ceiling": _ceiling_frame(goal, vintage, n, seed),
        "rows_used": pd.concat(rows_used, ignore_index=True),
        "headline": headline,
        "forecast": fc,
        "bound": head_proxy.stands_for if head_proxy.stands_for != "equal" else None,
    }
