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
# # Where must compounding growth claims bend?
#
# The seed article reports an average monthly growth rate for one brand's own live streams on
# Douyin (Taiping Bird) over several months around the launch of Douyin's store. Growth like
# that cannot last: this report projects it forward and finds when it would collide with the
# size of Douyin itself (forecast with the data published by the as-of date). The figures
# come from `data/case_claims.csv` and appear only once they were published.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from targets import formatting as fmt
from targets.errors import ForecastError
from targets.growth import drivers
from targets.report import plots, tables
from targets.sources import data

as_of_ts = pd.Timestamp(as_of) if as_of else None
# The article's claims follow `as_of` like every other figure: before the article is
# dated, the report says so instead of using them.
claims = data.load("case_claims", as_of)
growth_rows = claims[claims["series_id"] == "taiping_bird_monthly_gmv_growth"]
level_rows = claims[claims["series_id"] == "taiping_bird_monthly_gmv"]
have_claims = not (growth_rows.empty or level_rows.empty)
if have_claims:
    rate = float(growth_rows.iloc[0]["ratio"])  # e.g. 1.78 per month
    start_level = float(level_rows.iloc[0]["value_yuan"])  # "passed ¥100M in a single month"
    start = level_rows.iloc[0]["period_end"] + pd.Timedelta(days=1)
    months = pd.date_range(start, periods=25, freq="MS")
    path = start_level * rate ** np.arange(len(months))
    first_year = months[0].year

try:
    douyin = drivers.douyin_driver(as_of_ts)
    douyin_years = [first_year, first_year + 1] if have_claims else [2021, 2022]
    years, samples = drivers.annual_samples(douyin, douyin_years, seed=3)
    monthly_douyin = np.median(samples, axis=0) / 12
    douyin_missing = ""
except ForecastError as exc:
    douyin_missing = str(exc)

if not have_claims:
    display(
        Markdown(
            "**Answer.** No monthly growth claim from the article had been published "
            f"{'by ' + as_of if as_of else 'in the data'}, so there is nothing to project yet."
        )
    )
elif douyin_missing:
    display(
        Markdown(
            f"**Answer.** The article reports {rate - 1:.0%} a month from "
            f"{fmt.yuan(start_level)} a month, but Douyin's size cannot be forecast from what "
            f"was published by then ({douyin_missing}), so there is nothing to compare it with."
        )
    )
else:

    def douyin_month(m: pd.Timestamp) -> float:
        return float(monthly_douyin[min(max(m.year - first_year, 0), 1)])

    cross = [(m, p) for m, p in zip(months, path, strict=True) if p > 0.01 * douyin_month(m)]
    first_cross = cross[0][0] if cross else None
    # Like with like: the projection's total over the next calendar year against Douyin's.
    next_year = first_year + 1
    brand_total = float(path[months.year == next_year].sum())
    douyin_total = float(np.median(samples[:, 1]))
    display(
        Markdown(
            f"**Answer.** At {fmt.percent(rate - 1)} a month from {fmt.yuan(start_level)} a "
            f"month (the single-month level the article reports), the brand's own streams would "
            f"reach 1% of all Douyin GMV by {first_cross:%B %Y} and {fmt.yuan(path[12])} in "
            f"the single month of {months[12]:%B %Y}. Over calendar {next_year} they would sell "
            f"{fmt.yuan(brand_total)}: {fmt.percent(brand_total / douyin_total)} of Douyin's "
            f"whole forecast {next_year} GMV (median {fmt.yuan(douyin_total)}). The rate must "
            "bend within months, as launch-phase growth always does."
            if first_cross is not None
            else "**Answer.** Within two years the projection stays below 1% of Douyin's GMV."
        )
    )

# %%
if not have_claims:
    plots.no_data("monthly growth claim from the article", as_of)
elif douyin_missing:
    plots.no_data("Douyin GMV figure enough to forecast", as_of)
else:
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    ax.plot(months, path, label=f"Taiping Bird own streams at +{rate - 1:.0%} a month")
    ax.plot(
        months,
        [douyin_month(m) for m in months],
        label="all of Douyin, average month (forecast median)",
    )
    ax.plot(months, [0.01 * douyin_month(m) for m in months], linestyle=":", label="1% of Douyin")
    ax.set_yscale("log")
    plots.yuan_axis(ax)
    ax.set_ylabel("GMV per month (yuan, log scale)")
    ax.set_title(f"A {fmt.percent(rate - 1)}-a-month growth rate, projected")
    plots.legend_outside(ax)
    plots.show(
        fig,
        "Log-scale chart: the brand's monthly GMV compounding at the stated rate "
        "compared with all of Douyin's average monthly GMV and 1% of it.",
    )

# %% [markdown]
# ## The other growth claims in the article

# %%
if claims.empty:
    plots.no_data("growth claim from the article", as_of)
else:
    display(
        fmt.table(
            claims.assign(
                period=[
                    f"{fmt.date(a)} to {fmt.date(b)}"
                    for a, b in zip(claims["period_start"], claims["period_end"], strict=True)
                ],
                figure=[tables.published_value(r) for _, r in claims.iterrows()],
                quote=claims["quote"].map(fmt.clean_quote),
            ),
            {
                "series_id": "text",
                "period": "text",
                "figure": "text",
                "kind": "text",
                "quote": "text",
            },
            headers={"series_id": "claim", "figure": "figure (yuan or as published)"},
        )
    )

# %% [markdown]
# ## What would change the answer
#
# The article gives an average monthly rate and one monthly level, not the brand's series; a
# published monthly series would show where the bend came.
