"""The count model on published counts: each forecast from what was published before it."""

from __future__ import annotations

import pandas as pd

from targets.assess.count_record import RECORD_COLUMNS, RECORD_FILE, count_record
from targets.sources.vintage import open_vintage


def test_each_published_count_is_forecast_the_day_before_from_earlier_rows_only():
    full = count_record(open_vintage(), n_samples=1000)
    assert list(full.columns) == RECORD_COLUMNS
    assert list(full["id"]) == [
        "tmall_double11_2019_brands_100m",
        "tmall_double11_2020_brands_100m",
    ]
    assert list(full["published"]) == [299.0, 474.0]
    # The 2020 forecast also fits the 2019 count; the 2019 forecast cannot have.
    assert full["fitted_rows"].iloc[1] > full["fitted_rows"].iloc[0]
    # Cut at 2020-01-01, the record holds the 2019 count only, forecast exactly as before:
    # nothing published later reached it.
    cut = count_record(open_vintage(as_of="2020-01-01"), n_samples=1000)
    assert list(cut["id"]) == ["tmall_double11_2019_brands_100m"]
    for column in ("median", "lo_80", "hi_80", "probability", "crps", "baseline_crps"):
        assert cut[column].iloc[0] == full[column].iloc[0], column
    assert count_record(open_vintage(as_of="2019-11-11"), n_samples=1000).empty


def test_scores_are_consistent_with_the_forecast_and_the_baseline_starts_from_the_last_count():
    r = count_record(open_vintage(), n_samples=1000)
    assert (r["lo_80"] <= r["median"]).all() and (r["median"] <= r["hi_80"]).all()
    assert (r["crps"] >= 0).all() and (r["baseline_crps"] >= 0).all()
    inside = (r["lo_80"] <= r["published"]) & (r["published"] <= r["hi_80"])
    assert list(inside) == list(r["inside_80"])
    assert r["baseline_from"].iloc[1].startswith("299 (2019-11-11")
    # The 2019 question (more than 167 brands) was met; the probability is of that question.
    assert bool(r["met"].iloc[0]) and 0.0 <= r["probability"].iloc[0] <= 1.0


def test_a_folder_without_a_count_record_gives_an_empty_record(data_copy):
    (data_copy / RECORD_FILE).unlink()
    # The shipped folder is read after the user's for model constants only, never for records.
    record = count_record(open_vintage(data_copy))
    assert isinstance(record, pd.DataFrame) and record.empty
    assert list(record.columns) == RECORD_COLUMNS
