"""What the report pages share: which series each goal is judged on, fans, anchors.

The notebooks tell the story; this module does the work they would otherwise
repeat. Everything is driven by the goal registry of a vintage: no page names a
goal, a series or a company.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from targets.assess.series import Forecast, own_proxy, realized
from targets.errors import ForecastError
from targets.sources.goals import Goal, Proxy
from targets.sources.observations import level_rows
from targets.sources.vintage import Vintage


def goal_proxies(goal: Goal, vintage: Vintage | None = None) -> tuple[Proxy, ...]:
    """The quantities a goal is judged on: its declared proxies, else its own series.

    A count goal is judged on its entities' sales, which share its series' total:
    the quantity shown is that series (named from the vintage's series dictionary).
    """
    if goal.kind == "count":
        name = vintage.ref_name(goal.series) if vintage is not None else goal.series_id
        return (Proxy(name, (goal.series,)),)
    return goal.proxies or (own_proxy(goal),)


@dataclass(frozen=True)
class SeriesView:
    """One quantity the goals are judged on, with the goals that use it.

    Attributes
    ----------
    proxy : Proxy
    goals : tuple of Goal
        The goals judged on it (count goals: the series whose total their
        entities share).
    last_year : int
        The latest deadline year among them.
    """

    proxy: Proxy
    goals: tuple[Goal, ...]
    last_year: int

    @property
    def name(self) -> str:
        """The quantity's name as the goal file gives it."""
        return self.proxy.name


def series_views(vintage: Vintage) -> list[SeriesView]:
    """The distinct quantities the registry's goals are judged on, in goal order."""
    found: dict[tuple, tuple[Proxy, list[Goal]]] = {}
    for goal in vintage.goals:
        for proxy in goal_proxies(goal, vintage):
            key = (proxy.how, proxy.parts)
            found.setdefault(key, (proxy, []))[1].append(goal)
    return [
        SeriesView(proxy, tuple(gs), max(pd.Timestamp(g.deadline_end).year for g in gs))
        for proxy, gs in found.values()
    ]


def observed_annual(rows: pd.DataFrame) -> pd.DataFrame:
    """Published calendar-year levels of the rows as ``ds, y`` (every source's figure)."""
    lv = level_rows(rows)
    whole = lv[
        (lv["period_start"].dt.month == 1)
        & (lv["period_start"].dt.day == 1)
        & (lv["period_end"] == lv["period_start"] + pd.offsets.YearEnd(0))
    ]
    return whole.rename(columns={"period_start": "ds", "value_yuan": "y"})[["ds", "y"]]


def observed_totals(fc: Forecast, vintage: Vintage) -> pd.DataFrame:
    """Published calendar-year levels of what a forecast forecasts, as ``ds, y``.

    A proxy that sums several parts is drawn against the sum of its parts' figures, only for
    the years where every part has one (:func:`targets.assess.series.realized`); the parts'
    own figures are not totals of the same quantity. Other proxies: every source's figure.
    """
    if fc.proxy.how != "sum" or len(fc.proxy.parts) < 2:
        return observed_annual(fc.rows)
    years = sorted(set(observed_annual(fc.rows)["ds"].dt.year))
    sums = []
    for year in years:
        start = pd.Timestamp(year=year, month=1, day=1)
        total = realized(
            fc.proxy.parts, "sum", start, start + pd.offsets.YearEnd(0), vintage, fc.currency
        )
        if total is not None:
            sums.append({"ds": start, "y": total})
    return pd.DataFrame(sums, columns=["ds", "y"])


def annual_fan(
    fc: Forecast, first_year: int, last_year: int, n: int = 2000, seed: int = 0
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Calendar-year totals of a forecast from ``first_year`` up to ``last_year``.

    Returns
    -------
    (DatetimeIndex, numpy.ndarray)
        Year starts and samples ``(n, years)``; every year is drawn with the same
        random numbers (common random numbers), as the assessments do. The years
        stop before the first one the method cannot forecast (e.g. past the end
        of the reference class); none at all gives an empty index.
    """
    starts = pd.date_range(f"{first_year}-01-01", f"{last_year}-01-01", freq="YS")
    columns = []
    for s in starts:
        try:
            columns.append(fc.totals(s, s + pd.offsets.YearEnd(0), n, seed))
        except ForecastError:
            break
    kept = starts[: len(columns)]
    return kept, (np.column_stack(columns) if columns else np.empty((n, 0)))


def anchor(goal: Goal) -> str:
    """An HTML anchor for a goal's section (its id is checked to be safe in a page)."""
    return f'<a id="goal-{goal.id}"></a>'
