"""Count goals ("1,000 merchants above ¥100M a year") judged with the fitted size model.

For a count goal, :func:`count_result` fits the size model
(:mod:`targets.counts.model`) to the goal's size evidence published by the as-of
date, draws the platform's GMV over the goal year from its driver
(:mod:`targets.growth.drivers`), and returns the count's distribution with the checks
a reader needs: the posterior predictive table of every evidence row, the
concentration the goal implies against the one the evidence implies, the
Lorenz curve, and which input decides the answer (tornado and scenarios).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize

from targets.counts import model as countmodel
from targets.counts import sizes
from targets.counts.inputs import Input, evidence_frame, size_prior
from targets.errors import ForecastError, GoalError, TargetsError
from targets.growth import drivers
from targets.sources.goals import Goal
from targets.sources.units import format_yuan
from targets.sources.vintage import Vintage

#: Prior draws weighed by the evidence (importance sampling).
N_PRIOR = 20000
#: Top-k groups whose share of goal-year sales is reported.
TOP_GROUPS = (100, 1000, 10000)


@dataclass(frozen=True)
class CountDetail:
    """What a count goal's assessment shows beyond its probability.

    Attributes
    ----------
    inputs : pandas.DataFrame
        ``input, low, high, basis, assumed, reasoning``: each prior range as set
        at the as-of date.
    predictive : pandas.DataFrame
        Per evidence row: ``label, role, value, median, lo_80, hi_80, inside,
        hindsight, fitted, note`` (the posterior predictive check).
    concentration : dict
        ``needed_share`` (the least share of goal-year sales the counted
        entities hold if the goal is met), ``top_k`` (the goal's count),
        ``share_median, share_lo_80, share_hi_80`` (the model's share of the top
        ``top_k``), ``kth_sales_median, kth_sales_lo_80, kth_sales_hi_80`` (sales of
        the ``top_k``-th largest entity in the goal year, yuan: the goal is met
        exactly when it reaches the threshold) and ``statement``.
    top_shares : pandas.DataFrame
        ``top, median, lo_80, hi_80``: implied shares of goal-year sales held by
        the top 100 / 1,000 / 10,000 entities.
    lorenz : pandas.DataFrame
        ``entities_share, sales_share, lo_80, hi_80``: the Lorenz curve (entities smallest
        first), on a grid dense near the largest entities.
    tornado : pandas.DataFrame
        ``input, low_label, high_label, p_low, p_high, swing``: the probability
        with one input held at its 10th and 90th posterior percentile.
    scenarios : pandas.DataFrame
        ``scenario, gmv, population, gmv_share, alpha, median_count, probability``.
    analogs : pandas.DataFrame
        ``population, entities, total_yuan, top, median, lo_80, hi_80``: the same
        top shares for each fitted population whose size and total are
        published (e.g. another platform's brands), where the data allow.
    ess : float
        Effective sample size of the fit.
    fitted_rows : int
        Evidence rows in the likelihood.
    assumption_band : pandas.DataFrame
        ``input, label, assumed, low, high, p_low, p_high, swing``: the probability
        with one goal-level input (:data:`BAND_INPUTS`) held at the low and at the
        high end of its documented range as set at the as-of date (not a posterior
        percentile), largest swing first; inputs with no range are left out. The
        first ``assumed`` row is the assumption that decides the answer most
        (:func:`decisive_assumption`).
    """

    inputs: pd.DataFrame
    predictive: pd.DataFrame
    concentration: dict
    top_shares: pd.DataFrame
    lorenz: pd.DataFrame
    tornado: pd.DataFrame
    scenarios: pd.DataFrame
    analogs: pd.DataFrame
    ess: float
    fitted_rows: int
    draws: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    assumption_band: pd.DataFrame = field(default_factory=lambda: _empty_band())


@lru_cache(maxsize=16)
def goal_driver(goal: Goal, vintage: Vintage) -> drivers.Driver:
    """The driver of a count goal's GMV (its own series), once per goal and vintage."""
    return drivers.driver_for(vintage, goal.series, name=vintage.ref_name(goal.series))


def _sampler(driver: drivers.Driver) -> countmodel.Sampler:
    def draw(start, end, n, rng):
        try:
            return driver.totals(start, end, n, rng)
        except ForecastError as exc:
            raise TargetsError(f"GMV over {start.date()} to {end.date()}: {exc}") from None

    return draw


def _ordinal(k: float) -> str:
    """``1,000th``, ``1,124th``, ``21st``, ``102nd``."""
    n = int(round(k))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _quantiles(x: np.ndarray) -> tuple[float, float, float]:
    lo, med, hi = np.quantile(x, [0.1, 0.5, 0.9])
    return float(med), float(lo), float(hi)


def _met(goal: Goal, counts: np.ndarray) -> np.ndarray:
    return counts >= goal.threshold if goal.comparator == ">=" else counts > goal.threshold


def _middle(goal: Goal) -> pd.Timestamp:
    """The middle of the goal period (population rows of other periods are scaled to it)."""
    start, end = pd.Timestamp(goal.deadline_start), pd.Timestamp(goal.deadline_end)
    return start + (end - start) / 2


def _fit(goal: Goal, vintage: Vintage, n: int, seed: int, *, hindsight: bool):
    """The size model fitted to the goal's evidence at the vintage's date (with the rows
    published later marked, never fitted, when ``hindsight``): ``(fit, inputs, driver)``."""
    driver = goal_driver(goal, vintage)
    prior, inputs = size_prior(goal.count_spec, vintage)
    evidence = evidence_frame(goal.count_spec, goal.entity or "", vintage, hindsight=hindsight)
    fit = countmodel.fit(
        evidence,
        prior,
        _sampler(driver),
        n_prior=N_PRIOR,
        n_draws=n,
        seed=seed,
        reference=_middle(goal),
    )
    return fit, inputs, driver


def fit_goal(goal: Goal, vintage: Vintage, n: int, seed: int):
    """Fit the size model for ``goal`` in a vintage: ``(fit, inputs, goal_gmv, driver)``."""
    if goal.kind != "count" or goal.count_spec is None:
        raise GoalError(
            f"{goal.id}: a count goal needs platform, population, gmv_share and size_evidence "
            "in goals.yaml"
        )
    fit, inputs, driver = _fit(goal, vintage, n, seed, hindsight=False)
    rng = np.random.default_rng(seed + 1)
    start, end = pd.Timestamp(goal.deadline_start), pd.Timestamp(goal.deadline_end)
    gmv = driver.totals(start, end, n, rng)
    return fit, inputs, gmv, driver


def hindsight_check(goal: Goal, vintage: Vintage, n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Rows published after the vintage's date against the model fitted in it (latest reports).

    Returns
    -------
    pandas.DataFrame
        The predictive table (``label, value, median, lo_80, hi_80, inside,
        note, published``) of the rows published after the vintage's date.
    """
    fit, _, _ = _fit(goal, vintage, n, seed, hindsight=True)
    pred = fit.predictive
    return pred[pred["hindsight"].astype(bool)].reset_index(drop=True)


def count_result(goal: Goal, vintage: Vintage, n: int, seed: int) -> dict:
    """Counts above the goal's threshold and the checks behind them.

    Returns
    -------
    dict
        ``samples`` (counts), ``gmv`` (goal-year GMV samples, yuan), ``method``,
        ``driver`` and ``detail`` (:class:`CountDetail`).
    """
    fit, inputs, gmv, driver = fit_goal(goal, vintage, n, seed)
    rng = np.random.default_rng(seed + 2)
    counts = countmodel.predict_counts(fit, goal.entity_threshold, gmv, rng)
    detail = _detail(goal, fit, inputs, gmv, rng)
    method = (
        f"size model (two-segment double Pareto-log-normal) fitted to {detail.fitted_rows} "
        f"evidence rows, over {driver.method}"
    )
    return {"samples": counts, "gmv": gmv, "method": method, "driver": driver, "detail": detail}


def required_gmv(goal: Goal, detail_draws: pd.DataFrame) -> float:
    """Goal-year GMV (yuan) at which the median expected count equals the goal (NaN if none)."""

    def gap(log_g: float) -> float:
        c = countmodel.expected_counts(
            detail_draws, goal.entity_threshold, np.full(len(detail_draws), np.exp(log_g))
        )
        return float(np.log(np.median(c) + 1e-300) - np.log(goal.threshold))

    lo, hi = np.log(1e8), np.log(1e15)
    if gap(lo) > 0 or gap(hi) < 0:
        return float("nan")
    return float(np.exp(optimize.brentq(gap, lo, hi)))


def _inputs_table(inputs: list[Input]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "input": i.name,
                "low": i.low,
                "high": i.high,
                "basis": i.basis,
                "assumed": i.assumed,
                "reasoning": i.sentence,
            }
            for i in inputs
        ]
    )


def _shape(d: pd.DataFrame) -> tuple:
    return tuple(d[c].to_numpy() for c in ("alpha", "beta", "tau", "head_entities", "head_sales"))


def _detail(goal: Goal, fit, inputs, gmv: np.ndarray, rng) -> CountDetail:
    d = fit.draws
    total = np.resize(gmv, len(d)) * d["gmv_share"].to_numpy()
    pop = d["population"].to_numpy()
    shape = _shape(d)
    k = goal.threshold / float(np.mean(d["subset_share"]))
    needed = k * goal.entity_threshold / total
    top_k = min(k, 0.5 * float(np.min(pop)))
    top_goal = sizes.mixture_top_total(top_k, total, pop, *shape)
    share = top_goal / total
    med, lo, hi = _quantiles(share)
    # The goal holds exactly when the k-th largest entity sells at least the threshold.
    kth = sizes.mixture_level_for_count(top_k, total, pop, *shape)
    kth_med, kth_lo, kth_hi = _quantiles(kth)
    need_med = float(np.median(needed))
    entity = goal.entity or "entities"
    source = "the evidence puts" if int(fit.evidence["fitted"].sum()) else "the prior alone puts"
    statement = _concentration_statement(
        goal, entity, source, k, (kth_med, kth_lo, kth_hi), need_med, total, (med, lo, hi)
    )
    concentration = {
        "top_k": k,
        "needed_share": need_med,
        "share_median": med,
        "share_lo_80": lo,
        "share_hi_80": hi,
        "kth_sales_median": kth_med,
        "kth_sales_lo_80": kth_lo,
        "kth_sales_hi_80": kth_hi,
        "statement": statement,
    }
    tops = []
    for top in TOP_GROUPS:
        s = sizes.mixture_top_total(np.minimum(top, 0.5 * pop), total, pop, *shape) / total
        m, a, b = _quantiles(s)
        tops.append({"top": top, "median": m, "lo_80": a, "hi_80": b})
    sub = d.iloc[: min(len(d), 300)]
    # Dense near the top: the largest 0.001% to 100% of entities, evenly on a log scale
    # (a heavy tail puts most sales in a sliver an even grid would not resolve).
    grid = np.r_[0.0, 1.0 - np.logspace(0.0, -5.0, 41)[1:], 1.0]
    curves = sizes.mixture_lorenz(*_shape(sub), entities_share=grid)[1]
    lorenz = pd.DataFrame(
        {
            "entities_share": grid,
            "sales_share": np.median(curves, axis=0),
            "lo_80": np.quantile(curves, 0.1, axis=0),
            "hi_80": np.quantile(curves, 0.9, axis=0),
        }
    )
    tornado, scenarios = _sensitivity(goal, d, np.resize(gmv, len(d)), rng)
    band = assumption_band(goal, d, np.resize(gmv, len(d)), _inputs_table(inputs), rng)
    return CountDetail(
        inputs=_inputs_table(inputs),
        predictive=fit.predictive,
        concentration=concentration,
        top_shares=pd.DataFrame(tops),
        lorenz=lorenz,
        tornado=tornado,
        scenarios=scenarios,
        analogs=_analogs(fit, shape),
        ess=fit.ess,
        fitted_rows=int(fit.evidence["fitted"].sum()),
        draws=d.assign(goal_gmv=np.resize(gmv, len(d))),
        assumption_band=band,
    )


def _concentration_statement(
    goal: Goal,
    entity: str,
    source: str,
    k: float,
    kth: tuple[float, float, float],
    need: float,
    total: np.ndarray,
    share: tuple[float, float, float],
) -> str:
    """What the goal asks of the size distribution, in words: the sales of the k-th largest
    entity, and the share of goal-year sales the top k would hold."""
    threshold = format_yuan(goal.entity_threshold)
    subset = ""
    if k > goal.threshold * 1.001:  # the goal counts a subset (e.g. new brands)
        subset = (
            f" (about {k:,.0f} of all {entity} above {threshold}, so that {goal.threshold:,.0f}"
            " of them are in the counted subset)"
        )
    median_total = float(np.median(total))
    text = (
        f"Met if the {_ordinal(k)}-largest of the {entity}{subset} sells at least {threshold} "
        f"in the goal year; {source} its sales at {format_yuan(kth[0])} (80%: "
        f"{format_yuan(kth[1])} to {format_yuan(kth[2])}). "
    )
    if need >= 1.0:
        return text + (
            f"The top {k:,.0f} would then sell {format_yuan(k * goal.entity_threshold)}, more "
            f"than the median goal-year sales of {format_yuan(median_total)} of all {entity}: "
            "at that level of sales the goal cannot be met."
        )
    return text + (
        f"The top {k:,.0f} would then hold at least {need:.1%} of goal-year sales ({k:,.0f} "
        f"times {threshold}, over the median goal-year sales of all {entity}, "
        f"{format_yuan(median_total)}); "
        f"{source} their share at {share[0]:.1%} (80%: {share[1]:.1%} to {share[2]:.1%}). "
        "Holding that share is necessary, not sufficient: a few very large "
        f"{entity} can hold it while the {_ordinal(k)}-largest sells less."
    )


def held_out_sentence(pred: pd.DataFrame) -> str:
    """The held-out check in words: each fitted row predicted by the fit to the others.

    Lower bounds (a category count below the platform's) are met by construction and
    are not counted as passes. Empty when no row could be held out.
    """
    if "held_inside" not in pred:
        return ""
    scored = pred[pred["held_inside"].notna()]
    bounds = scored["role"] == "lower_bound"
    rows = scored[~bounds]
    if rows.empty:
        return ""
    inside = rows["held_inside"].astype(bool)
    text = (
        f"Held out one at a time and predicted from the rest of the evidence (a check that "
        f"can fail), {int(inside.sum())} of {len(rows)} rows fall inside their 80% "
        f"interval, about {0.8 * len(rows):.0f} expected"
    )
    if (~inside).any():
        text += "; not predicted: " + "; ".join(rows.loc[~inside, "label"])
    if bounds.any():
        text += (
            f". {int(bounds.sum())} lower bound{'s are' if bounds.sum() > 1 else ' is'} left "
            "out of this count: any platform count above a bound passes it"
        )
    return text + "."


def _analogs(fit, shape: tuple) -> pd.DataFrame:
    """Top shares of the fitted populations whose size and total are published."""
    ev = fit.evidence
    known = ev[ev["fitted"] & ev["known_n"].notna() & ev["known_total"].notna()]
    rows = []
    for context, part in known.groupby("context", sort=True):
        n, total = float(part["known_n"].iloc[0]), float(part["known_total"].iloc[0])
        for top in (t for t in (10, *TOP_GROUPS) if t <= n / 5):
            s = sizes.mixture_top_total(top, total, n, *shape) / total
            m, a, b = _quantiles(s)
            rows.append(
                {
                    "population": str(part["label"].iloc[0]).split(" above ")[0].split(" ", 1)[1]
                    + f" ({context.split(' ')[-1]})",
                    "entities": n,
                    "total_yuan": total,
                    "top": top,
                    "median": m,
                    "lo_80": a,
                    "hi_80": b,
                }
            )
    columns = ["population", "entities", "total_yuan", "top", "median", "lo_80", "hi_80"]
    return pd.DataFrame(rows, columns=columns)


#: The goal-level inputs, as the explanation names them.
INPUT_LABELS = {
    "population": "number of active entities",
    "gmv_share": "their share of GMV",
    "subset_share": "the counted subset's share",
}


#: Every input of the size model in reader words, with how its values are written:
#: ``share`` as percentages, ``count`` as whole numbers, ``shape`` with two decimals,
#: ``rate`` as a percentage a year.
INPUT_WORDS: dict[str, tuple[str, str]] = {
    "alpha": ("upper tail index (lower = heavier tail)", "shape"),
    "beta": ("lower tail index", "shape"),
    "tau": ("width of the body (log scale)", "shape"),
    "head_entities": ("share of entities in the head", "share"),
    "head_sales": ("share of sales held by the head", "share"),
    "population_growth": ("growth of the number of entities (log a year)", "rate"),
    "population": ("number of active entities", "count"),
    "gmv_share": ("their share of GMV", "share"),
    "subset_share": ("the counted subset's share", "share"),
    "model_error_sd": ("model error of any count (log standard deviation)", "shape"),
}


def input_name(name: str) -> str:
    """A size-model input in reader words (``alpha`` -> ``upper tail index ...``)."""
    return INPUT_WORDS.get(name, (name.replace("_", " "), ""))[0]


def input_range(name: str, low: float, high: float) -> str:
    """An input's documented range in its own units (``"3% to 15%"``, ``"1.05 to 3.50"``,
    ``"1,000,000 to 3,000,000"``); a fixed value is written once (``"100%"``).

    Examples
    --------
    >>> input_range("alpha", 1.05, 3.5), input_range("gmv_share", 1.0, 1.0)
    ('1.05 to 3.50', '100% (fixed)')
    """
    style = INPUT_WORDS.get(name, ("", ""))[1]

    def one(v: float) -> str:
        if style == "share":
            return f"{v:.1%}".replace(".0%", "%") if v < 0.1 else f"{v:.0%}"
        if style == "rate":
            return f"{v:.2f}"
        if style == "shape":
            return f"{v:.2f}"
        return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.3g}"

    return f"{one(low)} (fixed)" if low == high else f"{one(low)} to {one(high)}"


def range_text(low: float, high: float) -> str:
    """An input's range as the explanations write it (``"3% to 15%"``, ``"1,000 to 5,000"``)."""
    if high <= 1.0:
        return f"{low:.0%} to {high:.0%}"
    return f"{low:,.0f} to {high:,.0f}"


#: Inputs of the tornado chart: column of the draws and its label.
TORNADO_INPUTS = (
    ("goal_gmv", "goal-year GMV"),
    ("population", "number of active entities"),
    ("gmv_share", "share of GMV"),
    ("alpha", "tail index (lower = heavier tail)"),
    ("head_sales", "share of sales in the head"),
)


def _sensitivity(goal: Goal, d: pd.DataFrame, gmv: np.ndarray, rng) -> tuple:
    frame = d.assign(goal_gmv=gmv)

    def probability(f: pd.DataFrame) -> tuple[float, float]:
        expected = countmodel.expected_counts(f, goal.entity_threshold, f["goal_gmv"].to_numpy())
        counts = rng.poisson(np.minimum(expected, 1e12)).astype(float)
        return float(np.mean(_met(goal, counts))), float(np.median(counts))

    rows, scen = [], []
    base_p, base_c = probability(frame)
    scen.append(_scenario("evidence as fitted (all inputs drawn)", frame, base_c, base_p))
    for col, label in TORNADO_INPUTS:
        values = frame[col].to_numpy()
        if np.ptp(values) == 0:
            continue
        lo, hi = np.quantile(values, [0.1, 0.9])
        p_lo, c_lo = probability(frame.assign(**{col: lo}))
        p_hi, c_hi = probability(frame.assign(**{col: hi}))
        rows.append(
            {
                "input": label,
                "low_value": float(lo),
                "high_value": float(hi),
                "p_low": p_lo,
                "p_high": p_hi,
                "swing": abs(p_hi - p_lo),
            }
        )
        scen.append(
            _scenario(f"{label} at its 10th percentile", frame.assign(**{col: lo}), c_lo, p_lo)
        )
        scen.append(
            _scenario(f"{label} at its 90th percentile", frame.assign(**{col: hi}), c_hi, p_hi)
        )
    tornado = pd.DataFrame(
        rows, columns=["input", "low_value", "high_value", "p_low", "p_high", "swing"]
    ).sort_values("swing", ascending=False, kind="stable")
    return tornado.reset_index(drop=True), pd.DataFrame(scen)


#: Goal-level inputs whose documented range can set a count goal's answer: the column of the
#: draws and the reader's words (``{entity}`` and ``{counted}`` filled per goal).
BAND_INPUTS = {
    "subset_share": "share of {counted}",
    "population": "number of active {entity}",
    "gmv_share": "share of GMV sold by {entity}",
}
BAND_COLUMNS = ["input", "label", "assumed", "low", "high", "p_low", "p_high", "swing"]


def _empty_band() -> pd.DataFrame:
    return pd.DataFrame(columns=BAND_COLUMNS).astype(
        {"assumed": bool, **{c: float for c in BAND_COLUMNS[3:]}}
    )


def counted_words(goal: Goal) -> str:
    """What a count goal counts, in its own name's words (``"new brands"``).

    The words between the goal's number and its threshold in the goal's name;
    the entity word when the name does not read that way.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> counted_words(SimpleNamespace(name="100 new brands above ¥100M a year", entity="brands"))
    'new brands'
    >>> counted_words(SimpleNamespace(name="Top sellers", entity="merchants"))
    'merchants'
    """
    import re

    hit = re.match(r"^[\d,.]+\s+(.+?)\s+(?:above|at|over)\s", goal.name or "")
    return hit.group(1) if hit else (goal.entity or "entities")


def assumption_band(
    goal: Goal, d: pd.DataFrame, gmv: np.ndarray, inputs: pd.DataFrame, rng
) -> pd.DataFrame:
    """The probability with each goal-level input held at either end of its documented range.

    Reuses the posterior draws (as the tornado does) with one column set to the
    low, then the high end of the input's range in ``inputs`` (the prior range
    in force at the as-of date, not a posterior percentile): how far that range
    alone moves the answer.

    Parameters
    ----------
    goal : Goal
    d : pandas.DataFrame
        Posterior draws (:attr:`targets.counts.model.Fit.draws`).
    gmv : numpy.ndarray
        Goal-year GMV per draw (yuan).
    inputs : pandas.DataFrame
        :attr:`CountDetail.inputs`.
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        :data:`BAND_COLUMNS`, largest swing first.
    """
    frame = d.assign(goal_gmv=gmv)
    words = {"entity": goal.entity or "entities", "counted": counted_words(goal)}

    def chance(column: str, value: float) -> float:
        held = frame.assign(**{column: value})
        gmv_held = held["goal_gmv"].to_numpy()
        expected = countmodel.expected_counts(held, goal.entity_threshold, gmv_held)
        counts = rng.poisson(np.minimum(expected, 1e12)).astype(float)
        return float(np.mean(_met(goal, counts)))

    rows = []
    for r in inputs[inputs["input"].isin(BAND_INPUTS)].itertuples():
        if not r.high > r.low:
            continue  # a single value (a definition) has no range to swing
        p_low, p_high = chance(r.input, float(r.low)), chance(r.input, float(r.high))
        rows.append(
            {
                "input": r.input,
                "label": BAND_INPUTS[r.input].format(**words),
                "assumed": bool(r.assumed),
                "low": float(r.low),
                "high": float(r.high),
                "p_low": p_low,
                "p_high": p_high,
                "swing": abs(p_high - p_low),
            }
        )
    if not rows:
        return _empty_band()
    band = pd.DataFrame(rows, columns=BAND_COLUMNS)
    return band.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def decisive_assumption(detail: CountDetail) -> pd.Series | None:
    """The assumed goal-level input whose documented range moves the probability most
    (a row of :attr:`CountDetail.assumption_band`), or ``None`` when every input with a
    range rests on a published figure."""
    assumed = detail.assumption_band[detail.assumption_band["assumed"].astype(bool)]
    return assumed.iloc[0] if len(assumed) else None


def _scenario(name: str, f: pd.DataFrame, count: float, p: float) -> dict:
    return {
        "scenario": name,
        "goal-year GMV (median)": float(f["goal_gmv"].median()),
        "active entities (median)": float(f["population"].median()),
        "share of GMV (median)": float(f["gmv_share"].median()),
        "tail index (median)": float(f["alpha"].median()),
        "median count": count,
        "probability": p,
    }


def explanation(goal: Goal, detail: CountDetail, gmv: np.ndarray) -> list[str]:
    """Sentences a count goal adds to its explanation, built from data rows."""
    parts = []
    med, lo, hi = _quantiles(gmv)
    parts.append(
        f"It rests on the GMV over the goal year of {format_yuan(med)} "
        f"(80%: {format_yuan(lo)} to {format_yuan(hi)})."
    )
    parts.append(detail.concentration["statement"])
    fitted = detail.fitted_rows
    if fitted == 0:
        parts.append(
            "No size evidence usable for this goal had been published by then: the tail and "
            "the concentration are the wide prior ranges, assumptions."
        )
    else:
        pred = detail.predictive
        used = pred[pred["fitted"].astype(bool)]
        inside = int(used["inside"].fillna(False).astype(bool).sum())
        parts.append(
            f"The size model is fitted to {fitted} published rows. As a fit check, not a "
            f"validation (the rows were used in the fit), {inside} of them lie inside its 80% "
            f"interval, where about {0.8 * len(used):.0f} would for a model that fits them "
            "neither too tightly nor too loosely."
        )
        held = held_out_sentence(pred)
        if held:
            parts.append(held)
    goal_inputs = detail.inputs[detail.inputs["input"].isin(INPUT_LABELS)]
    assumed = goal_inputs[goal_inputs["assumed"] & (goal_inputs["high"] != 1.0)]
    if len(assumed):
        names = ", ".join(
            f"{INPUT_LABELS[r.input]} ({range_text(r.low, r.high)})" for r in assumed.itertuples()
        )
        parts.append(f"Set without published evidence at this date: {names}.")
    return parts


def held_by_largest(lorenz: pd.DataFrame, fraction: float, column: str = "sales_share") -> float:
    """Share of sales held by the largest ``fraction`` of entities, read off a Lorenz frame.

    Interpolated on the log of the fraction between the frame's grid points.

    Examples
    --------
    >>> lz = pd.DataFrame({"entities_share": [0.0, 0.9, 0.99, 1.0],
    ...                    "sales_share": [0.0, 0.5, 0.8, 1.0]})
    >>> round(held_by_largest(lz, 0.1), 3)
    0.5
    """
    top = 1.0 - lorenz["entities_share"].to_numpy(dtype=float)
    held = 1.0 - lorenz[column].to_numpy(dtype=float)
    keep = top > 0
    order = np.argsort(top[keep])
    return float(np.interp(np.log(fraction), np.log(top[keep][order]), held[keep][order]))
