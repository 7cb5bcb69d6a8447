"""Charts follow the house rules: one unit style per axis, goal inside the axes, integer years."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from targets import plots


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
