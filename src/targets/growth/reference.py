"""The outside view: growth of analog platforms after they reached a given scale.

When a platform has too few published figures to fit a curve (Douyin on the
day its goals were announced had one closed-loop annual level), its growth is
forecast from a reference class: how other Chinese e-commerce platforms grew in
the years after their annual GMV was at the same scale. Aligning by scale rather
than by age avoids comparing launch-year fragments, and needs no launch dates.

The analogs are the series the goal file names as its ``reference_class``
(for the first case: Pinduoduo, Kuaishou, JD.com and early Taobao), as
calendar-year totals the package can build exactly from the rows published by
the as-of date.

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

from targets.errors import ForecastError
from targets.sources.observations import to_regular
from targets.sources.vintage import Vintage

#: Marker in a row's ``note`` for a figure whose unit the source gets wrong; such
#: rows never enter the reference class.
UNIT_SUSPECT = "unit suspect"


def analog_noise(vintage: Vintage) -> float:
    """Yearly log-scale idiosyncrasy added to every analog path (assumption ``analog_noise``)."""
    return float(vintage.assumption("analog_noise").value)


def scale_factor(vintage: Vintage) -> float:
    """How far above the starting level an analog's first year at that scale may lie.

    An analog whose first recorded year at or above the level is more than this
    factor above it crossed the level before its record (or in a gap): its
    start is unknown and it is left out (assumption ``analog_scale_factor``).
    """
    return float(vintage.assumption("analog_scale_factor").value)


def analog_series(vintage: Vintage) -> pd.DataFrame:
    """Calendar-year GMV of the analogs (``unique_id, ds, y``), as published in the vintage.

    ``unique_id`` is each series' reader name (the data folder's series dictionary).

    The analogs are the goal file's ``reference_class`` series. Only levels
    (actual or estimate) that cover exactly one calendar year enter; years with
    only bounds are gaps, and growth across a gap is not used. Rows whose note
    flags the unit as suspect are left out.
    """
    frames = []
    for ref in vintage.reference_class:
        rows = vintage.series(ref)
        rows = rows[~rows["note"].fillna("").str.contains(UNIT_SUSPECT, case=False)]
        if rows.empty:
            continue
        s = to_regular(rows, ref.series_id, "YS").assign(unique_id=vintage.ref_name(ref))
        frames.append(s[["unique_id", "ds", "y"]])
    if not frames:
        return pd.DataFrame(columns=["unique_id", "ds", "y"])
    return pd.concat(frames, ignore_index=True)


def growth_after_scale(analogs: pd.DataFrame, level: float, factor: float) -> dict[str, np.ndarray]:
    """Per analog, the log growth rates in the consecutive years after it first reached ``level``.

    The start is the first recorded year at or above ``level``; the analog is
    left out if that year's value is more than :func:`scale_factor` times
    ``level`` (it crossed the level before its record or inside a gap, so its
    growth from that scale is unknown). Rates run over consecutive calendar
    years only and stop at the first gap or at the end of the record.

    Parameters
    ----------
    analogs : pandas.DataFrame
        ``unique_id, ds, y`` (yuan per calendar year), e.g. :func:`analog_series`.
    level : float
        The starting scale, yuan per year.
    factor : float
        :func:`scale_factor`: how far above ``level`` a first year may lie.

    Returns
    -------
    dict
        ``unique_id`` -> yearly log growth rates (the first is the growth in the
        year after the analog first reached ``level``), for analogs with at
        least one such year.
    """
    out: dict[str, np.ndarray] = {}
    for uid, g in analogs.groupby("unique_id", sort=True):
        g = g.sort_values("ds").reset_index(drop=True)
        years = g["ds"].dt.year.to_numpy()
        y = g["y"].to_numpy(float)
        reached = np.flatnonzero(y >= level)
        if len(reached) == 0:
            continue
        k = int(reached[0])
        if y[k] > level * factor:
            continue  # crossed before the record starts, or inside a gap: start unknown
        rates = []
        for j in range(k + 1, len(g)):
            if years[j] != years[j - 1] + 1:
                break
            rates.append(float(np.log(y[j] / y[j - 1])))
        if rates:
            out[str(uid)] = np.array(rates)
    return out


def class_size(rates: dict[str, np.ndarray], years: int) -> pd.DataFrame:
    """How many analogs still have a record ``k`` years after reaching the scale.

    Returns
    -------
    pandas.DataFrame
        ``year_ahead`` (1..years), ``n_analogs`` and ``analogs`` (their names,
        comma-separated): the reference class shrinks as records end.
    """
    names = sorted(rates)
    rows = []
    for k in range(1, years + 1):
        alive = [n for n in names if len(rates[n]) >= k]
        rows.append({"year_ahead": k, "n_analogs": len(alive), "analogs": ", ".join(alive)})
    return pd.DataFrame(rows, columns=["year_ahead", "n_analogs", "analogs"])


def first_multiples(
    analogs: pd.DataFrame, level: float, factor: float, years: int = 3
) -> pd.DataFrame:
    """Year-on-year multiples of each analog in the years after it first reached ``level``.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, year, multiple`` (calendar year of the growth, and the
        multiple over the year before), consecutive years only.
    """
    rates = growth_after_scale(analogs, level, factor)
    rows = []
    for uid, r in rates.items():
        g = analogs[analogs["unique_id"] == uid].sort_values("ds")
        y = g["y"].to_numpy(float)
        first_year = int(g["ds"].dt.year.to_numpy()[np.flatnonzero(y >= level)[0]])
        for k, rate in enumerate(r[:years]):
            rows.append(
                {"unique_id": uid, "year": first_year + k + 1, "multiple": float(np.exp(rate))}
            )
    return pd.DataFrame(rows, columns=["unique_id", "year", "multiple"])


def sample_growth_paths(
    rates: dict[str, np.ndarray],
    years: int,
    n_samples: int,
    rng: np.random.Generator,
    noise: float,
) -> np.ndarray:
    """Cumulative log growth over ``years`` years, one row per sample path.

    Each path follows one analog chosen at random (equal weights). No growth
    rate is carried past the end of an analog's record: when its record ends,
    the path continues along an analog (chosen at random, equal weights) that
    still has a record for that year, so the class shrinks with the horizon
    (:func:`class_size`). Every year adds ``noise`` (:func:`analog_noise`, a
    log standard deviation) of idiosyncratic noise.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_samples, years)``: log of level relative to the base year.

    Raises
    ------
    ForecastError
        If no analog was ever at this scale, or none has a record ``years``
        years after it (the reference class says nothing that far ahead).
    """
    if not rates:
        raise ForecastError("no analog platform was ever at this scale")
    names = sorted(rates)
    longest = max(len(rates[n]) for n in names)
    if years > longest:
        raise ForecastError(
            f"the reference class ends {longest} years after this scale "
            f"(analogs: {', '.join(names)}); a forecast {years} years ahead would carry "
            "growth past every analog's record"
        )
    pick = rng.integers(0, len(names), size=n_samples)
    steps = np.empty((n_samples, years))
    for k in range(years):
        alive = np.array([len(rates[n]) > k for n in names])
        ended = ~alive[pick]
        if ended.any():
            choices = np.flatnonzero(alive)
            pick[ended] = choices[rng.integers(0, len(choices), size=int(ended.sum()))]
        table = np.array([rates[n][k] if len(rates[n]) > k else np.nan for n in names])
        steps[:, k] = table[pick]
    steps += rng.normal(0.0, noise, size=steps.shape)
    return np.cumsum(steps, axis=1)
