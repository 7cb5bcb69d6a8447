"""Charts follow the house rules: one unit style per axis, goal inside the axes, integer years."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from targets.report import plots


def _tick_labels(axis) -> list[str]:
    fig = axis.figure
    fig.canvas.draw()
    major = [t.get_text() for t in axis.get_majorticklabels()]
    minor = [t.get_text() for t in axis.get_minorticklabels()]
    return [t for t in major + minor if t]


def test_fan_chart_keeps_goal_inside_and_one_unit_style_with_integer_years():
    years = pd.date_range("2019-01-01", periods=5, freq="YS")
    rng = np.random.default_rng(0)
    samples = 3e12 * np.exp(rng.normal(0, 0.1, (200, 5)) + np.arange(5) * 0.1)
    fig = plots.fan_chart(years, {"market": samples}, goal=9.5e12, goal_label="goal ¥9.5T")
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert lo < 9.5e12 < hi
    labels = _tick_labels(ax.yaxis)
    assert labels and all(t.startswith("¥") for t in labels), labels
    assert not any(re.search(r"10\^|×|\$", t) for t in labels), labels
    years_shown = _tick_labels(ax.xaxis)
    assert all(re.fullmatch(r"\d{4}", t) for t in years_shown), years_shown
    legend = ax.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().x0 >= ax.bbox.x1  # beside the axes
    plt.close(fig)


def test_count_sensitivity_draws_a_goal_below_every_curve_inside_the_axes():
    sigma = np.linspace(1.0, 3.0, 9)
    table = pd.concat(
        [
            pd.DataFrame({"sigma": sigma, "entities": n, "count": n * 0.2 / sigma})
            for n in (1_000_000.0, 1_732_051.0)
        ]
    )
    fig = plots.count_sensitivity(table, 100_000.0, prior_sigma=(1.5, 2.5))
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert lo < 100_000 < hi  # the goal line is on the chart even below every curve
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "1.7 million active entities" in legend
    assert "fatter tail" not in ax.get_xlabel()
    plt.close(fig)


def test_chinese_text_is_dropped_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    assert plots.cjk("雙11 Double 11 (節)") == "11 Double 11"
    assert plots.cjk("Douyin") == "Douyin"


@pytest.mark.skipif(plots.cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")
def test_chinese_text_renders_in_the_cjk_font(recwarn):
    fig, ax = plt.subplots()
    ax.set_title(plots.cjk("抖音电商 Douyin"))
    fig.canvas.draw()  # a missing glyph warns (and fails: filterwarnings=error)
    plt.close(fig)


def _tornado(base: float, swing: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "input": ["goal-year GMV", "tail index"],
            "p_low": [base - swing, base - swing / 2],
            "p_high": [base + swing, base + swing / 2],
        }
    )


def test_tornado_panels_one_per_goal_and_a_pinned_probability_is_said_not_left_blank():
    from targets.report import plots_counts

    fig = plots_counts.tornado_panels(
        [("moved", _tornado(0.4, 0.3), 0.4), ("pinned", _tornado(0.9995, 0.0004), 0.9995)]
    )
    moved, pinned = fig.axes
    assert [moved.get_title(), pinned.get_title()] == ["moved", "pinned"]
    said = [t.get_text() for t in pinned.texts]
    assert said and ">99%" in said[0] and not moved.texts
    assert len(fig.legends) == 1  # one legend for every panel
    plt.close(fig)


def test_lorenz_curves_draw_one_labelled_median_per_population():
    from targets.report import plots_counts

    x = np.linspace(0, 1, 11)
    lz = pd.DataFrame({"entities_share": x, "sales_share": x**3, "lo_80": x**4, "hi_80": x**2})
    fig = plots_counts.lorenz_curves({"merchants": lz, "creators": lz.assign(sales_share=x**2)})
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert [lb.split(":")[0] for lb in labels] == ["merchants", "creators", "equal sales"]
    plt.close(fig)
