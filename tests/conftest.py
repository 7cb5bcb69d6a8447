"""Shared fixtures: small, valid data folders written to a temporary directory."""

from __future__ import annotations

import csv
import os
import shutil
import stat
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


def _session_store() -> Path:
    """The store folder of this test run, shared by pytest-xdist's workers.

    Workers of one run share the run's id (``PYTEST_XDIST_TESTRUNUID``, random per run), so
    they share one folder, created private (0700) by whichever worker comes first; the store's
    own per-entry locks keep two workers from computing the same entry twice. A path that is
    not a private folder of this user (a planted link or file) is refused.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    if not run_id.isalnum():
        return Path(tempfile.mkdtemp(prefix="targets-test-store-"))
    path = Path(tempfile.gettempdir()) / f"targets-test-store-{run_id}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    st = path.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise RuntimeError(f"{path}: expected a private folder of this user for the test store")
    return path


#: One store for the whole test session (``$TARGETS_CACHE_DIR``, inherited by every command
#: and kernel the tests start): the pledge track record behind the calibrated probabilities
#: and the assessments are computed once. Fresh for each run, so a run never reads results
#: left by an earlier one.
SESSION_STORE = _session_store()
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
def rendered_reports(request, report_store):
    """Every notebook rendered once per as-of date, shared by the report and page-text tests.

    Returns ``(as_of, ReportRun)``.
    """
    return request.param, _render_once(request.param, report_store)


#: The renders of this process, by as-of date: pytest tears a parametrized session fixture
#: down whenever the next test wants the other date, and a render is minutes of notebook
#: execution.
_RENDERED: dict = {}


def _render_once(as_of: str | None, report_store: Path):
    """Render every notebook once per as-of date for the whole run, across xdist's workers.

    The first worker to need a date renders it into a folder beside the session store (private
    to this run, see :func:`_session_store`) and writes what the run returned as JSON; a worker
    that needs it meanwhile waits on the date's lock and reads that JSON (never a pickle).
    """
    import json
    from dataclasses import asdict

    from filelock import FileLock

    from targets.report import render as report
    from targets.report.frontpage import goal_rows

    key = as_of or "latest"
    if key in _RENDERED:
        return _RENDERED[key]
    folder = SESSION_STORE.with_name(SESSION_STORE.name + "-reports")
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise RuntimeError(f"{folder}: expected a private folder of this user for the renders")
    done = folder / f"{key}.json"
    with FileLock(str(folder / f"{key}.lock")):
        if done.exists():
            meta = json.loads(done.read_text(encoding="utf-8"))
            run = report.ReportRun(
                Path(meta["output"]), [report.NotebookResult(**r) for r in meta["results"]]
            )
        else:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("TARGETS_CACHE_DIR", str(report_store))
                run = report.write_reports(
                    folder / key / "out", as_of=as_of, progress=False, summary=goal_rows
                )
            meta = {"output": str(run.output), "results": [asdict(r) for r in run.results]}
            done.write_text(json.dumps(meta), encoding="utf-8")
    _RENDERED[key] = run
    return run
