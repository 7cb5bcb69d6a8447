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
# # Count goals: will enough entities pass their sales threshold?
#
# A count goal promises a number of entities (merchants, creators, products) above a sales
# threshold. Where the count itself is not published for the goal year it is modelled: sales
# per entity follow a size distribution with a heavy upper tail whose index is estimated (a
# double Pareto-log-normal with a head of large sellers), fitted in one likelihood to every
# size figure the goal names in the goal file, and its total over the goal year is the
# forecast of the goal's series times the entities' share of it. The goal year's count carries
# the same model error as every published figure the model is fitted to: a smooth size
# distribution reproduces no count exactly. Each goal below shows whether the model reproduces
# the published figures, how concentrated sales would have to be for the goal to be met, and
# which input decides it.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import pandas as pd
from IPython.display import Markdown, display

import targets
from targets import assess, formatting
from targets.counts import goal as count_goal
from targets.errors import ForecastError
from targets.report import frontpage, pages, plots, plots_counts, tables

vintage = targets.open_vintage(as_of=as_of)
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
count_goals = [g for g in vintage.goals if g.kind == "count"]
names = formatting.goal_names(count_goals)
results = {}
failed = {}
for g in count_goals:
    try:
        results[g.id] = assess.assess(g.id, vintage=vintage)
    except ForecastError as exc:  # a goal with too little data says why, the others still show
        failed[g.id] = str(exc)
answer = [
    f"* {formatting.md(names[gid])}: "
    + (
        f"{formatting.md(assess.band_label(a))} ({a.verdict})"
        if assess.band_label(a)
        else f"{formatting.probability(a.probability)} ({a.verdict})"
    )
    for gid, a in results.items()
] + [
    f"* {formatting.md(names[gid])}: no forecast ({formatting.md(why)})"
    for gid, why in failed.items()
]
display(
    Markdown(
        f"**Answer ({as_of_text}).**\n\n" + "\n".join(answer)
        if count_goals
        else f"**Answer ({as_of_text}).** The goal file holds no count goal."
    )
)

# %% [markdown]
# ## The inputs, as they could be set at this date
#
# Each range is a dated row of the assumptions file: a wide documented default before the
# figure behind a narrower range was published, the narrower range from its publication date
# on. The tail index, body width and head are prior ranges that the evidence then narrows.

# %%
if results:
    first = next(iter(results.values()))
    rows = []
    for gid, a in results.items():
        for r in a.count.inputs.itertuples():
            rows.append(
                {
                    "goal": names[gid],
                    "input": count_goal.input_name(r.input),
                    "range": count_goal.input_range(r.input, r.low, r.high),
                    "basis": r.basis,
                    "reasoning": r.reasoning,
                }
            )
    inputs = pd.DataFrame(rows).drop_duplicates(subset=["input", "range", "basis"])
    display(formatting.table(inputs))
else:
    plots.no_data("count-goal forecast", as_of)

# %% [markdown]
# ## Does an assumption decide the answer?
#
# Each goal-level input with a range (the number of active entities, their share of GMV, the
# counted subset's share) held at the low and at the high end of its documented range, the
# other inputs as fitted. Where the fit had no size evidence at this date, or an assumed
# input's range alone swings the probability by at least the threshold below (a dated row of
# the assumptions file), the headline gives that band and names the assumption instead of a
# point probability; the point is kept for scoring the track record.

# %%
if results:
    swing_cut = vintage.assumption("count_assumption_decides_swing").value
    band_rows = pd.concat(
        [a.count.assumption_band.assign(goal=names[gid]) for gid, a in results.items()],
        ignore_index=True,
    )
    flagged = {gid: a for gid, a in results.items() if assess.band_label(a)}
    display(
        Markdown(
            f"An assumed input decides the headline when its range swings the probability by "
            f"at least {formatting.percent(swing_cut)} (on the calibrated scale the headline "
            "uses), or whenever the fit had no size evidence. "
            + (
                "Flagged at this date: "
                + "; ".join(
                    f"{formatting.md(names[gid])}: {formatting.md(assess.band_label(a))}"
                    for gid, a in flagged.items()
                )
                + "."
                if flagged
                else "No count goal is flagged at this date: the evidence, not an assumption, "
                "sets each probability."
            )
        )
    )
    if len(band_rows):
        display(
            formatting.table(
                band_rows.assign(
                    basis=band_rows["assumed"].map(
                        lambda v: "assumption" if v else "published figure"
                    ),
                    range=[
                        count_goal.input_range(i, lo, hi)
                        for i, lo, hi in zip(
                            band_rows["input"], band_rows["low"], band_rows["high"], strict=True
                        )
                    ],
                ),
                {
                    "goal": "text",
                    "label": "text",
                    "basis": "text",
                    "range": "text",
                    "p_low": "probability",
                    "p_high": "probability",
                },
                headers={
                    "label": "input",
                    "range": "documented range",
                    "p_low": "growth forecast's chance at the low end",
                    "p_high": "at the high end",
                },
            )
        )
    else:
        display(Markdown("No goal-level input has a range at this date."))

# %% [markdown]
# ## How has the count model done on counts that were published?
#
# The model above is checked on simulated platforms of families it does not fit
# (`benchmarks/bench_counts_families.py`). Here it meets real outcomes: each count in the
# count record (`data/count_record.yaml`) was forecast by the same model the day before its
# period, from the rows published by then, and is set beside the published count and beside
# the strongest simple baseline: the last published count grown with the forecast of sales.
# The CRPS measures the whole forecast distribution against the count (in entities; lower
# is better). Only counts published by this report's date are listed.

# %%
from targets.assess.count_record import count_record

record = count_record(vintage)
if record.empty:
    plots.no_data("published count the model could have forecast", as_of)
else:
    inside = int(record["inside_80"].sum())
    better = int((record["crps"] < record["baseline_crps"]).sum())
    display(
        Markdown(
            f"{len(record)} published counts: {inside} inside the model's 80% interval "
            f"(the baseline's: {int(record['baseline_inside_80'].fillna(False).sum())}); the "
            f"model's CRPS is lower than the baseline's for {better} of them (mean CRPS "
            f"{record['crps'].mean():,.0f} against {record['baseline_crps'].mean():,.0f} "
            "entities). Too few counts to call the model better or worse than the baseline: "
            "they are shown as they came out."
        )
    )
    display(
        formatting.table(
            record.assign(
                model=[
                    f"{r.median:,.0f} ({r.lo_80:,.0f} to {r.hi_80:,.0f})"
                    for r in record.itertuples()
                ],
                baseline=[
                    f"{r.baseline_median:,.0f} ({r.baseline_lo_80:,.0f} to "
                    f"{r.baseline_hi_80:,.0f}), from {r.baseline_from}"
                    for r in record.itertuples()
                ],
            ),
            {
                "name": "text",
                "as_of": "date",
                "fitted_rows": "count",
                "model": "text",
                "published": "count",
                "crps": lambda v: f"{v:,.0f}",
                "baseline": "text",
                "baseline_crps": lambda v: f"{v:,.0f}",
            },
            headers={
                "name": "count",
                "as_of": "forecast as of",
                "fitted_rows": "rows fitted",
                "model": "model: median (80% interval)",
                "published": "published count",
                "crps": "model CRPS",
                "baseline": "baseline: last count grown with sales",
                "baseline_crps": "baseline CRPS",
            },
        )
    )

# %% [markdown]
# ## Goal by goal
#
# For each goal: the concentration the goal implies against the one the evidence implies,
# the posterior predictive check of every evidence row (the published figure beside the
# model's median and 80% interval; a row the model cannot use or reproduce says why), the
# Lorenz curve of goal-year sales, and a tornado chart with the scenario table: the
# probability with one input held at its 10th or 90th percentile.


# %%
def show_goal(gid: str) -> None:
    a = results[gid]
    c = a.count
    name = names[gid]
    display(
        Markdown(
            f"{pages.anchor(a.goal)}\n\n### {formatting.md(name)}\n\n"
            f"> {formatting.md(a.goal.statement_en)}\n\n{c.concentration['statement']}"
        )
    )
    tops = c.top_shares.assign(
        share=[
            f"{formatting.percent(r.median)} (80%: {formatting.percent(r.lo_80)} to "
            f"{formatting.percent(r.hi_80)})"
            for r in c.top_shares.itertuples()
        ]
    )
    display(
        Markdown(
            "Implied shares of goal-year sales: "
            + "; ".join(f"top {r.top:,} {r.share}" for r in tops.itertuples())
            + f". Effective sample size of the fit: {c.ess:,.0f} draws."
        )
    )
    if len(c.analogs):
        display(
            Markdown(
                "The same shares in the populations of known size and total the model was "
                "fitted to: "
                + "; ".join(
                    f"top {r.top:,} of {r.entities:,.0f} {r.population}: "
                    f"{formatting.percent(r.median)} (80%: {formatting.percent(r.lo_80)} to "
                    f"{formatting.percent(r.hi_80)})"
                    for r in c.analogs.itertuples()
                )
                + "."
            )
        )
    if len(c.predictive):  # an empty table is not drawn: the sentence below says why
        display(tables.predictive_check(c.predictive))
    checked = c.predictive[c.predictive["median"].notna()]
    if len(checked):
        fig = plots_counts.predictive_check(
            checked, title=f"{name}: published figures against the fitted model ({as_of_text})"
        )
        plots.show(
            fig,
            f"{name}: each published figure as a ratio to the model's median, with the model's "
            f"80% interval; {int(checked['inside'].fillna(False).astype(bool).sum())} of "
            f"{len(checked)} figures lie inside it (a fit check: the figures were used in the "
            f"fit; about {0.8 * len(checked):.0f} would be inside for a model that fits them "
            "neither too tightly nor too loosely).",
        )
    else:
        plots.no_data("size figure the model could check", as_of)
    fig = plots_counts.lorenz_curve(
        c.lorenz, title=f"{name}: share of goal-year sales held by the largest"
    )
    plots.show(
        fig,
        f"{name}: share of goal-year sales held by the largest {a.goal.entity}, on a log scale "
        f"of their share; the largest 1% hold about "
        f"{formatting.percent(count_goal.held_by_largest(c.lorenz, 0.01))} of sales (median "
        "of the fit).",
    )
    # The inputs move the size model's own probability (the scenario table's), before the
    # calibration with the track record; the headline's calibrated chance is not their base.
    fig = plots_counts.tornado(
        c.tornado,
        a.inside_probability,
        title=f"{name}: the size model's probability with one input held at an end",
    )
    top = c.tornado.iloc[0]
    plots.show(
        fig,
        f"{name}: tornado chart; {top['input']} moves the probability most, from "
        f"{formatting.probability(top['p_low'])} to {formatting.probability(top['p_high'])}.",
    )
    display(
        formatting.table(
            c.scenarios,
            {
                "scenario": "text",
                "goal-year GMV (median)": "yuan",
                "active entities (median)": "approx_count",
                "share of GMV (median)": "percent",
                "tail index (median)": "ratio",
                "median count": "approx_count",
                "probability": "probability",
            },
        )
    )
    display(
        Markdown(
            f"**Why {formatting.md(name)} gets this answer:**\n\n"
            + "\n".join(f"* {formatting.md(s)}" for s in frontpage.reason_bullets(a.explanation))
        )
    )


for gid in results:
    show_goal(gid)

# %% [markdown]
# ## Hindsight: the announcement-day model against counts published later
#
# On the latest data, the size figures published after each goal's announcement check the
# model as it stood on announcement day. Each row: the later figure beside that model's 80%
# interval.

# %%
from targets.counts.goal import hindsight_check

shown_any = False
for gid, a in results.items():
    if as_of is not None:
        break
    checks = hindsight_check(a.goal, vintage.at(a.goal.announced))
    if checks.empty:
        continue
    shown_any = True
    predicted = checks[checks["median"].notna()]
    inside = int(predicted["inside"].astype(bool).sum())
    display(
        Markdown(
            f"**{formatting.md(names[gid])}**: {inside} of the {len(predicted)} size figures "
            "published later that the model can predict are consistent with its 80% interval "
            f"as it stood at the announcement ({len(checks) - len(predicted)} more are listed "
            "with the reason they cannot be predicted)."
        )
    )
    display(tables.size_hindsight(checks))
if not shown_any:
    display(
        Markdown(
            "Hindsight checks are shown on the latest data only, for goals with size figures "
            "published after their announcement."
        )
    )
