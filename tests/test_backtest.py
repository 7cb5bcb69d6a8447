"""Metrics on hand-checkable numbers; backtests that are deterministic in parallel."""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest

from targets.engine import backtest, metrics
from targets.errors import ForecastError
from targets.sources import data
from targets.sources.observations import contiguous_tail, to_regular


def test_metrics_known_answers():
    assert metrics.mase([5.0, 7.0], [4.0, 9.0], [1.0, 3.0, 5.0]) == pytest.approx(0.75)
    assert metrics.smape([100.0], [50.0]) == pytest.approx(200 * 50 / 150)
    assert metrics.coverage([1, 2, 3, 4], [0, 0, 0, 5], [5, 5, 2, 6]) == 0.5
    # width 2 + penalty (2 / 0.2) * 1 for an outcome one unit below
    assert metrics.winkler([3.0], [4.0], [6.0], 80) == pytest.approx(12.0)
    # CRPS of a point mass is the absolute error
    assert metrics.crps_samples(3.0, [1.0] * 10) == pytest.approx(2.0)
    # CRPS of a uniform sample on [0, 1] at 0.5 is about 1/12
    assert metrics.crps_samples(0.5, np.linspace(0, 1, 2001)) == pytest.approx(1 / 12, rel=1e-2)
    assert metrics.brier([0.8, 0.3], [1, 0]) == pytest.approx((0.04 + 0.09) / 2)
    with pytest.raises(ForecastError, match="MASE is undefined for a constant history"):
        metrics.mase([1.0], [1.0], [2.0, 2.0, 2.0])


def sims(n_series: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(9)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": f"s{i}",
                    "ds": pd.date_range("2010", periods=8, freq="YS"),
                    "y": 10 * np.exp(np.cumsum(rng.normal(0.2, 0.1, 8))),
                }
            )
            for i in range(n_series)
        ],
        ignore_index=True,
    )


def test_rolling_origin_scores_every_origin_and_is_deterministic_in_parallel():
    df = sims()
    serial = backtest.rolling_origin(
        df, h=2, models=["naive", "theta"], min_train=5, jobs=1, n_samples=200, progress=False
    )
    parallel = backtest.rolling_origin(
        df, h=2, models=["naive", "theta"], min_train=5, jobs=2, n_samples=200, progress=False
    )
    pd.testing.assert_frame_equal(serial, parallel)
    # origins 2014, 2015, 2016 (train 5, 6, 7 points); steps 2, 2, 1 per model and series
    assert len(serial) == 3 * 2 * (2 + 2 + 1)
    assert serial["covered_80"].isin([0.0, 1.0]).all()
    assert (serial["winkler_95"] >= 0).all() and (serial["crps"] >= 0).all()
    summary = backtest.summarize(serial)
    assert set(summary["model"]) == {"naive", "theta"}
    assert summary["coverage_80"].between(0, 1).all()


def test_vintage_backtest_uses_only_rows_published_by_each_cutoff():
    cutoffs = [pd.Timestamp("2020-02-01"), pd.Timestamp("2022-02-01")]
    known = {
        c: contiguous_tail(to_regular(data.load("nbs_retail", as_of=c), "nbs_total_retail"))
        for c in cutoffs
    }
    truth = contiguous_tail(to_regular(data.load("nbs_retail"), "nbs_total_retail"))
    assert known[cutoffs[0]]["ds"].max() == pd.Timestamp("2019-01-01")
    scores = backtest.vintage_backtest(known, truth, h=2, models=["naive"], n_samples=200)
    assert set(scores["origin"]) == set(cutoffs)
    first = scores[scores["origin"] == cutoffs[0]]
    assert list(first["ds"]) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")]
    expected = truth.set_index("ds").loc[first["ds"], "y"].to_numpy()
    np.testing.assert_allclose(first["actual"], expected)


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a console would."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [False, True])
def test_progress_is_quiet_off_a_terminal_and_moves_per_fold(monkeypatch, terminal):
    stream = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    one_series = sims(1)  # 8 points, min_train 5: three folds of one series
    backtest.rolling_origin(one_series, h=1, models=["naive"], min_train=5, n_jobs=1)
    text = stream.getvalue()
    if terminal:
        # The bar counts folds, so a single series moves in three steps, not one
        # (tqdm redraws at most every 0.1 s, so the middle frames may be skipped).
        assert "0/3" in text and "3/3" in text and "fold" in text, text
        assert "/1 " not in text
    else:
        assert text == ""
