"""Charts. Every function takes ``ax=None`` and returns the Figure; none calls ``plt.show()``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
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
        ax.plot(x, q[2], color=palette(i), label=f"{name} (median, 50% and 80% bands)")
    if observed is not None and len(observed):
        ax.scatter(
            observed["ds"].dt.year,
            observed["y"],
            color="black",
            zorder=3,
            s=18,
            label="published annual figures",
        )
    if goal is not None:
        ax.axhline(goal, color="black", linestyle="--", linewidth=1.2)
        ax.text(x.max(), goal * 1.08, goal_label, fontsize=9, ha="right")
    ax.set_yscale("log")
    yuan_axis(ax)
    ax.set_xlabel("calendar year")
    ax.set_ylabel("total over the year (yuan, log scale)")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
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
    ax.set_xlabel(f"years since annual GMV first reached {format_yuan(level)}")
    ax.set_ylabel("annual GMV (yuan, log scale)")
    ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return fig


def goal_distributions(assessments: list, *, title: str = "Forecast at the deadline") -> Figure:
    """One panel per goal: the forecast distribution of the measured quantity and the goal.

    Parameters
    ----------
    assessments : list of targets.assess.Assessment
    """
    n = len(assessments)
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 3.4 * rows), layout="constrained")
    for ax, a in zip(np.ravel(axes), assessments, strict=False):
        s = np.asarray(a.samples, dtype=float)
        s = s[s > 0]
        if len(s):
            bins = np.logspace(np.log10(s.min()), np.log10(max(s.max(), a.goal.threshold)), 40)
            ax.hist(s, bins=bins, color="#4C72B0", alpha=0.8)
        ax.set_xscale("log")
        ax.axvline(a.goal.threshold, color="black", linestyle="--")
        if a.goal.kind == "aggregate":
            yuan_axis(ax, "x")
        ax.set_title(f"{a.goal.id}: P = {a.probability:.0%}", fontsize=10)
        ax.set_yticks([])
        ax.set_xlabel("yuan" if a.goal.kind == "aggregate" else f"{a.goal.entity} above threshold")
    for ax in np.ravel(axes)[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig


def probability_over_time(
    records: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str = "How each goal's probability moved as data arrived",
) -> Figure:
    """Probability against as-of date, one line per goal.

    Parameters
    ----------
    records : pandas.DataFrame
        ``goal, as_of, probability`` (from :func:`targets.assess.track_record`).
    """
    import seaborn as sns

    fig, ax = _axes(ax)
    sns.lineplot(data=records, x="as_of", y="probability", hue="goal", marker="o", ax=ax)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability that the goal is met")
    ax.set_xlabel("as-of date (data published by then)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", title=None)
    return fig
