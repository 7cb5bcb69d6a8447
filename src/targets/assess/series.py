"""The rows and forecasts of the series a goal names, and what they later showed.

Everything here is keyed by a :class:`targets.sources.goals.SeriesRef` (a data set, a
series and optional row filters), never by a goal id: the goal file says what a
goal is judged on, this module only knows how to read and forecast a series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.errors import ForecastError
from targets.growth import drivers
from targets.sources.goals import Goal, Proxy, SeriesRef
from targets.sources.observations import level_rows
from targets.sources.vintage import Vintage

#: Published rows left out, as ``(dataset, line in its CSV file)`` pairs (influence).
Dropped = frozenset[tuple[str, int]]


def _lines(drop: Dropped, dataset: str) -> tuple[int, ...]:
    return tuple(sorted(line for name, line in drop if name == dataset))


def rows_for(ref: SeriesRef, vintage: Vintage, drop: Dropped = frozenset()) -> pd.DataFrame:
    """Rows of one series in the vintage (the reference's filters applied; a series with a
    model of its own gives the rows of the measure that model forecasts), without ``drop``."""
    model = drivers.series_model(vintage, ref)
    if model is not None and drivers.regime_usable(vintage, model):
        rows = drivers.regime_rows(vintage, model)
    else:
        rows = vintage.series(ref)
    return rows[~rows["row"].isin(_lines(drop, ref.dataset))]


def _no_levels(name: str, refs, vintage: Vintage) -> ForecastError:
    series = vintage.ref_name(refs[0]) if len(refs) == 1 else f"any of its {len(refs)} series"
    named = name if series == name else f"{name} ({series})"
    return ForecastError(f"no forecast: no published level of {named} {vintage.when}")


def part_driver(
    ref: SeriesRef,
    vintage: Vintage,
    saturation: tuple[float, float] | None = None,
    name: str | None = None,
    drop: Dropped = frozenset(),
) -> drivers.Driver:
    """The forecast of one series (its own model where the goal file gives one), fitted
    without the rows in ``drop``."""
    rows = rows_for(ref, vintage, drop)
    model = drivers.series_model(vintage, ref)
    own_model = model is not None and saturation is None and drivers.regime_usable(vintage, model)
    if (
        not own_model
        and level_rows(_own(rows)).empty
        and not rows["kind"].eq("growth_multiple").any()
    ):
        raise _no_levels(name or vintage.ref_name(ref), [ref], vintage)
    return drivers.driver_for(
        vintage, ref, name=name, saturation=saturation, without=_lines(drop, ref.dataset)
    )


def _own(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with their amounts in their own currency in ``value_yuan`` (never converted)."""
    if rows.empty:
        return rows
    own, _ = drivers.in_own_currency(rows)
    return own


class Forecast:
    """Sample totals of a proxy (pooled parts in one driver, or several drivers summed)."""

    def __init__(
        self,
        proxy: Proxy,
        vintage: Vintage,
        saturation: tuple[float, float] | None = None,
        drop: Dropped = frozenset(),
    ):
        self.proxy = proxy
        if proxy.how == "pooled":
            if len(proxy.parts) == 1:
                self.drivers = [part_driver(proxy.parts[0], vintage, saturation, proxy.name, drop)]
            else:
                rows = pd.concat(
                    [rows_for(r, vintage, drop) for r in proxy.parts], ignore_index=True
                )
                if level_rows(_own(rows)).empty:
                    raise _no_levels(proxy.name, proxy.parts, vintage)
                self.drivers = [drivers.series_driver(proxy.name, rows, vintage, saturation)]
        else:
            self.drivers = [part_driver(r, vintage, drop=drop) for r in proxy.parts]
        currencies = {d.currency for d in self.drivers}
        if len(currencies) > 1:
            raise ForecastError(
                f"{proxy.name}: its parts are in {' and '.join(sorted(currencies))}; "
                "amounts are never converted"
            )
        self.currency = currencies.pop()
        self.method = "; ".join(d.method for d in self.drivers)
        self.rows = pd.concat([d.rows for d in self.drivers], ignore_index=True)

    def totals(self, start, end, n: int, seed: int) -> np.ndarray:
        """Sample totals over ``[start, end]``.

        Each part draws from its own generator seeded with ``(seed, part)``, so
        the same call for another interval reuses the same random numbers
        (common random numbers): the samples of two intervals then come from
        the same sample paths, which is what a total over each year of a
        multi-year deadline, or a growth multiple, needs.
        """
        out = np.zeros(n)
        for k, d in enumerate(self.drivers):
            out = out + d.totals(start, end, n, np.random.default_rng([seed, k]))
        return out


def realized(
    parts: tuple[SeriesRef, ...], how: str, start, end, vintage: Vintage, currency: str | None
) -> float | None:
    """The published total over exactly ``[start, end]`` (median of sources), or None.

    ``pooled`` parts: the median of every part's levels for the interval;
    ``sum``: the sum of each part's median (None unless every part has one).
    """
    values = []
    for ref in parts:
        rows = _own(rows_for(ref, vintage))
        lv = level_rows(rows)
        hit = lv[
            (lv["period_start"] == pd.Timestamp(start)) & (lv["period_end"] == pd.Timestamp(end))
        ]
        if currency is not None and not hit.empty and "currency" in hit:
            hit = hit[hit["currency"].fillna(currency) == currency]
        values.append(hit["value_yuan"].to_numpy())
    if how == "sum":
        if any(len(v) == 0 for v in values):
            return None
        return float(sum(np.median(v) for v in values))
    pooled = np.concatenate(values) if values else np.array([])
    return float(np.median(pooled)) if len(pooled) else None


def lower_bound(parts, start, end, vintage: Vintage) -> float | None:
    """The largest published "more than" bound over exactly ``[start, end]`` (one series)."""
    best = None
    for ref in parts:
        rows = _own(rows_for(ref, vintage))
        hit = rows[
            rows["kind"].isin(["actual", "estimate"])
            & rows["qualifier"].eq("more_than")
            & (rows["period_start"] == pd.Timestamp(start))
            & (rows["period_end"] == pd.Timestamp(end))
            & rows["value_yuan"].notna()
        ]
        if not hit.empty:
            v = float(hit["value_yuan"].max())
            best = v if best is None else max(best, v)
    return best


def own_proxy(goal: Goal) -> Proxy:
    """The goal's own series as a proxy (used when the goal declares none)."""
    return Proxy(goal.metric if len(goal.metric) <= 60 else str(goal.series), (goal.series,))
