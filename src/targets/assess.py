"""Goal plausibility: a probability, a verdict and the reasons, as of any date.

``assess(goal_id, as_of)`` combines the forecast of the series a goal is
measured on (:mod:`targets.drivers`) with the goal's threshold:

* **aggregate goals** (a total above a threshold): the probability that the
  total over the deadline interval passes it, for several proxies side by side
  (the goal's "interest e-commerce" has no official series), plus a ceiling
  check against NBS physical-goods online and total retail sales;
* **count goals** ("N merchants above ¥X a year"): a log-normal size
  distribution of annual sales per entity whose total matches the platform GMV
  forecast over the deadline interval (:mod:`targets.tails`), with the number of
  active entities and the tail shape as uncertain inputs (:data:`ENTITY_PRIORS`);
  Monte Carlo over all three gives the probability that the count reaches the goal.

Every assessment also gives the growth the goal requires against the growth
achieved (the Open SDG progress ratio, with an interval), hindsight where later
data exist, and an explanation generated from these numbers.

Verdicts (:data:`VERDICTS`), by the probability that the goal is met:
``on track`` (>= 0.8), ``plausible`` (>= 0.5), ``stretch`` (>= 0.2),
``implausible`` (< 0.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from targets import drivers, goals
from targets.data import load
from targets.errors import ForecastError, TargetsError
from targets.goals import Goal
from targets.observations import level_rows
from targets.tails import lognormal_count_above
from targets.units import format_yuan

VERDICTS: tuple[tuple[float, str], ...] = (
    (0.8, "on track"),
    (0.5, "plausible"),
    (0.2, "stretch"),
    (0.0, "implausible"),
)

#: Open SDG / Statistics Canada progress categories for achieved / required growth.
PROGRESS: tuple[tuple[float, str], ...] = (
    (0.95, "on track"),
    (0.6, "acceleration needed"),
    (0.0, "limited progress"),
    (-np.inf, "deterioration"),
)


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


def verdict(probability: float) -> str:
    """The verdict category of a probability (see :data:`VERDICTS`)."""
    return next(label for cut, label in VERDICTS if probability >= cut)


def progress_category(ratio: float) -> str:
    """Open SDG progress category of achieved / required growth."""
    if not np.isfinite(ratio):
        return "not computable"
    return next(label for cut, label in PROGRESS if ratio >= cut)


def required_growth(current: float, target: float, years: float) -> float:
    """Compound annual growth needed to go from ``current`` to ``target`` in ``years``.

    Examples
    --------
    >>> round(required_growth(100.0, 121.0, 2.0), 10)
    0.1
    """
    if current <= 0 or target <= 0 or years <= 0:
        raise TargetsError("required growth needs positive levels and a positive horizon")
    return float((target / current) ** (1.0 / years) - 1.0)


@dataclass(frozen=True)
class Assessment:
    """The answer for one goal as of one date.

    Attributes
    ----------
    goal : Goal
    as_of : Timestamp or None
    probability : float
        Probability that the goal is met (headline proxy for aggregate goals).
    verdict : str
    proxies : pandas.DataFrame
        One row per proxy (aggregate goals) or the one driver (count goals):
        ``proxy, method, probability, median, lo_80, hi_80`` of the measured
        quantity at the deadline (yuan, or entities for count goals).
    growth : dict
        ``current_year, current, previous, achieved, required, ratio,
        ratio_lo_80, ratio_hi_80, category``.
    ceiling : pandas.DataFrame or None
        Implied share of the threshold in physical-goods online and total retail.
    hindsight : pandas.DataFrame or None
        Realized value per proxy where published later, whether the goal was met
        on it, and its percentile in the forecast made at the announcement.
    rows_used : pandas.DataFrame
        The published rows the forecast stands on.
    samples : numpy.ndarray
        Samples of the measured quantity (headline proxy).
    explanation : str
        Generated from the numbers above.
    """

    goal: Goal
    as_of: pd.Timestamp | None
    probability: float
    verdict: str
    proxies: pd.DataFrame
    growth: dict
    ceiling: pd.DataFrame | None
    hindsight: pd.DataFrame | None
    rows_used: pd.DataFrame = field(repr=False)
    samples: np.ndarray = field(repr=False)
    explanation: str = ""


def _as_of(as_of) -> pd.Timestamp | None:
    if as_of is None:
        return None
    try:
        return pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError) as exc:
        raise TargetsError(f"as_of must be a date like '2021-04-08'; got {as_of!r}") from exc


def _summary(name: str, method: str, samples: np.ndarray, goal: Goal) -> dict:
    lo, med, hi = np.quantile(samples, [0.1, 0.5, 0.9])
    met = samples >= goal.threshold if goal.comparator == ">=" else samples > goal.threshold
    return {
        "proxy": name,
        "method": method,
        "probability": float(np.mean(met)),
        "median": float(med),
        "lo_80": float(lo),
        "hi_80": float(hi),
    }


def _annual_levels(rows: pd.DataFrame) -> pd.Series:
    """Median of the published calendar-year levels per year (for growth rates)."""
    lv = level_rows(rows)
    full = lv[
        (lv["period_start"].dt.day_of_year == 1)
        & (lv["period_end"] == lv["period_start"] + pd.offsets.YearEnd(0))
    ]
    return full.groupby(full["period_start"].dt.year)["value_yuan"].median()


def _growth(levels: pd.Series, target: float, deadline_mid: pd.Timestamp) -> dict:
    out = {
        "current_year": np.nan,
        "current": np.nan,
        "previous": np.nan,
        "achieved": np.nan,
        "required": np.nan,
        "ratio": np.nan,
        "category": "not computable",
    }
    # Progress is judged from the last full year before the goal's deadline year
    # (afterwards the question is hindsight, not progress).
    levels = levels[levels.index < deadline_mid.year]
    if levels.empty:
        return out
    year = int(levels.index.max())
    current = float(levels.loc[year])
    years = (deadline_mid - pd.Timestamp(year=year, month=7, day=1)).days / 365.25
    out.update(current_year=year, current=current)
    if years > 0:
        out["required"] = required_growth(current, target, years)
    if year - 1 in levels.index:
        out["previous"] = float(levels.loc[year - 1])
        out["achieved"] = current / out["previous"] - 1.0
    if np.isfinite(out["achieved"]) and np.isfinite(out["required"]) and out["required"] != 0:
        out["ratio"] = out["achieved"] / out["required"]
    out["category"] = progress_category(out["ratio"])
    return out


def _growth_interval(
    growth: dict, levels_rows: pd.DataFrame, target: float, deadline_mid, n, rng
) -> dict:
    """Interval of the progress ratio from the noise of the published levels.

    The two latest annual levels are each drawn log-normally around their
    published value with the noise scale of their status (several sources:
    one drawn at random per sample); required and achieved growth, and their
    ratio, are computed per draw.
    """
    from targets.curvefit import NOISE_SCALE

    year = growth["current_year"]
    if not (np.isfinite(growth.get("ratio", np.nan)) and np.isfinite(year)):
        return growth | {"ratio_lo_80": np.nan, "ratio_hi_80": np.nan}
    lv = level_rows(levels_rows)

    def draw(y: int) -> np.ndarray:
        sub = lv[
            (lv["period_start"].dt.year == y)
            & (lv["period_end"] == lv["period_start"] + pd.offsets.YearEnd(0))
        ]
        pick = rng.integers(0, len(sub), size=n)
        sigma = np.where(
            sub["status"].to_numpy() == "official", NOISE_SCALE["official"], NOISE_SCALE["reported"]
        )[pick]
        return sub["value_yuan"].to_numpy()[pick] * np.exp(rng.normal(0, 1, n) * sigma)

    cur, prev = draw(int(year)), draw(int(year) - 1)
    years = (deadline_mid - pd.Timestamp(year=int(year), month=7, day=1)).days / 365.25
    required = (target / cur) ** (1 / years) - 1
    ratio = (cur / prev - 1) / required
    lo, hi = np.quantile(ratio, [0.1, 0.9])
    return growth | {"ratio_lo_80": float(lo), "ratio_hi_80": float(hi)}


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


def _deadline(goal: Goal) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    start, end = pd.Timestamp(goal.deadline_start), pd.Timestamp(goal.deadline_end)
    return start, end, start + (end - start) / 2


@lru_cache(maxsize=32)
def _aggregate(goal: Goal, as_of, n: int, seed: int) -> dict:
    start, end, mid = _deadline(goal)
    rng = np.random.default_rng(seed)
    ceiling_samples = drivers.physical_online_retail_samples(as_of, end.year, n, seed)
    proxies, samples, rows_used = [], {}, []

    live_rows = drivers.live_commerce_rows(as_of)
    try:
        live = drivers.live_commerce_driver(as_of, end.year, n, seed)
        s = live.totals(start, end, n, rng)
        proxies.append(_summary(live.name, live.method, s, goal))
        samples[live.name] = s
        rows_used.append(live_rows)
    except ForecastError as exc:
        proxies.append(
            {
                "proxy": "Live-streaming e-commerce market (research houses)",
                "method": f"not forecast: {exc}",
                "probability": np.nan,
                "median": np.nan,
                "lo_80": np.nan,
                "hi_80": np.nan,
            }
        )
    douyin = _douyin(as_of)
    d = douyin.totals(start, end, n, rng)
    try:
        kuaishou = drivers.kuaishou_driver(as_of)
        k = kuaishou.totals(start, end, n, rng)
        dk = d + k
        proxies.append(
            _summary("Douyin + Kuaishou GMV", f"{douyin.method}; {kuaishou.method}", dk, goal)
        )
        samples["Douyin + Kuaishou GMV"] = dk
        rows_used.append(kuaishou.rows)
    except ForecastError as exc:
        proxies.append(
            {
                "proxy": "Douyin + Kuaishou GMV",
                "method": f"not forecast: {exc}",
                "probability": np.nan,
                "median": np.nan,
                "lo_80": np.nan,
                "hi_80": np.nan,
            }
        )
    proxies.append(_summary("Douyin GMV", douyin.method, d, goal))
    samples["Douyin GMV"] = d
    rows_used.append(douyin.rows)
    table = pd.DataFrame(proxies)
    headline = next((p for p in table["proxy"] if p in samples), "Douyin GMV")

    total_retail = _known_or_nan(as_of, "nbs_total_retail", end.year)
    share_physical = goal.threshold / ceiling_samples
    ceiling_frame = pd.DataFrame(
        [
            {
                "denominator": f"physical-goods online retail {end.year} (NBS"
                + (", forecast)" if np.ptp(ceiling_samples) > 0 else ")"),
                "median_share": float(np.median(share_physical)),
                "lo_80": float(np.quantile(share_physical, 0.1)),
                "hi_80": float(np.quantile(share_physical, 0.9)),
            },
            {
                "denominator": f"total retail sales of consumer goods {end.year} (NBS)",
                "median_share": goal.threshold / total_retail,
                "lo_80": np.nan,
                "hi_80": np.nan,
            },
            {
                "denominator": "largest share of physical-goods online retail any one platform "
                "held (Alibaba China retail GMV, fiscal year to March, over the NBS figure of "
                "the calendar year it mostly covers)",
                "median_share": _largest_channel_share(as_of),
                "lo_80": np.nan,
                "hi_80": np.nan,
            },
        ]
    )
    live_levels = _annual_levels(live_rows) if not live_rows.empty else pd.Series(dtype=float)
    growth = _growth(live_levels, goal.threshold, mid)
    growth = _growth_interval(growth, live_rows, goal.threshold, mid, n, rng)
    return {
        "proxies": table,
        "samples": samples[headline],
        "all_samples": samples,
        "growth": growth,
        "ceiling": ceiling_frame,
        "rows_used": pd.concat(rows_used, ignore_index=True),
        "headline": headline,
    }


def _known_or_nan(as_of, series_id: str, year: int) -> float:
    from targets.observations import to_regular

    s = to_regular(load("nbs_retail", as_of), series_id, "YS")
    hit = s[s["ds"].dt.year == year]
    if not hit.empty:
        return float(hit["y"].iloc[0])
    if s.empty:
        return np.nan
    # Not yet published: the latest annual figure grown at its latest annual rate.
    s = s.sort_values("ds")
    last, years = s.iloc[-1], year - int(s["ds"].dt.year.iloc[-1])
    rate = s["y"].iloc[-1] / s["y"].iloc[-2] if len(s) > 1 else 1.0
    return float(last["y"] * rate**years)


def _largest_channel_share(as_of) -> float:
    from targets.observations import to_regular

    ali = load("alibaba_gmv", as_of)
    ali = level_rows(ali[ali["series_id"] == "alibaba_china_retail_gmv"])
    fiscal = ali[(ali["period_start"].dt.month == 4) & (ali["period_end"].dt.month == 3)]
    nbs = to_regular(load("nbs_retail", as_of), "nbs_physical_online_retail", "YS")
    shares = []
    for _, r in fiscal.iterrows():
        year = r["period_start"].year  # April Y to March Y+1 mostly covers calendar Y
        hit = nbs[nbs["ds"].dt.year == year]
        if not hit.empty:
            shares.append(r["value_yuan"] / float(hit["y"].iloc[0]))
    return float(max(shares)) if shares else np.nan


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
    }


def _hindsight(goal: Goal, as_of, result: dict, n: int, seed: int) -> pd.DataFrame | None:
    """Realized values published after the deadline, and their forecast percentile."""
    if goal.kind != "aggregate":
        return None
    start, end, _ = _deadline(goal)
    realized = {}
    live = drivers.live_commerce_rows(as_of)
    lv = level_rows(live)
    hit = lv[(lv["period_start"] == start) & (lv["period_end"] == end)]
    if not hit.empty:
        realized["Live-streaming e-commerce market (research houses)"] = float(
            hit["value_yuan"].median()
        )
    douyin = level_rows(drivers.douyin_rows(as_of))
    d = douyin[(douyin["period_start"] == start) & (douyin["period_end"] == end)]
    ks = level_rows(load("kuaishou_gmv", as_of))
    k = ks[
        (ks["series_id"] == "kuaishou_gmv")
        & (ks["period_start"] == start)
        & (ks["period_end"] == end)
    ]
    if not d.empty:
        realized["Douyin GMV"] = float(d["value_yuan"].median())
        if not k.empty:
            realized["Douyin + Kuaishou GMV"] = realized["Douyin GMV"] + float(
                k["value_yuan"].median()
            )
    if not realized:
        return None
    announced = pd.Timestamp(goal.announced)
    at_announcement = result if as_of == announced else _aggregate(goal, announced, n, seed)
    rows = []
    for proxy, value in realized.items():
        samples = at_announcement["all_samples"].get(proxy)
        pct = float(np.mean(samples <= value)) if samples is not None else np.nan
        rows.append(
            {
                "proxy": proxy,
                "realized": value,
                "met": goal.is_met(value),
                "percentile_at_announcement": pct,
            }
        )
    return pd.DataFrame(rows)


def _explain(goal: Goal, as_of, probability, proxies, growth, ceiling, hindsight) -> str:
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
    if goal.kind == "count":
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


def assess(goal_id: str, as_of=None, *, n_samples: int = 4000, seed: int = 0) -> Assessment:
    """Assess one goal with the data published by ``as_of``.

    Parameters
    ----------
    goal_id : str
        An id from ``data/goals.yaml``.
    as_of : date-like, optional
        Use only rows published on or before this date (``None``: all).
    n_samples : int
        Monte Carlo samples.
    seed : int

    Returns
    -------
    Assessment

    Raises
    ------
    GoalError
        For an unknown goal.
    ForecastError
        When the goal's series has too little data by ``as_of`` to forecast
        (e.g. before any Douyin figure was published).
    """
    return _assess_cached(goal_id, _as_of(as_of), n_samples, seed)


@lru_cache(maxsize=128)
def _assess_cached(
    goal_id: str, cutoff: pd.Timestamp | None, n_samples: int, seed: int
) -> Assessment:
    # Assessments are deterministic in their arguments and read immutable inputs,
    # so a notebook that shows the scorecard and then one goal computes it once.
    goal = goals.get(goal_id)
    result = (_aggregate if goal.kind == "aggregate" else _count)(goal, cutoff, n_samples, seed)
    samples = result["samples"]
    met = samples >= goal.threshold if goal.comparator == ">=" else samples > goal.threshold
    probability = float(np.mean(met))
    hindsight = _hindsight(goal, cutoff, result, n_samples, seed)
    explanation = _explain(
        goal,
        cutoff,
        probability,
        result["proxies"],
        result["growth"],
        result["ceiling"],
        hindsight,
    )
    pending = goals.series_note(goal, cutoff)  # the goal's own series not yet published
    explanation = f"{explanation} {pending}" if pending else explanation
    return Assessment(
        goal=goal,
        as_of=cutoff,
        probability=probability,
        verdict=verdict(probability),
        proxies=result["proxies"],
        growth=result["growth"],
        ceiling=result["ceiling"],
        hindsight=hindsight,
        rows_used=result["rows_used"],
        samples=samples,
        explanation=explanation,
    )


def scorecard(as_of=None, *, n_samples: int = 4000, seed: int = 0) -> pd.DataFrame:
    """One row per goal: probability, verdict, progress ratio, hindsight, explanation.

    A goal whose series has too little data by ``as_of`` gets a row with no
    probability and the reason in ``explanation``.
    """
    rows = []
    for goal in goals.load():
        try:
            a = assess(goal.id, as_of, n_samples=n_samples, seed=seed)
        except ForecastError as exc:
            rows.append(
                {
                    "goal": goal.id,
                    "probability": np.nan,
                    "verdict": "no forecast",
                    "explanation": str(exc),
                }
            )
            continue
        head = a.proxies.iloc[0]
        met = a.hindsight["met"].iloc[0] if a.hindsight is not None else None
        rows.append(
            {
                "goal": goal.id,
                "probability": a.probability,
                "verdict": a.verdict,
                "median": head["median"],
                "lo_80": head["lo_80"],
                "hi_80": head["hi_80"],
                "threshold": goal.threshold,
                "progress_ratio": a.growth.get("ratio", np.nan),
                "progress": a.growth.get("category", ""),
                "met_in_hindsight": met,
                "explanation": a.explanation,
            }
        )
    return pd.DataFrame(rows)


def track_record(
    goal_id: str,
    dates: list | None = None,
    *,
    n_samples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The goal's probability recomputed at a series of as-of dates.

    Parameters
    ----------
    goal_id : str
    dates : list of date-likes, optional
        Defaults to each quarter end from 2020 to the latest publication date.

    Returns
    -------
    pandas.DataFrame
        ``as_of, probability, verdict, median, lo_80, hi_80, method, note``;
        dates with too little data have no probability and say why.
    """
    if dates is None:
        latest = max(load(n)["published"].max() for n in ("douyin_gmv", "live_commerce_market"))
        dates = list(pd.date_range("2020-03-31", latest, freq="QE"))
    rows = []
    for d in dates:
        try:
            a = assess(goal_id, d, n_samples=n_samples, seed=seed)
            head = a.proxies.iloc[0]
            rows.append(
                {
                    "as_of": pd.Timestamp(d),
                    "probability": a.probability,
                    "verdict": a.verdict,
                    "median": head["median"],
                    "lo_80": head["lo_80"],
                    "hi_80": head["hi_80"],
                    "method": head["method"],
                    "note": "",
                }
            )
        except ForecastError as exc:
            rows.append(
                {
                    "as_of": pd.Timestamp(d),
                    "probability": np.nan,
                    "verdict": "no forecast",
                    "median": np.nan,
                    "lo_80": np.nan,
                    "hi_80": np.nan,
                    "method": "",
                    "note": str(exc),
                }
            )
    return pd.DataFrame(rows)


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
