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
#       jupytext_version: 1.19.6
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

from targets import backtest, data, frontpage, plots
from targets.observations import contiguous_tail, to_regular

end = pd.Timestamp(as_of) if as_of else data.load_all()["published"].max()
# Every six months while the goals were live (to the end of 2023), then yearly; the same
# dates and samples as the front page and the scorecard, read from the run's assessment store.
records = frontpage.history(as_of)
first, last = records["as_of"].min(), records["as_of"].max()
moves = records.dropna(subset=["probability"]).groupby("goal")["probability"].agg(["first", "last"])
display(
    Markdown(
        f"**Answer.** Between {first.date()} and {last.date()}: "
        + "; ".join(f"{g} from {r['first']:.0%} to {r['last']:.0%}" for g, r in moves.iterrows())
        + "."
    )
)

# %%
fig = plots.probability_over_time(records)
plots.show(
    fig,
    f"Line chart of each goal's probability at as-of dates from {first.date()} to {last.date()}.",
)

# %%
records.assign(
    as_of=records["as_of"].dt.date,
    probability=records["probability"].map(lambda p: "" if p != p else f"{p:.0%}"),
)[["goal", "as_of", "probability", "verdict", "method", "note"]]

# %% [markdown]
# ## How good were the engine's forecasts at each vintage?
#
# For the official annual series (NBS retail, Pinduoduo, Kuaishou), forecasts made from the
# figures published by each cutoff are scored against the figures published afterwards:
# coverage of the 80% and 95% intervals, scaled error and CRPS.

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
scores = []
for dataset, series_id in specs:
    truth = contiguous_tail(to_regular(data.load(dataset, as_of), series_id))
    known = {
        c: contiguous_tail(to_regular(data.load(dataset, c), series_id))
        for c in cutoffs
        if series_id in set(data.load(dataset, c)["series_id"])
    }
    known = {c: k for c, k in known.items() if len(k) >= 4}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scores.append(
            backtest.vintage_backtest(
                known,
                truth,
                h=2,
                models=["naive", "ets", "theta", "logistic", "ensemble"],
                n_samples=300,
            )
        )
scores = pd.concat(scores, ignore_index=True)
summary = backtest.summarize(scores)
display(
    Markdown(
        f"{len(scores) // max(len(summary), 1)} forecasts per model were scored. "
        + "The ensemble's 80% intervals held the outcome "
        + (
            f"{summary.set_index('model').loc['ensemble', 'coverage_80']:.0%}"
            if "ensemble" in set(summary["model"])
            else "n/a"
        )
        + " of the time."
    )
)
summary.round(3)
