"""A growth model with a regime break and linked definitions, fitted to interval rows.

Built for Douyin's e-commerce GMV, whose published figures measure different
things on either side of a break: until October 2020 most sales made on Douyin
went out through links to third-party shops (Taobao, JD); then Douyin cut those
links and the sales moved into its own store (the *closed loop*). One smooth
curve cannot pass through both regimes, so the model has three linked measures
(annualized rates, yuan per year, ``t`` in years since the break):

``closed``  closed-loop GMV ``C(t)``
    before the break ``exp(c0 + b t)``; from the break it gains a share ``phi``
    of the third-party-link flow, moving in with time constant ``m``; after it,
    ``C(t) = (e^c0 + phi e^l0 (1 - e^{-t/m})) exp(G(t))`` with a **damped trend on logs**
    ``G(t) = g_inf t + (g0 - g_inf)(1 - e^{-lam t}) / lam``: growth starts at
    ``g0`` and decays towards a long-run rate ``g_inf >= 0``, so the level
    never saturates.
``broad``  closed loop plus third-party links, ``C(t) + L(t)``
    with ``L(t) = exp(l0 + bl t)`` before the break and 0 after.
``cards``  closed loop plus product-card (shelf) sales, ``C(t) e^kappa``.

A row whose definition is not stated lies between the closed and the broad
measure (they coincide after the break). Each row is matched by integrating its
measure over its interval (growth multiples as ratios of two integrals); bounds
("more than ¥800B") cost nothing when satisfied; residuals are in logs, scaled
by the noise scale of the row (:func:`targets.engine.curvefit.noise_scale`).

Priors keep every parameter identified on the day few rows exist: the growth
after the break from the reference class (analog platforms' first-year growth
after reaching the same scale, :mod:`targets.growth.reference`), the rest from dated
ranges in ``data/assumptions.csv`` (each range is read as a normal prior whose
95% interval it is). The posterior is approximated as in
:mod:`targets.engine.curvefit`: least squares, a Laplace approximation, and
sampling-importance-resampling with the exact posterior.

References
----------
Gardner, E. S., & McKenzie, E. (1985). Forecasting trends in time series.
Management Science 31(10), 1237-1246 (damped trends).
Rubin, D. B. (1988). Using the SIR algorithm to simulate posterior
distributions. Bayesian Statistics 3, 395-402.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from targets.engine.curvefit import FitRows, prepare_rows
from targets.engine.sampling import student_scale
from targets.errors import ForecastError

MEASURES: tuple[str, ...] = ("closed", "broad", "cards", "unstated")
PARAMS: tuple[str, ...] = (
    "c0",
    "b",
    "l0",
    "bl",
    "phi_logit",
    "g0",
    "log_lam",
    "g_inf",
    "kappa",
    "log_m",
)
# 20-point Gauss-Legendre nodes on [-1, 1] for the post-break integral (smooth there).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
#: Proposal draws for the importance-resampling pool.
N_POOL = 6000


@dataclass(frozen=True)
class Prior:
    """Independent normal priors on the parameters (mean and standard deviation)."""

    mean: np.ndarray
    sd: np.ndarray


def range_prior(low: float, high: float) -> tuple[float, float]:
    """A normal prior whose central 95% interval is ``[low, high]``: ``(mean, sd)``."""
    return (low + high) / 2.0, (high - low) / (2 * 1.959963984540054)


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def break_date(value: float) -> pd.Timestamp:
    """A date from a decimal year (``2020.75`` is 1 October 2020)."""
    year = int(np.floor(value))
    days = (
        pd.Timestamp(year=year + 1, month=1, day=1) - pd.Timestamp(year=year, month=1, day=1)
    ).days
    return pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(days=round((value - year) * days))


def _pre_integral(log_a: np.ndarray, b: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Integral of ``exp(log_a + b t)`` over ``[s, e]`` (zero where ``e <= s``), broadcast."""
    s, e = np.broadcast_arrays(s, e)
    e = np.maximum(e, s)
    small = np.abs(b) < 1e-6
    safe_b = np.where(small, 1.0, b)
    with np.errstate(over="ignore"):
        exact = (np.exp(np.clip(b * e, -700, 700)) - np.exp(np.clip(b * s, -700, 700))) / safe_b
    return np.exp(log_a) * np.where(small, e - s, exact)


def _damped(theta: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Cumulative log growth ``G(tau)`` of the damped trend after the break."""
    g0, lam, g_inf = theta[..., 5:6], np.exp(theta[..., 6:7]), theta[..., 7:8]
    return g_inf[..., None] * tau + ((g0 - g_inf) / lam)[..., None] * (
        -np.expm1(-lam[..., None] * tau)
    )


def integrals(theta: np.ndarray, s: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
    """Totals of the closed loop and of third-party links over ``[s, e]`` (years since the break).

    Parameters
    ----------
    theta : numpy.ndarray
        Shape ``(m, 10)``: one parameter vector per row (:data:`PARAMS`).
    s, e : numpy.ndarray
        Interval bounds, shape ``(k,)``.

    Returns
    -------
    dict
        ``closed`` and ``links``: arrays ``(m, k)`` in yuan.
    """
    theta = np.atleast_2d(theta)
    c0, b, l0, bl = (theta[:, i : i + 1] for i in range(4))
    phi = 1.0 / (1.0 + np.exp(-theta[:, 4:5]))
    pre_s, pre_e = np.minimum(s, 0.0), np.minimum(e, 0.0)
    closed = _pre_integral(c0, b, pre_s, pre_e)
    links = _pre_integral(l0, bl, pre_s, pre_e)
    post_s, post_e = np.maximum(s, 0.0), np.maximum(e, 0.0)
    half = (post_e - post_s) / 2.0
    nodes = (post_e + post_s)[:, None] / 2.0 + half[:, None] * _GL_NODES[None, :]  # (k, 20)
    own = np.exp(c0)[:, :, None]  # (m, 1, 1)
    moved = (phi * np.exp(l0))[:, :, None]
    m_time = np.exp(theta[:, 9:10])[:, :, None]
    tau = nodes[None, :, :]
    with np.errstate(over="ignore"):
        growth = np.exp(np.clip(_damped(theta, tau), -700, 700))
        rate = (own + moved * -np.expm1(-tau / m_time)) * growth
    closed = closed + half * (rate * _GL_WEIGHTS).sum(axis=-1)
    return {"closed": closed, "links": links}


@dataclass(frozen=True)
class RegimeRows:
    """Rows prepared for the regime model: :class:`FitRows` plus each row's measure and side."""

    fit: FitRows
    measure: np.ndarray
    side: np.ndarray  # "two" (a level or multiple), "lower" (more than), "upper" (less than)

    @property
    def n(self) -> int:
        return len(self.measure)


def prepare(
    rows: pd.DataFrame,
    measures: pd.Series,
    origin: pd.Timestamp,
    as_of,
    month_sd: float = 0.0,
) -> RegimeRows:
    """Prepare rows (with a ``measure`` per row, aligned on the index) for fitting.

    A total over a short interval strays from the smooth trend (festivals,
    the New Year holiday): each interval adds ``month_sd / sqrt(months)`` in
    logs, in quadrature to the row's noise scale (both intervals of a growth
    multiple).
    """
    fit = prepare_rows(rows, origin, as_of)
    months = np.maximum((fit.end - fit.start) * 12.0, 1.0)
    extra = month_sd**2 / months
    is_ratio = fit.kind == "ratio"
    base_months = np.where(is_ratio, np.maximum((fit.base_end - fit.base_start) * 12.0, 1.0), 1.0)
    extra = extra + np.where(is_ratio, month_sd**2 / base_months, 0.0)
    fit = replace(fit, sigma=np.sqrt(fit.sigma**2 + extra))
    src = fit.source
    measure = measures.loc[src.index].to_numpy()
    qualifier = src["qualifier"].to_numpy()
    side = np.where(
        qualifier == "more_than", "lower", np.where(qualifier == "less_than", "upper", "two")
    )
    return RegimeRows(fit, measure, side)


def predict(
    theta: np.ndarray, r: RegimeRows, w: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Model values (logs) of each row's figure: low and high ends, shape ``(m, rows)``.

    The two ends differ only for rows of unstated definition, which lie between
    the closed and the broad measure; with ``w`` (shape ``(m, rows)`` in
    ``[0, 1]``) the value at that fraction between them (in logs) is returned twice.
    """
    f = r.fit
    span = integrals(theta, f.start, f.end)
    is_ratio = f.kind == "ratio"
    bs = np.where(is_ratio, f.base_start, f.start)
    be = np.where(is_ratio, f.base_end, f.end)
    base = integrals(theta, bs, be)
    kappa = np.atleast_2d(theta)[:, 8:9]
    tiny = 1e-300

    def log_of(d: dict[str, np.ndarray], measure: str) -> np.ndarray:
        if measure == "broad":
            return np.log(np.maximum(d["closed"] + d["links"], tiny))
        out = np.log(np.maximum(d["closed"], tiny))
        return out + kappa if measure == "cards" else out

    lows = []
    for measure in ("closed", "broad"):
        value = log_of(span, measure) - np.where(is_ratio, log_of(base, measure), 0.0)
        lows.append(value)
    closed_v, broad_v = lows
    cards_v = log_of(span, "cards") - np.where(is_ratio, log_of(base, "cards"), 0.0)
    lo = np.where(r.measure == "broad", broad_v, np.where(r.measure == "cards", cards_v, closed_v))
    hi = lo.copy()
    un = r.measure == "unstated"
    if un.any():
        a, c = np.minimum(closed_v, broad_v), np.maximum(closed_v, broad_v)
        if w is None:
            lo = np.where(un, a, lo)
            hi = np.where(un, c, hi)
        else:
            mid = a + w * (c - a)
            lo = np.where(un, mid, lo)
            hi = np.where(un, mid, hi)
    return lo, hi


def residuals(theta: np.ndarray, r: RegimeRows, prior: Prior) -> np.ndarray:
    """Scaled residuals of the rows (then of the priors), shape ``(m, rows + params)``."""
    theta = np.atleast_2d(theta)
    lo, hi = predict(theta, r)
    v = r.fit.log_value
    # Distance from the published value to the model's [lo, hi] (0 inside it).
    diff = np.where(v > hi, hi - v, np.where(v < lo, lo - v, 0.0))
    diff = np.where(r.side == "lower", np.minimum(hi - v, 0.0), diff)
    diff = np.where(r.side == "upper", np.maximum(lo - v, 0.0), diff)
    data = diff / r.fit.sigma
    pri = (theta - prior.mean) / prior.sd
    return np.nan_to_num(np.concatenate([data, pri], axis=1), nan=1e6, posinf=1e6, neginf=-1e6)


@dataclass(frozen=True)
class RegimeFit:
    """A fitted regime model with its posterior pool.

    Attributes
    ----------
    theta : numpy.ndarray
        Posterior mode.
    cov : numpy.ndarray
        Laplace covariance (inflated by ``scale**2``).
    scale : float
        Residual inflation (>= 1) when the rows disagree more than their noise says.
    origin : Timestamp
        The break date (``t = 0``).
    rows : RegimeRows
    prior : Prior
    last_data : float
        End of the latest fitted row (years since the break).
    process_sd : float
        Log-scale deviation per year of the path from the fitted trend beyond
        the data (grows with the square root of the years beyond ``last_data``).
    """

    theta: np.ndarray
    cov: np.ndarray
    scale: float
    origin: pd.Timestamp
    rows: RegimeRows = field(repr=False)
    prior: Prior = field(repr=False)
    lower: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)
    last_data: float = 0.0
    process_sd: float = 0.0
    _cache: dict = field(repr=False, default_factory=dict, compare=False)

    def _log_post(self, draws: np.ndarray) -> np.ndarray:
        res = residuals(draws, self.rows, self.prior)
        n = self.rows.n
        return -0.5 * (
            np.sum(res[:, :n] ** 2, axis=1) / self.scale**2 + np.sum(res[:, n:] ** 2, axis=1)
        )

    def _weighted(
        self, centre: np.ndarray, cov: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        k, nu = len(centre), 4.0
        vals, vecs = np.linalg.eigh((cov + cov.T) / 2.0)
        vals = np.clip(vals, 1e-10, None)
        z = rng.standard_normal((N_POOL, k)) * np.sqrt(nu / rng.chisquare(nu, size=(N_POOL, 1)))
        draws = centre + (z * np.sqrt(vals)) @ vecs.T
        draws = draws[np.all((draws >= self.lower) & (draws <= self.upper), axis=1)]
        if len(draws) == 0:
            draws = centre[None, :]
        white = (draws - centre) @ vecs / np.sqrt(vals)
        log_q = -0.5 * (nu + k) * np.log1p(np.einsum("ij,ij->i", white, white) / nu)
        log_w = self._log_post(draws) - log_q
        weights = np.exp(log_w - log_w.max())
        return draws, weights / weights.sum()

    def pool(self) -> tuple[np.ndarray, np.ndarray]:
        """Weighted proposal draws and their importance weights (adaptive SIR).

        A first pool is drawn from a Student-t (4 df) around the mode with the
        Laplace covariance; a second from a Student-t with the weighted mean and
        covariance of the first (one step of adaptive importance sampling), which
        keeps the effective sample size up when the posterior is far from normal.
        """
        if "pool" in self._cache:
            return self._cache["pool"]
        rng = np.random.default_rng(zlib.crc32(np.asarray(self.theta).tobytes()))
        draws, weights = self._weighted(self.theta, self.cov, rng)
        centre = weights @ draws
        spread = (draws - centre).T @ ((draws - centre) * weights[:, None])
        draws, weights = self._weighted(centre, spread * 1.5, rng)
        self._cache["pool"] = (draws, weights)
        return self._cache["pool"]

    def effective_size(self) -> float:
        """Kish's effective sample size of the pool."""
        _, weights = self.pool()
        return float(1.0 / np.sum(weights**2))

    def sample_params(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Parameter draws from the posterior (resampled from :meth:`pool`)."""
        draws, weights = self.pool()
        return draws[rng.choice(len(draws), size=n, replace=True, p=weights)]

    def years(self, dates: pd.Series | pd.DatetimeIndex | list) -> np.ndarray:
        values = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[ns]")
        return (values - np.datetime64(self.origin, "ns")) / np.timedelta64(1, "D") / 365.25

    def sample_closed_totals(
        self, start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Closed-loop GMV over ``[start, end]`` (inclusive dates), yuan, one per draw.

        Beyond the data the path strays from the fitted trend by a log-normal
        factor with standard deviation ``process_sd * sqrt(years beyond)``
        (Student-t with the rows' residual degrees of freedom).
        """
        s = self.years([start])
        e = self.years([end + pd.Timedelta(days=1)])
        thetas = self.sample_params(n, rng)
        total = integrals(thetas, s, e)["closed"][:, 0]
        beyond = max(float((s[0] + e[0]) / 2.0) - self.last_data, 0.0)
        nu = max(self.rows.n - 3, 2)
        noise = (
            rng.standard_normal(n) * student_scale(nu, n, rng) * self.process_sd * np.sqrt(beyond)
        )
        return total * np.exp(noise)

    def check(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """Posterior predictive of every fitted row's published figure.

        Returns
        -------
        pandas.DataFrame
            One row per fitted row: ``median, lo-80, hi-80, lo-95, hi-95`` of
            the figure (yuan, or a multiple for growth rows). Draws combine the
            parameters, the row's measurement noise (inflated by ``scale``) and,
            for a row of unstated definition, where it lies between the closed
            and the broad measure (uniform).
        """
        thetas = self.sample_params(n, rng)
        w = rng.uniform(0.0, 1.0, size=(n, self.rows.n))
        value, _ = predict(thetas, self.rows, w)
        noise = rng.standard_normal(value.shape) * self.rows.fit.sigma * self.scale
        draws = np.exp(value + noise)
        q = np.quantile(draws, [0.5, 0.1, 0.9, 0.025, 0.975], axis=0)
        return pd.DataFrame(
            {"median": q[0], "lo-80": q[1], "hi-80": q[2], "lo-95": q[3], "hi-95": q[4]},
            index=self.rows.fit.source.index,
        )


def fit(
    rows: pd.DataFrame,
    measures: pd.Series,
    origin: pd.Timestamp,
    prior: Prior,
    *,
    process_sd: float,
    month_sd: float = 0.0,
    as_of=None,
) -> RegimeFit:
    """Fit the regime model to rows (each with a measure) by penalized least squares.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows from :func:`targets.sources.data.load` (levels in yuan, growth multiples).
    measures : pandas.Series
        Per row (same index): ``closed``, ``broad``, ``cards`` or ``unstated``.
    origin : Timestamp
        The break date.
    prior : Prior
        Normal priors on :data:`PARAMS`.
    process_sd : float
        Log-scale deviation per year from the trend beyond the data.
    month_sd : float
        Log-scale deviation of a one-month total from the smooth trend (see
        :func:`prepare`).
    as_of : date-like, optional
        Date of the noise-scale rows.

    Raises
    ------
    ForecastError
        If no row can be fitted or the optimum is not finite.
    """
    from scipy.optimize import least_squares

    bad = sorted(set(measures) - set(MEASURES))
    if bad:
        raise ForecastError(f"unknown measure(s) {bad}; expected one of {', '.join(MEASURES)}")
    r = prepare(rows, measures, origin, as_of, month_sd)
    lower = np.array(
        [np.log(1e6), -3.0, np.log(1e6), -3.0, -10.0, -1.0, np.log(0.02), 0.0, 0.0, np.log(1e-3)]
    )
    upper = np.array(
        [np.log(1e15), 8.0, np.log(1e15), 8.0, 10.0, 5.0, np.log(10.0), 1.0, 3.0, np.log(5.0)]
    )
    mean = np.clip(prior.mean, lower + 1e-6, upper - 1e-6)

    def fun(x: np.ndarray) -> np.ndarray:
        return residuals(x[None, :], r, prior)[0]

    best = None
    for shift in (0.0, -1.0, 1.0):
        x0 = mean.copy()
        x0[[0, 2]] += shift
        x0 = np.clip(x0, lower + 1e-6, upper - 1e-6)
        try:
            res = least_squares(fun, x0, bounds=(lower, upper), method="trf")
        except (ValueError, np.linalg.LinAlgError):
            continue
        if best is None or res.cost < best.cost:
            best = res
    if best is None or not np.isfinite(best.cost):
        raise ForecastError("the regime model could not be fitted to these rows")
    n = r.n
    data_cost = float(np.sum(best.fun[:n] ** 2))
    dof = max(n - 3, 1)
    scale = max(float(np.sqrt(data_cost / dof)), 1.0)
    jac = best.jac.copy()
    jac[:n] /= scale
    cov = np.linalg.pinv(jac.T @ jac)
    cov = np.where(np.isfinite(cov), cov, 0.0)
    last = float(np.nanmax(r.fit.end))
    return RegimeFit(best.x, cov, scale, origin, r, prior, lower, upper, last, process_sd)
