"""A fault catalogue: bad input reaches the `targets` command as a user would give it.

Each case asserts the exit code, that the message names the place (file and
row, or the argument), that no traceback reaches the user, and that no file
outside the output was touched. Signals (kill -9, Ctrl-C, SIGTERM during a
report) are in ``test_output_safety.py``; the goal registry's own faults are in
``test_goals.py``; the API's in ``test_forecast.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from targets.sources.data import data_dir

TARGETS = Path(sys.executable).with_name("targets")


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Rewrite one cell of a CSV (``row`` 1-based, header = 1), keeping everything else."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 2][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@dataclass(frozen=True)
class Fault:
    id: str
    args: tuple[str, ...]
    message: str  # a substring the error must contain
    setup: Callable[[Path], None] = lambda data: None
    code: int = 2


def cell(row: int, column: str, value: str) -> Callable[[Path], None]:
    return lambda data: _set_cell(data / "douyin_gmv.csv", row, column, value)


CSV_FAULTS = [
    Fault(
        "inf",
        ("data",),
        "douyin_gmv.csv, row 3: value 'inf' is not a finite number",
        cell(3, "value", "inf"),
    ),
    Fault(
        "1e400",
        ("assess",),
        "douyin_gmv.csv, row 3: value '1e400' is not a finite number",
        cell(3, "value", "1e400"),
    ),
    Fault(
        "zero",
        ("assess", "--format", "csv"),
        "douyin_gmv.csv, row 3: value 0 CNY billion is not a usable level",
        cell(3, "value", "0"),
    ),
    Fault(
        "tiny",
        ("data",),
        "douyin_gmv.csv, row 3: value 1e-300 CNY billion is not a usable level",
        cell(3, "value", "1e-300"),
    ),
    Fault(
        "future",
        ("data",),
        "douyin_gmv.csv, row 3: published 2099-01-01 is after today",
        cell(3, "published", "2099-01-01"),
    ),
    Fault(
        "empty-file",
        ("data",),
        "douyin_gmv.csv: the file is empty (0 bytes)",
        lambda d: (d / "douyin_gmv.csv").write_bytes(b""),
    ),
    Fault(
        "latin-1",
        ("data",),
        "jd_gmv.csv, line 1: not UTF-8 text",
        lambda d: (d / "jd_gmv.csv").write_bytes(
            "série".encode("latin-1") + (d / "jd_gmv.csv").read_bytes()
        ),
    ),
    Fault(
        "no-data-set",
        ("data",),
        "no data set found (a CSV file whose header starts with series_id)",
        lambda d: [p.unlink() for p in d.glob("*.csv") if p.name != "assumptions.csv"],
    ),
]


def _sub(file: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace the first ``old`` in a data folder's ``file`` by ``new``."""

    def setup(data: Path) -> None:
        path = data / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def sized(column: str, value: str) -> Callable[[Path], None]:
    """Set ``column`` of the first size-evidence row with a sales threshold (row 17)."""
    return lambda data: _set_cell(data / "size_distribution.csv", 17, column, value)


def assumed(row: int, value: str) -> Callable[[Path], None]:
    return lambda data: _set_cell(data / "assumptions.csv", row, "value", value)


def assumption_row(assumption_id: str) -> int:
    """The 1-based line of the first row of ``assumption_id`` in the shipped assumptions."""
    from targets.sources.data import data_dir

    with (data_dir() / "assumptions.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.reader(fh), start=1):
            if row and row[0] == assumption_id:
                return line
    raise AssertionError(f"no assumption {assumption_id!r}")


MIN_YEARS_ROW = assumption_row("driver_min_regular_years")
POPULATION_ROW = assumption_row("count_population_douyin_merchants")


#: Issue 18, items 7 and 9: each gave a traceback or was accepted silently.
ISSUE_18_FAULTS = [
    Fault(
        "threshold-abc-data",
        ("data",),
        "size_distribution.csv, row 17: threshold_value 'abc' is not a number in ASCII digits",
        sized("threshold_value", "abc"),
    ),
    Fault(
        "threshold-abc-assess",
        ("assess",),
        "size_distribution.csv, row 17: threshold_value 'abc' is not a number",
        sized("threshold_value", "abc"),
    ),
    Fault(
        "bushels-data",
        ("data",),
        "size_distribution.csv, row 17: threshold_unit 'bushels' is not a threshold unit; "
        "expected count or a yuan unit",
        sized("threshold_unit", "bushels"),
    ),
    Fault(
        "bushels-assess",
        ("assess",),
        "size_distribution.csv, row 17: threshold_unit 'bushels' is not a threshold unit",
        sized("threshold_unit", "bushels"),
    ),
    Fault(
        "1e308",
        ("data",),
        "douyin_gmv.csv, row 3: value 1e308 CNY billion is too large: it is not a finite number "
        "of yuan",
        cell(3, "value", "1e308"),
    ),
    Fault(
        "underscore",
        ("data",),
        "douyin_gmv.csv, row 3: value '1_000' is not a number in ASCII digits",
        cell(3, "value", "1_000"),
    ),
    Fault(
        "full-width",
        ("data",),
        "douyin_gmv.csv, row 3: value '１０００' is not a number in ASCII digits",
        cell(3, "value", "１０００"),
    ),
    Fault(
        "week-date",
        ("data",),
        "douyin_gmv.csv, row 3: published '2021-W14-4' is not a date in YYYY-MM-DD form",
        cell(3, "published", "2021-W14-4"),
    ),
    Fault(
        "driver-min-years-0",
        ("assess",),
        f"assumptions.csv, row {MIN_YEARS_ROW}: 0 is not a value in [1, inf] as unit 'count' "
        "requires",
        assumed(MIN_YEARS_ROW, "0"),
    ),
    Fault(
        "negative-population",
        ("assess",),
        f"assumptions.csv, row {POPULATION_ROW}: -5 is not a value in [1, inf] as unit 'count' "
        "requires",
        assumed(POPULATION_ROW, "-5"),
    ),
    Fault(
        "goal-dataset-list",
        ("goals",),
        "goals.yaml, goal 1 (merchants_100m): dataset \"['x']\" is not a name",
        _sub("goals.yaml", "  dataset: douyin_gmv\n", "  dataset: [x]\n"),
    ),
    Fault(
        "pledge-dataset-list",
        ("backtest-goals", "--n-samples", "20"),
        "pledges.yaml, goal 1 (douyin_2021_300b): dataset \"['x']\" is not a name",
        _sub("pledges.yaml", "  dataset: douyin_gmv\n", "  dataset: [x]\n"),
    ),
    Fault(
        "goal-500-deep",
        ("goals",),
        "goals.yaml: malformed YAML: nested deeper than 40 levels",
        _sub("goals.yaml", "  note: A subset", "  x: " + "[" * 500 + "]" * 500 + "\n  note: A"),
    ),
    Fault(
        "goal-threshold-true",
        ("goals",),
        "goals.yaml, goal 1 (merchants_100m): threshold 'True' is not a number",
        _sub("goals.yaml", "  threshold: 1000\n", "  threshold: true\n"),
    ),
    Fault(
        "goal-threshold-1_000",
        ("goals",),
        "goals.yaml, goal 1 (merchants_100m): threshold '1_000' is not a number",
        _sub("goals.yaml", "  threshold: 1000\n", "  threshold: 1_000\n"),
    ),
]

CLI_FAULTS = [
    Fault(
        "as-of-empty", ("assess", "--as-of", ""), "as_of must be a date like '2021-04-08'; got ''"
    ),
    Fault(
        "as-of-bad",
        ("report", "--as-of", "2021-13-01"),
        "as_of must be a date like '2021-04-08'; got '2021-13-01'",
    ),
    Fault(
        "as-of-before-data",
        ("assess", "--as-of", "1990-01-01"),
        "--as-of 1990-01-01: nothing had been published by then",
    ),
    Fault(
        "report-before-data",
        ("report", "--as-of", "1990-01-01"),
        "--as-of 1990-01-01: nothing had been published by then",
    ),
    Fault("no-data-dir", ("data", "--data-dir", "nowhere"), "--data-dir nowhere: no such folder"),
    Fault("no-goals", ("goals", "--goals", "nowhere.yaml"), "--goals nowhere.yaml: no such file"),
    Fault(
        "output-is-file",
        ("report", "--output", "notes.txt"),
        "notes.txt: an existing file is in the way",
    ),
    Fault(
        "output-is-users-folder",
        ("report", "--output", "."),
        "the folder holds files that are not a targets report (data, notes.txt)",
    ),
    Fault(
        "unknown-format", ("data", "--format", "xml"), "argument --format: invalid choice: 'xml'"
    ),
    Fault("as-of-minus-1", ("assess", "--as-of", "-1"), "got '-1' (write YYYY-MM-DD)"),
    Fault("as-of-basic", ("assess", "--as-of", "20210408"), "got '20210408' (write YYYY-MM-DD)"),
    Fault("as-of-week", ("report", "--as-of", "2021-W14-4"), "got '2021-W14-4' (write YYYY-MM-DD)"),
    Fault(
        "as-of-zone", ("assess", "--as-of", "2021-04-08Z"), "got '2021-04-08Z' (write YYYY-MM-DD)"
    ),
    Fault("output-root", ("report", "--output", "/"), "the root of the file system is not a"),
    Fault(
        "output-256-bytes",
        ("report", "--output", "a" * 256),
        "the folder name is 256 bytes long; file systems allow at most 255",
    ),
    Fault(
        "backtest-0-samples",
        ("backtest-goals", "--n-samples", "0"),
        "--n-samples: expected a whole number of at least 1; got 0",
    ),
]


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


REPO_DATA = _tree(data_dir())


@pytest.mark.parametrize(
    ("kind", "fault"),
    [("csv", f) for f in CSV_FAULTS]
    + [("issue18", f) for f in ISSUE_18_FAULTS]
    + [("cli", f) for f in CLI_FAULTS],
    ids=lambda v: v if isinstance(v, str) else v.id,
)
def test_fault_ends_in_a_clear_error_and_touches_nothing(tmp_path, kind, fault):
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    (tmp_path / "notes.txt").write_text("a user's file", encoding="utf-8")
    fault.setup(data)
    before = _tree(tmp_path)
    env = {**os.environ, "TARGETS_DATA_DIR": str(data), "TARGETS_CACHE_DIR": ""}
    out = subprocess.run(
        [str(TARGETS), *fault.args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == fault.code, out.stderr
    assert fault.message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert _tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notes.txt"]
    assert _tree(data_dir()) == REPO_DATA


def test_missing_data_names_the_environment_variable_and_the_option(tmp_path):
    env = {**os.environ, "TARGETS_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [str(TARGETS), "data"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2
    assert f"{tmp_path}: no data set found" in out.stderr
    assert "$TARGETS_DATA_DIR" in out.stderr and "--data-dir" in out.stderr
    help_text = subprocess.run(
        [str(TARGETS), "report", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    for word in ("--data-dir", "--goals", "TARGETS_DATA_DIR", "TARGETS_GOALS", "--force"):
        assert word in help_text
