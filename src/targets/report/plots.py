"""Charts. Every function takes ``ax=None`` and returns the Figure; none calls ``plt.show()``.

House rules, checked by eye on the rendered reports: one unit style per axis
(:func:`yuan_axis`, :func:`count_axis` label minor ticks the same way as major
ones), integer year ticks, goal lines and their labels inside the axes, legends
outside the plotting area, no more digits than the data carry, and Chinese text
only where a CJK font is installed (:func:`cjk`).
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatter, MaxNLocator

from targets import formatting as fmt

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The installed CJK font family matplotlib can use (Debian ``fonts-noto-cjk``), if any.

    When one is found it is added to matplotlib's font fallback list, so Chinese
    text in a chart renders in it while Latin text keeps the default font.
    """
    from matplotlib import font_manager, rcParams

    names = {f.name for f in font_manager.fontManager.ttflist}
    if not any(f in names for f in _CJK_FAMILIES):
        # A font installed after matplotlib built its font cache is not in the list yet.
        for path in font_manager.findSystemFonts():
            if "cjk" in path.lower() and "sans" in path.lower():
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        names = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in _CJK_FAMILIES if f in names), None)
    if family is not None:
        # A list of families is matplotlib's font fallback: Latin text keeps the first.
        first = next(f for f in rcParams["font.sans-serif"] if f != family)
        rcParams["font.family"] = [first, family]
    return family


def cjk(text: str) -> str:
    """Chart-safe text: as it is when a CJK font is installed, else without its Chinese.

    Without a CJK font matplotlib draws Chinese as empty boxes; dropping the
    characters (and the brackets or quotes left empty) keeps the English.

    Examples
    --------
    >>> cjk("Double 11") == "Double 11"
    True
    """
    if cjk_font() is not None or not _CJK.search(text):
        return text
    out = _CJK.sub("", text)
    out = re.sub(r"[(（「“\"']\s*[)）」”\"']", "", out)
    return re.sub(r"\s{2,}", " ", out).strip()


def _axes(ax: Axes | None, figsize: tuple[float, float] = (9, 5)) -> tuple[Figure, Axes]:
    cjk_font()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax  # type: ignore[return-value]


def show(fig: Figure, alt: str) -> None:
    """Display a figure in a notebook as a PNG carrying alt text, then close it.

    The rendered HTML report puts ``alt`` on the image, so readers of the report
    with a screen reader get the chart's message.
    """
    import io

    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", metadata={"alt": alt}))


def no_data_sentence(what: str, as_of: object = None) -> str:
    """The plain sentence shown in place of a chart or table that has nothing to draw.

    Parameters
    ----------
    what : str
        What is missing, as a noun phrase: ``"Douyin GMV figure"``.
    as_of : date-like, optional
        The report's as-of date (``None``: the latest data).

    Examples
    --------
    >>> no_data_sentence("Douyin GMV figure", "2015-01-01")
    'No Douyin GMV figure had been published by 2015-01-01, so there is nothing to show here yet.'
    """
    when = "in the data" if as_of is None else f"by {pd.Timestamp(str(as_of)).date().isoformat()}"
    return f"No {what} had been published {when}, so there is nothing to show here yet."


def no_data(what: str, as_of: object = None) -> str:
    """Display :func:`no_data_sentence` in a notebook in place of a chart or table.

    Every report must render on an empty or nearly empty data set (an early
    as-of date, a data folder cut to a few rows): a cell that has nothing to
    draw calls this instead of failing. Returns the sentence.
    """
    from IPython.display import Markdown, display

    sentence = no_data_sentence(what, as_of)
    display(Markdown(f"*{sentence}*"))
    return sentence


class _LogFormatter(LogFormatter):
    """matplotlib's choice of which log ticks to label, written with our own formatter."""

    def __init__(self, write, **kwargs):
        super().__init__(**kwargs)
        self._write = write

    def _num_to_string(self, x, vmin, vmax):
        return self._write(x)


def _unit_axis(ax: Axes, axis: str, write, minor: bool = True) -> None:
    from matplotlib.ticker import NullFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    if target.get_scale() == "log":
        # Minor ticks get the same style as major ones: no "3×10¹²" beside "¥10T".
        target.set_major_formatter(_LogFormatter(write, labelOnlyBase=False))
        target.set_minor_formatter(
            _LogFormatter(write, labelOnlyBase=False, minor_thresholds=(2, 0.5))
            if minor
            else NullFormatter()
        )
    else:
        target.set_major_formatter(FuncFormatter(lambda v, _pos: write(v)))


def yuan_axis(ax: Axes, axis: str = "y", *, minor: bool = True) -> None:
    """Label an axis in yuan with readable suffixes (¥10B, ¥1T), minor ticks included.

    Call it after the axis scale is set; ``minor=False`` labels decades only
    (for small panels, where minor labels would overlap).
    """
    _unit_axis(ax, axis, lambda v: fmt.yuan(v), minor)


def count_axis(ax: Axes, axis: str = "y", *, minor: bool = True) -> None:
    """Label an axis of counts (1,000; 1 million), minor ticks included unless ``minor=False``."""
    _unit_axis(ax, axis, lambda v: fmt.approx_count(v), minor)


def ratio_axis(ax: Axes, axis: str = "x") -> None:
    """Label a log axis of ratios at 1-2-5 steps (×0.2, ×0.5, ×1, ×2), minor ticks unlabelled.

    Call it after the data are drawn and the scale is set to log.
    """
    from matplotlib.ticker import FixedLocator, NullFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    steps = [m * 10.0**e for e in range(-6, 7) for m in (1, 2, 5)]
    ticks = [v for v in steps if low <= v <= high] or [1.0]
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"×{v:g}"))
    target.set_minor_formatter(NullFormatter())


def year_axis(ax: Axes, axis: str = "x") -> None:
    """Integer year ticks (never 2020.25) on an axis of calendar years."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))


def legend_outside(ax: Axes, **kwargs) -> None:
    """A legend beside the axes, where it cannot cover a curve."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    ax.legend(
        handles,
        [textwrap.fill(str(lbl), 34) for lbl in labels],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize="small",
        frameon=False,
        **kwargs,
    )


def goal_line(ax: Axes, value: float, label: str, *, color: str = "black") -> None:
    """A horizontal goal line with its label, both kept inside the axes.

    The y-limits are widened to include the line with room for the label; the
    label sits at the left edge, just above the line, on a white background.
    """
    ax.axhline(value, color=color, linestyle="--", linewidth=1.3, zorder=2)
    lo, hi = ax.get_ylim()
    if ax.get_yscale() == "log":
        lo, hi = min(lo, value / 3), max(hi, value * 3)
    else:
        span = hi - lo
        lo, hi = min(lo, value - 0.1 * span), max(hi, value + 0.15 * span)
    ax.set_ylim(lo, hi)
    ax.annotate(
        label,
        xy=(0.01, value),
        xycoords=("axes fraction", "data"),
        xytext=(0, 3),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=9,
        color=color,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        zorder=4,
    )


def annual_totals(
    series: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str = "Annual totals, log scale",
    labels: dict[str, str] | None = None,
) -> Figure:
    """Line chart of regular annual series on a log scale.

    Parameters
    ----------
    series : pandas.DataFrame
        ``unique_id, ds, y`` rows (y in yuan, total over the year), as from
        :func:`targets.sources.observations.to_regular`.
    ax : matplotlib Axes, optional
    title : str
    labels : dict, optional
        Display names for ``unique_id`` values.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import seaborn as sns

    fig, ax = _axes(ax)
    data = series.assign(
        series=series["unique_id"].map(lambda s: (labels or {}).get(s, s)),
        year=series["ds"].dt.year,
    )
    sns.lineplot(data=data, x="year", y="y", hue="series", marker="o", ax=ax)
    ax.set_yscale("log")
    yuan_axis(ax)
    year_axis(ax)
    ax.set_xlabel("calendar year")
    ax.set_ylabel("total over the year (yuan, log scale)")
    ax.set_title(cjk(title))
    ax.grid(True, which="major", alpha=0.3)
    legend_outside(ax)
    return fig


def interval_rows(
    rows: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str = "Published figures, drawn over the interval they cover",
) -> Figure:
    """Draw each published total as a horizontal segment over its interval.

    The height is the average annual rate (value divided by the interval's
    length in years), so a Jan–Aug total and a calendar-year total are
    comparable. Official rows are solid, reported rows dashed.

    Parameters
    ----------
    rows : pandas.DataFrame
        Money rows from :func:`targets.sources.data.load` (``value_yuan`` not null).
    """
    fig, ax = _axes(ax)
    rows = rows[rows["value_yuan"].notna()]
    palette = plt.get_cmap("tab10")
    kinds = sorted(rows["kind"].unique())
    rates = []
    for i, kind in enumerate(kinds):
        sub = rows[rows["kind"] == kind]
        for _, r in sub.iterrows():
            years = ((r["period_end"] - r["period_start"]).days + 1) / 365.25
            rate = r["value_yuan"] / years
            rates.append(rate)
            ax.plot(
                [r["period_start"], r["period_end"]],
                [rate, rate],
                color=palette(i),
                linestyle="-" if r["status"] == "official" else "--",
                linewidth=2,
                label=kind,
            )
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    ax.legend(
        unique.values(),
        unique.keys(),
        title="kind of figure\n(dashed = media report)",
        fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
    )
    ax.set_yscale("log")
    if rates:  # a margin, so a segment at the extreme is not drawn on the frame, unlabelled
        ax.set_ylim(min(rates) / 1.4, max(rates) * 1.4)
    yuan_axis(ax)
    ax.set_xlabel("period covered")
    ax.set_ylabel("annual rate over the interval (yuan per year, log scale)")
    ax.set_title(cjk(title))
    ax.grid(True, alpha=0.3)
    return fig


def probability_bars(
    scorecard: pd.DataFrame,
    *,
    names: dict[str, str] | None = None,
    ax: Axes | None = None,
    title: str = "Probability each goal is met",
) -> Figure:
    """Horizontal bars of each goal's probability, with the verdict thresholds drawn.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        From :func:`targets.assess.scorecard` (``goal``, ``probability``; optional
        ``band_low``, ``band_high``: the band an assumption spans, drawn as a red range).
    names : dict, optional
        Goal id -> the name shown (:func:`targets.formatting.goal_names`).
    """
    from matplotlib.transforms import blended_transform_factory

    from targets.assess import VERDICTS

    fig, ax = _axes(ax, (9, 4.2))
    data = scorecard.iloc[::-1]
    names = names or {}
    labels = [textwrap.fill(names.get(g, g), 38) for g in data["goal"]]
    ax.barh(labels, data["probability"].fillna(0.0), color="#4C72B0")
    top = blended_transform_factory(ax.transData, ax.transAxes)
    for cut, label in VERDICTS[:-1]:
        ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
        # Above the frame, not on it: the verdict bands are read from the top.
        ax.text(
            cut,
            1.01,
            f"{label} ≥ {cut:.0%}",
            transform=top,
            fontsize=8,
            color="dimgrey",
            ha="center",
            va="bottom",
        )
    # A count goal an assumption decides: the band its documented range spans, drawn over
    # the bar and labelled with it, not the point alone.
    lows = data["band_low"] if "band_low" in data else pd.Series(np.nan, index=data.index)
    highs = data["band_high"] if "band_high" in data else pd.Series(np.nan, index=data.index)
    for i, (p, lo, hi) in enumerate(zip(data["probability"], lows, highs, strict=True)):
        banded = lo == lo and hi == hi
        if banded:
            ax.errorbar(
                p,
                i,
                xerr=[[p - lo], [hi - p]],
                fmt="none",
                ecolor="#B03A2E",
                elinewidth=2,
                capsize=4,
            )
        ax.text(
            (0.0 if p != p else hi if banded else p) + 0.01,
            i,
            "no forecast"
            if p != p
            else f"{fmt.probability(lo)}–{fmt.probability(hi)} over an assumption's range"
            if banded
            else fmt.probability(p),
            va="center",
            fontsize=9,
        )
    # Room right of the bars for a band's longer label.
    ax.set_xlim(0, 1.45 if (highs == highs).any() else 1.12)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0%", "20%", "40%", "60%", "80%", "100%"])
    ax.set_xlabel("probability that the goal is met")
    ax.set_title(cjk(title), pad=18)
    return fig


def count_sensitivity(
    table: pd.DataFrame,
    goal_threshold: float,
    *,
    prior_sigma: tuple[float, float] | None = None,
    evidence: pd.DataFrame | None = None,
    ax: Axes | None = None,
    title: str = "Entities above the threshold against the tail shape",
) -> Figure:
    """Count above a sales threshold as a function of the log-normal tail shape.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`targets.assess.sensitivity` (``sigma, entities, count``).
    goal_threshold : float
        The goal's count, drawn as a horizontal line; the region where it is met
        is shaded.
    prior_sigma : (float, float), optional
        The tail-shape range the assessment assumes, shaded.
    evidence : pandas.DataFrame, optional
        From :func:`targets.assess.tail_evidence`: implied shapes drawn as
        vertical lines.
    """
    fig, ax = _axes(ax, (10, 5))
    for entities, part in table.groupby("entities"):
        ax.plot(part["sigma"], part["count"], label=f"{fmt.approx_count(entities)} active entities")
    ax.set_yscale("log")
    positive = table.loc[table["count"] > 0, "count"]
    low = min(float(positive.min()) if len(positive) else goal_threshold, goal_threshold) / 3
    top = max(float(table["count"].max()), goal_threshold) * 3
    ax.set_ylim(max(low, 0.1), top)
    ax.axhspan(goal_threshold, top, color="green", alpha=0.08, label="goal met")
    if prior_sigma is not None:
        ax.axvspan(*prior_sigma, color="grey", alpha=0.12, label="tail shapes assumed")
    if evidence is not None:
        styles = ["--", "-.", ":"]
        for i, r in enumerate(evidence.itertuples()):
            ax.axvline(
                r.implied_sigma,
                color="tab:red",
                linestyle=styles[i % len(styles)],
                linewidth=1.2,
                label=f"σ = {r.implied_sigma:.1f} implied by {cjk(r.caveat)}",
            )
    goal_line(ax, goal_threshold, f"goal: {fmt.count(goal_threshold)}")
    ax.set_ylim(max(low, 0.1), top)
    count_axis(ax)
    ax.set_xlabel("σ: spread of log annual sales per entity (log-normal shape)")
    ax.set_ylabel("entities above the threshold (log scale)")
    ax.set_title(cjk(title))
    legend_outside(ax)
    ax.grid(True, alpha=0.3)
    return fig


def fan_chart(
    years: pd.DatetimeIndex | list,
    samples: dict[str, np.ndarray],
    *,
    observed: pd.DataFrame | None = None,
    goal: float | None = None,
    goal_label: str = "goal",
    ax: Axes | None = None,
    title: str = "Forecast fan: median, 50% and 80% bands",
) -> Figure:
    """Fan chart of annual totals from sample paths, one colour per model.

    Parameters
    ----------
    years : sequence of Timestamps
        Year starts of the columns of each sample array.
    samples : dict
        Model name -> array ``(n_samples, len(years))`` of totals (yuan).
    observed : pandas.DataFrame, optional
        ``ds, y`` points drawn as dots (published annual levels).
    goal : float, optional
        A threshold drawn as a horizontal line on the chart it is judged against.
    """
    fig, ax = _axes(ax)
    x = pd.DatetimeIndex(years).year
    palette = plt.get_cmap("tab10")
    for i, (name, s) in enumerate(samples.items()):
        q = np.quantile(s, [0.1, 0.25, 0.5, 0.75, 0.9], axis=0)
        ax.fill_between(x, q[0], q[4], color=palette(i), alpha=0.15)
        ax.fill_between(x, q[1], q[3], color=palette(i), alpha=0.25)
        ax.plot(x, q[2], color=palette(i), label=f"{cjk(name)} (median, 50% and 80% bands)")
    if observed is not None and len(observed):
        ax.scatter(
            observed["ds"].dt.year,
            observed["y"],
            color="black",
            zorder=3,
            s=18,
            label="published annual figures",
        )
    ax.set_yscale("log")
    if goal is not None:
        goal_line(ax, goal, cjk(goal_label))
    yuan_axis(ax)
    year_axis(ax)
    ax.set_xlabel("calendar year")
    ax.set_ylabel("total over the year (yuan, log scale)")
    ax.set_title(cjk(title))
    legend_outside(ax)
    ax.grid(True, alpha=0.3)
    return fig


def aligned_by_scale(
    analogs: pd.DataFrame,
    target: pd.DataFrame,
    level: float,
    *,
    ax: Axes | None = None,
    title: str = "Platforms aligned by the year they first reached the same scale",
) -> Figure:
    """Annual GMV of several platforms against years since each first reached ``level``.

    Parameters
    ----------
    analogs, target : pandas.DataFrame
        ``unique_id, ds, y`` annual series; ``target`` is drawn thicker.
    level : float
        The alignment scale (yuan per year).
    """
    fig, ax = _axes(ax)
    for frame, width in ((analogs, 1.5), (target, 3.0)):
        for uid, g in frame.groupby("unique_id"):
            g = g.sort_values("ds")
            reached = g[g["y"] >= level]
            if reached.empty:
                continue
            year0 = reached["ds"].dt.year.iloc[0]
            ax.plot(g["ds"].dt.year - year0, g["y"], marker="o", linewidth=width, label=uid)
    ax.axhline(level, color="grey", linestyle=":")
    ax.set_yscale("log")
    yuan_axis(ax)
    year_axis(ax)
    ax.set_xlabel(f"years since annual GMV first reached {fmt.yuan(level)}")
    ax.set_ylabel("annual GMV (yuan, log scale)")
    ax.set_title(cjk(title))
    legend_outside(ax)
    ax.grid(True, alpha=0.3)
    return fig


def goal_distributions(assessments: list, *, title: str = "Forecast at the deadline") -> Figure:
    """One panel per goal: the forecast distribution of the measured quantity and the goal.

    Parameters
    ----------
    assessments : list of targets.assess.Assessment
    """
    cjk_font()
    n = len(assessments)
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 3.6 * rows), layout="constrained")
    for ax, a in zip(np.ravel(axes), assessments, strict=False):
        s = np.asarray(a.samples, dtype=float)
        s = s[s > 0]
        if len(s):
            bins = np.logspace(np.log10(s.min()), np.log10(max(s.max(), a.goal.threshold)), 40)
            # Heights as shares of the forecast paths, so panels read on one scale.
            ax.hist(s, bins=bins, color="#4C72B0", alpha=0.8, weights=np.full(len(s), 1 / len(s)))
        ax.set_xscale("log")
        ax.axvline(a.goal.threshold, color="black", linestyle="--", label="goal")
        lo, hi = ax.get_xlim()
        ax.set_xlim(min(lo, a.goal.threshold / 2), max(hi, a.goal.threshold * 2))
        if a.goal.kind == "aggregate":
            yuan_axis(ax, "x")
        else:
            count_axis(ax, "x", minor=False)
        name = textwrap.fill(fmt.goal_name(a.goal), 44)
        chance = (
            a.outcome if a.outcome is not None else f"chance met: {fmt.probability(a.probability)}"
        )
        ax.set_title(f"{name}\n{chance}", fontsize=9)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
        ax.set_ylabel("share of forecast paths", fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel(
            "yuan (log scale)"
            if a.goal.kind == "aggregate" and a.goal.currency == "CNY"
            else f"{a.goal.entity} above the threshold (log scale)"
            if a.goal.kind == "count"
            else "value (log scale)"
        )
    for ax in np.ravel(axes)[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig


def _legend_items(ax: Axes) -> tuple[list, list]:
    """The legend's handles and texts of ``ax`` (seaborn's hue legend)."""
    legend = ax.get_legend()
    if legend is None:
        return [], []
    return list(legend.legend_handles), list(legend.get_texts())


def probability_over_time(
    records: pd.DataFrame,
    *,
    names: dict[str, str] | None = None,
    ax: Axes | None = None,
    title: str = "How each goal's probability moved as data arrived",
) -> Figure:
    """Probability against as-of date, one line per goal.

    Parameters
    ----------
    records : pandas.DataFrame
        ``goal, as_of, probability`` (from :func:`targets.assess.track_record`), with
        ``band_low, band_high`` where an assumption decides the answer (drawn as bars).
    names : dict, optional
        Goal id -> the name shown (:func:`targets.formatting.goal_names`).
    """
    import matplotlib.dates as mdates
    import seaborn as sns

    fig, ax = _axes(ax, (10, 5))
    names = names or {}
    data = records.assign(goal=records["goal"].map(lambda g: names.get(g, g)))
    sns.lineplot(data=data, x="as_of", y="probability", hue="goal", marker="o", ax=ax)
    if {"band_low", "band_high"} <= set(data.columns):
        # A date whose answer an assumption decides: the band it spans, as a bar in the
        # goal's colour (the point alone would read like an evidence-driven chance).
        colours = {t.get_text(): h.get_color() for h, t in zip(*_legend_items(ax), strict=False)}
        banded = data.dropna(subset=["band_low", "band_high"])
        for goal, rows in banded.groupby("goal", sort=False):
            ax.vlines(
                rows["as_of"],
                rows["band_low"],
                rows["band_high"],
                lw=4,
                alpha=0.35,
                color=colours.get(goal, "grey"),
            )
        if len(banded):
            ax.plot([], [], lw=4, alpha=0.35, color="grey", label="range an assumption spans")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel("probability that the goal is met")
    ax.set_xlabel("as-of date (data published by then)")
    ax.set_title(cjk(title))
    ax.grid(True, alpha=0.3)
    legend_outside(ax)
    return fig


def pit_histogram(
    scores: pd.DataFrame,
    *,
    models: list[str] | None = None,
    bins: int = 5,
    ax: Axes | None = None,
    title: str = "Where the outcomes fell in the forecast distributions (PIT)",
) -> Figure:
    """Histogram of probability integral transform values, one panel per model.

    A calibrated forecast puts outcomes anywhere in its distribution equally
    often (a flat histogram at the dashed line); a hump in the middle means
    intervals too wide, a U shape too narrow, a slope a bias.

    Parameters
    ----------
    scores : pandas.DataFrame
        From :func:`targets.engine.backtest.vintage_backtest` (``model``, ``pit``).
    models : list of str, optional
        Models to show (default: all, in the frame's order).
    """
    models = models or list(dict.fromkeys(scores["model"]))
    if ax is None:
        cjk_font()
        fig, axes = plt.subplots(
            1, len(models), figsize=(2.4 * len(models) + 1, 2.8), layout="constrained", sharey=True
        )
        axes = np.atleast_1d(axes)
    else:
        fig, axes = ax.figure, np.array([ax])
        models = models[:1]
    edges = np.linspace(0, 1, bins + 1)
    for a, model in zip(axes, models, strict=False):
        pit = scores.loc[scores["model"] == model, "pit"].dropna().to_numpy(float)
        a.hist(
            pit,
            bins=edges,
            color="#4C72B0",
            alpha=0.85,
            weights=np.full(len(pit), 1.0 / max(len(pit), 1)),
        )
        a.axhline(1.0 / bins, color="black", linestyle="--", linewidth=1)
        a.set_title(f"{model} ({len(pit)} forecasts)", fontsize=9)
        a.set_xticks([0, 0.5, 1])
        a.set_xlabel("PIT")
    axes[0].set_ylabel("share of forecasts")
    axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    fig.suptitle(title)
    return fig
