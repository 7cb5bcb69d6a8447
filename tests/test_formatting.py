"""The presentation layer: every number prints as a reader expects, never as a raw frame."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets import formatting as fmt
from targets.sources import goals


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, "<1%"),
        (0.004, "<1%"),
        (0.005, "<1%"),
        (0.01, "1%"),
        (0.99, "99%"),
        (0.21, "21%"),
        (0.994, ">99%"),
        (0.995, ">99%"),
        (1.0, ">99%"),
        (float("nan"), "—"),
        (None, "—"),
    ],
)
def test_probability_never_prints_certainty(p, expected):
    assert fmt.probability(p) == expected


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        (4.9e12, "¥4.9T"),
        (4.69e12, "¥4.7T"),
        (8.4e11, "¥840B"),
        (1.01e11, "¥100B"),
        (3e6, "¥3M"),
        (np.nan, "—"),
    ],
)
def test_yuan_has_a_suffix_and_two_significant_digits(v, expected):
    assert fmt.yuan(v) == expected


def test_counts_have_separators_and_modelled_counts_no_false_precision():
    assert fmt.count(3000000.0) == "3,000,000"
    assert fmt.approx_count(1732051) == "1.7 million"
    assert fmt.approx_count(15811388) == "16 million"
    assert fmt.approx_count(639.4) == "640"
    assert fmt.approx_count(2.4e9) == "2.4 billion"


@given(st.floats(min_value=-1e16, max_value=1e16, allow_nan=False))
def test_no_formatter_prints_scientific_notation(v):
    for name in ("yuan", "count", "approx_count", "number", "percent", "ratio"):
        out = fmt.FORMATTERS[name](v)
        assert not re.search(r"\de[+-]?\d", out), (name, v, out)
        assert "nan" not in out.lower()


def test_table_has_no_index_formats_each_column_and_wraps_text():
    frame = pd.DataFrame(
        {
            "goal": ["a", "b"],
            "probability": [0.0, 0.507],
            "median": [4.9e12, np.nan],
            "entities": [3000000.0, 12.0],
            "caveat": ["a selected population (new brands), another platform " * 3, None],
        },
        index=[7, 9],
    )
    before = frame.copy()
    html = fmt.table(
        frame,
        {
            "goal": "text",
            "probability": "probability",
            "median": "yuan",
            "entities": "count",
            "caveat": "text",
        },
        headers={"median": "forecast median (yuan)"},
    ).to_html()
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    assert [c.strip() for c in cells[:5]] == ["a", "&lt;1%", "¥4.9T", "3,000,000", cells[4].strip()]
    assert "51%" in html and "—" in html
    assert "forecast median (yuan)" in html
    assert "e+12" not in html and "NaN" not in html and "None" not in html
    assert "..." not in html and html.count("another platform") == 3
    assert "white-space: normal" in html
    assert not re.search(r'<th[^>]*class="[^"]*row_heading', html), "index column shown"


def test_table_names_a_missing_column():
    with pytest.raises(KeyError, match=r"column\(s\) \['nope'\] not in the frame"):
        fmt.table(pd.DataFrame({"a": [1]}), {"nope": "count"})


def test_every_goal_has_a_plain_language_name():
    names = fmt.goal_names()
    assert set(names) == {g.id for g in goals.load()}
    for gid, name in names.items():
        assert "_" not in name, (gid, name)
        assert any(ch.isdigit() for ch in name), (gid, name)  # the threshold is in the name
    merchants = goals.get("merchants_100m")
    assert fmt.goal_name(merchants).startswith(f"{merchants.threshold:,.0f} merchants")
