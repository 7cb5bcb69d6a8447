"""The calibration of probabilities on the track record: it learns, out of time only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from targets.assess import calibration as C
from targets.assess import pledges as P
from targets.sources.vintage import open_vintage


def _prior(sd: float = 3.0) -> C.Prior:
    n = len(C.FEATURES)
    return C.Prior(np.zeros(n), np.full(n, sd), tuple(C.FEATURES))


def test_the_fit_recovers_a_known_calibration_from_simulated_outcomes():
    rng = np.random.default_rng(7)
    n = 4000
    p_inside = rng.uniform(0.02, 0.98, n)
    kinds = rng.choice(["pledge", "plan", "third_party_forecast"], n)
    X = np.array([C.features(p, k, None, 1.0) for p, k in zip(p_inside, kinds, strict=True)])
    truth = np.zeros(len(C.FEATURES))
    truth[C.FEATURES.index("intercept")] = 0.4
    truth[C.FEATURES.index("inside")] = 0.5
    truth[C.FEATURES.index("type_plan")] = 1.0
    y = rng.random(n) < 1 / (1 + np.exp(-(X @ truth)))
    post = C.fit(X, y, _prior())
    for name in ("intercept", "inside", "type_plan"):
        i = C.FEATURES.index(name)
        assert abs(post.mean[i] - truth[i]) < 4 * np.sqrt(post.cov[i, i]) + 0.05, name
    assert post.n == n and post.met == int(y.sum())


def test_with_no_resolved_statement_the_posterior_is_the_prior():
    prior = C.Prior.from_assumptions(open_vintage())
    post = C.fit(np.empty((0, len(C.FEATURES))), np.empty(0), prior)
    np.testing.assert_allclose(post.mean, prior.mean)
    np.testing.assert_allclose(np.sqrt(np.diag(post.cov)), prior.sd, rtol=1e-9)
    c = C.predict(post, C.features(0.9, "pledge", None, 1.0), 0.9)
    assert 0 < c.lo_80 < c.probability < c.hi_80 < 1
    assert 0 <= c.inside_share <= 1 and c.n_resolved == 0
    assert "its prior alone" in c.sentence()


def test_a_confident_inside_view_moves_the_probability_its_own_way():
    post = C.fit(
        np.empty((0, len(C.FEATURES))), np.empty(0), C.Prior.from_assumptions(open_vintage())
    )
    high = C.predict(post, C.features(0.97, "third_party_forecast", None, 1.0), 0.97)
    low = C.predict(post, C.features(0.03, "third_party_forecast", None, 1.0), 0.03)
    assert low.probability < 0.5 < high.probability
    # Half weight a priori: calibrated, the ends are pulled towards the middle.
    assert 0.03 < low.probability and high.probability < 0.97


def _table() -> pd.DataFrame:
    rows = []
    for k in range(12):
        announced = pd.Timestamp("2015-01-01") + pd.DateOffset(months=6 * k)
        rows.append(
            {
                "id": f"s{k}",
                "type": "plan",
                "comparator": ">=",
                "announced": announced,
                "p_inside": 0.8 if k % 2 else 0.2,
                "ambition": np.nan,
                "horizon": 1.0,
                "met": bool(k % 3),
                "resolved_on": announced + pd.DateOffset(months=13),
            }
        )
    return pd.DataFrame(rows)


def test_out_of_time_learns_only_from_statements_resolved_before_each_announcement():
    table = _table()
    prior = C.Prior.from_assumptions(open_vintage())
    first = P.out_of_time(table, prior)
    # Flip the outcomes of the last four statements: nothing announced before they were
    # resolved may change.
    later = table.copy()
    later.loc[8:, "met"] = ~later.loc[8:, "met"].astype(bool)
    second = P.out_of_time(later, prior)
    cutoff = table.loc[8, "resolved_on"]
    unaffected = table["announced"] <= cutoff
    np.testing.assert_allclose(
        first.loc[unaffected, "probability"], second.loc[unaffected, "probability"]
    )
    assert (first["n_resolved"].diff().fillna(0) >= 0).all()  # the record only grows
    assert first["n_resolved"].iloc[0] == 0
    assert not np.allclose(first["probability"].iloc[-1], second["probability"].iloc[-1])


def test_training_keeps_what_was_resolved_by_the_date():
    table = _table()
    kept = C.training(table, pd.Timestamp("2017-01-01"))
    assert (kept["resolved_on"] <= pd.Timestamp("2017-01-01")).all() and len(kept) == 2
    assert len(C.training(table, None)) == len(table)
    assert "s0" not in set(C.training(table, None, exclude="s0")["id"])


@pytest.mark.parametrize("comparator", ["between", "about"])
def test_a_band_is_its_own_feature(comparator):
    x = C.features(0.1, "pledge", 0.2, 0.5, comparator)
    assert x[C.FEATURES.index("range")] == 1.0
    assert C.features(0.1, "pledge", 0.2, 0.5, ">=")[C.FEATURES.index("range")] == 0.0
    assert x[C.FEATURES.index("ambition")] == pytest.approx(0.2)
