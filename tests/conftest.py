"""Shared fixtures: small, valid data folders written to a temporary directory."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from targets.data import CORE_COLUMNS, DATASETS, data_dir

REPO = Path(__file__).resolve().parents[1]


def valid_row(**overrides: str) -> dict[str, str]:
    """One valid observation row (an NBS annual total), with overrides."""
    row = {
        "series_id": "nbs_online_retail",
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "base_start": "",
        "base_end": "",
        "value": "117601",
        "value_high": "",
        "qualifier": "exact",
        "unit": "亿元",
        "kind": "actual",
        "status": "official",
        "publisher": "NBS",
        "source_url": "http://example.org/nbs-2020",
        "published": "2021-01-18",
        "published_basis": "url",
        "definition": "",
        "note": "",
        "quote": "2020年,全國網上零售額117601億元",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    """Write rows with the core header (or ``columns``)."""
    columns = columns or CORE_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})
    return path


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the real data folder."""
    dest = tmp_path / "data"
    shutil.copytree(data_dir(), dest)
    return dest


@pytest.fixture
def datasets() -> dict:
    return DATASETS


@pytest.fixture(scope="session", params=[None, "2021-04-08"], ids=["latest", "as-of-2021-04-08"])
def rendered_reports(request, tmp_path_factory):
    """Every notebook rendered once per as-of date, shared by the report and page-text tests.

    Returns ``(as_of, ReportRun)``.
    """
    from targets import report
    from targets.frontpage import goal_rows

    out = tmp_path_factory.mktemp("reports") / "out"
    run = report.write_reports(out, as_of=request.param, progress=False, summary=goal_rows)
    return request.param, run
