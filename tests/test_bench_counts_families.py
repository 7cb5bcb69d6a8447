"""The simulated platforms of benchmarks/bench_counts_families.py behave as documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from targets.counts import model as countmodel

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_counts_families.py"
spec = importlib.util.spec_from_file_location("bench_counts_families", PATH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.parametrize("name", list(bench.FAMILIES))
@pytest.mark.parametrize("regime", bench.REGIMES)
def test_sales_are_positive_and_add_up_to_the_gmv_of_each_year(name, regime):
    rng = np.random.default_rng([7, len(name)])
    gmv, n = bench.platform_path(rng, regime)
    sales = bench.FAMILIES[name](rng, gmv, n)
    assert len(sales) == len(bench.YEARS)
    for x, g, m in zip(sales, gmv, n, strict=True):
        assert len(x) == m
        assert np.all(x > 0) and np.all(np.isfinite(x))
        assert x.sum() == pytest.approx(g, rel=1e-9)


def test_a_growing_population_grows_and_a_fixed_one_does_not():
    for k in range(5):
        _, fixed = bench.platform_path(np.random.default_rng([3, k]), "fixed")
        _, growing = bench.platform_path(np.random.default_rng([3, k]), "growing")
        assert np.all(fixed == fixed[0])
        assert np.all(np.diff(growing) >= 0) and growing[-1] > growing[0]


def test_families_differ_in_shape_and_the_same_seed_gives_the_same_platform():
    def top_share(name, seed):
        rng = np.random.default_rng(seed)
        gmv, n = bench.platform_path(rng, "fixed")
        x = bench.FAMILIES[name](rng, gmv, n)[-1]
        return np.sort(x)[-100:].sum() / x.sum()

    assert top_share("rank-size", 11) == top_share("rank-size", 11)
    shares = {name: top_share(name, 11) for name in bench.FAMILIES}
    assert len({round(s, 6) for s in shares.values()}) == len(shares)


def test_evidence_is_published_before_the_goal_year_in_the_model_columns():
    rng = np.random.default_rng(5)
    gmv, n = bench.platform_path(rng, "growing")
    sales = bench.yule_simon(rng, gmv, n)
    for _ in range(10):
        ev, n_known = bench.evidence_rows(sales, n, rng)
        assert list(ev.columns) == countmodel.EVIDENCE_COLUMNS
        assert (ev["end"] < pd.Timestamp(f"{bench.GOAL_YEAR}-01-01")).all()
        counts = ev[ev["stat"] == "count"]
        assert (counts["value"] >= 1).all()
        assert np.isnan(n_known) or n_known == pytest.approx(n[1], rel=0.3)
