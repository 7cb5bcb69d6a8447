"""Goal plausibility: a probability, a verdict and the reasons, as of any date.

``assess(goal_id, as_of)`` combines the forecast of the series a goal is
measured on (:mod:`targets.growth.drivers`) with the goal's threshold:

* **aggregate goals** (a total above a threshold): the probability that the
  total over the deadline interval passes it, for several proxies side by side
  (the goal's "interest e-commerce" has no official series), plus a ceiling
  check against NBS physical-goods online and total retail sales;
* **count goals** ("N merchants above ¥X a year"): a size distribution of
  sales per entity with an estimated heavy tail, fitted to the size evidence the
  goal names in ``goals.yaml`` (:mod:`targets.counts.model`), whose total over the
  deadline interval is the platform GMV forecast times the entities' share;
  Monte Carlo over its posterior gives the probability that the count reaches
  the goal (:mod:`targets.assess.count`).

Every assessment also gives the growth the goal requires against the growth
achieved (the Open SDG progress ratio, with an interval), hindsight where later
data exist, and an explanation generated from these numbers.

Verdicts (:data:`VERDICTS`), by the probability that the goal is met:
``likely`` (>= 0.8), ``plausible`` (>= 0.5), ``stretch`` (>= 0.2),
``implausible`` (< 0.2).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from targets.assess.aggregate import _aggregate
from targets.assess.base import VERDICTS, Assessment, _as_of, verdict
from targets.assess.count import CountDetail, _count
from targets.assess.explain import _explain
from targets.assess.hindsight import _hindsight
from targets.assess.progress import PROGRESS, progress_category, required_growth
from targets.errors import ForecastError
from targets.report import store
from targets.sources import goals
from targets.sources.data import data_version, load_all

__all__ = [
    "PROGRESS",
    "VERDICTS",
    "Assessment",
    "CountDetail",
    "assess",
    "headline",
    "predictive_records",
    "progress_category",
    "required_growth",
    "scorecard",
    "track_record",
    "verdict",
]


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
    return _assess_cached(goal_id, _as_of(as_of), n_samples, seed, _data_key())


def _data_key() -> str:
    """Where the data and the goals are read from, and their versions (a cache key)."""
    return data_version()


@lru_cache(maxsize=128)
def _assess_cached(
    goal_id: str, cutoff: pd.Timestamp | None, n_samples: int, seed: int, data_key: str = ""
) -> Assessment:
    # Assessments are deterministic in their arguments and read immutable inputs,
    # so a notebook that shows the scorecard and then one goal computes it once; across
    # the kernels of one report run they are shared through the on-disk store.
    key = (goal_id, None if cutoff is None else str(cutoff.date()), n_samples, seed)
    return store.cached(
        "assessment", key, lambda: _compute(goal_id, cutoff, n_samples, seed, data_key)
    )


def _compute(
    goal_id: str, cutoff: pd.Timestamp | None, n_samples: int, seed: int, data_key: str = ""
) -> Assessment:
    goal = goals.get(goal_id)
    if goal.kind == "count":
        result = _count(goal, cutoff, n_samples, seed)
    else:
        result = _aggregate(goal, cutoff, n_samples, seed, data_key)
    samples = result["samples"]
    met = result["met"] if "met" in result else goal.met(samples)
    probability = float(np.mean(met))
    hindsight = _hindsight(goal, cutoff, result, n_samples, seed, data_key)
    explanation = _explain(
        goal,
        cutoff,
        probability,
        result["proxies"],
        result["growth"],
        result["ceiling"],
        hindsight,
        result.get("notes", ()),
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
        count=result.get("count"),
    )


def headline(a: Assessment) -> pd.Series:
    """The row of ``a.proxies`` the probability comes from (the first one forecast)."""
    forecast = a.proxies[np.isfinite(a.proxies["median"].astype(float))]
    return forecast.iloc[0] if not forecast.empty else a.proxies.iloc[0]


#: The scorecard's columns, in order (:func:`scorecard`).
CARD_COLUMNS = [
    "goal",
    "probability",
    "verdict",
    "median",
    "lo_80",
    "hi_80",
    "threshold",
    "progress_ratio",
    "progress",
    "met_in_hindsight",
    "explanation",
]


#: The columns of a count goal's posterior predictive rows in :func:`scorecard`.
PREDICTIVE_COLUMNS = [
    "label",
    "role",
    "stat",
    "published",
    "value",
    "median",
    "lo_80",
    "hi_80",
    "inside",
    "note",
]


def predictive_records(a: Assessment) -> list[dict] | None:
    """A count goal's posterior predictive table as plain records (``None`` for other goals).

    One record per size-evidence row (:data:`PREDICTIVE_COLUMNS`): the published
    figure beside the fitted model's median and 80% interval, whether it lies
    inside (``None`` where the model cannot predict it) and why. Dates are ISO
    strings and missing numbers ``None``, so the records serialise to JSON as they are.
    """
    if a.count is None:
        return None

    def cell(v):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
        if isinstance(v, np.bool_ | bool):
            return bool(v)
        return float(v) if isinstance(v, np.floating | np.integer) else v

    table = a.count.predictive.reindex(columns=PREDICTIVE_COLUMNS)
    return [
        {c: cell(v) for c, v in zip(PREDICTIVE_COLUMNS, r, strict=True)}
        for r in table.itertuples(index=False)
    ]


def scorecard(
    as_of=None,
    *,
    n_samples: int = 4000,
    seed: int = 0,
    influence: bool = False,
    predictive: bool = False,
) -> pd.DataFrame:
    """One row per goal: probability, verdict, progress ratio, hindsight, explanation.

    A goal whose series has too little data by ``as_of`` gets a row with no
    probability and the reason in ``explanation``; the other goals are scored
    (each goal is assessed on its own series and proxies only). With
    ``influence``, an ``influence`` column lists the published rows whose removal
    moves each goal's probability most (:func:`targets.assess.influence.influence`).
    With ``predictive``, a ``predictive`` column gives each count goal's posterior
    predictive check (:func:`predictive_records`; ``None`` for other goals and for
    goals with no forecast).
    """
    from targets.assess.influence import influence as row_influence

    extra = [*(["influence"] if influence else []), *(["predictive"] if predictive else [])]
    rows = []
    for goal in goals.load():
        if influence:
            table = row_influence(goal.id, as_of, n_samples=n_samples, seed=seed)
            cells = table[["row", "dataset", "line", "without", "change"]].to_dict("records")
        else:
            cells = None
        try:
            a = assess(goal.id, as_of, n_samples=n_samples, seed=seed)
        except ForecastError as exc:
            rows.append(
                {
                    "goal": goal.id,
                    "probability": np.nan,
                    "verdict": "no forecast",
                    "explanation": str(exc),
                    **({"influence": cells} if influence else {}),
                    **({"predictive": None} if predictive else {}),
                }
            )
            continue
        head = headline(a)
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
                **({"influence": cells} if influence else {}),
                **({"predictive": predictive_records(a)} if predictive else {}),
            }
        )
    # Stable columns, also when no goal has a forecast yet (an early as-of date).
    return pd.DataFrame(rows).reindex(columns=[*CARD_COLUMNS, *extra])


def track_record(
    goal_id: str,
    dates: list | None = None,
    *,
    n_samples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The goal's probability recomputed at a series of as-of dates, from its announcement.

    Parameters
    ----------
    goal_id : str
    dates : list of date-likes, optional
        Dates before the goal's announcement are dropped and the announcement
        date is always the first point. Defaults to the announcement, then every
        six months to the latest publication date. ``None`` in the list means
        the latest data.

    Returns
    -------
    pandas.DataFrame
        ``as_of, probability, verdict, median, lo_80, hi_80, method, note,
        method_change``; dates with too little data have no probability and
        say why. ``method_change`` is True where the forecast method, or a
        dated assumption in force, differs from the previous date (a change of
        method or prior, not news); ``note`` then says which.
    """
    goal = goals.get(goal_id)
    announced = pd.Timestamp(goal.announced)
    if dates is None:
        latest = load_all()["published"].max()
        dates = list(pd.date_range(announced, max(latest, announced), freq="6MS"))
        dates = [announced, *[d for d in dates if d > announced], latest]
    kept = [d for d in dates if d is None or pd.Timestamp(d) >= announced]
    if not any(d is not None and pd.Timestamp(d) == announced for d in kept):
        kept = [announced, *kept]
    rows = []
    previous_method, previous_assumptions = None, None
    for d in kept:
        in_force = _assumptions_in_force(d, goal.kind)
        try:
            a = assess(goal_id, d, n_samples=n_samples, seed=seed)
            head = headline(a)
            row = {
                "as_of": pd.Timestamp(d) if d is not None else pd.NaT,
                "probability": a.probability,
                "verdict": a.verdict,
                "median": head["median"],
                "lo_80": head["lo_80"],
                "hi_80": head["hi_80"],
                "method": head["method"],
                "note": "",
            }
        except ForecastError as exc:
            row = {
                "as_of": pd.Timestamp(d) if d is not None else pd.NaT,
                "probability": np.nan,
                "verdict": "no forecast",
                "median": np.nan,
                "lo_80": np.nan,
                "hi_80": np.nan,
                "method": "",
                "note": str(exc),
            }
        changes = []
        if (
            previous_method
            and row["method"]
            and _method_family(row["method"]) != _method_family(previous_method)
        ):
            changes.append("forecast method changed")
        if previous_assumptions is not None and in_force != previous_assumptions:
            ids = sorted({k for k, _ in in_force ^ previous_assumptions})
            changes.append("assumptions changed: " + ", ".join(ids))
        row["method_change"] = bool(changes)
        if changes:
            row["note"] = "; ".join([*changes, row["note"]]).strip("; ")
        previous_method = row["method"] or previous_method
        previous_assumptions = in_force
        rows.append(row)
    return pd.DataFrame(rows)


def _method_family(method: str) -> str:
    """The kind of method in a method sentence (its words before the first number)."""
    import re

    return re.split(r"\d", method, maxsplit=1)[0].strip()


def _assumptions_in_force(as_of, kind: str) -> frozenset:
    """(id, value) of the dated assumptions usable at ``as_of`` that a goal kind can use.

    Count-model assumptions (``count_``) only move count goals.
    """
    from targets.sources.data import load_assumptions

    table = load_assumptions(as_of)
    if kind != "count":
        table = table[~table["assumption_id"].str.startswith("count_")]
    return frozenset(zip(table["assumption_id"], table["value"].astype(str), strict=True))
