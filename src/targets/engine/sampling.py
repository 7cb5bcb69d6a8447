"""Small sampling helpers shared by the growth curves and the models."""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def student_scale(nu: float, n: int, rng: np.random.Generator) -> Array:
    """Draws of ``sqrt(nu / chi2_nu)``: the factor that turns a normal into a Student-t.

    The top 1% of draws are truncated at the 99th percentile. With two or three
    degrees of freedom the untruncated factor occasionally exceeds 50, which on a
    log scale means paths of 10^20 yuan: a tail no data can support, and one that
    makes means and CRPS meaningless. Truncation leaves the 80% and 95%
    intervals unchanged.
    """
    return np.minimum(np.sqrt(nu / rng.chisquare(nu, size=n)), _scale_cap(float(nu)))


@functools.lru_cache(maxsize=256)
def _scale_cap(nu: float) -> float:
    """The 99th percentile of ``sqrt(nu / chi2_nu)``, computed once per ``nu``
    (scipy's quantile function costs more than the draws themselves)."""
    from scipy import stats

    return float(np.sqrt(nu / stats.chi2.ppf(0.01, nu)))
