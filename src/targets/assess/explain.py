"""The explanation text of an assessment, generated from its numbers."""

from __future__ import annotations

import numpy as np

from targets import formatting as fmt
from targets.assess.base import verdict
from targets.counts.goal import range_text
from targets.sources.goals import Goal


def value_format(goal: Goal):
    """How the goal's measured values are written: money, a multiple, a rate or a count."""
    if goal.kind == "aggregate":
        if goal.currency == "count":
            return fmt.approx_count
        if goal.currency == "USD":
            return fmt.usd
        return fmt.yuan
    if goal.kind == "growth":
        if goal.unit == "percent_growth":
            return lambda v: f"{v:.1%} a year"
        return lambda v: f"{v:.2f}x"
    return fmt.approx_count


def _explain(
    goal: Goal,
    as_of,
    probability,
    proxies,
    growth,
    ceiling,
    hindsight,
    notes=(),
    *,
    calibrated=None,
    outcome: str | None = None,
    series_name: str = "",
    bound: str | None = None,
    band: dict | None = None,
) -> str:
    """One paragraph from the numbers of an assessment.

    ``notes`` are sentences the goal kind's module adds about its own inputs
    (placed after the forecast, before progress and hindsight). ``band`` (from
    :func:`targets.assess._assumption_band`) names the assumption that decides a count
    goal's probability, whose band the first sentence then gives.
    """
    when = f"as of {as_of.date()}" if as_of is not None else "on the latest data"
    forecast = proxies[np.isfinite(proxies["median"].astype(float))]
    head = forecast.iloc[0] if not forecast.empty else proxies.iloc[0]
    unit = value_format(goal)
    if outcome is not None:
        first = (
            f"{when}, the outcome of '{goal.statement_en}' is published: {outcome}. No "
            "forecast is shown: the data hold the outcome."
        )
    elif bound is not None:
        first = (
            f"{when}, the goal's own quantity could not be forecast; on {head['proxy']}, which "
            f"bounds it, the chance is {fmt.probability(probability)}, so the chance that "
            f"'{goal.statement_en}' is met is {bound} {fmt.probability(probability)} (a bound, "
            "not the goal's probability)."
        )
    elif band and band.get("band_input"):
        low, high = band["band_range"]
        first = (
            f"{when}, the probability that '{goal.statement_en}' is met is set by an "
            f"assumption, not by evidence: from {fmt.probability(band['band_low'])} to "
            f"{fmt.probability(band['band_high'])} as {band['band_input']} goes from one end "
            f"of its documented range ({range_text(low, high)}) to the other "
            f"({fmt.probability(probability)} with it drawn across the range)."
        )
    else:
        first = (
            f"{when}, the probability that '{goal.statement_en}' is met is "
            f"{fmt.probability(probability)} ({verdict(probability)})."
        )
    parts = [first]
    if calibrated is not None and outcome is None:
        parts.append(calibrated.sentence())
    parts += (
        []
        if outcome is not None
        else [
            f"Growth forecast: {head['proxy']}: median {unit(head['median'])}, 80% interval "
            f"{unit(head['lo_80'])} to {unit(head['hi_80'])}, against a goal of "
            f"{goal.describe_threshold(unit)}; forecast by {head['method']}.",
        ]
    )
    if goal.kind != "count" and len(proxies) > 1 and outcome is None:
        others = "; ".join(
            f"{r.proxy} {fmt.probability(r.probability)}"
            for r in proxies.itertuples()
            if np.isfinite(r.probability) and r.proxy != head["proxy"]
        )
        if others:
            parts.append(f"On other definitions: {others}.")
        missing = [r.proxy for r in proxies.itertuples() if not np.isfinite(r.probability)]
        if missing and goal.kind != "count":
            parts.append(f"Not forecast at this date: {', '.join(missing)}.")
    parts.extend(notes)
    if np.isfinite(growth.get("ratio", np.nan)):
        parts.append(
            f"Growth achieved in {int(growth['current_year'])} was "
            f"{fmt.percent(growth['achieved'])} against {fmt.percent(growth['required'])} a "
            "year required: a progress ratio of "
            f"{growth['ratio']:.2f} ({growth['category']})."
        )
    elif np.isfinite(growth.get("required", np.nan)):
        # For a count goal the growth is that of the platform GMV the count needs, not of
        # the count itself.
        what = (
            "It requires growth"
            if goal.kind != "count"
            else f"It requires {series_name or goal.series_id} (about "
            f"{fmt.yuan(growth['required_gmv'])} needed) to grow"
            if np.isfinite(growth.get("required_gmv", np.nan))
            else f"It requires {series_name or goal.series_id} to grow"
        )
        parts.append(
            f"{what} by {fmt.percent(growth['required'])} a year from the "
            f"{int(growth['current_year'])} level; achieved growth is not computable from "
            "the published levels."
        )
    if ceiling is not None:
        parts.append(
            "The threshold would be "
            + "; ".join(
                f"{fmt.percent(r.median_share)} of {r.denominator}"
                for r in ceiling.itertuples()
                if not r.denominator.startswith("largest share")
            )
            + "."
        )
        for r in ceiling.itertuples():
            if r.denominator.startswith("largest share"):
                parts.append(
                    f"The {r.denominator}: {fmt.percent(r.median_share)} (a loose upper "
                    "bound: platform GMV counts unpaid and returned orders, retail sales do not)."
                )
    if hindsight is not None:
        for r in hindsight.itertuples():
            where = (
                f"; the forecast made at the announcement put "
                f"{fmt.percent(r.percentile_at_announcement)} of its paths below that figure"
                if np.isfinite(r.percentile_at_announcement)
                else "; it could not be forecast at the announcement"
            )
            parts.append(
                f"Realized on {r.proxy}: {unit(r.realized)} "
                f"({'met' if r.met else 'not met'}){where}."
            )
    text = " ".join(parts)
    return text[0].upper() + text[1:]
