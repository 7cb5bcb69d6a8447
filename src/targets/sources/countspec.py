"""The count-goal fields of a goal: whose entities, how many, and the size evidence.

A count goal in a goal file declares (see the README, "Count goals")::

    platform: douyin                      # whose entities (rows of other platforms weigh less)
    population: count_population_douyin_merchants   # assumption id, size series id or [low, high]
    gmv_share: count_gmv_share_all_sales  # assumption id, series id, a number or [low, high]
    subset_share: count_subset_share_new_brands      # optional, as gmv_share
    size_evidence:                        # rows of a size-evidence data set
      - douyin_818_2021_streams_above
      - {series: douyin_818_2021_top100_streams_sales, context: douyin_818_2021_streams_above,
         top_k: 100}
      - {series: douyin_beauty_brands_above, role: lower_bound}

An evidence entry's ``role`` is ``tail`` (default), ``population``,
``lower_bound`` or ``shown`` (listed with ``why`` it is not fitted); see
:mod:`targets.counts.inputs` for what each means to the model. This module only
reads and checks the fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from targets.errors import GoalError

ROLES = ("tail", "population", "lower_bound", "shown")


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
    if not (isinstance(entry["platform"], str) and entry["platform"].isprintable()):
        raise GoalError(f"platform must be one line of text; got {str(entry['platform'])[:40]!r}")
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
        for key in ("series", "context", "population_series", "total_series", "why"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise GoalError(
                    f"size_evidence entry {str(item['series'])[:40]!r}: {key} must be text; "
                    f"got {str(item[key])[:40]!r}"
                )
        top_k = item.get("top_k")
        if top_k is not None and not (
            isinstance(top_k, int) and not isinstance(top_k, bool) and top_k >= 1
        ):
            raise GoalError(
                f"size_evidence entry {item['series']!r}: top_k must be a whole number of at "
                f"least 1; got {str(top_k)[:40]!r}"
            )
        specs.append(
            EvidenceSpec(
                series=str(item["series"]),
                role=role,
                context=item.get("context"),
                top_k=float(top_k) if top_k is not None else None,
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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_ref(key: str, value: Any) -> None:
    if value is None or (isinstance(value, str) and value.isprintable()):
        return
    if _is_number(value):
        if value <= 0:
            raise GoalError(f"{key} must be positive; got {value}")
        return
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(_is_number(v) for v in value)
        and 0 < value[0] <= value[1]
    ):
        return
    raise GoalError(
        f"{key} must be an assumption id, a series id, a positive number or [low, high]; "
        f"got {value!r}"
    )
