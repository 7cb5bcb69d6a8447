"""The count model on real outcomes: published counts, each forecast from what came before.

A count goal's probability rests on the size model (:mod:`targets.counts`). Its
simulated benchmarks (``benchmarks/bench_counts_families.py``) test it on families it
does not fit; this module tests it on counts that were published. The entries of
``count_record.yaml`` (first data folder holding one) are count questions in the goal
file's format, each announced the day before its period, so the model sees only rows
published by then. The published count is read from the entry's own ``role:
population`` size series over exactly the entry's period and threshold.

Each entry is scored against the strongest simple baseline: the last published count
of the same series and threshold, grown with the forecast GMV of the period over the
GMV of the last count's period (counts move with sales). Both are scored by the CRPS
(in entities; lower is better) and by whether the count lies inside the 80% interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.assess.series import realized
from targets.counts.goal import count_result
from targets.engine.metrics import crps_samples
from targets.sources.goals import Goal
from targets.sources.units import parse_unit
from targets.sources.vintage import Vintage

__all__ = ["RECORD_COLUMNS", "RECORD_FILE", "count_record"]

#: The file of count questions, in a data folder.
RECORD_FILE = "count_record.yaml"

#: Columns of :func:`count_record`, one row per published count forecast.
RECORD_COLUMNS = [
    "id",
    "name",
    "as_of",
    "period",
    "fitted_rows",
    "median",
    "lo_80",
    "hi_80",
    "probability",
    "threshold",
    "published",
    "met",
    "inside_80",
    "crps",
    "baseline_median",
    "baseline_lo_80",
    "baseline_hi_80",
    "baseline_inside_80",
    "baseline_crps",
    "baseline_from",
    "method",
]


def record_vintage(vintage: Vintage) -> Vintage | None:
    """The vintage with the first data folder's ``count_record.yaml`` as its goals."""
    for folder in vintage.folders:
        if (folder / RECORD_FILE).is_file():
            return vintage.with_goals(folder / RECORD_FILE)
    return None


def count_record(vintage: Vintage, n_samples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Every entry of the count record whose count is published in ``vintage``.

    Parameters
    ----------
    vintage : Vintage
        What is known: an entry whose count was not yet published by its date is left
        out (an earlier date shows a shorter record, never a forecast made later).
    n_samples : int
        Draws of the model's forecast.
    seed : int

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECORD_COLUMNS`: the model's median and 80% interval of the
        count (entities), its probability that the entry's question is met, the
        published count, CRPS (entities) and the baseline's, and where the baseline
        started (``baseline_from``: the last count and its period). Empty when no folder
        holds a count record.
    """
    record = record_vintage(vintage)
    if record is None:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    out = []
    for goal in record.goals:
        actual = published_count(goal, vintage)
        if actual is None:
            continue
        then = record.latest.at(goal.announced)
        result = count_result(goal, then, n_samples, seed)
        counts = np.asarray(result["samples"], dtype=float)
        lo, med, hi = np.quantile(counts, [0.1, 0.5, 0.9])
        base, since = _baseline(goal, then, np.asarray(result["gmv"], dtype=float))
        b_lo, b_med, b_hi = (
            np.quantile(base, [0.1, 0.5, 0.9]) if base is not None else (np.nan,) * 3
        )
        out.append(
            {
                "id": goal.id,
                "name": goal.name or goal.id,
                "as_of": pd.Timestamp(goal.announced),
                "period": f"{goal.deadline_start} to {goal.deadline_end}",
                "fitted_rows": result["detail"].fitted_rows,
                "median": float(med),
                "lo_80": float(lo),
                "hi_80": float(hi),
                "probability": float(np.mean(goal.met(counts))),
                "threshold": float(goal.threshold),
                "published": actual,
                "met": bool(goal.met(np.array([actual]))[0]),
                "inside_80": bool(lo <= actual <= hi),
                "crps": crps_samples(actual, counts),
                "baseline_median": float(b_med),
                "baseline_lo_80": float(b_lo),
                "baseline_hi_80": float(b_hi),
                "baseline_inside_80": bool(b_lo <= actual <= b_hi) if base is not None else None,
                "baseline_crps": crps_samples(actual, base) if base is not None else np.nan,
                "baseline_from": since,
                "method": result["method"],
            }
        )
    return pd.DataFrame(out, columns=RECORD_COLUMNS)


def _own_rows(goal: Goal, vintage: Vintage) -> pd.DataFrame:
    """Rows of the entry's own population series at its threshold (all periods)."""
    spec = goal.count_spec
    if spec is None:
        return pd.DataFrame()
    own = [e.series for e in spec.evidence if e.role == "population"]
    size = vintage.size_rows()
    rows = size[
        size["series_id"].isin(own) & (size["unit"] == "count") & (size["kind"] == "actual")
    ]
    if rows.empty:
        return rows
    threshold = [
        float(v) * parse_unit(str(u)).factor if str(u) not in ("", "nan", "None") else np.nan
        for v, u in zip(rows["threshold_value"], rows["threshold_unit"], strict=True)
    ]
    same = np.isclose(np.asarray(threshold, dtype=float), float(goal.entity_threshold))
    return rows[same & rows["qualifier"].isin(["exact", "approx"])]


def published_count(goal: Goal, vintage: Vintage) -> float | None:
    """The entry's count over exactly its period, as published in ``vintage`` (the median of
    the sources; ``None`` if not published)."""
    rows = _own_rows(goal, vintage)
    if rows.empty:
        return None
    hit = rows[
        (rows["period_start"] == pd.Timestamp(goal.deadline_start))
        & (rows["period_end"] == pd.Timestamp(goal.deadline_end))
    ]
    return float(np.median(hit["value"].astype(float))) if len(hit) else None


def _baseline(goal: Goal, then: Vintage, gmv: np.ndarray) -> tuple[np.ndarray | None, str]:
    """The last published count grown with the GMV forecast: samples, and where it started."""
    rows = _own_rows(goal, then)
    if rows.empty:
        return None, ""
    last_end = rows["period_end"].max()
    last = rows[rows["period_end"] == last_end]
    start = last["period_start"].iloc[0]
    count = float(np.median(last["value"].astype(float)))
    gmv_then = realized((goal.series,), "pooled", start, last_end, then, None)
    if gmv_then is None or not np.isfinite(gmv_then) or gmv_then <= 0:
        return None, ""
    since = f"{count:,.0f} ({start.date()} to {last_end.date()})"
    return count * gmv / gmv_then, since
