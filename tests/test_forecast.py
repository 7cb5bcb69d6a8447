"""The forecast contract: invariants for every model, seeds, errors, ensemble, probabilities."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.engine.forecast import DEFAULT_MODELS, forecast
from targets.engine.models import MODEL_NAMES, MODELS
from targets.errors import ForecastError

ALL_MODELS = list(MODEL_NAMES)


def growth_frame(n: int = 8, uid: str = "s", seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = 100 * np.exp(np.cumsum(rng.normal(0.25, 0.08, n)))
    return pd.DataFrame(
        {"unique_id": uid, "ds": pd.date_range("2014-01-01", periods=n, freq="YS"), "y": y}
    )


@pytest.fixture(scope="module")
def all_models_forecast():
    df = pd.concat([growth_frame(8, "a", 1), growth_frame(9, "b", 2)], ignore_index=True)
    return forecast(df, 3, models=ALL_MODELS, n_samples=300, seed=11, return_paths=True)


def test_every_model_returns_ordered_intervals(all_models_forecast):
    fc, _ = all_models_forecast
    assert list(fc.columns) == [
        "unique_id",
        "ds",
        "model",
        "mean",
        "median",
        "lo-80",
        "hi-80",
        "lo-95",
        "hi-95",
    ]
    assert set(fc["model"]) == set(ALL_MODELS)
    assert len(fc) == 2 * len(ALL_MODELS) * 3
    ordered = (
        (fc["lo-95"] <= fc["lo-80"])
        & (fc["lo-80"] <= fc["median"])
        & (fc["median"] <= fc["hi-80"])
        & (fc["hi-80"] <= fc["hi-95"])
    )
    assert ordered.all(), fc[~ordered]
    assert (fc["lo-95"] > 0).all()
    assert fc.groupby(["unique_id", "model"])["ds"].apply(lambda s: s.is_monotonic_increasing).all()


def test_same_seed_same_output_and_input_untouched():
    df = growth_frame()
    before = df.copy(deep=True)
    a = forecast(
        df, 2, models=["naive", "ets", "prophet", "logistic", "ensemble"], seed=5, n_samples=200
    )
    b = forecast(
        df, 2, models=["naive", "ets", "prophet", "logistic", "ensemble"], seed=5, n_samples=200
    )
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(df, before)
    c = forecast(df, 2, models=["naive"], seed=6, n_samples=200)
    assert not np.allclose(c["hi-80"], a[a["model"] == "naive"]["hi-80"])


def test_adding_a_model_does_not_change_the_others():
    df = growth_frame()
    alone = forecast(df, 2, models=["naive"], seed=1, n_samples=200)
    together = forecast(df, 2, models=["naive", "theta"], seed=1, n_samples=200)
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True),
        together[together["model"] == "naive"].reset_index(drop=True),
    )


def test_global_random_state_is_neither_read_nor_changed():
    np.random.seed(123)  # noqa: NPY002 (checking that we leave it alone)
    state = np.random.get_state()  # noqa: NPY002
    a = forecast(growth_frame(), 2, models=["prophet", "naive"], seed=2, n_samples=100)
    after = np.random.get_state()  # noqa: NPY002
    assert all(np.array_equal(x, y) for x, y in zip(state[1:2], after[1:2], strict=True))
    np.random.seed(999)  # noqa: NPY002
    b = forecast(growth_frame(), 2, models=["prophet", "naive"], seed=2, n_samples=100)
    pd.testing.assert_frame_equal(a, b)


def test_ensemble_leaves_out_a_model_that_cannot_fit_and_says_so():
    df = growth_frame(4)
    with pytest.warns(UserWarning, match="model 'bass' left out: model 'bass' needs at least 5"):
        fc = forecast(df, 2, models=["naive", "bass", "ensemble"], n_samples=200)
    assert set(fc["model"]) == {"naive", "ensemble"}
    assert fc.attrs["skipped"] == [
        {
            "unique_id": "s",
            "model": "bass",
            "reason": "model 'bass' needs at least 5 points; the series has 4",
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"models": ["naive"], "df": growth_frame(2)}, "model 'naive' needs at least 3 points"),
        ({"models": ["arima"], "df": growth_frame(3)}, "model 'arima' needs at least 4 points"),
        (
            {"models": ["wavenet"]},
            r"unknown model\(s\) \['wavenet'\]; available: naive, drift, ets",
        ),
        (
            {"freq": "W"},
            r"freq must be one of YS, QS, MS \(or an alias: Y, YE, A, Q, QE, M, ME\); got 'W'",
        ),
        ({"h": 0}, "h must be a whole number from 1 to 1000; got 0"),
        ({"level": (80, 120)}, "levels must be between 0 and 100"),
    ],
)
def test_documented_errors(kwargs, message):
    args = {"df": growth_frame(), "h": 2, "models": ["naive"]} | kwargs
    with pytest.raises(ForecastError, match=message):
        forecast(**args)


def test_non_positive_values_are_refused_for_log_models():
    df = growth_frame()
    df.loc[3, "y"] = 0.0
    with pytest.raises(ForecastError, match="non-positive value at 2017-01-01; the models work"):
        forecast(df, 2, models=["ets"])


def test_overlapping_and_irregular_periods_are_refused():
    df = growth_frame()
    dup = pd.concat([df, df.iloc[[2]]], ignore_index=True)
    with pytest.raises(ForecastError, match="period 2016-01-01 appears twice"):
        forecast(dup, 2, models=["naive"])
    gap = df.drop(index=4)
    with pytest.raises(
        ForecastError, match="not regular at freq 'YS': expected a period starting 2018"
    ):
        forecast(gap, 2, models=["naive"])


def test_probability_of_a_total_over_any_interval(all_models_forecast):
    _, paths = all_models_forecast
    # A window straddling the last observed year and the first forecast year.
    last = paths.history["a"].index[-1]
    start, end = (
        last + pd.DateOffset(months=6),
        last + pd.DateOffset(months=18) - pd.Timedelta(days=1),
    )
    totals = paths.total("a", "ensemble", start, end)
    observed_half = paths.history["a"].iloc[-1] * 184 / 365
    assert np.all(totals > observed_half)
    median = np.median(totals)
    p_low = paths.prob_exceeds("a", "ensemble", start, end, 0.5 * median)
    p_mid = paths.prob_exceeds("a", "ensemble", start, end, median)
    p_high = paths.prob_exceeds("a", "ensemble", start, end, 2 * median)
    assert p_low > p_mid > p_high
    assert p_mid == pytest.approx(0.5, abs=0.02)
    # A full forecast year equals that step's sample paths.
    first = paths.future["a"][0]
    np.testing.assert_allclose(
        paths.total("a", "naive", first, first + pd.offsets.YearEnd(0)),
        paths.samples[("a", "naive")][:, 0],
    )
    with pytest.raises(ForecastError, match="outside the history and horizon"):
        paths.total("a", "naive", "2040-01-01", "2040-12-31")


@pytest.mark.slow
def test_naive_intervals_are_calibrated_on_random_walks_with_drift():
    """The naive model's predictive is exact for its own process: coverage ~80%.

    300 six-point log random walks with drift; one step ahead. A tolerance of
    +-0.07 is about three binomial standard errors; intervals that ignored the
    uncertainty of the drift and variance cover ~65% here.
    """
    rng = np.random.default_rng(42)
    hits = []
    frames = []
    for i in range(300):
        mu, sigma = rng.uniform(0, 0.4), rng.uniform(0.03, 0.2)
        y = 100 * np.exp(np.cumsum(rng.normal(mu, sigma, 7)))
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": f"s{i:03d}",
                    "ds": pd.date_range("2015", periods=6, freq="YS"),
                    "y": y[:6],
                }
            )
        )
        hits.append(y[6])
    fc = forecast(pd.concat(frames), 1, models=["naive"], n_samples=400, seed=1)
    fc = fc.sort_values("unique_id")
    outcome = np.array(hits)
    cover = np.mean((outcome >= fc["lo-80"].to_numpy()) & (outcome <= fc["hi-80"].to_numpy()))
    assert 0.73 <= cover <= 0.87, cover


def test_registry_states_minimum_points():
    assert {m.name: m.min_points for m in MODELS.values()}["naive"] == 3
    assert all(m.min_points >= 3 for m in MODELS.values())


def test_quarterly_series_are_supported():
    rng = np.random.default_rng(0)
    y = 100 * np.exp(np.cumsum(rng.normal(0.05, 0.03, 12))) * np.tile([1.0, 1.1, 1.05, 1.4], 3)
    df = pd.DataFrame(
        {"unique_id": "q", "ds": pd.date_range("2021-01-01", periods=12, freq="QS"), "y": y}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fc = forecast(df, 4, freq="QS", models=["ets", "theta", "prophet"], n_samples=200)
    assert list(fc["ds"].drop_duplicates()) == list(
        pd.date_range("2024-01-01", periods=4, freq="QS")
    )


def test_cap_column_makes_prophet_and_curves_saturate():
    df = growth_frame(8)
    cap = float(df["y"].max()) * 1.5
    capped = df.assign(cap=cap)
    fc = forecast(capped, 4, models=["prophet", "logistic"], n_samples=300, seed=2)
    assert (fc[fc["model"] == "logistic"]["median"] <= cap * 1.05).all()
    assert fc[fc["model"] == "prophet"]["median"].max() <= cap * 1.05
    free = forecast(df, 4, models=["prophet"], n_samples=300, seed=2)
    assert free["median"].iloc[-1] > fc[fc["model"] == "prophet"]["median"].iloc[-1]
    with pytest.raises(ForecastError, match="cap must be a number above every y"):
        forecast(df.assign(cap=1.0), 2, models=["prophet"])


def test_degenerate_and_falling_series_do_not_poison_the_ensemble():
    flat = pd.DataFrame(
        {"unique_id": "flat", "y": [100.0] * 6, "ds": pd.date_range("2015", periods=6, freq="YS")}
    )
    falling = pd.DataFrame(
        {
            "unique_id": "fall",
            "y": [100.0, 80, 65, 50, 42, 33],
            "ds": pd.date_range("2015", periods=6, freq="YS"),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fc = forecast(
            pd.concat([flat, falling]),
            2,
            models=["naive", "drift", "ets", "theta", "logistic", "gompertz", "ensemble"],
            n_samples=300,
        )
    skipped = {(s["unique_id"], s["model"]) for s in fc.attrs["skipped"]}
    assert ("fall", "logistic") in skipped and ("fall", "gompertz") in skipped
    assert ("flat", "theta") in skipped
    ens = fc[fc["model"] == "ensemble"].set_index("unique_id")
    assert ens.loc["flat", "hi-80"].max() < 1.2 * 100 and ens.loc["flat", "lo-80"].min() > 0.8 * 100
    assert ens.loc["fall", "hi-80"].iloc[0] < 33.0  # a falling series is not forecast to rebound


SHAPES = {
    "falling": [100.0, 80, 65, 50, 42, 33],
    "flat": [100.0] * 6,
    "one-spike": [100.0, 100, 100, 1000, 100, 100],
}


def shape_frame(name: str) -> pd.DataFrame:
    y = SHAPES[name]
    return pd.DataFrame(
        {"unique_id": name, "ds": pd.date_range("2015", periods=len(y), freq="YS"), "y": y}
    )


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(SHAPES))
def test_ensemble_alone_leaves_out_members_that_refuse(shape):
    df = shape_frame(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fc = forecast(df, 3, models=["ensemble"], n_samples=200, seed=1)
    assert list(fc["model"].unique()) == ["ensemble"] and len(fc) == 3
    assert np.isfinite(fc[["mean", "median", "lo-95", "hi-95"]].to_numpy()).all()
    for rec in fc.attrs["skipped"]:
        # Each member listed as skipped refuses the series when asked for alone,
        # with the reason recorded.
        with pytest.raises(ForecastError, match=re.escape(rec["reason"])):
            forecast(df, 3, models=[rec["model"]], n_samples=50)
    if shape != "one-spike":
        assert {"logistic", "gompertz"} <= {r["model"] for r in fc.attrs["skipped"]} or not (
            {"logistic", "gompertz"} & set(DEFAULT_MODELS)
        )


def test_ensemble_alone_skips_a_refusing_curve_on_a_falling_series():
    with pytest.warns(UserWarning, match="model 'logistic' left out: the logistic curve needs"):
        fc = forecast(
            shape_frame("falling"), 2, models=["naive", "logistic", "ensemble"], n_samples=100
        )
    assert set(fc["model"]) == {"naive", "ensemble"}
    assert [r["model"] for r in fc.attrs["skipped"]] == ["logistic"]


def test_one_point_with_default_models_raises_what_a_single_model_would():
    df = growth_frame(1)
    with pytest.raises(ForecastError) as alone:
        forecast(df, 2, models=["naive"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warnings on the way to the error
        with pytest.raises(ForecastError) as default:
            forecast(df, 2)
    assert str(default.value).startswith(str(alone.value))
    assert "series 's': model 'naive' needs at least 3 points; the series has 1" in str(
        default.value
    )


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_probabilities_work_for_any_datetime_resolution(unit):
    df = growth_frame(6, uid="nbs_online_retail")
    df["ds"] = df["ds"].astype(f"datetime64[{unit}]")
    _, paths = forecast(df, 3, models=["naive", "ensemble"], n_samples=200, return_paths=True)
    p = paths.prob_exceeds("nbs_online_retail", "ensemble", "2020-04-01", "2021-03-31", 300.0)
    assert 0.0 <= p <= 1.0
    total = paths.total("nbs_online_retail", "naive", pd.Timestamp("2020-01-01"), "2020-12-31")
    np.testing.assert_allclose(total, paths.samples[("nbs_online_retail", "naive")][:, 0])
    with pytest.raises(ForecastError, match="start must be a date; got 'soon'"):
        paths.total("nbs_online_retail", "naive", "soon", "2020-12-31")


def test_seed_none_draws_fresh_entropy_and_bad_seeds_are_named():
    df = growth_frame()
    a = forecast(df, 2, models=["naive"], seed=None, n_samples=100)
    b = forecast(df, 2, models=["naive"], seed=None, n_samples=100)
    assert not np.allclose(a["hi-80"], b["hi-80"])
    with pytest.raises(ForecastError, match="seed must be a non-negative integer or None; got -1"):
        forecast(df, 2, models=["naive"], seed=-1)


def test_a_fractional_level_is_named_exactly():
    fc = forecast(growth_frame(), 2, models=["naive"], level=(80.5, 95), n_samples=200)
    assert list(fc.columns)[-4:] == ["lo-80.5", "hi-80.5", "lo-95", "hi-95"]
    assert (fc["hi-95"] >= fc["hi-80.5"]).all()
    with pytest.raises(ForecastError, match="levels must be numbers in percent"):
        forecast(growth_frame(), 2, models=["naive"], level=("high",))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e400])
def test_infinite_values_are_refused_naming_series_period_and_row(bad):
    df = growth_frame()
    df["y"] = df["y"].astype(float)
    df.loc[2, "y"] = bad
    with pytest.raises(
        ForecastError, match=r"series 's': y is not finite at 2016-01-01 \(frame row 2\)"
    ):
        forecast(df, 2, models=["naive"])


def panel_of_growth(n_series: int, n_points: int, seed: int) -> pd.DataFrame:
    """Short yearly series from several growth families (linear, exponential,
    damped, saturating, declining), each with noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        t = np.arange(n_points)
        family = i % 5
        if family == 0:
            y = 100 * (1 + rng.uniform(0.1, 1.0) * t)
        elif family == 1:
            y = 100 * np.exp(rng.uniform(0.0, 0.5) * t)
        elif family == 2:
            y = 100 * np.exp(np.cumsum(rng.uniform(0.3, 1.0) * rng.uniform(0.5, 0.9) ** t))
        elif family == 3:
            y = 1e4 / (1 + np.exp(-rng.uniform(0.4, 1.2) * (t - rng.uniform(0, 10))))
        else:
            y = 100 * np.exp(rng.uniform(-0.3, 0.0) * t)
        y = y * np.exp(np.cumsum(rng.normal(0, rng.uniform(0.02, 0.12), n_points)))
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": f"s{i:03d}",
                    "ds": pd.date_range("2010", periods=n_points, freq="YS"),
                    "y": y,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.mark.slow
def test_default_ensemble_is_calibrated_and_as_accurate_as_a_linear_drift():
    """Simulated six-point yearly series, three years ahead (not the project's data).

    80 series x 3 steps; the tolerances (+-0.08 on coverage) are about three
    standard errors for outcomes correlated within a series.
    """
    panel = panel_of_growth(80, 9, seed=7)
    train = panel.groupby("unique_id").head(6)
    test = panel.groupby("unique_id").tail(3).reset_index(drop=True)
    fc = forecast(train, 3, n_samples=400, seed=3, n_jobs=2)
    ens = fc[fc["model"] == "ensemble"].reset_index(drop=True)
    drift = fc[fc["model"] == "drift"].reset_index(drop=True)
    actual = test["y"].to_numpy()
    cover80 = np.mean((actual >= ens["lo-80"]) & (actual <= ens["hi-80"]))
    cover95 = np.mean((actual >= ens["lo-95"]) & (actual <= ens["hi-95"]))
    assert 0.72 <= cover80 <= 0.88, cover80
    assert 0.87 <= cover95 <= 0.99, cover95
    scale = train.groupby("unique_id")["y"].apply(lambda y: np.mean(np.abs(np.diff(y))))
    scale = scale.loc[test["unique_id"]].to_numpy()
    mase_ens = np.mean(np.abs(actual - ens["median"]) / scale)
    mase_drift = np.mean(np.abs(actual - drift["median"]) / scale)
    assert mase_ens <= mase_drift, (mase_ens, mase_drift)
    last = train.groupby("unique_id")["y"].last().loc[ens["unique_id"]].to_numpy()
    assert (ens["hi-95"] / last).max() < 100


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(st.floats(min_value=1e-2, max_value=1e6, allow_nan=False), min_size=4, max_size=8),
    st.integers(min_value=1, max_value=3),
)
def test_no_upper_bound_beyond_the_growth_any_record_shows(values, h):
    """Whatever the history, the 95% upper bound t years ahead stays within the
    growth cap (10^sqrt(t), at most 100; data/assumptions.csv) or the series' own record."""
    y = np.array(values)
    df = pd.DataFrame(
        {"unique_id": "p", "ds": pd.date_range("2015", periods=len(y), freq="YS"), "y": y}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fc = forecast(df, h, models=["naive", "drift", "theta", "ensemble"], n_samples=200)
    for k in range(1, h + 1):
        own = np.max(y[k:] / y[:-k])
        cap = max(min(10 ** np.sqrt(k), 100), own) * y[-1]
        assert (fc.loc[fc["ds"] == fc["ds"].unique()[k - 1], "hi-95"] <= cap * (1 + 1e-9)).all()
    if np.max(y[1:] / y[:-1]) < 10:
        assert (fc["hi-95"] < 100 * y[-1]).all()


def test_parallel_results_equal_serial_results():
    df = pd.concat([growth_frame(7, f"s{i}", i) for i in range(4)], ignore_index=True)
    serial = forecast(df, 2, models=["naive", "drift", "ensemble"], n_samples=100, n_jobs=1)
    parallel = forecast(df, 2, models=["naive", "drift", "ensemble"], n_samples=100, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_series_are_chunked_in_order_for_the_workers():
    from targets.engine.forecast import _chunks

    items = list(range(21))
    assert _chunks(items, 1) == [items]
    assert _chunks(items, None) == [items]
    parallel = _chunks(items, 2)
    assert [i for chunk in parallel for i in chunk] == items
    assert 2 < len(parallel) <= 8
    assert _chunks([], 2) == []


def test_fits_run_with_one_blas_thread_even_in_a_fresh_process():
    # SciPy's own OpenBLAS (L-BFGS-B's) loads after targets.engine.forecast; a limit set
    # before it loads would not reach it, and ETS fits then cost several times more.
    import subprocess
    import sys

    code = (
        "from threadpoolctl import threadpool_info\n"
        "from targets.engine.forecast import _one_blas_thread\n"
        "with _one_blas_thread():\n"
        "    import scipy.optimize\n"
        "    print(sorted({i['num_threads'] for i in threadpool_info() "
        "if i['user_api'] == 'blas'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1]", out.stdout + out.stderr


def test_forecast_runs_on_a_local_dask_cluster():
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask[distributed] is not installed (pip install .[dask])"
    )
    import joblib

    df = pd.concat([growth_frame(7, f"s{i}", i) for i in range(3)], ignore_index=True)
    local = forecast(df, 2, models=["naive", "drift", "ensemble"], n_samples=100, n_jobs=1)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        remote = forecast(df, 2, models=["naive", "drift", "ensemble"], n_samples=100, n_jobs=-1)
    pd.testing.assert_frame_equal(local, remote)


def test_skill_weights_favour_the_member_that_forecast_the_own_history_better():
    from targets.engine.forecast import _stable_seed
    from targets.engine.models import MODELS, Series
    from targets.engine.models.ensemble import EnsembleSettings, skill_weights

    settings = EnsembleSettings.load(["naive", "drift"])
    t = np.arange(14)
    line = Series(ds=pd.date_range("2010", periods=14, freq="YS"), y=100 + 50 * t + 0.0, freq="YS")

    def one_step(name, past, cut):
        return MODELS[name](past, 1, 200, _stable_seed(0, "line", name, str(cut)))

    w = skill_weights(line, ["drift", "naive"], one_step, settings)
    prior = settings.prior["drift"] / (settings.prior["drift"] + settings.prior["naive"])
    # A straight line: the level drift is right, the log drift overshoots.
    assert w["drift"] > prior and w["drift"] + w["naive"] == pytest.approx(1.0)
    short = Series(ds=line.ds[:6], y=line.y[:6], freq="YS")
    assert skill_weights(short, ["drift", "naive"], one_step, settings)["drift"] == (
        pytest.approx(prior)
    )


def test_mean_is_the_mean_of_the_paths_and_median_their_median():
    fc, paths = forecast(
        growth_frame(), 3, models=["naive", "drift"], n_samples=300, seed=4, return_paths=True
    )
    for model in ("naive", "drift"):
        sub = fc[fc["model"] == model]
        samples = paths.samples[("s", model)]
        np.testing.assert_allclose(sub["mean"], samples.mean(axis=0))
        np.testing.assert_allclose(sub["median"], np.median(samples, axis=0))
    naive = fc[fc["model"] == "naive"]
    assert (naive["mean"] > naive["median"]).all()  # a log-scale predictive is right-skewed


YEAR_ENDS = pd.date_range("2014-12-31", periods=8, freq="YE")
QUARTER_ENDS = pd.date_range("2021-03-31", periods=12, freq="QE")


@pytest.mark.parametrize(
    ("freq", "canonical", "ds"),
    [
        ("Y", "YS", YEAR_ENDS),
        ("YE", "YS", YEAR_ENDS),
        ("A", "YS", YEAR_ENDS),
        ("YS", "YS", YEAR_ENDS),
        ("Q", "QS", QUARTER_ENDS),
        ("QE", "QS", QUARTER_ENDS),
        ("QS", "QS", QUARTER_ENDS),
    ],
)
def test_pandas_aliases_and_period_end_stamps_are_normalised(freq, canonical, ds):
    """Issue 24: pandas' yearly/quarterly aliases and period-END stamps give the same
    forecast as period starts with "YS"/"QS", stamped by period start."""
    rng = np.random.default_rng(0)
    y = 100 * np.exp(np.cumsum(rng.normal(0.1, 0.05, len(ds))))
    ends = pd.DataFrame({"unique_id": "s", "ds": ds, "y": y})
    starts = ends.assign(ds=ends["ds"].dt.to_period(canonical[0]).dt.start_time)
    a, paths = forecast(
        ends, 2, freq=freq, models=["naive", "drift"], n_samples=100, return_paths=True
    )
    b = forecast(starts, 2, freq=canonical, models=["naive", "drift"], n_samples=100)
    pd.testing.assert_frame_equal(a, b)
    assert paths.freq == canonical
    assert paths.history["s"].index[0] == starts["ds"].iloc[0]
    assert a["ds"].iloc[0] == pd.date_range(starts["ds"].iloc[-1], periods=2, freq=canonical)[1]


def test_mid_period_stamps_are_still_refused():
    df = growth_frame().assign(ds=pd.date_range("2014-06-30", periods=8, freq="12MS"))
    df.loc[3, "ds"] = pd.Timestamp("2017-07-15")
    with pytest.raises(ForecastError, match="not regular at freq 'YS'"):
        forecast(df, 2, freq="Y", models=["naive"])


def test_no_95_bound_above_100x_the_last_value_on_a_series_multiplying_from_small():
    """Issue 22: members on logs extrapolate a decaying early growth rate; no 95% bound
    may pass 100 times the last value beyond what the series itself has shown."""
    y = np.array([0.05, 0.2, 0.6, 1.5, 3.0, 5.0])
    df = pd.DataFrame({"unique_id": "m", "ds": pd.date_range("2015", periods=6, freq="YS"), "y": y})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fc = forecast(df, 6, n_samples=500, seed=1)
    for k in range(1, 7):
        own = np.max(y[k:] / y[:-k]) if k < len(y) else 0.0
        step = fc[fc["ds"] == fc["ds"].unique()[k - 1]]
        assert (step["hi-95"] <= max(100.0, own) * y[-1] * (1 + 1e-9)).all(), step
    ens = fc[fc["model"] == "ensemble"]
    naive = fc[fc["model"] == "naive"]
    # The series grows on levels by its own evidence: the ensemble does not follow
    # the log drift's compounding.
    assert (ens["hi-95"].to_numpy() < naive["hi-95"].to_numpy()).all()
    assert ens["median"].iloc[-1] < 10 * y[-1]


def test_a_member_whose_one_step_errors_explode_gets_no_weight():
    """A jump from 0.01 to 100 followed by a straight line: the log drift's growth
    rate carries the jump, so its one-step forecasts double the outcome every year;
    the level drift misses by a few percent. Real members, real fits."""
    from targets.engine.forecast import _stable_seed
    from targets.engine.models import MODELS, Series
    from targets.engine.models.ensemble import EnsembleSettings, skill_weights

    members = ["drift", "naive", "theta"]
    settings = EnsembleSettings.load(members)
    y = np.concatenate([[0.01], 100.0 + 2.0 * np.arange(13)])
    s = Series(ds=pd.date_range("2010", periods=len(y), freq="YS"), y=y, freq="YS")

    def one_step(name, past, cut):
        return MODELS[name](past, 1, 200, _stable_seed(0, "jump", name, str(cut)))

    w = skill_weights(s, members, one_step, settings)
    assert w["naive"] == 0.0
    assert w["drift"] > 0 and w["theta"] > 0
    assert sum(w.values()) == pytest.approx(1.0)


def test_ensemble_leaves_out_the_member_bound_to_the_other_scale():
    from targets.engine.models import Series
    from targets.engine.models.base import grows_on_logs
    from targets.engine.models.ensemble import EnsembleSettings, ensemble_paths

    settings = EnsembleSettings.load(["naive", "drift"])
    rng = np.random.default_rng(0)
    fitted = {"naive": rng.uniform(1, 2, (50, 2)), "drift": rng.uniform(1, 2, (50, 2))}
    for y, dropped in (
        (np.array([10.0, 20, 31, 39, 51, 60]), "naive"),
        (np.array([1.0, 2.0, 4.1, 7.9, 16.2, 31.8]), "drift"),
    ):
        s = Series(ds=pd.date_range("2010", periods=6, freq="YS"), y=y, freq="YS")
        paths, weights = ensemble_paths(s, fitted, None, settings, np.random.default_rng(1))
        assert weights[dropped] == 0.0 and paths.shape == (50, 2)
        assert grows_on_logs(y) == (dropped == "drift")


def test_combination_stays_inside_the_members_envelope_and_spreads_as_they_disagree():
    """Real fits of drift, ets and theta on one short series: at every step the
    combined median lies between the members' medians, every combined quantile
    between the members' smallest and largest samples, and the combined 95%
    interval is at least as wide as the narrowest member's (disagreement widens it)."""
    from targets.engine.forecast import _stable_seed
    from targets.engine.models import MODELS, Series
    from targets.engine.models.ensemble import combine

    y = np.array([100.0, 112.0, 119.0, 135.0, 138.0, 151.0])
    s = Series(ds=pd.date_range("2010", periods=6, freq="YS"), y=y, freq="YS")
    fitted = {m: MODELS[m](s, 3, 400, _stable_seed(0, "env", m)) for m in ("drift", "ets", "theta")}
    weights = {"drift": 0.5, "ets": 0.3, "theta": 0.2}
    paths = combine(fitted, weights, on_logs=False, rng=np.random.default_rng(0))
    assert paths.shape == (400, 3) and np.all(paths > 0)
    medians = np.array([np.median(p, axis=0) for p in fitted.values()])
    med = np.median(paths, axis=0)
    assert np.all(med >= medians.min(axis=0) - 1e-9) and np.all(med <= medians.max(axis=0) + 1e-9)
    low = np.min([p.min(axis=0) for p in fitted.values()], axis=0)
    high = np.max([p.max(axis=0) for p in fitted.values()], axis=0)
    assert np.all(paths >= low - 1e-9) and np.all(paths <= high + 1e-9)
    width = np.diff(np.quantile(paths, [0.025, 0.975], axis=0), axis=0)[0]
    member_widths = [
        np.diff(np.quantile(p, [0.025, 0.975], axis=0), axis=0)[0] for p in fitted.values()
    ]
    assert np.all(width >= np.min(member_widths, axis=0) * 0.98)


def test_the_log_scale_needs_clear_evidence_under_the_calibrated_ratio():
    """A series whose log drift forecast its own past only slightly better than the
    level drift stays on levels once the log drift must win by the ratio; a series
    that multiplied steadily still grows on logs."""
    from targets.engine.models.base import drift_point_errors, grows_on_logs
    from targets.engine.models.ensemble import EnsembleSettings

    ratio = EnsembleSettings.load(["naive", "drift"]).log_evidence_ratio
    assert grows_on_logs(np.array([1.0, 2.0, 4.1, 7.9, 16.2, 31.8]), ratio)
    y = np.array([100.0, 110.0, 122.0, 133.0, 147.0, 160.0])
    e_log, e_lev = drift_point_errors(y)
    share = e_log.sum() / e_lev.sum()
    assert grows_on_logs(y, share * 1.01) and not grows_on_logs(y, share * 0.99)
