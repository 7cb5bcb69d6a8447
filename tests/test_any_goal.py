"""Anyone's goal on anyone's data: a folder with one new CSV and a goal file, and nothing else."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import valid_row, write_csv

GOAL_FILE = """\
title: Acme Robotics revenue goal
goals:
  - id: acme_revenue_10b_2027
    name: Acme revenue above ¥10B in 2027
    statement_en: Acme Robotics' revenue passes ¥10 billion in 2027.
    announced: 2024-03-01
    deadline_start: 2027-01-01
    deadline_end: 2027-12-31
    kind: aggregate
    metric: Acme Robotics revenue in 2027
    dataset: acme_revenue
    series_id: acme_revenue
    comparator: ">="
    threshold: 10
    unit: CNY billion
    source: {publisher: Acme Robotics annual report, url: https://example.com/acme,
             published: 2024-03-01}
"""
#: Acme's yearly revenue (CNY billion), published each March for the year before.
REVENUE = {2018: 0.9, 2019: 1.4, 2020: 2.0, 2021: 2.9, 2022: 4.1, 2023: 5.6}


def _acme_folder(root: Path) -> Path:
    folder = root / "acme"
    folder.mkdir()
    rows = [
        valid_row(
            series_id="acme_revenue",
            period_start=f"{y}-01-01",
            period_end=f"{y}-12-31",
            value=str(v),
            unit="CNY billion",
            status="official",
            publisher="Acme Robotics annual report",
            source_url=f"https://example.com/acme/{y}",
            published=f"{y + 1}-03-15",
            definition="",
            note="",
            quote="",
        )
        for y, v in REVENUE.items()
    ]
    write_csv(folder / "acme_revenue.csv", rows)
    (folder / "goals.yaml").write_text(GOAL_FILE, encoding="utf-8")
    return folder


def _targets(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARGETS_")}
    return subprocess.run(
        [sys.executable, "-m", "targets", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_users_folder_alone_gives_goals_and_a_probability(tmp_path):
    folder = _acme_folder(tmp_path)
    listed = _targets("goals", "--data-dir", str(folder), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "acme_revenue_10b_2027" in listed.stdout and "douyin" not in listed.stdout.lower()
    data = _targets("data", "--data-dir", str(folder), cwd=tmp_path)
    assert data.returncode == 0, data.stderr
    assert "acme_revenue" in data.stdout and "douyin" not in data.stdout.lower()
    out = _targets("assess", "--data-dir", str(folder), "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["goal"] == "acme_revenue_10b_2027"
    assert 0.0 <= row["probability"] <= 1.0  # a probability, not "no forecast"
    assert "ensemble" in row["explanation"]
    # As of a date with one Acme figure: that goal has no forecast, nothing is refused.
    early = _targets(
        "assess",
        "--data-dir",
        str(folder),
        "--as-of",
        "2020-01-01",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert early.returncode == 0, early.stderr
    assert json.loads(early.stdout)[0]["probability"] is None


def test_a_series_named_by_the_goal_but_not_yet_in_the_data_is_no_forecast(tmp_path):
    folder = _acme_folder(tmp_path)
    text = GOAL_FILE.replace("dataset: acme_revenue", "dataset: acme_orders").replace(
        "series_id: acme_revenue", "series_id: acme_order_value"
    )
    (folder / "goals.yaml").write_text(text, encoding="utf-8")
    out = _targets("assess", "--data-dir", str(folder), "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["probability"] is None and "no published level" in row["explanation"]


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<img\b[^>]*>", " ", page, flags=re.I)  # images: base64, not text
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.slow
def test_a_report_on_a_users_goal_names_it_and_says_nothing_of_douyin(tmp_path):
    folder = _acme_folder(tmp_path)
    out = _targets(
        "report",
        "--data-dir",
        str(folder),
        "--output",
        str(tmp_path / "r"),
        "--quiet",
        cwd=tmp_path,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    pages = sorted((tmp_path / "r").glob("*.html"))
    assert len(pages) >= 7
    index = _visible_text((tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    assert "Acme Robotics revenue goal" in index
    assert "Acme revenue above ¥10B in 2027" in index
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        if page.name == "05-track-record.html":
            # The method's own record: the shipped real pledges (a user's folder without a
            # pledges.yaml is calibrated on them), each listed in a folded table. Named as
            # the shipped record, not as the user's goals.
            assert "Each of the" in raw and "statements" in raw
            raw = re.sub(r"<details>.*?</details>", " ", raw, flags=re.S)
        text = _visible_text(raw)
        assert "douyin" not in text.lower(), page.name
        assert "kuaishou" not in text.lower(), page.name
    scorecard = _visible_text((tmp_path / "r" / "01-scorecard.html").read_text(encoding="utf-8"))
    assert "Acme Robotics' revenue passes ¥10 billion in 2027" in scorecard
