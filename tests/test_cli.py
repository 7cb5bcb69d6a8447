"""The `targets` console command, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import targets

TARGETS = Path(sys.executable).with_name("targets")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TARGETS), *args], capture_output=True, text=True, timeout=120)


def test_data_lists_every_data_set():
    out = run("data")
    assert out.returncode == 0, out.stderr
    for name in ("douyin_gmv", "nbs_retail", "live_commerce_market", "size_distribution"):
        assert name in out.stdout
    from targets.sources.data import datasets

    assert f"rows in {len(datasets())} data sets" in out.stdout


def test_data_as_json_honours_as_of():
    latest = json.loads(run("data", "--format", "json").stdout)
    early = json.loads(run("data", "--format", "json", "--as-of", "2021-04-08").stdout)
    assert sum(d["rows"] for d in early) < sum(d["rows"] for d in latest)
    assert all(d["last_published"] is None or d["last_published"] <= "2021-04-08T" for d in early)


def test_goals_lists_the_six_goals():
    out = run("goals")
    assert out.returncode == 0, out.stderr
    for goal_id in ("merchants_100m", "creators_10m", "interest_commerce_2023"):
        assert goal_id in out.stdout


def test_bad_as_of_is_a_clear_error():
    out = run("data", "--as-of", "someday")
    assert out.returncode == 2
    assert "error: as_of must be a date like '2021-04-08'; got 'someday'" in out.stderr


def test_assess_prints_a_scorecard_for_all_goals_as_of_the_announcement():
    out = run("assess", "--as-of", "2021-04-08", "--explain")
    assert out.returncode == 0, out.stderr
    for goal_id in (
        "merchants_100m",
        "new_brands_100m",
        "creators_100k",
        "creators_10m",
        "products_100m",
        "interest_commerce_2023",
    ):
        assert goal_id in out.stdout
    assert "As of 2021-04-08, the probability that" in out.stdout
    # A band an assumption decides is a short cell with a numbered note under the table,
    # so the table stays readable in a terminal.
    table = out.stdout.split("\n\n")[0].splitlines()
    rows = [line for line in table if not line.startswith("[")]
    notes = [line for line in table if line.startswith("[")]
    assert max(len(line) for line in rows) <= 160, rows
    for k, note in enumerate(notes, start=1):
        assert note.startswith(f"[{k}] ") and "assumed" in note
        assert any(f"[{k}]" in line for line in rows)


def test_a_resolved_goal_shows_its_published_figure_not_a_forecast():
    from targets.cli import scorecard_table
    from targets.sources.vintage import open_vintage

    table = scorecard_table(open_vintage())
    done = table[table["met (hindsight)"].isin(["yes", "no"])]
    assert len(done), "the seed's goal file has a resolved goal"
    assert done["forecast (80%)"].str.startswith("published ").all()
    assert (done["P(met)"] == "").all() and (done["progress"] == "").all()


def test_assess_csv_has_one_row_per_goal():
    import csv
    import io

    out = run("assess", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 6
    for r in rows:  # a chance, or the published outcome of a resolved goal
        assert r["outcome"] in ("met", "not met") or 0.0 <= float(r["probability"]) <= 1.0


def test_version_and_python_dash_m():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"targets {targets.__version__}"
    mod = subprocess.run(
        [sys.executable, "-m", "targets", "--help"], capture_output=True, text=True, timeout=60
    )
    assert mod.returncode == 0 and "usage: targets" in mod.stdout
    assert "TARGETS_DATA_DIR" in mod.stdout and "TARGETS_GOALS" in mod.stdout


def test_printed_tables_carry_no_nan_none_scientific_notation_or_float_noise():
    import re

    for args in (("goals",), ("data", "--as-of", "2021-04-08")):
        out = run(*args)
        assert out.returncode == 0, out.stderr
        for bad in (r"\bNaN\b", r"\bNaT\b", r"\bNone\b", r"\d\.\d+e[+-]\d", r"\d\.\d{9,}"):
            assert not re.search(bad, out.stdout), (args, bad)
    csv = run("goals", "--format", "csv").stdout
    assert "e+" not in csv and not re.search(r"\d\.\d{11,}", csv)
