"""Any goal on its own series, isolation between goals, and the track record on real pledges."""

from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from targets import assess
from targets.assess.pledges import backtest_goals, by_learning, reliability, scores
from targets.sources import goals
from targets.sources.vintage import open_vintage

NEW_GOALS = """
- id: total_retail_2025_50t
  statement_en: Total retail sales of consumer goods pass ¥50 trillion in 2025.
  announced: 2021-07-08
  deadline_start: 2025-01-01
  deadline_end: 2025-12-31
  kind: aggregate
  metric: total retail sales of consumer goods in 2025 (NBS)
  dataset: nbs_retail
  series_id: nbs_total_retail
  comparator: ">="
  threshold: 50
  unit: 万亿元
  source: {publisher: test, url: http://example.org/a, published: 2021-07-08}
- id: kuaishou_2025_2t
  statement_en: Kuaishou e-commerce GMV reaches ¥2 trillion in 2025.
  announced: 2024-04-01
  deadline_start: 2025-01-01
  deadline_end: 2025-12-31
  kind: aggregate
  type: internal_target
  tags: [kuaishou]
  metric: Kuaishou e-commerce GMV in 2025
  dataset: kuaishou_gmv
  series_id: kuaishou_gmv
  comparator: ">="
  threshold: 2
  unit: CNY trillion
  source: {publisher: test, url: http://example.org/b, published: 2024-04-01}
- id: usd_platform_2024
  statement_en: A platform's GMV reaches US$30 billion in 2024.
  announced: 2023-03-01
  deadline_start: 2024-01-01
  deadline_end: 2024-12-31
  kind: aggregate
  metric: test platform GMV in 2024
  dataset: other_platforms_gmv
  series_id: test_usd_platform
  comparator: ">="
  threshold: 30
  unit: USD billion
  source: {publisher: test, url: http://example.org/c, published: 2023-03-01}
- id: tiktok_shop_2026_usd
  statement_en: TikTok Shop GMV reaches US$50 billion in 2026.
  announced: 2026-01-15
  deadline_start: 2026-01-01
  deadline_end: 2026-12-31
  kind: aggregate
  metric: TikTok Shop GMV in 2026
  dataset: other_platforms_gmv
  series_id: tiktok_shop_gmv
  comparator: ">="
  threshold: 50
  unit: USD billion
  source: {publisher: test, url: http://example.org/d, published: 2026-01-15}
- id: alibaba_2016_goal
  statement_en: Alibaba's platforms reach ¥6 trillion of GMV in fiscal 2020.
  announced: 2016-06-14
  deadline_start: 2019-04-01
  deadline_end: 2020-03-31
  kind: aggregate
  metric: Alibaba China retail marketplaces GMV, fiscal 2020
  dataset: alibaba_gmv
  series_id: alibaba_china_retail_gmv
  comparator: ">="
  threshold: 6
  unit: 万亿元
  source: {publisher: test, url: http://example.org/e, published: 2016-06-14}
"""

#: A US-dollar series for the test only (no such platform): five annual levels.
USD_LEVELS = {2018: 4.0, 2019: 7.0, 2020: 11.0, 2021: 15.0, 2022: 19.0}


def _add_usd_series(folder) -> None:
    path = folder / "other_platforms_gmv.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        for year, value in USD_LEVELS.items():
            writer.writerow(
                {
                    "series_id": "test_usd_platform",
                    "period_start": f"{year}-01-01",
                    "period_end": f"{year}-12-31",
                    "value": value,
                    "qualifier": "exact",
                    "unit": "USD billion",
                    "kind": "actual",
                    "status": "official",
                    "publisher": "test fixture (simulated platform)",
                    "source_url": f"http://example.org/usd-{year}",
                    "published": f"{year + 1}-02-15",
                    "published_basis": "stated",
                    "quote": "simulated for the test",
                }
            )


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    """A copy of the data with the five goals above added to goals.yaml."""
    import shutil

    from targets.sources.data import data_dir

    folder = tmp_path_factory.mktemp("extended") / "data"
    shutil.copytree(data_dir(), folder)
    with (folder / "goals.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_GOALS)
    _add_usd_series(folder)
    return folder


@pytest.fixture
def use(monkeypatch, extended):
    monkeypatch.setenv("TARGETS_DATA_DIR", str(extended))
    monkeypatch.delenv("TARGETS_GOALS", raising=False)
    return extended


@pytest.mark.parametrize(
    "goal_id",
    ["total_retail_2025_50t", "kuaishou_2025_2t", "usd_platform_2024", "alibaba_2016_goal"],
)
def test_a_new_goal_is_forecast_on_its_own_series_at_its_announcement(use, goal_id):
    g = goals.get(goal_id)
    a = assess.assess(goal_id, g.announced, n_samples=300)
    assert 0.0 <= a.probability <= 1.0
    assert set(a.rows_used["series_id"]) == {g.series_id}
    assert (a.rows_used["published"] <= pd.Timestamp(g.announced)).all()
    median = float(a.proxies["median"].iloc[0])
    if goal_id == "usd_platform_2024":
        # In dollars, never converted: the median sits near the dollar levels' trend.
        assert 15e9 < median < 60e9
        assert "$" in a.explanation
    if goal_id == "total_retail_2025_50t":
        assert 35e12 < median < 70e12  # about ¥39T in 2020, the last level published by then


def test_a_dollar_goal_on_a_dollar_series_too_short_for_a_curve_uses_the_analogs(use):
    """TikTok Shop's dollar levels are too few for a curve: the reference class (yuan series)
    grows them, matched at their scale in yuan, and the method says at which rate."""
    a = assess.assess("tiktok_shop_2026_usd", "2026-01-15", n_samples=300)
    assert 0 <= a.probability <= 1
    method = a.proxies["method"].iloc[0]
    assert "reference class" in method and "yuan per dollar" in method


def test_one_goal_without_a_forecast_leaves_the_others_scored(use):
    card = assess.scorecard("2021-04-08", n_samples=300).set_index("goal")
    seed = ["merchants_100m", "creators_100k"]
    assert card.loc[seed, "probability"].between(0, 1).all()
    # Judged on a proxy that only bounds it: a labelled bound in place of a probability.
    assert card.loc["interest_commerce_2023", "bound"].startswith("at least")
    # Goals announced later have no forecast at this date, and say why.
    assert card.loc["kuaishou_2025_2t", "verdict"] == "no forecast"
    assert "no forecast" in card.loc["kuaishou_2025_2t", "explanation"]
    alibaba = card.loc["alibaba_2016_goal"]
    assert 0 <= alibaba["inside_probability"] <= 1
    assert alibaba["outcome"] in ("met", "not met") or 0 <= alibaba["probability"] <= 1


def test_the_cli_prints_a_scorecard_and_exits_0_with_goals_it_cannot_forecast(use):
    out = subprocess.run(
        [sys.executable, "-m", "targets", "assess", "--as-of", "2016-06-14", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "alibaba_2016_goal" in out.stdout and "no forecast" in out.stdout
    assert "Traceback" not in out.stderr


def test_comparators_and_growth_goals_are_judged_as_stated(use):
    g = goals.get("total_retail_2025_50t")
    assert g.met([49e12, 50e12, 51e12]).tolist() == [False, True, True]
    pledges = {p.id: p for p in goals.load(use / "pledges.yaml", directory=use)}
    between = pledges["douyin_2022_1t_to_1_2t"]
    assert between.met([0.9e12, 1.1e12, 1.3e12]).tolist() == [False, True, False]
    about = pledges["nbs_total_retail_2020_48t"]
    assert about.met([42e12, 44e12, 52e12, 53e12]).tolist() == [False, True, True, False]
    rate = pledges["nbs_online_retail_growth_2016_2020"]
    assert rate.kind == "growth" and rate.threshold == pytest.approx(0.2)


def test_scores_and_reliability_on_hand_checkable_numbers():
    table = pd.DataFrame(
        {
            "probability": [0.9, 0.1, 0.5, np.nan],
            "p_inside": [0.99, np.nan, 0.5, 0.3],
            "base_rate_then": [np.nan, 1.0, 0.5, 0.5],
            "met": [True, False, True, True],
        }
    )
    s = scores(table).set_index("forecaster")
    assert s.loc["targets", "n"] == 3
    assert s.loc["targets", "brier"] == pytest.approx((0.01 + 0.01 + 0.25) / 3)
    assert s.loc["growth forecast alone", "brier"] == pytest.approx((0.0001 + 0.25 + 0.25) / 3)
    assert s.loc["base rate then", "brier"] == pytest.approx((0.25 + 1.0 + 0.25) / 3)
    assert s.loc["constant 50%", "brier"] == pytest.approx(0.25)
    base = s.index[4]
    assert base.startswith("base rate, hindsight") and s.loc[base, "brier"] == pytest.approx(2 / 9)
    assert s.loc[base, "brier_skill"] == pytest.approx(0.0)
    t = s.loc["targets"]
    assert t["brier_lo"] <= t["brier"] <= t["brier_hi"] and t["log_lo"] <= t["log_score"]
    r = reliability(table).set_index("bin")
    assert r.loc["80%-100%", "n"] == 1 and r.loc["40%-60%", "share_met"] == 1.0


def test_scores_by_how_much_the_calibration_had_learned_on_hand_checkable_numbers():
    """Groups by earlier outcomes learned from: every scored statement in exactly one group,
    unscored ones in none, and each group's Brier scores recomputable by hand."""
    table = pd.DataFrame(
        {
            "probability": [0.9, 0.2, 0.6, 0.7, np.nan, 0.4],
            "p_inside": [np.nan, 0.1, 0.9, 0.5, 0.5, 0.2],
            "base_rate_then": [np.nan, 1.0, 0.5, 0.6, 0.5, 0.5],
            "met": [True, False, True, False, True, None],
            "n_resolved": [0, 9, 10, 75, 12, 80],
        }
    )
    g = by_learning(table).set_index("learned_from")
    assert list(g.index) == ["0-9", "10-29", "60 or more"]  # no statement learned from 30-59
    assert g["n"].sum() == 4 and list(g["n"]) == [2, 1, 1]
    assert g.loc["0-9", "share_met"] == 0.5
    assert g.loc["0-9", "brier"] == pytest.approx((0.01 + 0.04) / 2)
    assert g.loc["0-9", "brier_inside"] == pytest.approx((0.25 + 0.01) / 2)  # none: 50%
    assert g.loc["0-9", "brier_base_then"] == pytest.approx((0.25 + 1.0) / 2)
    assert g.loc["60 or more", "brier"] == pytest.approx(0.49)


@pytest.mark.slow
def test_backtest_goals_on_the_shipped_pledges():
    result = backtest_goals(open_vintage().pledges(), n_samples=300)
    table = result["pledges"]
    assert len(table) >= 15
    assert table["met"].notna().sum() >= 15  # outcomes from the series' own later rows
    scored = table.dropna(subset=["probability"])
    assert len(scored) >= 10 and scored["probability"].between(0, 1).all()
    s = result["scores"]
    assert s["forecaster"].iloc[0] == "targets"
    forecasters = set(s["forecaster"])
    assert {"growth forecast alone", "constant 50%"} <= forecasters
    assert any(f.startswith("base rate") for f in forecasters)  # the strongest simple baselines
    assert s["n"].nunique() == 1  # every forecaster scored on the same statements
    assert s["brier"].between(0, 1).all() and (s["log_score"] <= 0).all()
    assert result["reliability"]["n"].sum() == s["n"].iloc[0]
    assert result["by_learning"]["n"].sum() == s["n"].iloc[0]


@pytest.mark.slow
def test_backtest_goals_command_prints_the_scores():
    out = subprocess.run(
        # The default samples, as the reports use them: the session's store holds them once.
        [sys.executable, "-m", "targets", "backtest-goals"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr
    for text in (
        "Brier",
        "constant 50%",
        "base rate",
        "Reliability",
        "earlier outcomes",
        "alibaba_fy2020_6t",
    ):
        assert text in out.stdout


def test_influence_names_the_rows_a_verdict_hangs_on(use):
    from targets.assess.influence import influence

    vintage = open_vintage(as_of="2023-03-01")
    table = influence(vintage.goal("usd_platform_2024"), vintage, n_samples=300)
    assert 1 <= len(table) <= 3
    assert (table["published"] <= pd.Timestamp("2023-03-01")).all()
    # Named for the reader (the series' name, in words), in the row's own currency.
    assert table["row"].str.startswith("test USD platform, ").all()
    assert table["row"].str.contains(r": \$\d", regex=True).all()
    assert not table["row"].str.contains("¥").any()
    changes = table["change"].abs().fillna(np.inf).to_numpy()
    assert (changes[:-1] >= changes[1:]).all()  # largest move first
    assert (table["without"].dropna().between(0, 1)).all()
    early = open_vintage(as_of="2021-04-08")
    assert influence(early.goal("merchants_100m"), early).empty  # count goals: not computed


def test_scorecard_table_writes_each_goal_in_its_own_units(use):
    from targets.cli import scorecard_table

    table = scorecard_table(open_vintage(as_of="2016-06-14")).set_index("goal")
    assert table.loc["merchants_100m", "verdict"] == "no forecast"
    assert table.loc["interest_commerce_2023", "goal threshold"] == "> ¥9.5T"
    assert table.loc["tiktok_shop_2026_usd", "goal threshold"] == "$50.0B"
    assert table.loc["alibaba_2016_goal", "P(met)"].endswith("%")


@pytest.mark.parametrize("as_of", ["2021-04-08", None])
def test_influence_starts_from_the_scorecards_own_probability(as_of):
    # Refitted by the assessment's own method (Douyin's regime model included), with the
    # scorecard's samples and seed: the table and the scorecard show one number.
    from targets.assess.influence import influence

    goal = "interest_commerce_2023"
    vintage = open_vintage(as_of=as_of)
    table = influence(vintage.goal(goal), vintage, n_samples=600, max_rows=2)
    assert len(table) >= 1
    # The table refits the growth forecast: it starts from the assessment's inside view.
    expected = assess.assess(goal, as_of, n_samples=600).inside_probability
    assert table["probability"].tolist() == [expected] * len(table)


DOLLAR_GOAL = """
- id: total_retail_2019_usd
  statement_en: China's retail sales of consumer goods pass US$5.5 trillion in 2019.
  announced: 2018-02-28
  deadline_start: 2019-01-01
  deadline_end: 2019-12-31
  kind: aggregate
  type: third_party_forecast
  metric: total retail sales of consumer goods in 2019, in US dollars
  dataset: nbs_retail
  series_id: nbs_total_retail
  comparator: ">="
  threshold: 5.5
  unit: USD trillion
  source: {publisher: test, url: https://example.org/usd, published: 2018-02-28}
"""


def test_a_dollar_goal_on_a_yuan_series_is_converted_at_a_dated_rate(data_copy):
    goals_file = data_copy / "goals.yaml"
    goals_file.write_text(goals_file.read_text(encoding="utf-8") + DOLLAR_GOAL, encoding="utf-8")
    at = open_vintage(data_copy, as_of="2018-02-28")
    a = assess.assess("total_retail_2019_usd", vintage=at, n_samples=400)
    head = assess.headline(a)
    # 2019 was not published: the latest average published by then, with a spread, says so.
    rates = at.rows("fx_rates")
    year = int(rates["period_start"].max().year)
    assert f"converted from CNY to USD at the {year} average" in head["method"]
    assert "with a spread" in head["method"]
    assert 0 <= a.inside_probability <= 1 and 3e12 < head["median"] < 9e12  # dollars
    later = assess.assess("total_retail_2019_usd", vintage=open_vintage(data_copy))
    # ¥40.8T at about 6.9 yuan a dollar is about US$5.9T: met, read at the published 2019 rate.
    assert later.outcome == "met"
    realized = float(later.hindsight["realized"].iloc[0])
    assert 5.5e12 < realized < 6.5e12


def test_a_goal_on_a_series_of_counts_is_forecast_as_a_count():
    pledges = open_vintage().pledges()
    goal = next(g for g in pledges.goals if g.kind == "aggregate" and g.currency == "count")
    assert goal.currency == "count"
    a = assess.assess(goal.id, vintage=pledges.at(goal.announced), n_samples=400)
    assert 0 <= a.inside_probability <= 1
    assert "yuan" not in a.explanation.split("Calibrated")[0]


def test_a_resolved_goal_shows_its_outcome_and_no_chance():
    card = assess.scorecard(vintage=open_vintage()).set_index("goal")
    row = card.loc["interest_commerce_2023"]  # ¥4.9T of live commerce in 2023: missed
    assert row["outcome"] == "not met" and row["verdict"] == "not met"
    assert pd.isna(row["probability"]) and row["realized"] > 0
    early = assess.scorecard(vintage=open_vintage(as_of="2021-04-08")).set_index("goal")
    assert pd.isna(early.loc["interest_commerce_2023", "outcome"])
    assert early.loc["interest_commerce_2023", "verdict"] == "bound only"  # not yet resolved
    assert 0 < early.loc["merchants_100m", "probability"] < 1
