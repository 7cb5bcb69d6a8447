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
# # How fast did Douyin's e-commerce grow, and where is it heading?
#
# Douyin has never published an annual GMV. Its trajectory has to be read from media reports
# with different definitions, partial-year totals and its own growth multiples. This report
# draws every published figure over the interval it covers, fits growth curves to all of them
# at once, and sets Douyin beside the platforms that grew before it.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None = latest

# %%
import pandas as pd
from IPython.display import Markdown, display

from targets import data, drivers, plots, reference
from targets.observations import to_regular
from targets.units import format_yuan

as_of_ts = pd.Timestamp(as_of) if as_of else None
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
rows = drivers.douyin_rows(as_of_ts)
driver = drivers.douyin_driver(as_of_ts)
next_year = int(rows["period_end"].max().year) + 1
years, samples = drivers.annual_samples(driver, list(range(2020, next_year + 2)), seed=1)
median_next = float(pd.Series(samples[:, years.year == next_year][:, 0]).median())
display(
    Markdown(
        f"**Answer ({as_of_text}).** {len(rows)} published figures describe Douyin's closed-loop "
        f"GMV. Forecast by {driver.method}, its {next_year} GMV has a median of "
        f"{format_yuan(median_next)}."
    )
)

# %% [markdown]
# ## Every published figure, over the interval it covers
#
# Each segment is a total divided by the length of its interval (an average annual rate), so
# a January–August total and a calendar-year total can be compared. Dashed segments are media
# reports; growth multiples are not drawn (they relate two intervals).

# %%
all_rows = data.load("douyin_gmv", as_of)
all_rows = all_rows[all_rows["series_id"] == "douyin_gmv"]
fig = plots.interval_rows(all_rows, title=f"Douyin GMV as published ({as_of_text})")
plots.show(
    fig,
    f"{all_rows['value_yuan'].notna().sum()} Douyin GMV figures drawn over their "
    "intervals on a log scale, coloured by kind, dashed when media-reported.",
)

# %%
table = all_rows.assign(
    period=all_rows["period_start"].dt.date.astype(str)
    + " to "
    + all_rows["period_end"].dt.date.astype(str),
    published=all_rows["published"].dt.date,
)[
    [
        "period",
        "value",
        "qualifier",
        "unit",
        "kind",
        "status",
        "definition",
        "publisher",
        "published",
    ]
]
table

# %% [markdown]
# ## Growth curves fitted to all of them
#
# Gompertz and logistic curves are fitted to the closed-loop figures (levels, partial-year
# totals, bounds and official growth multiples) by matching the integral of the curve over
# each row's interval; the fan shows the 50% and 80% bands of calendar-year totals. Rows that
# include sales routed to third-party links or product cards measure something else and are
# left out.

# %%
observed = to_regular(rows, "douyin_gmv", "YS")
fig = plots.fan_chart(
    years,
    {"Douyin GMV": samples},
    observed=observed,
    title=f"Douyin GMV forecast ({as_of_text}): {driver.method}",
)
plots.show(
    fig,
    f"Fan chart of Douyin calendar-year GMV {years.year.min()}-{years.year.max()}, "
    f"median {format_yuan(median_next)} in {next_year}.",
)

# %% [markdown]
# ## The reference class: platforms that grew before Douyin
#
# Pinduoduo, Kuaishou, JD.com and early Taobao, aligned by the year each first reached
# ¥100 billion of annual GMV. When Douyin's own figures are too few to fit a curve (as on the
# day the goals were announced), its forecast follows these paths from the same scale.

# %%
analogs = reference.analog_series(as_of)
douyin_annual = observed.assign(unique_id="douyin_gmv (closed loop)")
fig = plots.aligned_by_scale(analogs, douyin_annual, 1e11)
plots.show(
    fig,
    "Log-scale chart of annual GMV of Pinduoduo, Kuaishou, JD, Taobao and Douyin, "
    "aligned by the year each first passed ¥100B.",
)

# %%
growth = (
    analogs.sort_values("ds")
    .groupby("unique_id")
    .apply(lambda g: (g["y"] / g["y"].shift(1)).iloc[1:4].round(2).tolist(), include_groups=False)
)
display(
    Markdown(
        "Year-on-year multiples in the first years after reaching that scale: "
        + "; ".join(f"{u}: {', '.join(f'{m}x' for m in ms)}" for u, ms in growth.items())
        + "."
    )
)

# %% [markdown]
# ## What would change this picture
#
# An official annual GMV from Douyin would anchor the curves; until then the spread between
# media reports (for 2022, ¥1.2T to ¥1.5T) is part of the uncertainty shown.
