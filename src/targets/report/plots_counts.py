"""Charts of count goals: predictive check, Lorenz curve, tornado (ax=None, return the Figure)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from targets import formatting as fmt
from targets.report import plots
from targets.report.plots import _axes


def predictive_check(
    table: pd.DataFrame, *, ax: Axes | None = None, title: str = "Published against fitted"
) -> Figure:
    """Each evidence row: the published figure against the model's 80% predictive interval.

    Parameters
    ----------
    table : pandas.DataFrame
        ``CountDetail.predictive`` (``label, value, median, lo_80, hi_80, role,
        hindsight``); rows without a prediction are left out.
    """
    rows = table[table["median"].notna()].reset_index(drop=True)
    fig, ax = _axes(ax, figsize=(9, 0.6 * max(len(rows), 2) + 1.5))
    y = np.arange(len(rows))
    ratio = rows["value"] / rows["median"]
    ax.hlines(
        y,
        rows["lo_80"] / rows["median"],
        rows["hi_80"] / rows["median"],
        color="tab:blue",
        linewidth=4,
        alpha=0.5,
        label="model 80% interval",
    )
    if "held_lo_80" in rows:  # the interval the rest of the evidence gives (held out)
        held = rows["held_lo_80"].notna()
        ax.hlines(
            y[held] + 0.22,
            rows.loc[held, "held_lo_80"] / rows.loc[held, "median"],
            rows.loc[held, "held_hi_80"] / rows.loc[held, "median"],
            color="dimgrey",
            linewidth=1.2,
            label="80% interval with the row held out",
        )
    later = rows["hindsight"].astype(bool).to_numpy()
    bound = (rows["role"] == "lower_bound").to_numpy()
    # One marker style per kind of row, each named in the legend only when it is drawn.
    kinds = [
        (~later & ~bound, "o", "black", "published figure (fitted)"),
        (~later & bound, ">", "black", "published lower bound (fitted)"),
        (later & ~bound, "o", "tab:orange", "published later (not fitted)"),
        (later & bound, ">", "tab:orange", "lower bound published later (not fitted)"),
    ]
    for mask, marker, colour, label in kinds:
        if mask.any():
            ax.scatter(ratio[mask], y[mask], color=colour, marker=marker, zorder=3, label=label)
    ax.axvline(1.0, color="grey", linewidth=0.8)
    ax.set_xscale("log")
    plots.ratio_axis(ax, "x")
    # Wrapped, never cut: a label's end (the period) is part of what it says.
    ax.set_yticks(y, [textwrap.fill(str(s), 48) for s in rows["label"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("published figure / model median (log scale)")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def _lorenz_frame(ax: Axes, title: str) -> None:
    """Axes of a concentration chart: the largest entities (log scale) and the sales they hold.

    A Lorenz curve turned around: on a log scale of the share of entities, largest first, the
    few entities a heavy tail gives most sales are spread out instead of packed in a corner.
    """
    x = np.logspace(-5, 0, 50)
    ax.plot(x, x, color="grey", linestyle="--", linewidth=0.8, label="equal sales")
    ax.set_xscale("log")
    ax.set_xlim(1e-5, 1)
    ax.set_ylim(0, 1.02)
    # Shares down to 0.001%: printed with as many decimals as they need, never "0%".
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:g}%"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.percent(v)))
    ax.set_xlabel("share of entities, largest first (log scale)")
    ax.set_ylabel("share of sales they hold")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(True, alpha=0.3)


def _from_top(lorenz: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A Lorenz frame as (share of entities from the top, share of sales they hold)."""
    keep = lorenz["entities_share"].to_numpy(dtype=float) < 1
    top = 1.0 - lorenz["entities_share"].to_numpy(dtype=float)[keep]
    held = {
        c: 1.0 - lorenz[c].to_numpy(dtype=float)[keep] for c in ("sales_share", "lo_80", "hi_80")
    }
    return top, held


def lorenz_curve(
    lorenz: pd.DataFrame, *, ax: Axes | None = None, title: str = "Concentration of sales"
) -> Figure:
    """Share of sales held by the largest entities (median and 80% band of the fit).

    ``lorenz`` is a Lorenz frame (``entities_share, sales_share, lo_80, hi_80``, smallest
    first); it is drawn from the top, on a log scale of the share of entities.
    """
    fig, ax = _axes(ax, figsize=(6, 5))
    top, held = _from_top(lorenz)
    ax.fill_between(top, held["hi_80"], held["lo_80"], alpha=0.25, label="80% band")
    ax.plot(top, held["sales_share"], label="median")
    _lorenz_frame(ax, title)
    return fig


def tornado(
    table: pd.DataFrame,
    base: float,
    *,
    ax: Axes | None = None,
    title: str = "Which input decides it",
) -> Figure:
    """Probability with one input at its 10th and at its 90th percentile, the others drawn.

    Parameters
    ----------
    table : pandas.DataFrame
        ``CountDetail.tornado`` (``input, p_low, p_high``), largest swing first.
    base : float
        The probability with every input drawn (a vertical line).
    """
    fig, ax = _axes(ax, figsize=(8, 0.6 * max(len(table), 2) + 1.5))
    y = np.arange(len(table))
    lo, hi = table["p_low"].to_numpy(), table["p_high"].to_numpy()
    ax.barh(y, hi - base, left=base, color="tab:green", alpha=0.6, label="input at its 90th pct")
    ax.barh(y, lo - base, left=base, color="tab:red", alpha=0.6, label="input at its 10th pct")
    ax.axvline(base, color="black", linewidth=1)
    if len(table) and np.nanmax(np.abs(np.r_[lo, hi] - base)) < 0.01:
        # Bars too short to see (a probability pinned near 0 or 1): say so, not a blank panel.
        ax.text(
            0.5,
            0.5,
            "no single input at its 10th or 90th percentile moves the probability "
            f"from {fmt.probability(base)}",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize="small",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9},
        )
    ax.set_yticks(y, list(table["input"]))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("size model's probability that the goal is met (before calibration)")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def lorenz_curves(
    curves: dict[str, pd.DataFrame],
    *,
    ax: Axes | None = None,
    title: str = "Concentration of sales",
) -> Figure:
    """Several populations' concentration on one chart (median and 80% band of each fit).

    Parameters
    ----------
    curves : dict of str to pandas.DataFrame
        Legend label (the population, e.g. ``"merchants"``) to a
        ``CountDetail.lorenz`` frame (``entities_share, sales_share, lo_80, hi_80``), drawn
        as the share of sales held by the largest entities (log scale).
    """
    fig, ax = _axes(ax, figsize=(6.5, 5))
    styles = ["-", "--", "-.", ":"]
    for i, (label, lorenz) in enumerate(curves.items()):
        colour = f"C{i}"
        top, held = _from_top(lorenz)
        # Bands drawn as thin dotted outlines: filled bands of similar fits hide one another.
        for edge in ("lo_80", "hi_80"):
            ax.plot(top, held[edge], color=colour, linewidth=0.8, alpha=0.5, linestyle=":")
        ax.plot(
            top,
            held["sales_share"],
            color=colour,
            linewidth=2,
            linestyle=styles[i % len(styles)],
            label=f"{label}: median (dotted: 80% band)",
        )
    _lorenz_frame(ax, title)
    return fig


def tornado_panels(
    panels: list[tuple[str, pd.DataFrame, float]], *, title: str = "Which input decides it"
) -> Figure:
    """One :func:`tornado` per goal, stacked with a shared probability axis.

    Parameters
    ----------
    panels : list of (str, pandas.DataFrame, float)
        ``(panel title, CountDetail.tornado, probability with every input drawn)``.
    """
    import matplotlib.pyplot as plt

    from targets.report.plots import cjk_font

    cjk_font()
    heights = [max(len(t), 2) * 0.32 + 0.6 for _, t, _ in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(8, sum(heights) + 1.0),
        sharex=True,
        layout="constrained",
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (name, table, base) in zip(axes[:, 0], panels, strict=True):
        tornado(table, base, ax=ax, title=name)
        ax.set_xlabel("")
        ax.set_title(name, fontsize="medium")
        ax.get_legend().remove()  # one legend for all panels, under the last
    axes[-1, 0].set_xlabel(
        "size model's probability that the goal is met, before calibration (black line: "
        "every input drawn)"
    )
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize="small")
    fig.suptitle(title)
    return fig
