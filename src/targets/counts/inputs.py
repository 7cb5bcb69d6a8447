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
from targets.errors import DataError, GoalError
from targets.sources.data import assumption, load, load_assumptions
from targets.sources.units import parse_unit

ROLES = ("tail", "population", "lower_bound", "shown")
#: Entity words that name the same kind of seller (a brand sells through its stores).
SELLER_WORDS = ("merchants", "brands", "stores", "sellers")
#: Prior ranges of the shape of the size distribution (rows of assumptions.csv).
SHAPE_ASSUMPTIONS = {
    "alpha": "count_tail_index",
    "beta": "count_lower_tail_index",
    "tau": "count_body_width",
    "head_entities": "count_head_entities",
    "head_sales": "count_head_sales",
}


@dataclass(frozen=True)
class EvidenceSpec:
    """One ``size_evidence`` entry of a count goal."""

    series: str
    role: str = "tail"
    context: str | None = None
    top_k: float | None = None
    population_series: str | None = None
    total_series: str | None = None
    why: str = ""


@dataclass(frozen=True)
class CountSpec:
    """The count-goal fields of a goal: platform, inputs and evidence."""

    platform: str
    population: Any
    gmv_share: Any
    subset_share: Any = None
    evidence: tuple[EvidenceSpec, ...] = ()


COUNT_FIELDS = ("platform", "population", "gmv_share", "subset_share", "size_evidence")


def parse_count_spec(entry: dict) -> CountSpec:
    """Read the count-goal fields of one goals.yaml entry.

    Raises
    ------
    GoalError
        Naming the field and what was expected (the caller adds the goal).
    """
    for key in ("platform", "population", "gmv_share"):
        if entry.get(key) in (None, ""):
            raise GoalError(f"a count goal needs {key} (see README, 'Count goals')")
    for key in ("population", "gmv_share", "subset_share"):
        _check_ref(key, entry.get(key))
    raw = entry.get("size_evidence") or []
    if not isinstance(raw, list):
        raise GoalError("size_evidence must be a list of series ids or mappings")
    specs = []
    for item in raw:
        if isinstance(item, str):
            specs.append(EvidenceSpec(series=item))
            continue
        if not isinstance(item, dict) or not item.get("series"):
            raise GoalError(f"a size_evidence entry needs a series; got {item!r}")
        unknown = set(item) - {f for f in EvidenceSpec.__dataclass_fields__}
        if unknown:
            raise GoalError(
                f"size_evidence entry {item['series']!r}: unknown key(s) {sorted(unknown)}"
            )
        role = item.get("role", "tail")
        if role not in ROLES:
            raise GoalError(
                f"size_evidence entry {item['series']!r}: role must be one of "
                f"{', '.join(ROLES)}; got {role!r}"
            )
        if role == "shown" and not item.get("why"):
            raise GoalError(f"size_evidence entry {item['series']!r}: role 'shown' needs why")
        specs.append(
            EvidenceSpec(
                series=str(item["series"]),
                role=role,
                context=item.get("context"),
                top_k=float(item["top_k"]) if item.get("top_k") is not None else None,
                population_series=item.get("population_series"),
                total_series=item.get("total_series"),
                why=str(item.get("why", "")),
            )
        )

    def frozen(value: Any) -> Any:  # a goal is hashable (assessments are cached by goal)
        return tuple(float(v) for v in value) if isinstance(value, list) else value

    return CountSpec(
        platform=str(entry["platform"]),
        population=frozen(entry["population"]),
        gmv_share=frozen(entry["gmv_share"]),
        subset_share=frozen(entry.get("subset_share")),
        evidence=tuple(specs),
    )


def _check_ref(key: str, value: Any) -> None:
    if value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value <= 0:
            raise GoalError(f"{key} must be positive; got {value}")
        return
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
        and 0 < value[0] <= value[1]
    ):
        return
    raise GoalError(
        f"{key} must be an assumption id, a series id, a positive number or [low, high]; "
        f"got {value!r}"
    )


@dataclass(frozen=True)
class Input:
    """One input range as it could be set at the as-of date."""

    name: str
    low: float
    high: float
    assumed: bool
    basis: str
    sentence: str


def resolve(name: str, ref: Any, as_of: pd.Timestamp | None) -> Input:
    """An input range from an assumption id, a size series id or a literal in goals.yaml.

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
        ids = set(load_assumptions()["assumption_id"])
        if ref in ids:
            a = assumption(ref, as_of)
            lo, hi = a.bounds
            return Input(name, lo, hi, a.is_assumed, a.basis, a.reasoning)
        size = load("size_distribution", as_of)
        rows = size[size["series_id"] == ref]
        if rows.empty and ref not in set(load("size_distribution")["series_id"]):
            raise DataError(
                f"{name}: {ref!r} is neither an assumption id in assumptions.csv nor a series "
                "in size_distribution.csv"
            )
        if rows.empty:
            raise DataError(f"{name}: series {ref!r} has no row published by {as_of}")
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


def size_prior(spec: CountSpec, as_of: pd.Timestamp | None) -> tuple[SizePrior, list[Input]]:
    """The prior of the size model for a goal at ``as_of``, and the inputs it rests on."""
    inputs = [resolve(k, assumption_id, as_of) for k, assumption_id in SHAPE_ASSUMPTIONS.items()]
    inputs += [
        resolve("population", spec.population, as_of),
        resolve("gmv_share", spec.gmv_share, as_of),
        resolve("subset_share", spec.subset_share, as_of),
    ]
    by = {i.name: (i.low, i.high) for i in inputs}
    return SizePrior(**by), inputs


def _yuan(value: float, unit: str) -> float:
    return float(value) * parse_unit(unit).factor


def evidence_frame(
    spec: CountSpec, entity: str, as_of: pd.Timestamp | None, *, hindsight: bool = False
) -> pd.DataFrame:
    """The evidence rows of a goal published by ``as_of``; ``why`` says when one cannot be used.

    With ``hindsight=True`` the rows published later are added too, marked
    ``hindsight`` (never fitted: checks of a forecast made at ``as_of``, for a
    report on the latest data). A named series with no row yet is left out.

    Returns
    -------
    pandas.DataFrame
        :data:`targets.counts.model.EVIDENCE_COLUMNS` plus ``series_id``, ``status``,
        ``kind``, ``row``, ``hindsight``, ``why``, ``note``.
    """
    size = load("size_distribution", None if hindsight else as_of)
    noise = {
        s: assumption(f"noise_scale_{s}", as_of).value for s in ("official", "reported", "estimate")
    }
    model_sd = assumption("count_model_error_sd", as_of).value
    entity_sd = assumption("count_transfer_entity_sd", as_of).value
    platform_sd = assumption("count_transfer_platform_sd", as_of).value
    out = []
    for ev in spec.evidence:
        for _, r in size[size["series_id"] == ev.series].iterrows():
            out.append(
                _row(ev, r, size, spec, entity, as_of, noise, model_sd, entity_sd, platform_sd)
            )
    columns = [*EVIDENCE_COLUMNS, "series_id", "status", "kind", "row", "hindsight", "why", "note"]
    return pd.DataFrame(out, columns=columns)


def _same_kind(a: str, b: str) -> bool:
    return a == b or (a in SELLER_WORDS and b in SELLER_WORDS)


def _row(ev, r, size, spec, entity, as_of, noise, model_sd, entity_sd, platform_sd) -> dict:
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
        "known_n": _context_value(size, ev.population_series, r, as_of, money=False),
        "known_total": _context_value(size, ev.total_series, r, as_of, money=True),
        "published": r["published"],
        "series_id": r["series_id"],
        "status": r["status"],
        "kind": r["kind"],
        "row": int(r["row"]),
        "hindsight": bool(as_of is not None and r["published"] > as_of),
        "why": why,
        "note": str(r["note"]),
    }


def _context_value(size, series, r, as_of, *, money: bool) -> float:
    if not series:
        return np.nan
    hit = size[
        (size["series_id"] == series)
        & (size["period_start"] == r["period_start"])
        & (size["period_end"] == r["period_end"])
    ]
    if as_of is not None:  # a population figure counts once the row it sizes is out
        hit = hit[hit["published"] <= max(as_of, r["published"])]
    if hit.empty:
        return np.nan
    return float(hit["value_yuan"].iloc[0] if money else hit["value"].iloc[0])


def _label(r, stat: str, ev: EvidenceSpec) -> str:
    period = f"{r['period_start'].date()} to {r['period_end'].date()}"
    more = "more than " if r["qualifier"] == "more_than" else ""
    if stat == "top_total":
        return f"top {ev.top_k:,.0f} {r['entity']} on {r['platform']}, sales {period}"
    if str(r["threshold_value"]).strip() not in ("", "nan", "None"):
        from targets.formatting import number

        t = f"{number(float(r['threshold_value']))} {r['threshold_unit']}"  # never 1e+06
        return (
            f"{more}{float(r['value']):,.0f} {r['entity']} on {r['platform']} above {t}, {period}"
        )
    return f"{more}{float(r['value']):,.0f} {r['entity']} on {r['platform']}, {period}"
