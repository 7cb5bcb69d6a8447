"""Goal plausibility: known answers, monotonicity, vintages, reproducibility, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from targets import assess, formatting
from targets.errors import ForecastError, GoalError
from targets.sources import goals


def test_required_growth_on_hand_checkable_numbers():
    assert assess.required_growth(100.0, 121.0, 2.0) == pytest.approx(0.10)
    assert assess.required_growth(1.0, 8.0, 3.0) == pytest.approx(1.0)
    assert assess.progress_category(1.0) == "on track"
    assert assess.progress_category(0.7) == "acceleration needed"
    assert assess.progress_category(0.3) == "limited progress"
    assert assess.progress_category(-0.1) == "deterioration"


@pytest.fixture(scope="module")
def latest():
    return {g.id: assess.assess(g.id, n_samples=1500) for g in goals.load()}


@pytest.fixture(scope="module")
def announced():
    return {g.id: assess.assess(g.id, "2021-04-08", n_samples=1500) for g in goals.load()}


def test_every_goal_gets_a_probability_verdict_and_reasons(latest, announced):
    for results in (latest, announced):
        for goal_id, a in results.items():
            assert 0.0 <= a.probability <= 1.0, goal_id
            assert 0.0 <= a.inside_probability <= 1.0, goal_id
            if a.outcome is not None:  # resolved: the outcome, not a chance
                assert a.verdict == a.outcome and f"is published: {a.outcome}" in a.explanation
            elif a.bound is not None:  # judged on a bound: labelled, not calibrated
                assert a.verdict == "bound only" and a.calibrated is None
                assert a.bound in a.explanation
            else:
                # A count goal an assumption decides names it in its verdict (issue 21).
                plain = assess.verdict(a.probability) + (" (prior only)" if a.prior_only else "")
                assert a.verdict == plain or a.verdict.endswith(f": depends on {a.band_input}")
                assert formatting.probability(a.probability) in a.explanation
                cal = a.calibrated
                assert cal is not None and cal.lo_80 <= a.probability <= cal.hi_80
                assert "Calibrated probability" in a.explanation
            assert not a.rows_used.empty


def test_an_earlier_as_of_uses_no_row_published_later(announced):
    for a in announced.values():
        assert (a.rows_used["published"] <= pd.Timestamp("2021-04-08")).all()


def test_aggregate_goal_shows_proxies_ceiling_and_hindsight(latest):
    a = latest["interest_commerce_2023"]
    assert list(a.proxies["proxy"]) == [
        "Live-streaming e-commerce market (research houses)",
        "Douyin + Kuaishou GMV",
        "Douyin GMV",
    ]
    assert a.ceiling is not None and (a.ceiling["median_share"].dropna() > 0).all()
    h = a.hindsight.set_index("proxy")
    assert not h.loc["Douyin GMV", "met"]  # about ¥2.2T in 2023, far below ¥9.5T
    assert 0 <= h.loc["Douyin GMV", "percentile_at_announcement"] <= 1
    assert np.isfinite(a.growth["ratio"]) and a.growth["ratio_lo_80"] <= a.growth["ratio"]


def test_probability_falls_as_the_threshold_rises(latest):
    a = latest["merchants_100m"]
    probs = [np.mean(a.samples >= t) for t in (10, 100, 300, 1000, 3000)]
    assert all(x >= y for x, y in zip(probs, probs[1:], strict=False))


def test_same_seed_same_answer():
    a = assess.assess("creators_10m", "2022-06-30", n_samples=500, seed=3)
    b = assess.assess("creators_10m", "2022-06-30", n_samples=500, seed=3)
    assert a.probability == b.probability and np.array_equal(a.samples, b.samples)


def test_clear_errors():
    with pytest.raises(GoalError, match="unknown goal 'gmv_moon'"):
        assess.assess("gmv_moon")
    with pytest.raises(ForecastError, match="too little data to forecast: no rows published"):
        assess.assess("merchants_100m", "2019-06-30")
    with pytest.raises(ForecastError, match="no published level of Live"):
        assess.assess("interest_commerce_2023", "2019-06-30")


def test_scorecard_and_track_record():
    sc = assess.scorecard("2022-06-30", n_samples=500)
    assert list(sc["goal"]) == [g.id for g in goals.load()]
    # A chance for each goal, or for one judged on a part of its quantity the labelled bound.
    assert (sc["probability"].between(0, 1) | sc["bound"].str.startswith("at ", na=False)).all()
    # With predictive (as `targets assess --format json`): each count goal's evidence rows
    # beside the model's 80% interval, plain JSON-ready records; None for other goals.
    card = assess.scorecard("2022-06-30", n_samples=500, predictive=True).set_index("goal")
    kinds = {g.id: g.kind for g in goals.load()}
    for gid, rows in card["predictive"].items():
        if kinds[gid] != "count":
            assert rows is None
            continue
        assert rows and all(set(r) == set(assess.PREDICTIVE_COLUMNS) for r in rows)
        json.dumps(rows)  # serialisable as it is
        checked = [r for r in rows if r["median"] is not None]
        assert all(r["lo_80"] <= r["median"] <= r["hi_80"] for r in checked)
        assert all(isinstance(r["inside"], bool) for r in checked)
        assert all(r["published"] <= "2022-06-30" and r["note"] for r in rows)
    assert any(r["median"] is not None for r in card.loc["merchants_100m", "predictive"])
    # No goal forecast yet (long before the data): the same columns, no predictive rows.
    early = assess.scorecard("2015-01-01", n_samples=500, predictive=True)
    assert list(early.columns) == list(card.reset_index().columns)
    assert early["probability"].isna().all() and early["predictive"].isna().all()
    tr = assess.track_record(
        "interest_commerce_2023", ["2020-06-30", "2021-06-30", "2022-06-30"], n_samples=500
    )
    # The record starts at the announcement: dates before it are dropped, the day is added.
    assert list(tr["as_of"]) == [
        pd.Timestamp(d) for d in ("2021-04-08", "2021-06-30", "2022-06-30")
    ]
    assert (tr["probability"].between(0, 1) | tr["bound"].str.startswith("at ", na=False)).all()
    assert not tr["method_change"].iloc[0]
    # A change of forecast method or of a dated assumption is marked and named.
    changed = tr[tr["method_change"]]
    assert changed["note"].str.contains("changed").all()


@pytest.mark.slow
@pytest.mark.parametrize("goal_id", [g.id for g in goals.load()])
def test_track_record_runs_for_every_goal(goal_id):
    tr = assess.track_record(goal_id, ["2021-04-08", "2022-12-31"], n_samples=300)
    assert list(tr["as_of"]) == [pd.Timestamp("2021-04-08"), pd.Timestamp("2022-12-31")]
    bounded = tr["bound"].notna()
    assert tr.loc[~bounded, "probability"].between(0, 1).all(), tr
    assert tr.loc[bounded, "probability"].isna().all(), tr  # a bound is not a probability
