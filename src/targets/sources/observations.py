"""Interval totals to the rows a model fits, and exact conversion to regular series.

Published figures are totals over intervals: calendar years, fiscal years,
quarters, trailing twelve months, year-to-date. Where it is exact, this module
turns them into a regular series in the ``unique_id, ds, y`` convention that
Prophet and statsforecast use (``ds`` is the period start, ``y`` the total over
the period in yuan), so a frame can be handed to them without renaming:

* calendar years from rows covering exactly 1 January to 31 December;
* calendar quarters from rows covering exactly one quarter;
* months or quarters from the difference of two year-to-date totals of the same
  year (e.g. Jan–Jun minus Jan–Mar gives Q2);
* a calendar year from the sum of its four quarters when no annual row exists.

Nothing else is interpolated. Only money rows of kind ``actual`` or ``estimate``
with qualifier ``exact`` or ``approx`` enter; bounds ("over ¥800B") and
forecasts do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from targets.errors import DataError, check_choice

if TYPE_CHECKING:
    from targets.sources.vintage import Vintage

Freq = Literal["YS", "QS", "MS"]
FREQS: tuple[str, ...] = ("YS", "QS", "MS")
Pick = Literal["official_latest", "latest"]

REGULAR_COLUMNS = ["unique_id", "ds", "y", "method", "rows", "n_sources"]


def level_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Keep the rows that state a level in yuan that can be used as a data point.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows from :func:`targets.sources.data.load`.

    Returns
    -------
    pandas.DataFrame
        Money rows in yuan of kind actual or estimate whose qualifier is exact
        or approx.
    """
    keep = (
        df["kind"].isin(["actual", "estimate"])
        & df["qualifier"].isin(["exact", "approx"])
        & df["value_yuan"].notna()
    )
    return df[keep]


def _period_label(start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """Name the calendar span [start, end] covers exactly, or None."""
    if start.day != 1:
        return None
    next_day = end + pd.Timedelta(days=1)
    if next_day.day != 1:
        return None
    months = (next_day.year - start.year) * 12 + next_day.month - start.month
    if months == 12 and start.month == 1:
        return "YS"
    if months == 3 and start.month in (1, 4, 7, 10):
        return "QS"
    if months == 1:
        return "MS"
    if start.month == 1 and months < 12:
        return "YTD"
    return None


def _pick(group: pd.DataFrame, pick: Pick) -> pd.Series:
    order = ["published", "row"]
    if pick == "official_latest":
        ranked = group.assign(_official=(group["status"] == "official").astype(int))
        return ranked.sort_values(["_official", *order], kind="stable").iloc[-1]
    return group.sort_values(order, kind="stable").iloc[-1]


def to_regular(
    df: pd.DataFrame,
    series_id: str,
    freq: Freq = "YS",
    *,
    pick: Pick = "official_latest",
    definitions: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Build a regular series from the interval totals of one series, where exact.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows from :func:`targets.sources.data.load` (any as-of date).
    series_id : str
        The series to convert, e.g. ``"nbs_online_retail"``.
    freq : {"YS", "QS", "MS"}
        Calendar years, quarters or months, labelled by their first day.
    pick : {"official_latest", "latest"}
        When several sources give the same period: prefer official rows, then
        the latest published (a revision supersedes); or just the latest.
    definitions : tuple of str, optional
        Keep only rows whose ``definition`` is one of these (``""`` stands for
        rows with no stated definition). ``None`` keeps all.

    Returns
    -------
    pandas.DataFrame
        Columns ``unique_id, ds, y`` (y in yuan, total over the period) and the
        provenance columns ``method`` (``reported``, ``ytd_difference`` or
        ``sum_of_quarters``), ``rows`` (the source rows used, as
        ``dataset:row``) and ``n_sources`` (how many rows gave that period).
        Sorted by ``ds``; empty if nothing converts exactly.

    Raises
    ------
    DataError
        If ``series_id`` is not in ``df`` or ``freq``/``pick`` is unknown.

    Examples
    --------
    >>> from targets.sources.data import load
    >>> s = to_regular(load("nbs_retail"), "nbs_online_retail", "YS")
    >>> list(s.columns[:3])
    ['unique_id', 'ds', 'y']
    """
    try:
        check_choice("freq", freq, FREQS)
        check_choice("pick", pick, ("official_latest", "latest"))
    except ValueError as exc:
        raise DataError(str(exc)) from None
    if series_id not in set(df["series_id"]):
        raise DataError(
            f"series {series_id!r} not found; available: {', '.join(sorted(set(df['series_id'])))}"
        )
    rows = level_rows(df[df["series_id"] == series_id])
    if definitions is not None:
        rows = rows[rows["definition"].isin(definitions)]
    labels = [
        _period_label(s, e) for s, e in zip(rows["period_start"], rows["period_end"], strict=True)
    ]
    rows = rows.assign(_label=labels)

    def ref(r: pd.Series) -> str:
        return f"{r['dataset']}:{r['row']}"

    points: dict[pd.Timestamp, dict[str, object]] = {}
    direct = rows[rows["_label"] == freq]
    for start, group in direct.groupby("period_start", sort=True):
        best = _pick(group, pick)
        points[start] = {
            "y": float(best["value_yuan"]),
            "method": "reported",
            "rows": ref(best),
            "n_sources": len(group),
        }

    if freq in ("QS", "MS"):
        step = 3 if freq == "QS" else 1
        from_january = rows[rows["period_start"].dt.month.eq(1) & rows["_label"].notna()]
        cumulative = {
            end: _pick(group, pick) for end, group in from_january.groupby("period_end", sort=True)
        }
        for end, last in cumulative.items():
            if end.month % step:
                continue  # a year-to-date total that does not end on a period boundary
            start = (end + pd.Timedelta(days=1)) - pd.DateOffset(months=step)
            if start in points or start.year != end.year:
                continue
            if start.month == 1:
                # A year-to-date total that covers exactly one period is that period.
                points[start] = {
                    "y": float(last["value_yuan"]),
                    "method": "reported",
                    "rows": ref(last),
                    "n_sources": 1,
                }
                continue
            prev = cumulative.get(start - pd.Timedelta(days=1))
            if prev is not None:
                points[start] = {
                    "y": float(last["value_yuan"]) - float(prev["value_yuan"]),
                    "method": "ytd_difference",
                    "rows": f"{ref(last)} - {ref(prev)}",
                    "n_sources": 1,
                }

    if freq == "YS":
        quarters = rows[rows["_label"] == "QS"]
        for year, group in quarters.groupby(quarters["period_start"].dt.year):
            start = pd.Timestamp(year=int(year), month=1, day=1)
            if start in points:
                continue
            picked = [_pick(g, pick) for _, g in group.groupby("period_start", sort=True)]
            if len(picked) == 4:
                points[start] = {
                    "y": float(sum(p["value_yuan"] for p in picked)),
                    "method": "sum_of_quarters",
                    "rows": " + ".join(ref(p) for p in picked),
                    "n_sources": 1,
                }

    out = pd.DataFrame(
        [{"unique_id": series_id, "ds": ds, **v} for ds, v in sorted(points.items())],
        columns=REGULAR_COLUMNS,
    )
    return out.astype({"ds": "datetime64[ns]", "y": float, "n_sources": int})


def annual_panel(
    series: list[tuple[str, str]],
    vintage: Vintage,
    *,
    definitions: dict[str, tuple[str, ...]] | None = None,
    drop_flagged: str | None = None,
) -> pd.DataFrame:
    """Calendar-year series for several ``(dataset, series_id)`` pairs, stacked.

    Parameters
    ----------
    series : list of (str, str)
        Data set and series id pairs.
    vintage : Vintage
        The rows published by its as-of date.
    definitions : dict, optional
        Per series id, the definitions to keep (see :func:`to_regular`).
    drop_flagged : str, optional
        Leave out rows whose note contains this text (e.g. ``"unit suspect"``).

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, y`` plus provenance columns, one row per series and year.
    """
    frames = []
    for dataset, series_id in series:
        rows = vintage.rows(dataset, series_id)
        if drop_flagged:
            rows = rows[~rows["note"].fillna("").str.contains(drop_flagged, case=False)]
        if rows.empty:
            continue
        defs = (definitions or {}).get(series_id)
        frames.append(to_regular(rows, series_id, "YS", definitions=defs))
    if not frames:
        return pd.DataFrame(columns=REGULAR_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def contiguous_tail(series: pd.DataFrame, freq: Freq = "YS") -> pd.DataFrame:
    """Keep, per ``unique_id``, the latest run of consecutive periods (no gaps).

    Models need regular series; a missing period (e.g. a year with only a
    "more than" figure) breaks the run. This keeps the periods after the last
    gap, explicitly, instead of interpolating across it.

    Examples
    --------
    >>> s = pd.DataFrame({"unique_id": "a", "y": [1.0, 2.0, 4.0],
    ...                   "ds": pd.to_datetime(["2015-01-01", "2017-01-01", "2018-01-01"])})
    >>> contiguous_tail(s)["ds"].dt.year.tolist()
    [2017, 2018]
    """
    parts = []
    for _, g in series.sort_values(["unique_id", "ds"]).groupby("unique_id", sort=True):
        expected_next = g["ds"].shift(1) + pd.tseries.frequencies.to_offset(freq)
        breaks = (g["ds"] != expected_next) & expected_next.notna()
        start = int(np.flatnonzero(breaks.to_numpy())[-1]) if breaks.any() else 0
        parts.append(g.iloc[start:])
    if not parts:
        return series.iloc[0:0]
    return pd.concat(parts, ignore_index=True)
