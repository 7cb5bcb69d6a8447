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
# # Totals and growth goals: will the quantity pass its threshold?
#
# Goals stated as a total (a market above a size in a year) or as growth (a multiple or a
# yearly rate against a base year), each judged on its own series or on the proxies the goal
# file names for a quantity nobody publishes, against the ceiling a containing total sets.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import targets
from targets import assess
from targets import formatting as fmt
from targets.assess.aggregate import goal_forecast
from targets.errors import ForecastError
from targets.report import frontpage, pages, plots, tables

vintage = targets.open_vintage(as_of=as_of)
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
goals = [g for g in vintage.goals if g.kind != "count"]
results, reasons = {}, {}
for g in goals:
    try:
        results[g.id] = assess.assess(g.id, vintage=vintage)
    except ForecastError as exc:  # too early: no proxy has enough published figures yet
        reasons[g.id] = str(exc).removeprefix("no forecast: ")
if not goals:
    display(Markdown("**Answer.** The goal file holds no total or growth goal."))
else:
    display(
        Markdown(
            f"**Answer ({as_of_text}).** "
            + " ".join(
                f"*{fmt.md(fmt.goal_name(g))}*: "
                + (frontpage.chance_text(results[g.id]) if g.id in results else "no forecast.")
                for g in goals
            )
        )
    )

# %% [markdown]
# ## Each goal
#
# For each goal: the forecast of every quantity it is judged on at the deadline (the first
# that can be forecast is the headline), the forecast against the threshold over the years
# to the deadline, the threshold as a share of the containing totals, the growth it requires
# against the growth achieved, and what was later published.

# %%
for g in goals:
    display(Markdown(f"{pages.anchor(g)}\n\n### {fmt.md(fmt.goal_name(g))}"))
    display(Markdown(f"> {fmt.md(g.statement_en)}"))
    a = results.get(g.id)
    if a is None:
        display(Markdown(f"*No forecast {as_of_text}: {fmt.md(reasons[g.id])}, so no chart yet.*"))
        continue
    display(Markdown("\n".join(f"* {fmt.md(s)}" for s in frontpage.reason_bullets(a.explanation))))
    if a.outcome is None:  # a resolved goal shows its outcome, not a forecast fitted to it
        display(tables.proxies(a))
    head = assess.headline(a)
    proxy = next(p for p in pages.goal_proxies(g) if p.name == head["proxy"])
    end_year = int(g.deadline_end.year)
    try:
        fc = goal_forecast(g, proxy, vintage)  # the assessment's own model, ceiling included
    except ForecastError:
        fc = None
    if fc is not None and a.outcome is None and g.kind == "aggregate" and g.judged_on == "total":
        observed = pages.observed_totals(fc, vintage)
        first = int(observed["ds"].dt.year.min()) if len(observed) else end_year - 1
        years, samples = pages.annual_fan(fc, first, end_year, seed=2)
        if len(years):
            fig = plots.fan_chart(
                years,
                {proxy.name: samples},
                observed=observed,
                goal=g.threshold,
                goal_label=fmt.goal_name(g),
                title=f"{proxy.name} ({as_of_text})",
            )
            plots.show(
                fig,
                f"Fan chart of {proxy.name} {years.year.min()}-{years.year.max()} with the "
                f"goal's threshold {fmt.yuan(g.threshold)}; {fc.method}.",
            )
    elif fc is not None and g.kind == "aggregate" and g.judged_on == "total":
        # Resolved: what was published, against the forecast made at the announcement (if
        # the series supported one then), never a forecast fitted to the outcome.
        observed = pages.observed_totals(fc, vintage)
        announced = pd.Timestamp(g.announced)
        try:
            then_fc = goal_forecast(g, proxy, vintage.at(announced))
            years, samples = pages.annual_fan(then_fc, announced.year, end_year, seed=2)
        except ForecastError:
            years, samples = pd.DatetimeIndex([]), None
        # Drawn only if it reached the deadline: a forecast that stopped short judged nothing.
        reached = len(years) and years[-1].year == end_year
        fan = {f"forecast made on {announced.date()}": samples} if reached else {}
        fig = plots.fan_chart(
            years,
            fan,
            observed=observed,
            goal=g.threshold,
            goal_label=fmt.goal_name(g),
            title=f"{proxy.name}: what was published ({as_of_text})",
        )
        plots.show(
            fig,
            f"Published calendar-year figures of {proxy.name} against the goal's threshold "
            f"{fmt.yuan(g.threshold)}"
            + (
                f", beside the forecast made on {announced.date()}."
                if fan
                else f"; on {announced.date()} the series supported no forecast as far as "
                f"{end_year}."
            ),
        )
    if a.ceiling is not None and len(a.ceiling):
        display(tables.ceiling(a))
    growth = a.growth
    if np.isfinite(growth.get("ratio", np.nan)):
        display(
            Markdown(
                f"From the {int(growth['current_year'])} level of {fmt.yuan(growth['current'])}, "
                f"reaching the threshold needed {growth['required']:.0%} growth a year; the "
                f"series grew {growth['achieved']:.0%} in {int(growth['current_year'])}: a "
                f"progress ratio of {growth['ratio']:.2f} (80% interval "
                f"{growth['ratio_lo_80']:.2f} to {growth['ratio_hi_80']:.2f}), "
                f"'{growth['category']}' in the Open SDG scheme."
            )
        )
    if a.hindsight is not None:
        display(tables.hindsight(a))
    else:
        display(Markdown(f"*No figure for the goal's interval had been published {as_of_text}.*"))
