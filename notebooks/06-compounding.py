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
# # Where must compounding growth claims bend?
#
# Announcements often quote a growth rate for one entity over a few months (a brand's own
# live streams, a new channel). Growth like that cannot last: this page projects each claim
# the goal file names forward from the level it starts at, and finds when it would collide
# with the whole it is part of (forecast with the data published by the as-of date). A claim
# appears only once it was published.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import targets
from targets import formatting as fmt
from targets.errors import ForecastError
from targets.growth import drivers
from targets.report import plots, tables

vintage = targets.open_vintage(as_of=as_of)
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
claims = vintage.growth_claims
projections = []
for claim in claims:
    rate_rows = vintage.series(claim.rate)
    rate_rows = rate_rows[rate_rows["ratio"].notna()]
    level = vintage.series(claim.level)
    level = level[level["value_yuan"].notna()]
    item = {"claim": claim, "why": ""}
    if rate_rows.empty or level.empty:
        item["why"] = f"the claim had not been published {vintage.when}"
        projections.append(item)
        continue
    # The level is the total of one month of the claim (the period its rate is per month of).
    start_row = level.sort_values("published").iloc[0]
    rate = float(rate_rows.iloc[0]["ratio"])
    start = start_row["period_end"] + pd.Timedelta(days=1)
    periods = pd.date_range(start, periods=25, freq="MS")
    monthly_start = float(start_row["value_yuan"])
    item |= {"rate": rate, "start": monthly_start, "months": periods}
    item["path"] = monthly_start * rate ** np.arange(len(periods))
    try:
        whole = drivers.driver_for(vintage, claim.against)
        years = [periods[0].year, periods[0].year + 1]
        starts, samples = drivers.annual_samples(whole, years, seed=3)
        item["whole"] = np.median(samples, axis=0) / 12
        item["whole_next"] = float(np.median(samples[:, 1]))
    except ForecastError as exc:
        item["why"] = f"the whole it is part of cannot be forecast {vintage.when} ({exc})"
    projections.append(item)


def whole_month(item: dict, m: pd.Timestamp) -> float:
    first = item["months"][0].year
    return float(item["whole"][min(max(m.year - first, 0), 1)])


answer = []
for item in projections:
    name = fmt.md(item["claim"].name)
    if "rate" not in item or item["why"]:
        answer.append(f"*{name}*: nothing to project ({fmt.md(item['why'])}).")
        continue
    months, path = item["months"], item["path"]
    cross = [m for m, p in zip(months, path, strict=True) if p > 0.01 * whole_month(item, m)]
    next_year = months[0].year + 1
    total = float(path[months.year == next_year].sum())
    answer.append(
        f"*{name}*: at {fmt.percent(item['rate'] - 1)} a month from {fmt.yuan(item['start'])} "
        f"a month, it would reach 1% of the whole by {cross[0]:%B %Y} and sell "
        f"{fmt.yuan(total)} over {next_year}: {fmt.percent(total / item['whole_next'])} of the "
        f"whole's forecast {next_year} total (median {fmt.yuan(item['whole_next'])}). The rate "
        "must bend long before."
        if cross
        else f"*{name}*: within two years the projection stays below 1% of the whole."
    )
display(
    Markdown(
        f"**Answer ({as_of_text}).** "
        + (" ".join(answer) if claims else "The goal file names no compounding growth claim.")
    )
)

# %%
for item in projections:
    if "rate" not in item or item["why"]:
        plots.no_data(f"projection of {item['claim'].name}", as_of)
        continue
    months, path = item["months"], item["path"]
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    ax.plot(months, path, label=f"{item['claim'].name} at +{item['rate'] - 1:.0%} a month")
    ax.plot(months, [whole_month(item, m) for m in months], label="the whole, average month")
    ax.plot(
        months,
        [0.01 * whole_month(item, m) for m in months],
        linestyle=":",
        label="1% of the whole",
    )
    ax.set_yscale("log")
    plots.yuan_axis(ax)
    ax.set_ylabel("sales per month (yuan, log scale)")
    ax.set_title(plots.cjk(f"A {fmt.percent(item['rate'] - 1)}-a-month growth rate, projected"))
    plots.legend_outside(ax)
    plots.show(
        fig,
        f"Log-scale chart: {item['claim'].name} compounding at the stated rate compared with "
        "the whole's average monthly total and 1% of it.",
    )

# %% [markdown]
# ## The claims as published

# %%
refs = {(r.dataset, r.series_id) for c in claims for r in (c.rate, c.level)}
rows = [vintage.series(c.rate) for c in claims] + [vintage.series(c.level) for c in claims]
published = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
if published.empty:
    plots.no_data("growth claim", as_of)
else:
    published = published.drop_duplicates(subset=["dataset", "row"])
    display(
        fmt.table(
            published.assign(
                period=[
                    f"{fmt.date(a)} to {fmt.date(b)}"
                    for a, b in zip(published["period_start"], published["period_end"], strict=True)
                ],
                figure=[tables.published_value(r) for _, r in published.iterrows()],
                quote=published["quote"].map(fmt.clean_quote),
            ),
            {
                "period": "text",
                "figure": "text",
                "kind": "code",
                "publisher": "text",
                "quote": "text",
            },
            headers={"figure": "figure (yuan or as published)"},
        )
    )
