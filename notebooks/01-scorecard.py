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
# # Were Douyin's April 2021 goals plausible, and were they met?
#
# On 8 April 2021 Douyin E-commerce promised, within a year, 1,000 merchants and 100 new brands
# above ¥100M in annual sales, 100,000 creators at ¥100k and 10,000 above ¥10M, and 100 products
# above ¥100M; it also cited a third-party estimate that "interest e-commerce" would pass
# ¥9.5 trillion in 2023. This report gives each goal a probability, computed only from what
# had been published by the chosen date.

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None: the latest data

# %%
import pandas as pd
from IPython.display import Markdown, display

from targets import assess, frontpage, goals, plots, plots_counts, store, tables
from targets import formatting as fmt

as_of_text = f"as of {as_of}" if as_of else "on the latest data"
assess_as_of = pd.Timestamp(as_of) if as_of else None
card = assess.scorecard(as_of)
names = fmt.goal_names()
by_verdict = card.groupby("verdict")["goal"].apply(lambda g: "; ".join(names[i] for i in g))
display(
    Markdown(
        f"**Answer ({as_of_text}).** "
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

# %%
tables.scorecard(card)

# %%
fig = plots.probability_bars(card, title=f"Probability each goal is met ({as_of_text})")
plots.show(
    fig,
    "Bar chart of the probability each goal is met: "
    + "; ".join(f"{names[r.goal]} {fmt.probability(r.probability)}" for r in card.itertuples()),
)

# %% [markdown]
# ### One chart per goal
#
# The forecast distribution of what each goal is judged on, at its deadline, with the goal's
# threshold as a dashed line: money for the ¥9.5T estimate, a count for the others.

# %%
forecastable = set(card.loc[card["probability"].notna(), "goal"])
assessments = [assess.assess(g.id, as_of) for g in goals.load() if g.id in forecastable]
fig = plots.goal_distributions(assessments, title=f"Forecast at each deadline ({as_of_text})")
plots.show(
    fig,
    "Histograms of each goal's forecast at its deadline with the threshold marked: "
    + "; ".join(
        f"{fmt.goal_name(a.goal)}: chance {fmt.probability(a.probability)}" for a in assessments
    ),
)

# %% [markdown]
# ## Reasons

# %%
display(
    Markdown(
        "\n".join(
            f"* **{names[r.goal]}**: {fmt.probability(r.probability)}, {r.verdict}\n"
            + "\n".join(f"    * {s}" for s in frontpage.reason_bullets(r.explanation))
            for r in card.itertuples()
        )
    )
)

# %% [markdown]
# ## Which single figure does a verdict hang on?
#
# Each published row the headline forecast stands on is left out in turn and the forecast
# refitted: the rows whose removal moves the probability most (a blank "without" means the
# rest of the rows support no forecast). Count goals are not shown (their size model is
# refitted elsewhere).

# %%
from targets.assess.influence import influence

moves = []
for g in goals.load():
    if g.kind == "count":
        continue
    # Stored with the run's assessments (keyed by the data and the code): computed once.
    table = store.cached("influence", (g.id, as_of), lambda g=g: influence(g.id, as_of))
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
# ## The "¥9.5 trillion interest e-commerce" estimate: it depends on the definition
#
# "Interest e-commerce" has no official series. Three proxies are forecast side by side; the
# goal registry judges the estimate on the live-streaming e-commerce market size.

# %%
interest = assess.assess("interest_commerce_2023", as_of)
tables.proxies(interest)

# %%
if interest.ceiling is not None and len(interest.ceiling):
    largest = interest.ceiling["denominator"].str.startswith("largest share")
    shares = "; ".join(
        f"{fmt.percent(r.median_share)} of {r.denominator}"
        for r in interest.ceiling[~largest].itertuples()
    )
    bound = "".join(
        f" For scale, the {r.denominator} is {fmt.percent(r.median_share)}: a loose upper "
        "bound, since platform GMV counts unpaid and returned orders and retail sales do not."
        for r in interest.ceiling[largest].itertuples()
    )
    display(Markdown(f"{fmt.yuan(interest.goal.threshold)} would be {shares}.{bound}"))
if interest.hindsight is not None:
    display(tables.hindsight(interest))

# %% [markdown]
# ## Merchants above ¥100M: what would one have to believe?
#
# The count of merchants above ¥100M depends on how concentrated sales are. The size model
# fitted to the published size figures (see 04-count-goals for every check) says how much
# of goal-year sales the top merchants would hold, and which input decides the answer.

# %%
merchants = assess.assess("merchants_100m", as_of)
display(Markdown(merchants.count.concentration["statement"]))
fig = plots_counts.tornado(
    merchants.count.tornado,
    merchants.probability,
    title=f"Merchants above ¥100M: probability with one input at an end ({as_of_text})",
)
top = merchants.count.tornado.iloc[0]
plots.show(
    fig,
    f"Tornado chart: {top['input']} moves the probability most, from "
    f"{fmt.probability(top['p_low'])} to {fmt.probability(top['p_high'])}.",
)

# %% [markdown]
# ## What would change the answer
#
# A published count of merchants, creators or products above the thresholds would replace
# the size model with a measurement; an official Douyin GMV would narrow every count
# forecast; and the author and definition of the ¥9.5 trillion estimate would say which
# proxy is the right one.
