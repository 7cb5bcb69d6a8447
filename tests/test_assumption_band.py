"""Issue 21: a count goal whose probability an assumption decides shows the band, not a point."""

from __future__ import annotations

import csv
import re
import shutil

import pandas as pd
import pytest

from targets import assess
from targets import formatting as fmt
from targets.assess import codec
from targets.counts import goal as count_goal
from targets.report import frontpage, tables
from targets.sources.data import data_dir
from targets.sources.vintage import GOAL_IDS_ENV, open_vintage

ANNOUNCED = "2021-04-08"
N = 500
#: The new-brand share written as a wide literal range in a copy of the goal file (a literal
#: in goals.yaml is an assumption with no source), and a goal name holding markup.
WIDE_SHARE = "[0.01, 0.6]"
MARKUP_NAME = "100 <i>new</i> brands above ¥100M a year"


@pytest.fixture(scope="module")
def brands_announced():
    """New brands at the announcement: no size evidence yet, the 1%-30% assumed share."""
    return assess.assess("new_brands_100m", ANNOUNCED, n_samples=N)


def _data_copy(source, tmp_path, swing: float | None = None):
    """The data of ``source`` with the new-brand share widened (and the swing row set)."""
    data = tmp_path / "data"
    shutil.copytree(source, data)
    goals = (data / "goals.yaml").read_text(encoding="utf-8")
    goals, n = re.subn(
        r"subset_share: count_subset_share_new_brands", f"subset_share: {WIDE_SHARE}", goals
    )
    assert n == 1
    goals = goals.replace("name: 100 new brands above ¥100M a year", f"name: {MARKUP_NAME}")
    (data / "goals.yaml").write_text(goals, encoding="utf-8")
    if swing is not None:
        path = data / "assumptions.csv"
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        hit = [r for r in rows if r["assumption_id"] == "count_assumption_decides_swing"]
        assert len(hit) == 1
        hit[0]["value"] = str(swing)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return data


def test_a_wide_assumed_share_gives_a_band_and_names_the_share(brands_announced):
    a = brands_announced
    band = a.count.assumption_band
    share = band.set_index("input").loc["subset_share"]
    assert share["assumed"] and (share["low"], share["high"]) == (0.01, 0.3)
    # The count is proportional to the share: its low end gives the lower chance.
    assert share["p_low"] < share["p_high"] and share["swing"] > 0.3
    assert band["swing"].is_monotonic_decreasing
    decisive = count_goal.decisive_assumption(a.count)
    assert decisive["input"] == "subset_share" and decisive["label"] == "share of new brands"
    assert a.band_input == "the assumed share of new brands"
    assert a.band_low < a.band_high
    assert a.band_low <= a.probability <= a.band_high  # the point still scored lies inside
    assert a.verdict.endswith("depends on the assumed share of new brands")
    assert "set by an assumption, not by evidence" in a.explanation
    assert "(1% to 30%)" in a.explanation


def test_no_evidence_fitted_is_flagged_prior_only(brands_announced):
    a = brands_announced
    assert a.count.fitted_rows == 0 and a.prior_only
    label = assess.band_label(a)
    assert label.startswith(
        f"{fmt.probability(a.band_low)}–{fmt.probability(a.band_high)}, set by "
        "the assumed share of new brands"
    )
    assert label.endswith("; prior only: no size evidence published by then")
    assert frontpage.chance_text(a) == f"{label}."
    later = assess.assess("merchants_100m", n_samples=N)
    assert later.count.fitted_rows > 0 and not later.prior_only


def test_the_scorecard_shows_the_band_and_keeps_the_point_for_scoring():
    v = open_vintage(as_of=ANNOUNCED)
    card = assess.scorecard(vintage=v, n_samples=N).set_index("goal")
    brands = card.loc["new_brands_100m"]
    assert brands["band"].startswith(
        f"{fmt.probability(brands['band_low'])}–"
        f"{fmt.probability(brands['band_high'])}, set by the assumed share"
    )
    assert brands["prior_only"] and 0 < brands["probability"] < 1
    # Every count goal is fitted to no evidence at the announcement: each says so.
    counts = card[[g.kind == "count" for g in map(v.goal, card.index)]]
    assert counts["band"].str.endswith("prior only: no size evidence published by then").all()
    html = tables.scorecard(card.reset_index(), v.goals).to_html()
    assert brands["band"] in html
    assert card.loc["interest_commerce_2023", "band"] is None or pd.isna(
        card.loc["interest_commerce_2023", "band"]
    )


def test_the_band_survives_the_assessment_store(brands_announced):
    a = brands_announced
    back = codec.loads(codec.dumps(a))
    assert (back.band_input, back.prior_only) == (a.band_input, a.prior_only)
    assert (back.band_low, back.band_high) == (a.band_low, a.band_high)
    pd.testing.assert_frame_equal(back.count.assumption_band, a.count.assumption_band)


def test_the_swing_threshold_row_decides_whether_the_band_is_shown(tmp_path, monkeypatch):
    # Fitted to evidence (latest data), so only the swing can flag the goal.
    source = data_dir()
    monkeypatch.setenv("TARGETS_DATA_DIR", str(_data_copy(source, tmp_path / "a")))
    shown = assess.assess("new_brands_100m", n_samples=N)
    assert shown.count.fitted_rows > 0 and not shown.prior_only
    swing = abs(shown.band_high - shown.band_low)
    # The subset's words come from the goal's name, which is data: they reach pages escaped.
    assert shown.band_input == "the assumed share of <i>new</i> brands" and swing >= 0.3
    # The scorecard of this goal alone (as `targets report --goal` gives it): the others
    # would be computed afresh on this copied folder and tell nothing more here.
    monkeypatch.setenv(GOAL_IDS_ENV, "new_brands_100m")
    v = open_vintage()
    card = assess.scorecard(vintage=v, n_samples=N)
    assert list(card["goal"]) == ["new_brands_100m"]
    html = tables.scorecard(card, v.goals).to_html()
    assert "set by the assumed share of &lt;i&gt;new&lt;/i&gt; brands" in html
    assert "<i>new</i>" not in html
    monkeypatch.setenv("TARGETS_DATA_DIR", str(_data_copy(source, tmp_path / "b", swing=0.99)))
    hidden = assess.assess("new_brands_100m", n_samples=N)
    # Same fit, same point: the rule changes what is shown, never the probability.
    assert hidden.probability == pytest.approx(shown.probability)
    assert hidden.band_input is None and assess.band_label(hidden) is None
    assert hidden.verdict in {label for _, label in assess.VERDICTS}
