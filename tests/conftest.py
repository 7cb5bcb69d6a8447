"""Shared fixtures: small, valid data folders written to a temporary directory."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from targets.sources.data import CORE_COLUMNS, data_dir
from targets.sources.data import datasets as discover_datasets

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
    return discover_datasets()


#: One store for the whole test session (``$TARGETS_CACHE_DIR``, inherited by every command
#: and kernel the tests start): the pledge track record behind the calibrated probabilities
#: and the assessments are computed once. Fresh for each session, so a run never reads results
#: left by an earlier one.
SESSION_STORE = Path(tempfile.mkdtemp(prefix="targets-test-store-"))
os.environ["TARGETS_CACHE_DIR"] = str(SESSION_STORE)


@pytest.fixture(scope="session")
def report_store() -> Path:
    """The assessment store of the test session (``$TARGETS_CACHE_DIR``).

    Entries are keyed by the data's and the code's content (:mod:`targets.assess.store`), so
    an installed copy of the same package and data (the wheel test) reads what the
    repository's run stored.
    """
    return SESSION_STORE


@pytest.fixture(scope="session", params=[None, "2021-04-08"], ids=["latest", "as-of-2021-04-08"])
def rendered_reports(request, tmp_path_factory, report_store):
    """Every notebook rendered once per as-of date, shared by the report and page-text tests.

    Returns ``(as_of, ReportRun)``.
    """
    from targets.report import render as report
    from targets.report.frontpage import goal_rows

    out = tmp_path_factory.mktemp("reports") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TARGETS_CACHE_DIR", str(report_store))
        run = report.write_reports(out, as_of=request.param, progress=False, summary=goal_rows)
    return request.param, run
