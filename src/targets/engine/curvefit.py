"""Fit growth curves to published interval totals and growth multiples.

The fit matches each published row by integrating the curve over the row's
interval (:func:`targets.engine.curves.integrate`); a growth multiple is matched as the
ratio of two integrals. Residuals are taken in log space and scaled by an
explicit noise scale per row (:func:`noise_scale`, dated rows of
``data/assumptions.csv``): official figures weigh more
than media reports, approximate figures a little less, ranges by their width.
Bounds ("over ¥800B") enter one-sidedly: they cost nothing when satisfied.
Several sources for one period all enter.

Uncertainty: a Laplace approximation around the least-squares optimum
(parameters ~ multivariate normal with the inverse Gauss-Newton Hessian as
covariance, inflated by the residual variance when the rows disagree more than
their noise scales say), plus a process noise per future period equal to the
fitted residual scale, plus the measurement noise of the figure being
predicted. Why Laplace rather than a bootstrap or a sampler: with four to ten
rows, resampling rows removes the very rows that identify the curve (a bootstrap
degenerates), while the Laplace approximation is exact for the log-linear
exponential curve, costs milliseconds and is deterministic for a seed; its
calibration on simulated curves is checked in the tests.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from targets.engine.curves import CURVES, Array, Curve, integrate
from targets.engine.sampling import student_scale
from targets.errors import ForecastError, check_choice

#: Kinds of figure with a noise scale row ``noise_scale_<kind>`` in ``data/assumptions.csv``.
NOISE_KINDS: tuple[str, ...] = ("official", "reported", "estimate", "approx")


def noise_scale(kind: str, as_of: str | pd.Timestamp | None = None) -> float:
    """Noise scale of a published figure: the standard deviation of its log around the truth.

    Read from the dated row ``noise_scale_<kind>`` of ``data/assumptions.csv``
    in force at ``as_of`` (:func:`targets.sources.data.assumption`): ``official``
    (company or statistics-bureau figures), ``reported`` (media reports),
    ``estimate`` (third-party modelled totals) and ``approx`` (added in
    quadrature for figures stated as "about").

    Raises
    ------
    ForecastError
        For an unknown kind.
    targets.errors.DataError
        If the assumptions file has no row for it at ``as_of``.
    """
    try:
        check_choice("kind", kind, NOISE_KINDS)
    except ValueError as exc:
        raise ForecastError(str(exc)) from None
    return _assumed(f"noise_scale_{kind}", as_of)


def _assumed(assumption_id: str, as_of: str | pd.Timestamp | None = None) -> float:
    """The value of a dated assumption (cached per data folder, id and date)."""
    from targets.sources.data import data_dir

    stamp = None if as_of is None else pd.Timestamp(as_of)
    return _assumed_cached(str(data_dir()), assumption_id, stamp)


@lru_cache(maxsize=256)
def _assumed_cached(folder: str, assumption_id: str, as_of: pd.Timestamp | None) -> float:
    from targets.sources.data import assumption

    return float(assumption(assumption_id, as_of, directory=folder).value)


class _NoiseScales(Mapping[str, float]):
    """Read-only view ``kind -> noise scale`` of the latest assumption rows."""

    def __getitem__(self, kind: str) -> float:
        if kind not in NOISE_KINDS:
            raise KeyError(kind)
        return noise_scale(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(NOISE_KINDS)

    def __len__(self) -> int:
        return len(NOISE_KINDS)


#: ``NOISE_SCALE["official"]`` etc.: the noise scales of the latest assumption rows
#: (no number lives here; prefer :func:`noise_scale` with an as-of date).
NOISE_SCALE: Mapping[str, float] = _NoiseScales()

_DAYS_PER_YEAR = 365.25
#: Starting points refined by least squares after the grid screen.
N_REFINED_STARTS = 5


def years_since(dates: pd.Series | pd.DatetimeIndex | pd.Timestamp, origin: pd.Timestamp) -> Array:
    """Time in years since ``origin`` (days / 365.25)."""
    values = np.asarray(pd.to_datetime(dates), dtype="datetime64[ns]")
    delta = (values - np.datetime64(pd.Timestamp(origin), "ns")) / np.timedelta64(1, "D")
    return np.asarray(delta, dtype=float) / _DAYS_PER_YEAR


@dataclass(frozen=True)
class FitRows:
    """Observation rows prepared for fitting (times in years since ``origin``)."""

    start: Array
    end: Array
    base_start: Array
    base_end: Array
    log_value: Array
    sigma: Array
    kind: np.ndarray
    origin: pd.Timestamp
    source: pd.DataFrame = field(repr=False)


def prepare_rows(
    rows: pd.DataFrame,
    origin: pd.Timestamp | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> FitRows:
    """Turn data rows into fit rows.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows from :func:`targets.sources.data.load` for one series: money levels
        (``value_yuan``) and growth multiples (``ratio``). Other rows are ignored.
    origin : Timestamp, optional
        Time origin; defaults to the earliest period start.
    as_of : date-like, optional
        Date whose assumption rows give the noise scales (:func:`noise_scale`).

    Returns
    -------
    FitRows
        With ``kind`` one of ``level``, ``lower`` (a "more than" bound),
        ``upper`` (a "less than" bound) or ``ratio``.

    Raises
    ------
    ForecastError
        If there is no usable row, or an interval is reversed.
    """
    usable_level = rows["value_yuan"].notna() & rows["kind"].isin(["actual", "estimate"])
    usable_ratio = rows["kind"].eq("growth_multiple") & rows["ratio"].notna()
    use = _one_statement_per_ratio(rows[usable_level | usable_ratio])
    if use.empty:
        raise ForecastError("no usable rows: need money levels in yuan or growth multiples")
    if (use["period_end"] < use["period_start"]).any():
        raise ForecastError("an interval ends before it starts")
    origin = origin if origin is not None else use["period_start"].min()
    one_day = pd.Timedelta(days=1)
    start = years_since(use["period_start"], origin)
    end = years_since(use["period_end"] + one_day, origin)
    is_ratio = use["kind"].eq("growth_multiple").to_numpy()
    base_start = np.where(is_ratio, years_since(use["base_start"].fillna(origin), origin), np.nan)
    base_end = np.where(
        is_ratio, years_since(use["base_end"].fillna(origin) + one_day, origin), np.nan
    )
    sigma = np.array(
        [
            noise_scale("estimate" if k == "estimate" else s, as_of)
            for k, s in zip(use["kind"], use["status"], strict=True)
        ]
    )
    qualifier = use["qualifier"].to_numpy()
    sigma = np.where(qualifier == "approx", np.hypot(sigma, noise_scale("approx", as_of)), sigma)
    value = np.where(is_ratio, use["ratio"].to_numpy(float), use["value_yuan"].to_numpy(float))
    high = use["value_high_yuan"].to_numpy(float)
    is_range = (qualifier == "range") & ~is_ratio
    # A published range enters at its geometric midpoint with its half-width (in
    # logs) added to the noise scale: a modelling choice made here, not a datum.
    value = np.where(is_range, np.sqrt(value * np.where(is_range, high, 1.0)), value)
    half_width = np.where(is_range, 0.5 * np.log(np.where(is_range, high / value, 1.0)), 0.0)
    sigma = np.hypot(sigma, np.abs(half_width))
    kind = np.where(
        is_ratio,
        "ratio",
        np.where(
            qualifier == "more_than", "lower", np.where(qualifier == "less_than", "upper", "level")
        ),
    )
    if np.any(value <= 0):
        raise ForecastError("levels and ratios must be positive to be fitted in log space")
    return FitRows(start, end, base_start, base_end, np.log(value), sigma, kind, origin, use)


def _one_statement_per_ratio(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one growth multiple per pair of intervals.

    Outlets relay one company statement in several wordings ("3.2 times",
    "grew 2.2 times", "surged 320%"); these are not independent measurements.
    For each (period, base) pair the official row published first is kept (the
    original statement); levels from different sources all stay.
    """
    ratio = rows["kind"].eq("growth_multiple")
    if not ratio.any():
        return rows
    keys = ["period_start", "period_end", "base_start", "base_end"]
    ranked = rows[ratio].assign(_official=rows["status"].ne("official"))
    kept = ranked.sort_values(["_official", "published", "row"], kind="stable").drop_duplicates(
        keys
    )
    return pd.concat([rows[~ratio], kept.drop(columns="_official")]).sort_index()


def _residuals(theta: Array, curve: Curve, r: FitRows) -> Array:
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        pred = np.log(np.maximum(integrate(curve.rate, theta, r.start, r.end), 1e-300))
        is_ratio = r.kind == "ratio"
        if is_ratio.any():
            base = integrate(curve.rate, theta, r.base_start[is_ratio], r.base_end[is_ratio])
            pred = pred.copy()
            pred[is_ratio] = pred[is_ratio] - np.log(np.maximum(base, 1e-300))
    diff = pred - r.log_value
    diff = np.where(r.kind == "lower", np.minimum(diff, 0.0), diff)
    diff = np.where(r.kind == "upper", np.maximum(diff, 0.0), diff)
    return diff / r.sigma


def _residuals_batch(thetas: Array, curve: Curve, r: FitRows) -> Array:
    """Scaled residuals for many parameter vectors at once, shape ``(m, rows)``."""
    batch = thetas.T[:, :, None, None]  # (k, m, 1, 1): broadcast against (rows, nodes)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        pred = np.log(np.maximum(integrate(curve.rate, batch, r.start, r.end), 1e-300))
        is_ratio = r.kind == "ratio"
        if is_ratio.any():
            base = integrate(curve.rate, batch, r.base_start[is_ratio], r.base_end[is_ratio])
            pred[:, is_ratio] -= np.log(np.maximum(base, 1e-300))
    diff = pred - r.log_value
    diff = np.where(r.kind == "lower", np.minimum(diff, 0.0), diff)
    diff = np.where(r.kind == "upper", np.maximum(diff, 0.0), diff)
    return np.nan_to_num(diff / r.sigma, nan=1e6, posinf=1e6, neginf=-1e6)


@dataclass(frozen=True)
class CurveFit:
    """A fitted growth curve with its Laplace approximation.

    Attributes
    ----------
    curve : Curve
    theta : numpy.ndarray
        Least-squares estimate.
    cov : numpy.ndarray
        Covariance of ``theta`` (Laplace approximation, inflated by ``scale**2``).
    scale : float
        Residual inflation factor (>= 1): how much more the rows disagree than
        their noise scales allow.
    process_sigma : float
        Log-scale deviation of single periods from the smooth curve, added to
        every simulated future period.
    origin : Timestamp
        Time origin of ``theta``.
    rows : FitRows
        The rows fitted.
    residuals : numpy.ndarray
        Scaled residuals at the optimum.
    """

    curve: Curve
    theta: Array
    cov: Array
    scale: float
    process_sigma: float
    origin: pd.Timestamp
    rows: FitRows = field(repr=False)
    residuals: Array = field(repr=False)
    lower: Array = field(repr=False, default_factory=lambda: np.empty(0))
    upper: Array = field(repr=False, default_factory=lambda: np.empty(0))
    _cache: dict = field(repr=False, default_factory=dict, compare=False)

    def sample_params(self, n_samples: int, rng: np.random.Generator) -> Array:
        """Draw parameters from the posterior by sampling-importance-resampling.

        The Laplace approximation is the proposal (a multivariate Student-t with
        4 degrees of freedom around ``theta`` with covariance ``cov``, so its
        tails cover the true posterior's); draws outside the parameter bounds
        are dropped, and the rest are weighted by the exact (scaled) likelihood
        of the rows over the proposal density. For the exponential curve the two
        agree; for saturating curves fitted in their exponential phase, where
        the Gaussian approximation of the saturation level is poor, this keeps
        every draw consistent with the data. The weighted pool of proposals is
        built once per fit (from a seed derived from the fit, so it is
        reproducible); each call resamples from it with ``rng``.

        References
        ----------
        Rubin, D. B. (1988). Using the SIR algorithm to simulate posterior
        distributions. Bayesian Statistics 3, 395-402.
        """
        draws, weights = self._proposal_pool()
        idx = rng.choice(len(draws), size=n_samples, replace=True, p=weights)
        return draws[idx]

    def _proposal_pool(self) -> tuple[Array, Array]:
        if "pool" in self._cache:
            return self._cache["pool"]
        k = len(self.theta)
        m = 6000
        nu = 4.0
        rng = np.random.default_rng(zlib.crc32(np.asarray(self.theta).tobytes()))
        vals, vecs = np.linalg.eigh((self.cov + self.cov.T) / 2.0)
        vals = np.clip(vals, 1e-12, None)
        root = vecs * np.sqrt(vals)
        z = rng.standard_normal((m, k))
        w = np.sqrt(nu / rng.chisquare(nu, size=(m, 1)))
        draws = self.theta + (z * w) @ root.T
        inside = np.all((draws >= self.lower) & (draws <= self.upper), axis=1)
        draws = draws[inside]
        if len(draws) == 0:
            draws = self.theta[None, :]
        white = (draws - self.theta) @ vecs / np.sqrt(vals)
        log_q = -0.5 * (nu + k) * np.log1p(np.einsum("ij,ij->i", white, white) / nu)
        log_p = -0.5 * np.sum(_residuals_batch(draws, self.curve, self.rows) ** 2, axis=1)
        log_p = log_p / self.scale**2
        log_w = log_p - log_q
        log_w -= log_w.max()
        weights = np.exp(log_w)
        weights /= weights.sum()
        self._cache["pool"] = (draws, weights)
        return draws, weights

    def total(self, start: pd.Series | pd.Timestamp, end: pd.Series | pd.Timestamp) -> Array:
        """Fitted total (yuan) over inclusive date intervals."""
        s = years_since(pd.Series(pd.to_datetime(start)).reset_index(drop=True), self.origin)
        e = years_since(
            pd.Series(pd.to_datetime(end)).reset_index(drop=True) + pd.Timedelta(days=1),
            self.origin,
        )
        return integrate(self.curve.rate, self.theta, s, e)

    def sample_totals(
        self,
        start: pd.Series | pd.DatetimeIndex,
        end: pd.Series | pd.DatetimeIndex,
        n_samples: int,
        rng: np.random.Generator,
        *,
        measurement_sigma: float = 0.0,
    ) -> Array:
        """Simulate totals over inclusive date intervals.

        Parameters
        ----------
        start, end : date-likes
            Interval bounds (inclusive).
        n_samples : int
        rng : numpy.random.Generator
        measurement_sigma : float
            Log-scale noise of the figure that will measure the outcome (e.g.
            ``NOISE_SCALE["reported"]`` when the outcome is a media report).

        Returns
        -------
        numpy.ndarray
            Shape ``(n_samples, len(start))``, yuan.
        """
        s = years_since(pd.Series(pd.to_datetime(start)).reset_index(drop=True), self.origin)
        e = years_since(
            pd.Series(pd.to_datetime(end)).reset_index(drop=True) + pd.Timedelta(days=1),
            self.origin,
        )
        thetas = self.sample_params(n_samples, rng)
        out = np.empty((n_samples, len(s)))
        for i, th in enumerate(thetas):
            out[i] = integrate(self.curve.rate, th, s, e)
        # Process noise is Student-t with the fit's residual degrees of freedom
        # (floored at 2): its scale is itself estimated from a handful of rows.
        nu = max(len(self.rows.kind) - len(self.theta), 2)
        scale_draw = student_scale(nu, n_samples, rng)[:, None]
        process = rng.standard_normal(out.shape) * self.process_sigma * scale_draw
        measurement = rng.standard_normal(out.shape) * measurement_sigma
        return out * np.exp(process + measurement)


def _starts(curve: Curve, r: FitRows) -> list[Array]:
    levels = r.kind == "level"
    span = max(float(np.nanmax(r.end)), 1.0)
    if levels.any():
        lengths = r.end[levels] - r.start[levels]
        rates = np.exp(r.log_value[levels]) / np.maximum(lengths, 1e-3)
        top = float(np.log(rates.max()))
        mid_t = float(np.average((r.start[levels] + r.end[levels]) / 2))
    else:
        top, mid_t = 0.0, span / 2
    if curve.name == "exponential":
        return [np.array([top - g * mid_t, g]) for g in (0.1, 0.5, 1.0)]
    out = []
    for k_mult in (1.5, 4.0, 20.0):
        for b in (0.4, 1.0, 2.0):
            for t0 in (span * 0.5, span, span * 2.0):
                if curve.name == "bass":
                    out.append(np.array([top + np.log(k_mult), np.log(0.02), np.log(b), t0 - span]))
                else:
                    out.append(np.array([top + np.log(k_mult), np.log(b), t0]))
    return out


def fit_curve(
    rows: pd.DataFrame,
    curve: str = "logistic",
    *,
    saturation: tuple[float, float] | None = None,
    origin: pd.Timestamp | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> CurveFit:
    """Fit a growth curve to published interval totals and growth multiples.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows of one series from :func:`targets.sources.data.load` (filter by
        ``series_id`` and, where sources differ in scope, by ``definition``).
    curve : {"exponential", "logistic", "gompertz", "bass"}
    saturation : (float, float), optional
        Prior range for the saturation level ``K`` in yuan per year, e.g. a
        share of physical-goods online retail sales. ``None`` leaves ``K``
        free (bounded only to between the largest observed annual rate and
        the multiple of it in the assumption ``curve_saturation_max_multiple``).
    origin : Timestamp, optional
        Time origin; defaults to the earliest period start in ``rows``.
    as_of : date-like, optional
        Date whose assumption rows (noise scales, bounds) are used.

    Returns
    -------
    CurveFit

    Raises
    ------
    ForecastError
        For an unknown curve, fewer usable rows than parameters, or a
        saturation range that is empty or not positive.

    References
    ----------
    Nocedal, J., & Wright, S. (2006). Numerical optimization, ch. 10 (least squares).
    MacKay, D. J. C. (2003). Information theory, inference and learning
    algorithms, ch. 27 (Laplace's method).
    """
    from scipy.optimize import least_squares

    try:
        check_choice("curve", curve, CURVES)
    except ValueError as exc:
        raise ForecastError(str(exc)) from None
    spec = CURVES[curve]
    r = prepare_rows(rows, origin, as_of)
    n_informative = int(np.sum(r.kind != "lower") + np.sum(r.kind != "upper") - len(r.kind))
    if n_informative < len(spec.params):
        raise ForecastError(
            f"curve {curve!r} has {len(spec.params)} parameters but only {n_informative} "
            f"usable level or growth rows; it needs at least {len(spec.params)}"
        )
    lower = np.full(len(spec.params), -np.inf)
    upper = np.full(len(spec.params), np.inf)
    if spec.saturates:
        levels = r.kind != "ratio"
        rates = np.exp(r.log_value[levels]) / np.maximum(r.end[levels] - r.start[levels], 1e-3)
        widest = np.log(_assumed("curve_saturation_max_multiple", as_of))
        lo_k, hi_k = (
            (float(np.log(rates.max())), float(np.log(rates.max()) + widest))
            if levels.any()
            else (-np.inf, np.inf)
        )
        if saturation is not None:
            lo, hi = saturation
            if not (0 < lo < hi):
                raise ForecastError(
                    f"saturation must be (low, high) with 0 < low < high; got {saturation}"
                )
            lo_k, hi_k = np.log(lo), np.log(hi)
        lower[0], upper[0] = lo_k, hi_k
        lower[1:3] = [np.log(1e-3), -50.0] if curve != "bass" else [np.log(1e-5), np.log(1e-3)]
        upper[1:3] = [np.log(20.0), 100.0] if curve != "bass" else [np.log(1.0), np.log(20.0)]
        if curve == "bass":
            lower[3], upper[3] = -50.0, float(np.nanmin(r.start)) + 1e-3
    best = None
    starts = np.clip(np.array(_starts(spec, r)), lower + 1e-6, upper - 1e-6)
    # Screen the grid of starting points in one vectorized pass and refine the
    # most promising few: the same optimum as refining all, at a fraction of the cost.
    screen = np.sum(_residuals_batch(starts, spec, r) ** 2, axis=1)
    for x0 in starts[np.argsort(screen, kind="stable")[:N_REFINED_STARTS]]:
        try:
            res = least_squares(_residuals, x0, args=(spec, r), bounds=(lower, upper), method="trf")
        except (ValueError, np.linalg.LinAlgError):
            continue
        if best is None or res.cost < best.cost:
            best = res
    if best is None or not np.isfinite(best.cost):
        raise ForecastError(f"curve {curve!r} could not be fitted to these rows")
    jac = best.jac
    dof = max(len(r.kind) - len(spec.params), 0)
    scale = float(np.sqrt(2 * best.cost / dof)) if dof > 0 else 1.0
    scale = max(scale, 1.0)
    cov = np.linalg.pinv(jac.T @ jac) * scale**2
    # Bounds pin some parameters (e.g. K at a saturation prior); keep their variance finite.
    cov = np.where(np.isfinite(cov), cov, 0.0)
    resid = best.fun
    levels = r.kind == "level"
    # Deviation of single periods from the smooth curve (log scale), with the
    # degrees-of-freedom correction: residuals of a fitted curve understate it.
    process_sigma = (
        float(np.sqrt(np.sum((resid[levels] * r.sigma[levels]) ** 2) / dof))
        if dof > 0 and levels.any()
        else 0.0
    )
    return CurveFit(spec, best.x, cov, scale, process_sigma, r.origin, r, resid, lower, upper)
