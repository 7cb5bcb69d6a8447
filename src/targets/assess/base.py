"""What every goal kind shares: the verdict scale, the Assessment record, small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from targets.counts.goal import CountDetail
from targets.errors import TargetsError
from targets.sources.goals import Goal

VERDICTS: tuple[tuple[float, str], ...] = (
    (0.8, "likely"),
    (0.5, "plausible"),
    (0.2, "stretch"),
    (0.0, "implausible"),
)


def verdict(probability: float) -> str:
    """The verdict category of a probability (see :data:`VERDICTS`)."""
    return next(label for cut, label in VERDICTS if probability >= cut)


@dataclass(frozen=True)
class Assessment:
    """The answer for one goal as of one date.

    Attributes
    ----------
    goal : Goal
    as_of : Timestamp or None
    probability : float
        Probability that the goal is met: the inside view calibrated on the track
        record of past statements (:attr:`calibrated`).
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
    count : targets.counts.goal.CountDetail or None
        Count goals: the size model's inputs, posterior predictive table,
        concentration statement, top shares, Lorenz curve, tornado and scenarios.
    inside_probability : float
        The growth forecast's own probability (the inside view), before calibration.
    calibrated : targets.assess.calibration.Calibrated or None
        How the probability combines the inside view with the track record of
        statements of this kind (``None`` without a track record: the probability
        is then the inside view's).
    outcome : str or None
        ``"met"`` or ``"not met"`` once the goal's own outcome is published by the
        as-of date; a resolved goal's reports show the outcome, not a chance.
    bound : str or None
        ``"at least"`` or ``"at most"`` when only a proxy that bounds the goal's
        quantity could be forecast (a part or a whole of it): the probability is then
        a bound on the goal's chance, labelled so, never a plain probability.
    band_low, band_high : float
        Count goals whose probability an assumption decides (:attr:`band_input`): the
        probability with that assumption at either end of its documented range, on
        the scale of :attr:`probability` (calibrated where it is); NaN otherwise.
    band_input : str or None
        The assumption that decides the probability, in the reader's words (``"the
        assumed share of new brands"``), when the fit used no evidence row
        (:attr:`prior_only`) or that assumption's range alone swings the probability
        by at least the ``count_assumption_decides_swing`` row of the assumptions
        file; ``None`` when the evidence, not an assumption, sets the answer. The
        reports then show the band, not :attr:`probability` (which stays the point
        the track record scores).
    prior_only : bool
        True for a count goal whose size model was fitted to no evidence row at the
        as-of date: its probability is a prior.
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
    count: CountDetail | None = field(default=None, repr=False)
    inside_probability: float = float("nan")
    calibrated: object = field(default=None, repr=False)
    outcome: str | None = None
    bound: str | None = None
    band_low: float = float("nan")
    band_high: float = float("nan")
    band_input: str | None = None
    prior_only: bool = False


def _as_of(as_of) -> pd.Timestamp | None:
    if as_of is None:
        return None
    try:
        return pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError) as exc:
        raise TargetsError(f"as_of must be a date like '2021-04-08'; got {as_of!r}") from exc


def _summary(
    name: str, method: str, samples: np.ndarray, goal: Goal, met: np.ndarray | None = None
) -> dict:
    lo, med, hi = np.quantile(samples, [0.1, 0.5, 0.9])
    met = goal.met(samples) if met is None else met
    return {
        "proxy": name,
        "method": method,
        "probability": float(np.mean(met)),
        "median": float(med),
        "lo_80": float(lo),
        "hi_80": float(hi),
    }


def _deadline(goal: Goal) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    start, end = pd.Timestamp(goal.deadline_start), pd.Timestamp(goal.deadline_end)
    return start, end, start + (end - start) / 2
