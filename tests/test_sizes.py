"""The size model: dPlN closed forms against simulation, and a fit that can say yes or no."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from targets.counts import model as countmodel
from targets.counts import sizes
from targets.errors import TargetsError


def test_survival_mean_and_shares_match_simulation():
    rng = np.random.default_rng(0)
    a, b, nu, t = 2.5, 2.0, 3.0, 0.8
    x = sizes.sample(400_000, a, b, nu, t, rng)
    for q in (5.0, 20.0, 100.0, 500.0):
        assert sizes.sf(q, a, b, nu, t) == pytest.approx(np.mean(x > q), abs=3e-3)
    mean = float(np.exp(nu + sizes.log_mean_factor(a, b, t)))
    assert mean == pytest.approx(x.mean(), rel=0.03)
    share = float(sizes.share_above(100.0, mean, a, b, t))
    assert share == pytest.approx(x[x > 100.0].sum() / x.sum(), abs=0.02)
    top = float(sizes.top_share(1000, len(x), a, b, t))
    assert top == pytest.approx(np.sort(x)[-1000:].sum() / x.sum(), abs=0.02)


def test_mixture_reduces_to_one_population_and_lorenz_is_a_lorenz_curve():
    one = sizes.count_above(1e9, 1e4, 1e6, 1.5, 2.0, 1.0)
    two = sizes.mixture_count_above(1e9, 1e4, 1e6, 1.5, 2.0, 1.0, 0.2, 0.2)
    assert float(two) == pytest.approx(float(one), rel=1e-9)
    p, lz = sizes.mixture_lorenz(1.6, 2.0, 1.0, 0.01, 0.5, points=21)
    assert lz[0] == 0 and lz[-1] == 1
    assert np.all(np.diff(lz) >= -1e-9) and np.all(lz <= p + 1e-9)


def test_count_not_capped_below_the_goal_by_a_pinned_total():
    # The old log-normal with its total pinned could not pass ~995 merchants above ¥100M
    # at ¥840B and 2 million merchants; with a head the count can pass 1,000 by far.
    counts = sizes.mixture_count_above(840e9, 2e6, 1e8, 2.5, 1.5, 0.8, 0.002, 0.7)
    assert float(counts) > 1500
    assert float(counts) < 840e9 / 1e8  # never above total / threshold


def test_bad_shapes_are_refused():
    with pytest.raises(TargetsError, match="alpha must exceed 1"):
        sizes.count_above(1e9, 1e3, 1e6, 0.9, 2.0, 1.0)
    with pytest.raises(TargetsError, match="strictly in"):
        sizes.mixture_count_above(1e9, 1e3, 1e6, 1.5, 2.0, 1.0, 0.0, 0.5)


def _world(n, total, head, sales, alpha, rng):
    nh = int(head * n)
    xh = sizes.sample(nh, alpha, 1.5, 0.0, 1.0, rng)
    xr = sizes.sample(n - nh, alpha, 1.5, 0.0, 1.0, rng)
    return np.concatenate([xh * sales * total / xh.sum(), xr * (1 - sales) * total / xr.sum()])


def _evidence(x, thresholds):
    return pd.DataFrame(
        [
            {
                "label": f"count above {t:g}",
                "context": "year 1",
                "stat": "count",
                "role": "population",
                "threshold": t,
                "top_k": np.nan,
                "value": float(np.sum(x > t)),
                "noise_sd": 0.2,
                "start": pd.Timestamp("2020-01-01"),
                "end": pd.Timestamp("2020-12-31"),
                "known_n": np.nan,
                "known_total": np.nan,
                "published": pd.Timestamp("2021-01-31"),
            }
            for t in thresholds
        ]
    )


PRIOR = countmodel.SizePrior(
    alpha=(1.05, 3.5),
    beta=(0.5, 3.0),
    tau=(0.3, 2.5),
    head_entities=(1e-3, 0.1),
    head_sales=(0.1, 0.9),
    population=(1e5, 4e5),
    gmv_share=(1.0, 1.0),
)


@pytest.mark.parametrize("head, head_sales, meets", [(0.005, 0.8, True), (0.02, 0.3, False)])
def test_a_world_built_to_meet_the_goal_gets_a_high_probability(head, head_sales, meets):
    """Synthetic platforms: threshold counts published for year 1, the goal asked for year 2."""
    rng = np.random.default_rng(3)
    year1 = _world(200_000, 100e9, head, head_sales, 2.0, rng)
    year2 = year1 * 2.0
    goal, threshold = 250, 1e8
    assert bool(np.sum(year2 > threshold) >= goal) is meets

    def gmv(start, end, n, rng):
        level = 100e9 if start.year == 2020 else 200e9
        return level * np.exp(rng.normal(0, 0.05, n))

    fit = countmodel.fit(_evidence(year1, [3e7, 1e8]), PRIOR, gmv, n_prior=8000, seed=0)
    assert fit.predictive["inside"].all()
    counts = countmodel.predict_counts(
        fit, threshold, gmv(pd.Timestamp("2021-01-01"), None, 4000, rng), rng
    )
    probability = float(np.mean(counts >= goal))
    assert probability > 0.8 if meets else probability < 0.2


def test_the_goal_year_count_carries_the_model_error_of_the_evidence_rows():
    """The rows' likelihood has a model error (a smooth distribution does not reproduce a
    count exactly); the goal-year count must carry it too. Same evidence and seed, with and
    without it: the median stays, the 80% interval widens, by about what a log-sd of 0.3
    adds in quadrature to the fit's own spread."""
    from dataclasses import replace

    rng = np.random.default_rng(4)
    year1 = _world(200_000, 100e9, 0.005, 0.8, 2.0, rng)

    def gmv(start, end, n, rng):
        return 100e9 * np.exp(rng.normal(0, 0.05, n))

    def log_spread(prior):
        fit = countmodel.fit(_evidence(year1, [3e7, 1e8]), prior, gmv, n_prior=8000, seed=0)
        assert "model_error" in fit.draws
        counts = countmodel.predict_counts(
            fit, 1e8, gmv(pd.Timestamp("2021-01-01"), None, 4000, rng), rng
        )
        lo, med, hi = np.quantile(np.log(counts + 1), [0.1, 0.5, 0.9])
        return med, hi - lo

    med_0, width_0 = log_spread(PRIOR)
    med_e, width_e = log_spread(replace(PRIOR, model_error_sd=0.3))
    assert abs(med_e - med_0) < 0.1
    expected = np.hypot(width_0, 2 * 1.2816 * 0.3)
    assert width_e > width_0 + 0.1
    assert width_e == pytest.approx(expected, rel=0.25)


def test_free_scale_context_recovers_the_tail_index():
    # Counts at two thresholds of a Pareto tail, population and total unknown.
    rows = _evidence(np.array([]), [1e7, 1e8]).assign(
        role="tail", value=[400.0, 400.0 * 10**-1.5], noise_sd=0.05
    )
    fit = countmodel.fit(rows, PRIOR, None, n_prior=8000, seed=1)
    assert fit.draws["alpha"].median() == pytest.approx(1.5, abs=0.15)


def test_a_lone_figure_about_an_unknown_population_is_named_not_fitted():
    rows = _evidence(np.array([]), [1e7]).assign(role="tail", value=[400.0])
    fit = countmodel.fit(rows, PRIOR, None, n_prior=2000, seed=1)
    assert not fit.evidence["fitted"].any()
    assert "says nothing about the tail" in fit.predictive["note"].iloc[0]


def test_a_table_with_no_prediction_is_typed_and_warning_free():
    # Only a row shown for reference: no row is predicted. The interval columns are still
    # numbers (object columns compared with NaN made `targets assess` print numpy's
    # "invalid value encountered" RuntimeWarning; pytest turns warnings into errors).
    rows = _evidence(np.array([]), [1e7]).assign(
        role="shown", value=[400.0], why="a count of something else"
    )
    pred = countmodel.fit(rows, PRIOR, None, n_prior=500, seed=1).predictive
    assert all(pred[c].dtype == float for c in ("median", "lo_80", "hi_80"))
    assert pred["inside"].isna().all() and pred["note"].iloc[0] == "a count of something else"


def test_the_held_out_check_can_fail_where_the_fit_check_passes():
    """Three counts of one Pareto tail (slope 1.5 a decade) and a fourth that breaks it:
    fitted together every row can sit inside its 80% interval, but the broken row, held
    out and predicted from the other three, falls outside; a consistent row stays inside."""
    thresholds = [1e7, 3e7, 1e8, 3e8]
    tail = 1000.0 * (np.array(thresholds) / 1e7) ** -1.5
    consistent = _evidence(np.array([]), thresholds).assign(role="tail", value=tail, noise_sd=0.1)
    fit = countmodel.fit(consistent, PRIOR, None, n_prior=8000, seed=2)
    assert fit.predictive["held_inside"].all()
    broken = consistent.assign(value=np.where(np.arange(4) == 3, tail[3] * 12.0, tail))
    held = countmodel.fit(broken, PRIOR, None, n_prior=8000, seed=2).predictive
    assert not bool(held["held_inside"].iloc[3])
    assert held["held_hi_80"].iloc[3] < broken["value"].iloc[3]
