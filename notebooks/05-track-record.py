# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (targets)
#     language: python
#     name: targets
# ---

# %% [markdown]
# # How did the goals' plausibility move as data arrived, and how good were the forecasts?
#
# Each goal's probability is recomputed with only the data published by a series of dates,
# from the announcement onwards. Then the forecasting engine itself is scored: forecasts made
# at past vintages against what was published later.

# %% tags=["parameters"]
as_of = None  # the last as-of date shown ("YYYY-MM-DD"); None: the latest data

# %%
import warnings

import pandas as pd
from IPython.display import Markdown, display
from scipy.stats import binom

import targets
from targets import assess
from targets import formatting as fmt
from targets.assess import store
from targets.engine import backtest
from targets.report import frontpage, pages, plots, tables
from targets.sources.observations import contiguous_tail, to_regular

vintage = targets.open_vintage(as_of=as_of)
names = fmt.goal_names(vintage.goals)
end = vintage.as_of if vintage.as_of is not None else vintage.last_published
# Every six months while the goals were live, then yearly; the same dates and samples as the
# front page and the scorecard, read from the run's assessment store.
records = frontpage.history(vintage)
first, last = records["as_of"].min(), records["as_of"].max()


def movement(rows: pd.DataFrame) -> str:
    """One goal's record in words: its chance at the first and last dates with one, then the
    bound or the published outcome where the record ends on one."""
    kept = rows[rows["probability"].notna()]
    # A date whose answer an assumption decides reads as its band, as on the front page.
    said = [
        f"{fmt.probability(lo)}–{fmt.probability(hi)} (set by an assumption)"
        if isinstance(band, str)
        else fmt.probability(p)
        for p, band, lo, hi in zip(
            kept["probability"], kept["band"], kept["band_low"], kept["band_high"], strict=True
        )
    ]
    words = []
    start = rows.iloc[0]
    if isinstance(start["bound"], str):  # the record opens on a bound, not a chance
        words.append(f"{start['bound']} (a bound) on {start['as_of'].date()}")
    since = (  # a chance that starts later than the record says when
        f" on {kept['as_of'].iloc[0].date()}"
        if len(kept) and kept["as_of"].iloc[0] != start["as_of"]
        else ""
    )
    if len(said) > 1 and first != last:
        words.append(f"from {said[0]}{since} to {said[-1]}")
    elif len(said):
        words.append(said[-1])
    end_row = rows.iloc[-1]
    if end_row["verdict"] in ("met", "not met"):
        words.append(f"then the outcome: {end_row['verdict']}")
    elif isinstance(end_row["bound"], str) and len(rows) > 1:
        words.append(f"{end_row['bound']} at the last date (a bound, not a chance)")
    return ", ".join(words) or "no forecast"


if records.empty:  # an as-of date before any goal was announced
    answer = f"**Answer.** No goal had been announced by {end.date()}: nothing to track yet"
else:
    where = (  # one as-of date (an as-of report on the announcement day): no movement yet
        f"Only one as-of date so far, {first.date()}"
        if first == last
        else f"Between {first.date()} and {last.date()}"
    )
    answer = f"**Answer.** {where}: " + "; ".join(
        f"{fmt.md(names[g])} {movement(rows)}" for g, rows in records.groupby("goal", sort=False)
    )
display(Markdown(answer + "."))

# %%
if records.empty:
    display(Markdown(f"*No goal had been announced by {end.date()}, so there is no chart yet.*"))
else:
    fig = plots.probability_over_time(records, names=names)
    # Each goal's line starts at its announcement. A point where the forecast method or a dated
    # assumption changed is circled: the move there comes from the method or prior, not from news.
    changed = records[records["method_change"].fillna(False).astype(bool)].dropna(
        subset=["probability"]
    )
    if len(changed):
        ax = fig.axes[0]
        ax.scatter(
            changed["as_of"],
            changed["probability"],
            s=140,
            facecolors="none",
            edgecolors="black",
            linewidths=1.2,
            zorder=5,
            label="change of method or prior",
        )
        plots.legend_outside(ax)
    plots.show(
        fig,
        f"Line chart of each goal's probability at as-of dates from {first.date()} to {last.date()}"
        + (
            f"; {len(changed)} point(s) circled where the method or a prior changed."
            if len(changed)
            else "."
        ),
    )

# %%
if records.empty:
    display(Markdown(f"*No goal had been announced by {end.date()}: no probabilities yet.*"))
else:
    display(
        tables.collapsible(
            fmt.table(
                records.assign(
                    goal=records["goal"].map(names),
                    # A count goal an assumption decides: the band, with the point scored.
                    chance=[
                        f"{b} (a bound)"
                        if isinstance(b, str)
                        else f"{w} (point {fmt.probability(p)})"
                        if isinstance(w, str)
                        else fmt.probability(p)
                        for b, w, p in zip(
                            records["bound"], records["band"], records["probability"], strict=True
                        )
                    ],
                ),
                {
                    "goal": "text",
                    "as_of": "date",
                    "chance": "text",
                    "verdict": "text",
                    "method": "text",
                },
                headers={"as_of": "as of", "chance": "chance met", "method": "forecast by"},
            ),
            f"The {len(records)} probabilities behind the chart, one per goal and as-of date",
        )
    )


# %% [markdown]
# ## How good were the engine's forecasts at each vintage?
#
# For the series the goals are judged on, forecasts made from the figures published by each
# cutoff (mid-February of each year) are scored against the figures published afterwards:
# how often the 80% and 95% intervals held the outcome, the scaled error (MASE) and the CRPS
# skill against the naive forecast (1 - median CRPS / naive median CRPS, same forecasts: 0 is no
# better than naive, higher is better). Raw CRPS is in yuan and not comparable across series.

# %%
cutoffs = [
    pd.Timestamp(f"{y}-02-15")
    for y in range(2018, end.year + 1)
    if pd.Timestamp(f"{y}-02-15") <= end
]
specs = sorted(
    {
        (ref.dataset, ref.series_id)
        for view in pages.series_views(vintage)
        for ref in view.proxy.parts
        if ref.since is None and ref.definitions is None
    }
)
MODELS = ["naive", "ets", "theta", "logistic", "ensemble"]


def regular(v, dataset: str, series_id: str) -> pd.DataFrame:
    rows = v.rows(dataset, series_id) if dataset in v.datasets else pd.DataFrame()
    return contiguous_tail(to_regular(rows, series_id)) if len(rows) else pd.DataFrame()


def vintage_scores() -> pd.DataFrame:
    frames = []
    for dataset, series_id in specs:
        truth = regular(vintage, dataset, series_id)
        if truth.empty:
            continue  # not published yet at this as-of date: nothing to score
        known = {c: regular(vintage.latest.at(c), dataset, series_id) for c in cutoffs}
        known = {c: k for c, k in known.items() if len(k) >= 4}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frames.append(
                backtest.vintage_backtest(known, truth, h=2, models=MODELS, n_samples=300)
            )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# Stored with the run's assessments (keyed by the data and the code): computed once.
scores = store.cached(
    "vintage_backtest",
    (as_of, tuple(map(str, cutoffs)), tuple(specs), tuple(MODELS), 2, 300),
    vintage_scores,
    content=vintage.content,
)
if scores.empty:  # no series had enough published years at any cutoff by this date
    summary = pd.DataFrame()
    by_model = pd.DataFrame()
else:
    summary = backtest.summarize(scores).merge(
        backtest.skill(scores)[["model", "crps_skill", "crps_relative"]], on="model", how="left"
    )
    by_model = summary.set_index("model")
if scores.empty:
    text = (
        f"No forecast of the goals' series could be scored by {end.date()}: a scored "
        "forecast needs four consecutive published years before a cutoff and a figure "
        "published after it."
    )
elif "ensemble" in by_model.index:
    ens = by_model.loc["ensemble"]
    n = int(ens["n"])
    # The range a calibrated 80% interval's hit rate falls in with n forecasts (90% of the time).
    lo, hi = (binom.ppf(q, n, 0.8) / n for q in (0.05, 0.95))
    if ens["coverage_80"] > hi:
        reading = (
            "more often than the 80% they claim: on these series they are wider than "
            "needed (over-cautious), not a success"
        )
    elif ens["coverage_80"] < lo:
        reading = "less often than the 80% they claim: they are too narrow"
    else:
        reading = "about as often as the 80% they claim"
    skill_text = f" Its CRPS skill against the naive forecast is {fmt.ratio(ens['crps_skill'])}" + (
        " (better than naive)." if ens["crps_skill"] > 0 else " (no better than naive)."
    )
    text = (
        f"{n} forecasts per model were scored. The ensemble's 80% intervals held the outcome "
        f"{fmt.percent(ens['coverage_80'])} of the time, {reading}; with {n} forecasts a "
        f"calibrated interval would score between {fmt.percent(lo)} and {fmt.percent(hi)}."
        + skill_text
    )
else:
    text = f"{len(scores)} forecasts were scored; the ensemble made none."
display(Markdown(text))
if len(summary):
    display(
        tables.backtest_summary(
            summary[
                ["model", "n", "coverage_80", "coverage_95", "mase", "crps_skill", "crps_relative"]
            ]
        )
    )

# %%
if scores.empty:
    plots.no_data("series long enough to score a forecast", as_of)
else:
    fig = plots.pit_histogram(
        scores, models=[m for m in ["naive", "ensemble"] if m in by_model.index]
    )
    plots.show(
        fig,
        "Histograms of where each outcome fell in its forecast distribution (PIT) for the naive "
        "forecast and the ensemble; a calibrated forecast gives a flat histogram.",
    )


# %% [markdown]
# ## The track record on real pledges, plans and forecasts
#
# Real statements with known outcomes (the track record the goal file's data folder holds, or
# the one shipped with the package): company pledges and guidance, internal targets reported
# by the press, government plans and third-party forecasts. Each is assessed as of its
# announcement with only the rows published by then (the growth forecast), and its probability
# is calibrated *out of time*: from the statements resolved before it was announced. The
# scores carry 90% bootstrap intervals and sit beside the baselines: a constant 50%, the share
# met among the statements resolved by then, and the share met among all of them (known only
# in hindsight). Only outcomes published by this page's date are scored.

# %%
record = assess.method_record(vintage)
display(Markdown(assess.skill_sentence(record)))
if record is not None and len(record["scores"]):
    sc = record["scores"]
    display(
        fmt.table(
            sc.assign(
                brier_text=[
                    f"{b:.3f} ({lo:.3f} to {hi:.3f})"
                    for b, lo, hi in zip(sc["brier"], sc["brier_lo"], sc["brier_hi"], strict=True)
                ],
                log_text=[
                    f"{b:.3f} ({lo:.3f} to {hi:.3f})"
                    for b, lo, hi in zip(sc["log_score"], sc["log_lo"], sc["log_hi"], strict=True)
                ],
                skill_text=sc["brier_skill"].map(lambda v: f"{v:+.3f}"),
            ),
            {
                "forecaster": "text",
                "n": "count",
                "brier_text": "text",
                "log_text": "text",
                "skill_text": "text",
            },
            headers={
                "n": "statements scored",
                "brier_text": "Brier score, 90% interval (lower is better)",
                "log_text": "log score, 90% interval (higher is better)",
                "skill_text": "skill over the hindsight base rate",
            },
        )
    )
    display(
        fmt.table(
            record["reliability"],
            {"bin": "text", "n": "count", "mean_probability": "percent", "share_met": "percent"},
            headers={
                "bin": "calibrated probability",
                "n": "statements",
                "mean_probability": "mean probability",
                "share_met": "share met",
            },
        )
    )
    display(
        Markdown(
            "The calibration learns only from outcomes published before each statement, so "
            "the first statements got mostly its prior. By how many earlier outcomes it had "
            "learned from:"
        )
    )
    display(
        fmt.table(
            record["by_learning"],
            {
                "learned_from": "text",
                "n": "count",
                "share_met": "percent",
                "brier": "score",
                "brier_inside": "score",
                "brier_base_then": "score",
            },
            headers={
                "learned_from": "earlier outcomes learned from",
                "n": "statements scored",
                "share_met": "share met",
                "brier": "Brier score, calibrated",
                "brier_inside": "Brier score, growth forecast alone",
                "brier_base_then": "Brier score, base rate then",
            },
        )
    )
    display(
        fmt.table(
            record["by_type"].assign(kind=record["by_type"]["type"].str.replace("_", " ")),
            {
                "kind": "text",
                "entries": "count",
                "share_met": "percent",
                "mean_probability": "percent",
            },
            headers={
                "kind": "kind of statement",
                "entries": "statements scored",
                "mean_probability": "mean calibrated probability",
            },
        )
    )
else:
    display(Markdown("*No statement of the track record had a published outcome by this date.*"))

# %%
if record is not None and len(record["pledges"]):
    table = record["pledges"]
    display(
        tables.collapsible(
            fmt.table(
                table.assign(
                    inside=table["p_inside"].map(
                        lambda p: "no forecast" if p != p else fmt.probability(p)
                    ),
                    calibrated=table["probability"].map(fmt.probability),
                    outcome=table["met"].map(
                        lambda m: (
                            "not published" if m is None or m != m else ("met" if m else "not met")
                        )
                    ),
                    kind=table["type"].str.replace("_", " "),
                ),
                {
                    "statement": "text",
                    "kind": "text",
                    "announced": "date",
                    "inside": "text",
                    "calibrated": "text",
                    "outcome": "text",
                },
                headers={
                    "inside": "growth forecast at the announcement",
                    "calibrated": "calibrated, out of time",
                },
            ),
            f"Each of the {len(table)} statements: its growth forecast and calibrated "
            "probability at its announcement, and its outcome",
        )
    )
