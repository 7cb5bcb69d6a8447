"""Forecast distributions of the series goals are measured on, from published rows.

A *driver* turns the rows of one series published by an as-of date into sample
totals over any date interval, in the series' own currency. Which method it
uses depends on what the rows support, in this order:

1. **The calibrated ensemble** of :func:`targets.forecast` (random walk with
   drift, ETS with damped trend and Theta on logs, mixed), when the rows give a
   regular annual series (or, failing that, a quarterly one) of at least the
   number of periods in the assumptions ``driver_min_regular_years`` /
   ``driver_min_regular_quarters``. These members do not saturate, so a
   growing series is not pulled down by a ceiling it has not shown; the
   ensemble's calibration on short simulated series is checked in
   ``tests/test_drivers.py`` and ``benchmarks/bench_forecast.py``.
2. **Growth curves** fitted to every interval total, bound and growth
   multiple, when the rows identify them (at least as many distinct
   informative intervals as parameters, plus one without a saturation prior),
   for irregular rows: partial years, fiscal years, bounds. Gompertz and
   logistic (equal weights) under a saturation prior, the exponential curve
   without one: a ceiling the series has not shown is not assumed.
3. **The reference class** (:mod:`targets.growth.reference`): the latest calendar-year
   level grown along the analog platforms' paths from the same scale (yuan
   series only: the analogs are in yuan and nothing is converted).

Currency: a series' money rows are in yuan (``value_yuan``) or in US dollars
(``value_usd``); the driver works in the currency most of its rows use, never
converts, and says which (:attr:`Driver.currency`). Rows in the other currency
are left out.

A series the goal file gives a model of its own (``series_models``, e.g. the
first case's Douyin GMV) is forecast by that model (:func:`regime_driver`,
:mod:`targets.growth.regimefit`: a regime break and linked definitions); see
:func:`predictive_check` for how well it reproduces its rows. The code knows
kinds of model, never a series: which series has which model, and which
assumption rows set its priors, are written in the goal file.

Every function takes a :class:`~targets.sources.vintage.Vintage`: the rows and
assumptions published by its date.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from targets.engine.curvefit import FitNoise, fit_curve, prepare_rows
from targets.errors import ForecastError
from targets.growth import reference
from targets.sources import currency as fx
from targets.sources.goals import SeriesModel, SeriesRef
from targets.sources.observations import contiguous_tail, level_rows, to_regular
from targets.sources.vintage import Vintage

#: Curves mixed (equal weights) when the rows identify them: saturating curves only under
#: a saturation prior (a ceiling the goal file names); without one, the exponential
#: curve, so that a growing series is not pulled down by a ceiling it has not shown.
CURVES = ("gompertz", "logistic")
FREE_CURVES = ("exponential",)
#: Informative rows a curve needs without a saturation prior (as the three-parameter
#: curves needed before: the data requirement did not change with the curve).
MIN_FREE_ROWS = 4
#: Members of the ensemble a driver asks :func:`targets.forecast` for: the
#: non-saturating models (the saturating curves are method 2 above).
ENSEMBLE_MODELS: tuple[str, ...] = ("naive", "ets", "theta", "ensemble")
#: Currencies a driver can work in, and the column holding each.
CURRENCY_COLUMNS: dict[str, str] = {"CNY": "value_yuan", "USD": "value_usd"}
#: Sample paths drawn once per driver and horizon; totals resample from them.
N_PATHS = 4000
#: The fewest regular periods the default ensemble members fit (a property of the models).
MIN_REGULAR_POINTS = 3
#: The ensemble is run for horizons in whole blocks of this many periods.
HORIZON_BLOCK: dict[str, int] = {"YS": 5, "QS": 12}


@dataclass(frozen=True)
class Driver:
    """Sample totals of one measured series, with how they were made.

    Attributes
    ----------
    name : str
    method : str
        One sentence: which method, on how many rows.
    rows : pandas.DataFrame
        The rows the driver was built from.
    currency : str
        ``"CNY"`` or ``"USD"``: the unit of :meth:`totals`.
    fitted : pandas.DataFrame or None
        Every row the model was fitted to, where that is more than :attr:`rows`
        (Douyin's regime model also fits third-party-link and bound rows);
        ``None`` when it is :attr:`rows`.
    """

    name: str
    method: str
    rows: pd.DataFrame = field(repr=False)
    _sampler: object = field(repr=False)
    currency: str = "CNY"
    fitted: pd.DataFrame | None = field(default=None, repr=False)

    def totals(
        self, start: str | pd.Timestamp, end: str | pd.Timestamp, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Sample totals over the inclusive interval ``[start, end]``, in :attr:`currency`."""
        return self._sampler(pd.Timestamp(start), pd.Timestamp(end), n, rng)  # type: ignore[operator]


def _when(vintage: Vintage) -> str:
    return f"as of {vintage.as_of.date()}" if vintage.as_of is not None else "on the latest data"


def in_own_currency(rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows of one series in the currency most of its money rows use, never converted.

    Returns
    -------
    (pandas.DataFrame, str)
        A copy of the rows whose ``value_yuan``/``value_high_yuan`` columns hold
        the amounts in that currency (the fitting code reads those columns;
        for a US-dollar series they hold dollars, for a series of counts the
        counts), without the money rows in the other currency; and the
        currency, ``"CNY"``, ``"USD"`` or ``"count"``.
    """
    n_cny = int(rows["value_yuan"].notna().sum())
    usd = rows["value_usd"].notna() if "value_usd" in rows else pd.Series(False, index=rows.index)
    counts = rows["unit"].eq("count") if "unit" in rows else pd.Series(False, index=rows.index)
    if n_cny == 0 and not usd.any() and counts.any():
        # A series of counts (parcels, users, brands) is forecast like an amount.
        keep = rows[counts | rows["kind"].eq("growth_multiple")]
        return keep.assign(
            value_yuan=keep["value"].where(counts[keep.index]),
            value_high_yuan=keep["value_high"].where(counts[keep.index]),
        ), "count"
    if int(usd.sum()) <= n_cny:
        return rows[~usd], "CNY"
    money = rows["value_yuan"].notna() | usd
    keep = rows[usd | ~money]
    factor = keep["value_usd"] / keep["value"]
    return keep.assign(
        value_yuan=keep["value_usd"], value_high_yuan=keep["value_high"] * factor
    ), "USD"


def _informative(rows: pd.DataFrame, noise: FitNoise) -> int:
    """Distinct intervals with a level or a growth multiple (bounds do not count)."""
    try:
        r = prepare_rows(rows, noise=noise)
    except ForecastError:
        return 0
    keys = {
        (s, e, bs, be)
        for s, e, bs, be, k in zip(
            np.round(r.start, 4),
            np.round(r.end, 4),
            np.nan_to_num(np.round(r.base_start, 4)),
            np.nan_to_num(np.round(r.base_end, 4)),
            r.kind,
            strict=True,
        )
        if k in ("level", "ratio")
    }
    return len(keys)


def _curve_driver(
    name: str,
    rows: pd.DataFrame,
    saturation: tuple[float, float] | None,
    vintage: Vintage,
    currency: str,
) -> Driver | None:
    from targets.engine.curves import CURVES as SPECS

    noise = FitNoise.from_assumptions(vintage)
    n_rows = _informative(rows, noise)
    fits = []
    for curve in CURVES if saturation is not None else FREE_CURVES:
        # Under a ceiling prior, as many informative rows as parameters; without one, at
        # least MIN_FREE_ROWS: a free curve through a few hypergrowth figures explodes.
        n_params = len(SPECS[curve].params)
        if n_rows < (n_params if saturation else max(n_params + 1, MIN_FREE_ROWS)):
            continue
        try:
            fits.append(fit_curve(rows, curve, saturation=saturation, noise=noise))
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
        name,
        f"growth curves ({label}){ceiling} fitted to {len(rows)} rows",
        rows,
        sampler,
        currency,
    )


def _regular(rows: pd.DataFrame, vintage: Vintage) -> tuple[pd.DataFrame, str] | None:
    """The latest unbroken regular run of the rows' series: annual if long enough, else quarters."""
    ids = rows["series_id"].unique()
    if len(ids) != 1:
        return None  # several series pooled (e.g. research houses): not one regular series
    for freq, key in (("YS", "driver_min_regular_years"), ("QS", "driver_min_regular_quarters")):
        series = contiguous_tail(to_regular(rows, str(ids[0]), freq), freq)
        if len(series) >= max(vintage.assumption(key).value, MIN_REGULAR_POINTS):
            return series, freq
    return None


def _interval_totals(
    paths, uid: str, freq: str, start: pd.Timestamp, end: pd.Timestamp
) -> np.ndarray:
    """Totals over ``[start, end]`` per ensemble path; a cut period counts pro rata by days."""
    history = paths.history[uid]
    starts = history.index.append(paths.future[uid])
    ends = pd.date_range(starts[0], periods=len(starts) + 1, freq=freq)[1:] - pd.Timedelta(days=1)
    if start < starts[0] or end > ends[-1] or end < start:
        raise ForecastError(
            f"series {uid!r}: interval {start.date()}..{end.date()} is outside the observed "
            f"totals and forecast horizon {starts[0].date()}..{ends[-1].date()}"
        )
    s = starts.to_numpy(dtype="datetime64[D]")
    e = ends.to_numpy(dtype="datetime64[D]")
    lo = np.maximum(s, np.datetime64(start.date()))
    hi = np.minimum(e, np.datetime64(end.date()))
    overlap = np.clip((hi - lo).astype(int) + 1, 0, None)
    weight = overlap / ((e - s).astype(int) + 1)
    n_hist = len(history)
    samples = paths.samples[(uid, "ensemble")]
    return float(weight[:n_hist] @ history.to_numpy(float)) + samples @ weight[n_hist:]


def _ensemble_driver(
    name: str, rows: pd.DataFrame, vintage: Vintage, currency: str, seed: int = 0
) -> Driver | None:
    from targets.engine.forecast import forecast

    found = _regular(rows, vintage)
    if found is None:
        return None
    series, freq = found
    uid = str(series["unique_id"].iloc[0])
    last = series["ds"].max()
    step = pd.tseries.frequencies.to_offset(freq)
    cache: dict[int, object] = {}

    def paths_for(h: int):
        if h not in cache:
            with warnings.catch_warnings():
                # A member that cannot be fitted is left out of the mixture and
                # listed in the frame's attrs; the warning saying so is not news here.
                warnings.filterwarnings("ignore", message=".*left out.*", category=UserWarning)
                _, cache[h] = forecast(
                    series[["unique_id", "ds", "y"]],
                    h,
                    freq=freq,
                    models=ENSEMBLE_MODELS,
                    n_samples=N_PATHS,
                    seed=seed,
                    return_paths=True,
                    assumptions=vintage,
                )
        return cache[h]

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        h = 1  # periods after the last observed one, up to the one holding ``end``
        while last + step * (h + 1) <= end:
            h += 1
        # Forecast whole blocks of periods, so that nearby intervals share one
        # fit and the result does not depend on which interval was asked first.
        block = HORIZON_BLOCK[freq]
        paths = paths_for(-(-h // block) * block)
        totals = _interval_totals(paths, uid, freq, start, end)
        return totals[rng.integers(0, len(totals), size=n)]

    kind = "annual" if freq == "YS" else "quarterly"
    return Driver(
        name,
        f"ensemble of {', '.join(m for m in ENSEMBLE_MODELS if m != 'ensemble')} on "
        f"{len(series)} {kind} totals ({series['ds'].min().year}-{last.year})",
        rows,
        sampler,
        currency,
    )


def _reference_driver(name: str, rows: pd.DataFrame, vintage: Vintage, currency: str) -> Driver:
    """The series' latest calendar-year level grown along the analog platforms from its scale.

    The analogs are yuan series. A dollar series is matched to them at its scale in yuan (the
    base year's published exchange rate, or the latest one published), grown along their
    growth in yuan, and its paths carry the exchange rate's own drift (``fx_annual_log_sd``
    a year, a random walk), since a dollar total also moves with the rate.
    """
    if currency not in ("CNY", "USD"):
        raise ForecastError(
            f"{name}: too few rows to fit a curve {_when(vintage)}, and the reference class "
            f"(analog platforms' sales) cannot stand for a series of {currency}"
        )
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
            f"{_when(vintage)}"
        )
    base_year = int(years["period_start"].dt.year.max())
    base = years[years["period_start"].dt.year == base_year]
    mid = np.sqrt(base["value_yuan"] * base["value_high_yuan"].fillna(base["value_yuan"]))
    noise = FitNoise.from_assumptions(vintage)
    sigma = np.where(base["status"] == "official", noise.official, noise.reported)
    to_yuan, fx_sd, fx_text = 1.0, 0.0, ""
    if currency == "USD":
        try:
            to_yuan, rate_text = fx.known_rate(vintage, base_year)
        except ForecastError as exc:
            raise ForecastError(
                f"{name}: too few rows to fit a curve {_when(vintage)}, and its scale in yuan "
                f"for the reference class (analog platforms in yuan) is unknown: {exc}"
            ) from exc
        fx_sd = float(vintage.assumption("fx_annual_log_sd").value)
        fx_text = (
            f"; its {base_year} level matched to the analogs in yuan at {rate_text}, and the "
            f"dollar paths given the exchange rate's drift ({fx_sd:.0%} a year)"
        )
    rates = reference.growth_after_scale(
        reference.analog_series(vintage),
        float(np.median(mid)) * to_yuan,
        reference.scale_factor(vintage),
    )
    analog_noise = reference.analog_noise(vintage)
    if not rates:
        raise ForecastError(
            f"{name}: too few rows to fit a curve {_when(vintage)}, and no series of the "
            "reference class was ever at this scale"
        )

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        if start.year < base_year:
            raise ForecastError(f"{name}: interval starts before the base year {base_year}")
        last_year = max(end.year, base_year + 1)
        horizon = last_year - base_year
        pick = rng.integers(0, len(base), size=n)
        level0 = np.log(mid.to_numpy()[pick]) + rng.normal(0, 1, n) * sigma[pick]
        growth = reference.sample_growth_paths(rates, horizon, n, rng, analog_noise)
        if fx_sd > 0:
            growth = growth + np.cumsum(rng.normal(0.0, fx_sd, growth.shape), axis=1)
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
        return total

    size = reference.class_size(rates, max(len(r) for r in rates.values()))
    counts = "; ".join(
        f"{k} year{'s' if k > 1 else ''} on: {v}" for k, v in enumerate(size["n_analogs"], 1)
    )
    return Driver(
        name,
        f"reference class: the {base_year} level grown along analog platforms "
        f"({', '.join(sorted(rates))}) from the same scale; analogs with a record {counts}"
        f"{fx_text}",
        rows,
        sampler,
        currency,
    )


def series_driver(
    name: str,
    rows: pd.DataFrame,
    vintage: Vintage,
    saturation: tuple[float, float] | None = None,
) -> Driver:
    """A driver from one series' rows (any series in ``data/``, yuan or US dollars).

    Parameters
    ----------
    name : str
        Label used in messages and methods.
    rows : pandas.DataFrame
        Rows of the vintage, filtered to the series (and the definitions) the
        driver forecasts.
    vintage : Vintage
        Where the rows come from; its assumptions in force are used.
    saturation : (float, float), optional
        Prior range of a saturation level (per year, in the series' currency);
        given, the growth curves are used whenever they are identified.

    Rows whose note flags the unit as suspect are left out.

    Returns
    -------
    Driver
        The ensemble on a regular run, else growth curves, else the reference
        class (see the module docstring); ``Driver.currency`` says the unit.

    Raises
    ------
    ForecastError
        If the rows support none of them (no rows, no calendar-year level).
    """
    if rows.empty:
        raise ForecastError(
            f"{name}: too little data to forecast: no rows published {_when(vintage)}"
        )
    if "note" in rows:
        # A figure whose unit the source gets wrong (flagged in its note) is not evidence.
        rows = rows[~rows["note"].fillna("").str.contains(reference.UNIT_SUSPECT, case=False)]
    own, currency = in_own_currency(rows)
    if _yearly_event(own, vintage):
        return _event_driver(name, own, vintage, currency, saturation)
    driver = None if saturation is not None else _ensemble_driver(name, own, vintage, currency)
    if driver is None:
        driver = _curve_driver(name, own, saturation, vintage, currency)
    return driver if driver is not None else _reference_driver(name, own, vintage, currency)


def _yearly_event(rows: pd.DataFrame, vintage: Vintage) -> bool:
    """Whether every series among ``rows`` is a once-a-year event (the series dictionary's
    ``yearly_event``)."""
    pairs = rows[["dataset", "series_id"]].drop_duplicates()
    return len(pairs) > 0 and all(
        vintage.yearly_event(str(d), str(s))
        for d, s in zip(pairs["dataset"], pairs["series_id"], strict=True)
    )


def _as_years(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of a yearly event restated as calendar-year totals: an event's total is its
    year's (the window may change between years, e.g. Double 11 from one day to eleven),
    and a growth multiple compares the years of its two events."""
    out = rows.copy()
    for start, end in (("period_start", "period_end"), ("base_start", "base_end")):
        year = out[end].dt.year
        known = year.notna()
        out.loc[known, start] = pd.to_datetime(year[known].astype(int).astype(str) + "-01-01")
        out.loc[known, end] = pd.to_datetime(year[known].astype(int).astype(str) + "-12-31")
    return out


def _event_driver(
    name: str,
    rows: pd.DataFrame,
    vintage: Vintage,
    currency: str,
    saturation: tuple[float, float] | None,
) -> Driver:
    """A once-a-year event forecast year by year: the series of its yearly totals goes
    through the usual methods, and the total over an interval within one year is that
    year's event total (not a share of a year by days: a festival is not a flow)."""
    years = _as_years(rows)
    inner = None if saturation is not None else _ensemble_driver(name, years, vintage, currency)
    if inner is None:
        inner = _curve_driver(name, years, saturation, vintage, currency)
    if inner is None:
        inner = _reference_driver(name, years, vintage, currency)

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        if start.year != end.year:
            raise ForecastError(
                f"{name}: a once-a-year event is forecast one year's event at a time; "
                f"{start.date()}..{end.date()} spans {start.year}-{end.year}"
            )
        first = pd.Timestamp(year=start.year, month=1, day=1)
        return inner.totals(first, pd.Timestamp(year=start.year, month=12, day=31), n, rng)

    return Driver(
        name,
        f"{inner.method}; each year's event as one total",
        rows,
        sampler,
        currency,
    )


#: The measures of the regime model (:mod:`targets.growth.regimefit`): the platform's own
#: closed loop, the broad measure including sales through third-party links, and the
#: closed loop with product cards.
REGIME_MEASURES = ("closed", "broad", "cards")


def regime_definitions(model: SeriesModel) -> tuple[str, ...]:
    """Row definitions that state the closed-loop measure itself ("" and those mapped to it)."""
    return ("", *sorted(d for d, m in model.measures if m == "closed"))


def regime_rows(vintage: Vintage, model: SeriesModel) -> pd.DataFrame:
    """The model's series rows of the closed measure, from the year of its break on.

    Growth multiples against a base inside the break year compare the closed
    loop with months in which most sales still went out through other links, a
    change of definition rather than growth, and are left out here (the regime
    model of :func:`regime_driver` fits them with the break).
    """
    from targets.growth import regimefit

    rows = vintage.series(model.series)
    cut = regimefit.break_date(vintage.assumption(f"{model.assumptions}regime_break").value)
    year_start = pd.Timestamp(year=cut.year, month=1, day=1)
    keep = (
        rows["definition"].isin(regime_definitions(model))
        & (rows["period_start"] >= year_start)
        & ~(
            rows["kind"].eq("growth_multiple")
            & (rows["base_end"] < year_start + pd.offsets.YearEnd(0))
        )
    )
    return rows[keep]


def regime_model_rows(vintage: Vintage, model: SeriesModel) -> pd.DataFrame:
    """Every row of the model's series published in the vintage, with its measure or why it
    is left out.

    Returns
    -------
    pandas.DataFrame
        The rows of the model's series (and its ``also`` series, which measure
        the closed loop) plus ``measure`` (``closed``, ``broad``, ``cards`` or
        ``unstated``; empty when left out) and ``left_out`` (the reason, empty
        when fitted). An official statement of undefined scope is about the
        platform's own store, the closed loop; a media figure of undefined scope
        may be either measure.
    """
    parts = [vintage.series(SeriesRef(model.series.dataset, model.series.series_id))]
    parts += [vintage.series(ref) for ref in model.also]
    # Empty parts would turn the date columns into objects.
    parts = [p for p in parts if len(p)] or parts[:1]
    rows = pd.concat(parts, ignore_index=False).sort_values(
        ["period_start", "period_end", "published", "row"], kind="stable"
    )
    rows = rows.reset_index(drop=True)
    definition = rows["definition"].fillna("")
    measure = definition.map(dict(model.measures)).fillna("")
    undefined = definition.eq("")
    measure[undefined] = np.where(
        rows.loc[undefined, "status"].eq("official"), "closed", "unstated"
    )
    also = {(r.dataset, r.series_id) for r in model.also}
    is_also = pd.Series(
        [(d, s) in also for d, s in zip(rows["dataset"], rows["series_id"], strict=True)],
        index=rows.index,
    )
    measure[is_also] = "closed"
    reason = pd.Series("", index=rows.index, dtype=object)
    from targets.formatting import code

    reason[measure.eq("")] = [
        f"its definition ({code(d)}) has no link to the model" for d in definition[measure.eq("")]
    ]
    reason[rows["kind"].isin(["target", "forecast"])] = "a target or forecast, not a measurement"
    reason[rows["value_usd"].notna()] = "stated in US dollars (never converted)"
    rows["measure"] = measure.where(reason.eq(""), "")
    rows["left_out"] = reason
    return rows


def _regime_prior(rows: pd.DataFrame, vintage: Vintage, origin: pd.Timestamp, model: SeriesModel):
    from targets.growth import regimefit

    def value(key: str) -> float:
        return vintage.assumption(f"{model.assumptions}{key}").value

    def rng_of(key: str) -> tuple[float, float]:
        return vintage.assumption(f"{model.assumptions}{key}").bounds

    name = vintage.ref_name(model.series)
    fitted = rows[rows["measure"].ne("")]
    levels = level_rows(fitted)
    years = (levels["period_end"] - levels["period_start"]).dt.days.add(1) / 365.25
    rate = levels["value_yuan"] / years
    before = levels["period_start"] < origin
    closed = rate[before & levels["measure"].isin(["closed", "unstated"])]
    broad = rate[before & levels["measure"].eq("broad")]
    closed_all = rate[levels["measure"].isin(["closed", "unstated"])]
    if closed.empty and closed_all.empty:
        raise ForecastError(
            f"{name}: too little data to forecast: no closed-loop level {_when(vintage)}"
        )
    scale_c = float(np.median(closed)) if not closed.empty else float(closed_all.min())
    scale_l = float(np.median(broad)) if not broad.empty else scale_c
    factor = np.log(value("level_prior_factor"))
    rates = reference.growth_after_scale(
        reference.analog_series(vintage), scale_c, reference.scale_factor(vintage)
    )
    if not rates:
        raise ForecastError(f"{name}: no series of the reference class was ever at its scale")
    first = np.array([r[0] for r in rates.values()])
    g0_sd = float(np.hypot(np.std(first), value("post_break_growth_sd")))
    b_mean, b_sd = regimefit.range_prior(*rng_of("pre_break_growth"))
    lo, hi = rng_of("link_capture")
    phi_mean, phi_sd = regimefit.range_prior(np.log(lo / (1 - lo)), np.log(hi / (1 - hi)))
    hl_lo, hl_hi = rng_of("growth_half_life")
    lam_mean, lam_sd = regimefit.range_prior(np.log(np.log(2) / hl_hi), np.log(np.log(2) / hl_lo))
    ginf_mean, ginf_sd = regimefit.range_prior(*rng_of("long_run_growth"))
    kappa_mean, kappa_sd = regimefit.range_prior(*rng_of("product_card_uplift"))
    m_lo, m_hi = rng_of("migration_time")
    m_mean, m_sd = regimefit.range_prior(np.log(m_lo), np.log(m_hi))
    mean = np.array(
        [
            np.log(scale_c),
            b_mean,
            np.log(scale_l),
            b_mean,
            phi_mean,
            float(np.mean(first)),
            lam_mean,
            ginf_mean,
            kappa_mean,
            m_mean,
        ]
    )
    level_sd = regimefit.range_prior(-factor, factor)[1]
    sd = np.array([level_sd, b_sd, level_sd, b_sd, phi_sd, g0_sd, lam_sd, ginf_sd, kappa_sd, m_sd])
    return regimefit.Prior(mean, sd), sorted(rates)


def regime_usable(vintage: Vintage, model: SeriesModel) -> bool:
    """Whether the model's break is known at the vintage's date (its assumption row usable)."""
    return vintage.has_assumption(f"{model.assumptions}regime_break")


@lru_cache(maxsize=16)
def regime_fit(vintage: Vintage, model: SeriesModel, without: tuple[int, ...] = ()):
    """The regime model fitted to the rows of its series published in the vintage.

    Fitted once per vintage (its content and date). ``without`` names lines of
    the series' data file left out of the fit (leave-one-row-out influence,
    :mod:`targets.assess.influence`).

    Returns
    -------
    (targets.growth.regimefit.RegimeFit, pandas.DataFrame, list of str)
        The fit, the rows with their measures (:func:`regime_model_rows`) and
        the analog series behind the prior on growth after the break.
    """
    from targets.growth import regimefit

    name = vintage.ref_name(model.series)
    rows = regime_model_rows(vintage, model)
    rows = rows[~rows["row"].isin(without)]
    if rows["measure"].eq("").all():
        raise ForecastError(
            f"{name}: too little data to forecast: no rows published {_when(vintage)} "
            "that measure it"
        )
    origin = regimefit.break_date(vintage.assumption(f"{model.assumptions}regime_break").value)
    prior, analogs = _regime_prior(rows, vintage, origin, model)
    fitted = rows[rows["measure"].ne("")]
    fit = regimefit.fit(
        fitted,
        fitted["measure"],
        origin,
        prior,
        process_sd=reference.analog_noise(vintage),
        month_sd=vintage.assumption(f"{model.assumptions}month_noise").value,
        noise=FitNoise.from_assumptions(vintage),
    )
    return fit, rows, analogs


def regime_driver(
    vintage: Vintage, model: SeriesModel, without: tuple[int, ...] = (), name: str | None = None
) -> Driver:
    """The closed-loop measure of a series with a regime model (:mod:`targets.growth.regimefit`).

    ``without`` names lines of the series' file left out (see :func:`regime_fit`).

    Raises
    ------
    ForecastError
        If no closed-loop level is published in the vintage.
    """
    fit, rows, analogs = regime_fit(vintage, model, tuple(sorted(without)))
    n_fitted = fit.rows.n

    def sampler(start: pd.Timestamp, end: pd.Timestamp, n: int, rng: np.random.Generator):
        return fit.sample_closed_totals(start, end, n, rng)

    return Driver(
        name or vintage.ref_name(model.series),
        f"a growth model with the {fit.origin:%B %Y} break (closed loop and third-party links "
        f"as linked measures, a damped trend on logs after the break) fitted to {n_fitted} "
        f"rows, growth after the break a priori like {', '.join(analogs)} from the same scale",
        regime_rows(vintage, model).pipe(lambda r: r[~r["row"].isin(without)]),
        sampler,
        "CNY",
        fitted=rows[rows["measure"].ne("")],
    )


def predictive_check(
    vintage: Vintage, model: SeriesModel, n: int = 4000, seed: int = 0
) -> pd.DataFrame:
    """How well a series' own model reproduces every row it was fitted to.

    This is a fit check, not a validation: the rows were used to fit the model.

    Parameters
    ----------
    vintage : Vintage
        Fit to the rows published by its date.
    model : SeriesModel
        The series and its model (from the goal file's ``series_models``).
    n : int
        Posterior predictive draws.
    seed : int

    Returns
    -------
    pandas.DataFrame
        One row per data row of the series: ``row`` (data set and line),
        ``series_id``, ``period`` and ``base`` (for growth multiples),
        ``status``, ``qualifier``, ``measure``, ``published`` (the figure:
        yuan, or a multiple for growth rows), ``median, lo-80, hi-80, lo-95,
        hi-95`` of the model's predictive for that figure over that interval,
        ``inside_80`` and ``inside_95`` (for a "more than" bound: the model
        gives the bound at least that chance of being exceeded; for "less
        than", the reverse), and ``left_out``, the reason a row was not fitted
        (its interval columns are then empty). Sorted by period.

    Raises
    ------
    ForecastError
        When the model cannot be fitted in the vintage.
    """
    fit, rows, _ = regime_fit(vintage, model)
    pred = fit.check(n, np.random.default_rng(seed))
    src = fit.rows.fit.source
    dropped = rows.index.difference(src.index)
    rows = rows.copy()
    still = rows.loc[dropped, "left_out"].eq("")
    rows.loc[dropped[still.to_numpy()], "left_out"] = "the same statement as another fitted row"
    rows.loc[dropped[still.to_numpy()], "measure"] = ""
    out = rows.join(pred)
    is_ratio = out["kind"].eq("growth_multiple")
    out["published"] = np.where(
        is_ratio,
        out["ratio"],
        np.where(out["value_yuan"].notna(), out["value_yuan"], out["value_usd"]),
    )
    rng_mid = np.sqrt(out["value_yuan"] * out["value_high_yuan"])
    out.loc[out["qualifier"].eq("range"), "published"] = rng_mid
    pub = out["published"]
    lower, upper = out["qualifier"].eq("more_than"), out["qualifier"].eq("less_than")
    for lv in (80, 95):
        lo, hi = out[f"lo-{lv}"], out[f"hi-{lv}"]
        inside = np.where(lower, hi >= pub, np.where(upper, lo <= pub, (lo <= pub) & (pub <= hi)))
        out[f"inside_{lv}"] = pd.array(np.where(out["left_out"].eq(""), inside, pd.NA), "boolean")

    def span(s: pd.Series, e: pd.Series) -> pd.Series:
        return s.dt.strftime("%Y-%m-%d") + " to " + e.dt.strftime("%Y-%m-%d")

    out["period"] = span(out["period_start"], out["period_end"])
    out["base"] = span(out["base_start"], out["base_end"]).where(is_ratio, "")
    out["row"] = out["dataset"] + ":" + out["row"].astype(str)
    cols = [
        "row",
        "series_id",
        "period",
        "base",
        "status",
        "qualifier",
        "kind",
        "measure",
        "published",
        "median",
        "lo-80",
        "hi-80",
        "lo-95",
        "hi-95",
        "inside_80",
        "inside_95",
        "left_out",
    ]
    return out.sort_values(["period_start", "period_end", "row"], kind="stable")[cols].reset_index(
        drop=True
    )


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


def series_model(vintage: Vintage, ref: SeriesRef) -> SeriesModel | None:
    """The goal file's own model for a series (``series_models``), if it names one.

    Only for the plain series: a reference with row filters (``since``,
    ``definitions``) asks for those rows, which the generic driver forecasts.
    """
    if ref.since is not None or ref.definitions is not None:
        return None
    for model in vintage.series_models:
        if (model.series.dataset, model.series.series_id) == (ref.dataset, ref.series_id):
            return model
    return None


def driver_for(
    vintage: Vintage,
    ref: SeriesRef,
    *,
    name: str | None = None,
    saturation: tuple[float, float] | None = None,
    without: tuple[int, ...] = (),
) -> Driver:
    """The forecast of one series: its own model where the goal file gives one (and its
    break is known at the vintage's date), else :func:`series_driver`.

    Parameters
    ----------
    vintage : Vintage
    ref : SeriesRef
    name : str, optional
        Label for messages and methods (default: the reference).
    saturation : (float, float), optional
        Prior range of a saturation level (see :func:`series_driver`).
    without : tuple of int
        Lines of the series' data file left out of the fit (influence).
    """
    model = series_model(vintage, ref)
    if model is not None and saturation is None and regime_usable(vintage, model):
        return regime_driver(vintage, model, without, name)
    rows = vintage.series(ref)
    rows = rows[~rows["row"].isin(without)]
    return series_driver(name or vintage.ref_name(ref), rows, vintage, saturation)
