"""What in the data needs a second look: inferred dates, undated assumptions, conflicts.

An "as of" answer is only as good as the dates and values behind it. This module lists,
as one tidy frame, the rows a careful reader should check by hand:

* ``inferred_date``: a data row whose publication date was inferred (no stated date, no
  date in its address, no earlier report found), with the reason its note gives;
* ``undated_assumption``: an assumption row without ``usable_from`` (it applies at every
  as-of date, so its reasoning must use no published figure);
* ``part_above_whole``: a figure larger than the figure that contains it: a series
  declared in ``series.csv`` as ``part_of`` another, over the same period, or a shorter
  period of one series (a year to date) above the longer period that contains it;
* ``thin_remainder``: a year-to-date figure so close to its year's total that the months
  left run at less than :data:`REMAINDER_PACE` of the year-to-date pace (the error once
  made by entering total online retail as physical-goods online retail).

The checks compare like with like: levels of actual outcomes (money in yuan, counts),
never targets, forecasts or growth rates, within one definition of the series.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from targets.sources.units import format_yuan
from targets.sources.vintage import Vintage

__all__ = ["AUDIT_COLUMNS", "CHECK_LABELS", "REMAINDER_PACE", "audit", "part_of"]

#: Columns of :func:`audit` (one row per finding).
AUDIT_COLUMNS = [
    "check",
    "file",
    "row",
    "dataset",
    "series_id",
    "period",
    "value",
    "published",
    "detail",
]

#: What each check means, in a reader's words (pages use these, not the check names).
CHECK_LABELS = {
    "part_above_whole": "figures larger than the figure that contains them",
    "thin_remainder": "year-to-date figures that leave too little for the rest of the year",
    "undated_assumption": "assumptions without a usable-from date",
    "inferred_date": "figures with an inferred publication date",
}

#: The months left in a year may run below the year-to-date pace (seasons), but a
#: remainder under this fraction of it is flagged for a second look (an audit rule: it
#: flags rows, it moves no probability).
REMAINDER_PACE = 0.5

#: Relative half-width given to an ``approx`` figure ("about ¥1.5T") when comparing.
APPROX_SLACK = 0.05


def audit(vintage: Vintage) -> pd.DataFrame:
    """Every finding of the checks above for one vintage, in a stable order.

    Parameters
    ----------
    vintage : Vintage
        The data and assumptions as of a date (:func:`~targets.sources.vintage.open_vintage`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AUDIT_COLUMNS`: ``check`` (one of the four names above), ``file``
        and ``row`` (1-based line of the CSV; the header is line 1), ``dataset`` (empty for
        an assumption), ``series_id`` (or the assumption id), ``period`` (``start to
        end``), ``value`` (as written, with unit), ``published`` (date or empty) and
        ``detail`` (what is wrong, in words).
    """
    rows = vintage.rows()
    files_of = {name: str(ds.path) for name, ds in vintage.datasets.items()}
    parts = [
        _inferred_dates(rows, files_of),
        _undated_assumptions(vintage.assumptions),
        _part_above_whole(rows, files_of, part_of(vintage), vintage.series_name),
        _within_series(rows, files_of),
    ]
    found = [p for p in parts if len(p)]
    if not found:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    out = pd.concat(found, ignore_index=True)
    order = {name: i for i, name in enumerate(_CHECKS)}
    out["_order"] = out["check"].map(order)
    out = out.sort_values(["_order", "file", "row"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)[AUDIT_COLUMNS]


_CHECKS = tuple(CHECK_LABELS)


def part_of(vintage: Vintage) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(dataset, series_id) -> series ids of the same data set that contain it``, for every
    series with rows (the ``part_of`` column of the series dictionary)."""
    pairs = vintage.observations[["dataset", "series_id"]].drop_duplicates()
    out = {}
    for dataset, sid in sorted(zip(pairs["dataset"], pairs["series_id"], strict=True)):
        wholes = vintage.part_of(str(dataset), str(sid))
        if wholes:
            out[(str(dataset), str(sid))] = wholes
    return out


def _finding(check: str, file: str, r: pd.Series, detail: str) -> dict:
    return {
        "check": check,
        "file": file,
        "row": int(r["row"]),
        "dataset": str(r["dataset"]),
        "series_id": str(r["series_id"]),
        "period": _period(r),
        "value": _as_written(r),
        "published": "" if pd.isna(r["published"]) else r["published"].date().isoformat(),
        "detail": detail,
    }


def _as_written(r: pd.Series) -> str:
    """A row's figure as its file writes it (to find the line), with the amount in yuan
    beside a unit a reader may not know (``8,530.62 亿元 (¥853B)``)."""
    text = f"{_figure(r['value'])} {r['unit']}"
    value_yuan = r.get("value_yuan")
    if value_yuan is not None and pd.notna(value_yuan) and str(r["unit"]) != "yuan":
        text += f" ({format_yuan(float(value_yuan))})"
    return text


def _figure(value: float) -> str:
    """A figure as written, without scientific notation (``3,000,000``, ``8,530.62``)."""
    return (
        np.format_float_positional(float(value), trim="-")
        if abs(value) < 1000
        else (f"{value:,.2f}".rstrip("0").rstrip("."))
    )


def _period(r: pd.Series) -> str:
    return f"{r['period_start'].date().isoformat()} to {r['period_end'].date().isoformat()}"


def _inferred_dates(rows: pd.DataFrame, files_of: dict[str, str]) -> pd.DataFrame:
    """Rows whose publication date was inferred, each with the reason its note gives."""
    out = []
    for _, r in rows[rows["published_basis"] == "inferred"].iterrows():
        note = str(r["note"])
        reason = _reason(note)
        out.append(_finding("inferred_date", files_of[r["dataset"]], r, reason))
    return pd.DataFrame(out, columns=AUDIT_COLUMNS)


def _reason(note: str) -> str:
    """The part of a note that says why a date was inferred (or that it does not say)."""
    at = note.find("published inferred")
    if at < 0:
        return "the note gives no reason for the inferred date"
    return note[at:].split("|")[0].strip()[:300]


def _undated_assumptions(assumptions: pd.DataFrame) -> pd.DataFrame:
    out = []
    for _, a in assumptions[assumptions["usable_from"].isna()].iterrows():
        out.append(
            {
                "check": "undated_assumption",
                "file": str(a.get("file", "")),
                "row": int(a["row"]),
                "dataset": "",
                "series_id": str(a["assumption_id"]),
                "period": "",
                "value": f"{_figure(a['value'])} {a['unit']}",
                "published": "",
                "detail": "no usable_from: it applies at every as-of date",
            }
        )
    return pd.DataFrame(out, columns=AUDIT_COLUMNS)


def _levels(rows: pd.DataFrame) -> pd.DataFrame:
    """Actual outcomes stated as levels, with the interval ``[low, high]`` each allows
    (yuan for money, the count for counts)."""
    level = rows[(rows["kind"] == "actual") & rows["base_start"].isna()].copy()
    amount = level["value_yuan"]
    amount = amount.where(amount.notna(), level["value"].where(level["unit"] == "count"))
    high = level["value_high_yuan"]
    high = high.where(high.notna(), level["value_high"].where(level["unit"] == "count"))
    level["amount"] = amount
    level = level[level["amount"].notna()].copy()
    q = level["qualifier"]
    a = level["amount"]
    level["low"] = np.select(
        [q == "approx", q == "less_than"], [a * (1 - APPROX_SLACK), 0.0], default=a
    )
    level["high"] = np.select(
        [q == "approx", q == "more_than", q == "range"],
        [a * (1 + APPROX_SLACK), np.inf, high.reindex(level.index).fillna(a)],
        default=a,
    )
    level["definition"] = level["definition"].fillna("")
    return level


def _part_above_whole(
    rows: pd.DataFrame,
    files_of: dict[str, str],
    declared: dict[tuple[str, str], tuple[str, ...]],
    name: Callable[[str, str], str],
) -> pd.DataFrame:
    """A declared part larger than its whole over the same period."""
    level = _levels(rows)
    out = []
    for (dataset, part), wholes in sorted(declared.items()):
        mine = level[(level["dataset"] == dataset) & (level["series_id"] == part)]
        for whole in wholes:
            theirs = level[(level["dataset"] == dataset) & (level["series_id"] == whole)]
            if mine.empty or theirs.empty:
                continue
            pairs = mine.reset_index().merge(
                theirs.reset_index(),
                on=["period_start", "period_end"],
                suffixes=("", "_whole"),
            )
            for _, p in pairs[pairs["low"] > pairs["high_whole"]].iterrows():
                detail = (
                    f"larger than {name(dataset, whole)} over the same period "
                    f"({_figure(p['value_whole'])} {p['unit_whole']}, line {int(p['row_whole'])}), "
                    "which contains it (the series dictionary says so)"
                )
                out.append(_finding("part_above_whole", files_of[dataset], p, detail))
    return pd.DataFrame(out, columns=AUDIT_COLUMNS)


def _within_series(rows: pd.DataFrame, files_of: dict[str, str]) -> pd.DataFrame:
    """A shorter period above the longer one containing it, and year-to-date figures that
    leave too little for the rest of the period."""
    level = _levels(rows)
    out = []
    keys = ["dataset", "series_id", "definition"]
    for (dataset, _, _), g in level.groupby(keys, sort=True):
        g = g.sort_values(["period_start", "period_end", "row"], kind="stable")
        recs = g.to_dict("records")
        for a in recs:
            for b in recs:
                same = (a["period_start"], a["period_end"]) == (b["period_start"], b["period_end"])
                if same or not (a["period_start"] >= b["period_start"]):
                    continue
                if a["period_end"] > b["period_end"]:
                    continue
                a_row = pd.Series(a)
                if a["low"] > b["high"]:
                    detail = (
                        f"larger than the same series over {_period(pd.Series(b))} "
                        f"({_figure(b['value'])} {b['unit']}, line {int(b['row'])}), "
                        "which contains it"
                    )
                    out.append(_finding("part_above_whole", files_of[dataset], a_row, detail))
                    continue
                thin = _thin_remainder(a, b)
                if thin:
                    out.append(_finding("thin_remainder", files_of[dataset], a_row, thin))
    return pd.DataFrame(out, columns=AUDIT_COLUMNS)


def _thin_remainder(part: dict, whole: dict) -> str:
    """Why a year-to-date ``part`` leaves too little of ``whole`` (empty: it does not)."""
    if part["period_start"] != whole["period_start"] or not np.isfinite(whole["high"]):
        return ""
    if part["qualifier"] != "exact" or whole["qualifier"] != "exact":
        return ""
    days_part = (part["period_end"] - part["period_start"]).days + 1
    days_left = (whole["period_end"] - part["period_end"]).days
    if days_left <= 0 or days_part <= 0:
        return ""
    pace_part = part["amount"] / days_part
    pace_left = (whole["amount"] - part["amount"]) / days_left
    if pace_left >= REMAINDER_PACE * pace_part:
        return ""
    left = whole["amount"] - part["amount"]
    left_text = f"{left:,.0f}" if part["unit"] == "count" else format_yuan(left)
    return (
        f"leaves {left_text} for the {days_left} days to "
        f"{whole['period_end'].date().isoformat()} (the total in line {int(whole['row'])}): "
        f"{pace_left / pace_part:.0%} of the year-to-date pace"
    )
