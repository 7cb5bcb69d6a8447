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
# # Where must compounding growth claims bend?
#
# The seed article reports that Taiping Bird's own-stream monthly GMV on Douyin grew 78% a
# month on average from September 2020 to January 2021. Growth like that cannot last: this
# report projects it forward and finds when it would collide with the size of Douyin itself
# (forecast with the data published by the as-of date).

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None = latest

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from targets import data, drivers, plots
from targets.units import format_yuan

as_of_ts = pd.Timestamp(as_of) if as_of else None
# The article's claims are the subject under study, stated around the 8 April 2021
# conference; they are used whatever the as-of date. Only the Douyin forecast they are
# compared with follows `as_of`.
claims = data.load("case_claims")
growth = claims[claims["series_id"] == "taiping_bird_monthly_gmv_growth"].iloc[0]
month_level = claims[claims["series_id"] == "taiping_bird_monthly_gmv"].iloc[0]
rate = float(growth["ratio"])  # e.g. 1.78 per month
start_level = float(month_level["value_yuan"])  # "passed ¥100M in a single month"
start = month_level["period_end"] + pd.Timedelta(days=1)
months = pd.date_range(start, periods=25, freq="MS")
path = start_level * rate ** np.arange(len(months))

douyin = drivers.douyin_driver(as_of_ts)
years, samples = drivers.annual_samples(douyin, [2021, 2022], seed=3)
monthly_douyin = np.median(samples, axis=0) / 12
cross = [
    (m, p)
    for m, p in zip(months, path, strict=True)
    if p > 0.01 * monthly_douyin[min(m.year - 2021, 1)]
]
first_cross = cross[0][0] if cross else None
display(
    Markdown(
        f"**Answer.** At {rate - 1:.0%} a month from {format_yuan(start_level)} a month "
        f"(the single-month level the article reports), the brand's own streams would reach "
        f"1% of all Douyin GMV by {first_cross:%B %Y} and "
        f"{format_yuan(path[12])} a month a year later: "
        f"{path[12] * 12 / np.median(samples[:, 1]):.0%} of Douyin's whole forecast 2022 GMV. "
        "The rate must bend within months, as launch-phase growth always does."
        if first_cross is not None
        else "**Answer.** Within two years the projection stays below 1% of Douyin's GMV."
    )
)

# %%
fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
ax.plot(months, path, label=f"Taiping Bird own streams at +{rate - 1:.0%} a month")
ax.plot(
    months,
    [monthly_douyin[min(m.year - 2021, 1)] for m in months],
    label="all of Douyin, average month (forecast median)",
)
ax.plot(
    months,
    [0.01 * monthly_douyin[min(m.year - 2021, 1)] for m in months],
    linestyle=":",
    label="1% of Douyin",
)
ax.set_yscale("log")
plots.yuan_axis(ax)
ax.set_ylabel("GMV per month (yuan, log scale)")
ax.set_title("A 78%-a-month growth rate, projected")
ax.legend(fontsize="small")
plots.show(
    fig,
    "Log-scale chart: the brand's monthly GMV compounding at the stated rate "
    "crosses 1% of all Douyin monthly GMV within months.",
)

# %% [markdown]
# ## The other growth claims in the article

# %%
claims[["series_id", "period_start", "period_end", "value", "qualifier", "unit", "kind", "quote"]]

# %% [markdown]
# ## What would change the answer
#
# The article gives an average monthly rate and one monthly level, not the brand's series; a
# published monthly series would show where the bend came.
