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
# # Would "interest e-commerce" pass ¥9.5 trillion in 2023?
#
# At the April 2021 conference Douyin cited a third-party estimate that interest e-commerce
# GMV would exceed ¥9.5 trillion by 2023. Nobody publishes an "interest e-commerce" series, so
# the claim is judged on three proxies, side by side, against the ceiling that all online
# retail of physical goods sets.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import pandas as pd
from IPython.display import Markdown, display

from targets import assess
from targets.errors import ForecastError
from targets.growth import drivers
from targets.report import plots, tables
from targets.sources.observations import level_rows
from targets.sources.units import format_yuan

as_of_ts = pd.Timestamp(as_of) if as_of else None
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
try:
    a = assess.assess("interest_commerce_2023", as_of)
except ForecastError as exc:  # too early: no proxy has enough published figures yet
    a = None
    why = str(exc).removeprefix("no forecast: ")
    display(Markdown(f"**Answer.** There is no forecast {as_of_text}: {why}."))
else:
    display(Markdown(f"**Answer.** {a.explanation}"))
# Said in place of a table or chart of the assessment when there is none.
no_assessment = (
    f"*The goal has no forecast {as_of_text} (see above), so there is nothing to show here yet.*"
)

# %% [markdown]
# ## Three proxies

# %%
if a is None:
    display(Markdown(no_assessment))
else:
    display(tables.proxies(a))

# %% [markdown]
# ## The live-streaming e-commerce market, forecast
#
# Research houses' estimates of the market (pooled: each house's figure enters with the noise
# of a third-party estimate), with the ¥9.5 trillion claim drawn on the chart.

# %%
live_rows = drivers.live_commerce_rows(as_of_ts)
try:
    live = drivers.live_commerce_driver(as_of_ts, 2023)
    # To the goal year: further ahead the reference class may have no analog to follow.
    years, samples = drivers.annual_samples(live, list(range(2019, 2024)), seed=2)
except ForecastError as exc:
    years, why_not = None, str(exc)
if years is None:
    # A plain sentence in place of the chart, with the reason the forecast was not made.
    display(
        Markdown(
            f"*No forecast of the market to 2023 could be made {as_of_text}, so there is "
            f"nothing to show here yet. Why: {why_not}.*"
        )
    )
else:
    levels = level_rows(live_rows)  # exact or approximate figures: bounds are not points
    observed = levels[
        levels["period_end"] == levels["period_start"] + pd.offsets.YearEnd(0)
    ].rename(columns={"period_start": "ds", "value_yuan": "y"})
    fig = plots.fan_chart(
        years,
        {"live-streaming e-commerce": samples},
        observed=observed,
        goal=9.5e12,
        goal_label="¥9.5T claimed for 2023",
        title=f"Live-streaming e-commerce market ({as_of_text})",
    )
    plots.show(
        fig,
        f"Fan chart of the live-streaming e-commerce market {years.year.min()}-"
        f"{years.year.max()} with the ¥9.5T claim; {live.method}.",
    )

# %% [markdown]
# ## The ceiling: how much of all online retail would ¥9.5 trillion be?

# %%
if a is None:
    display(Markdown(no_assessment))
elif a.ceiling is None or a.ceiling.empty:
    plots.no_data("online retail figure to set the ceiling with", as_of)
else:
    display(tables.ceiling(a))

# %% [markdown]
# ## Required against achieved growth

# %%
g = a.growth if a is not None else {"ratio": float("nan"), "required": float("nan")}
if g["ratio"] == g["ratio"]:
    text = (
        f"From the {int(g['current_year'])} level of {format_yuan(g['current'])}, reaching "
        f"¥9.5T in 2023 needed {g['required']:.0%} growth a year; the market grew "
        f"{g['achieved']:.0%} in {int(g['current_year'])}: a progress ratio of {g['ratio']:.2f} "
        f"(80% interval {g['ratio_lo_80']:.2f} to {g['ratio_hi_80']:.2f}), '{g['category']}' "
        "in the Open SDG scheme."
    )
elif g["required"] == g["required"]:
    text = (
        f"From the {int(g['current_year'])} level it needed {g['required']:.0%} growth a "
        "year; achieved growth cannot be computed from the figures published by then."
    )
else:
    text = f"No annual level of the market had been published {as_of_text}."
display(Markdown(text))

# %% [markdown]
# ## What happened

# %%
if a is not None and a.hindsight is not None:
    display(tables.hindsight(a))
else:
    display(Markdown("No 2023 figure had been published by this date."))
