"""Every documented input error names the file, the row and what was expected."""

from __future__ import annotations

from pathlib import Path

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
