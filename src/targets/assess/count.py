"""Count goals ("N merchants above ¥X a year"): a size model fitted to the size evidence.

Sales per entity follow a two-segment double Pareto-log-normal whose tail is
estimated from every size-evidence row the goal names in ``goals.yaml``
(:mod:`targets.counts.model`, :mod:`targets.counts.inputs`); its total over the
goal year is the platform GMV drawn from the goal's driver
(:mod:`targets.growth.drivers`) times the entities' share of it. The count above the
goal's threshold, its predictive checks, the concentration it implies and the
inputs that decide it come from :mod:`targets.counts.goal`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets import formatting as fmt
from targets.assess.base import _deadline, _summary
from targets.assess.progress import _annual_levels, _growth, _growth_interval
from targets.counts.goal import CountDetail, count_result, explanation, required_gmv
from targets.engine.curvefit import FitNoise
from targets.sources.goals import Goal
from targets.sources.units import format_yuan
from targets.sources.vintage import Vintage

__all__ = ["CountDetail", "_count"]


def _count(goal: Goal, vintage: Vintage, n: int, seed: int) -> dict:
    _, _, mid = _deadline(goal)
    result = count_result(goal, vintage, n, seed)
    counts, gmv, driver, detail = (
        result["samples"],
        result["gmv"],
        result["driver"],
        result["detail"],
    )
    platform = goal.count_spec.platform.capitalize() if goal.count_spec else ""
    summary = _summary(
        f"{platform} {goal.entity} above {format_yuan(goal.entity_threshold)}".strip(),
        result["method"],
        counts,
        goal,
    )
    gmv_summary = _summary(f"{driver.name} over the goal year", driver.method, gmv, goal)
    gmv_summary["probability"] = np.nan
    rng = np.random.default_rng(seed)
    # Growth is required of the GMV the count rests on, the platform's whole measure:
    # levels of a narrower definition (e.g. a closed loop before links were cut) are
    # another quantity and are left out (progress.one_measure), so like meets like.
    levels = _annual_levels(driver.rows)
    needed = required_gmv(goal, detail.draws)
    # Where no goal-year GMV brings the median count to the goal, no growth is "required".
    growth = _growth(levels if np.isfinite(needed) else levels.iloc[:0], needed, mid)
    if np.isfinite(needed):
        noise = FitNoise.from_assumptions(vintage)
        growth = _growth_interval(growth, driver.rows, needed, mid, n, rng, noise)
    growth["required_gmv"] = needed
    notes = explanation(goal, detail, gmv)
    if np.isfinite(needed):
        median_gmv = float(np.median(gmv))
        notes.insert(
            1,
            f"At the fitted size distribution the median count reaches the goal when "
            f"goal-year GMV is about {format_yuan(needed)}: "
            f"{needed / median_gmv:.2g} times the median GMV forecast of "
            f"{format_yuan(median_gmv)}; {fmt.probability(float(np.mean(gmv >= needed)))} "
            "of the forecast's paths reach it.",
        )
    return {
        "proxies": pd.DataFrame([summary, gmv_summary]),
        "samples": counts,
        "all_samples": {"gmv": gmv},
        "growth": growth,
        "ceiling": None,
        "rows_used": driver.rows,
        "headline": summary["proxy"],
        "notes": notes,
        "count": detail,
    }
