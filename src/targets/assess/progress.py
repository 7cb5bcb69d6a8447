"""Growth required against growth achieved: the Open SDG progress ratio, with an interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.errors import TargetsError
from targets.sources.observations import level_rows

#: Open SDG / Statistics Canada progress categories for achieved / required growth.
PROGRESS: tuple[tuple[float, str], ...] = (
    (0.95, "on track"),
    (0.6, "acceleration needed"),
    (0.0, "limited progress"),
    (-np.inf, "deterioration"),
)


def progress_category(ratio: float) -> str:
    """Open SDG progress category of achieved / required growth."""
    if not np.isfinite(ratio):
        return "not computable"
    return next(label for cut, label in PROGRESS if ratio >= cut)


def required_growth(current: float, target: float, years: float) -> float:
    """Compound annual growth needed to go from ``current`` to ``target`` in ``years``.

    Examples
    --------
    >>> round(required_growth(100.0, 121.0, 2.0), 10)
    0.1
    """
    if current <= 0 or target <= 0 or years <= 0:
        raise TargetsError("required growth needs positive levels and a positive horizon")
    return float((target / current) ** (1.0 / years) - 1.0)


def one_measure(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one measure, so that growth compares like with like.

    Rows whose ``definition`` says they cover something else (a closed loop before
    third-party links were cut, product cards) are another quantity: where the rows mix
    definitions, only those with none (the series' own measure) are kept; rows that all
    share one definition are kept whole.
    """
    if "definition" not in rows or rows.empty:
        return rows
    definition = rows["definition"].fillna("").astype(str).str.strip()
    if definition.nunique() <= 1:
        return rows
    return rows[definition == ""]


def _annual_levels(rows: pd.DataFrame) -> pd.Series:
    """Median of the published calendar-year levels per year (for growth rates), of one
    measure (:func:`one_measure`)."""
    lv = level_rows(one_measure(rows))
    full = lv[
        (lv["period_start"].dt.day_of_year == 1)
        & (lv["period_end"] == lv["period_start"] + pd.offsets.YearEnd(0))
    ]
    return full.groupby(full["period_start"].dt.year)["value_yuan"].median()


def _growth(levels: pd.Series, target: float, deadline_mid: pd.Timestamp) -> dict:
    out = {
        "current_year": np.nan,
        "current": np.nan,
        "previous": np.nan,
        "achieved": np.nan,
        "required": np.nan,
        "ratio": np.nan,
        "category": "not computable",
    }
    # Progress is judged from the last full year before the goal's deadline year
    # (afterwards the question is hindsight, not progress).
    levels = levels[levels.index < deadline_mid.year]
    if levels.empty:
        return out
    year = int(levels.index.max())
    current = float(levels.loc[year])
    years = (deadline_mid - pd.Timestamp(year=year, month=7, day=1)).days / 365.25
    out.update(current_year=year, current=current)
    if years > 0:
        out["required"] = required_growth(current, target, years)
    if year - 1 in levels.index:
        out["previous"] = float(levels.loc[year - 1])
        out["achieved"] = current / out["previous"] - 1.0
    if np.isfinite(out["achieved"]) and np.isfinite(out["required"]) and out["required"] != 0:
        out["ratio"] = out["achieved"] / out["required"]
    out["category"] = progress_category(out["ratio"])
    return out


def _growth_interval(
    growth: dict, levels_rows: pd.DataFrame, target: float, deadline_mid, n, rng, noise
) -> dict:
    """Interval of the progress ratio from the noise of the published levels.

    The two latest annual levels are each drawn log-normally around their
    published value with the noise scale of their status (several sources:
    one drawn at random per sample; ``noise`` is the
    :class:`~targets.engine.curvefit.FitNoise` in force); required and achieved
    growth, and their ratio, are computed per draw.
    """
    year = growth["current_year"]
    if not (np.isfinite(growth.get("ratio", np.nan)) and np.isfinite(year)):
        return growth | {"ratio_lo_80": np.nan, "ratio_hi_80": np.nan}
    lv = level_rows(levels_rows)

    def draw(y: int) -> np.ndarray:
        sub = lv[
            (lv["period_start"].dt.year == y)
            & (lv["period_end"] == lv["period_start"] + pd.offsets.YearEnd(0))
        ]
        pick = rng.integers(0, len(sub), size=n)
        sigma = np.where(sub["status"].to_numpy() == "official", noise.official, noise.reported)[
            pick
        ]
        return sub["value_yuan"].to_numpy()[pick] * np.exp(rng.normal(0, 1, n) * sigma)

    cur, prev = draw(int(year)), draw(int(year) - 1)
    years = (deadline_mid - pd.Timestamp(year=int(year), month=7, day=1)).days / 365.25
    required = (target / cur) ** (1 / years) - 1
    ratio = (cur / prev - 1) / required
    lo, hi = np.quantile(ratio, [0.1, 0.9])
    return growth | {"ratio_lo_80": float(lo), "ratio_hi_80": float(hi)}
