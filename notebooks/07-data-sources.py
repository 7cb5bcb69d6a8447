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
# # Data sources: what is known about Douyin's growth, from whom, and since when?
#
# Every figure in this analysis is a published number with its source, its publication
# date, whether it is official or media-reported, and its unit. This report lists what the
# data sets hold as of the chosen date, draws the main series on a log scale, and names the
# sources, so a reader can judge the ground before reading any forecast.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
from IPython.display import Markdown, display

from targets import formatting as fmt
from targets.report import plots, tables
from targets.sources import data, observations

catalog = data.catalog(as_of)
rows = data.load_all(as_of)
as_of_text = as_of or "the latest data"

# %%
douyin = data.load("douyin_gmv", as_of)
douyin_official = douyin[douyin["status"].eq("official")]
douyin_money = douyin[douyin["value_yuan"].notna()]
official_levels = int(douyin_official["value_yuan"].notna().sum())
if rows.empty:
    display(
        Markdown(
            f"**Answer.** As of {as_of_text}, the data sets hold no published figure yet: "
            "there is no ground to judge any forecast on."
        )
    )
else:
    official = rows["status"].eq("official").mean()
    douyin_text = (
        "No Douyin figure had been published yet."
        if douyin.empty
        else f"The Douyin data set holds {len(douyin)} of them: {len(douyin_money)} amounts in "
        f"yuan (drawn below, over the interval each covers) and "
        f"{len(douyin) - len(douyin_money)} growth multiples and rates. "
        f"{len(douyin_official)} are official"
        + (
            ", and none of those is a GMV amount: Douyin's scale is known from media reports "
            "and from its own growth multiples."
            if official_levels == 0
            else f", {official_levels} of them GMV amounts."
        )
    )
    display(
        Markdown(
            f"**Answer.** As of {as_of_text}, the data sets hold **{len(rows)} published "
            f"figures** from **{rows['source_url'].nunique()} source pages**, "
            f"{fmt.percent(official)} of them official. {douyin_text}"
        )
    )

# %% [markdown]
# ## The data sets

# %%
fmt.table(
    catalog,
    {
        "name": "text",
        "rows": "count",
        "series": "count",
        "first_period": "date",
        "last_period": "date",
        "sources": "count",
        "official_share": "percent",
        "last_published": "date",
        "description": "text",
    },
    headers={
        "name": "data set",
        "rows": "figures",
        "sources": "source pages",
        "official_share": "official",
        "last_published": "newest publication",
    },
)

# %% [markdown]
# ## The main series on a log scale
#
# Calendar-year totals, taken only where a published figure covers exactly one calendar year
# or four published quarters add up to one (no interpolation). Where sources disagree, the
# official figure is preferred, then the latest published.

# %%
main = [
    ("nbs_retail", "nbs_total_retail", "Total retail sales (NBS)"),
    ("nbs_retail", "nbs_online_retail", "Online retail sales (NBS)"),
    ("nbs_retail", "nbs_physical_online_retail", "Physical-goods online retail (NBS)"),
    ("pinduoduo_gmv", "pinduoduo_gmv", "Pinduoduo GMV"),
    ("kuaishou_gmv", "kuaishou_gmv", "Kuaishou GMV"),
    ("douyin_gmv", "douyin_gmv", "Douyin GMV (reported)"),
]
panel = observations.annual_panel([(d, s) for d, s, _ in main], as_of)
labels = {s: label for _, s, label in main}
if panel.empty:
    plots.no_data("calendar-year total of these series", as_of)
else:
    fig = plots.annual_totals(panel, labels=labels, title=f"Annual totals as of {as_of_text}")
    fig.axes[0].figure.text(
        0.01, 0.01, "Sources: data/*.csv (NBS, company releases, media reports).", fontsize=8
    )
    plots.show(
        fig,
        "Log-scale line chart of calendar-year totals: "
        + "; ".join(
            f"{labels[u]} {g['ds'].dt.year.min()}-{g['ds'].dt.year.max()}"
            for u, g in panel.groupby("unique_id")
        ),
    )

# %%
if not panel.empty:
    latest = panel.sort_values("ds").groupby("unique_id").tail(1)
    display(
        Markdown(
            "Latest calendar-year totals: "
            + "; ".join(
                f"{labels[r.unique_id]} {fmt.yuan(r.y)} ({r.ds.year})" for r in latest.itertuples()
            )
            + "."
        )
    )

# %% [markdown]
# ### Figures their own sources flag
#
# Some published figures carry a warning in their source or in our notes: a unit that looks
# wrong, a company denial, a low-confidence blog. They stay in the data (nothing is silently
# dropped) and are listed here, so a reader can discount them; a jump in the chart above
# often traces back to one of them.

# %%
flag_words = "suspect|garbled|denied|low confidence|mislabel|inaccurate|untrue"
flagged = rows[rows["note"].astype(str).str.contains(flag_words, case=False, regex=True)]
if flagged.empty:
    plots.no_data("figure flagged by its source", as_of)
else:
    display(
        fmt.table(
            flagged.assign(figure=[tables.published_value(r) for _, r in flagged.iterrows()]),
            {
                "dataset": "text",
                "series_id": "text",
                "period_start": "date",
                "figure": "text",
                "publisher": "text",
                "note": "text",
            },
            headers={"period_start": "period from", "figure": "figure (yuan or as published)"},
        )
    )

# %% [markdown]
# ## Douyin's figures, each over the interval it covers
#
# Douyin never published an annual GMV. The published levels come from media reports with
# different definitions (closed-loop store only, including sales routed to third-party links,
# including product cards), and partial-year totals. Drawing each as its average annual rate
# over its own interval shows how much they disagree.

# %%
if douyin["value_yuan"].notna().sum() == 0:
    plots.no_data("Douyin GMV figure in yuan", as_of)
else:
    fig = plots.interval_rows(douyin, title=f"Douyin GMV figures as of {as_of_text}")
    plots.show(
        fig,
        f"Each of the {len(douyin_money)} Douyin amounts in yuan drawn as a segment "
        "over the interval it covers, at its average annual rate, log scale.",
    )

# %% [markdown]
# ## Sources

# %%
if rows.empty:
    plots.no_data("figure from any source", as_of)
else:
    sources = (
        rows.groupby(["publisher", "status"], as_index=False)
        .agg(figures=("value", "size"), last_published=("published", "max"))
        .sort_values(["figures", "publisher"], ascending=[False, True])
    )
    display(
        tables.collapsible(
            fmt.table(
                sources,
                {
                    "publisher": "text",
                    "status": "text",
                    "figures": "count",
                    "last_published": "date",
                },
                headers={"figures": "figures (count)", "last_published": "newest publication"},
            ),
            f"{len(sources)} publishers and their figures, most figures first",
        )
    )

# %% [markdown]
# ## What would change this picture
#
# An official Douyin annual GMV, a published count of merchants above ¥100M in annual sales,
# or the author and definition of the "¥9.5 trillion interest e-commerce" estimate would each
# replace a proxy with a measurement. Until then every Douyin level carries the uncertainty
# of a media report.
