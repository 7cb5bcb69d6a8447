"""A goal in one currency judged on a series in the other: converted at a published rate.

Amounts are never converted silently. The goal file names the exchange-rate
series (``exchange_rate``, yuan per US dollar a calendar year); a total over an
interval is converted at the rate of the calendar year holding the interval's
middle: the published annual average where the vintage holds it, else the
latest published year's rate with a yearly log-normal spread (assumption
``fx_annual_log_sd``), so the uncertainty of the rate enters the probability.
Every conversion says which rate it used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from targets.errors import ForecastError
from targets.sources.units import parse_unit
from targets.sources.vintage import Vintage

#: Currencies a goal or a series is stated in that can be converted into each other.
CURRENCIES = ("CNY", "USD")


@dataclass(frozen=True)
class Conversion:
    """The rate used for one conversion and how it was set."""

    year: int
    rate: np.ndarray  # yuan per US dollar, per sample
    sentence: str


def _annual_rates(vintage: Vintage) -> pd.Series:
    """Published calendar-year average rates (yuan per dollar) by year, median of sources."""
    ref = vintage.exchange_rate
    if ref is None:
        return pd.Series(dtype=float)
    rows = vintage.series(ref)
    whole = rows[
        (rows["period_start"].dt.month == 1)
        & (rows["period_start"].dt.day == 1)
        & (rows["period_end"] == rows["period_start"] + pd.offsets.YearEnd(0))
    ]
    if whole.empty:
        return pd.Series(dtype=float)
    factor = whole["unit"].map(lambda u: parse_unit(u).factor)
    values = whole["value"].astype(float) * factor
    return values.groupby(whole["period_start"].dt.year).median()


def _published_rates(vintage: Vintage) -> pd.Series:
    """:func:`_annual_rates`, or a clear error when there is none to convert with."""
    if vintage.exchange_rate is None:
        raise ForecastError(
            "amounts in two currencies meet, and the goal file names no exchange_rate series "
            "to convert with"
        )
    rates = _annual_rates(vintage)
    if rates.empty:
        raise ForecastError(f"no exchange rate had been published {vintage.when}")
    return rates


def known_rate(vintage: Vintage, year: int) -> tuple[float, str]:
    """The yuan-per-dollar rate of ``year`` as the vintage knows it, without spread: the
    published average of that year, else of the latest year published (for a scale, not a
    conversion of amounts: :func:`rate_for` carries the rate's uncertainty).

    Returns
    -------
    (float, str)
        The rate and a sentence naming it.

    Raises
    ------
    ForecastError
        When the goal file names no exchange-rate series, or none was published yet.
    """
    rates = _published_rates(vintage)
    used = year if year in rates.index else int(rates.index.max())
    value = float(rates.loc[used])
    return value, f"the published {used} average, {value:.2f} yuan per dollar"


def rate_for(vintage: Vintage, year: int, n: int, seed: int) -> Conversion:
    """Samples of the yuan-per-dollar rate of calendar ``year`` as known in the vintage.

    Raises
    ------
    ForecastError
        When the goal file names no exchange-rate series, or none of its rates
        was published by the vintage's date.
    """
    rates = _published_rates(vintage)
    if year in rates.index:
        value = float(rates.loc[year])
        return Conversion(
            year, np.full(n, value), f"the published {year} average, {value:.2f} yuan per dollar"
        )
    last = int(rates.index.max())
    base = float(rates.loc[last])
    sd = float(vintage.assumption("fx_annual_log_sd").value)
    years = abs(year - last)
    rng = np.random.default_rng([seed, year, 7])
    draws = base * np.exp(rng.normal(0.0, sd * np.sqrt(years), n))
    return Conversion(
        year,
        draws,
        f"the {last} average of {base:.2f} yuan per dollar, with a spread of {sd:.0%} a year "
        f"for {year}",
    )


def convert(
    amounts: np.ndarray,
    source: str,
    target: str,
    vintage: Vintage,
    start,
    end,
    seed: int,
) -> tuple[np.ndarray, str]:
    """Amounts over ``[start, end]`` in ``source`` currency, in ``target`` currency.

    Returns
    -------
    (numpy.ndarray, str)
        The converted amounts and a sentence naming the rate ("" when no
        conversion was needed).

    Raises
    ------
    ForecastError
        For a currency that cannot be converted (counts, unknown) or no rate.
    """
    if source == target:
        return amounts, ""
    if source not in CURRENCIES or target not in CURRENCIES:
        raise ForecastError(
            f"the goal is in {target} and its series in {source}: they cannot be compared"
        )
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    year = (start + (end - start) / 2).year
    conv = rate_for(vintage, year, len(np.atleast_1d(amounts)), seed)
    rate = conv.rate if np.ndim(amounts) else float(conv.rate[0])
    out = amounts / rate if target == "USD" else amounts * rate
    return out, f"converted from {source} to {target} at {conv.sentence}"
