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

from targets.assess import store
from targets.assess.aggregate import _aggregate
from targets.assess.base import VERDICTS, Assessment, verdict
from targets.assess.count import CountDetail, _count
from targets.assess.explain import _explain
from targets.assess.hindsight import _hindsight
from targets.assess.progress import PROGRESS, progress_category, required_growth
from targets.counts.goal import decisive_assumption
from targets.errors import ForecastError, TargetsError
from targets.formatting import probability as fmt_probability
from targets.sources.goals import Goal
from targets.sources.vintage import Vintage, open_vintage

__all__ = [
    "PROGRESS",
    "VERDICTS",
    "Assessment",
    "bound_label",
    "band_label",
    "PRIOR_ONLY",
    "CountDetail",
    "assess",
    "headline",
    "predictive_records",
    "progress_category",
    "required_growth",
    "scorecard",
    "series_note",
    "method_record",
    "skill_sentence",
    "track_record",
    "verdict",
]


def vintage_for(as_of=None, vintage: Vintage | None = None) -> Vintage:
    """The vintage an entry point works on: ``vintage`` (or the default data folders and goal
    file) cut at ``as_of`` when given, else at its own date."""
    if vintage is None:
        return open_vintage(as_of=as_of)
    return vintage.at(as_of) if as_of is not None else vintage


def assess(
    goal_id: str,
    as_of=None,
    *,
    vintage: Vintage | None = None,
    n_samples: int = 4000,
    seed: int = 0,
) -> Assessment:
    """Assess one goal with the data published by ``as_of``.

    Parameters
    ----------
    goal_id : str
        An id from the goal file.
    as_of : date-like, optional
        Use only rows published on or before this date (``None``: the vintage's
        own date, or all the data).
    vintage : Vintage, optional
        The data and goals (:func:`targets.open_vintage`); default: the data
        folders and goal file of ``$TARGETS_DATA_DIR``/``$TARGETS_GOALS`` or
        the bundled ones.
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
        (e.g. before any figure of it was published).
    """
    v = vintage_for(as_of, vintage)
    return _assess_cached(v.goal(goal_id), v, int(n_samples), int(seed))


@lru_cache(maxsize=128)
def _assess_cached(goal: Goal, vintage: Vintage, n_samples: int, seed: int) -> Assessment:
    # Assessments are deterministic in their arguments and read immutable inputs,
    # so a notebook that shows the scorecard and then one goal computes it once; across
    # the kernels of one report run they are shared through the on-disk store.
    when = None if vintage.as_of is None else str(vintage.as_of.date())
    key = (goal.id, when, n_samples, seed)
    return store.cached(
        "assessment",
        key,
        lambda: _compute(goal, vintage, n_samples, seed),
        content=vintage.content,
    )


def _compute(goal: Goal, vintage: Vintage, n_samples: int, seed: int) -> Assessment:
    if goal.kind == "count":
        result = _count(goal, vintage, n_samples, seed)
    else:
        result = _aggregate(goal, vintage, n_samples, seed)
    samples = result["samples"]
    met = result["met"] if "met" in result else goal.met(samples)
    inside = float(np.mean(met))
    bound = _bound_word(goal, result.get("bound"))
    # A bound on the goal's chance is not calibrated as if it were the goal's own quantity.
    calibrated = None if bound else _calibrate(goal, vintage, inside, result["growth"], seed)
    probability = calibrated.probability if calibrated is not None else inside
    hindsight = _hindsight(goal, vintage, result, n_samples, seed)
    outcome = _outcome(goal, hindsight)
    band = {}
    if result.get("count") is not None and outcome is None and not bound:

        def reader_scale(p: float) -> float:
            # The band is on the probability's own scale: calibrated where the point is.
            if calibrated is None:
                return p
            return _calibrate(goal, vintage, p, result["growth"], seed).probability

        band = _assumption_band(result["count"], vintage, probability, reader_scale)
    explanation = _explain(
        goal,
        vintage.as_of,
        probability,
        result["proxies"],
        result["growth"],
        result["ceiling"],
        hindsight,
        result.get("notes", ()),
        calibrated=calibrated,
        outcome=outcome,
        series_name=vintage.ref_name(goal.series),
        bound=bound,
        band=band,
    )
    pending = series_note(goal, vintage)  # the goal's own series not yet published
    explanation = f"{explanation} {pending}" if pending else explanation
    return Assessment(
        goal=goal,
        as_of=vintage.as_of,
        probability=probability,
        # A bound is not a verdict on the goal: its page says what it bounds; an assumption
        # that decides the answer is named in the verdict.
        verdict=outcome or ("bound only" if bound else _band_verdict(probability, band)),
        inside_probability=inside,
        calibrated=calibrated,
        outcome=outcome,
        bound=bound,
        proxies=result["proxies"],
        growth=result["growth"],
        ceiling=result["ceiling"],
        hindsight=hindsight,
        rows_used=result["rows_used"],
        samples=samples,
        explanation=explanation,
        count=result.get("count"),
        band_low=band.get("band_low", float("nan")),
        band_high=band.get("band_high", float("nan")),
        band_input=band.get("band_input"),
        prior_only=bool(band.get("prior_only", False)),
    )


#: How the reports flag a count goal fitted to no evidence row.
PRIOR_ONLY = "prior only: no size evidence published by then"


def _assumption_band(detail: CountDetail, vintage: Vintage, probability: float, reader_scale):
    """Whether an assumption, not the evidence, decides a count goal's probability.

    It does when the size model was fitted to no evidence row (the probability is a
    prior), or when the decisive assumption's documented range
    (:func:`targets.counts.goal.decisive_assumption`) swings the probability, on the
    reader's scale (``reader_scale``: the calibration), by at least the
    ``count_assumption_decides_swing`` row of the assumptions file. The band is then
    the probability at either end of that range (and the point between them).

    Returns
    -------
    dict
        ``prior_only`` and, when the band is shown, ``band_low, band_high,
        band_input`` and ``band_range`` (the assumption's range, low and high).
    """
    out: dict = {"prior_only": detail.fitted_rows == 0}
    row = decisive_assumption(detail)
    if row is None:
        return out
    ends = [reader_scale(float(row["p_low"])), reader_scale(float(row["p_high"]))]
    cut = vintage.assumption("count_assumption_decides_swing").value
    if not (out["prior_only"] or abs(ends[1] - ends[0]) >= cut):
        return out
    lo, hi = min(*ends, probability), max(*ends, probability)
    if fmt_probability(lo) == fmt_probability(hi):
        return out  # the range moves nothing a reader would see: the point stands
    out.update(
        band_low=lo,
        band_high=hi,
        band_input=f"the assumed {row['label']}",
        band_range=(float(row["low"]), float(row["high"])),
    )
    return out


def _band_verdict(probability: float, band: dict) -> str:
    """The verdict, or the verdicts at the band's ends and the assumption they depend on."""
    if band.get("band_input"):
        low, high = verdict(band["band_low"]), verdict(band["band_high"])
        if low != high:
            return f"{low} to {high}: depends on {band['band_input']}"
    return verdict(probability) + (" (prior only)" if band.get("prior_only") else "")


def _bound_word(goal: Goal, stands_for: str | None) -> str | None:
    """``"at least"`` / ``"at most"``: what a bounding proxy's chance says of the goal's.

    A part of the goal's quantity (``lower_bound``) passing a threshold means the
    goal passes it too, so for ``>=``/``>`` its chance is at least the part's; a
    band has no one-sided bound (``"bounded"``).
    """
    if stands_for is None:
        return None
    rising = goal.comparator in (">=", ">")
    falling = goal.comparator in ("<=", "<")
    if not (rising or falling):
        return "bounded"
    lower = stands_for == "lower_bound"
    return "at least" if lower == rising else "at most"


def _outcome(goal: Goal, hindsight: pd.DataFrame | None) -> str | None:
    """``"met"`` or ``"not met"`` once the goal's own quantity (its headline) is published."""
    if hindsight is None or hindsight.empty:
        return None
    first = (goal.proxies[0].name if goal.proxies else None) or None
    rows = hindsight if first is None else hindsight[hindsight["proxy"] == first]
    if goal.proxies and rows.empty:
        return None  # only a stand-in quantity was published: no outcome of the goal itself
    return "met" if bool(rows["met"].iloc[0]) else "not met"


#: Inside-view samples per track-record entry (the calibration's training data).
RECORD_SAMPLES = 300


def track_record_vintage(vintage: Vintage) -> Vintage | None:
    """The track record the calibration learns from: the data folders' ``pledges.yaml``,
    else the shipped one with the shipped data (latest data: outcomes are filtered by date)."""
    pledges = vintage.latest.pledges()
    if pledges is not None:
        return pledges
    from targets.sources.vintage import bundled_dir

    try:
        return open_vintage(bundled_dir("data")).pledges()
    except (TargetsError, OSError):
        return None


def pledge_records(pledges: Vintage, needed_by=None) -> pd.DataFrame:
    """The track record's entries (:func:`targets.assess.pledges.records`); each entry's
    growth forecast is stored under the content of what it reads, so it is computed once."""
    stamp = None if needed_by is None else pd.Timestamp(needed_by)
    return _records_cached(pledges, stamp).copy()


@lru_cache(maxsize=16)
def _records_cached(pledges: Vintage, needed_by) -> pd.DataFrame:
    from targets.assess.pledges import records

    return records(pledges, n_samples=RECORD_SAMPLES, seed=0, needed_by=needed_by)


def method_record(vintage: Vintage) -> dict | None:
    """How the method has scored on real outcomes known at the vintage's date.

    The track record (:func:`track_record_vintage`) scored out of time
    (:func:`targets.assess.pledges.backtest_goals`), keeping only the entries
    whose outcome was published by the vintage's date. ``None`` without a
    track record.
    """
    from targets.assess.pledges import backtest_goals

    pledges = track_record_vintage(vintage)
    if pledges is None:
        return None
    table = pledge_records(pledges, needed_by=vintage.as_of)
    return backtest_goals(pledges, table=table, as_of=vintage.as_of)


def skill_sentence(record: dict | None) -> str:
    """One plain sentence on the method's record against the base rate."""
    from targets import formatting as fmt

    if record is None or record["scores"].empty:
        return "The method has no scored track record at this date: no demonstrated skill."
    sc = record["scores"].set_index("forecaster")
    ours = sc.loc["targets"]
    base = sc[sc.index.str.startswith("base rate, hindsight")].iloc[0]
    better = ours["brier_hi"] < base["brier"]
    verdict = (
        "better than always answering the base rate"
        if better
        else "no demonstrated skill over always answering the base rate"
    )
    return (
        f"On {int(ours['n'])} past pledges, plans and forecasts scored out of time, the "
        f"method's Brier score is {ours['brier']:.3f} (90%: {ours['brier_lo']:.3f} to "
        f"{ours['brier_hi']:.3f}) against {base['brier']:.3f} for the base rate of "
        f"{fmt.probability(float(record['pledges']['met'].dropna().astype(bool).mean()))} "
        f"known only in hindsight: {verdict}."
    )


def _calibrate(goal: Goal, vintage: Vintage, inside: float, growth: dict, seed: int):
    """The calibrated probability (:mod:`targets.assess.calibration`), or ``None`` without a
    track record."""
    from targets.assess import calibration

    pledges = track_record_vintage(vintage)
    if pledges is None or not vintage.has_assumption("calibration_intercept"):
        return None
    records = pledge_records(pledges, needed_by=vintage.as_of)
    known = calibration.training(records, vintage.as_of, exclude=goal.id)
    post = calibration.fit_records(known, calibration.Prior.from_assumptions(vintage))
    now = vintage.as_of if vintage.as_of is not None else vintage.last_published
    horizon = (pd.Timestamp(goal.deadline_end) - now).days / 365.25
    x = calibration.features(
        inside, goal.type, calibration.ambition_of(growth), horizon, goal.comparator
    )
    return calibration.predict(post, x, inside, seed)


def series_note(goal: Goal, vintage: Vintage) -> str:
    """A sentence for reports when no figure of the goal's own series is published in the vintage.

    The goal is then judged on related series only (e.g. a market size first
    published years after the goal). Returns ``""`` when the series has a row. The
    sentence names only the series and the date, never a later figure.
    """
    if vintage.has_rows(goal.series):
        return ""
    return (
        f"No figure of the goal's own series ({vintage.ref_name(goal.series)}) was published "
        f"{vintage.when}; it is judged on the related series named above."
    )


def bound_label(a: Assessment) -> str | None:
    """A bound goal's label as every table gives it (``"at least 8%"``); ``None`` otherwise."""
    return f"{a.bound} {fmt_probability(a.probability)}" if a.bound else None


def band_label(a: Assessment) -> str | None:
    """A count goal's answer when an assumption decides it, as every table gives it
    (``"8%–65%, set by the assumed share of new brands"``), with the prior-only flag
    (:data:`PRIOR_ONLY`) when no size evidence was fitted; ``None`` for a goal whose
    answer the evidence sets (its point probability is then shown).

    A band whose ends share a verdict (a prior-only goal whose assumption moves it
    little) is said to range "over" the assumption: it is not set by it."""
    if a.outcome is not None or a.bound is not None:
        return None
    flag = f"; {PRIOR_ONLY}" if a.prior_only else ""
    if a.band_input:
        sets = verdict(a.band_low) != verdict(a.band_high)
        return (
            f"{fmt_probability(a.band_low)}–{fmt_probability(a.band_high)}"
            f"{', set by' if sets else ' over'} {a.band_input}{flag}"
        )
    return f"{fmt_probability(a.probability)}{flag}" if a.prior_only else None


def headline(a: Assessment) -> pd.Series:
    """The row of ``a.proxies`` the probability comes from (the first one forecast)."""
    forecast = a.proxies[np.isfinite(a.proxies["median"].astype(float))]
    return forecast.iloc[0] if not forecast.empty else a.proxies.iloc[0]


#: The scorecard's columns, in order (:func:`scorecard`).
CARD_COLUMNS = [
    "goal",
    "probability",
    "verdict",
    "bound",
    "band",
    "band_low",
    "band_high",
    "band_input",
    "prior_only",
    "probability_lo_80",
    "probability_hi_80",
    "inside_probability",
    "outcome",
    "realized",
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
    vintage: Vintage | None = None,
    n_samples: int = 4000,
    seed: int = 0,
    influence: bool = False,
    predictive: bool = False,
) -> pd.DataFrame:
    """One row per goal: probability, verdict, progress ratio, hindsight, explanation.

    The probability is the calibrated one with its 80% interval
    (``probability_lo_80``, ``probability_hi_80``) beside the growth forecast's
    own (``inside_probability``). A goal whose outcome is published shows it
    (``outcome``, ``realized``, the verdict ``met`` or ``not met``) and no
    probability. A goal whose series has too little data by ``as_of`` gets a row
    with no probability and the reason in ``explanation``; the other goals are scored
    (each goal is assessed on its own series and proxies only). With
    ``influence``, an ``influence`` column lists the published rows whose removal
    moves each goal's probability most (:func:`targets.assess.influence.influence`).
    With ``predictive``, a ``predictive`` column gives each count goal's posterior
    predictive check (:func:`predictive_records`; ``None`` for other goals and for
    goals with no forecast).
    """
    from targets.assess.influence import influence as row_influence

    v = vintage_for(as_of, vintage)
    extra = [*(["influence"] if influence else []), *(["predictive"] if predictive else [])]
    rows = []
    for goal in v.goals:
        if influence:
            table = row_influence(goal, v, n_samples=n_samples, seed=seed)
            cells = table[["row", "dataset", "line", "without", "change"]].to_dict("records")
        else:
            cells = None
        try:
            a = assess(goal.id, vintage=v, n_samples=n_samples, seed=seed)
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
        cal = a.calibrated
        resolved = a.outcome is not None
        rows.append(
            {
                "goal": goal.id,
                # A resolved goal shows its outcome and the figure, not a chance; a goal
                # judged only on a bounding proxy shows the labelled bound.
                "probability": np.nan if resolved or a.bound else a.probability,
                "bound": bound_label(a),
                # An assumption that decides the answer: the band, with the point kept in
                # "probability" for scoring.
                "band": band_label(a),
                "band_low": a.band_low,
                "band_high": a.band_high,
                "band_input": a.band_input,
                "prior_only": a.prior_only,
                "verdict": a.verdict,
                "probability_lo_80": np.nan if resolved or cal is None else cal.lo_80,
                "probability_hi_80": np.nan if resolved or cal is None else cal.hi_80,
                "inside_probability": a.inside_probability,
                "outcome": a.outcome,
                "realized": a.hindsight["realized"].iloc[0] if resolved else np.nan,
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
    vintage: Vintage | None = None,
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
    vintage : Vintage, optional
        The data (default as in :func:`assess`); its full data are cut at each date.

    Returns
    -------
    pandas.DataFrame
        ``as_of, probability, bound, band, band_low, band_high, verdict, median, lo_80,
        hi_80, method, note,
        method_change``; dates with too little data have no probability and
        say why; a goal judged only on a bound has its label in ``bound`` and no
        probability; a count goal whose answer an assumption decides has its band in
        ``band`` (:func:`band_label`) beside the point probability the record
        scores. ``method_change`` is True where the forecast method, or a dated
        assumption in force, differs from the previous date (a change of method or
        prior, not news); ``note`` then says which.
    """
    full = (vintage or open_vintage()).latest
    goal = full.goal(goal_id)
    announced = pd.Timestamp(goal.announced)
    if dates is None:
        latest = full.last_published
        dates = list(pd.date_range(announced, max(latest, announced), freq="6MS"))
        dates = [announced, *[d for d in dates if d > announced], latest]
    kept = [d for d in dates if d is None or pd.Timestamp(d) >= announced]
    if not any(d is not None and pd.Timestamp(d) == announced for d in kept):
        kept = [announced, *kept]
    rows = []
    previous_method, previous_assumptions = None, None
    for d in kept:
        at = full.at(d)
        in_force = _assumptions_in_force(at, goal.kind)
        try:
            a = assess(goal_id, vintage=at, n_samples=n_samples, seed=seed)
            head = headline(a)
            row = {
                "as_of": pd.Timestamp(d) if d is not None else pd.NaT,
                # Once the outcome is published the record says so and stops giving a chance;
                # a goal judged on a bound gets the labelled bound, not a probability.
                "probability": (
                    np.nan if a.outcome is not None or a.bound is not None else a.probability
                ),
                "bound": bound_label(a),
                "band": band_label(a),
                "band_low": a.band_low if band_label(a) is not None else np.nan,
                "band_high": a.band_high if band_label(a) is not None else np.nan,
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
                "bound": None,
                "band": None,
                "band_low": np.nan,
                "band_high": np.nan,
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


def _assumptions_in_force(vintage: Vintage, kind: str) -> frozenset:
    """(id, value) of the dated assumptions usable in the vintage that a goal kind can use.

    Count-model assumptions (``count_``) only move count goals.
    """
    table = vintage.assumptions
    if kind != "count":
        table = table[~table["assumption_id"].str.startswith("count_")]
    return frozenset(zip(table["assumption_id"], table["value"].astype(str), strict=True))
