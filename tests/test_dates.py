"""Data as it was known: first-disclosure dates of the data rows and dated assumptions (issue 19).

An as-of analysis may use only what was published by its date, so every data row carries the
earliest public date of its figure and every assumption row the first date it may be used on,
with reasoning that names nothing later.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from targets import data

#: A year in a sentence (not a random seed, which names no fact).
_YEAR = re.compile(r"(?<!seed )\b((?:19|20)\d\d)\b")

#: Ids without a generic row usable from 2005 or earlier: parameters of an event that had not
#: happened by then (Douyin's e-commerce, its October 2020 link cut; the yuan's managed float
#: from the People's Bank of China's exchange-rate reform announced on 21 July 2005), dated by
#: its first report.
EVENT_BOUND = {
    # The July 2005 exchange-rate reform: before it the yuan was pegged at 8.28 per dollar, so
    # a yearly spread of the rate has no meaning earlier; usable from 2005-07-21.
    "fx_annual_log_sd",
    "count_population_douyin_merchants",
    "count_population_douyin_creators",
    "count_population_douyin_products",
    "count_gmv_share_douyin_creators",
    "douyin_regime_break",
    "douyin_level_prior_factor",
    "douyin_pre_break_growth",
    "douyin_link_capture",
    "douyin_growth_half_life",
    "douyin_long_run_growth",
    "douyin_product_card_uplift",
    "douyin_post_break_growth_sd",
    "douyin_migration_time",
    "douyin_month_noise",
}
EARLY = pd.Timestamp("2005-01-01")
#: Most data rows may carry an inferred publication date.
MAX_INFERRED_SHARE = 0.15


@pytest.fixture(scope="module")
def assumptions() -> pd.DataFrame:
    return data.load_assumptions()


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return data.load_all()


# --------------------------------------------------------------------------- assumptions


def test_every_assumption_row_is_dated(assumptions):
    undated = assumptions.loc[assumptions["usable_from"].isna(), ["row", "assumption_id"]]
    assert undated.empty, undated.to_dict("records")


def test_assumption_reasoning_names_no_year_after_its_usable_from(assumptions):
    late = []
    for r in assumptions.itertuples():
        years = [int(y) for y in _YEAR.findall(r.reasoning)]
        if pd.isna(r.usable_from) or any(y > r.usable_from.year for y in years):
            late.append(f"row {r.row} {r.assumption_id} (usable {r.usable_from}): {years}")
    assert not late, late


def test_year_check_catches_a_late_year(tmp_path):
    # The check above must be able to fail: a 2020 row that cites a 2021 fact.
    text = (
        ",".join(data.ASSUMPTION_COLUMNS)
        + "\nshare_x,0.1,0.5,share,assumption,,,,2020-06-01,"
        + '"narrowed after the 2021 results"\n'
    )
    (tmp_path / data.ASSUMPTIONS_FILE).write_text(text, encoding="utf-8")
    r = data.load_assumptions(directory=tmp_path).iloc[0]
    assert any(int(y) > r.usable_from.year for y in _YEAR.findall(r.reasoning))


def test_every_id_has_an_early_row_unless_it_is_bound_to_a_later_event(assumptions):
    first = assumptions.groupby("assumption_id")["usable_from"].min()
    missing = sorted(set(first[first > EARLY].index) - EVENT_BOUND)
    assert not missing, f"no row usable at {EARLY.date()} and not event-bound: {missing}"
    stale = sorted(EVENT_BOUND - set(first.index))
    assert not stale, f"EVENT_BOUND names ids the file no longer has: {stale}"


def test_event_bound_ids_are_usable_from_the_first_report_of_their_event(assumptions):
    first = assumptions.groupby("assumption_id")["usable_from"].min()
    # The link cut was first reported on 27 Aug 2020 (Campaign Asia); the regime model's
    # parameters belong to it, so none of them may be used before that report.
    regime = [i for i in EVENT_BOUND if i.startswith("douyin_")]
    assert (first[regime] >= pd.Timestamp("2020-08-27")).all(), first[regime].to_dict()
    assert first["douyin_regime_break"] == pd.Timestamp("2020-08-27")


def test_priors_narrowed_with_the_outcomes_known_are_not_back_dated(assumptions):
    # Narrowed on 25 Nov 2026 with Douyin's outcomes known: the narrowed rows start then and
    # the wider rows they replaced stay in force before.
    def at(aid: str, when: str):
        return data.assumption(aid, when)

    assert at("douyin_growth_half_life", "2021-04-08").bounds == (0.5, 4.0)
    assert at("douyin_growth_half_life", "2026-11-25").bounds == (0.5, 3.0)
    assert at("douyin_post_break_growth_sd", "2021-04-08").value == 0.5
    assert at("douyin_post_break_growth_sd", "2026-11-25").value == 0.35
    for aid in ("douyin_growth_half_life", "douyin_post_break_growth_sd"):
        narrowed = assumptions[assumptions["assumption_id"].eq(aid)].iloc[-1]
        assert narrowed["usable_from"] == pd.Timestamp("2026-11-25")
        assert "outcomes" in narrowed["reasoning"]


# --------------------------------------------------------------------------- data rows


def test_at_most_fifteen_percent_of_data_rows_have_an_inferred_date(rows):
    inferred = rows["published_basis"].eq("inferred")
    share = inferred.mean()
    assert share <= MAX_INFERRED_SHARE, (
        f"{inferred.sum()} of {len(rows)} rows ({share:.1%}) keep an inferred publication date"
    )


#: An inferred note says why no better date exists (the page is undated, or what it reports)
#: and by which rule the date was set.
_REASON = re.compile(
    r"undated|no (?:publication )?date|not in (?:the )?URL|no date in URL|page |article|report|"
    r"release|blog|dossier|NBS|MOFCOM",
    re.IGNORECASE,
)
_RULE = re.compile(r"rule|latest plausible|earliest|->|so (?:it|written)", re.IGNORECASE)


def _inferred_clause(note: str) -> str:
    k = note.find("published inferred:")
    return "" if k < 0 else note[k + len("published inferred:") :]


def test_every_inferred_date_gives_its_reason_and_rule(rows):
    bad = []
    for r in rows[rows["published_basis"].eq("inferred")].itertuples():
        clause = _inferred_clause(str(r.note))
        if not (clause and _REASON.search(clause) and _RULE.search(clause)):
            bad.append(f"{r.dataset} row {r.row} {r.series_id}: {str(r.note)[:120]!r}")
    assert not bad, bad


def test_inferred_note_check_can_fail():
    assert not _inferred_clause("published inferred by us")
    clause = _inferred_clause("kept; published inferred: 2021-12-31")
    assert not (_REASON.search(clause) and _RULE.search(clause))


def _ytd_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Actual levels of a part of one calendar year from its start (Jan to month m < 12)."""
    r = rows[rows["kind"].eq("actual") & rows["value_yuan"].notna()]
    start, end = r["period_start"], r["period_end"]
    return r[
        start.dt.month.eq(1)
        & start.dt.day.eq(1)
        & end.dt.year.eq(start.dt.year)
        & (end < end.dt.to_period("Y").dt.end_time.dt.normalize())
    ]


def _full_year_rows(rows: pd.DataFrame) -> pd.DataFrame:
    r = rows[rows["kind"].eq("actual") & rows["value_yuan"].notna()]
    start, end = r["period_start"], r["period_end"]
    return r[
        start.dt.month.eq(1)
        & start.dt.day.eq(1)
        & end.dt.month.eq(12)
        & end.dt.day.eq(31)
        & end.dt.year.eq(start.dt.year)
    ]


def _parts_larger_than_their_year(rows: pd.DataFrame) -> list[str]:
    key = ["dataset", "series_id", "status", "definition"]
    ytd, year = _ytd_rows(rows), _full_year_rows(rows)
    year = year.assign(year=year["period_end"].dt.year)
    bad = []
    for r in ytd.itertuples():
        same = year[
            year["year"].eq(r.period_end.year)
            & year[key].eq(pd.Series([getattr(r, k) for k in key], index=key)).all(axis=1)
        ]
        if same.empty:
            continue
        # A rounded ("about") total may sit a little under an exact part; a 'more than'
        # total is only a floor.
        slack = 1.05 if "approx" in {r.qualifier, *same["qualifier"]} else 1.0
        floors = same["qualifier"].eq("more_than")
        top = same.loc[~floors, "value_yuan"]
        if not top.empty and r.value_yuan > top.max() * slack:
            bad.append(
                f"{r.dataset} row {r.row} {r.series_id} "
                f"{r.period_start.date()}..{r.period_end.date()}"
                f" = {r.value_yuan:.4g} > full year {top.max():.4g}"
            )
    return bad


def test_a_year_to_date_total_is_never_larger_than_its_full_year(rows):
    bad = _parts_larger_than_their_year(rows)
    assert not bad, bad


def test_part_check_can_fail(rows):
    # Swap the Jan-Oct 2023 online retail figure into the physical-goods series at twice the
    # annual total: the check must flag it.
    ytd = rows[
        rows["series_id"].eq("nbs_online_retail")
        & rows["period_start"].eq(pd.Timestamp("2023-01-01"))
        & rows["period_end"].eq(pd.Timestamp("2023-10-31"))
    ].copy()
    assert not ytd.empty
    ytd["value_yuan"] = ytd["value_yuan"] * 10
    assert _parts_larger_than_their_year(pd.concat([rows, ytd], ignore_index=True))


def test_nbs_january_to_october_2023_is_below_its_year(rows):
    nbs = rows[rows["dataset"].eq("nbs_retail")]
    period = nbs["period_start"].eq(pd.Timestamp("2023-01-01")) & nbs["period_end"].eq(
        pd.Timestamp("2023-10-31")
    )
    year = nbs["period_start"].eq(pd.Timestamp("2023-01-01")) & nbs["period_end"].eq(
        pd.Timestamp("2023-12-31")
    )
    for series in ("nbs_online_retail", "nbs_physical_online_retail"):
        part = nbs[period & nbs["series_id"].eq(series)]
        whole = nbs[year & nbs["series_id"].eq(series)]
        assert not whole.empty, series
        assert (part["value_yuan"] < whole["value_yuan"].min()).all(), (series, part["value_yuan"])
    # The 12.3 trillion yuan reported for January-October 2023 is total online retail, not
    # physical goods (about 10.4 trillion); it must not sit in the physical-goods series.
    physical = nbs[period & nbs["series_id"].eq("nbs_physical_online_retail")]
    assert not (physical["value_yuan"] > 11.5e12).any(), physical["value_yuan"].tolist()
    online = nbs[period & nbs["series_id"].eq("nbs_online_retail")]
    assert (online["value_yuan"].round(-11) == 12.3e12).any(), online["value_yuan"].tolist()
