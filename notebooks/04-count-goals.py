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
# # Could 1,000 merchants, 10,000 creators and 100 products pass their sales thresholds?
#
# Five of the six goals count entities above a sales threshold. No one has published those
# counts, so they are modelled: annual sales per entity follow a log-normal distribution whose
# total matches the forecast Douyin GMV over the goal year, with the number of active
# entities and the tail shape uncertain. The tail shape decides almost everything, so it is
# shown as a dial: what would one have to believe for each goal to be met?

# %% tags=["parameters"]
as_of = None  # a date "YYYY-MM-DD" to see only what was published by then; None = latest

# %%
import pandas as pd
from IPython.display import Markdown, display

from targets import assess, goals, plots
from targets.units import format_yuan

as_of_text = f"as of {as_of}" if as_of else "on the latest data"
assess_as_of = pd.Timestamp(as_of) if as_of else None
count_goals = [g for g in goals.load() if g.kind == "count"]
results = {g.id: assess.assess(g.id, as_of) for g in count_goals}
display(
    Markdown(
        f"**Answer ({as_of_text}).** "
        + "; ".join(f"{gid}: {a.probability:.0%} ({a.verdict})" for gid, a in results.items())
        + "."
    )
)

# %% [markdown]
# ## The inputs and the evidence behind them

# %%
pd.DataFrame(
    [
        {
            "goal": gid,
            "share of GMV": f"{p.gmv_share[0]:.0%}-{p.gmv_share[1]:.0%}",
            "active entities": f"{p.count[0]:,.0f}-{p.count[1]:,.0f}",
            "tail shape σ": f"{p.sigma[0]}-{p.sigma[1]}",
            "evidence": p.evidence,
        }
        for gid, p in ((g.id, assess.prior_for(g.id, assess_as_of)) for g in count_goals)
    ]
)

# %% [markdown]
# The tail shapes implied by published counts above thresholds. This evidence is weak: one
# pair comes from an agency blog with an unclear period, the other from a selected population
# on another platform.

# %%
evidence = assess.tail_evidence(as_of)
evidence if len(evidence) else Markdown("No size-distribution pair had been published by then.")

# %% [markdown]
# ## What one would have to believe
#
# For each goal, the count above its threshold against the tail shape, at the median forecast
# GMV of the goal year, for the low, middle and high number of active entities.

# %%
for gid, a in results.items():
    goal = goals.get(gid)
    gmv = float(a.proxies.iloc[1]["median"])
    table = assess.sensitivity(goal, gmv, as_of=assess_as_of)
    fig = plots.count_sensitivity(
        table,
        goal.threshold,
        prior_sigma=assess.prior_for(gid, assess_as_of).sigma,
        evidence=evidence if goal.entity in ("merchants", "brands") else None,
        title=f"{gid}: {goal.entity} above {format_yuan(goal.entity_threshold)} "
        f"at {format_yuan(gmv)} GMV ({as_of_text})",
    )
    met = table[table["meets_goal"]]
    needed = f"σ ≥ {met['sigma'].min():.2f}" if len(met) else "no tail shape in the range"
    plots.show(
        fig,
        f"{gid}: count above the threshold against the tail shape; the goal of "
        f"{goal.threshold:,.0f} needs {needed}.",
    )
    display(Markdown(f"**{gid}**: {a.explanation}"))

# %% [markdown]
# ## What would change the answer
#
# A published count (merchants above ¥100M in a named year) would replace the model with a
# measurement. A published distribution of sales per merchant, or the share of GMV held by
# the top 1% of merchants, would pin down the tail shape that now carries the result.
