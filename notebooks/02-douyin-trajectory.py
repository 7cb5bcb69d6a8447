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
# # How fast did Douyin's e-commerce grow, and where is it heading?
#
# Douyin has never published an annual GMV. Its trajectory has to be read from media reports
# with different definitions, partial-year totals and its own growth multiples. This report
# draws every published figure over the interval it covers, fits one model to all of them at
# once (with the break of October 2020, when Douyin cut links to third-party shops), checks
# that the model reproduces each figure, and sets Douyin beside the platforms that grew
# before it.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from targets import formatting as fmt
from targets.errors import ForecastError
from targets.growth import drivers, reference
from targets.report import plots, tables
from targets.sources import data
from targets.sources.observations import to_regular
from targets.sources.units import format_yuan

as_of_ts = pd.Timestamp(as_of) if as_of else None
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
rows = drivers.douyin_rows(as_of_ts)
try:
    driver = drivers.douyin_driver(as_of_ts)
except ForecastError as exc:
    driver, why_not = None, str(exc)
if driver is not None:
    next_year = int(rows["period_end"].max().year) + 1
    years, samples = drivers.annual_samples(driver, list(range(2020, next_year + 2)), seed=1)
    column = samples[:, list(years.year).index(next_year)]
    lo_next, median_next, hi_next = np.quantile(column, [0.1, 0.5, 0.9])
    display(
        Markdown(
            f"**Answer ({as_of_text}).** Forecast by {driver.method}, Douyin's closed-loop GMV "
            f"in {next_year} has a median of {format_yuan(median_next)} (80% interval "
            f"{format_yuan(lo_next)} to {format_yuan(hi_next)})."
        )
    )
else:
    display(Markdown(f"**Answer ({as_of_text}).** No forecast yet: {why_not}."))

# %% [markdown]
# ## Every published figure, over the interval it covers
#
# Each segment is a total divided by the length of its interval (an average annual rate), so
# a January–August total and a calendar-year total can be compared. Dashed segments are media
# reports; growth multiples are not drawn (they relate two intervals).

# %%
all_rows = data.load("douyin_gmv", as_of)
all_rows = all_rows[all_rows["series_id"] == "douyin_gmv"]
if all_rows["value_yuan"].notna().any():
    fig = plots.interval_rows(all_rows, title=f"Douyin GMV as published ({as_of_text})")
    plots.show(
        fig,
        f"{all_rows['value_yuan'].notna().sum()} Douyin GMV figures drawn over their "
        "intervals on a log scale, coloured by kind, dashed when media-reported.",
    )
else:
    plots.no_data("Douyin GMV figure", as_of)

# %%
(
    tables.collapsible(
        tables.published_rows(all_rows),
        f"All {len(all_rows)} Douyin GMV figures published by then, with their sources "
        f"({all_rows['value_yuan'].notna().sum()} amounts in yuan, drawn above; the rest are "
        "growth multiples and rates)",
    )
    if len(all_rows)
    else Markdown("No Douyin GMV figure had been published by then.")
)

# %% [markdown]
# ## One model for every definition, with the break of October 2020
#
# Until the autumn of 2020 most sales made on Douyin went out through links to Taobao and JD;
# then Douyin cut those links and the sales moved into its own store. The model has a
# closed-loop GMV and a third-party-link flow before the break; from the break a share of that
# flow moves into the closed loop, whose growth then follows a damped trend on logs (it slows
# but never stops at a ceiling). Rows that include third-party links, or product cards,
# measure linked quantities; rows of unstated scope may lie anywhere between the closed loop
# and the broad measure. Before Douyin's own rows pin it down, growth after the break is taken
# to be like the analog platforms' growth from the same scale. The fan shows the 50% and 80%
# bands of calendar-year closed-loop totals.

# %%
observed = to_regular(rows, "douyin_gmv", "YS") if not rows.empty else pd.DataFrame()
if driver is not None:
    fig = plots.fan_chart(
        years,
        {"Douyin GMV": samples},
        observed=observed,
        title=f"Douyin closed-loop GMV forecast ({as_of_text})",
    )
    plots.show(
        fig,
        f"Fan chart of Douyin calendar-year GMV {years.year.min()}-{years.year.max()}, "
        f"median {format_yuan(median_next)} in {next_year}.",
    )
else:
    plots.no_data("Douyin GMV figure enough to forecast", as_of)

# %% [markdown]
# ## Does the model reproduce the figures it was fitted to?
#
# For every published row: the figure, and the model's median and 80% and 95% intervals for
# that same figure (a total over the row's interval, or a growth multiple as a multiple),
# including the noise of a media report or of an official statement. A "more than" figure is
# inside when the model gives it a fair chance of being exceeded. Rows the model does not fit
# say why.

# %%
if driver is not None:
    check = drivers.predictive_check("douyin_gmv", as_of)
    fitted = check[check["left_out"] == ""]

    def shown(value: float, kind: str) -> str:
        if pd.isna(value):
            return ""
        return f"{value:.2f}x" if kind == "growth_multiple" else format_yuan(value)

    view = check.assign(
        **{
            c: [shown(v, k) for v, k in zip(check[c], check["kind"], strict=True)]
            for c in ["published", "median", "lo-80", "hi-80", "lo-95", "hi-95"]
        }
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
            "lo-95",
            "hi-95",
            "inside_95",
            "left_out",
        ]
    ]
    parts = []
    for status in ("official", "reported"):
        group = fitted[fitted["status"] == status]
        if len(group):
            parts.append(
                f"{int(group['inside_95'].sum())} of {len(group)} {status} rows inside their "
                f"95% interval ({int(group['inside_80'].sum())} inside the 80% interval)"
            )
    outside = fitted[~fitted["inside_95"].astype(bool)]
    named = "; ".join(
        f"{r.period} ({r.status}, published {shown(r.published, r.kind)}, model "
        f"{shown(r['lo-95'], r.kind)} to {shown(r['hi-95'], r.kind)})"
        for _, r in outside.iterrows()
    )
    display(
        Markdown(
            f"Of the {len(fitted)} rows fitted {as_of_text}: "
            + "; ".join(parts)
            + "."
            + (f" Outside: {named}." if named else "")
            + f" {len(check) - len(fitted)} rows are not fitted (reasons in the table)."
        )
    )
    display(
        tables.collapsible(
            fmt.table(
                view.assign(
                    inside_95=[
                        fmt.MISSING if left else ("yes" if bool(v) else "no")
                        for v, left in zip(check["inside_95"], check["left_out"], strict=True)
                    ]
                ),
                {c: "text" for c in view.columns},
                headers={
                    "base": "compared with",
                    "published": "published figure",
                    "median": "model median",
                    "lo-80": "80% from",
                    "hi-80": "80% to",
                    "lo-95": "95% from",
                    "hi-95": "95% to",
                    "inside_95": "inside the 95% interval",
                    "left_out": "not fitted because",
                },
            ),
            f"Each of the {len(check)} rows beside the model's intervals for it",
        )
    )
else:
    plots.no_data("Douyin GMV figure enough to check a model against", as_of)

# %% [markdown]
# ## The reference class: platforms that grew before Douyin
#
# Pinduoduo, Kuaishou, JD.com and early Taobao, aligned by the year each first reached the
# scale of Douyin's first closed-loop annual GMV. Their growth in the years after gives the
# prior for Douyin's growth after the break. Growth is measured over consecutive years only,
# and no analog's growth is carried past the end of its record: the class shrinks with the
# horizon.

# %%
analogs = reference.analog_series(as_of)
if not observed.empty and not analogs.empty:
    scale = float(observed["y"].iloc[0])
    douyin_annual = observed.assign(unique_id="douyin_gmv (closed loop)")
    fig = plots.aligned_by_scale(analogs, douyin_annual, scale)
    plots.show(
        fig,
        "Log-scale chart of annual GMV of the analog platforms and Douyin, aligned by the year "
        f"each first reached {format_yuan(scale)}.",
    )
    multiples = reference.first_multiples(analogs, scale)
    rates = reference.growth_after_scale(analogs, scale, as_of)
    size = reference.class_size(rates, max((len(r) for r in rates.values()), default=0))
    listed = "; ".join(
        f"{u}: "
        + ", ".join(f"{m:.2f}x in {y}" for y, m in zip(g["year"], g["multiple"], strict=True))
        for u, g in multiples.groupby("unique_id")
    )
    remain = ", ".join(
        f"{int(k)} year{'s' if k > 1 else ''} on: {int(n)}"
        for k, n in zip(size["year_ahead"], size["n_analogs"], strict=True)
    )
    display(
        Markdown(
            f"Year-on-year multiples after first reaching {format_yuan(scale)} a year: "
            + (listed or "none recorded")
            + f". Analogs with a record so many years on ({remain or 'none'})."
        )
    )
else:
    plots.no_data("annual GMV of Douyin or of an analog platform", as_of)

# %% [markdown]
# ## What would change this picture
#
# An official annual GMV from Douyin would anchor the model; until then media reports of the
# same year and the same (closed-loop or unstated) scope disagree, and that spread is part of
# the uncertainty shown.

# %%
levels = rows[
    rows["kind"].isin(["actual", "estimate"])
    & rows["value_yuan"].notna()
    & (rows["period_end"] == rows["period_start"] + pd.offsets.YearEnd(0))
    & (rows["period_start"].dt.month == 1)
]
by_year = levels.groupby(levels["period_start"].dt.year)["value_yuan"].agg(["min", "max", "size"])
spread = by_year[by_year["size"] > 1]
if not spread.empty:
    display(
        Markdown(
            "Calendar-year levels of the same scope that disagree: "
            + "; ".join(
                f"{y}: {format_yuan(r['min'])} to {format_yuan(r['max'])} ({int(r['size'])} rows)"
                for y, r in spread.iterrows()
            )
            + "."
        )
    )
else:
    display(Markdown(f"No calendar year has two published levels {as_of_text}."))
