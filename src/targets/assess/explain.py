"""The explanation text of an assessment, generated from its numbers."""

from __future__ import annotations

import numpy as np

from targets.assess.base import verdict
from targets.goals import Goal
from targets.units import format_yuan


def _explain(goal: Goal, as_of, probability, proxies, growth, ceiling, hindsight, notes=()) -> str:
    """One paragraph from the numbers of an assessment.

    ``notes`` are sentences the goal kind's module adds about its own inputs
    (placed after the forecast, before progress and hindsight).
    """
    when = f"as of {as_of.date()}" if as_of is not None else "on the latest data"
    head = proxies.iloc[0]
    unit = format_yuan if goal.kind == "aggregate" else (lambda v: f"{v:,.0f}")
    parts = [
        f"{when}, the probability that '{goal.statement_en}' is met is {probability:.0%} "
        f"({verdict(probability)}).",
        f"{head['proxy']}: median {unit(head['median'])}, 80% interval "
        f"{unit(head['lo_80'])} to {unit(head['hi_80'])}, against a goal of "
        f"{unit(goal.threshold)}; forecast by {head['method']}.",
    ]
    if goal.kind == "aggregate" and len(proxies) > 1:
        others = "; ".join(
            f"{r.proxy} {r.probability:.0%}"
            for r in proxies.iloc[1:].itertuples()
            if np.isfinite(r.probability)
        )
        parts.append(f"On other definitions: {others}.")
    parts.extend(notes)
    if np.isfinite(growth.get("ratio", np.nan)):
        parts.append(
            f"Growth achieved in {int(growth['current_year'])} was {growth['achieved']:.0%} "
            f"against {growth['required']:.0%} a year required: a progress ratio of "
            f"{growth['ratio']:.2f} ({growth['category']})."
        )
    elif np.isfinite(growth.get("required", np.nan)):
        parts.append(
            f"It requires {growth['required']:.0%} growth a year from the "
            f"{int(growth['current_year'])} level; achieved growth is not computable from "
            "the published levels."
        )
    if ceiling is not None:
        share = ceiling.iloc[0]
        parts.append(
            f"The threshold would be {share['median_share']:.0%} of {share['denominator']}; "
            f"the largest share one platform has held is {ceiling.iloc[2]['median_share']:.0%}."
        )
    if hindsight is not None:
        for r in hindsight.itertuples():
            where = (
                f", at the {r.percentile_at_announcement:.0%} percentile of the forecast made "
                "at the announcement"
                if np.isfinite(r.percentile_at_announcement)
                else ", a proxy that could not be forecast at the announcement"
            )
            parts.append(
                f"Realized on {r.proxy}: {format_yuan(r.realized)} "
                f"({'met' if r.met else 'not met'}){where}."
            )
    text = " ".join(parts)
    return text[0].upper() + text[1:]
