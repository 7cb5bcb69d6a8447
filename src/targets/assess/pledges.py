"""The track record on real pledges: each assessed as of its announcement, scored on its outcome.

``data/pledges.yaml`` holds real pledges, plans and published forecasts (same
fields as a goal file). :func:`records` computes, for each, the growth
forecast's probability (the *inside view*) with only the rows published by its
announcement, its ambition and horizon, its outcome read from the series' own
later rows (:mod:`targets.assess.hindsight`) and the date that outcome was first
published. :func:`backtest_goals` scores the calibrated probabilities *out of
time*: each entry's probability comes from the calibration model
(:mod:`targets.assess.calibration`) fitted only to the entries resolved before
its announcement. Scores carry 90% bootstrap intervals and sit beside the
baselines: a constant 50%, the base rate known at each announcement (out of
time, like the model) and the base rate of all scored entries (known only in
hindsight, a generous baseline).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from targets.assess import calibration, store
from targets.assess.aggregate import _aggregate
from targets.assess.hindsight import _realized
from targets.assess.series import own_proxy, rows_for
from targets.errors import ForecastError
from targets.sources.goals import Goal, Proxy
from targets.sources.vintage import Vintage

#: Reliability bins (probability edges); mathematics of the table, not a model constant.
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: Bootstrap resamples for the score intervals (a precision setting, not a model constant).
N_BOOTSTRAP = 2000
#: Groups of scored statements by how many earlier outcomes their calibration had learned
#: from: lower edges (a display grouping; it moves no probability).
LEARNED_FROM = (0, 10, 30, 60)
#: The columns of :func:`records`.
RECORD_COLUMNS = [
    "id",
    "type",
    "comparator",
    "announced",
    "deadline",
    "deadline_end",
    "statement",
    "p_inside",
    "ambition",
    "horizon",
    "method",
    "realized",
    "met",
    "resolved_on",
    "note",
]


def _resolved_on(goal: Goal, proxy: Proxy, latest: Vintage) -> pd.Timestamp | None:
    """The first date by which the outcome of ``goal`` could be read (``None``: not yet)."""
    if _realized(goal, proxy, latest)[0] is None:
        return None
    parts = [rows_for(r, latest) for r in proxy.parts]
    if latest.exchange_rate is not None:
        parts.append(latest.series(latest.exchange_rate))
    dates = pd.concat(parts, ignore_index=True)["published"]
    candidates = sorted(d for d in dates.unique() if d >= pd.Timestamp(goal.deadline_start))
    lo, hi = 0, len(candidates) - 1
    if hi < 0:
        return None
    while lo < hi:  # the outcome, once readable, stays readable as rows are added
        mid = (lo + hi) // 2
        if _realized(goal, proxy, latest.at(candidates[mid]))[0] is not None:
            hi = mid
        else:
            lo = mid + 1
    return pd.Timestamp(candidates[lo])


def records(
    pledges: Vintage, *, n_samples: int = 500, seed: int = 0, needed_by=None
) -> pd.DataFrame:
    """Every entry's inside view at its announcement, ambition, horizon and outcome.

    Parameters
    ----------
    pledges : Vintage
        The data with the pledge file as its goal registry
        (``vintage.pledges()``). Its date limits the outcomes read (an as-of
        report shows no later figure) and the entries listed (announced by then).
    needed_by : date-like, optional
        Compute the growth forecast only for entries whose outcome was published
        by this date (the calibration as of that date learns from no other); the
        others keep an empty ``p_inside`` and say so in ``note``.

    Returns
    -------
    pandas.DataFrame
        :data:`RECORD_COLUMNS`: ``p_inside`` is empty where the announcement had
        too little published data for a forecast (``note`` says why); ``met``
        and ``resolved_on`` are empty where no outcome is published yet.
    """
    cutoff = None if needed_by is None else pd.Timestamp(needed_by)
    rows = []
    for goal in pledges.goals:
        announced = pd.Timestamp(goal.announced)
        if goal.kind == "count" or (pledges.as_of is not None and announced > pledges.as_of):
            continue
        record = dict(_outcome_of(pledges, goal.id))
        resolved = record["resolved_on"]
        if cutoff is None or (resolved is not None and resolved <= cutoff):
            then = pledges.at(announced)
            # Stored under the content of what the growth forecast reads at the announcement
            # (its series, the settings, the assumptions usable then): a folder cut at any
            # later date, or other data, reuse it.
            record |= store.cached(
                "pledge_inside",
                (goal.id, n_samples, seed),
                lambda goal=goal, then=then: _inside(goal, then, n_samples, seed),
                content=_inputs_hash_of(pledges, goal.id),
            )
        else:
            record["note"] = "not needed: no published outcome by the date"
        rows.append(record)
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame["resolved_on"] = pd.to_datetime(frame["resolved_on"])
    return frame


@lru_cache(maxsize=4096)
def _outcome_of(pledges: Vintage, goal_id: str) -> dict:
    """:func:`_outcome`, once per track-record vintage and entry: the records asked at many
    dates (a page's history) read the same outcomes. Stored too, so every kernel of a run
    shares them (keyed by the content of the data and the date they are read at)."""
    goal = pledges.goal(goal_id)
    return store.cached(
        "pledge_outcome",
        (goal_id, None if pledges.as_of is None else str(pledges.as_of.date())),
        lambda: _outcome(goal, pledges),
        content=pledges.content,
    )


@lru_cache(maxsize=4096)
def _inputs_hash_of(pledges: Vintage, goal_id: str) -> str:
    """:func:`_inputs_hash` of an entry at its announcement, once per vintage and entry."""
    goal = pledges.goal(goal_id)
    return store.cached(
        "pledge_inputs",
        (goal_id, None if pledges.as_of is None else str(pledges.as_of.date())),
        lambda: _inputs_hash(goal, pledges.at(pd.Timestamp(goal.announced))),
        content=pledges.content,
    )


def _outcome(goal: Goal, pledges: Vintage) -> dict:
    """An entry's description, outcome and the date its outcome was first published."""
    announced = pd.Timestamp(goal.announced)
    proxy = (goal.proxies or (own_proxy(goal),))[0]
    value, met = _realized(goal, proxy, pledges)
    return {
        "id": goal.id,
        "type": goal.type,
        "comparator": goal.comparator,
        "announced": announced,
        "deadline": f"{goal.deadline_start} to {goal.deadline_end}",
        "deadline_end": pd.Timestamp(goal.deadline_end),
        "statement": goal.statement_en,
        "p_inside": np.nan,
        "ambition": np.nan,
        "horizon": (pd.Timestamp(goal.deadline_end) - announced).days / 365.25,
        "method": "",
        "realized": value if value is not None else np.nan,
        "met": met,
        "resolved_on": _resolved_on(goal, proxy, pledges) if met is not None else None,
        "note": "",
    }


def _inside(goal: Goal, then: Vintage, n_samples: int, seed: int) -> dict:
    """The growth forecast's probability, method and ambition at the announcement."""
    out = {"p_inside": np.nan, "ambition": np.nan, "method": "", "note": ""}
    try:
        result = _aggregate(goal, then, n_samples, seed)
    except ForecastError as exc:
        out["note"] = str(exc)
        return out
    out["p_inside"] = float(np.mean(result["met"]))
    head = result["proxies"].set_index("proxy").loc[result["headline"]]
    out["method"] = str(head["method"])
    ambition = calibration.ambition_of(result["growth"])
    out["ambition"] = np.nan if ambition is None else ambition
    return out


def _inputs_hash(goal: Goal, vintage: Vintage) -> str:
    """A hash of everything an entry's record reads: its rows, the settings, the assumptions."""
    import hashlib

    refs = [goal.series]
    for proxy in goal.proxies:
        refs.extend(proxy.parts)
    if goal.ceiling is not None:
        refs.extend([goal.ceiling.series, *goal.ceiling.also])
        if goal.ceiling.largest_share_of is not None:
            refs.append(goal.ceiling.largest_share_of)
    refs.extend(vintage.reference_class)
    for model in vintage.series_models:
        refs.extend([model.series, *model.also])
    if vintage.exchange_rate is not None:
        refs.append(vintage.exchange_rate)
    digest = hashlib.sha256(repr((goal, vintage.series_models, vintage.as_of)).encode())
    for ref in refs:
        digest.update(vintage.series(ref).to_csv(index=False).encode())
    table = vintage.assumptions.drop(columns=["file", "row"], errors="ignore")
    digest.update(table.to_csv(index=False).encode())
    return digest.hexdigest()


def out_of_time(table: pd.DataFrame, prior: calibration.Prior, seed: int = 0) -> pd.DataFrame:
    """Each entry's calibrated probability from the entries resolved before its announcement.

    Adds ``probability``, ``lo_80``, ``hi_80``, ``outside``, ``inside_share``,
    ``n_resolved`` and ``base_rate_then`` (the share met among those entries; NaN
    with none) to ``table``.
    """
    out = table.copy()
    cols = {c: [] for c in ("probability", "lo_80", "hi_80", "outside", "inside_share")}
    n_resolved, base_then = [], []
    for r in table.itertuples(index=False):
        known = calibration.training(table, r.announced - pd.Timedelta(days=1), exclude=r.id)
        post = calibration.fit_records(known, prior)
        p_inside = None if pd.isna(r.p_inside) else float(r.p_inside)
        ambition = None if pd.isna(r.ambition) else float(r.ambition)
        x = calibration.features(p_inside, r.type, ambition, r.horizon, r.comparator)
        c = calibration.predict(post, x, p_inside, seed)
        for k in cols:
            cols[k].append(getattr(c, k))
        n_resolved.append(post.n)
        base_then.append(post.base_rate)
    for k, v in cols.items():
        out[k] = v
    out["n_resolved"] = n_resolved
    out["base_rate_then"] = base_then
    return out


def _log_score(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(p, calibration.CLIP, 1 - calibration.CLIP)
    return np.where(y, np.log(p), np.log(1 - p))


def scores(table: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Brier and log scores of the scored entries, with 90% bootstrap intervals, and baselines.

    The forecasters: ``targets`` (the calibrated probability, out of time),
    ``growth forecast alone`` (the inside view; entries without one get 50%),
    ``base rate then`` (the share met among the entries resolved before each
    announcement; 50% with none), ``constant 50%`` and ``base rate (hindsight)``
    (the share met among all scored entries, which nobody knew in advance).

    Returns
    -------
    pandas.DataFrame
        ``forecaster, n, brier, brier_lo, brier_hi, log_score, log_lo, log_hi,
        brier_skill`` (``1 - brier / brier of base rate (hindsight)``; higher is
        better). Lower Brier and higher log score are better.
    """
    scored = table[table["met"].notna() & table["probability"].notna()]
    y = scored["met"].astype(bool).to_numpy()
    n = len(y)
    columns = ["forecaster", "n", "brier", "brier_lo", "brier_hi", "log_score", "log_lo"]
    columns += ["log_hi", "brier_skill"]
    if n == 0:
        return pd.DataFrame(columns=columns)
    base = float(np.mean(y))
    inside = scored["p_inside"].fillna(0.5).to_numpy(float)
    then = scored["base_rate_then"].fillna(0.5).to_numpy(float)
    forecasters = {
        "targets": scored["probability"].to_numpy(float),
        "growth forecast alone": inside,
        "base rate then": then,
        "constant 50%": np.full(n, 0.5),
        f"base rate, hindsight ({base:.0%})": np.full(n, base),
    }
    rng = np.random.default_rng([seed, 90])
    idx = rng.integers(0, n, size=(N_BOOTSTRAP, n))
    base_brier = float(np.mean((base - y) ** 2))
    out = []
    for name, q in forecasters.items():
        brier = (q - y) ** 2
        log = _log_score(q, y)
        b_boot, l_boot = brier[idx].mean(axis=1), log[idx].mean(axis=1)
        out.append(
            {
                "forecaster": name,
                "n": n,
                "brier": float(brier.mean()),
                "brier_lo": float(np.quantile(b_boot, 0.05)),
                "brier_hi": float(np.quantile(b_boot, 0.95)),
                "log_score": float(log.mean()),
                "log_lo": float(np.quantile(l_boot, 0.05)),
                "log_hi": float(np.quantile(l_boot, 0.95)),
                "brier_skill": 1.0 - float(brier.mean()) / base_brier if base_brier else np.nan,
            }
        )
    return pd.DataFrame(out, columns=columns)


def reliability(table: pd.DataFrame) -> pd.DataFrame:
    """Entries binned by their probability: how many, mean probability, share met."""
    scored = table.dropna(subset=["probability"])
    scored = scored[scored["met"].notna()]
    rows = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        last = hi == BINS[-1]
        p = scored["probability"]
        part = scored[(p >= lo) & ((p <= hi) if last else (p < hi))]
        rows.append(
            {
                "bin": f"{lo:.0%}-{hi:.0%}",
                "n": len(part),
                "mean_probability": float(part["probability"].mean()) if len(part) else np.nan,
                "share_met": float(part["met"].astype(bool).mean()) if len(part) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def by_learning(table: pd.DataFrame) -> pd.DataFrame:
    """Scores of the statements grouped by how many earlier outcomes the calibration had.

    An out-of-time calibration starts from its prior and learns as outcomes are published;
    its early probabilities are mostly prior. Per group of :data:`LEARNED_FROM`: the
    statements scored, the share met, and the Brier scores of the calibrated probability, the
    growth forecast alone (50% without one) and the base rate then (50% with none resolved).

    Returns
    -------
    pandas.DataFrame
        ``learned_from, n, share_met, brier, brier_inside, brier_base_then`` (one row per
        group with statements; ``learned_from`` reads like ``"10-29"`` or ``"60 or more"``).
    """
    scored = table[table["met"].notna() & table["probability"].notna()]
    columns = ["learned_from", "n", "share_met", "brier", "brier_inside", "brier_base_then"]
    rows = []
    edges = [*LEARNED_FROM, np.inf]
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        part = scored[(scored["n_resolved"] >= lo) & (scored["n_resolved"] < hi)]
        if part.empty:
            continue
        y = part["met"].astype(bool).to_numpy(float)

        def brier(q: pd.Series, y: np.ndarray = y) -> float:
            return float(np.mean((q.fillna(0.5).to_numpy(float) - y) ** 2))

        rows.append(
            {
                "learned_from": f"{lo}-{int(hi) - 1}" if np.isfinite(hi) else f"{lo} or more",
                "n": len(part),
                "share_met": float(y.mean()),
                "brier": brier(part["probability"]),
                "brier_inside": brier(part["p_inside"]),
                "brier_base_then": brier(part["base_rate_then"]),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def backtest_goals(
    pledges: Vintage,
    *,
    n_samples: int = 500,
    seed: int = 0,
    table: pd.DataFrame | None = None,
    as_of: pd.Timestamp | None = None,
) -> dict:
    """The whole track record, out of time: ``{"pledges", "scores", "reliability", "by_type",
    "by_learning"}`` (:func:`by_learning`).

    ``pledges`` are :func:`records` with the calibrated, out-of-time
    probabilities of :func:`out_of_time`; ``by_type`` gives per kind of
    statement the entries, the share met and the mean probability. ``table``
    reuses records computed earlier; ``as_of`` keeps only the entries whose
    outcome was published by then (what a report as of that date may show).
    """
    table = records(pledges, n_samples=n_samples, seed=seed) if table is None else table.copy()
    if as_of is not None:
        table = table[(table["announced"] <= as_of)].copy()
        late = table["resolved_on"].isna() | (table["resolved_on"] > as_of)
        table["met"] = table["met"].astype(object).where(~late, None)
        table["realized"] = table["realized"].where(~late, np.nan)
        table["resolved_on"] = table["resolved_on"].where(~late, pd.NaT)
    prior = calibration.Prior.from_assumptions(pledges)
    table = out_of_time(table, prior, seed)
    scored = table[table["met"].notna()]
    by_type = (
        scored.groupby("type")
        .agg(
            entries=("id", "size"),
            share_met=("met", lambda m: float(np.mean(m.astype(bool)))),
            mean_probability=("probability", "mean"),
        )
        .reset_index()
    )
    return {
        "pledges": table,
        "scores": scores(table, seed),
        "reliability": reliability(table),
        "by_type": by_type,
        "by_learning": by_learning(table),
    }
