# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
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

from targets import formatting as fmt
from targets.engine import backtest
from targets.report import frontpage, plots, store, tables
from targets.sources import data
from targets.sources.observations import contiguous_tail, to_regular

end = pd.Timestamp(as_of) if as_of else data.load_all()["published"].max()
# Every six months while the goals were live (to the end of 2023), then yearly; the same
# dates and samples as the front page and the scorecard, read from the run's assessment store.
records = frontpage.history(as_of)
first, last = records["as_of"].min(), records["as_of"].max()
moves = records.dropna(subset=["probability"]).groupby("goal")["probability"].agg(["first", "last"])
if records.empty:  # an as-of date before any goal was announced
    answer = f"**Answer.** No goal had been announced by {end.date()}: nothing to track yet"
elif first == last:  # one as-of date (an as-of report on the announcement day): no movement yet
    answer = f"**Answer.** Only one as-of date so far, {first.date()}: " + "; ".join(
        f"{fmt.goal_names()[g]} {fmt.probability(r['last'])}" for g, r in moves.iterrows()
    )
else:
    answer = f"**Answer.** Between {first.date()} and {last.date()}: " + "; ".join(
        f"{fmt.goal_names()[g]} from {fmt.probability(r['first'])} to {fmt.probability(r['last'])}"
        for g, r in moves.iterrows()
    )
display(Markdown(answer + "."))

# %%
if records.empty:
    display(Markdown(f"*No goal had been announced by {end.date()}, so there is no chart yet.*"))
else:
    fig = plots.probability_over_time(records)
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
                records.assign(goal=records["goal"].map(fmt.goal_names())),
                {
                    "goal": "text",
                    "as_of": "date",
                    "probability": "probability",
                    "verdict": "text",
                    "method": "text",
                },
                headers={"as_of": "as of", "probability": "chance met", "method": "forecast by"},
            ),
            f"The {len(records)} probabilities behind the chart, one per goal and as-of date",
        )
    )


# %% [markdown]
# ## How good were the engine's forecasts at each vintage?
#
# For the official annual series (NBS retail, Pinduoduo, Kuaishou), forecasts made from the
# figures published by each cutoff are scored against the figures published afterwards:
# how often the 80% and 95% intervals held the outcome, the scaled error (MASE) and the CRPS
# skill against the naive forecast (1 - median CRPS / naive median CRPS, same forecasts: 0 is no
# better than naive, higher is better). Raw CRPS is in yuan and not comparable across series.

# %%
cutoffs = [
    pd.Timestamp(f"{y}-02-15")
    for y in range(2018, end.year + 1)
    if pd.Timestamp(f"{y}-02-15") <= end
]
specs = [
    ("nbs_retail", "nbs_total_retail"),
    ("nbs_retail", "nbs_physical_online_retail"),
    ("pinduoduo_gmv", "pinduoduo_gmv"),
    ("kuaishou_gmv", "kuaishou_gmv"),
]
MODELS = ["naive", "ets", "theta", "logistic", "ensemble"]


def vintage_scores() -> pd.DataFrame:
    frames = []
    for dataset, series_id in specs:
        if series_id not in set(data.load(dataset, as_of)["series_id"]):
            continue  # not published yet at this as-of date: nothing to score
        truth = contiguous_tail(to_regular(data.load(dataset, as_of), series_id))
        known = {
            c: contiguous_tail(to_regular(data.load(dataset, c), series_id))
            for c in cutoffs
            if series_id in set(data.load(dataset, c)["series_id"])
        }
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
        f"No forecast of the official series could be scored by {end.date()}: a scored "
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
# ## The track record on real pledges
#
# Historical pledges and published forecasts (`data/pledges.yaml`: national plans, platform
# targets, research houses' market forecasts), each assessed as of its announcement with
# only the rows published by then, and scored on what the series showed later. Brier score
# (lower is better) and log score (higher is better) beside a constant 50% and the base rate.

# %%
from targets.assess.pledges import backtest_goals

# Stored with the run's assessments (keyed by the data and the code): computed once.
bt = store.cached(
    "pledge_backtest", (as_of, 300), lambda: backtest_goals(n_samples=300, as_of=as_of)
)
sc = bt["scores"].set_index("forecaster")
if len(sc):
    ours = sc.iloc[0]
    display(
        Markdown(
            f"On {int(ours['n'])} pledges with a forecast and a known outcome, the Brier score "
            f"was {ours['brier']:.3f} against {sc.iloc[1]['brier']:.3f} for a constant 50% "
            f"and {sc.iloc[2]['brier']:.3f} for the {sc.index[2]}; the log score "
            f"{ours['log_score']:.3f} against {sc.iloc[1]['log_score']:.3f} and "
            f"{sc.iloc[2]['log_score']:.3f}. "
            f"{int(bt['pledges']['probability'].isna().sum())} pledge(s) had too little "
            "published data at their announcement for a forecast."
        )
    )
else:
    display(Markdown("No pledge had both a forecast and a published outcome by this date."))
if len(sc):
    display(
        fmt.table(
            bt["scores"],
            {
                "forecaster": "text",
                "n": "count",
                "brier": lambda v: fmt.ratio(v, 3),
                "log_score": lambda v: fmt.ratio(v, 3),
            },
            headers={
                "n": "pledges scored",
                "brier": "Brier score (lower is better)",
                "log_score": "log score (higher is better)",
            },
        )
    )

# %%
if len(sc):  # the reliability table needs scored pledges (said above when there are none)
    display(
        fmt.table(
            bt["reliability"],
            {"bin": "text", "n": "count", "mean_probability": "percent", "share_met": "percent"},
            headers={
                "bin": "forecast probability",
                "n": "pledges",
                "mean_probability": "mean forecast",
                "share_met": "share met",
            },
        )
    )

# %%
pledges = bt["pledges"]
fmt.table(
    pledges.assign(
        probability=pledges["probability"].map(
            lambda p: "no forecast" if p != p else fmt.probability(p)
        ),
        met=pledges["met"].map(
            lambda m: "not published" if m is None or m != m else ("yes" if m else "no")
        ),
    ),
    {
        "id": "text",
        "type": "text",
        "announced": "date",
        "deadline": "text",
        "probability": "text",
        "met": "text",
        "note": "text",
    },
    headers={"id": "pledge", "probability": "chance met at announcement", "met": "met"},
)
