"""How many entities sit above a sales threshold: heavy-tailed size distributions.

If a platform's total sales ``G`` (yuan over a year) are spread over ``N``
entities (merchants, creators, products) whose own sales ``X`` are log-normal
with shape ``sigma``, the mean is ``G / N`` and the expected number above a
threshold ``T`` is

    N * P(X > T) = N * (1 - Phi((ln T - mu) / sigma)),   mu = ln(G / N) - sigma^2 / 2.

``sigma`` is the tail parameter: the larger it is, the more of the total sits
with a few large entities, and the more entities pass a high threshold for the
same total. A Pareto alternative (``alpha`` = tail index, minimum ``x_m`` set
by the mean) is given for comparison.

References
----------
Aitchison, J., & Brown, J. A. C. (1957). The Lognormal Distribution. Cambridge.
Newman, M. E. J. (2005). Power laws, Pareto distributions and Zipf's law.
Contemporary Physics 46(5), 323-351.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from targets.errors import TargetsError

Array = NDArray[np.float64]


def _norm_sf(z: ArrayLike) -> Array:
    return 0.5 * special.erfc(np.asarray(z, dtype=float) / np.sqrt(2.0))


def lognormal_count_above(
    total: ArrayLike, n: ArrayLike, sigma: ArrayLike, threshold: float
) -> Array:
    """Expected number of entities with sales above ``threshold``.

    Parameters
    ----------
    total : array_like
        Total sales of all entities over the period (yuan).
    n : array_like
        Number of active entities.
    sigma : array_like
        Log-normal shape (standard deviation of log sales).
    threshold : float
        Per-entity sales threshold (yuan).

    Returns
    -------
    numpy.ndarray
        Expected counts (broadcast over the inputs).

    Examples
    --------
    >>> float(lognormal_count_above(1e6, 1000, 1e-9, 999.0))  # all equal at 1,000
    1000.0
    """
    total, n, sigma = (np.asarray(v, dtype=float) for v in (total, n, sigma))
    mu = np.log(total / n) - sigma**2 / 2
    return n * _norm_sf((np.log(threshold) - mu) / sigma)


def solve_sigma(mean: float, fraction_above: float, threshold: float) -> float:
    """The smallest log-normal shape at which a share ``fraction_above`` of entities exceeds
    ``threshold``, given the mean sales per entity.

    For a threshold above the mean, the share above it first rises with ``sigma``
    (a fatter tail) and then falls (the median collapses), so two shapes can fit;
    the smaller one, on the rising branch, is returned: it is the one evidence
    of "N entities above T out of M, with total S" points to.

    Raises
    ------
    TargetsError
        If no log-normal with that mean puts that share above the threshold.

    Examples
    --------
    >>> s = solve_sigma(mean=10.0, fraction_above=0.05, threshold=30.0)
    >>> round(float(lognormal_count_above(10.0 * 100, 100, s, 30.0)), 6)
    5.0
    """
    if not 0 < fraction_above < 1:
        raise TargetsError(f"fraction_above must be in (0, 1); got {fraction_above}")

    def f(s: float) -> float:
        return float(lognormal_count_above(mean, 1.0, s, threshold)) - fraction_above

    grid = np.linspace(0.01, 8.0, 800)
    values = np.array([f(s) for s in grid])
    crossings = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if len(crossings) == 0:
        raise TargetsError(
            f"no log-normal with mean {mean:g} puts {fraction_above:.1%} above {threshold:g}"
        )
    k = int(crossings[0])
    return float(optimize.brentq(f, grid[k], grid[k + 1]))


def pareto_count_above(total: ArrayLike, n: ArrayLike, alpha: ArrayLike, threshold: float) -> Array:
    """Expected count above ``threshold`` when sales are Pareto with tail index ``alpha > 1``.

    The minimum ``x_m = mean (alpha - 1) / alpha`` makes the mean ``total / n``;
    the count is ``n (x_m / T)^alpha`` for ``T >= x_m`` (and ``n`` below it).

    Examples
    --------
    >>> float(pareto_count_above(2000.0, 100, 2.0, 40.0))  # x_m = 10: 100 * (10/40)^2
    6.25
    """
    total, n, alpha = (np.asarray(v, dtype=float) for v in (total, n, alpha))
    if np.any(alpha <= 1):
        raise TargetsError("a Pareto tail index must exceed 1 for a finite mean")
    x_m = total / n * (alpha - 1) / alpha
    return n * np.minimum(1.0, (x_m / threshold) ** alpha)
