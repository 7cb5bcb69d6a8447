"""Numbers and tables as a reader expects them: the presentation layer of the reports.

Every value the reports print goes through one of the small formatters here, so a
probability, an amount in yuan or a count reads the same on every page:

* probabilities in whole percent, with ``<1%`` and ``>99%`` where rounding would
  print a certainty the model does not claim (:func:`probability`);
* yuan with a readable suffix and two significant digits (``¥4.9T``, ``¥840B``);
* counts with thousands separators, and modelled counts rounded to two significant
  digits so that no false precision shows (``1.7 million``);
* a missing value as an em dash, never ``NaN``, ``None`` or an empty cell.

:func:`table` turns a frame into a pandas ``Styler`` with no index column, one
formatter per column, units in the headers and wrapped (never truncated) text.
:func:`goal_name` gives each goal a plain-language name built from its registry
entry, so a reader never has to decode an id such as ``creators_10m``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import pandas as pd

from targets.sources.units import format_yuan

#: Printed for a value that does not exist (no forecast, not computable, not published).
MISSING = "—"

Kind = Literal[
    "probability",
    "percent",
    "yuan",
    "count",
    "approx_count",
    "ratio",
    "score",
    "date",
    "text",
    "number",
    "code",
]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def probability(p: float | None) -> str:
    """A probability in whole percent; ``<1%`` / ``>99%`` at the ends.

    A Monte Carlo estimate of 0 or 1 means "fewer than one sample in a hundred",
    not certainty, so the ends never print as ``0%`` or ``100%``.

    Examples
    --------
    >>> probability(0.004), probability(0.5), probability(0.996), probability(float("nan"))
    ('<1%', '50%', '>99%', '—')
    """
    if _missing(p):
        return MISSING
    p = float(p)  # type: ignore[arg-type]
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return f"{max(1, min(99, round(p * 100)))}%"


def percent(share: float | None, digits: int = 0) -> str:
    """A share or growth rate in percent (no clipping at the ends: it is not a probability).

    Examples
    --------
    >>> percent(0.283), percent(9.06), percent(None)
    ('28%', '906%', '—')
    """
    if _missing(share):
        return MISSING
    return f"{float(share):.{digits}%}"  # type: ignore[arg-type]


def yuan(value: float | None, digits: int = 2) -> str:
    """An amount in yuan with a suffix and ``digits`` significant digits.

    Examples
    --------
    >>> yuan(4.9e12), yuan(8.4e11), yuan(3e6), yuan(float("nan"))
    ('¥4.9T', '¥840B', '¥3M', '—')
    """
    if _missing(value):
        return MISSING
    rounded = float(f"{float(value):.{digits}g}")  # type: ignore[arg-type]
    return format_yuan(rounded, max(digits, 3))


def usd(value: float | None) -> str:
    """An amount in US dollars, in billions from a billion up (never converted to yuan).

    Examples
    --------
    >>> usd(2.4e10), usd(5e8), usd(None)
    ('$24.0B', '$500,000,000', '—')
    """
    if _missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    return f"${v / 1e9:,.1f}B" if abs(v) >= 1e9 else f"${v:,.0f}"


def count(value: float | None) -> str:
    """An exact count with thousands separators.

    Examples
    --------
    >>> count(3000000.0), count(12)
    ('3,000,000', '12')
    """
    if _missing(value):
        return MISSING
    return f"{float(value):,.0f}"  # type: ignore[arg-type]


def approx_count(value: float | None, digits: int = 2) -> str:
    """A modelled count rounded to ``digits`` significant digits, in words above a million.

    Examples
    --------
    >>> approx_count(1732051), approx_count(1e6), approx_count(222.4), approx_count(0.3)
    ('1.7 million', '1 million', '220', '0.3')
    """
    if _missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    if abs(v) < 1:
        return _significant(v, 1)
    for threshold, word in ((1e9, "billion"), (1e6, "million")):
        if abs(float(f"{v:.{digits}g}")) >= threshold:
            return f"{_significant(v / threshold, digits)} {word}"
    return _significant(v, digits)


def _significant(x: float, digits: int) -> str:
    """``x`` rounded to ``digits`` significant digits, written out (no exponent)."""
    if x == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(x)))
    out = f"{round(x, decimals):,.{max(0, decimals)}f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def ratio(value: float | None, digits: int = 2) -> str:
    """A dimensionless ratio (a progress ratio, a tail shape) with ``digits`` decimals.

    Examples
    --------
    >>> ratio(0.8333), ratio(None)
    ('0.83', '—')
    """
    if _missing(value):
        return MISSING
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def number(value: float | None) -> str:
    """Any other number: up to three significant digits, never in scientific notation.

    Examples
    --------
    >>> number(0.50712), number(1234567.0), number(2.0)
    ('0.507', '1,230,000', '2')
    """
    if _missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    if v == 0:
        return "0"
    rounded = float(f"{v:.3g}")
    if abs(rounded) >= 1000:
        return f"{rounded:,.0f}"
    return f"{rounded:g}" if "e" not in f"{rounded:g}" else f"{rounded:f}".rstrip("0").rstrip(".")


def score(value: float | None) -> str:
    """A score (Brier, log score) to three decimals, so a column of them lines up.

    Examples
    --------
    >>> score(0.25), score(0.22857), score(None)
    ('0.250', '0.229', '—')
    """
    if _missing(value):
        return MISSING
    return f"{float(value):.3f}"  # type: ignore[arg-type]


def date(value: Any) -> str:
    """A date as ``YYYY-MM-DD`` (no time of day).

    Examples
    --------
    >>> date(pd.Timestamp("2021-04-08 00:00")), date(None)
    ('2021-04-08', '—')
    """
    if _missing(value):
        return MISSING
    return str(pd.Timestamp(value).date())


def text(value: Any) -> str:
    """Text as it is; a missing value as :data:`MISSING`; booleans as yes / no."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def md(value: Any) -> str:
    """Text from data (a goal's statement, a publisher) made safe to put into Markdown.

    HTML is escaped and every character Markdown gives a meaning is
    backslash-escaped, so a statement such as ``<img src=x onerror=...>`` or
    ``[link](javascript:...)`` shows as the text it is and never becomes markup.
    Control characters (ANSI escapes) are dropped.

    Examples
    --------
    >>> print(md("<b>1,000</b> merchants_100m"))
    &lt;b&gt;1,000&lt;/b&gt; merchants\\_100m
    """
    import html

    raw = "".join(ch for ch in text(value) if ch in "\n\t" or ord(ch) >= 32 and ord(ch) != 127)
    marked = re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", raw)
    return html.escape(marked, quote=False)


#: Codes the data files use (a row's ``kind``, ``qualifier``, ``definition``, a size row's
#: role, an entity type) in the words a reader expects; any other code has its underscores
#: read as spaces (:func:`code`).
CODE_WORDS: dict[str, str] = {
    "growth_multiple": "growth multiple",
    "more_than": "more than",
    "approx": "about",
    "lower_bound": "lower bound",
    "closed_loop": "closed loop",
    "incl_third_party_links": "incl. third-party links",
    "incl_product_cards": "incl. product cards",
    "all_orders_incl_returns": "all orders incl. returns",
    "live_only": "live streams only",
    "shelf_only": "shelf only",
    "percent_growth": "% growth",
    "percent_share": "% share",
    "third_party_forecast": "third-party forecast",
    "company_target": "company target",
    "internal_target": "internal target",
}


def code(value: Any) -> str:
    """A code from the data files in reader words (:data:`CODE_WORDS`).

    Examples
    --------
    >>> code("closed_loop"), code("live_streams"), code(None)
    ('closed loop', 'live streams', '—')
    """
    shown = text(value)
    if shown == MISSING:
        return shown
    return CODE_WORDS.get(shown, shown.replace("_", " "))


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "code": code,
    "probability": probability,
    "percent": percent,
    "yuan": yuan,
    "count": count,
    "approx_count": approx_count,
    "ratio": ratio,
    "date": date,
    "text": text,
    "number": number,
    "score": score,
}

_CSS = [
    {
        "selector": "",
        "props": "border-collapse: collapse; font-size: 0.92em; margin: 0.5em 0 1em 0;",
    },
    {
        "selector": "th",
        "props": "text-align: left; vertical-align: bottom; border-bottom: 1px solid #999; "
        "padding: 0.3em 0.7em; white-space: normal; font-weight: 600;",
    },
    {
        "selector": "td",
        # No text-align or white-space here: "#T td" would outrank the per-cell alignment
        # of numbers and the no-wrap of numbers and dates (a date split as "2014-04-/01").
        "props": "vertical-align: top; border-bottom: 1px solid #e3e3e3; "
        "padding: 0.3em 0.7em; overflow-wrap: break-word; max-width: 36em;",
    },
    {"selector": "caption", "props": "caption-side: top; text-align: left; color: #555;"},
]
_NUMERIC = {
    "probability",
    "percent",
    "yuan",
    "count",
    "approx_count",
    "ratio",
    "number",
    "score",
}


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, Kind | Callable[[Any], str]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    caption: str | None = None,
):
    """A frame as a styled HTML table: no index, every cell formatted, text wrapped.

    Parameters
    ----------
    frame : pandas.DataFrame
        Not modified.
    columns : mapping, optional
        Column -> a :data:`Kind` (``"yuan"``, ``"probability"``, ...) or a
        function returning the cell's text. Only these columns are shown, in this
        order; by default every column is shown as :func:`text` (numbers as
        :func:`number`).
    headers : mapping, optional
        Column -> header to show; say the unit there (``"forecast median (yuan)"``).
    caption : str, optional

    Returns
    -------
    pandas.io.formats.style.Styler
        Displays as HTML in a notebook; ``.to_html()`` gives the markup.

    Raises
    ------
    KeyError
        When ``columns`` names a column the frame does not have.
    """
    if columns is None:
        columns = {
            c: (
                "number"
                if pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool
                else "text"
            )
            for c in frame.columns
        }
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(
            f"table(): column(s) {missing} not in the frame (it has {list(frame.columns)})"
        )
    shown = frame[list(columns)].reset_index(drop=True).copy()
    kinds = {c: FORMATTERS[k] if isinstance(k, str) else k for c, k in columns.items()}
    for c, fmt in kinds.items():
        shown[c] = [fmt(v) for v in shown[c].tolist()]
    names = {c: (headers or {}).get(c, c.replace("_", " ")) for c in shown.columns}
    shown = shown.rename(columns=names)
    # pandas names each table by a random uuid (its element ids and CSS selectors); one from
    # the table's content makes a rerun's page byte-identical, and two tables on one page
    # differ unless they are the same table.
    kinds_named = [
        (c, k if isinstance(k, str) else getattr(k, "__qualname__", "")) for c, k in columns.items()
    ]
    key = hashlib.sha256(f"{shown.to_json()}|{kinds_named}|{caption}".encode()).hexdigest()
    styler = shown.style.set_uuid(key[:12])
    styler = styler.hide(axis="index").format(escape="html").set_table_styles(_CSS)
    numeric = [names[c] for c, k in columns.items() if isinstance(k, str) and k in _NUMERIC]
    if numeric:
        styler = styler.set_properties(
            subset=numeric, **{"text-align": "right", "white-space": "nowrap"}
        )
    text_columns = [names[c] for c in columns if names[c] not in numeric]
    if text_columns:  # per cell, so no page style sheet (JupyterLab's aligns right) wins
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    dates = [names[c] for c, k in columns.items() if k == "date"]
    if dates:
        styler = styler.set_properties(subset=dates, **{"white-space": "nowrap"})
    if caption:
        styler = styler.set_caption(caption)
    return styler


def goal_name(goal) -> str:
    """A plain-language name for a goal, built from its registry entry.

    Uses the goal's ``name`` when the registry gives one; otherwise, for a count
    goal, its threshold and metric ("1,000 merchants with annual sales above
    ¥100M"), and for an aggregate goal its metric and threshold.

    Parameters
    ----------
    goal : targets.sources.goals.Goal
    """
    explicit = getattr(goal, "name", None)
    if explicit:
        return str(explicit)
    metric = " ".join(str(goal.metric).split())
    metric = metric.split(" (")[0]
    if goal.kind == "count":
        return f"{goal.threshold:,.0f} {metric.removeprefix('number of ')}"
    if goal.kind == "aggregate" and goal.currency == "CNY" and goal.comparator in (">=", ">"):
        return f"{metric[0].upper()}{metric[1:]} above {yuan(goal.threshold)}"
    return f"{metric[0].upper()}{metric[1:]}"


def goal_names(goals) -> dict[str, str]:
    """Goal id -> plain-language name, for the goals given (``vintage.goals``)."""
    return {g.id: goal_name(g) for g in goals}


_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\d?)\)", flags=re.IGNORECASE
)


def clean_quote(quote: Any) -> str:
    """A quote without the inline pinyin some sources add after a character (``節(jié)`` -> ``節``).

    Examples
    --------
    >>> clean_quote("首屆直播節(jié)……招募")
    '首屆直播節……招募'
    """
    return _PINYIN.sub("", text(quote))
