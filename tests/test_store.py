"""The assessment store: one computation per key, shared by processes, keyed by data and code."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from targets.assess import store
from targets.errors import ForecastError


def _compute_and_count(counter: Path, value: int) -> int:
    with counter.open("a") as fh:
        fh.write("x")
    return value


def _worker(cache: str, counter: str, out: str) -> None:
    import os

    os.environ[store.ENV_VAR] = cache
    result = store.cached(
        "demo", ("k", 1), lambda: _compute_and_count(Path(counter), 42), content="c"
    )
    Path(out).write_text(str(result))


def test_without_a_store_nothing_is_written(monkeypatch, tmp_path):
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    counter = tmp_path / "n"
    assert store.cached("demo", ("k",), lambda: _compute_and_count(counter, 1), content="c") == 1
    assert store.cached("demo", ("k",), lambda: _compute_and_count(counter, 1), content="c") == 1
    assert counter.read_text() == "xx"
    assert list(tmp_path.iterdir()) == [counter]


def test_a_result_is_computed_once_and_read_back(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    counter = tmp_path / "n"
    first = store.cached(
        "demo", ("goal", "2021-04-08"), lambda: _compute_and_count(counter, 7), content="c"
    )
    again = store.cached(
        "demo", ("goal", "2021-04-08"), lambda: _compute_and_count(counter, 8), content="c"
    )
    other = store.cached(
        "demo", ("goal", None), lambda: _compute_and_count(counter, 9), content="c"
    )
    assert (first, again, other) == (7, 7, 9)
    assert counter.read_text() == "xx"


def test_concurrent_processes_share_one_computation(tmp_path):
    cache, counter = tmp_path / "cache", tmp_path / "n"
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_worker, args=(str(cache), str(counter), str(tmp_path / f"out{i}")))
        for i in range(3)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert counter.read_text() == "x"
    assert {(tmp_path / f"out{i}").read_text() for i in range(3)} == {"42"}


def test_an_error_is_stored_and_raised_again(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    calls = []

    def fail():
        calls.append(1)
        raise ForecastError("too little data by 2019-01-01")

    for _ in range(2):
        with pytest.raises(ForecastError, match="too little data by 2019-01-01"):
            store.cached("demo", ("early",), fail, content="c")
    assert calls == [1]


def test_changing_a_data_file_changes_the_key(monkeypatch, tmp_path, data_copy):
    from targets.sources.vintage import open_vintage

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    counter = tmp_path / "n"
    before = open_vintage(data_copy).content
    store.cached("demo", ("k",), lambda: _compute_and_count(counter, 1), content=before)
    csv = data_copy / "douyin_gmv.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = open_vintage(data_copy).content
    assert after != before and store.fingerprint(after) != store.fingerprint(before)
    assert store.cached("demo", ("k",), lambda: _compute_and_count(counter, 2), content=after) == 2
    assert store.cached("demo", ("k",), lambda: _compute_and_count(counter, 3), content=before) == 1
    assert counter.read_text() == "xx"


def test_a_corrupt_entry_is_recomputed(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    store.cached("demo", ("k",), lambda: 1, content="c")
    (entry,) = (tmp_path / "cache").rglob("*.json")
    entry.write_bytes(b"not a stored entry")
    assert store.cached("demo", ("k",), lambda: 2, content="c") == 2
    assert store.cached("demo", ("k",), lambda: 3, content="c") == 2


def test_an_assessment_is_read_back_identical_from_the_store(monkeypatch, tmp_path):
    from targets import assess

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    assess._assess_cached.cache_clear()
    first = assess.assess("creators_10m", "2021-04-08", n_samples=500)
    assert len(list((tmp_path / "cache").rglob("assessment-*.json"))) == 1
    assess._assess_cached.cache_clear()  # a new kernel: nothing in memory
    again = assess.assess("creators_10m", "2021-04-08", n_samples=500)
    assess._assess_cached.cache_clear()
    assert again is not first
    assert again.probability == first.probability
    assert again.explanation == first.explanation
    np.testing.assert_array_equal(again.samples, first.samples)


def test_the_code_fingerprint_covers_every_computing_module():
    files = {
        p.relative_to(store._PACKAGE).as_posix() for p in store._files(store._PACKAGE, ("*.py",))
    }
    for module in ("engine/forecast.py", "growth/drivers.py", "counts/model.py", "sources/rows.py"):
        assert module in files, module
