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
# # How fast are the goals' series growing, and where are they heading?
#
# Each goal is judged on a published series (or on proxies for a quantity nobody publishes).
# For each of them this page draws every figure published by the chosen date over the interval
# it covers, forecasts the calendar-year totals to the goals' deadlines by the method the
# assessment uses, and, where a series has a model of its own, checks that the model
# reproduces the figures it was fitted to.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import targets
from targets import formatting as fmt
from targets.assess.aggregate import goal_forecast
from targets.errors import ForecastError
from targets.growth import drivers, reference
from targets.report import pages, plots, tables

vintage = targets.open_vintage(as_of=as_of)
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
views = pages.series_views(vintage)
forecasts, reasons = {}, {}
for view in views:
    # The assessment's own model: a goal's ceiling bounds a saturating series (page 03 too).
    bounded = [g for g in view.goals if g.ceiling is not None] or list(view.goals)
    try:
        forecasts[view.name] = goal_forecast(bounded[0], view.proxy, vintage)
    except ForecastError as exc:
        reasons[view.name] = str(exc).removeprefix("no forecast: ")
answer = []
for view in views:
    fc = forecasts.get(view.name)
    if fc is None:
        answer.append(f"*{fmt.md(view.name)}*: no forecast ({fmt.md(reasons[view.name])}).")
        continue
    years, samples = pages.annual_fan(fc, view.last_year, view.last_year, seed=1)
    if not len(years):
        answer.append(f"*{fmt.md(view.name)}*: no forecast as far as {view.last_year}.")
        continue
    lo, mid, hi = np.quantile(samples[:, 0], [0.1, 0.5, 0.9])
    answer.append(
        f"*{fmt.md(view.name)}* in {view.last_year}: median {fmt.yuan(mid)} "
        f"(80%: {fmt.yuan(lo)} to {fmt.yuan(hi)})."
    )
display(
    Markdown(
        f"**Answer ({as_of_text}).** "
        + (
            " ".join(answer)
            if views
            else "The goal file names no goal, so there is no series to forecast."
        )
    )
)

# %% [markdown]
# ## Each series: every published figure, and the forecast
#
# Each segment is a published total divided by the length of its interval (an average annual
# rate), so a part-year total and a calendar-year total can be compared; dashed segments are
# media reports. The fan shows the 50% and 80% bands of calendar-year totals, with the
# published calendar-year figures as dots and each goal's threshold where it is a total.

# %%
for view in views:
    display(Markdown(f"### {fmt.md(view.name)}"))
    rows = pd.concat([vintage.series(ref) for ref in view.proxy.parts], ignore_index=True)
    money = rows[rows["value_yuan"].notna()]
    if money.empty:
        plots.no_data(f"figure of {view.name} in yuan", as_of)
    else:
        fig = plots.interval_rows(money, title=f"{view.name} as published ({as_of_text})")
        plots.show(
            fig,
            f"{len(money)} figures of {view.name} drawn over their intervals on a log scale, "
            "dashed when media-reported.",
        )
        display(
            tables.collapsible(
                tables.published_rows(rows),
                f"All {len(rows)} figures of {view.name} published by then, with their sources",
            )
        )
    fc = forecasts.get(view.name)
    if fc is None:
        display(Markdown(f"*No forecast {as_of_text}: {fmt.md(reasons[view.name])}.*"))
        continue
    observed = pages.observed_totals(fc, vintage)
    first = int(observed["ds"].dt.year.min()) if len(observed) else view.last_year - 1
    years, samples = pages.annual_fan(fc, first, view.last_year, seed=1)
    if not len(years):
        display(Markdown(f"*No calendar year from {first} could be forecast {as_of_text}.*"))
        continue
    totals = [g for g in view.goals if g.kind == "aggregate" and g.currency == fc.currency]
    goal = totals[0] if totals else None
    fig = plots.fan_chart(
        years,
        {view.name: samples},
        observed=observed,
        goal=goal.threshold if goal is not None else None,
        goal_label=fmt.goal_name(goal) if goal is not None else "goal",
        title=f"{view.name}: forecast ({as_of_text})",
    )
    plots.show(
        fig,
        f"Fan chart of {view.name}, calendar years {years.year.min()}-{years.year.max()}; "
        f"forecast by {fc.method}.",
    )
    display(Markdown(f"Forecast by {fmt.md(fc.method)}."))

# %% [markdown]
# ## Series with a model of their own: do they reproduce their figures?
#
# A series the goal file gives a model of its own (a regime break with linked definitions) is
# fitted to every figure of it at once. For each fitted row: the figure, and the model's median
# and 80% and 95% intervals for that same figure, including the noise of a media report or of
# an official statement. This is a fit check: the rows were used to fit the model, so rows
# inside their intervals show it is consistent with them, not that it forecasts well (the
# track record, page 05, scores forecasts on later figures).

# %%
models = [m for m in vintage.series_models if drivers.regime_usable(vintage, m)]
if not models:
    display(Markdown(f"*No series has a model of its own {as_of_text}.*"))
for model in models:
    display(Markdown(f"### {fmt.md(vintage.ref_name(model.series))}"))
    try:
        check = drivers.predictive_check(vintage, model)
    except ForecastError as exc:
        display(Markdown(f"*Not fitted {as_of_text}: {fmt.md(exc)}.*"))
        continue
    fitted = check[check["left_out"] == ""]

    def shown(value: float, kind: str) -> str:
        if pd.isna(value):
            return ""
        return f"{value:.2f}x" if kind == "growth_multiple" else fmt.yuan(value)

    parts = []
    for status in ("official", "reported"):
        group = fitted[fitted["status"] == status]
        if len(group):
            parts.append(
                f"{int(group['inside_80'].sum())} of {len(group)} {status} rows inside their "
                f"80% interval ({int(group['inside_95'].sum())} inside the 95% interval)"
            )
    display(
        Markdown(
            f"Of the {len(fitted)} rows fitted {as_of_text}: "
            + ("; ".join(parts) or "none")
            + (
                f". {len(check) - len(fitted)} "
                f"{'row is' if len(check) - len(fitted) == 1 else 'rows are'} not fitted "
                "(reasons in the table)."
            )
        )
    )
    view = check.assign(
        **{
            c: [shown(v, k) for v, k in zip(check[c], check["kind"], strict=True)]
            for c in ["published", "median", "lo-80", "hi-80", "lo-95", "hi-95"]
        },
        inside_80=[
            fmt.MISSING if left else ("yes" if bool(v) else "no")
            for v, left in zip(check["inside_80"], check["left_out"], strict=True)
        ],
    )[
        [
            "period",
            "base",
            "status",
            "qualifier",
            "measure",
            "published",
            "median",
            "lo-80",
            "hi-80",
            "inside_80",
            "left_out",
        ]
    ]
    display(
        tables.collapsible(
            fmt.table(
                view,
                {c: "code" if c in ("qualifier", "measure") else "text" for c in view.columns},
                headers={
                    "base": "compared with",
                    "published": "published figure",
                    "median": "model median",
                    "lo-80": "80% from",
                    "hi-80": "80% to",
                    "inside_80": "inside the 80% interval",
                    "left_out": "not fitted because",
                },
            ),
            f"Each of the {len(check)} rows beside the model's intervals for it",
        )
    )

# %% [markdown]
# ## The reference class: series that grew before
#
# A young series with few figures is grown along the series the goal file names as its
# reference class, aligned by the year each first reached the young series' scale: their
# growth in the years after gives the outside view. Growth is measured over consecutive years
# only, and no analog's growth is carried past the end of its record, so the class shrinks
# with the horizon.

# %%
analogs = reference.analog_series(vintage)
young = [
    (view.name, pages.observed_totals(forecasts[view.name], vintage))
    for view in views
    if view.name in forecasts
    and (
        "reference class" in forecasts[view.name].method
        or "a priori like" in forecasts[view.name].method
    )
]
young = [(name, obs) for name, obs in young if len(obs)]
if analogs.empty:
    display(Markdown(f"*The goal file names no reference class with figures {as_of_text}.*"))
elif not young:
    display(
        Markdown(
            f"*No goal's forecast rests on the reference class {as_of_text}: every series "
            "is forecast from its own figures.*"
        )
    )
for name, obs in young:
    scale = float(obs.sort_values("ds")["y"].iloc[0])
    fig = plots.aligned_by_scale(analogs, obs.assign(unique_id=name), scale)
    plots.show(
        fig,
        f"Log-scale chart of the reference class and {name}, aligned by the year each "
        f"first reached {fmt.yuan(scale)}.",
    )
    factor = reference.scale_factor(vintage)
    multiples = reference.first_multiples(analogs, scale, factor)
    rates = reference.growth_after_scale(analogs, scale, factor)
    size = reference.class_size(rates, max((len(r) for r in rates.values()), default=0))
    listed = "; ".join(
        f"{fmt.md(u)}: "
        + ", ".join(f"{m:.2f}x in {y}" for y, m in zip(g["year"], g["multiple"], strict=True))
        for u, g in multiples.groupby("unique_id")
    )
    remain = ", ".join(
        f"{int(k)} year{'s' if k > 1 else ''} on: {int(n)}"
        for k, n in zip(size["year_ahead"], size["n_analogs"], strict=True)
    )
    display(
        Markdown(
            f"Year-on-year multiples after first reaching {fmt.yuan(scale)} a year: "
            + (listed or "none recorded")
            + f". Analogs with a record so many years on: {remain or 'none'}."
        )
    )
