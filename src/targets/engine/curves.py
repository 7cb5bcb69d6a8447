"""Growth curves as small pure functions of time, and their integrals over intervals.

Each curve gives the **annualized rate** ``r(t)`` (yuan per year) at time ``t``
(years since an origin), so that the total over an interval ``[s, e]`` is the
integral of ``r`` over it. Published figures are totals over intervals
(calendar years, fiscal years, year-to-date, single months), so fitting
integrals rather than point values is what lets one curve explain them all.

Parameterisations (``theta`` is a 1-D array; every parameter is unconstrained so
that optimisers and Laplace approximations work on the real line):

``exponential``  ``(log_a, b)``:  ``r = exp(log_a + b t)``
    Unbounded growth at continuous rate ``b`` per year.
``logistic``  ``(log_k, log_b, t0)``:  ``r = K / (1 + exp(-b (t - t0)))``
    Symmetric S-curve saturating at ``K``; half of ``K`` at ``t0``
    (Verhulst 1838; FPP3 section 7.7 on nonlinear trends).
``gompertz``  ``(log_k, log_b, t0)``:  ``r = K exp(-exp(-b (t - t0)))``
    Asymmetric S-curve: fast early growth, long slow approach to ``K``
    (Gompertz 1825; Winsor 1932).
``bass``  ``(log_k, log_p, log_q, t0)``:
    ``r = K F(t - t0)``, ``F(x) = (1 - exp(-(p+q) x)) / (1 + (q/p) exp(-(p+q) x))``
    for ``x > 0`` and 0 before: the Bass (1969) diffusion of adoption, with
    innovation ``p`` and imitation ``q``; the rate is proportional to the
    cumulative number of adopters (merchants, buyers).

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables.
Management Science 15(5), 215-227.
Hyndman, R. J., & Athanasopoulos, G. (2021). Forecasting: principles and practice,
3rd ed. (FPP3), OTexts.
Winsor, C. P. (1932). The Gompertz curve as a growth curve. PNAS 18(1), 1-8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _clip_exp(x: Array | float) -> Array:
    return np.exp(np.clip(x, -700.0, 700.0))


def exponential(t: ArrayLike, theta: ArrayLike) -> Array:
    """Annualized rate of an exponential curve, ``exp(log_a + b t)``.

    Examples
    --------
    >>> float(exponential(1.0, [0.0, np.log(2.0)]))
    2.0
    """
    log_a, b = np.asarray(theta, dtype=float)[:2]
    return _clip_exp(log_a + b * np.asarray(t, dtype=float))


def logistic(t: ArrayLike, theta: ArrayLike) -> Array:
    """Annualized rate of a logistic curve saturating at ``exp(log_k)``.

    Examples
    --------
    >>> round(float(logistic(0.0, [np.log(10.0), 0.0, 0.0])), 9)
    5.0
    """
    log_k, log_b, t0 = np.asarray(theta, dtype=float)[:3]
    z = -np.exp(log_b) * (np.asarray(t, dtype=float) - t0)
    return np.exp(log_k - np.logaddexp(0.0, z))


def gompertz(t: ArrayLike, theta: ArrayLike) -> Array:
    """Annualized rate of a Gompertz curve saturating at ``exp(log_k)``.

    Examples
    --------
    >>> round(float(gompertz(0.0, [0.0, 0.0, 0.0])), 6)  # K e^{-1} at t0
    0.367879
    """
    log_k, log_b, t0 = np.asarray(theta, dtype=float)[:3]
    inner = -np.exp(log_b) * (np.asarray(t, dtype=float) - t0)
    return _clip_exp(log_k - _clip_exp(inner))


def bass(t: ArrayLike, theta: ArrayLike) -> Array:
    """Annualized rate ``K F(t - t0)`` of the Bass diffusion, zero before ``t0``.

    Examples
    --------
    >>> float(bass(-1.0, [0.0, np.log(0.03), np.log(0.4), 0.0]))
    0.0
    """
    log_k, log_p, log_q, t0 = np.asarray(theta, dtype=float)[:4]
    p, q = np.exp(log_p), np.exp(log_q)
    x = np.maximum(np.asarray(t, dtype=float) - t0, 0.0)
    e = _clip_exp(-(p + q) * x)
    return np.exp(log_k) * (1.0 - e) / (1.0 + (q / p) * e)


@dataclass(frozen=True)
class Curve:
    """A growth curve: its rate function and parameter names.

    Attributes
    ----------
    name : str
    rate : callable
        ``rate(t, theta)`` in yuan per year.
    params : tuple of str
        Parameter names, in ``theta`` order.
    saturates : bool
        Whether the first parameter is the log saturation level ``log K``.
    """

    name: str
    rate: Callable[[ArrayLike, ArrayLike], Array]
    params: tuple[str, ...]
    saturates: bool


CURVES: dict[str, Curve] = {
    "exponential": Curve("exponential", exponential, ("log_a", "b"), False),
    "logistic": Curve("logistic", logistic, ("log_k", "log_b", "t0"), True),
    "gompertz": Curve("gompertz", gompertz, ("log_k", "log_b", "t0"), True),
    "bass": Curve("bass", bass, ("log_k", "log_p", "log_q", "t0"), True),
}

# 20-point Gauss-Legendre nodes on [-1, 1]: exact for polynomials of degree 39, and
# accurate to ~1e-10 relative for these smooth curves over intervals of a few years.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)


def integrate(
    rate: Callable[[ArrayLike, ArrayLike], Array],
    theta: ArrayLike,
    start: ArrayLike,
    end: ArrayLike,
) -> Array:
    """Total of a rate over intervals ``[start, end]`` (years), by Gauss-Legendre quadrature.

    Parameters
    ----------
    rate : callable
        ``rate(t, theta)``, yuan per year.
    theta : array_like
        Curve parameters.
    start, end : array_like
        Interval bounds in years since the origin (broadcast together).

    Returns
    -------
    numpy.ndarray
        Totals in yuan, one per interval.

    Examples
    --------
    >>> round(float(integrate(exponential, [0.0, 0.0], 0.0, 2.0)[0]), 12)
    2.0
    """
    s = np.atleast_1d(np.asarray(start, dtype=float))
    e = np.atleast_1d(np.asarray(end, dtype=float))
    half = (e - s) / 2.0
    mid = (e + s) / 2.0
    t = mid[:, None] + half[:, None] * _GL_NODES[None, :]
    values = rate(t, theta)
    # Summing over the last axis lets ``theta`` carry a batch of parameter
    # vectors (shape ``(k, m, 1, 1)``): the result is then ``(m, len(start))``.
    return half * (values * _GL_WEIGHTS).sum(axis=-1)
