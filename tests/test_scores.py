"""Scaled backtest scores read the typical forecast, not one exploding sample tail."""

from __future__ import annotations

import pandas as pd
import pytest

from targets.engine import backtest


def _scores(crps_naive, crps_model):
    rows = []
    for i, (a, b) in enumerate(zip(crps_naive, crps_model, strict=True)):
        for model, crps in (("naive", a), ("ets", b)):
            rows.append(
                {
                    "unique_id": "s",
                    "origin": pd.Timestamp(f"{2018 + i}-02-15"),
                    "h": 1,
                    "model": model,
                    "crps": crps,
                    "actual": 100.0,
                }
            )
    return pd.DataFrame(rows)


def test_skill_against_the_reference_uses_medians_over_shared_forecasts():
    out = backtest.skill(_scores([10.0, 10.0, 1e15], [5.0, 5.0, 5.0])).set_index("model")
    assert out.loc["naive", "crps_skill"] == 0.0
    assert out.loc["ets", "crps_skill"] == pytest.approx(0.5)  # not ~1 from the one 1e15
    assert out.loc["ets", "crps_relative"] == pytest.approx(0.05)
    assert out.loc["ets", "n"] == 3


def test_skill_is_empty_without_the_reference():
    scores = _scores([1.0], [2.0])
    assert backtest.skill(scores[scores["model"] == "ets"]).empty
