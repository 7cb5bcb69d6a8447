"""The outside view of pledges, combined with the inside view by a calibration model.

A growth forecast (the *inside view*) says how likely a goal is from its own
series. Pledges, plans and forecasts of a kind have a record of their own (the
*outside view*): company guidance is usually met, national plans often are,
third-party forecasts miss about as often as they hit, and a goal that needs
much faster growth than was achieved misses more often. The calibration model
is a Bayesian logistic regression of "met" on

* the inside view's log-odds (``inside``; 0 with ``no_inside`` = 1 when the
  series supported no forecast at the announcement),
* the kind of statement (company pledge is the baseline; ``internal_target``,
  ``plan``, ``third_party_forecast``),
* the ambition: the growth a year the goal requires against the growth last
  achieved (log-growth difference; 0 with ``no_ambition`` = 1 when not computable),
* the horizon in years,
* whether the goal is a band (``between``, ``about``) rather than a bound,
* the inside view's log-odds again for each kind but company pledges (its
  weight may differ by who made the statement),

fitted to the track record's entries whose outcome had been published by the
as-of date, each with the inside view computed at its own announcement with the
data published by then. Its priors are dated assumption rows
(``calibration_*``): with no resolved entry the probability is the prior's (an
inside view trusted at half weight, as the forecasting literature found of
confident forecasts), and it learns as outcomes arrive. The posterior's
uncertainty gives the probability an interval, and the log-odds split into the
two views says how much each contributed.

References
----------
Kahneman, D., & Lovallo, D. (1993). Timid choices and bold forecasts. Management
Science 39(1), 17-31 (the inside and the outside view).
Gelman, A., Jakulin, A., Pittau, M. G., & Su, Y.-S. (2008). A weakly informative
default prior distribution for logistic regression. Annals of Applied Statistics 2(4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from targets.sources.vintage import Vintage

#: The model's features, in order (the intercept first).
FEATURES: tuple[str, ...] = (
    "intercept",
    "inside",
    "no_inside",
    "ambition",
    "no_ambition",
    "horizon",
    "range",
    "type_internal_target",
    "type_plan",
    "type_third_party_forecast",
    "inside_x_plan",
    "inside_x_third_party",
    "inside_x_internal",
)
#: Assumption row giving each feature's prior: a range read as the central 95% of a normal.
PRIOR_ROWS: dict[str, str] = {
    "intercept": "calibration_intercept",
    "inside": "calibration_inside_weight",
    "no_inside": "calibration_no_inside",
    "ambition": "calibration_ambition",
    "no_ambition": "calibration_no_ambition",
    "horizon": "calibration_horizon",
    "range": "calibration_range",
    "type_internal_target": "calibration_type_effect",
    "type_plan": "calibration_type_effect",
    "type_third_party_forecast": "calibration_type_effect",
    "inside_x_plan": "calibration_inside_by_type",
    "inside_x_third_party": "calibration_inside_by_type",
    "inside_x_internal": "calibration_inside_by_type",
}
#: Inside-view probabilities are clipped to this before taking log-odds: a Monte Carlo 0 or
#: 1 says "beyond the sample's resolution", not certainty (mathematics, not a prior).
CLIP = 0.005
#: Posterior draws for the calibrated probability and its interval.
N_DRAWS = 2000


def logit(p: np.ndarray | float) -> np.ndarray:
    """Log-odds, with ``p`` clipped to ``[CLIP, 1 - CLIP]``."""
    q = np.clip(np.asarray(p, dtype=float), CLIP, 1 - CLIP)
    return np.log(q / (1 - q))


def features(
    p_inside: float | None,
    goal_type: str,
    ambition: float | None,
    horizon: float,
    comparator: str = ">=",
) -> np.ndarray:
    """The feature vector of one goal at one date (see :data:`FEATURES`).

    Parameters
    ----------
    p_inside : float or None
        The inside view's probability (``None``: no forecast).
    goal_type : str
        ``pledge``, ``internal_target``, ``plan`` or ``third_party_forecast``.
    ambition : float or None
        Required minus achieved log growth a year (``None``: not computable).
    horizon : float
        Years from the date to the end of the deadline.
    comparator : str
        The goal's comparator: a band (``between``, ``about``) is its own feature,
        since a growth forecast puts little probability in any narrow band.
    """
    has_inside = p_inside is not None and np.isfinite(p_inside)
    has_ambition = ambition is not None and np.isfinite(ambition)
    x = np.zeros(len(FEATURES))
    x[0] = 1.0
    x[1] = float(logit(p_inside)) if has_inside else 0.0
    x[2] = 0.0 if has_inside else 1.0
    x[3] = float(np.clip(ambition, -3.0, 3.0)) if has_ambition else 0.0
    x[4] = 0.0 if has_ambition else 1.0
    x[5] = float(max(horizon, 0.0))
    x[6] = 1.0 if comparator in ("between", "about") else 0.0
    kind = f"type_{goal_type}"
    if kind in FEATURES:
        x[FEATURES.index(kind)] = 1.0
    # The weight of the growth forecast may differ by kind of statement: whoever sets a plan
    # or an internal target sees more than the series; a third party sees about as much.
    inter = {
        "plan": "inside_x_plan",
        "third_party_forecast": "inside_x_third_party",
        "internal_target": "inside_x_internal",
    }
    if goal_type in inter:
        x[FEATURES.index(inter[goal_type])] = x[1]
    return x


def ambition_of(growth: dict) -> float | None:
    """Required minus achieved log growth a year, from an assessment's ``growth`` dict."""
    required, achieved = growth.get("required", np.nan), growth.get("achieved", np.nan)
    if not (np.isfinite(required) and np.isfinite(achieved)) or required <= -1 or achieved <= -1:
        return None
    return float(np.log1p(required) - np.log1p(achieved))


@dataclass(frozen=True)
class Prior:
    """Independent normal priors on the coefficients, from dated assumption rows."""

    mean: np.ndarray
    sd: np.ndarray
    rows: tuple[str, ...]

    @classmethod
    def from_assumptions(cls, vintage: Vintage) -> Prior:
        mean, sd, rows = [], [], []
        for name in FEATURES:
            a = vintage.assumption(PRIOR_ROWS[name])
            lo, hi = a.bounds
            mean.append((lo + hi) / 2)
            sd.append(max((hi - lo) / 3.92, 1e-6))
            rows.append(a.assumption_id)
        return cls(np.array(mean), np.array(sd), tuple(rows))


@dataclass(frozen=True)
class Posterior:
    """The calibration model after seeing the resolved entries (Laplace approximation).

    Attributes
    ----------
    mean, cov : numpy.ndarray
        Posterior mode and covariance of the coefficients (:data:`FEATURES`).
    n : int
        Resolved entries it was fitted to.
    met : int
        How many of them were met.
    """

    mean: np.ndarray
    cov: np.ndarray
    n: int
    met: int

    @property
    def base_rate(self) -> float:
        """Share of the resolved entries that were met (NaN with none)."""
        return self.met / self.n if self.n else float("nan")


def fit(X: np.ndarray, y: np.ndarray, prior: Prior, iterations: int = 50) -> Posterior:
    """Maximum a posteriori logistic regression by Newton's method, with its Laplace covariance.

    Parameters
    ----------
    X : numpy.ndarray
        ``(n, len(FEATURES))`` feature rows (may be empty).
    y : numpy.ndarray
        ``n`` outcomes (1 met, 0 missed).
    prior : Prior
    """
    X = np.asarray(X, dtype=float).reshape(-1, len(FEATURES))
    y = np.asarray(y, dtype=float)
    w = prior.mean.copy()
    precision = 1.0 / prior.sd**2
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -35, 35)))
        grad = X.T @ (p - y) + precision * (w - prior.mean)
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(precision)
        step = np.linalg.solve(hess, grad)
        w = w - step
        if np.max(np.abs(step)) < 1e-9:
            break
    p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -35, 35)))
    hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(precision)
    return Posterior(w, np.linalg.inv(hess), int(len(y)), int(np.sum(y)))


@dataclass(frozen=True)
class Calibrated:
    """A calibrated probability, its interval and where it came from.

    Attributes
    ----------
    probability : float
        Posterior-predictive probability that the goal is met.
    lo_80, hi_80 : float
        80% interval of the probability from the calibration's own uncertainty.
    inside : float or None
        The inside view's probability (``None``: no forecast).
    outside : float
        The outside view alone: the probability with the inside view's term
        removed (the kind, ambition and horizon of the statement).
    inside_share : float
        Share of the log-odds' departure from the intercept that the inside view
        carries (0: the outside view alone decides; 1: the inside view alone).
    n_resolved, n_met : int
        The resolved entries the calibration learned from.
    """

    probability: float
    lo_80: float
    hi_80: float
    inside: float | None
    outside: float
    inside_share: float
    n_resolved: int
    n_met: int

    def sentence(self) -> str:
        """How the probability was made, in words."""
        from targets import formatting as fmt

        inside = (
            f"the growth forecast alone gives {fmt.probability(self.inside)}"
            if self.inside is not None
            else "the growth forecast gives no probability"
        )
        learned = (
            f"learned from {self.n_resolved} earlier statements whose outcome was published "
            f"({self.n_met} met)"
            if self.n_resolved
            else "with no earlier statement resolved yet, so its prior alone"
        )
        return (
            f"Calibrated probability {fmt.probability(self.probability)} (80%: "
            f"{fmt.probability(self.lo_80)} to {fmt.probability(self.hi_80)}): {inside}; "
            f"statements of this kind and ambition alone give {fmt.probability(self.outside)}; "
            f"the growth forecast carries {fmt.percent(self.inside_share)} of the weight. The "
            f"calibration is {learned}."
        )


def predict(post: Posterior, x: np.ndarray, p_inside: float | None, seed: int = 0) -> Calibrated:
    """The calibrated probability of one goal with features ``x``."""
    rng = np.random.default_rng([seed, 11])
    draws = rng.multivariate_normal(post.mean, post.cov, size=N_DRAWS, method="cholesky")
    eta = draws @ x
    probs = 1.0 / (1.0 + np.exp(-np.clip(eta, -35, 35)))
    outside_x = x.copy()
    outside_x[[i for i, f in enumerate(FEATURES) if f == "inside" or f.startswith("inside_x")]] = 0
    outside_x[2] = 1.0  # as a statement with no growth forecast
    outside = float(np.mean(1.0 / (1.0 + np.exp(-np.clip(draws @ outside_x, -35, 35)))))
    inside_idx = [FEATURES.index(f) for f in FEATURES if f == "inside" or f.startswith("inside_x")]
    other_idx = [i for i in range(2, len(FEATURES)) if i not in inside_idx]
    inside_term = abs(float(post.mean[inside_idx] @ x[inside_idx]))
    other_term = abs(float(post.mean[other_idx] @ x[other_idx]))
    share = inside_term / (inside_term + other_term) if inside_term + other_term > 0 else 0.0
    lo, hi = np.quantile(probs, [0.1, 0.9])
    return Calibrated(
        probability=float(np.mean(probs)),
        lo_80=float(lo),
        hi_80=float(hi),
        inside=p_inside,
        outside=outside,
        inside_share=float(share),
        n_resolved=post.n,
        n_met=post.met,
    )


def training(records: pd.DataFrame, as_of: pd.Timestamp | None, exclude: str = "") -> pd.DataFrame:
    """The track-record entries whose outcome was published by ``as_of`` (all resolved if None)."""
    resolved = records[records["met"].notna() & records["resolved_on"].notna()]
    if as_of is not None:
        resolved = resolved[resolved["resolved_on"] <= as_of]
    return resolved[resolved["id"] != exclude]


def fit_records(records: pd.DataFrame, prior: Prior) -> Posterior:
    """Fit the calibration to track-record entries (:func:`targets.assess.pledges.records`)."""
    X = np.array(
        [
            features(
                None if pd.isna(r.p_inside) else r.p_inside,
                r.type,
                None if pd.isna(r.ambition) else r.ambition,
                r.horizon,
                r.comparator,
            )
            for r in records.itertuples(index=False)
        ]
    ).reshape(-1, len(FEATURES))
    y = records["met"].astype(float).to_numpy()
    return fit(X, y, prior)
