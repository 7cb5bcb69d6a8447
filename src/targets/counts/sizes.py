"""Sales per entity with an estimated heavy tail: the double Pareto-log-normal.

Annual (or festival, or four-month) sales ``X`` of one entity follow the double
Pareto-log-normal distribution dPlN(``alpha``, ``beta``, ``nu``, ``tau``) of
Reed and Jorgensen (2004): ``log X = nu + tau Z + E1 / alpha - E2 / beta`` with
``Z`` standard normal and ``E1``, ``E2`` standard exponential. Its body is
log-normal (``tau``), its upper tail is Pareto with index ``alpha`` (the
parameter that decides how many entities pass a high threshold) and its lower
tail Pareto with index ``beta``. For ``N`` entities whose sales add up to ``G``
the mean ``G / N`` fixes ``nu``, so a population is ``(N, G)`` plus the shape
``(alpha, beta, tau)``; unlike a log-normal with its total pinned, the count
above a threshold is not capped below ``G / T`` for any tail.

Closed forms used here (derived from the definition; ``u = (log x - nu) / tau``)::

    P(X > x) = Phi^c(u) - a/(a+b) exp(b tau u + b^2 tau^2/2) Phi^c(u + b tau)
                        + b/(a+b) exp(-a tau u + a^2 tau^2/2) Phi(u - a tau)
    E[X]     = exp(nu + tau^2/2) a/(a-1) b/(b+1)          (a > 1)

and the first-moment (share-of-sales) distribution of dPlN(a, b, nu, tau) is
dPlN(a - 1, b + 1, nu + tau^2, tau), which gives the share of the total held
by entities above a threshold, by the top ``k`` entities, and the Lorenz curve.

References
----------
Reed, W. J., & Jorgensen, M. (2004). The double Pareto-lognormal distribution:
a new parametric model for size distributions. Communications in Statistics -
Theory and Methods 33(8), 1733-1753.
Newman, M. E. J. (2005). Power laws, Pareto distributions and Zipf's law.
Contemporary Physics 46(5), 323-351.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from targets.errors import TargetsError

Array = NDArray[np.float64]


def _arrays(*values: ArrayLike) -> list[Array]:
    return [np.asarray(v, dtype=float) for v in values]


def _check_shape(alpha: Array, beta: Array, tau: Array) -> None:
    if np.any(alpha <= 1.0):
        raise TargetsError("the upper tail index alpha must exceed 1 (a finite mean)")
    if np.any(beta <= 0.0) or np.any(tau <= 0.0):
        raise TargetsError("the lower tail index beta and the body width tau must be positive")


def log_mean_factor(alpha: ArrayLike, beta: ArrayLike, tau: ArrayLike) -> Array:
    """``log E[X] - nu`` of dPlN(alpha, beta, nu, tau)."""
    a, b, t = _arrays(alpha, beta, tau)
    return t**2 / 2 + np.log(a / (a - 1)) + np.log(b / (b + 1))


def nu_for_mean(mean: ArrayLike, alpha: ArrayLike, beta: ArrayLike, tau: ArrayLike) -> Array:
    """The location ``nu`` at which dPlN(alpha, beta, nu, tau) has the given mean (yuan)."""
    a, b, t = _arrays(alpha, beta, tau)
    _check_shape(a, b, t)
    return np.log(np.asarray(mean, dtype=float)) - log_mean_factor(a, b, t)


def sf(x: ArrayLike, alpha: ArrayLike, beta: ArrayLike, nu: ArrayLike, tau: ArrayLike) -> Array:
    """Survival function ``P(X > x)`` of the dPlN (broadcast over the inputs).

    Examples
    --------
    >>> round(float(sf(np.exp(0.0), 2.0, 2.0, 0.0, 1e-6)), 3)  # symmetric Laplace at 0
    0.5
    """
    x, a, b, nu, t = _arrays(x, alpha, beta, nu, tau)
    u = (np.log(x) - nu) / t
    with np.errstate(over="ignore", invalid="ignore"):
        low = np.log(a / (a + b)) + b * t * u + (b * t) ** 2 / 2 + special.log_ndtr(-(u + b * t))
        high = np.log(b / (a + b)) - a * t * u + (a * t) ** 2 / 2 + special.log_ndtr(u - a * t)
        out = special.ndtr(-u) - np.exp(low) + np.exp(high)
    return np.clip(np.nan_to_num(out, nan=0.0), 0.0, 1.0)


def count_above(
    total: ArrayLike,
    n: ArrayLike,
    threshold: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
) -> Array:
    """Expected number of entities with sales above ``threshold``.

    Parameters
    ----------
    total : array_like
        Sales of all ``n`` entities over the period (yuan).
    n : array_like
        Number of active entities.
    threshold : array_like
        Per-entity sales threshold over the same period (yuan).
    alpha, beta, tau : array_like
        Upper tail index (> 1), lower tail index, body width.

    Returns
    -------
    numpy.ndarray
        Expected counts (broadcast).

    Examples
    --------
    A heavier upper tail (smaller ``alpha``) puts more entities above the
    threshold, and never more than the total allows:

    >>> heavy = count_above(840e9, 2e6, 1e8, 1.2, 2.0, 1.0)
    >>> light = count_above(840e9, 2e6, 1e8, 2.0, 2.0, 1.0)
    >>> bool(light < heavy < 840e9 / 1e8)
    True
    """
    total, n = _arrays(total, n)
    nu = nu_for_mean(total / n, alpha, beta, tau)
    return n * sf(threshold, alpha, beta, nu, tau)


def share_above(
    threshold: ArrayLike, mean: ArrayLike, alpha: ArrayLike, beta: ArrayLike, tau: ArrayLike
) -> Array:
    """Share of total sales held by the entities above ``threshold`` (a fraction)."""
    a, b, t = _arrays(alpha, beta, tau)
    nu = nu_for_mean(mean, a, b, t)
    return sf(threshold, a - 1.0, b + 1.0, nu + t**2, t)


def threshold_for_share(
    fraction: ArrayLike,
    mean: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    iterations: int = 80,
) -> Array:
    """The sales level above which a ``fraction`` of entities lie (bisection in log sales)."""
    f, mean, a, b, t = _arrays(fraction, mean, alpha, beta, tau)
    nu = nu_for_mean(mean, a, b, t)
    shape = np.broadcast(f, nu, a, b, t).shape
    lo = np.full(shape, -60.0) + np.broadcast_to(nu, shape)
    hi = np.full(shape, 80.0) + np.broadcast_to(nu, shape)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        above = sf(np.exp(mid), a, b, nu, t) > f
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.exp((lo + hi) / 2)


def top_share(
    k: ArrayLike, n: ArrayLike, alpha: ArrayLike, beta: ArrayLike, tau: ArrayLike
) -> Array:
    """Share of total sales held by the top ``k`` of ``n`` entities (expected, large ``n``)."""
    k, n = _arrays(k, n)
    frac = np.clip(k / n, 0.0, 1.0)
    x = threshold_for_share(frac, 1.0, alpha, beta, tau)
    return np.where(frac >= 1.0, 1.0, share_above(x, 1.0, alpha, beta, tau))


def top_total(
    k: ArrayLike,
    total: ArrayLike,
    n: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
) -> Array:
    """Combined sales of the top ``k`` of ``n`` entities whose sales add up to ``total``."""
    return np.asarray(total, dtype=float) * top_share(k, n, alpha, beta, tau)


def lorenz(alpha: float, beta: float, tau: float, points: int = 101) -> tuple[Array, Array]:
    """Lorenz curve: share of entities (poorest first) against their share of sales.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Population shares from 0 to 1 and the share of sales they hold.
    """
    p = np.linspace(0.0, 1.0, points)
    above = 1.0 - p
    x = threshold_for_share(np.clip(above, 1e-12, 1.0), 1.0, alpha, beta, tau)
    held_by_top = np.where(above <= 0, 0.0, share_above(x, 1.0, alpha, beta, tau))
    held_by_top = np.where(above >= 1.0, 1.0, held_by_top)
    return p, 1.0 - held_by_top


def sample(
    n: int, alpha: float, beta: float, nu: float, tau: float, rng: np.random.Generator
) -> Array:
    """Draw ``n`` entity sales from dPlN(alpha, beta, nu, tau) (for simulation and tests)."""
    z = rng.standard_normal(n)
    return np.exp(nu + tau * z + rng.exponential(size=n) / alpha - rng.exponential(size=n) / beta)


# ---------------------------------------------------------------------------
# Pareto-tail approximation, for populations whose size and total are unknown
# ---------------------------------------------------------------------------


def tail_coefficients(
    kind: ArrayLike, threshold: ArrayLike, k: ArrayLike, alpha: ArrayLike
) -> tuple[Array, Array]:
    """Linear form ``log y = b + a log K`` of a tail statistic under ``count = K x^-alpha``.

    Above its body every dPlN population has ``count(x) ~ K x^-alpha`` with a
    scale ``K`` that depends on its size and total. When those are unknown, the
    statistics below are linear in ``log K``, which is integrated out exactly.

    Parameters
    ----------
    kind : array_like of {0, 1}
        0: the number of entities above ``threshold``; 1: the combined sales of
        the top ``k`` entities.
    threshold : array_like
        Yuan (used when ``kind == 0``).
    k : array_like
        Number of top entities (used when ``kind == 1``).
    alpha : array_like
        Tail index (> 1).

    Returns
    -------
    (b, a) : numpy.ndarray
    """
    kind, t, k, a = _arrays(kind, threshold, k, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        b_count = -a * np.log(np.where(kind == 0, t, 1.0))
        b_top = np.log(a / (a - 1)) + (1 - 1 / a) * np.log(np.where(kind == 1, k, 1.0))
    b = np.where(kind == 0, b_count, b_top)
    slope = np.where(kind == 0, 1.0, 1.0 / a)
    return b, np.broadcast_to(slope, b.shape).astype(float)


# ---------------------------------------------------------------------------
# A population with a head: two dPlN segments sharing one shape
# ---------------------------------------------------------------------------


def segments(
    total: ArrayLike, n: ArrayLike, head_entities: ArrayLike, head_sales: ArrayLike
) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    """Split ``n`` entities with sales ``total`` into a head and the rest.

    The head is a share ``head_entities`` of the entities holding a share
    ``head_sales`` of the sales; ``head_sales == head_entities`` is one
    homogeneous population. Returns ``((n_head, total_head), (n_rest, total_rest))``.
    """
    total, n, h, s = _arrays(total, n, head_entities, head_sales)
    if np.any((h <= 0) | (h >= 1) | (s <= 0) | (s >= 1)):
        raise TargetsError("head shares of entities and of sales must lie strictly in (0, 1)")
    return (h * n, s * total), ((1 - h) * n, (1 - s) * total)


def mixture_count_above(
    total: ArrayLike,
    n: ArrayLike,
    threshold: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    head_entities: ArrayLike,
    head_sales: ArrayLike,
) -> Array:
    """Expected number above ``threshold`` in a population with a head (see :func:`segments`).

    Examples
    --------
    >>> one = count_above(1e9, 1e4, 1e6, 1.5, 2.0, 1.0)
    >>> two = mixture_count_above(1e9, 1e4, 1e6, 1.5, 2.0, 1.0, 0.3, 0.3)
    >>> bool(np.isclose(one, two))
    True
    """
    (nh, gh), (nr, gr) = segments(total, n, head_entities, head_sales)
    return count_above(gh, nh, threshold, alpha, beta, tau) + count_above(
        gr, nr, threshold, alpha, beta, tau
    )


def mixture_sales_above(
    total: ArrayLike,
    n: ArrayLike,
    threshold: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    head_entities: ArrayLike,
    head_sales: ArrayLike,
) -> Array:
    """Combined sales (yuan) of the entities above ``threshold``."""
    (nh, gh), (nr, gr) = segments(total, n, head_entities, head_sales)
    return gh * share_above(threshold, gh / nh, alpha, beta, tau) + gr * share_above(
        threshold, gr / nr, alpha, beta, tau
    )


def mixture_level_for_count(
    k: ArrayLike,
    total: ArrayLike,
    n: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    head_entities: ArrayLike,
    head_sales: ArrayLike,
    tolerance: float = 1e-9,
) -> Array:
    """The sales level above which ``k`` entities are expected (bisection in log sales).

    The bracket spans ``exp(±40)`` times the mean sales; bisection stops when it
    is narrower than ``tolerance`` in log sales (a relative error of about that much).
    """
    k, total, n = _arrays(k, total, n)
    shape = np.broadcast(k, total, n, alpha, beta, tau, head_entities, head_sales).shape
    centre = np.broadcast_to(np.log(total / n), shape)
    lo, hi = centre - 40.0, centre + 40.0
    for _ in range(int(np.ceil(np.log2(80.0 / tolerance)))):
        mid = (lo + hi) / 2
        above = (
            mixture_count_above(total, n, np.exp(mid), alpha, beta, tau, head_entities, head_sales)
            > k
        )
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.exp((lo + hi) / 2)


def mixture_top_total(
    k: ArrayLike,
    total: ArrayLike,
    n: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    head_entities: ArrayLike,
    head_sales: ArrayLike,
) -> Array:
    """Combined sales (yuan) of the top ``k`` entities (expected, large populations)."""
    level = mixture_level_for_count(k, total, n, alpha, beta, tau, head_entities, head_sales)
    return mixture_sales_above(total, n, level, alpha, beta, tau, head_entities, head_sales)


def mixture_lorenz(
    alpha: ArrayLike,
    beta: ArrayLike,
    tau: ArrayLike,
    head_entities: ArrayLike,
    head_sales: ArrayLike,
    points: int = 101,
    entities_share: ArrayLike | None = None,
) -> tuple[Array, Array]:
    """Lorenz curve of a population with a head: entity share (smallest first), sales share.

    Shape parameters may be arrays of ``m`` draws; the curve then has shape
    ``(m, points)``. ``entities_share`` (ascending, in ``[0, 1]``) replaces the evenly
    spaced grid of ``points`` shares, e.g. a grid dense near 1 to resolve the largest
    entities, which hold most sales in a heavy tail.
    """
    a, b, t, h, s = (
        np.asarray(v, dtype=float)[..., None] for v in (alpha, beta, tau, head_entities, head_sales)
    )
    n, total = 1.0e6, 1.0e6
    p = (
        np.linspace(0.0, 1.0, points)
        if entities_share is None
        else np.asarray(entities_share, dtype=float)
    )
    k = np.clip((1.0 - p) * n, 1e-9, n)
    top = mixture_top_total(k, total, n, a, b, t, h, s) / total
    top = np.where(p <= 0, 1.0, np.where(p >= 1, 0.0, top))
    return p, np.clip(1.0 - top, 0.0, 1.0)
