"""Count goals ("N merchants above ¥X a year"): a size distribution over platform GMV.

A log-normal size distribution of annual sales per entity whose total matches
the platform GMV forecast over the deadline interval (:mod:`targets.tails`),
with the number of active entities and the tail shape as uncertain inputs
(:data:`ENTITY_PRIORS`); Monte Carlo over all three gives the probability that
the count reaches the goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from targets import drivers
from targets.assess.base import _as_of, _deadline, _summary
from targets.assess.progress import _annual_levels, _growth, _growth_interval
from targets.data import load
from targets.goals import Goal
from targets.observations import level_rows
from targets.tails import lognormal_count_above
from targets.units import format_yuan


@dataclass(frozen=True)
class EntityPrior:
    """Uncertain inputs of the size-distribution model for one kind of entity.

    Attributes
    ----------
    gmv_share : (float, float)
        Range of the share of platform GMV these entities' sales add up to.
    count : (float, float)
        Range of the number of active entities (log-uniform).
    sigma : (float, float)
        Range of the log-normal shape of annual sales per entity (uniform).
    subset_share : (float, float) or None
        For a goal that counts a subset (new brands among merchants above the
        threshold): the range of that subset's share (uniform).
    evidence : str
        Where the ranges come from, and how weak that is.
    assumed : tuple of str
        The inputs set without published evidence at the as-of date.
    """

    gmv_share: tuple[float, float]
    count: tuple[float, float]
    sigma: tuple[float, float]
    subset_share: tuple[float, float] | None
    evidence: str
    assumed: tuple[str, ...] = ()


ENTITY_PRIORS: dict[str, EntityPrior] = {
    "merchants_100m": EntityPrior(
        (1.0, 1.0),
        (1.0e6, 3.0e6),
        (1.6, 2.6),
        None,
        "Every sale has a merchant, so merchants' sales add up to GMV. Douyin had '>3 million "
        "merchants' by about 2023 and its seller count 'more than doubled' in Jan-Sep 2021 "
        "(reported): 1-3 million active merchants in the goal year. A low-confidence agency blog "
        "reports '>860 merchants above ¥100M cumulative GMV' among >3 million (c. 2023); with the "
        "2023 GMV that implies a log-normal shape near 1.9-2.0, the centre of the range used.",
    ),
    "new_brands_100m": EntityPrior(
        (1.0, 1.0),
        (1.0e6, 3.0e6),
        (1.6, 2.6),
        (0.03, 0.15),
        "As merchants_100m, times the share of new brands among merchants above ¥100M: "
        "5 of 95 Tmall brands above ¥100M at Double 11 2020 were new brands (5%, official); "
        "Douyin courted new brands more, so 3-15%.",
    ),
    "creators_100k": EntityPrior(
        (0.3, 0.6),
        (1.0e6, 3.0e6),
        (1.6, 2.6),
        None,
        "Creator-led sales: influencer live streams were 30% of Douyin GMV in 2024 (reported), "
        "plus short-video sales: 30-60% of GMV. Over 1 million presenters had steady e-commerce "
        "income in January 2021 (official). Tail shape: as merchants (no creator-level evidence).",
    ),
    "creators_10m": EntityPrior(
        (0.3, 0.6),
        (1.0e6, 3.0e6),
        (1.6, 2.6),
        None,
        "As creators_100k. At the 818 festival of 2021, 177 live streams passed ¥10M and 8 "
        "passed ¥100M in 18 days (official event data): a fat tail among streams.",
    ),
    "products_100m": EntityPrior(
        (1.0, 1.0),
        (5.0e6, 5.0e7),
        (1.6, 2.6),
        None,
        "No data set counts Douyin's products; 5-50 million active products is an assumption, "
        "and the result is shown as a function of the tail shape for that reason.",
    ),
}


#: What the count-goal inputs are before the evidence behind them was published.
#: An analysis "as of" an earlier date must not use counts published later.
EVIDENCE_SERIES: dict[str, dict[str, tuple[str, ...]]] = {
    "merchants_100m": {"count": ("douyin_merchants_total",)},
    "new_brands_100m": {"count": ("douyin_merchants_total",)},
    "creators_100k": {
        "count": ("douyin_presenters_with_ecom_income",),
        "gmv_share": ("douyin_gmv_share_influencer_live",),
    },
    "creators_10m": {
        "count": ("douyin_presenters_with_ecom_income",),
        "gmv_share": ("douyin_gmv_share_influencer_live",),
    },
    "products_100m": {},
}
#: Ranges used while no evidence had been published: an order of magnitude or more.
WITHOUT_EVIDENCE: dict[str, tuple[float, float]] = {
    "count": (2.0e5, 5.0e6),
    "gmv_share": (0.2, 0.8),
    "sigma": (1.2, 3.0),
}
#: Half-width of the tail-shape range around the shape implied by Douyin's own evidence.
SIGMA_HALF_WIDTH = 0.5


@lru_cache(maxsize=64)
def prior_for(goal_id: str, as_of: pd.Timestamp | None = None) -> EntityPrior:
    """The count-model inputs as they could be set with the data published by ``as_of``.

    Where the evidence behind a range in :data:`ENTITY_PRIORS` had not been
    published yet (:data:`EVIDENCE_SERIES`), the wide range in
    :data:`WITHOUT_EVIDENCE` is used instead; the tail shape is centred on the
    shape Douyin's own size evidence implies (:func:`tail_evidence`) once it is
    published, and is the wide default before. ``evidence`` says which applies.
    """
    base = ENTITY_PRIORS[goal_id]
    published = set(load("size_distribution", as_of)["series_id"])
    notes = []
    fields = {}
    assumed = [] if "count" in EVIDENCE_SERIES[goal_id] else ["number of entities"]
    for name, series in EVIDENCE_SERIES[goal_id].items():
        if not any(s in published for s in series):
            assumed.append("number of entities" if name == "count" else "share of GMV")
            fields[name] = WITHOUT_EVIDENCE[name]
            notes.append(
                f"{name.replace('_', ' ')}: no evidence published yet, "
                f"{WITHOUT_EVIDENCE[name][0]:g} to {WITHOUT_EVIDENCE[name][1]:g} assumed"
            )
    douyin = tail_evidence(as_of)
    douyin = douyin[douyin["evidence"].str.contains("Douyin")]
    if douyin.empty:
        assumed.append("tail shape")
        fields["sigma"] = WITHOUT_EVIDENCE["sigma"]
        notes.append("tail shape: no Douyin size evidence published yet, 1.2 to 3.0 assumed")
    else:
        centre = float(douyin["implied_sigma"].iloc[0])
        fields["sigma"] = (round(centre - SIGMA_HALF_WIDTH, 2), round(centre + SIGMA_HALF_WIDTH, 2))
    evidence = base.evidence + (" As of this date: " + "; ".join(notes) + "." if notes else "")
    return EntityPrior(
        gmv_share=fields.get("gmv_share", base.gmv_share),
        count=fields.get("count", base.count),
        sigma=fields["sigma"],
        subset_share=base.subset_share,
        evidence=evidence,
        assumed=tuple(assumed),
    )


@lru_cache(maxsize=64)
def _douyin(as_of: pd.Timestamp | None) -> drivers.Driver:
    return drivers.douyin_driver(as_of)


def count_samples(
    goal: Goal,
    gmv: np.ndarray,
    rng: np.random.Generator,
    prior: EntityPrior | None = None,
    as_of: pd.Timestamp | None = None,
) -> np.ndarray:
    """Monte Carlo counts of entities above the goal's per-entity threshold.

    Parameters
    ----------
    goal : Goal
        A count goal.
    gmv : numpy.ndarray
        Samples of platform GMV over the deadline interval (yuan).
    rng : numpy.random.Generator
    prior : EntityPrior, optional
        Defaults to :func:`prior_for` the goal as of ``as_of``.
    as_of : Timestamp, optional

    Returns
    -------
    numpy.ndarray
        One simulated count per GMV sample (Poisson around the expected count).
    """
    prior = prior or prior_for(goal.id, as_of)
    n = len(gmv)
    share = rng.uniform(*prior.gmv_share, size=n)
    count = np.exp(rng.uniform(np.log(prior.count[0]), np.log(prior.count[1]), size=n))
    sigma = rng.uniform(*prior.sigma, size=n)
    expected = lognormal_count_above(gmv * share, count, sigma, goal.entity_threshold)
    if prior.subset_share is not None:
        expected = expected * rng.uniform(*prior.subset_share, size=n)
    return rng.poisson(expected).astype(float)


def sensitivity(
    goal: Goal, gmv: float, sigmas: np.ndarray | None = None, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Count above the threshold as a function of the tail shape.

    For the median GMV and the low, middle and high number of entities.

    Returns
    -------
    pandas.DataFrame
        ``sigma, entities, count, meets_goal``.
    """
    prior = prior_for(goal.id, _as_of(as_of))
    sigmas = np.linspace(1.0, 3.2, 45) if sigmas is None else np.asarray(sigmas)
    share = float(np.mean(prior.gmv_share))
    subset = float(np.mean(prior.subset_share)) if prior.subset_share else 1.0
    records = []
    lo, hi = prior.count
    for entities in (lo, float(np.sqrt(lo * hi)), hi):
        counts = (
            lognormal_count_above(gmv * share, entities, sigmas, goal.entity_threshold) * subset
        )
        for s, c in zip(sigmas, counts, strict=True):
            records.append(
                {"sigma": s, "entities": entities, "count": c, "meets_goal": goal.is_met(c)}
            )
    return pd.DataFrame(records)


def _required_gmv_for_count(goal: Goal, as_of: pd.Timestamp | None) -> float:
    """GMV at which the median inputs give exactly the goal's count."""
    from scipy import optimize

    prior = prior_for(goal.id, as_of)
    share = float(np.mean(prior.gmv_share))
    entities = float(np.sqrt(prior.count[0] * prior.count[1]))
    sigma = float(np.mean(prior.sigma))
    subset = float(np.mean(prior.subset_share)) if prior.subset_share else 1.0

    def gap(log_g: float) -> float:
        c = lognormal_count_above(np.exp(log_g) * share, entities, sigma, goal.entity_threshold)
        return float(np.log(c * subset + 1e-300) - np.log(goal.threshold))

    return float(np.exp(optimize.brentq(gap, np.log(1e9), np.log(1e15))))


def _count(goal: Goal, as_of, n: int, seed: int) -> dict:
    start, end, mid = _deadline(goal)
    rng = np.random.default_rng(seed)
    douyin = _douyin(as_of)
    gmv = douyin.totals(start, end, n, rng)
    counts = count_samples(goal, gmv, rng, as_of=as_of)
    summary = _summary(
        f"Douyin {goal.entity} above {format_yuan(goal.entity_threshold)}",
        f"log-normal size model over {douyin.method}",
        counts,
        goal,
    )
    gmv_summary = _summary("Douyin GMV over the goal year", douyin.method, gmv, goal)
    gmv_summary["probability"] = np.nan
    levels = _annual_levels(douyin.rows)
    needed = _required_gmv_for_count(goal, as_of)
    growth = _growth(levels, needed, mid)
    growth = _growth_interval(growth, douyin.rows, needed, mid, n, rng)
    growth["required_gmv"] = needed
    return {
        "proxies": pd.DataFrame([summary, gmv_summary]),
        "samples": counts,
        "all_samples": {"gmv": gmv},
        "growth": growth,
        "ceiling": None,
        "rows_used": douyin.rows,
        "headline": summary["proxy"],
        "notes": _explain_count(goal, as_of, pd.DataFrame([summary, gmv_summary]), growth),
    }


def _explain_count(goal: Goal, as_of, proxies: pd.DataFrame, growth: dict) -> list[str]:
    """The sentences a count goal's explanation adds about its inputs."""
    parts: list[str] = []
    gmv = proxies.iloc[1]
    parts.append(
        f"It rests on Douyin GMV over the goal year of {format_yuan(gmv['median'])} "
        f"(80%: {format_yuan(gmv['lo_80'])} to {format_yuan(gmv['hi_80'])}); the goal needs "
        f"about {format_yuan(growth['required_gmv'])} at the middle of the assumed inputs."
    )
    prior = prior_for(goal.id, as_of)
    share = (
        "all of GMV"
        if prior.gmv_share[0] == prior.gmv_share[1] == 1.0
        else f"{prior.gmv_share[0]:.0%} to {prior.gmv_share[1]:.0%} of GMV"
    )
    parts.append(
        f"Inputs: {prior.count[0]:,.0f} to {prior.count[1]:,.0f} active {goal.entity}, "
        f"{share}, tail shape {prior.sigma[0]:g} to {prior.sigma[1]:g}"
        + (
            f"; set without published evidence: {', '.join(prior.assumed)}."
            if prior.assumed
            else "; all set from published evidence."
        )
    )
    return parts


def tail_evidence(as_of=None) -> pd.DataFrame:
    """The log-normal tail shapes implied by the size-distribution evidence in ``data/``.

    Each row is one published pair "k entities above a threshold, out of n, with
    total sales S" and the shape ``sigma`` that reproduces it
    (:func:`targets.tails.solve_sigma`), with the rows' status and caveats. The
    evidence is weak: the Douyin pair comes from an agency blog with an unclear
    period ("cumulative" GMV, c. 2023), and the Tmall pair describes a selected
    population (new apparel brands), whose shape is narrower than a whole
    marketplace's. Rows not yet published by ``as_of`` are left out.

    Returns
    -------
    pandas.DataFrame
        ``evidence, published, status, entities, above, total_yuan, threshold_yuan,
        implied_sigma, caveat``.
    """
    from targets.tails import solve_sigma

    size = load("size_distribution", as_of)
    out = []

    def first(series_id: str) -> pd.Series | None:
        hit = size[size["series_id"] == series_id]
        return None if hit.empty else hit.iloc[0]

    def row(
        evidence: str,
        ref: pd.Series,
        entities: float,
        above_n: float,
        total: float,
        threshold: float,
        caveat: str,
    ) -> dict:
        return {
            "evidence": evidence,
            "published": ref["published"],
            "status": ref["status"],
            "entities": entities,
            "above": above_n,
            "total_yuan": total,
            "threshold_yuan": threshold,
            "implied_sigma": solve_sigma(total / entities, above_n / entities, threshold),
            "caveat": caveat,
        }

    above, total_n = first("douyin_merchants_cum_gmv_above"), first("douyin_merchants_total")
    if above is not None and total_n is not None:
        gmv_rows = level_rows(drivers.douyin_rows(as_of))
        y2023 = gmv_rows[
            (gmv_rows["period_start"] == "2023-01-01") & (gmv_rows["period_end"] == "2023-12-31")
        ]
        if not y2023.empty:
            gmv = float(y2023["value_yuan"].median())
            threshold = float(above["threshold_value"]) * _unit_factor(above["threshold_unit"])
            out.append(
                row(
                    f">{above['value']:.0f} Douyin merchants above {format_yuan(threshold)} among "
                    f">{total_n['value']:,.0f}, with 2023 GMV {format_yuan(gmv)}",
                    above,
                    float(total_n["value"]),
                    float(above["value"]),
                    gmv,
                    threshold,
                    "agency blog, low confidence; period and 'cumulative' unclear",
                )
            )
    brands, sales, big = (
        first("tmall_apparel_new_brands_count"),
        first("tmall_apparel_new_brands_sales"),
        first("tmall_apparel_brands_above"),
    )
    if brands is not None and sales is not None and big is not None:
        threshold = float(big["threshold_value"]) * _unit_factor(big["threshold_unit"])
        total = float(sales["value_yuan"])
        out.append(
            row(
                f"{big['value']:.0f} of {brands['value']:,.0f} new Tmall apparel brands above "
                f"{format_yuan(threshold)}, with sales {format_yuan(total)}",
                big,
                float(brands["value"]),
                float(big["value"]),
                total,
                threshold,
                "a selected population (new brands), another platform",
            )
        )
    return pd.DataFrame(
        out,
        columns=[
            "evidence",
            "published",
            "status",
            "entities",
            "above",
            "total_yuan",
            "threshold_yuan",
            "implied_sigma",
            "caveat",
        ],
    )


def _unit_factor(unit: str) -> float:
    from targets.units import parse_unit

    return parse_unit(unit).factor
