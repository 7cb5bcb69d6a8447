"""The outside view: growth of analog platforms after they reached a given scale.

When a platform has too few published figures to fit a curve (Douyin on the
day its goals were announced had one closed-loop annual level), its growth is
forecast from a reference class: how other Chinese e-commerce platforms grew in
the years after their annual GMV was at the same scale. Aligning by scale rather
than by age avoids comparing launch-year fragments, and needs no launch dates.

The analogs are the annual (calendar-year) series in ``data/`` that the
package can build exactly: Pinduoduo, Kuaishou, JD.com and early Taobao, using
only rows published by the as-of date.

References
----------
Kahneman, D., & Lovallo, D. (1993). Timid choices and bold forecasts: a
cognitive perspective on risk taking. Management Science 39(1), 17-31.
Flyvbjerg, B. (2006). From Nobel prize to project management: getting risks
right. Project Management Journal 37(3), 5-15 (reference class forecasting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targets.data import load
from targets.observations import to_regular

#: (data set, series id) of the analog platforms' calendar-year GMV.
ANALOGS: tuple[tuple[str, str], ...] = (
    ("pinduoduo_gmv", "pinduoduo_gmv"),
    ("kuaishou_gmv", "kuaishou_gmv"),
    ("jd_gmv", "jd_gmv"),
    ("alibaba_gmv", "taobao_gmv"),
)
#: Year-to-year log-scale idiosyncrasy added to every analog path: how far a
#: platform's growth can stray from its analog's in one year.
ANALOG_NOISE = 0.15
#: An analog year counts as "the same scale" within this factor of the base level.
SCALE_FACTOR = 4.0


def analog_series(as_of: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Calendar-year GMV of the analogs (``unique_id, ds, y``), as known at ``as_of``.

    Only reported levels (actual or estimate) that cover exactly one calendar year
    enter; years with only bounds are gaps, and growth across a gap is not used.
    """
    frames = []
    for dataset, series_id in ANALOGS:
        rows = load(dataset, as_of)
        if series_id not in set(rows["series_id"]):
            continue
        s = to_regular(rows, series_id, "YS")
        frames.append(s[["unique_id", "ds", "y"]])
    if not frames:
        return pd.DataFrame(columns=["unique_id", "ds", "y"])
    return pd.concat(frames, ignore_index=True)


def growth_after_scale(analogs: pd.DataFrame, level: float) -> dict[str, np.ndarray]:
    """Per analog, the log growth rates in the years after it was nearest to ``level``.

    Returns
    -------
    dict
        ``unique_id`` -> consecutive yearly log growth rates, starting with the
        year after the analog's level was closest (in logs) to ``level``, for
        analogs that were within :data:`SCALE_FACTOR` of it.
    """
    out: dict[str, np.ndarray] = {}
    for uid, g in analogs.groupby("unique_id", sort=True):
        g = g.sort_values("ds").reset_index(drop=True)
        gap = np.log(g["y"].to_numpy()) - np.log(level)
        k = int(np.argmin(np.abs(gap)))
        if abs(gap[k]) > np.log(SCALE_FACTOR):
            continue
        rates = []
        for j in range(k + 1, len(g)):
            if g["ds"].iloc[j].year != g["ds"].iloc[j - 1].year + 1:
                break
            rates.append(float(np.log(g["y"].iloc[j] / g["y"].iloc[j - 1])))
        if rates:
            out[str(uid)] = np.array(rates)
    return out


def sample_growth_paths(
    rates: dict[str, np.ndarray], years: int, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Cumulative log growth over ``years`` years, one row per sample path.

    Each path follows one analog chosen at random (equal weights); past the end
    of that analog's record its last rate is repeated. Every year adds
    :data:`ANALOG_NOISE` of idiosyncratic noise.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_samples, years)``: log of level relative to the base year.
    """
    if not rates:
        raise ValueError("no analog platform was ever at this scale")
    names = sorted(rates)
    pick = rng.integers(0, len(names), size=n_samples)
    steps = np.empty((n_samples, years))
    for i, name in enumerate(names):
        r = rates[name]
        padded = np.concatenate([r, np.repeat(r[-1], max(0, years - len(r)))])[:years]
        steps[pick == i] = padded
    steps += rng.normal(0.0, ANALOG_NOISE, size=steps.shape)
    return np.cumsum(steps, axis=1)
