"""The reports' tables: each result frame of the package as a reader-facing table.

Each function takes a frame (or an assessment) from :mod:`targets.assess`,
:mod:`targets.sources.data` or :mod:`targets.engine.backtest` and returns a styled table
(:func:`targets.formatting.table`): units in the headers, no index column, no
raw floats. Notebooks show these instead of the frames themselves.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from targets import formatting as fmt


def _is_money(goal) -> bool:
    return goal.kind == "aggregate"


def proxies(a) -> Any:
    """The forecast of each proxy (or the count and the GMV behind it) at the deadline."""
    value = fmt.yuan if _is_money(a.goal) else None
    frame = a.proxies
    if value is None:  # a count goal: the count row, then the platform GMV row
        rows = frame.assign(
            median=[
                fmt.approx_count(v) if i == 0 else fmt.yuan(v)
                for i, v in enumerate(frame["median"])
            ],
            lo_80=[
                fmt.approx_count(v) if i == 0 else fmt.yuan(v) for i, v in enumerate(frame["lo_80"])
            ],
            hi_80=[
                fmt.approx_count(v) if i == 0 else fmt.yuan(v) for i, v in enumerate(frame["hi_80"])
            ],
        )
        kinds = {"median": "text", "lo_80": "text", "hi_80": "text"}
    else:
        rows = frame
        kinds = {"median": "yuan", "lo_80": "yuan", "hi_80": "yuan"}
    return fmt.table(
        rows,
        {"proxy": "text", "probability": "probability", **kinds, "method": "text"},
        headers={
            "proxy": "measured on",
            "probability": "chance goal met",
            "median": "forecast median",
            "lo_80": "80% interval from",
            "hi_80": "80% interval to",
            "method": "forecast by",
        },
    )


def ceiling(a) -> Any:
    """The goal's threshold as a share of wider totals (physical-goods online, all retail).

    A share of a published total has no interval: its interval cells are left blank rather
    than repeating the share.
    """
    frame = a.ceiling.copy()
    published = frame["lo_80"].eq(frame["hi_80"]) & frame["lo_80"].eq(frame["median_share"])
    frame.loc[published, ["lo_80", "hi_80"]] = float("nan")
    return fmt.table(
        frame,
        {"denominator": "text", "median_share": "percent", "lo_80": "percent", "hi_80": "percent"},
        headers={
            "denominator": "share of",
            "median_share": "share (median)",
            "lo_80": "80% interval from",
            "hi_80": "80% interval to",
        },
    )


def hindsight(a) -> Any:
    """What was later published for each proxy, and where it fell in the forecast made then."""
    frame = a.hindsight
    return fmt.table(
        frame.assign(
            met=frame["met"].map(lambda m: "met" if bool(m) else "not met"),
            percentile=frame["percentile_at_announcement"].map(
                lambda p: fmt.MISSING if pd.isna(p) else f"{p:.0%}"
            ),
        ),
        {"proxy": "text", "realized": "yuan", "met": "text", "percentile": "text"},
        headers={
            "proxy": "measured on",
            "realized": "published value (yuan)",
            "met": "goal",
            "percentile": "percentile in the forecast made at the announcement",
        },
    )


def tail_evidence(evidence: pd.DataFrame) -> Any:
    """Published size pairs and the tail shape each implies, with its caveat in full."""
    return fmt.table(
        evidence,
        {
            "evidence": "text",
            "published": "date",
            "status": "text",
            "entities": "count",
            "above": "count",
            "total_yuan": "yuan",
            "threshold_yuan": "yuan",
            "implied_sigma": lambda v: fmt.ratio(v, 2),
            "caveat": "text",
        },
        headers={
            "entities": "entities (count)",
            "above": "above the threshold (count)",
            "total_yuan": "their total sales (yuan)",
            "threshold_yuan": "threshold (yuan)",
            "implied_sigma": "implied tail shape σ",
        },
    )


_UNIT_WORDS = {"multiple": "×", "percent_growth": "% growth", "percent_share": "% share"}


def published_value(row: pd.Series) -> str:
    """A published figure with its unit and qualifier, as a reader would say it."""
    qualifier = {"more_than": "more than ", "approx": "about ", "range": "", "exact": ""}.get(
        str(row.get("qualifier", "")), ""
    )
    value_yuan = row.get("value_yuan")
    if value_yuan is not None and pd.notna(value_yuan):
        text = fmt.yuan(value_yuan)
        high = row.get("value_high")
        if pd.notna(high) and str(row.get("qualifier")) == "range":
            factor = value_yuan / row["value"] if row["value"] else 1.0
            text += f" to {fmt.yuan(float(high) * factor)}"
        return qualifier + text
    unit = str(row.get("unit", ""))
    number = fmt.number(row.get("value"))
    if unit == "count":
        return f"{qualifier}{fmt.count(row.get('value'))}"
    if unit in _UNIT_WORDS:
        return f"{qualifier}{number}{_UNIT_WORDS[unit]}"
    return f"{qualifier}{number} {unit}".strip()


def published_rows(rows: pd.DataFrame, columns: dict[str, str] | None = None) -> Any:
    """Published data rows: the interval, the value with its unit, source and date."""
    frame = rows.assign(
        period=[
            f"{fmt.date(s)} to {fmt.date(e)}"
            for s, e in zip(rows["period_start"], rows["period_end"], strict=True)
        ],
        figure=[published_value(r) for _, r in rows.iterrows()],
    )
    columns = columns or {
        "period": "text",
        "figure": "text",
        "kind": "code",
        "status": "text",
        "definition": "code",
        "publisher": "text",
        "published": "date",
    }
    return fmt.table(frame, columns, headers={"figure": "figure (yuan or as published)"})


def collapsible(styled: Any, summary: str) -> Any:
    """A long table folded under a one-line summary (HTML ``<details>``).

    ``summary`` is plain text (it may name a series or a goal from the data): it is escaped.
    """
    import html as html_lib

    from IPython.display import HTML

    html = styled.to_html() if hasattr(styled, "to_html") else str(styled)
    return HTML(f"<details><summary>{html_lib.escape(summary)}</summary>{html}</details>")


def backtest_summary(summary: pd.DataFrame) -> Any:
    """Backtest scores per model: interval coverage, scaled errors and CRPS skill."""
    kinds: dict[str, Any] = {"model": "text"}
    headers = {
        "model": "model",
        "n": "forecasts scored",
        "coverage_80": "80% interval held the outcome",
        "coverage_95": "95% interval held the outcome",
        "mase": "MASE (scaled error; naive = 1)",
        "smape": "sMAPE (%)",
        "crps_skill": "CRPS skill vs naive (higher is better)",
        "crps_relative": "CRPS as a share of the outcome (median)",
    }
    for c in summary.columns:
        if c == "model":
            continue
        if c.startswith("coverage") or c == "crps_relative":
            kinds[c] = "percent"
        elif c in ("n", "forecasts"):
            kinds[c] = "count"
        elif c in ("mase", "crps_skill", "smape", "winkler_skill"):
            kinds[c] = lambda v: fmt.ratio(v, 2)
    return fmt.table(summary, kinds, headers=headers)


def scorecard(card: pd.DataFrame, goals) -> Any:
    """The scorecard (:func:`targets.assess.scorecard`) with plain goal names and units.

    ``goals`` are the goals of the registry (``vintage.goals``). One column gives the
    calibrated chance with its 80% interval, or the labelled bound, or the band a count
    goal's deciding assumption spans (with the prior-only flag), or the published
    outcome with its figure; the growth forecast's own chance stands beside it.
    """
    from targets.assess.explain import value_format

    registry = {g.id: g for g in goals}

    def value(gid: str, v: float) -> str:
        return value_format(registry[gid])(v)

    def resolved(r: pd.Series) -> bool:
        return isinstance(r.get("outcome"), str)

    def forecast(r: pd.Series) -> str:
        if resolved(r):  # a resolved goal shows its outcome, not a forecast fitted to it
            return "none: resolved"
        if pd.isna(r.get("median")):
            return fmt.MISSING
        gid = r["goal"]
        return f"{value(gid, r['median'])} ({value(gid, r['lo_80'])} to {value(gid, r['hi_80'])})"

    def chance(r: pd.Series) -> str:
        if isinstance(r.get("outcome"), str):
            figure = r.get("realized")
            return (
                f"{r['outcome']}: {value(r['goal'], figure)}" if pd.notna(figure) else r["outcome"]
            )
        if isinstance(r.get("bound"), str):
            return f"{r['bound']} (a bound)"
        if isinstance(r.get("band"), str):
            return r["band"]  # an assumption decides: the band it spans, not the point
        if pd.isna(r.get("probability")):
            return fmt.MISSING
        text = fmt.probability(r["probability"])
        if pd.notna(r.get("probability_lo_80")):
            text += (
                f" (80%: {fmt.probability(r['probability_lo_80'])} to "
                f"{fmt.probability(r['probability_hi_80'])})"
            )
        return text

    def threshold(gid: str) -> str:
        g = registry[gid]
        return (
            value(gid, g.threshold)
            if g.comparator == ">="
            else g.describe_threshold(value_format(g))
        )

    frame = card.assign(
        name=card["goal"].map(lambda g: fmt.goal_name(registry[g])),
        chance=[chance(r) for _, r in card.iterrows()],
        inside=[
            "none: resolved"
            if resolved(r)
            else fmt.probability(r["inside_probability"])
            if "inside_probability" in card
            else fmt.MISSING
            for _, r in card.iterrows()
        ],
        forecast=[forecast(r) for _, r in card.iterrows()],
        threshold_text=[threshold(g) for g in card["goal"]],
    )
    return fmt.table(
        frame,
        {
            "name": "text",
            "chance": "text",
            "verdict": "text",
            "inside": "text",
            "forecast": "text",
            "threshold_text": "text",
        },
        headers={
            "name": "goal",
            "chance": "chance met, or the outcome",
            "inside": "growth forecast alone",
            "forecast": "growth forecast at the deadline: median (80% interval)",
            "threshold_text": "threshold",
        },
    )


def _size_values(rows: pd.DataFrame) -> dict[str, list[str]]:
    """The figure and interval columns of size rows, formatted: a top total (``stat ==
    "top_total"``) is money (yuan), the other figures are counts."""
    money = rows["stat"] == "top_total"
    return {
        c: [fmt.yuan(v) if m else fmt.number(v) for v, m in zip(rows[c], money, strict=True)]
        for c in ("value", "median", "lo_80", "hi_80")
    }


def size_hindsight(checks: pd.DataFrame) -> Any:
    """Size figures published after a goal's announcement beside that day's model.

    ``checks`` is :func:`targets.counts.goal.hindsight_check`'s frame (``label, stat,
    published, value, median, lo_80, hi_80, note``).
    """
    return fmt.table(
        checks.assign(**_size_values(checks)),
        {
            "label": "text",
            "published": "date",
            "value": "text",
            "median": "text",
            "lo_80": "text",
            "hi_80": "text",
            "note": "text",
        },
        headers={
            "label": "figure published later",
            "value": "published figure",
            "median": "model median",
            "lo_80": "80% low",
            "hi_80": "80% high",
        },
    )


def predictive_check(rows: pd.DataFrame) -> Any:
    """A count goal's posterior predictive table: each published size figure beside the
    fitted model's median and 80% interval.

    Parameters
    ----------
    rows : pandas.DataFrame
        ``CountDetail.predictive`` rows (``label, stat, value, median, lo_80, hi_80,
        inside, note``), optionally with a ``goal`` column (several goals in one table).
        A total of the top entities (``stat == "top_total"``) is money (yuan); the other
        figures are counts.
    """
    held = rows["held_inside"] if "held_inside" in rows else pd.Series(pd.NA, index=rows.index)
    shown = rows.assign(
        inside=rows["inside"].map(lambda v: fmt.MISSING if pd.isna(v) else ("yes" if v else "no")),
        held_inside=[
            fmt.MISSING
            if pd.isna(v)
            else ("yes (a bound)" if role == "lower_bound" else "yes")
            if v
            else "no"
            for v, role in zip(held, rows["role"], strict=True)
        ],
        **_size_values(rows),
    )
    kinds = {
        **({"goal": "text"} if "goal" in rows.columns else {}),
        "label": "text",
        "role": "code",
        "value": "text",
        "median": "text",
        "lo_80": "text",
        "hi_80": "text",
        "inside": "text",
        "held_inside": "text",
        "note": "text",
    }
    return fmt.table(
        shown,
        kinds,
        headers={
            "label": "published figure",
            "role": "used as",
            "value": "published",
            "median": "model median",
            "lo_80": "80% low",
            "hi_80": "80% high",
            "inside": "inside 80% (fit check)",
            "held_inside": "inside 80% held out",
            "note": "why",
        },
    ).set_properties(  # figures right-aligned (counts and money share the columns)
        subset=["published", "model median", "80% low", "80% high"],
        **{"text-align": "right", "white-space": "nowrap"},
    )
