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
    [("csv", f) for f in CSV_FAULTS] + [("cli", f) for f in CLI_FAULTS],
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
