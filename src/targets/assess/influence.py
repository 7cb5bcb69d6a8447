"""Which single published row a verdict hangs on: leave-one-row-out influence.

For an aggregate or growth goal, each row its headline forecast stands on is
left out in turn, the headline forecast is refitted on the rest by the very
method the assessment used (:class:`targets.assess.series.Forecast`, with the
goal's own model where it has one, on the rows published by the as-of date) and
the probability recomputed with the same random numbers. With every row kept,
this is the assessment's own probability (same samples and seed), so the table
and the scorecard show one number. The rows whose removal moves the probability
most are returned; only the rows the headline's drivers use are tried (levels and
growth multiples, the latest published first, at most ``max_rows``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.assess.aggregate import _saturation, measure
from targets.assess.series import Forecast, own_proxy
from targets.errors import ForecastError
from targets.sources.goals import Goal
from targets.sources.units import parse_unit
from targets.sources.vintage import Vintage

COLUMNS = ["row", "dataset", "line", "published", "probability", "without", "change"]


def _label(r: pd.Series, vintage: Vintage) -> str:
    """A published row in reader words: the series' name, the period, the figure in
    ``¥`` with B/T (or its unit), and the source."""
    from targets.formatting import code, usd, yuan

    period = f"{r['period_start'].date()} to {r['period_end'].date()}"
    if r["kind"] == "growth_multiple":
        unit = parse_unit(r["unit"]).name
        shown = {"multiple": "×", "percent_growth": "% growth"}.get(unit, f" {unit}")
        base = f"{r['base_start'].date()} to {r['base_end'].date()}"
        value = f"{r['value']:g}{shown} against {base}"
    elif parse_unit(str(r["unit"])).currency == "USD":  # in dollars, never converted
        value = usd(float(r["value"]) * parse_unit(str(r["unit"])).factor)
    elif pd.notna(r.get("value_yuan")):
        value = yuan(float(r["value_yuan"]))
    else:
        value = f"{r['value']:g} {r['unit']}"
    if r.get("qualifier") in ("more_than", "approx"):
        value = f"{code(r['qualifier'])} {value}"
    source = f"{r['publisher']}, published {r['published'].date()}"
    name = vintage.series_name(str(r["dataset"]), str(r["series_id"]))
    definition = r.get("definition")
    if isinstance(definition, str) and definition.strip():
        name = f"{name} ({code(definition)})"
    return f"{name}, {period}: {value} ({source})"


def _probability(goal: Goal, fc: Forecast, vintage: Vintage, n: int, seed: int) -> float:
    _, met = measure(goal, fc, vintage, n, seed)
    return float(np.mean(met))


def influence(
    goal: Goal,
    vintage: Vintage,
    *,
    top: int = 3,
    n_samples: int = 4000,
    seed: int = 0,
    max_rows: int = 12,
) -> pd.DataFrame:
    """The published rows whose removal moves the goal's probability most.

    Parameters
    ----------
    goal : Goal
    vintage : Vintage
        The rows published by its date (the assessment's vintage).
    top : int
        Rows returned.
    n_samples : int
        Monte Carlo samples per refit; with the scorecard's number (4000) and
        ``seed``, ``probability`` is the scorecard's probability.
    seed : int
    max_rows : int
        Rows tried (the latest published first); a bound on the cost.

    Returns
    -------
    pandas.DataFrame
        ``row`` (the figure in words), ``dataset``, ``line`` (its line in the
        CSV file), ``published``, ``probability`` (with every row), ``without``
        (with this row left out; NaN when the rest support no forecast) and
        ``change`` (``without - probability``), largest absolute change first.
        Empty for count goals and for goals with no forecast in the vintage.
    """
    if goal.kind == "count":
        return pd.DataFrame(columns=COLUMNS)
    # The headline: the first proxy that can be forecast at this date (as the assessment).
    for proxy in goal.proxies or (own_proxy(goal),):
        try:
            saturation = _saturation(goal, proxy, vintage, n_samples, seed)
            fc = Forecast(proxy, vintage, saturation)
            rows = pd.concat(
                [d.rows if d.fitted is None else d.fitted for d in fc.drivers], ignore_index=True
            )
            base = _probability(goal, fc, vintage, n_samples, seed)
            break
        except ForecastError:
            continue
    else:
        return pd.DataFrame(columns=COLUMNS)
    used = rows[
        rows["kind"].isin(["actual", "estimate", "growth_multiple"])
        & (rows["value_yuan"].notna() | rows["value_usd"].notna() | rows["ratio"].notna())
    ].drop_duplicates(subset=["dataset", "row"])
    used = used.sort_values(["published", "dataset", "row"], ascending=False, kind="stable")
    out = []
    for _, r in used.head(max_rows).iterrows():
        drop = frozenset({(str(r["dataset"]), int(r["row"]))})
        try:
            trial = Forecast(proxy, vintage, saturation, drop)
            without = _probability(goal, trial, vintage, n_samples, seed)
        except ForecastError:
            without = np.nan  # the rest of the rows support no forecast
        out.append(
            {
                "row": _label(r, vintage),
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
