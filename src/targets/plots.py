"""Charts. Every function takes ``ax=None`` and returns the Figure; none calls ``plt.show()``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from targets.units import format_yuan


def _axes(ax: Axes | None, figsize: tuple[float, float] = (9, 5)) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax  # type: ignore[return-value]


def yuan_axis(ax: Axes, axis: str = "y") -> None:
    """Label an axis in yuan with readable suffixes (¥10B, ¥1T)."""
    fmt = FuncFormatter(lambda v, _pos: format_yuan(v, 2))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


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
        :func:`targets.observations.to_regular`.
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
    ax.set_xlabel("calendar year")
    ax.set_ylabel("total over the year (yuan, log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(title=None, fontsize="small")
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
        Money rows from :func:`targets.data.load` (``value_yuan`` not null).
    """
    fig, ax = _axes(ax)
    rows = rows[rows["value_yuan"].notna()]
    palette = plt.get_cmap("tab10")
    kinds = sorted(rows["kind"].unique())
    for i, kind in enumerate(kinds):
        sub = rows[rows["kind"] == kind]
        for _, r in sub.iterrows():
            years = ((r["period_end"] - r["period_start"]).days + 1) / 365.25
            rate = r["value_yuan"] / years
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
    ax.legend(unique.values(), unique.keys(), title="kind (dashed = reported)", fontsize="small")
    ax.set_yscale("log")
    yuan_axis(ax)
    ax.set_ylabel("annual rate over the interval (yuan per year, log scale)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return fig


def probability_bars(
    scorecard: pd.DataFrame, *, ax: Axes | None = None, title: str = "Probability each goal is met"
) -> Figure:
    """Horizontal bars of each goal's probability, with the verdict thresholds drawn.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        From :func:`targets.assess.scorecard` (``goal``, ``probability``).
    """
    from targets.assess import VERDICTS

    fig, ax = _axes(ax, (9, 4))
    data = scorecard.iloc[::-1]
    ax.barh(data["goal"], data["probability"].fillna(0.0), color="#4C72B0")
    for cut, label in VERDICTS[:-1]:
        ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
        ax.text(cut, len(data) - 0.4, f" {label} ≥ {cut:.0%}", fontsize=8, color="grey")
    for i, p in enumerate(data["probability"]):
        ax.text(
            (0.0 if p != p else p) + 0.01,
            i,
            "no forecast" if p != p else f"{p:.0%}",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("probability that the goal is met")
    ax.set_title(title)
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
    fig, ax = _axes(ax)
    for entities, part in table.groupby("entities"):
        ax.plot(part["sigma"], part["count"], label=f"{entities:,.0f} active entities")
    ax.set_yscale("log")
    ax.axhline(goal_threshold, color="black", linewidth=1.5)
    top = max(float(table["count"].max()) * 3, goal_threshold * 3)
    ax.axhspan(goal_threshold, top, color="green", alpha=0.08, label="goal met")
    ax.text(table["sigma"].min(), goal_threshold * 1.15, f"goal: {goal_threshold:,.0f}", fontsize=9)
    if prior_sigma is not None:
        ax.axvspan(*prior_sigma, color="grey", alpha=0.12, label="tail shapes assumed")
    if evidence is not None:
        for r in evidence.itertuples():
            ax.axvline(r.implied_sigma, color="tab:red", linestyle="--", linewidth=1)
            ax.text(
                r.implied_sigma,
                goal_threshold / 20,
                f" implied by\n {r.caveat[:28]}...",
                fontsize=7,
                color="tab:red",
            )
    ax.set_ylim(max(float(table["count"].min()), 0.1), top)
    ax.set_xlabel("log-normal shape σ of annual sales per entity (larger = fatter tail)")
    ax.set_ylabel("entities above the threshold (log scale)")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(True, alpha=0.3)
    return fig
