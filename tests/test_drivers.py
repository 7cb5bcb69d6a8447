"""Drivers: any series in its own currency, calibration on simulated series, Douyin's check."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import valid_row, write_csv
from targets.errors import DataError, ForecastError
from targets.growth import drivers, reference
from targets.sources import data
from targets.sources.vintage import open_vintage


def _rows_file(folder: Path, series_id: str, values, unit: str, start_year: int = 2015) -> Path:
    """Write simulated calendar-year totals as rows of other_platforms_gmv.csv."""
    rows = [
        valid_row(
            series_id=series_id,
            period_start=f"{start_year + i}-01-01",
            period_end=f"{start_year + i}-12-31",
            value=f"{v:.6g}",
            unit=unit,
            status="reported",
            publisher="simulation",
            source_url="http://example.org/sim",
            published=f"{start_year + i + 1}-02-01",
            quote="simulated",
        )
        for i, v in enumerate(values)
    ]
    return write_csv(folder / "other_platforms_gmv.csv", rows)


def _simulate(family: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Annual totals (billions) of a growing series from one family, with noise."""
    t = np.arange(n, dtype=float)
    level = rng.uniform(5.0, 200.0)
    g = rng.uniform(0.1, 0.6)
    noise = rng.normal(0.0, rng.uniform(0.03, 0.15), n)
    if family == "exponential":
        path = g * t + np.cumsum(rng.normal(0.0, 0.08, n))
    elif family == "damped":
        phi = rng.uniform(0.6, 0.9)
        path = np.cumsum(g * phi ** np.arange(1, n + 1)) - g * phi
    elif family == "linear":
        path = np.log1p(g * t)
    else:  # saturating (logistic), observed from before its midpoint
        k, t0 = np.log(rng.uniform(3.0, 8.0)), rng.uniform(4.0, 8.0)
        path = k - np.logaddexp(0.0, -(g + 0.3) * (t - t0))
    return level * np.exp(path + noise)


@pytest.mark.slow
def test_driver_80pct_intervals_hold_about_80pct_on_simulated_growth_series(tmp_path):
    rng = np.random.default_rng(2024)
    hits, n_obs, n_future = [], 6, 2
    for i, family in enumerate(["exponential", "damped", "linear", "saturating"] * 10):
        values = _simulate(family, n_obs + n_future, rng)
        folder = tmp_path / f"s{i}"
        folder.mkdir()
        _rows_file(folder, "sim_gmv", values[:n_obs], "CNY billion")
        rows = data.load("other_platforms_gmv", directory=folder)
        driver = drivers.series_driver("sim", rows, open_vintage(folder))
        assert driver.method.startswith("ensemble")
        draw = np.random.default_rng(i)
        for k in range(n_future):
            year = 2015 + n_obs + k
            s = driver.totals(f"{year}-01-01", f"{year}-12-31", 2000, draw)
            lo, hi = np.quantile(s, [0.1, 0.9])
            hits.append(lo <= values[n_obs + k] * 1e9 <= hi)
    coverage = float(np.mean(hits))
    print(f"80% interval coverage: {coverage:.2f} of {len(hits)}")
    assert 0.70 <= coverage <= 0.90, coverage


def test_a_us_dollar_series_is_forecast_in_us_dollars_without_douyin_rows(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder)
    (folder / "douyin_gmv.csv").unlink()  # a non-Douyin driver must not need Douyin's rows
    values = [4.0, 6.1, 9.0, 14.2, 20.5, 31.0]
    _rows_file(folder, "shop_gmv", values, "USD billion")
    vintage = open_vintage(folder)
    rows = vintage.rows("other_platforms_gmv")
    assert rows["value_yuan"].isna().all()
    driver = drivers.series_driver("Shop GMV", rows, vintage)
    assert driver.currency == "USD"
    s = driver.totals("2021-01-01", "2021-12-31", 2000, np.random.default_rng(0))
    # In dollars (not converted to yuan): around the last level grown a year.
    assert 31e9 < np.median(s) < 80e9
    # A known year comes back as published.
    known = driver.totals("2020-01-01", "2020-12-31", 10, np.random.default_rng(0))
    np.testing.assert_allclose(known, 31e9)


def test_rows_in_the_other_currency_are_left_out_not_converted():
    rows = data.load("douyin_gmv")
    own, currency = drivers.in_own_currency(rows[rows["series_id"] == "douyin_gmv"])
    assert currency == "CNY"
    assert own["value_usd"].isna().all()


def test_a_us_dollar_series_without_a_curve_is_grown_along_the_analogs_at_its_yuan_scale(
    tmp_path,
):
    """Too few dollar levels for a curve: the reference class (yuan series) is matched at the
    series' scale in yuan, at a published rate the method names, and the paths stay in dollars,
    from the base year's dollar level. Without an exchange rate the error says so."""
    rows = data.load("other_platforms_gmv")
    rows = rows[rows["series_id"] == "tiktok_shop_gmv"]
    vintage = open_vintage()
    driver = drivers.series_driver("TikTok Shop GMV", rows, vintage)
    assert driver.currency == "USD"
    assert driver.method.startswith("reference class") and "yuan per dollar" in driver.method
    base = rows[(rows["period_start"] == "2024-01-01") & (rows["kind"] == "estimate")]
    level = float(np.median(base["value"])) * 1e9  # USD billion
    totals = driver.totals(
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"), 4000, np.random.default_rng(0)
    )
    # A year of analog growth from the dollar level (never the yuan figure, 7 times larger).
    assert level < np.median(totals) < 4 * level
    goals_file = data.data_dir() / "goals.yaml"
    text = goals_file.read_text(encoding="utf-8")
    assert "\nexchange_rate:" in text
    no_rate = tmp_path / "goals.yaml"
    no_rate.write_text(
        "\n".join(x for x in text.splitlines() if not x.startswith("exchange_rate:")),
        encoding="utf-8",
    )
    without = vintage.with_goals(no_rate)
    with pytest.raises(ForecastError, match="names no exchange_rate series"):
        drivers.series_driver("TikTok Shop GMV", rows, without)


def test_reference_class_never_crosses_a_gap_nor_uses_unit_suspect_rows():
    analogs = reference.analog_series(open_vintage())
    # Kuaishou's 2018 row is flagged unit-suspect in its note: not an analog year.
    kuaishou = analogs[analogs["unique_id"] == "kuaishou_gmv"]
    assert 2018 not in set(kuaishou["ds"].dt.year)
    gap = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.to_datetime(["2010-01-01", "2011-01-01", "2013-01-01", "2014-01-01"]),
            "y": [1e11, 2e11, 8e11, 9e11],
        }
    )
    rates = reference.growth_after_scale(gap, 1e11, 1.5)
    np.testing.assert_allclose(rates["a"], [np.log(2.0)])  # stops at the 2012 gap
    # First reached the scale in 2011 (not the nearest year): growth from there.
    later = reference.growth_after_scale(gap.iloc[:2], 1.5e11, 1.5)
    assert "a" not in later  # no consecutive year after the first year at that scale
    multiples = reference.first_multiples(analogs, 1e11, 1.5)
    assert (multiples["multiple"] < 5).all()


def test_reference_class_shrinks_instead_of_repeating_the_last_rate():
    rates = {"a": np.array([1.0, 0.5]), "b": np.array([0.2, 0.2, 0.2])}
    size = reference.class_size(rates, 3)
    assert size["n_analogs"].tolist() == [2, 2, 1]
    paths = reference.sample_growth_paths(rates, 3, 400, np.random.default_rng(0), 0.05)
    third = np.diff(paths, axis=1)[:, 1]
    # Year 3 comes from "b" only (0.2 plus noise), never a repeated 0.5 from "a".
    assert abs(float(np.mean(third)) - 0.2) < 0.05
    with pytest.raises(ForecastError, match="reference class ends 3 years after"):
        reference.sample_growth_paths(rates, 4, 10, np.random.default_rng(0), 0.05)


def _douyin(vintage):
    (model,) = vintage.series_models  # the goal file's regime model of Douyin's GMV
    return model


def test_douyin_model_reproduces_its_rows_on_the_latest_data():
    vintage = open_vintage()
    model = _douyin(vintage)
    check = drivers.predictive_check(vintage, model)
    rows = data.load("douyin_gmv")
    series = {model.series.series_id, *(r.series_id for r in model.also)}
    assert len(check) == rows["series_id"].isin(series).sum()
    fitted = check[check["left_out"] == ""]
    assert (check.loc[check["left_out"] != "", "inside_95"].isna()).all()
    official = fitted[fitted["status"] == "official"]
    reported = fitted[fitted["status"] == "reported"]
    assert len(official) >= 4 and official["inside_95"].all()
    assert reported["inside_95"].mean() >= 0.9
    assert (fitted["lo-95"] <= fitted["median"]).all()
    assert (fitted["median"] <= fitted["hi-95"]).all()
    # Growth multiples are checked as multiples, levels in yuan.
    ratios = fitted[fitted["kind"] == "growth_multiple"]
    assert ratios["median"].between(1.0, 100.0).all()
    # "2021: more than ¥800B" is honoured: the driver puts 2021 mostly above it.
    d = drivers.regime_driver(vintage, model)
    y2021 = d.totals("2021-01-01", "2021-12-31", 2000, np.random.default_rng(0))
    assert np.mean(y2021 > 800e9) > 0.4
    # Rows in another definition or currency are named, not silently dropped.
    reasons = set(check["left_out"])
    assert "stated in US dollars (never converted)" in reasons
    assert "a target or forecast, not a measurement" in reasons


def test_douyin_model_as_of_the_announcement_uses_only_rows_published_by_then():
    vintage = open_vintage(as_of="2021-04-08")
    model = _douyin(vintage)
    check = drivers.predictive_check(vintage, model)
    published = data.load("douyin_gmv", "2021-04-08")
    series = {model.series.series_id, *(r.series_id for r in model.also)}
    assert len(check) == published["series_id"].isin(series).sum()
    d = drivers.regime_driver(vintage, model)
    goal_year = d.totals("2022-04-01", "2023-03-31", 2000, np.random.default_rng(0))
    lo, hi = np.quantile(goal_year, [0.1, 0.9])
    assert 0 < lo < hi and hi / lo < 50


def test_a_series_model_applies_only_once_its_break_is_known():
    # Before the break's assumption row may be used, the series gets the generic driver.
    early = open_vintage(as_of="2019-06-30")
    model = _douyin(early)
    if drivers.regime_usable(early, model):
        pytest.skip("the break's assumption row is usable at any date in this data")
    ref = model.series
    with pytest.raises(ForecastError):
        drivers.driver_for(early, ref)  # no Douyin level was published by then


def _double11(folder=None, as_of="2020-10-31"):
    from targets.sources.goals import SeriesRef

    vintage = open_vintage(folder, as_of=as_of)
    return drivers.driver_for(vintage, SeriesRef("double11_gmv", "alibaba_double11_gmv"))


def test_a_yearly_event_is_forecast_as_its_years_total_whatever_its_window():
    # Double 11 ran one day to 2019 and eleven days from 2020: the festival's total is the
    # year's, not eleven times a day's.
    d = _double11()
    assert "each year's event as one total" in d.method
    one_day = d.totals("2020-11-11", "2020-11-11", 2000, np.random.default_rng(1))
    eleven = d.totals("2020-11-01", "2020-11-11", 2000, np.random.default_rng(1))
    np.testing.assert_array_equal(one_day, eleven)
    last = 268.4e9  # the one-day festival of 2019, published on the day
    assert 0.7 < np.median(eleven) / last < 2.0
    with pytest.raises(ForecastError, match="one year's event at a time"):
        d.totals("2020-11-01", "2021-11-11", 10, np.random.default_rng(1))


def test_without_the_yearly_event_flag_a_festival_is_read_as_a_flow(data_copy):
    path = data_copy / "series.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",yes\n", ",\n"), encoding="utf-8")
    d = _double11(data_copy)
    assert "each year's event" not in d.method
    one_day = d.totals("2020-11-11", "2020-11-11", 2000, np.random.default_rng(1))
    eleven = d.totals("2020-11-01", "2020-11-11", 2000, np.random.default_rng(1))
    assert np.median(eleven) > 5 * np.median(one_day)


def test_a_yearly_event_flag_other_than_yes_is_refused(data_copy):
    path = data_copy / "series.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",yes\n", ",maybe\n", 1), encoding="utf-8")
    with pytest.raises(DataError, match="yearly_event must be 'yes' or empty"):
        _double11(data_copy)
