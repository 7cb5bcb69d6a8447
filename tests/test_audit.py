"""`targets data --audit`: inferred dates, undated assumptions and values that conflict."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from targets.sources.audit import AUDIT_COLUMNS, audit
from targets.sources.vintage import open_vintage


def _edit(path: Path, line: int, **cells: str) -> None:
    """Set cells of the CSV row on 1-based ``line`` (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for column, value in cells.items():
        rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _line_of(path: Path, *starts: str) -> int:
    """The 1-based line of the first row beginning with the given cells."""
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh), start=1):
            if tuple(row[: len(starts)]) == starts:
                return i
    raise AssertionError(f"no row {starts} in {path}")


def _findings(folder: Path, check: str):
    found = audit(open_vintage(folder))
    assert list(found.columns) == AUDIT_COLUMNS
    return found[found["check"] == check]


def test_shipped_data_has_no_conflicts_and_few_inferred_dates():
    found = audit(open_vintage())
    rows = len(open_vintage().observations)
    inferred = found[found["check"] == "inferred_date"]
    # Issue 19: at most 15% of data rows keep an inferred date, each with its reason.
    assert len(inferred) <= 0.15 * rows
    assert not inferred["detail"].str.contains("gives no reason").any()
    assert (found["check"] == "undated_assumption").sum() == 0
    assert (found["check"] == "thin_remainder").sum() == 0


def test_a_year_to_date_that_leaves_too_little_for_the_year_is_flagged(data_copy):
    # The error once made: January-October entered at nearly the whole year's value.
    path = data_copy / "nbs_retail.csv"
    line = _line_of(path, "nbs_physical_online_retail", "2022-01-01", "2022-10-31")
    assert not len(_findings(data_copy, "thin_remainder"))
    _edit(path, line, value="115000")  # 亿元; the year is ¥11.96T
    thin = _findings(data_copy, "thin_remainder")
    assert list(thin["row"]) == [line]
    assert thin["file"].iloc[0].endswith("nbs_retail.csv")
    assert "61 days" in thin["detail"].iloc[0]


def test_a_part_above_its_year_is_flagged_not_called_thin(data_copy):
    path = data_copy / "nbs_retail.csv"
    line = _line_of(path, "nbs_physical_online_retail", "2022-01-01", "2022-10-31")
    _edit(path, line, value="125000")
    above = _findings(data_copy, "part_above_whole")
    assert line in set(above["row"])
    details = above.loc[above["row"] == line, "detail"]
    assert any("2022-01-01 to 2022-12-31" in d for d in details)
    assert line not in set(_findings(data_copy, "thin_remainder")["row"])


def test_a_declared_part_above_its_whole_is_flagged(data_copy):
    # series.csv declares physical-goods online retail part of online retail.
    path = data_copy / "nbs_retail.csv"
    line = _line_of(path, "nbs_physical_online_retail", "2023-01-01", "2023-12-31")
    before = set(_findings(data_copy, "part_above_whole")["row"])
    assert line not in before
    _edit(path, line, value="16000")  # CNY billion; online retail was ¥15.43T
    above = _findings(data_copy, "part_above_whole")
    mine = above[above["row"] == line]
    assert any("online retail sales (NBS)" in d for d in mine["detail"])


def test_an_approximate_figure_is_given_its_slack(data_copy):
    path = data_copy / "nbs_retail.csv"
    line = _line_of(path, "nbs_physical_online_retail", "2023-01-01", "2023-12-31")
    # 2% above the whole, but "about": inside the slack of an approximate figure.
    _edit(path, line, value="15740", qualifier="approx")
    assert line not in set(_findings(data_copy, "part_above_whole")["row"])


def test_an_undated_assumption_is_listed(data_copy):
    path = data_copy / "assumptions.csv"
    line = _line_of(path, "noise_scale_official")
    _edit(path, line, usable_from="")
    undated = _findings(data_copy, "undated_assumption")
    assert list(undated["series_id"]) == ["noise_scale_official"]
    assert list(undated["row"]) == [line]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_audit_prints_findings_and_a_summary(data_copy, fmt):
    path = data_copy / "nbs_retail.csv"
    line = _line_of(path, "nbs_physical_online_retail", "2022-01-01", "2022-10-31")
    _edit(path, line, value="115000")
    cmd = [sys.executable, "-m", "targets", "data", "--audit", "--data-dir", str(data_copy)]
    out = subprocess.run([*cmd, "--format", fmt], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "thin_remainder" in out.stdout
    if fmt == "table":
        assert "1 thin_remainder" in out.stdout
        assert "inferred publication dates:" in out.stdout
    else:
        header = out.stdout.splitlines()[0]
        assert header == ",".join(AUDIT_COLUMNS)
