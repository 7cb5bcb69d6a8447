"""Exact conversion of interval totals to regular series; nothing interpolated."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import valid_row, write_csv
from targets.errors import DataError
from targets.sources import data
from targets.sources.observations import annual_panel, to_regular


def frame(tmp_path, rows):
    write_csv(tmp_path / "nbs_retail.csv", rows)
    return data.load("nbs_retail", directory=tmp_path)


def ytd(end: str, value: str, published: str) -> dict[str, str]:
    return valid_row(period_end=end, value=value, published=published, source_url=f"http://x/{end}")


def test_year_to_date_differences_give_quarters(tmp_path):
    rows = [
        ytd("2021-03-31", "100", "2021-04-20"),
        ytd("2021-06-30", "250", "2021-07-20"),
        ytd("2021-09-30", "420", "2021-10-20"),
        ytd("2021-12-31", "600", "2022-01-20"),
        ytd("2021-05-31", "170", "2021-06-20"),  # not a quarter end: ignored for QS
    ]
    rows = [dict(r, period_start="2021-01-01") for r in rows]
    q = to_regular(frame(tmp_path, rows), "nbs_online_retail", "QS")
    assert list(q["ds"].dt.month) == [1, 4, 7, 10]
    assert list(q["y"] / 1e8) == pytest.approx([100, 150, 170, 180])
    assert list(q["method"]) == ["reported", "ytd_difference", "ytd_difference", "ytd_difference"]
    assert q["y"].sum() == pytest.approx(600e8)


def test_missing_year_to_date_leaves_a_gap_not_an_interpolation(tmp_path):
    rows = [
        dict(ytd("2021-03-31", "100", "2021-04-20"), period_start="2021-01-01"),
        dict(ytd("2021-09-30", "420", "2021-10-20"), period_start="2021-01-01"),
    ]
    q = to_regular(frame(tmp_path, rows), "nbs_online_retail", "QS")
    assert list(q["ds"]) == [pd.Timestamp("2021-01-01")]


def test_four_quarters_sum_to_a_year_only_when_all_four_exist(tmp_path):
    quarters = [("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31")]
    rows = [
        valid_row(
            period_start=f"2022-{a}",
            period_end=f"2022-{b}",
            value=str(10 * (i + 1)),
            published="2023-03-01",
            source_url=f"http://q/{i}",
        )
        for i, (a, b) in enumerate(quarters)
    ]
    rows += [
        valid_row(
            period_start="2023-01-01",
            period_end="2023-03-31",
            value="7",
            published="2023-05-01",
            source_url="http://q/2023",
        )
    ]
    y = to_regular(frame(tmp_path, rows), "nbs_online_retail", "YS")
    assert list(y["ds"]) == [pd.Timestamp("2022-01-01")]
    assert y.loc[0, "y"] == pytest.approx(100e8)
    assert y.loc[0, "method"] == "sum_of_quarters"


def test_official_figure_wins_then_latest(tmp_path):
    rows = [
        valid_row(value="100", status="reported", published="2021-02-01", source_url="http://a"),
        valid_row(value="101", status="official", published="2021-01-18", source_url="http://b"),
        valid_row(value="102", status="reported", published="2021-03-01", source_url="http://c"),
    ]
    df = frame(tmp_path, rows)
    assert to_regular(df, "nbs_online_retail").loc[0, "y"] == pytest.approx(101e8)
    assert to_regular(df, "nbs_online_retail", pick="latest").loc[0, "y"] == pytest.approx(102e8)
    assert to_regular(df, "nbs_online_retail").loc[0, "n_sources"] == 3


def test_bounds_and_forecasts_are_not_data_points(tmp_path):
    rows = [
        valid_row(qualifier="more_than", source_url="http://a"),
        valid_row(kind="forecast", published="2020-06-01", source_url="http://b"),
    ]
    assert to_regular(frame(tmp_path, rows), "nbs_online_retail").empty


def test_unknown_series_and_frequency_are_errors(tmp_path):
    df = frame(tmp_path, [valid_row()])
    with pytest.raises(DataError, match="series 'nope' not found; available: nbs_online_retail"):
        to_regular(df, "nope")
    with pytest.raises(DataError, match="freq must be one of 'YS', 'QS', 'MS'; got 'W'"):
        to_regular(df, "nbs_online_retail", "W")


def test_real_nbs_series_is_regular_and_in_prophet_convention():
    s = to_regular(data.load("nbs_retail"), "nbs_online_retail", "YS")
    assert list(s.columns[:3]) == ["unique_id", "ds", "y"]
    assert s["ds"].is_monotonic_increasing and s["ds"].dt.is_year_start.all()
    assert len(s) >= 8
    assert (s["y"] > 1e12).all()


def test_annual_panel_respects_as_of():
    early = annual_panel([("nbs_retail", "nbs_online_retail")], "2021-04-08")
    assert early["ds"].max() == pd.Timestamp("2020-01-01")
