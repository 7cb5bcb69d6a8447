"""Every documented input error names the file, the row and what was expected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import valid_row, write_csv
from targets.errors import DataError
from targets.sources import data


def load_rows(tmp_path: Path, rows: list[dict[str, str]], **kw) -> object:
    write_csv(tmp_path / "nbs_retail.csv", rows, **kw)
    return data.load("nbs_retail", directory=tmp_path)


def test_a_valid_file_loads(tmp_path):
    df = load_rows(tmp_path, [valid_row()])
    assert df.loc[0, "value_yuan"] == pytest.approx(117601e8)
    assert df.loc[0, "row"] == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"unit": "亿美元"},
            r"nbs_retail\.csv, row 3: unknown unit '亿美元'; expected one of: yuan",
        ),
        (
            {"period_start": "2020-12-31", "period_end": "2020-01-01"},
            r"row 3: period ends \(2020-01-01\) before it starts \(2020-12-31\)",
        ),
        ({"value": "-5"}, r"row 3: negative total -5\.0 亿元; totals must be >= 0"),
        (
            {"published": "2020-06-30"},
            r"row 3: an actual for a period ending 2020-12-31 cannot be published on 2020-06-30",
        ),
        ({"source_url": ""}, r"row 3: source_url is empty; every row needs a source_url"),
        ({"published": ""}, r"row 3: published is empty; every row needs a published"),
        (
            {"period_end": "2020-13-01"},
            r"row 3: period_end '2020-13-01' is not a date in YYYY-MM-DD",
        ),
        ({"published": "18/01/2021"}, r"row 3: published '18/01/2021' is not a date"),
        ({"value": "11,844"}, r"row 3: value '11,844' is not a number"),
        ({"kind": "guess"}, r"row 3: kind must be one of actual, estimate, forecast"),
        ({"status": "rumour"}, r"row 3: status must be one of official, reported"),
        ({"qualifier": "range"}, r"row 3: a range needs value_high >= value"),
        ({"kind": "growth_multiple"}, r"row 3: kind growth_multiple goes with unit"),
        (
            {"kind": "growth_multiple", "unit": "multiple", "value": "3"},
            r"row 3: a growth multiple needs base_start and base_end",
        ),
    ],
)
def test_bad_row_is_named(tmp_path, overrides, message):
    rows = [valid_row(period_start="2019-01-01", period_end="2019-12-31"), valid_row(**overrides)]
    with pytest.raises(DataError, match=message):
        load_rows(tmp_path, rows)


def test_duplicated_row_is_named(tmp_path):
    with pytest.raises(DataError, match=r"row 3: duplicated row: rows \[2, 3\]"):
        load_rows(tmp_path, [valid_row(), valid_row(note="same figure again")])


def test_same_period_from_two_sources_is_kept(tmp_path):
    df = load_rows(tmp_path, [valid_row(), valid_row(source_url="http://example.org/other")])
    assert len(df) == 2


def test_wrong_header_is_named(tmp_path):
    columns = [c for c in data.CORE_COLUMNS if c != "status"]
    with pytest.raises(DataError, match=r"nbs_retail\.csv, row 1: header does not match.*'status'"):
        load_rows(tmp_path, [valid_row()], columns=columns)


def test_missing_data_set_is_named(tmp_path):
    with pytest.raises(DataError, match=r"no data set found \(a CSV file whose header"):
        data.load("nbs_retail", directory=tmp_path)
    write_csv(tmp_path / "acme.csv", [valid_row()])
    with pytest.raises(DataError, match=r"unknown data set 'nbs_retail' in .*; available: acme$"):
        data.load("nbs_retail", directory=tmp_path)


def test_loader_does_not_modify_a_bad_file(tmp_path):
    path = write_csv(tmp_path / "nbs_retail.csv", [valid_row(unit="bushels")])
    before = path.read_bytes()
    with pytest.raises(DataError):
        data.load("nbs_retail", directory=tmp_path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "inf"}, r"nbs_retail\.csv, row 3: value 'inf' is not a finite number"),
        ({"value": "1e400"}, r"row 3: value '1e400' is not a finite number"),
        ({"value": "0"}, r"row 3: value 0 亿元 is not a usable level; expected a money total"),
        ({"value": "1e-300"}, r"row 3: value 1e-300 亿元 is not a usable level"),
        ({"unit": "count", "value": "0"}, r"row 3: value 0 count is not a usable level"),
        (
            {"qualifier": "range", "value_high": "inf"},
            r"row 3: value_high 'inf' is not a finite number",
        ),
        ({"published": "2099-01-01"}, r"row 3: published 2099-01-01 is after today"),
    ],
)
def test_a_level_must_be_finite_positive_and_already_published(tmp_path, overrides, message):
    rows = [valid_row(period_start="2019-01-01", period_end="2019-12-31"), valid_row(**overrides)]
    with pytest.raises(DataError, match=message):
        load_rows(tmp_path, rows)


def test_empty_and_non_utf8_files_are_named(tmp_path):
    (tmp_path / "nbs_retail.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"nbs_retail\.csv: the file is empty \(0 bytes\)"):
        data.load("nbs_retail", directory=tmp_path)
    path = write_csv(tmp_path / "nbs_retail.csv", [valid_row(), valid_row(period_end="2020-12-30")])
    path.write_bytes(path.read_bytes().replace("全國".encode(), "全國".encode("big5")))
    with pytest.raises(DataError, match=r"nbs_retail\.csv, line 2: not UTF-8 text"):
        data.load("nbs_retail", directory=tmp_path)
    (tmp_path / "assumptions.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"assumptions\.csv: the file is empty"):
        data.load_assumptions(directory=tmp_path)


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["backtest-goals", "--n-samples", "0"],
            "--n-samples: expected a whole number of at least 1",
        ),
        (
            ["backtest-goals", "--n-samples", "-5"],
            "--n-samples: expected a whole number of at least 1",
        ),
        (["backtest-goals", "--n-samples", "many"], "--n-samples: expected a whole number"),
        (["report", "--jobs", "0"], "--jobs: expected a whole number of at least 1"),
        (["report", "--output", "/"], "the root of the file system is not a report folder"),
        (["assess", "--as-of", "08/04/2021"], "write YYYY-MM-DD"),
        (["assess", "--as-of", "2021-04-08T00:00+08:00"], "write YYYY-MM-DD"),
    ],
)
def test_bad_command_arguments_get_one_line_naming_them(args, expected, tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "targets", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.returncode == 2, out.stderr
    assert expected in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


# --- issue 18, items 7 and 9: accepted silently or a traceback before -----------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "1_000"}, r"row 3: value '1_000' is not a number in ASCII digits"),
        ({"value": "１１７６０１"}, r"row 3: value '１１７６０１' is not a number in ASCII digits"),
        ({"value": "1e308"}, r"row 3: value 1e308 亿元 is too large: it is not a finite number"),
        (
            {"qualifier": "range", "value_high": "1e308"},
            r"row 3: value_high 1e308 亿元 is too large",
        ),
        (
            {"value": "1e300", "unit": "USD trillion"},
            r"row 3: value 1e300 USD trillion is too large: .* of US dollars",
        ),
        ({"published": "2021-W14-4"}, r"row 3: published '2021-W14-4' is not a date in YYYY-MM-DD"),
        ({"published": "20210408"}, r"row 3: published '20210408' is not a date in YYYY-MM-DD"),
    ],
    ids=["underscore", "full-width", "1e308-yi", "1e308-high", "1e300-usd", "week-date", "basic"],
)
def test_a_number_or_date_in_another_form_is_refused(tmp_path, overrides, message):
    rows = [valid_row(period_start="2019-01-01", period_end="2019-12-31"), valid_row(**overrides)]
    with pytest.raises(DataError, match=message):
        load_rows(tmp_path, rows)


def _size_row(**overrides: str) -> dict[str, str]:
    row = valid_row(
        series_id="acme_sellers_above",
        value="12",
        unit="count",
        entity="merchants",
        platform="acme",
        threshold_value="1",
        threshold_unit="亿元",
    )
    row.update(overrides)
    return row


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"threshold_value": "abc"}, r"row 2: threshold_value 'abc' is not a number in ASCII"),
        ({"threshold_value": "1_0"}, r"row 2: threshold_value '1_0' is not a number in ASCII"),
        ({"threshold_value": "0"}, r"row 2: threshold_value '0' is not a finite number above 0"),
        ({"threshold_value": "inf"}, r"row 2: threshold_value 'inf' is not a finite number"),
        (
            {"threshold_unit": "bushels"},
            r"row 2: threshold_unit 'bushels' is not a threshold unit; expected count or a yuan "
            r"unit: yuan, 万元, 亿元",
        ),
        ({"threshold_unit": "USD million"}, r"row 2: threshold_unit 'USD million' is not a"),
        ({"threshold_unit": ""}, r"row 2: threshold_value is given without threshold_unit"),
        ({"threshold_value": ""}, r"row 2: threshold_unit is given without threshold_value"),
        ({"threshold_value": "1e308"}, r"row 2: threshold_value 1e308 亿元 is too large"),
    ],
)
def test_a_size_rows_threshold_is_checked_when_the_file_is_read(tmp_path, overrides, message):
    from targets.sources.rows import SIZE_COLUMNS

    write_csv(tmp_path / "sizes.csv", [_size_row(**overrides)], [*data.CORE_COLUMNS, *SIZE_COLUMNS])
    with pytest.raises(DataError, match=r"sizes\.csv, " + message):
        data.load("sizes", directory=tmp_path)


def test_a_size_row_with_a_good_threshold_loads(tmp_path):
    from targets.sources.rows import SIZE_COLUMNS

    columns = [*data.CORE_COLUMNS, *SIZE_COLUMNS]
    rows = [_size_row(), _size_row(threshold_value="", threshold_unit="", value="30")]
    write_csv(tmp_path / "sizes.csv", rows, columns)
    assert len(data.load("sizes", directory=tmp_path)) == 2


_ASSUMPTION = "{id},{value},{high},{unit},assumption,,,,2000-01-01,a modelling choice"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"id": "noise_scale_official", "value": "-0.1", "unit": "log_sd"},
            r"-0\.1 is not a value in \(0, 5\] as unit 'log_sd' requires",
        ),
        (
            {"id": "noise_scale_official", "value": "0", "unit": "log_sd"},
            r"0 is not a value in \(0, 5\] as unit 'log_sd' requires",
        ),
        (
            {"id": "count_gmv_share_all_sales", "value": "7", "unit": "share"},
            r"7 is not a value in \(0, 1\] as unit 'share' requires",
        ),
        (
            {"id": "count_head_sales", "value": "0.1", "high": "7", "unit": "share"},
            r"7 is not a value in \(0, 1\] as unit 'share' requires",
        ),
        (
            {"id": "engine_max_growth_per_year", "value": "0", "unit": "multiple_per_year"},
            r"0 is not a value in \(1, 1e\+06\] as unit 'multiple_per_year' requires",
        ),
        (
            {"id": "engine_skill_origins", "value": "-3", "unit": "origins"},
            r"-3 is not a whole number in \[1, 100\] as unit 'origins' requires",
        ),
        (
            {"id": "engine_skill_origins", "value": "2.5", "unit": "origins"},
            r"2\.5 is not a whole number in \[1, 100\] as unit 'origins' requires",
        ),
        (
            {"id": "driver_min_regular_years", "value": "0", "unit": "count"},
            r"0 is not a value in \[1, inf\] as unit 'count' requires",
        ),
        (
            {"id": "count_population_douyin_merchants", "value": "-5", "unit": "count"},
            r"-5 is not a value in \[1, inf\] as unit 'count' requires",
        ),
        (
            {"id": "curve_saturation_max_multiple", "value": "1_000", "unit": "multiple"},
            r"value '1_000' is not a number in ASCII digits",
        ),
        (
            {"id": "curve_saturation_max_multiple", "value": "１０００", "unit": "multiple"},
            r"value '１０００' is not a number in ASCII digits",
        ),
        (
            {"id": "curve_saturation_max_multiple", "value": "1000", "unit": "bushels"},
            r"unit must be one of log_sd, .*; got 'bushels'",
        ),
    ],
    ids=lambda v: (
        v["value"] + ("-" + v["high"] if "high" in v else "") + "-" + v["unit"]
        if isinstance(v, dict)
        else ""
    ),
)
def test_an_assumption_outside_its_declared_range_is_refused(tmp_path, row, message):
    text = ",".join(data.ASSUMPTION_COLUMNS) + "\n" + _ASSUMPTION.format(**{"high": "", **row})
    (tmp_path / "assumptions.csv").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"assumptions\.csv, row 2: " + message):
        data.load_assumptions(directory=tmp_path)


_GOAL = """
- id: kuaishou_1t
  statement_zh: 快手电商GMV破万亿
  statement_en: Kuaishou GMV passes one trillion yuan in 2023.
  announced: 2022-03-29
  deadline_start: 2023-01-01
  deadline_end: 2023-12-31
  kind: aggregate
  metric: Kuaishou e-commerce GMV in 2023
  dataset: kuaishou_gmv
  series_id: kuaishou_gmv
  comparator: ">="
  threshold: 1
  unit: 万亿元
  source: {publisher: example, url: http://example.org, published: 2022-03-29}
"""


@pytest.fixture
def goal_dir(tmp_path: Path) -> Path:
    """A data folder holding the one data set :data:`_GOAL` is measured on (fast to read)."""
    from targets.sources.data import data_dir

    (tmp_path / "kuaishou_gmv.csv").write_bytes((data_dir() / "kuaishou_gmv.csv").read_bytes())
    return tmp_path


_SECOND = _GOAL.replace("kuaishou_1t", "kuaishou_2t").replace("threshold: 1\n", "threshold: 2\n")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("dataset: kuaishou_gmv", "dataset: [x]", r"dataset \"\['x'\]\" is not a name"),
        ("series_id: kuaishou_gmv", "series_id: {a: 1}", r"series_id \"{'a': 1}\" is not a name"),
        ("threshold: 1\n", "threshold: true\n", r"threshold 'True' is not a number"),
        ("threshold: 1\n", "threshold: 1_000\n", r"threshold '1_000' is not a number"),
        ("threshold: 1\n", "threshold: 1:30\n", r"threshold '1:30' is not a number"),
        ("threshold: 1\n", "threshold: １０\n", r"threshold '１０' is not a number"),
        ("announced: 2022-03-29", "announced: 2022-W13-2", r"announced '2022-W13-2' is not a date"),
        ("announced: 2022-03-29", "announced: 20220329", r"announced '20220329' is not a date"),
        (
            "statement_en: Kuaishou GMV passes one trillion yuan in 2023.",
            "statement_en: [a, b]",
            r"statement_en must be text",
        ),
        ("metric: Kuaishou e-commerce GMV in 2023", "metric: {a: 1}", r"metric must be text"),
        ("  source:", "  note: [x]\n  source:", r"note must be text; got a list"),
        ("  source:", "  parent: [x]\n  source:", r"parent \"\['x'\]\" is not a goal id"),
        ("publisher: example", "publisher: [x]", r"source\.publisher must be text"),
    ],
    ids=lambda v: v if len(v) < 30 else None,
)
def test_a_goal_field_of_the_wrong_kind_is_named(goal_dir, old, new, message):
    from targets.errors import GoalError
    from targets.sources import goals

    assert old in _GOAL
    (goal_dir / "goals.yaml").write_text(_GOAL.replace(old, new), encoding="utf-8")
    with pytest.raises(GoalError, match=r"^goals\.yaml, goal 1 \(kuaishou_1t\): " + message):
        goals.load(directory=goal_dir)


@pytest.mark.parametrize(
    ("goal_id", "shown"),
    [
        ("[a, b]", "['a', 'b']"),
        ("{a: 1}", "{'a': 1}"),
        ("yes", "True"),
        ("''", ""),
        ('"a\\nb"', "a\\nb"),
        ('"\\e[31mred"', "\\x1b[31mred"),
        ("a/../b", "a/../b"),
    ],
    ids=["list", "dict", "yes", "blank", "newline", "ansi", "path"],
)
def test_a_goal_id_must_be_a_safe_word(goal_dir, goal_id, shown):
    from targets.errors import GoalError
    from targets.sources import goals

    (goal_dir / "goals.yaml").write_text(_GOAL.replace("kuaishou_1t", goal_id), encoding="utf-8")
    with pytest.raises(GoalError, match=r"^goals\.yaml, goal 1: id .* is not an id") as err:
        goals.load(directory=goal_dir)
    assert shown in str(err.value) and "\x1b" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _GOAL.replace("  source:", "  parent: kuaishou_2t\n  source:")
            + _SECOND.replace("  source:", "  parent: kuaishou_1t\n  source:"),
            r"goal 1 \(kuaishou_1t\): parent chain loops back to 'kuaishou_1t'",
        ),
        (
            _GOAL.replace("  source:", "  parent: kuaishou_1t\n  source:"),
            r"goal 1 \(kuaishou_1t\): parent chain loops back to 'kuaishou_1t'",
        ),
        (_GOAL.replace("threshold: 1\n", "threshold: 1\n  threshold: 2\n"), r"duplicate key"),
        ("goals:\n  - " + "[" * 500 + "]" * 500 + "\n", r"nested deeper than 40 levels"),
        ("goals:\n  - " + "{a: " * 500 + "1" + "}" * 500 + "\n", r"nested deeper than 40 levels"),
    ],
    ids=["cycle", "self", "duplicate-key", "500-deep-lists", "500-deep-maps"],
)
def test_a_goal_file_that_cannot_be_one_is_refused_in_one_line(goal_dir, text, message):
    from targets.errors import GoalError
    from targets.sources import goals

    (goal_dir / "goals.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(GoalError, match=r"^goals\.yaml(, line \d+)?(, goal 1 )?.*" + message):
        goals.load(directory=goal_dir)


def test_a_pledge_naming_a_list_as_its_data_set_is_named(data_copy):
    from targets.errors import GoalError
    from targets.sources import goals

    path = data_copy / "pledges.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  dataset: douyin_gmv\n", "  dataset: [x]\n", 1), "utf-8")
    with pytest.raises(GoalError, match=r"^pledges\.yaml, goal 1 \(.*\): dataset \"\['x'\]\""):
        goals.load(path, directory=data_copy)


# --- issue 18, item 10: forecast() refuses what it cannot serve, by argument name -----------


def _frame(**columns) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "unique_id": "s",
            "ds": pd.date_range("2015", periods=6, freq="YS"),
            "y": [1.0, 2.1, 3.9, 8.2, 15.8, 31.0],
        }
    )
    return df.assign(**columns)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": True}, r"h must be a whole number from 1 to 1000; got True"),
        ({"h": 10**9}, r"h must be a whole number from 1 to 1000; got 1000000000"),
        ({"h": 2.0}, r"h must be a whole number from 1 to 1000; got 2\.0"),
        ({"n_samples": "100"}, r"n_samples must be a whole number from 10 to 1,000,000; got '100'"),
        ({"n_samples": 100.5}, r"n_samples must be a whole number .*; got 100\.5"),
        ({"n_samples": 10**9}, r"n_samples must be a whole number .*; got 1000000000"),
        ({"h": 1000, "n_samples": 10**5}, r"h \* n_samples must be at most 10,000,000"),
        ({"n_jobs": 0}, r"n_jobs must be None, a positive number of workers or -1 .*; got 0"),
        ({"n_jobs": "2"}, r"n_jobs must be None, .*; got '2'"),
        ({"n_jobs": True}, r"n_jobs must be None, .*; got True"),
        (
            {"df": [1, 2, 3]},
            r"df must be a pandas DataFrame with columns unique_id, ds, y; got list",
        ),
        ({"df": None}, r"df must be a pandas DataFrame .*; got NoneType"),
        ({"df": _frame(unique_id=np.nan)}, r"unique_id is missing at frame row 0; every row"),
        ({"df": _frame(unique_id=None)}, r"unique_id is missing at frame row 0"),
        (
            {"df": _frame(y=np.linspace(1e300, 2e300, 6))},
            r"series 's': y is 1e\+300 at 2015-01-01 \(frame row 0\); values above 1e\+100 "
            r"overflow the models' arithmetic: rescale",
        ),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else None,
)
def test_forecast_refuses_a_bad_argument_by_name(kwargs, message):
    from targets import forecast
    from targets.errors import ForecastError, TargetsError

    args = {"df": _frame(), "h": 2, "models": ["naive"], "n_samples": 50} | kwargs
    with pytest.raises(ForecastError, match="^" + message) as err:
        forecast(**args)
    assert isinstance(err.value, TargetsError)


_COUNT_GOAL = _GOAL.replace("kind: aggregate", "kind: count").replace(
    "  unit: 万亿元\n",
    "  unit: count\n  entity: merchants\n  entity_threshold: 1\n  entity_threshold_unit: 亿元\n"
    "  platform: kuaishou\n  population: [1000, 5000]\n  gmv_share: 1\n"
    "  size_evidence: [kuaishou_gmv]\n",
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("population: [1000, 5000]", "population: -5", r"population must be positive; got -5"),
        ("population: [1000, 5000]", "population: [-5, 10]", r"population must be an assumption"),
        ("population: [1000, 5000]", "population: .inf", r"population must be an assumption"),
        ("population: [1000, 5000]", "population: [yes, 10]", r"population must be an assumption"),
        (
            "platform: kuaishou",
            "platform: [x]",
            r"platform must be one line of text; got \"\['x'\]\"",
        ),
        (
            "size_evidence: [kuaishou_gmv]",
            "size_evidence: [{series: kuaishou_gmv, top_k: abc}]",
            r"size_evidence entry 'kuaishou_gmv': top_k must be a whole number of at least 1",
        ),
        (
            "size_evidence: [kuaishou_gmv]",
            "size_evidence: [{series: kuaishou_gmv, context: [x]}]",
            r"size_evidence entry 'kuaishou_gmv': context must be text",
        ),
        (
            "  source:",
            "  base_start: 2020-01-01\n  source:",
            r"base_start: only a growth goal has a base interval",
        ),
    ],
    ids=lambda v: v if len(v) < 30 else None,
)
def test_a_count_goal_field_of_the_wrong_kind_is_named(goal_dir, old, new, message):
    from targets.errors import GoalError
    from targets.sources import goals

    (goal_dir / "goals.yaml").write_text(_COUNT_GOAL, encoding="utf-8")
    assert goals.load(directory=goal_dir)[0].kind == "count"
    (goal_dir / "goals.yaml").write_text(_COUNT_GOAL.replace(old, new), encoding="utf-8")
    with pytest.raises(GoalError, match=r"^goals\.yaml, goal 1 \(kuaishou_1t\): " + message):
        goals.load(directory=goal_dir)
