"""Count goals judged with the fitted size model: inputs from data, as-of discipline, checks."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from targets import assess
from targets.counts import goal as count_goal
from targets.counts import inputs as count_inputs
from targets.errors import DataError, GoalError
from targets.sources import goals
from targets.sources.countspec import parse_count_spec
from targets.sources.data import data_dir
from targets.sources.vintage import open_vintage

ANNOUNCED = pd.Timestamp("2021-04-08")


@pytest.fixture(scope="module")
def merchants():
    return assess.assess("merchants_100m", n_samples=1000)


@pytest.fixture(scope="module")
def merchants_announced():
    return assess.assess("merchants_100m", ANNOUNCED, n_samples=1000)


def test_inputs_come_from_dated_rows_and_wide_defaults_before_publication():
    spec = goals.get("merchants_100m").count_spec
    _, early = count_inputs.size_prior(spec, open_vintage(as_of=ANNOUNCED))
    _, late = count_inputs.size_prior(spec, open_vintage())
    early, late = ({i.name: i for i in x} for x in (early, late))
    # Before any merchant count was published, the documented wide default applies.
    assert early["population"].assumed and early["population"].high >= 5e6
    assert not late["population"].assumed and late["population"].high <= 3e6
    brands = goals.get("new_brands_100m").count_spec
    sub_early, _ = count_inputs.size_prior(brands, open_vintage(as_of=ANNOUNCED))
    sub_late, _ = count_inputs.size_prior(brands, open_vintage())
    assert sub_early.subset_share[1] > sub_late.subset_share[1]


def test_no_row_published_after_the_as_of_date_is_used_or_shown(merchants_announced):
    pred = merchants_announced.count.predictive
    assert merchants_announced.count.fitted_rows == 0
    assert (pred["published"] <= ANNOUNCED).all()
    assert "No size evidence usable" in merchants_announced.explanation
    assert "818" not in merchants_announced.explanation
    for reasoning in merchants_announced.count.inputs["reasoning"]:
        assert "2022" not in reasoning and "2023" not in reasoning


def test_later_counts_check_the_announcement_day_model():
    checks = count_goal.hindsight_check(
        goals.get("merchants_100m"), open_vintage(as_of=ANNOUNCED), n=500
    )
    assert len(checks) >= 5
    assert (checks["published"] > ANNOUNCED).all() and not checks["fitted"].any()
    predicted = checks[checks["median"].notna()]
    assert len(predicted) >= 5 and predicted["note"].str.startswith("hindsight").all()


def test_latest_fit_reproduces_most_evidence_and_names_the_rest(merchants):
    pred = merchants.count.predictive
    fitted = pred[pred["fitted"]]
    assert len(fitted) >= 8
    assert fitted["inside"].astype(bool).mean() >= 0.8
    left_out = pred[~pred["fitted"]]
    assert (left_out["note"].str.len() > 0).all()
    assert (pred["label"].str.len() > 0).all()


def test_concentration_statement_and_shares_have_values(merchants):
    c = merchants.count.concentration
    assert 0 < c["needed_share"] < 1 and 0 < c["share_lo_80"] <= c["share_median"] <= 1
    assert "Met if the 1,000th-largest of the merchants sells at least ¥100M" in c["statement"]
    assert 0 < c["kth_sales_lo_80"] <= c["kth_sales_median"] <= c["kth_sales_hi_80"]
    # The goal's probability agrees with where the 1,000th-largest is put: a median
    # below the threshold comes with a probability under one half, and the reverse.
    below = c["kth_sales_median"] < 1e8
    assert below == (merchants.probability < 0.5)
    tops = merchants.count.top_shares.set_index("top")["median"]
    assert tops.is_monotonic_increasing and tops.between(0, 1).all()
    lz = merchants.count.lorenz
    assert lz["sales_share"].iloc[0] == 0 and lz["sales_share"].iloc[-1] == pytest.approx(1)
    t = merchants.count.tornado
    assert {"goal-year GMV", "number of active entities"} <= set(t["input"])
    assert t["swing"].is_monotonic_decreasing
    assert merchants.count.scenarios["probability"].between(0, 1).all()
    analog = merchants.count.analogs  # Tmall's 1,300 new apparel brands: size and total known
    assert len(analog) and analog["median"].between(0, 1).all()


def test_probability_rises_with_goal_year_gmv(merchants):
    t = merchants.count.tornado.set_index("input")
    assert t.loc["goal-year GMV", "p_high"] >= t.loc["goal-year GMV", "p_low"]


def test_a_count_goal_must_declare_its_inputs():
    with pytest.raises(GoalError, match="a count goal needs population"):
        parse_count_spec({"platform": "douyin", "gmv_share": 1.0})
    with pytest.raises(GoalError, match="role must be one of"):
        parse_count_spec(
            {
                "platform": "x",
                "population": [1, 2],
                "gmv_share": 1.0,
                "size_evidence": [{"series": "s", "role": "guess"}],
            }
        )
    with pytest.raises(GoalError, match=r"must be an assumption id.*\[low, high\]"):
        parse_count_spec({"platform": "x", "population": [3, 1], "gmv_share": 1})


def test_a_literal_range_is_shown_as_an_assumption():
    i = count_inputs.resolve("population", [1000, 5000], open_vintage())
    assert i.assumed and (i.low, i.high) == (1000.0, 5000.0)
    assert "without a source" in i.sentence
    assert np.isclose(count_inputs.resolve("gmv_share", 0.5, open_vintage()).high, 0.5)


def test_a_size_series_resolves_to_its_published_value():
    i = count_inputs.resolve("population", "douyin_merchants_total", open_vintage())
    assert not i.assumed and (i.low, i.high) == (3e6, 6e6)  # 'more than 3 million'
    with pytest.raises(DataError, match="neither an assumption id"):
        count_inputs.resolve("population", "no_such_thing", open_vintage())


KUAISHOU_GOAL = """
- id: kuaishou_merchants_10m
  statement_zh: 测试
  statement_en: 500 Kuaishou merchants pass ¥10 million in 2023.
  announced: 2023-01-01
  deadline_start: 2023-01-01
  deadline_end: 2023-12-31
  kind: count
  metric: Kuaishou merchants with 2023 sales above ¥10M
  dataset: kuaishou_gmv
  series_id: kuaishou_gmv
  comparator: ">="
  threshold: 500
  unit: count
  entity: merchants
  entity_threshold: 1000
  entity_threshold_unit: 万元
  platform: kuaishou
  population: [100000, 1000000]
  gmv_share: 1.0
  size_evidence:
    - douyin_818_2021_streams_above
    - series: tmall_apparel_brands_above
      population_series: tmall_apparel_new_brands_count
      total_series: tmall_apparel_new_brands_sales
  source: {publisher: test, url: https://example.com, published: 2023-01-01}
"""


def test_a_count_goal_for_a_new_platform_is_a_yaml_entry(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    with open(data / "goals.yaml", "a", encoding="utf-8") as f:
        f.write(KUAISHOU_GOAL)
    monkeypatch.setenv("TARGETS_DATA_DIR", str(data))
    a = assess.assess("kuaishou_merchants_10m", n_samples=500)
    assert 0 <= a.probability <= 1
    assert a.count.fitted_rows >= 3
    inputs = a.count.inputs.set_index("input")
    assert inputs.loc["population", "assumed"] and inputs.loc["gmv_share", "assumed"]
    assert "Kuaishou" in a.proxies.iloc[0]["proxy"]
    assert "written in goals.yaml without a source" in inputs.loc["population", "reasoning"]


def test_concentration_statement_says_when_the_goal_needs_more_than_all_sales():
    from targets.counts.goal import _concentration_statement
    from targets.sources.vintage import open_vintage

    goal = open_vintage().goal("merchants_100m")
    total = np.full(10, 8e10)  # ¥80B of goal-year sales; the goal's top 1,000 need ¥100B
    args = ("merchants", "the evidence puts", 1000.0, (5e7, 2e7, 9e7))
    over = _concentration_statement(goal, *args, 1.25, total, (0.4, 0.3, 0.5))
    assert "cannot be met" in over and "125" not in over
    under = _concentration_statement(goal, *args, 0.25, total, (0.4, 0.3, 0.5))
    assert "at least 25.0% of goal-year sales" in under
    assert "necessary, not sufficient" in under and "cannot be met" not in under


def test_concentration_statement_explains_a_subset_goals_rank():
    from targets.counts.goal import _concentration_statement
    from targets.sources.vintage import open_vintage

    goal = open_vintage().goal("new_brands_100m")  # 100 new brands
    text = _concentration_statement(
        goal,
        "brands",
        "the evidence puts",
        1114.0,
        (5e7, 2e7, 9e7),
        0.2,
        np.full(5, 1e12),
        (0.3, 0.2, 0.4),
    )
    assert "1,114th-largest of the brands (about 1,114 of all brands above" in text
    assert "so that 100 of them are in the counted subset" in text


def test_growth_required_compares_the_gmv_needed_with_the_same_measure(merchants):
    """The GMV a count goal needs is compared with the forecast of the same measure, and any
    required growth is measured from a level of the platform's whole measure, never from a
    narrower definition (a closed loop before third-party links were cut)."""
    assert np.isfinite(merchants.growth["required_gmv"])
    assert "times the median GMV forecast" in merchants.explanation
    rows = merchants.rows_used
    narrower = rows[rows["definition"].fillna("").astype(str).str.strip() != ""]
    assert len(narrower), "the seed's GMV rows include narrower definitions"
    current = merchants.growth["current"]
    if np.isfinite(current):
        year = int(merchants.growth["current_year"])
        same_year = narrower[narrower["period_start"].dt.year == year]
        assert current not in set(same_year["value_yuan"])


def test_growth_compares_one_measure_and_never_a_part_with_the_whole():
    from targets.assess.progress import one_measure

    rows = pd.DataFrame({"definition": ["closed_loop", "", None, "incl_product_cards"]})
    assert list(one_measure(rows).index) == [1, 2]  # mixed: the series' own measure only
    same = pd.DataFrame({"definition": ["closed_loop", "closed_loop"]})
    assert len(one_measure(same)) == 2  # one definition throughout: kept whole
    # A goal judged on a proxy that only bounds its quantity (Douyin GMV for interest
    # e-commerce) claims no growth "required" of the part to reach the whole's threshold.
    a = assess.assess("interest_commerce_2023", ANNOUNCED, n_samples=500)
    assert a.bound is not None
    assert not np.isfinite(a.growth.get("required", np.nan))
    assert "It requires growth" not in a.explanation
