"""``naive``: random walk with drift on the log scale, with its exact small-sample predictive."""

from __future__ import annotations

import numpy as np

from targets.engine.models.base import Array, Series, student_scale


def fit_sample(series: Series, h: int, n_samples: int, rng: np.random.Generator) -> Array:
    """Simulate a log random walk with drift, integrating over drift and noise.

    With growth rates ``d_t = log y_t - log y_{t-1}`` (``m`` of them) assumed
    i.i.d. normal with unknown mean and variance and a flat prior, the posterior
    predictive of future log levels is obtained by drawing, per path,
    ``sigma^2 ~ (m - 1) s^2 / chi^2_{m-1}`` and ``mu ~ N(mean(d), sigma^2 / m)``,
    then cumulating ``h`` innovations ``N(mu, sigma^2)``. Degrees of freedom
    are floored at 2 (see :func:`targets.engine.models.base.widen_small_sample`).

    References
    ----------
    Hyndman & Athanasopoulos, FPP3, section 5.2 (drift method).
    Gelman et al. (2013), Bayesian Data Analysis, section 3.2.
    """
    d = np.diff(np.log(series.y))
    m = len(d)
    nu = max(m - 1, 2)
    s2 = float(np.var(d, ddof=1)) if m > 1 else 0.0
    # A series whose growth never varied still has unknown future variation: use a
    # floor of 1% a period, which only matters for degenerate inputs.
    s2 = max(s2, 1e-4)
    sigma2 = s2 * student_scale(nu, n_samples, rng)[:, None] ** 2
    mu = d.mean() + rng.standard_normal((n_samples, 1)) * np.sqrt(sigma2 / m)
    steps = mu + rng.standard_normal((n_samples, h)) * np.sqrt(sigma2)
    return series.y[-1] * np.exp(np.cumsum(steps, axis=1))
