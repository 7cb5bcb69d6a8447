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
# # Scorecard: is each goal plausible, and how is it tracking?
#
# Each goal of the goal file gets a probability of being met, computed only from what had
# been published by the chosen date, with its verdict, the forecast of what it is judged on,
# and the reasons.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import pandas as pd
from IPython.display import Markdown, display

import targets
from targets import assess
from targets import formatting as fmt
from targets.assess import store
from targets.report import frontpage, plots, plots_counts, tables

vintage = targets.open_vintage(as_of=as_of)
as_of_text = f"as of {as_of}" if as_of else "on the latest data"
card = assess.scorecard(vintage=vintage)
names = fmt.goal_names(vintage.goals)
by_verdict = card.groupby("verdict", sort=False)["goal"].apply(
    lambda g: "; ".join(fmt.md(names[i]) for i in g)
)
display(
    Markdown(
        (f"**{fmt.md(vintage.title)}.** " if vintage.title else "")
        + f"The goal file holds {len(vintage.goals)} goal"
        + ("s" if len(vintage.goals) != 1 else "")
        + ":\n\n"
        + "\n".join(
            f"* {fmt.md(g.statement_en)} (announced {fmt.date(g.announced)}, judged over "
            f"{fmt.date(g.deadline_start)} to {fmt.date(g.deadline_end)})"
            for g in vintage.goals
        )
        + f"\n\n**Answer ({as_of_text}).** "
        + " ".join(f"*{v}*: {g}." for v, g in by_verdict.items())
        + " The reasons for each follow the table."
    )
)

# %% [markdown]
# ## The scorecard
#
# Probability that the goal is met; the measured quantity's forecast median and 80% interval
# at the deadline; progress (growth achieved against growth required, the Open SDG method
# used by Statistics Canada's trackers); and, where later figures exist, whether it was met.
# A count goal whose probability an assumption decides (no size evidence published by the
# date, or one assumption's documented range alone swinging the probability widely) shows the
# band of probabilities that range spans and names the assumption, not a point.

# %%
tables.scorecard(card, vintage.goals)

# %%
# Goals whose outcome is published, or judged only on a bound, are not drawn as a chance:
# they are said in a sentence.
open_card = card[card["outcome"].isna() & card["bound"].isna()]
if open_card["probability"].notna().any():
    fig = plots.probability_bars(
        open_card, names=names, title=f"Probability each goal is met ({as_of_text})"
    )
    plots.show(
        fig,
        "Bar chart of the probability each goal is met: "
        + "; ".join(
            f"{names[r.goal]} {fmt.probability(r.probability)}" for r in open_card.itertuples()
        ),
    )
elif open_card.empty:
    display(
        Markdown("*No goal has a chance left to draw: each is resolved or given only as a bound.*")
    )
else:
    plots.no_data("series long enough to forecast a goal", as_of)
resolved = card[card["outcome"].notna()]
if len(resolved):
    display(
        Markdown(
            "Resolved: "
            + "; ".join(f"{fmt.md(names[r.goal])}: {r.outcome}" for r in resolved.itertuples())
            + "."
        )
    )
bounded = card[card["outcome"].isna() & card["bound"].notna()]
if len(bounded):
    display(
        Markdown(
            "Judged only on a part of the quantity, so given as a bound, not drawn as a chance: "
            + "; ".join(f"{fmt.md(names[r.goal])}: {r.bound}" for r in bounded.itertuples())
            + "."
        )
    )
banded = card[card["band"].notna()]
if len(banded):
    display(
        Markdown(
            "Set by an assumption rather than by evidence, so given as the band of chances "
            "the assumption's documented range spans (drawn as a red range over the bar): "
            + "; ".join(f"{fmt.md(names[r.goal])}: {fmt.md(r.band)}" for r in banded.itertuples())
            + "."
        )
    )

# %% [markdown]
# ### One chart per goal
#
# The forecast distribution of what each goal is judged on, at its deadline, with the goal's
# threshold as a dashed line.

# %%
forecastable = set(card.loc[card["probability"].notna(), "goal"])
assessments = [assess.assess(g.id, vintage=vintage) for g in vintage.goals if g.id in forecastable]
if assessments:
    fig = plots.goal_distributions(assessments, title=f"Forecast at each deadline ({as_of_text})")
    plots.show(
        fig,
        "Histograms of each goal's forecast at its deadline with the threshold marked: "
        + "; ".join(
            f"{fmt.goal_name(a.goal)}: chance {fmt.probability(a.probability)}" for a in assessments
        ),
    )
else:
    plots.no_data("series long enough to forecast a goal", as_of)

# %% [markdown]
# ## Reasons

# %%
display(
    Markdown(
        "\n".join(
            f"* **{fmt.md(names[r.goal])}**: "
            + (
                r.verdict
                if pd.isna(r.probability)
                else f"{fmt.md(r.band)}, {r.verdict}"
                if isinstance(r.band, str)
                else f"{fmt.probability(r.probability)}, {r.verdict}"
            )
            + "\n"
            + "\n".join(f"    * {fmt.md(s)}" for s in frontpage.reason_bullets(r.explanation))
            for r in card.itertuples()
        )
    )
)

# %% [markdown]
# ## Which single figure does a verdict hang on?
#
# Each published row the headline forecast stands on is left out in turn and the forecast
# refitted by the same method, with the same random numbers: the rows whose removal moves the
# probability most ("no forecast" means the rest of the rows support none). Count goals are
# not shown (their size model is checked row by row below).

# %%
from targets.assess.influence import influence

moves = []
for g in vintage.goals:
    if g.kind == "count":
        continue
    # Stored with the run's assessments (keyed by the data and the code): computed once.
    table = store.cached(
        "influence",
        (g.id, as_of),
        lambda g=g: influence(g, vintage),
        content=vintage.content,
    )
    moves.append(table.assign(goal=names.get(g.id, g.id)))
moves = pd.concat(moves, ignore_index=True) if moves else pd.DataFrame()
if moves.empty:
    display(Markdown("No goal had a forecast whose rows could be left out by this date."))
else:
    display(
        fmt.table(
            moves.assign(
                without=moves["without"].map(
                    lambda p: "no forecast" if p != p else fmt.probability(p)
                ),
            ),
            {
                "goal": "text",
                "row": "text",
                "published": "date",
                "probability": "probability",
                "without": "text",
            },
            headers={
                "row": "published figure left out",
                "probability": "chance met",
                "without": "chance met without it",
            },
        )
    )

# %% [markdown]
# ## Count goals: what would one have to believe?
#
# A count goal depends on how concentrated sales are. The size model fitted to the published
# size figures (04-count-goals shows each goal in full) says how much of goal-year sales the
# entities above the threshold would hold if the goal were met, against the share the
# evidence implies; whether it reproduces the published figures; and which input decides the
# answer.

# %%
counted = [a for a in assessments if a.count is not None]


from targets.counts.goal import held_by_largest, held_out_sentence


def fit_sentence(a) -> str:
    """How many of the goal's published size figures the fitted model reproduces."""
    pred = a.count.predictive
    if pred.empty:  # said once, in place of the table below
        return ""
    checked = pred[pred["inside"].notna()]
    missed = checked[~checked["inside"].astype(bool)]
    unused = len(pred) - len(checked)
    if checked.empty:
        which = (
            "the one size figure" if len(pred) == 1 else f"the {fmt.count(len(pred))} size figures"
        )
        return f"The model cannot predict {which} published by then (the table below says why)."
    text = (
        f"Fit check (these figures were used in the fit, so it is not a validation): "
        f"{len(checked) - len(missed)} of the {len(checked)} published size figures the model "
        f"can predict lie inside its 80% interval, where about {0.8 * len(checked):.0f} would "
        "for a model that fits them neither too tightly nor too loosely"
    )
    if len(missed):
        text += " (not reproduced: " + "; ".join(missed["label"]) + ")"
    if unused:
        text += (
            f"; {unused} more {'is' if unused == 1 else 'are'} shown below with the reason "
            f"{'it is' if unused == 1 else 'they are'} not used"
        )
    return f"{text}. {held_out_sentence(pred)}".strip()


if counted:
    display(
        Markdown(
            "\n".join(
                f"* **{fmt.md(names[a.goal.id])}** "
                f"({fmt.md(assess.band_label(a) or fmt.probability(a.probability))}):\n"
                + "\n".join(
                    f"    * {fmt.md(s)}"
                    for s in frontpage.reason_bullets(
                        f"{a.count.concentration['statement']} {fit_sentence(a)}"
                    )
                )
                for a in counted
            )
        )
    )
else:
    plots.no_data("series long enough to forecast a count goal", as_of)

# %%
rows = (
    pd.concat(
        [a.count.predictive.assign(goal=names[a.goal.id]) for a in counted], ignore_index=True
    )
    if counted
    else pd.DataFrame()
)
if counted and rows.empty:
    plots.no_data("size figure the model could be checked against", as_of)
elif counted:
    display(
        tables.collapsible(
            tables.predictive_check(rows),
            f"Posterior predictive check: {len(rows)} published size figures behind the "
            f"{rows['goal'].nunique()} count goals, each beside the fitted model's median "
            "and 80% interval",
        )
    )


# %%
def swing_text(a) -> str:
    """Which input moves a count goal's probability most (the tornado chart's top bar)."""
    top = a.count.tornado.iloc[0]
    if max(abs(top["p_low"] - a.probability), abs(top["p_high"] - a.probability)) < 0.01:
        return (
            f"for {names[a.goal.id]}, no single input moves the probability from "
            f"{fmt.probability(a.probability)}"
        )
    return (
        f"for {names[a.goal.id]}, {top['input']} moves the probability most, from "
        f"{fmt.probability(top['p_low'])} to {fmt.probability(top['p_high'])}"
    )


if counted:
    # One curve per population (the creators goals share one fit, as may other pairs).
    curves = {}
    for a in counted:
        curves.setdefault(a.goal.entity, a.count.lorenz)
    fig = plots_counts.lorenz_curves(
        curves, title=f"Share of goal-year sales held by the largest entities ({as_of_text})"
    )
    plots.show(
        fig,
        "Share of goal-year sales held by the largest entities, on a log scale of their share: "
        + "; ".join(
            f"the largest 1% of {entity} hold about "
            f"{fmt.percent(held_by_largest(lz, 0.01))} of their sales"
            for entity, lz in curves.items()
        )
        + " (median of the fit).",
    )
    fig = plots_counts.tornado_panels(
        [(names[a.goal.id], a.count.tornado, a.inside_probability) for a in counted],
        title=(
            "The size model's probability (before calibration) with one input at its 10th or "
            f"90th percentile ({as_of_text})"
        ),
    )
    plots.show(
        fig,
        "Tornado charts: " + "; ".join(swing_text(a) for a in counted) + ".",
    )

# %% [markdown]
# ## How a probability is made, and how the method has scored
#
# Two views are combined. The *growth forecast* (the inside view) forecasts the series each
# goal is judged on to its deadline, from the figures published by the date of this page, and
# counts the share of forecast paths that meet the goal. The *track record* (the outside view)
# is a set of real pledges, plans and forecasts whose outcome is known: for each, the growth
# forecast made at its announcement and whether it was met. A calibration model learns from the
# statements resolved by this page's date how often statements of each kind are met, how far
# the growth forecast can be trusted for each kind, and how the required growth and the horizon
# matter; its priors, like every constant of the models, are dated rows of the assumptions file.
# The calibrated probability carries an 80% interval from that model's own uncertainty. A
# goal whose outcome is published shows the outcome, not a chance.

# %%
record = assess.method_record(vintage)
n_rows = len(vintage.assumptions)
kinds = (
    "; ".join(
        f"{r.type.replace('_', ' ')}: {int(r.entries)} statements, {fmt.percent(r.share_met)} met"
        for r in record["by_type"].itertuples()
    )
    if record is not None and len(record["by_type"])
    else "none yet"
)
display(
    Markdown(
        f"{assess.skill_sentence(record)} Statements resolved by this date, by kind: {kinds}. "
        f"The models use {n_rows} dated assumption rows usable at this date. Page 05 shows the "
        "track record in full, each statement with its probabilities and outcome."
    )
)
