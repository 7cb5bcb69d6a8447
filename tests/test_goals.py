"""The goal registry: typed, validated, extendable by editing YAML only."""

from __future__ import annotations

import datetime as dt

import pytest

from targets.assess import series_note
from targets.errors import GoalError
from targets.sources import goals
from targets.sources.vintage import open_vintage


def test_registry_holds_the_six_seed_claims():
    gs = goals.load()
    assert [g.id for g in gs] == [
        "merchants_100m",
        "new_brands_100m",
        "creators_100k",
        "creators_10m",
        "products_100m",
        "interest_commerce_2023",
    ]
    assert all(g.announced == dt.date(2021, 4, 8) for g in gs)
    interest = gs[-1]
    assert interest.kind == "aggregate" and interest.threshold == pytest.approx(9.5e12)
    merchants = gs[0]
    assert merchants.kind == "count" and merchants.threshold == 1000
    assert merchants.entity_threshold == pytest.approx(1e8)
    assert goals.get("creators_100k").entity_threshold == pytest.approx(1e5)
    assert interest.is_met(9.6e12) and not interest.is_met(9.5e12)


def test_unknown_goal_lists_known_ids():
    with pytest.raises(GoalError, match="unknown goal 'x'; known goals: merchants_100m"):
        goals.get("x")


def _write(data_copy, text: str):
    (data_copy / "goals.yaml").write_text(text, encoding="utf-8")


GOAL = """
- id: kuaishou_1t
  statement_zh: 快手电商GMV破万亿
  statement_en: Kuaishou GMV passes one trillion yuan in 2023.
  announced: 2022-03-29
  deadline_start: 2023-01-01
  deadline_end: 2023-12-31
  kind: aggregate
  metric: Kuaishou e-commerce GMV in 2023
  dataset: kuaishou_gmv
  series_id: {series}
  comparator: ">="
  threshold: 1
  unit: 万亿元
  source: {{publisher: example, url: http://example.org, published: 2022-03-29}}
"""


def test_a_new_goal_is_added_by_editing_yaml_only(data_copy):
    _write(data_copy, GOAL.format(series="kuaishou_gmv"))
    (g,) = goals.load(directory=data_copy)
    assert g.id == "kuaishou_1t" and g.threshold == pytest.approx(1e12)


def test_goal_naming_a_missing_series_is_an_error(data_copy):
    _write(data_copy, GOAL.format(series="kuaishou_gmv_typo"))
    with pytest.raises(
        GoalError,
        match=r"goal 1 \(kuaishou_1t\): series: series .kuaishou_gmv_typo. does not exist"
        r".*did you mean .kuaishou_gmv.\?",
    ):
        goals.load(directory=data_copy)


def test_malformed_yaml_is_an_error(data_copy):
    _write(data_copy, "- id: [unclosed\n")
    with pytest.raises(GoalError, match="goals.yaml, line 2: malformed YAML"):
        goals.load(directory=data_copy)


def test_missing_field_and_bad_date_are_errors(data_copy):
    _write(
        data_copy,
        GOAL.format(series="kuaishou_gmv").replace(
            "  metric: Kuaishou e-commerce GMV in 2023\n", ""
        ),
    )
    with pytest.raises(GoalError, match="missing required field"):
        goals.load(directory=data_copy)
    _write(data_copy, GOAL.format(series="kuaishou_gmv").replace("2023-12-31", "2023-31-12"))
    with pytest.raises(GoalError, match="deadline_end '2023-31-12' is not a date"):
        goals.load(directory=data_copy)


def test_a_series_not_yet_published_is_accepted_and_said_in_the_output(data_copy):
    # A goal whose series has no row in the data (e.g. data cut before its first
    # publication) is valid; the goals table and the as-of sentence say so.
    _write(data_copy, GOAL.format(series="kuaishou_official_annual_disclosure"))
    (g,) = goals.load(directory=data_copy)
    assert g.series_published is False
    assert "no row in the data yet" in goals.to_frame([g])["series"].iloc[0]
    note = series_note(g, open_vintage(data_copy, as_of="2021-04-08"))
    assert note.startswith("No figure of the goal's own series")
    assert "by 2021-04-08" in note


def test_series_note_is_empty_once_the_series_has_a_row():
    interest = goals.get("interest_commerce_2023")
    assert interest.series_published
    assert "(CFIS/CIECC)" in series_note(interest, open_vintage(as_of="2021-04-08"))
    assert series_note(interest, open_vintage()) == ""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("2022-03-29\n  deadline_start", "2024-03-29\n  deadline_start"), "is after the deadline"),
        (("threshold: 1\n", "threshold: .inf\n"), "threshold must be a finite number"),
        (("threshold: 1\n", "threshold: .nan\n"), "threshold must be a finite number"),
        (("threshold: 1\n", "threshold: -2\n"), "threshold must be positive"),
        (("threshold: 1\n", "threshold: 0\n"), "threshold must be positive"),
        (('comparator: ">="', "comparator: between"), "'between' needs threshold_high"),
        (('comparator: ">="', "comparator: about"), "'about' needs a tolerance"),
        (('comparator: ">="', 'comparator: "~"'), "comparator must be one of"),
        (("unit: 万亿元", "unit: count"), "a count and an amount cannot be compared"),
        (("kind: aggregate", "kind: growth"), "a growth goal needs base_start"),
        (("metric:", "type: rumour\n  metric:"), "type must be one of"),
        (("metric:", "tags: oops\n  metric:"), "tags must be a list"),
        (
            ("metric:", "proxies: [{name: x, series: nbs_retail/nbs_online_retai}]\n  metric:"),
            "proxies[0].pooled: series 'nbs_online_retai' does not exist",
        ),
    ],
)
def test_bad_goal_fields_are_named(data_copy, edit, message):
    _write(data_copy, GOAL.format(series="kuaishou_gmv").replace(*edit))
    with pytest.raises(GoalError, match=r"goal 1 \(kuaishou_1t\)") as err:
        goals.load(directory=data_copy)
    assert message in str(err.value)


def test_non_utf8_goal_file_is_named(data_copy):
    (data_copy / "goals.yaml").write_bytes(GOAL.format(series="kuaishou_gmv").encode("utf-16"))
    with pytest.raises(GoalError, match="goals.yaml: not UTF-8 text"):
        goals.load(directory=data_copy)


def test_richer_contract_fields_parse(data_copy):
    text = GOAL.format(series="kuaishou_gmv").replace(
        'comparator: ">="\n  threshold: 1\n',
        "comparator: between\n  threshold: 1\n  threshold_high: 1.2\n"
        "  type: third_party_forecast\n  tags: [kuaishou, range]\n"
        "  ceiling: {series: nbs_retail/nbs_physical_online_retail}\n",
    )
    _write(data_copy, text)
    (g,) = goals.load(directory=data_copy)
    assert (g.type, g.tags, g.currency) == ("third_party_forecast", ("kuaishou", "range"), "CNY")
    assert g.threshold_high == pytest.approx(1.2e12)
    assert g.ceiling.series.series_id == "nbs_physical_online_retail"
    assert g.met([0.9e12, 1.1e12]).tolist() == [False, True]


def test_report_goal_narrows_the_goal_file_not_the_track_record(monkeypatch):
    from targets.assess import track_record_vintage
    from targets.sources.vintage import GOAL_IDS_ENV, open_vintage

    monkeypatch.setenv(GOAL_IDS_ENV, "merchants_100m")
    vintage = open_vintage()
    assert [g.id for g in vintage.goals] == ["merchants_100m"]
    # The pledges behind the calibration stay whole (they were once cut to the same ids).
    pledges = track_record_vintage(vintage)
    assert pledges is not None and len(pledges.goals) >= 100
