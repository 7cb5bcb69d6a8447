"""What a count goal is judged with, read from ``goals.yaml`` and the data as of a date.

A count goal in ``data/goals.yaml`` declares (see the README, "Count goals")::

    platform: douyin                      # whose entities (rows of other platforms weigh less)
    population: count_population_douyin_merchants   # assumption id, size series id or [low, high]
    gmv_share: count_gmv_share_all_sales  # assumption id, series id, a number or [low, high]
    subset_share: count_subset_share_new_brands      # optional, as gmv_share
    size_evidence:                        # rows of data/size_distribution.csv
      - douyin_818_2021_streams_above
      - {series: douyin_818_2021_top100_streams_sales, context: douyin_818_2021_streams_above,
         top_k: 100}
      - {series: douyin_beauty_brands_above, role: lower_bound}

An evidence entry's ``role`` is ``tail`` (default: the rows describe some
population whose size and total are given by ``population_series`` and
``total_series``, or are unknown), ``population`` (the goal's own population
over the row's period), ``lower_bound`` (a part of it, e.g. a category: the
platform count is at least the figure) or ``shown`` (listed with ``why`` it is
not fitted). A number or range written in the YAML has no source and is shown
as an assumption; an assumption id resolves to the row of
``data/assumptions.csv`` usable at the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from targets.counts.model import EVIDENCE_COLUMNS, SizePrior
from targets.engine.curvefit import NOISE_KINDS
from targets.errors import DataError
from targets.sources.countspec import CountSpec, EvidenceSpec
from targets.sources.units import format_yuan, parse_unit
from targets.sources.vintage import Vintage

#: Entity words that name the same kind of seller (a brand sells through its stores).
SELLER_WORDS = ("merchants", "brands", "stores", "sellers")
#: Prior ranges of the shape of the size distribution (rows of assumptions.csv).
SHAPE_ASSUMPTIONS = {
    "alpha": "count_tail_index",
    "beta": "count_lower_tail_index",
    "tau": "count_body_width",
    "head_entities": "count_head_entities",
    "head_sales": "count_head_sales",
    "population_growth": "count_population_growth",
}


@dataclass(frozen=True)
class Input:
    """One input range as it could be set at the as-of date."""

    name: str
    low: float
    high: float
    assumed: bool
    basis: str
    sentence: str


def resolve(name: str, ref: Any, vintage: Vintage) -> Input:
    """An input range from an assumption id, a size series id or a literal in the goal file.

    Raises
    ------
    DataError
        If a name is neither an assumption id nor a size-distribution series.
    """
    if ref is None:
        return Input(name, 1.0, 1.0, False, "definition", "the whole population is counted")
    if isinstance(ref, (int, float)):
        lo = hi = float(ref)
    elif isinstance(ref, (list, tuple)):
        lo, hi = float(ref[0]), float(ref[1])
    else:
        if ref in set(vintage.latest.assumptions["assumption_id"]):
            a = vintage.assumption(ref)
            lo, hi = a.bounds
            return Input(name, lo, hi, a.is_assumed, a.basis, a.reasoning)
        size = vintage.size_rows()
        rows = size[size["series_id"] == ref]
        if rows.empty and ref not in set(vintage.latest.size_rows()["series_id"]):
            raise DataError(
                f"{name}: {ref!r} is neither an assumption id in assumptions.csv nor a series "
                "of a size-evidence data set"
            )
        if rows.empty:
            raise DataError(f"{name}: series {ref!r} has no row published {vintage.when}")
        r = rows.sort_values("published").iloc[-1]
        value = float(r["value"]) / (100.0 if r["unit"] == "percent_share" else 1.0)
        high = value * (2.0 if r["qualifier"] == "more_than" else 1.0)
        return Input(
            name,
            value,
            high,
            False,
            "sourced",
            f"{r['series_id']}: {r['value']:g} ({r['publisher']}, published "
            f"{r['published'].date()})",
        )
    return Input(
        name,
        lo,
        hi,
        True,
        "assumption",
        f"{lo:g} to {hi:g}, written in goals.yaml without a source",
    )


def size_prior(spec: CountSpec, vintage: Vintage) -> tuple[SizePrior, list[Input]]:
    """The prior of the size model for a goal in a vintage, and the inputs it rests on."""
    inputs = [resolve(k, assumption_id, vintage) for k, assumption_id in SHAPE_ASSUMPTIONS.items()]
    inputs += [
        resolve("population", spec.population, vintage),
        resolve("gmv_share", spec.gmv_share, vintage),
        resolve("subset_share", spec.subset_share, vintage),
    ]
    by = {i.name: (i.low, i.high) for i in inputs}
    # Not a range drawn per draw but one value: the error of any count the model predicts.
    model_error = resolve("model_error_sd", "count_model_error_sd", vintage)
    return SizePrior(**by, model_error_sd=model_error.low), [*inputs, model_error]


def _yuan(value: float, unit: str) -> float:
    return float(value) * parse_unit(unit).factor


def evidence_frame(
    spec: CountSpec, entity: str, vintage: Vintage, *, hindsight: bool = False
) -> pd.DataFrame:
    """The evidence rows of a goal in a vintage; ``why`` says when one cannot be used.

    With ``hindsight=True`` the rows of the latest data published after the
    vintage's date are added too, marked ``hindsight`` (never fitted: checks of
    a forecast made at that date, for a report on the latest data). A named
    series with no row yet is left out.

    Returns
    -------
    pandas.DataFrame
        :data:`targets.counts.model.EVIDENCE_COLUMNS` plus ``series_id``, ``status``,
        ``kind``, ``row``, ``hindsight``, ``why``, ``note``.
    """
    source = vintage.latest if hindsight else vintage
    size = source.size_rows()
    published = vintage.size_rows()
    known = set(zip(published["dataset"], published["row"], strict=True))
    noise = {s: vintage.assumption(f"noise_scale_{s}").value for s in NOISE_KINDS}
    model_sd = vintage.assumption("count_model_error_sd").value
    entity_sd = vintage.assumption("count_transfer_entity_sd").value
    platform_sd = vintage.assumption("count_transfer_platform_sd").value
    out = []
    for ev in spec.evidence:
        for _, r in size[size["series_id"] == ev.series].iterrows():
            later = (r["dataset"], r["row"]) not in known
            then = source.at(r["published"]) if later else vintage
            row = _row(ev, r, then, spec, entity, noise, model_sd, entity_sd, platform_sd)
            out.append({**row, "hindsight": later})
    columns = [*EVIDENCE_COLUMNS, "series_id", "status", "kind", "row", "hindsight", "why", "note"]
    return pd.DataFrame(out, columns=columns)


def _same_kind(a: str, b: str) -> bool:
    return a == b or (a in SELLER_WORDS and b in SELLER_WORDS)


def _row(ev, r, known, spec, entity, noise, model_sd, entity_sd, platform_sd) -> dict:
    """One evidence record; population and total figures come from ``known``, the vintage
    in which the row itself was known."""
    why = ev.why if ev.role == "shown" else ""
    if r["kind"] == "target":
        why = why or "a target, not an outcome"
    has_threshold = str(r["threshold_value"]).strip() not in ("", "nan", "None") and str(
        r["threshold_unit"]
    ).strip() not in ("", "nan", "None")
    money = pd.notna(r["value_yuan"])
    if has_threshold and r["unit"] == "count" and str(r["threshold_unit"]) == "count":
        why = why or "its threshold is not a sales threshold"
    if has_threshold and r["unit"] == "count":
        stat, threshold = "count", _yuan(r["threshold_value"], r["threshold_unit"])
        value = float(r["value"])
    elif money and ev.top_k is not None:
        stat, threshold, value = "top_total", np.nan, float(r["value_yuan"])
    else:
        stat, threshold, value = "count", np.nan, float(r["value"])
        why = why or "not a count above a sales threshold nor a total of the top entities"
    role = ev.role
    if role == "population" and r["qualifier"] == "more_than":
        role = "lower_bound"
    transfer = 0.0
    if role in ("tail", "shown"):
        if r["platform"] != spec.platform:
            transfer = platform_sd
        elif not _same_kind(str(r["entity"]), entity):
            transfer = entity_sd
    status_sd = noise["estimate"] if r["kind"] == "estimate" else noise[r["status"]]
    sd = float(np.sqrt(status_sd**2 + model_sd**2 + transfer**2))
    context = f"{ev.context or ev.series} {r['period_start'].date()}..{r['period_end'].date()}"
    return {
        "label": _label(r, stat, ev),
        "context": context,
        "stat": stat,
        "role": "shown" if why else role,
        "threshold": threshold,
        "top_k": ev.top_k if ev.top_k is not None else np.nan,
        "value": value,
        "noise_sd": sd,
        "start": r["period_start"],
        "end": r["period_end"],
        "known_n": _context_value(known, ev.population_series, r, money=False),
        "known_total": _context_value(known, ev.total_series, r, money=True),
        "published": r["published"],
        "series_id": r["series_id"],
        "status": r["status"],
        "kind": r["kind"],
        "row": int(r["row"]),
        "hindsight": False,
        "why": why,
        "note": str(r["note"]),
    }


def _context_value(context: Vintage, series, r, *, money: bool) -> float:
    """A population or total figure for the row's period, as published in ``context``."""
    if not series:
        return np.nan
    size = context.size_rows()
    hit = size[
        (size["series_id"] == series)
        & (size["period_start"] == r["period_start"])
        & (size["period_end"] == r["period_end"])
    ]
    if hit.empty:
        return np.nan
    return float(hit["value_yuan"].iloc[0] if money else hit["value"].iloc[0])


def _label(r, stat: str, ev: EvidenceSpec) -> str:
    """A size row in reader words: "177 live streams on Douyin above ¥10M, 1-18 Aug 2021"."""
    from targets.formatting import code, number

    period = f"{r['period_start'].date()} to {r['period_end'].date()}"
    more = "more than " if r["qualifier"] == "more_than" else ""
    entity, platform = code(r["entity"]), _platform_name(r["platform"])
    if stat == "top_total":
        return f"top {ev.top_k:,.0f} {entity} on {platform}, sales {period}"
    if str(r["threshold_value"]).strip() not in ("", "nan", "None"):
        unit = parse_unit(str(r["threshold_unit"]))
        value = float(r["threshold_value"])
        t = (
            format_yuan(value * unit.factor)
            if unit.dimension == "money" and unit.currency == "CNY"
            else f"{number(value)} {r['threshold_unit']}"  # never 1e+06
        )
        return f"{more}{float(r['value']):,.0f} {entity} on {platform} above {t}, {period}"
    return f"{more}{float(r['value']):,.0f} {entity} on {platform}, {period}"


def _platform_name(platform) -> str:
    """A platform code as a name (``douyin`` -> ``Douyin``); names already capitalised stay."""
    text = str(platform).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text.islower() else text
