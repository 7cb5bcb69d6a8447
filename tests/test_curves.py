"""Growth curves: integrals, parameter recovery, calibration on simulated data, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from targets.engine.curvefit import NOISE_SCALE, fit_curve
from targets.engine.curves import CURVES, exponential, integrate, logistic
from targets.errors import ForecastError
from targets.sources import data


def yearly_rows(values, start_year=2015, status="official", kind="actual"):
    starts = pd.to_datetime([f"{start_year + i}-01-01" for i in range(len(values))])
    ends = pd.to_datetime([f"{start_year + i}-12-31" for i in range(len(values))])
    return pd.DataFrame(
        {
            "period_start": starts,
            "period_end": ends,
            "base_start": pd.NaT,
            "base_end": pd.NaT,
            "value_yuan": np.asarray(values, dtype=float),
            "value_high_yuan": np.nan,
            "ratio": np.nan,
            "kind": kind,
            "status": status,
            "qualifier": "exact",
            "published": ends + pd.Timedelta(days=30),
            "row": np.arange(len(values)) + 2,
        }
    )


def test_integrals_match_closed_forms():
    th = [np.log(5.0), np.log(0.8), 3.0]
    k, b, t0 = 5.0, 0.8, 3.0

    def antiderivative(t):
        return k / b * np.log1p(np.exp(b * (t - t0)))

    got = integrate(logistic, th, [0.0, 2.0], [1.0, 6.5])
    want = antiderivative(np.array([1.0, 6.5])) - antiderivative(np.array([0.0, 2.0]))
    np.testing.assert_allclose(got, want, rtol=1e-10)
    got = integrate(exponential, [np.log(2.0), 0.5], [0.0], [3.0])
    np.testing.assert_allclose(got, [2.0 / 0.5 * (np.exp(1.5) - 1.0)], rtol=1e-10)


def test_every_curve_is_positive_and_increasing():
    t = np.linspace(-5, 15, 200)
    examples = {
        "exponential": [0.0, 0.3],
        "logistic": [np.log(10.0), np.log(0.7), 4.0],
        "gompertz": [np.log(10.0), np.log(0.5), 4.0],
        "bass": [np.log(10.0), np.log(0.03), np.log(0.5), -1.0],
    }
    for name, curve in CURVES.items():
        r = curve.rate(t, examples[name])
        assert np.all(r >= 0) and np.all(np.diff(r) >= -1e-12), name


def test_logistic_parameters_are_recovered_from_noisy_interval_totals():
    rng = np.random.default_rng(7)
    truth = np.array([np.log(1e12), np.log(0.9), 4.0])
    starts = np.arange(8.0)
    totals = integrate(logistic, truth, starts, starts + 1) * np.exp(rng.normal(0, 0.03, 8))
    fit = fit_curve(yearly_rows(totals), "logistic")
    k_hat, b_hat, t0_hat = np.exp(fit.theta[0]), np.exp(fit.theta[1]), fit.theta[2]
    assert k_hat == pytest.approx(1e12, rel=0.15)
    assert b_hat == pytest.approx(0.9, rel=0.15)
    assert t0_hat == pytest.approx(4.0, abs=0.4)
    sd = np.sqrt(np.diag(fit.cov))
    assert abs(fit.theta[2] - 4.0) < 3 * sd[2]


def test_growth_multiples_are_matched_as_ratios_of_integrals():
    # Two levels and one official ratio "3x" between 2017 and 2016: the fit must honour it.
    rows = yearly_rows([10.0, 20.0])
    ratio = rows.iloc[[1]].assign(
        period_start=pd.Timestamp("2017-01-01"),
        period_end=pd.Timestamp("2017-12-31"),
        base_start=pd.Timestamp("2016-01-01"),
        base_end=pd.Timestamp("2016-12-31"),
        value_yuan=np.nan,
        ratio=3.0,
        kind="growth_multiple",
    )
    fit = fit_curve(pd.concat([rows, ratio], ignore_index=True), "exponential")
    y16, y17 = fit.total(
        pd.to_datetime(["2016-01-01", "2017-01-01"]), pd.to_datetime(["2016-12-31", "2017-12-31"])
    )
    assert 2.0 < y17 / y16 < 3.0  # pulled from 2x (levels) towards the official 3x


def test_saturation_prior_holds_the_level_inside_its_range():
    totals = 100 * 1.5 ** np.arange(6)  # still exponential: K is not identified by data
    fit = fit_curve(yearly_rows(totals), "logistic", saturation=(2e3, 4e3))
    assert 2e3 <= np.exp(fit.theta[0]) <= 4e3
    draws = fit.sample_params(500, np.random.default_rng(0))
    assert np.all((np.exp(draws[:, 0]) >= 2e3 - 1e-6) & (np.exp(draws[:, 0]) <= 4e3 + 1e-6))


@pytest.mark.slow
def test_intervals_are_calibrated_on_simulated_curves():
    """80% intervals for the next two years hold the truth about 80% of the time.

    60 series (half exponential, half logistic, random phase and noise), six
    points each. A tolerance of [0.68, 0.92] accepts honest sampling error
    (sd ~0.04 for 120 outcomes) and rejects intervals without parameter or
    process uncertainty, which cover ~45% here.
    """
    rng = np.random.default_rng(2026)
    covered = []
    for i in range(60):
        curve = "exponential" if i % 2 else "logistic"
        if curve == "exponential":
            truth = np.array([np.log(100.0), rng.uniform(0.1, 0.6)])
        else:
            truth = np.array([np.log(1e4), np.log(rng.uniform(0.5, 1.2)), rng.uniform(2, 8)])
        sigma = rng.uniform(0.03, 0.12)
        starts = np.arange(8.0)
        totals = integrate(CURVES[curve].rate, truth, starts, starts + 1)
        totals = totals * np.exp(rng.normal(0, sigma, 8))
        fit = fit_curve(yearly_rows(totals[:6]), curve)
        future = pd.to_datetime(["2021-01-01", "2022-01-01"])
        paths = fit.sample_totals(future, future + pd.offsets.YearEnd(0), 400, rng)
        lo, hi = np.quantile(paths, [0.1, 0.9], axis=0)
        covered += list((totals[6:] >= lo) & (totals[6:] <= hi))
    assert 0.68 <= np.mean(covered) <= 0.92, np.mean(covered)


def test_fit_works_on_douyin_rows_as_published():
    rows = data.load("douyin_gmv")
    rows = rows[(rows["series_id"] == "douyin_gmv") & (rows["period_start"] >= "2020-01-01")]
    rows = rows[rows["definition"].isin(["", "closed_loop"])]
    assert {"range", "more_than", "approx"} <= set(rows["qualifier"])
    assert rows["kind"].eq("growth_multiple").any()
    fit = fit_curve(rows, "gompertz")
    kinds = set(fit.rows.kind)
    assert {"level", "lower", "ratio"} <= kinds
    # One statement relayed three ways (3.2x, +220%, +320%) enters once.
    ratio_periods = fit.rows.source.loc[fit.rows.kind == "ratio", "period_start"]
    assert not ratio_periods.duplicated().any()
    y2023 = fit.total(pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))[0]
    assert 1e12 < y2023 < 5e12


def test_curve_errors_are_clear():
    rows = yearly_rows([1.0, 2.0])
    with pytest.raises(ForecastError, match="curve must be one of 'exponential'.*got 'richards'"):
        fit_curve(rows, "richards")
    with pytest.raises(ForecastError, match="'logistic' has 3 parameters but only 2 usable"):
        fit_curve(rows, "logistic")
    with pytest.raises(ForecastError, match="saturation must be"):
        fit_curve(yearly_rows([1.0, 2.0, 4.0, 8.0]), "logistic", saturation=(5.0, 1.0))
    reversed_rows = yearly_rows([1.0, 2.0, 3.0]).assign(period_end=pd.Timestamp("2000-01-01"))
    with pytest.raises(ForecastError, match="interval ends before it starts"):
        fit_curve(reversed_rows, "exponential")


def test_noise_scale_is_explicit_and_official_weighs_more():
    assert NOISE_SCALE["official"] < NOISE_SCALE["reported"]
    official = fit_curve(yearly_rows([10.0, 20.0, 40.0], status="official"), "exponential")
    reported = fit_curve(yearly_rows([10.0, 20.0, 40.0], status="reported"), "exponential")
    assert np.all(np.diag(official.cov) < np.diag(reported.cov))


def test_noise_scales_are_read_from_dated_assumption_rows(data_copy, monkeypatch):
    from targets.engine.curvefit import noise_scale

    assert noise_scale("reported") == data.assumption("noise_scale_reported").value
    path = data_copy / "assumptions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("noise_scale_reported,0.20,", "noise_scale_reported,0.40,"))
    monkeypatch.setenv("TARGETS_DATA_DIR", str(data_copy))
    assert noise_scale("reported") == pytest.approx(0.40)
    wide = fit_curve(yearly_rows([10.0, 20.0, 40.0], status="reported"), "exponential")
    assert wide.rows.sigma[0] == pytest.approx(0.40)
    with pytest.raises(ForecastError, match="kind must be one of"):
        noise_scale("rumour")
