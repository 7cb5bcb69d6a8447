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
