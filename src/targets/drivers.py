"""Forecast distributions of the series goals are measured on, from published rows.

A *driver* turns the rows published by an as-of date into sample totals over
any date interval: by fitting saturating growth curves to the rows when they
identify one (inside view), else by growing the latest annual level along the
analog platforms' paths (outside view, :mod:`targets.reference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from targets import reference
from targets.curvefit import NOISE_SCALE, fit_curve, prepare_rows
from targets.data import load
from targets.errors import ForecastError
from targets.observations import contiguous_tail, level_rows, to_regular

#: Definitions of Douyin GMV that describe the same closed-loop business (rows
#: that include sales routed to third-party links, or product cards, or that
#: count live streams only, measure something else).
DOUYIN_DEFINITIONS = ("", "closed_loop")
#: Curves mixed (equal weights) when the rows identify them.
CURVES = ("gompertz", "logistic")


@dataclass(frozen=True)
class Driver:
    """Sample totals of one measured series, with how they were made."""

    name: str
    method: str
    rows: pd.DataFrame = field(repr=False)
    _sampler: object = field(repr=False)

    def totals(
        self, start: str | pd.Timestamp, end: str | pd.Timestamp, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Sample totals (yuan) over the inclusive interval ``[start, end]``."""
        return self._sampler(pd.Timestamp(start), pd.Timestamp(end), n, rng)  # type: ignore[operator]


def _informative(rows: pd.DataFrame) -> int:
    try:
        r = prepare_rows(rows)
    except ForecastError:
        return 0
    return int(np.sum(r.kind != "lower") + np.sum(r.kind != "upper") - len(r.kind))


def _curve_driver(
    name: str, rows: pd.DataFrame, saturation: tuple[float, float] | None
) -> Driver | None:
    n_rows = _informative(rows)
    fits = []
    for curve in CURVES:
        n_params = 3
        if n_rows < n_params + (0 if saturation else 1):
            continue
        try:
            fits.append(fit_curve(rows, curve, saturation=saturation))
        except ForecastError:
            continue
    if not fits:
        return None

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        parts = []
        counts = np.full(len(fits), n // len(fits))
        counts[: n % len(fits)] += 1
        for fit, c in zip(fits, counts, strict=True):
            parts.append(fit.sample_totals(pd.Series([start]), pd.Series([end]), int(c), rng)[:, 0])
        return rng.permutation(np.concatenate(parts))

    label = " + ".join(f.curve.name for f in fits)
    ceiling = "" if saturation is None else " with a saturation ceiling"
    return Driver(
        name, f"growth curves ({label}){ceiling} fitted to {len(rows)} rows", rows, sampler
    )


def _reference_driver(name: str, rows: pd.DataFrame, as_of: pd.Timestamp | None) -> Driver:
    levels = level_rows(rows)
    years = levels[
        (levels["period_start"].dt.month == 1)
        & (levels["period_start"].dt.day == 1)
        & (levels["period_end"] == levels["period_start"] + pd.offsets.YearEnd(0))
    ]
    ranges = rows[(rows["qualifier"] == "range") & rows["value_yuan"].notna()]
    ranges = ranges[ranges["period_end"] == ranges["period_start"] + pd.offsets.YearEnd(0)]
    years = pd.concat([years, ranges])
    if years.empty:
        raise ForecastError(
            f"{name}: too little data to forecast: no published calendar-year level "
            f"as of {as_of.date() if as_of is not None else 'the latest data'}"
        )
    base_year = int(years["period_start"].dt.year.max())
    base = years[years["period_start"].dt.year == base_year]
    mid = np.sqrt(base["value_yuan"] * base["value_high_yuan"].fillna(base["value_yuan"]))
    sigma = np.where(base["status"] == "official", NOISE_SCALE["official"], NOISE_SCALE["reported"])
    rates = reference.growth_after_scale(reference.analog_series(as_of), float(np.median(mid)))
    if not rates:
        raise ForecastError(f"{name}: no analog platform was ever at this scale")

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        last_year = max(end.year, base_year + 1)
        horizon = last_year - base_year
        pick = rng.integers(0, len(base), size=n)
        level0 = np.log(mid.to_numpy()[pick]) + rng.normal(0, 1, n) * sigma[pick]
        growth = reference.sample_growth_paths(rates, horizon, n, rng)
        annual = np.exp(level0[:, None] + np.concatenate([np.zeros((n, 1)), growth], axis=1))
        total = np.zeros(n)
        for k, year in enumerate(range(base_year, last_year + 1)):
            y0, y1 = (
                pd.Timestamp(year=year, month=1, day=1),
                pd.Timestamp(year=year, month=12, day=31),
            )
            overlap = (min(y1, end) - max(y0, start)).days + 1
            if overlap > 0:
                total += annual[:, k] * overlap / ((y1 - y0).days + 1)
        if start.year < base_year:
            raise ForecastError(f"{name}: interval starts before the base year {base_year}")
        return total

    analogs = ", ".join(sorted(rates))
    return Driver(
        name,
        f"reference class: the {base_year} level grown along analog platforms ({analogs}) "
        "from the same scale",
        rows,
        sampler,
    )


def series_driver(
    name: str,
    rows: pd.DataFrame,
    as_of: pd.Timestamp | None,
    saturation: tuple[float, float] | None = None,
) -> Driver:
    """A driver from one series' rows: growth curves if identified, else the reference class.

    Raises
    ------
    ForecastError
        If the rows support neither (no calendar-year level published yet).
    """
    if rows.empty:
        raise ForecastError(
            f"{name}: too little data to forecast: no rows published by "
            f"{as_of.date() if as_of is not None else 'now'}"
        )
    driver = _curve_driver(name, rows, saturation)
    return driver if driver is not None else _reference_driver(name, rows, as_of)


def douyin_rows(as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Douyin closed-loop GMV rows published by ``as_of`` (levels, bounds, multiples)."""
    rows = load("douyin_gmv", as_of)
    keep = (
        rows["series_id"].eq("douyin_gmv")
        & rows["definition"].isin(DOUYIN_DEFINITIONS)
        & (rows["period_start"] >= pd.Timestamp("2020-01-01"))
        # Growth multiples against a base inside 2020 compare the closed-loop store
        # with a year in which most sales still went out through third-party links
        # (cut off in late 2020): a change of definition, not growth.
        & ~(rows["kind"].eq("growth_multiple") & (rows["base_end"] < pd.Timestamp("2020-12-31")))
    )
    return rows[keep]


def douyin_driver(as_of: pd.Timestamp | None) -> Driver:
    """Douyin e-commerce GMV (closed loop, from 2020: the unit was formed in June 2020)."""
    return series_driver("Douyin GMV", douyin_rows(as_of), as_of)


def kuaishou_driver(as_of: pd.Timestamp | None, saturation=None) -> Driver:
    """Kuaishou e-commerce GMV (total, incl. orders directed to partners)."""
    rows = load("kuaishou_gmv", as_of)
    rows = rows[rows["series_id"].eq("kuaishou_gmv") & (rows["period_start"] >= "2019-01-01")]
    return series_driver("Kuaishou GMV", rows, as_of, saturation)


def live_commerce_rows(as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Live-streaming e-commerce market size, all research houses pooled (not MOFCOM's
    monitored key platforms, a narrower scope)."""
    rows = load("live_commerce_market", as_of)
    return rows[~rows["series_id"].eq("live_commerce_mofcom_key_platforms")]


@lru_cache(maxsize=32)
def physical_online_retail_samples(
    as_of: pd.Timestamp | None, year: int, n: int, seed: int
) -> np.ndarray:
    """Samples of NBS physical-goods online retail sales in ``year`` (yuan).

    The observed value if published by ``as_of``; else the ensemble forecast of
    the latest unbroken run of annual figures.
    """
    from targets.forecasting import forecast

    series = contiguous_tail(to_regular(load("nbs_retail", as_of), "nbs_physical_online_retail"))
    known = series[series["ds"].dt.year == year]
    if not known.empty:
        return np.full(n, float(known["y"].iloc[0]))
    last = int(series["ds"].dt.year.max())
    if year < last:
        raise ForecastError(f"no physical-goods online retail figure for {year}")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _, paths = forecast(
            series[["unique_id", "ds", "y"]],
            year - last,
            models=("naive", "ets", "theta", "ensemble"),
            n_samples=n,
            seed=seed,
            return_paths=True,
        )
    return paths.samples[("nbs_physical_online_retail", "ensemble")][:, -1]


def annual_samples(
    driver: Driver, years: list[int], n: int = 2000, seed: int = 0
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Sample calendar-year totals from a driver, for fan charts.

    Returns
    -------
    (DatetimeIndex, numpy.ndarray)
        Year starts and an array ``(n, len(years))`` of totals (yuan). Each year
        is sampled separately (the fan shows marginal bands).
    """
    rng = np.random.default_rng(seed)
    starts = pd.DatetimeIndex([pd.Timestamp(year=y, month=1, day=1) for y in years])
    columns = [driver.totals(s, s + pd.offsets.YearEnd(0), n, rng) for s in starts]
    return starts, np.column_stack(columns)


def live_commerce_driver(
    as_of: pd.Timestamp | None, ceiling_year: int, n: int = 4000, seed: int = 0
) -> Driver:
    """Live-streaming e-commerce market size, with a saturation ceiling.

    The saturation level lies between the largest published market size and the
    95th percentile of NBS physical-goods online retail sales in ``ceiling_year``
    (live commerce is a part of online retail of goods).
    """
    rows = live_commerce_rows(as_of)
    ceiling = physical_online_retail_samples(as_of, ceiling_year, n, seed)
    levels = level_rows(rows)
    low = float(levels["value_yuan"].max()) if not levels.empty else 1e9
    high = max(float(np.quantile(ceiling, 0.95)), low * 1.01)
    return series_driver(
        "Live-streaming e-commerce market (research houses)", rows, as_of, saturation=(low, high)
    )
