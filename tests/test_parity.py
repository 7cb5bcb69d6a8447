"""The wrappers agree with calling statsmodels and Prophet directly."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from targets.engine.forecast import forecast


def series(n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    y = 50 * np.exp(np.cumsum(rng.normal(0.3, 0.06, n)))
    return pd.DataFrame(
        {"unique_id": "p", "ds": pd.date_range("2012", periods=n, freq="YS"), "y": y}
    )


def ours(model: str, df: pd.DataFrame, h: int = 3) -> np.ndarray:
    fc = forecast(df, h, models=[model], n_samples=2000, seed=0)
    return fc["median"].to_numpy()


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def test_ets_matches_statsmodels_with_aicc_choice():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    df = series()
    log_y = np.log(df["y"].to_numpy())
    specs = [
        {"trend": None, "damped_trend": False},
        {"trend": "add", "damped_trend": False},
        {"trend": "add", "damped_trend": True},
    ]
    fits = [
        quietly(
            ETSModel(log_y, error="add", initialization_method="estimated", **s).fit, disp=False
        )
        for s in specs
    ]
    best = min(fits, key=lambda r: r.aicc)
    direct = np.exp(best.forecast(3))
    np.testing.assert_allclose(ours("ets", df), direct, rtol=0.03)


def test_arima_matches_statsmodels():
    from statsmodels.tsa.arima.model import ARIMA

    df = series(5)  # five points: only ARIMA(0,1,0) with drift is tried
    res = quietly(ARIMA(np.log(df["y"].to_numpy()), order=(0, 1, 0), trend="t").fit)
    np.testing.assert_allclose(ours("arima", df), np.exp(res.forecast(3)), rtol=0.03)


def test_theta_matches_statsmodels():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    df = series()
    res = quietly(ThetaModel(np.log(df["y"].to_numpy()), period=1, deseasonalize=False).fit)
    np.testing.assert_allclose(ours("theta", df), np.exp(res.forecast(3)), rtol=0.03)


@pytest.mark.slow
# Prophet itself calls DataFrame.drop(inplace=True), deprecated in pandas 3.1.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame")
def test_prophet_matches_a_direct_prophet_fit():
    from prophet import Prophet

    df = series()
    m = Prophet(
        growth="linear",
        yearly_seasonality=False,
        weekly_seasonality=False,
        daily_seasonality=False,
        n_changepoints=2,
        changepoint_range=0.8,
        uncertainty_samples=0,
    )
    m.fit(pd.DataFrame({"ds": df["ds"], "y": np.log(df["y"])}))
    future = pd.DataFrame({"ds": pd.date_range("2020", periods=3, freq="YS")})
    direct = np.exp(m.predict(future)["yhat"].to_numpy())
    np.testing.assert_allclose(ours("prophet", df), direct, rtol=0.05)


def test_prophet_fits_print_nothing(capfd):
    forecast(series(), 2, models=["prophet"], n_samples=50)
    captured = capfd.readouterr()
    assert "cmdstanpy" not in captured.err and "INFO" not in captured.err
    assert "Importing plotly failed" not in captured.err + captured.out


def linear_series(n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(6)
    y = 100 + 20 * np.arange(n) + rng.normal(0, 3, n)
    return pd.DataFrame(
        {"unique_id": "p", "ds": pd.date_range("2012", periods=n, freq="YS"), "y": y}
    )


def test_ets_and_theta_work_on_levels_when_the_series_grows_on_levels():
    """A straight line: the series' own evidence picks levels, and the wrappers then
    agree with statsmodels fitted to the levels themselves."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.forecasting.theta import ThetaModel

    from targets.engine.models.base import grows_on_logs

    df = linear_series()
    y = df["y"].to_numpy()
    assert not grows_on_logs(y)
    assert grows_on_logs(series()["y"].to_numpy())
    fits = [
        quietly(
            ETSModel(
                y, error="add", trend=t, damped_trend=d, initialization_method="estimated"
            ).fit,
            disp=False,
        )
        for t, d in ((None, False), ("add", False), ("add", True))
    ]
    best = min(fits, key=lambda r: r.aicc)
    np.testing.assert_allclose(ours("ets", df), best.forecast(3), rtol=0.03)
    theta = quietly(ThetaModel(y, period=1, deseasonalize=False).fit)
    np.testing.assert_allclose(ours("theta", df), theta.forecast(3), rtol=0.03)
