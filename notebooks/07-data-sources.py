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
# # Data sources: what is known, from whom, and since when?
#
# Every figure in this analysis is a published number with its source, its publication
# date, whether it is official or media-reported, and its unit. This report lists what the
# data sets hold as of the chosen date, draws the main series on a log scale, and names the
# sources, so a reader can judge the ground before reading any forecast.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
from IPython.display import Markdown, display

import targets
from targets import formatting as fmt
from targets.report import pages, plots, tables
from targets.sources import observations

vintage = targets.open_vintage(as_of=as_of)
catalog = vintage.catalog()
rows = vintage.rows()
as_of_text = as_of or "the latest data"
goal_refs = sorted(
    {
        (ref.dataset, ref.series_id)
        for view in pages.series_views(vintage)
        for ref in view.proxy.parts
    }
)

# %%
if rows.empty:
    display(
        Markdown(
            f"**Answer.** As of {as_of_text}, the data sets hold no published figure yet: "
            "there is no ground to judge any forecast on."
        )
    )
else:
    official = rows["status"].eq("official").mean()
    own = rows[
        [(d, s) in set(goal_refs) for d, s in zip(rows["dataset"], rows["series_id"], strict=True)]
    ]
    own_official = own[own["status"].eq("official") & own["value_yuan"].notna()]
    display(
        Markdown(
            f"**Answer.** As of {as_of_text}, the data sets hold **{len(rows)} published "
            f"figures** from **{rows['source_url'].nunique()} source pages**, "
            f"{fmt.percent(official)} of them official. The {len(goal_refs)} series the goals "
            f"are judged on hold {len(own)} of them, {len(own_official)} official amounts."
        )
    )

# %% [markdown]
# ## The data sets


# %%
def _few_names(description: str, shown: int = 6) -> str:
    """A long list of series names cut to its first few, saying how many more there are."""
    names = [n for n in str(description).split("; ") if n]
    if len(names) <= shown + 2:
        return description
    return "; ".join(names[:shown]) + f"; and {len(names) - shown} more"


fmt.table(
    catalog.assign(description=catalog["description"].map(_few_names)),
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
        "description": "series names",
    },
)

# %% [markdown]
# ## The goals' series on a log scale
#
# Calendar-year totals, taken only where a published figure covers exactly one calendar year
# or four published quarters add up to one (no interpolation). Where sources disagree, the
# official figure is preferred, then the latest published.

# %%
main = [(d, s, vintage.series_name(d, s)) for d, s in goal_refs]
# A figure whose unit its own source gets wrong (flagged in its note) is not drawn.
panel = observations.annual_panel(
    [(d, s) for d, s, _ in main], vintage, drop_flagged="unit suspect"
)
panel = panel[panel["y"].notna()] if len(panel) else panel
labels = {s: label for _, s, label in main}
if panel.empty:
    plots.no_data("calendar-year total of these series", as_of)
else:
    fig = plots.annual_totals(panel, labels=labels, title=f"Annual totals as of {as_of_text}")
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
# ### What needs a second look
#
# An "as of" answer is only as good as its dates and values. The audit (also
# `targets data --audit`) lists figures larger than the figure that contains them (a part
# above its whole, a year to date above its year), year-to-date figures that leave too
# little for the rest of the year, assumptions without a date from which they may be used,
# and figures whose publication date is inferred rather than stated or found.

# %%
from targets.sources.audit import CHECK_LABELS, audit

findings = audit(vintage)
counts = findings["check"].value_counts()
inferred = int(counts.get("inferred_date", 0))
parts = [f"{label}: {int(counts.get(check, 0))}" for check, label in CHECK_LABELS.items()]
share = (
    f" ({fmt.percent(inferred / len(rows))} of the {len(rows)} figures; each gives its "
    "reason in its note)"
    if len(rows)
    else ""
)
display(Markdown(f"As of {as_of_text}, the audit finds {'; '.join(parts)}{share}."))


def _audit_table(part):
    named = part.assign(
        check=part["check"].map(CHECK_LABELS),
        series=[
            vintage.series_name(d, s) if d else s
            for d, s in zip(part["dataset"], part["series_id"], strict=True)
        ],
        file=part["file"].map(lambda f: f.rsplit("/", 1)[-1]),
    )
    return fmt.table(
        named,
        {
            "check": "text",
            "file": "text",
            "row": "count",
            "series": "text",
            "period": "text",
            "value": "text",
            "published": "text",
            "detail": "text",
        },
        headers={"check": "finding", "row": "line", "value": "figure as published"},
    )


conflicts = findings[findings["check"] != "inferred_date"]
if len(conflicts):
    display(_audit_table(conflicts))
dated = findings[findings["check"] == "inferred_date"]
if len(dated):
    display(
        tables.collapsible(
            _audit_table(dated), f"{len(dated)} figures with an inferred publication date"
        )
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
