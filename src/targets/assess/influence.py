"""Which single published row a verdict hangs on: leave-one-row-out influence.

For an aggregate or growth goal, each row its headline forecast stands on is
left out in turn, the forecast is refitted on the rest (with the same method
family, :func:`targets.drivers.series_driver`, on the rows published by the
as-of date) and the probability recomputed with the same random numbers. The
rows whose removal moves the probability most are returned. It is kept cheap:
few samples, and only the rows the goal's driver uses (levels and growth
multiples, the latest published first, at most ``max_rows``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets import drivers, goals
from targets.assess.aggregate import _saturation, measure
from targets.assess.base import _as_of
from targets.assess.series import Forecast, own_proxy, rows_for
from targets.errors import ForecastError
from targets.goals import Goal
from targets.units import parse_unit

COLUMNS = ["row", "dataset", "line", "published", "probability", "without", "change"]


def _label(r: pd.Series) -> str:
    period = f"{r['period_start'].date()} to {r['period_end'].date()}"
    value = f"{r['value']:g} {r['unit']}"
    if r["kind"] == "growth_multiple":
        value = f"{r['value']:g} {parse_unit(r['unit']).name} against {r['base_start'].date()}"
    source = f"{r['publisher']}, published {r['published'].date()}"
    return f"{r['series_id']} {period}: {value} ({source})"


def _probability(goal: Goal, proxy, parts_rows, as_of, saturation, n, seed) -> float:
    built = [drivers.series_driver(proxy.name, rows, as_of, saturation) for rows in parts_rows]
    fc = Forecast(proxy, as_of, built=built)
    if goal.kind == "aggregate" and fc.currency != goal.currency:
        raise ForecastError("currency mismatch")
    _, met = measure(goal, fc, as_of, n, seed)
    return float(np.mean(met))


def influence(
    goal_id: str,
    as_of=None,
    *,
    top: int = 3,
    n_samples: int = 400,
    seed: int = 0,
    max_rows: int = 12,
) -> pd.DataFrame:
    """The published rows whose removal moves the goal's probability most.

    Parameters
    ----------
    goal_id : str
    as_of : date-like, optional
    top : int
        Rows returned.
    n_samples : int
        Monte Carlo samples per refit (small: the differences are what matter).
    seed : int
    max_rows : int
        Rows tried (the latest published first); a bound on the cost.

    Returns
    -------
    pandas.DataFrame
        ``row`` (the figure in words), ``dataset``, ``line`` (its line in the
        CSV file), ``published``, ``probability`` (with every row), ``without``
        (with this row left out) and ``change`` (``without - probability``),
        largest absolute change first. Empty for count goals and for goals with
        no forecast at ``as_of``.
    """
    goal = goals.get(goal_id)
    cutoff = _as_of(as_of)
    if goal.kind == "count":
        return pd.DataFrame(columns=COLUMNS)
    # The headline: the first proxy that can be forecast at this date.
    for proxy in goal.proxies or (own_proxy(goal),):
        parts = [proxy.parts] if proxy.how == "pooled" else [(r,) for r in proxy.parts]
        parts_rows = [
            pd.concat([rows_for(r, cutoff) for r in refs], ignore_index=True) for refs in parts
        ]
        try:
            saturation = _saturation(goal, proxy, cutoff, n_samples, seed)
            base = _probability(goal, proxy, parts_rows, cutoff, saturation, n_samples, seed)
            break
        except ForecastError:
            continue
    else:
        return pd.DataFrame(columns=COLUMNS)
    candidates = []
    for k, rows in enumerate(parts_rows):
        used = rows[
            rows["kind"].isin(["actual", "estimate", "growth_multiple"])
            & (rows["value_yuan"].notna() | rows["value_usd"].notna() | rows["ratio"].notna())
        ]
        candidates += [(k, idx) for idx in used.sort_values("published").index]
    candidates = sorted(
        candidates, key=lambda c: parts_rows[c[0]].loc[c[1], "published"], reverse=True
    )[:max_rows]
    out = []
    for k, idx in candidates:
        trial = [rows.drop(index=idx) if j == k else rows for j, rows in enumerate(parts_rows)]
        try:
            without = _probability(goal, proxy, trial, cutoff, saturation, n_samples, seed)
        except ForecastError:
            without = np.nan  # the rest of the rows support no forecast
        r = parts_rows[k].loc[idx]
        out.append(
            {
                "row": _label(r),
                "dataset": r["dataset"],
                "line": int(r["row"]),
                "published": r["published"],
                "probability": base,
                "without": without,
                "change": without - base,
            }
        )
    frame = pd.DataFrame(out, columns=COLUMNS)
    order = frame["change"].abs().fillna(np.inf).sort_values(ascending=False, kind="stable")
    return frame.loc[order.index].head(top).reset_index(drop=True)
