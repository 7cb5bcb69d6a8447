"""The real data sets: they load, match the dictionary, and honour the vintage filter."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from targets.sources import data
from targets.sources.units import parse_unit


def test_every_data_set_loads_and_has_provenance():
    for name in data.datasets():
        df = data.load(name)
        assert len(df) > 0, name
        for col in ("source_url", "published", "publisher", "unit", "status"):
            assert df[col].notna().all() and (df[col].astype(str) != "").all(), (name, col)


def test_there_are_at_least_150_sourced_rows():
    assert len(data.load_all()) >= 150


def test_files_match_the_data_dictionary():
    readme = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+\.csv)` \|", readme, flags=re.M))
    on_disk = {p.name for p in data.data_dir().glob("*.csv")} - {data.ASSUMPTIONS_FILE}
    assert "series.csv" in on_disk and "## `series.csv`" in readme  # the dictionary of names
    on_disk -= {"series.csv"}
    assert listed == on_disk == {d.file for d in data.datasets().values()}
    column_row = r"^\| `([a-z_]+)` \| (?:text|date|number|URL|`)"
    documented = set(re.findall(column_row, readme, flags=re.M))
    for ds in data.datasets().values():
        header = pd.read_csv(data.data_dir() / ds.file, nrows=0).columns.tolist()
        assert header == ds.columns
        assert set(header) <= documented, set(header) - documented


def test_money_is_converted_once_from_the_published_unit():
    df = data.load_all()
    money = df[df["currency"] == "CNY"]
    factors = money["unit"].map(lambda u: parse_unit(u).factor)
    np.testing.assert_allclose(money["value_yuan"], money["value"] * factors)
    usd = df[df["currency"] == "USD"]
    assert usd["value_yuan"].isna().all() and usd["value_usd"].notna().all()


def test_growth_statements_carry_a_ratio_and_a_base_interval():
    df = data.load("douyin_gmv")
    growth = df[df["kind"] == "growth_multiple"]
    assert len(growth) >= 3
    assert (growth["ratio"] > 0).all()
    assert growth["base_start"].notna().all() and growth["base_end"].notna().all()


def test_as_of_keeps_only_rows_published_by_then():
    full = data.load_all()
    early = data.load_all("2021-04-08")
    assert 0 < len(early) < len(full)
    assert (early["published"] <= pd.Timestamp("2021-04-08")).all()
    later = full[full["published"] > pd.Timestamp("2021-04-08")]
    assert not set(later["source_url"] + later["row"].astype(str)) & set(
        early["source_url"] + early["row"].astype(str)
    )


def test_actuals_are_never_published_before_their_period_ends():
    df = data.load_all()
    actual = df[df["kind"].isin(["actual", "estimate"])]
    assert (actual["published"] >= actual["period_end"]).all()


def test_loading_never_modifies_the_files():
    def digest() -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.data_dir().iterdir())
            if p.is_file()
        }

    before = digest()
    data.load_all()
    data.catalog("2021-04-08")
    assert digest() == before


def test_catalog_lists_every_data_set():
    cat = data.catalog()
    assert list(cat["name"]) == list(data.datasets())
    assert (cat["rows"] > 0).all()
    assert (cat["last_published"] >= cat["first_period"]).all()


def test_unknown_data_set_and_bad_as_of_are_clear_errors():
    with pytest.raises(data.DataError, match="unknown data set 'nope' in .*; available: "):
        data.load("nope")
    with pytest.raises(data.DataError, match="as_of must be a date"):
        data.load("nbs_retail", as_of="yesterday-ish")


def test_assumptions_load_and_respect_their_dates(tmp_path):
    frame = data.load_assumptions()
    assert {"noise_scale_official", "noise_scale_reported"} <= set(frame["assumption_id"])
    a = data.assumption("noise_scale_official")
    assert a.unit == "log_sd" and a.is_assumed and a.bounds == (a.value, a.value)
    text = (
        ",".join(data.ASSUMPTION_COLUMNS)
        + "\nshare_x,0.1,0.5,share,assumption,,,,,wide default before any evidence"
        + "\nshare_x,0.2,0.3,share,sourced,Someone,https://example.org/a,2021-06-01,2021-06-01,"
        + "narrowed by a published survey\n"
    )
    (tmp_path / data.ASSUMPTIONS_FILE).write_text(text, encoding="utf-8")
    early = data.assumption("share_x", "2021-04-08", directory=tmp_path)
    late = data.assumption("share_x", "2021-07-01", directory=tmp_path)
    assert early.bounds == (0.1, 0.5) and early.is_assumed
    assert late.bounds == (0.2, 0.3) and not late.is_assumed
    with pytest.raises(data.DataError, match="no row for assumption 'nope'"):
        data.assumption("nope", directory=tmp_path)


def test_a_sourced_assumption_cannot_be_used_before_it_was_published(tmp_path):
    text = (
        ",".join(data.ASSUMPTION_COLUMNS)
        + "\nshare_x,0.2,0.3,share,sourced,Someone,https://example.org/a,2021-06-01,2021-01-01,x\n"
    )
    (tmp_path / data.ASSUMPTIONS_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(data.DataError, match=r"assumptions.csv, row 2: .*usable only from"):
        data.load_assumptions(directory=tmp_path)


def test_an_edited_file_is_read_again_and_a_caller_cannot_change_the_next_read(data_copy):
    # Parsed files are kept in memory per file version (path, modification time, size).
    from targets.sources import goals

    first = data.load("nbs_retail", directory=data_copy)
    first.loc[:, "value_yuan"] = -1.0  # the caller's copy only
    again = data.load("nbs_retail", directory=data_copy)
    assert (again["value_yuan"].dropna() > 0).all()

    path = data_copy / "nbs_retail.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # drop the last row
    assert len(data.load("nbs_retail", directory=data_copy)) == len(again) - 1

    registry = data_copy / "goals.yaml"
    before = goals.load(registry, directory=data_copy)
    text = registry.read_text(encoding="utf-8")
    last = before[-1].id  # no goal names it as parent
    registry.write_text(text.replace(f"id: {last}", f"id: {last}_edited"), encoding="utf-8")
    after = goals.load(registry, directory=data_copy)
    assert [g.id for g in after] == [g.id for g in before[:-1]] + [f"{last}_edited"]


#: A year in a sentence (not a random seed, which names no fact).
_YEAR = re.compile(r"(?<!seed )\b(20\d\d)\b")


def test_assumption_reasoning_names_no_year_after_the_row_may_be_used():
    # Report sentences are built from `reasoning`, so an as-of report must not print a fact
    # from after the row's usable_from. A default row (usable at any date) is read as of the
    # announcement (2021-04-08, the earliest date the reports are checked at): no later year.
    rows = data.load_assumptions()
    late = []
    for r in rows.itertuples():
        usable = r.usable_from if pd.notna(r.usable_from) else pd.Timestamp("2021-04-08")
        years = [int(y) for y in _YEAR.findall(r.reasoning)]
        if any(y > usable.year for y in years):
            late.append(f"row {r.row} {r.assumption_id} (usable {usable.date()}): {years}")
    assert not late, late
