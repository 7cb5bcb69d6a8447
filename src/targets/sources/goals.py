"""The goal registry: typed, validated goals read from ``data/goals.yaml``.

A goal says what was promised, when, by which deadline, and which data series
measures it. Three kinds exist:

* ``aggregate``: a total over the deadline interval compared with a threshold
  (e.g. interest e-commerce GMV above ¥9.5 trillion in 2023), in the currency
  of the series it names (yuan or US dollars, never converted);
* ``growth``: the total over the deadline interval as a multiple of the total
  over a base interval, or as a compound annual rate between them
  (e.g. online retail sales growing about 20% a year from 2015 to 2020);
* ``count``: the number of entities (merchants, creators, products) whose own
  total over the interval reaches ``entity_threshold`` is at least ``threshold``
  (e.g. 1,000 merchants above ¥100M a year).

Comparators: ``>=``, ``>``, ``<=``, ``<``, ``between`` (``threshold`` to
``threshold_high``) and ``about`` (within ``tolerance``, a relative margin).
A deadline spanning several calendar years is judged on the total over the
interval (``judged_on: total``, the default) or on each year in it
(``judged_on: each_year``). Optional ``proxies`` and ``ceiling`` say what else a
goal is judged on (``proxies`` for a quantity with no series of its own).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from targets.counts.inputs import COUNT_FIELDS, CountSpec, parse_count_spec
from targets.errors import GoalError
from targets.sources.data import data_dir, data_version, datasets, goals_file
from targets.sources.data import load as load_dataset
from targets.sources.units import parse_unit

GoalKind = Literal["aggregate", "count", "growth"]
Comparator = Literal[">=", ">", "<=", "<", "between", "about"]
COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<", "between", "about")
KINDS: tuple[str, ...] = ("aggregate", "count", "growth")
#: What kind of statement a goal is.
GOAL_TYPES: tuple[str, ...] = ("pledge", "internal_target", "plan", "third_party_forecast")
JUDGED_ON: tuple[str, ...] = ("total", "each_year")

_REQUIRED = (
    "id",
    "statement_en",
    "announced",
    "deadline_start",
    "deadline_end",
    "kind",
    "metric",
    "dataset",
    "series_id",
    "comparator",
    "threshold",
    "unit",
    "source",
)
_OPTIONAL = (
    "statement_zh",
    "entity",
    "entity_threshold",
    "entity_threshold_unit",
    "parent",
    "note",
    "threshold_high",
    "tolerance",
    "type",
    "tags",
    "proxies",
    "ceiling",
    "base_start",
    "base_end",
    "judged_on",
    "since",
    "definitions",
    *COUNT_FIELDS,
)
# A goal's series missing from its data set is taken for a typo when an existing series
# name is this similar (difflib ratio); otherwise for a series with no row published yet.
_TYPO_CUTOFF = 0.8


@dataclass(frozen=True)
class SeriesRef:
    """One series in ``data/``, with the rows of it that count.

    Attributes
    ----------
    dataset, series_id : str
    since : datetime.date or None
        Only periods starting on or after this date.
    definitions : tuple of str or None
        Only rows with one of these ``definition`` values (``""``: the plain
        definition); ``None`` keeps every definition.
    """

    dataset: str
    series_id: str
    since: date | None = None
    definitions: tuple[str, ...] | None = None

    def __str__(self) -> str:
        return f"{self.dataset}/{self.series_id}"


@dataclass(frozen=True)
class Proxy:
    """A quantity a goal is judged on besides (or instead of) its own series.

    Attributes
    ----------
    name : str
    parts : tuple of SeriesRef
    how : {"pooled", "sum"}
        ``pooled``: the parts measure the same quantity (several sources) and
        feed one forecast; ``sum``: each part is forecast and the totals added.
    saturation : bool
        Whether the goal's ceiling bounds the forecast (a saturation level).
    """

    name: str
    parts: tuple[SeriesRef, ...]
    how: Literal["pooled", "sum"] = "pooled"
    saturation: bool = False


@dataclass(frozen=True)
class Ceiling:
    """What bounds a goal: a larger quantity that contains it.

    Attributes
    ----------
    series : SeriesRef
        The containing quantity (e.g. physical-goods online retail).
    also : tuple of SeriesRef
        Further denominators shown as shares.
    largest_share_of : SeriesRef or None
        A single channel whose largest share of ``series`` is shown.
    """

    series: SeriesRef
    also: tuple[SeriesRef, ...] = ()
    largest_share_of: SeriesRef | None = None


@dataclass(frozen=True)
class Source:
    """Where a goal was announced."""

    publisher: str
    url: str
    published: date


@dataclass(frozen=True)
class Goal:
    """One announced goal.

    Attributes
    ----------
    id : str
        Unique identifier.
    statement_zh, statement_en : str
        The goal as stated, and in English.
    announced : datetime.date
        Announcement date.
    deadline_start, deadline_end : datetime.date
        The interval the goal is judged over (inclusive).
    kind : {"aggregate", "count"}
        See the module docstring.
    metric : str
        What is measured, in words.
    dataset, series_id : str
        The data series that measures (aggregate) or drives (count) the goal.
    comparator : {">=", ">"}
        How the measured value is compared with the threshold.
    threshold : float
        The threshold in yuan (aggregate) or as a number of entities (count).
    unit : str
        The threshold's unit as stated (``"万亿元"``, ``"count"``).
    threshold_as_stated : float
        The threshold in ``unit``.
    entity : str or None
        Count goals: what is counted.
    entity_threshold : float or None
        Count goals: the per-entity total over the interval, in yuan.
    parent : str or None
        The goal this one is a subset of.
    source : Source
        Where the goal was announced.
    note : str
        Caveats.
    series_published : bool
        False when the data folder holds no row of ``series_id`` (e.g. data cut at a
        date before the series' first publication); see :func:`series_note`.
    """

    id: str
    statement_zh: str
    statement_en: str
    announced: date
    deadline_start: date
    deadline_end: date
    kind: GoalKind
    metric: str
    dataset: str
    series_id: str
    comparator: Comparator
    threshold: float
    unit: str
    threshold_as_stated: float
    source: Source
    entity: str | None = None
    entity_threshold: float | None = None
    parent: str | None = None
    note: str = ""
    series_published: bool = True
    count_spec: CountSpec | None = None
    threshold_high: float | None = None
    tolerance: float | None = None
    currency: str | None = None
    type: str = "pledge"
    tags: tuple[str, ...] = ()
    proxies: tuple[Proxy, ...] = ()
    ceiling: Ceiling | None = None
    base_start: date | None = None
    base_end: date | None = None
    judged_on: str = "total"
    since: date | None = None
    definitions: tuple[str, ...] | None = None

    @property
    def series(self) -> SeriesRef:
        """The goal's own series, with its row filters."""
        return SeriesRef(self.dataset, self.series_id, self.since, self.definitions)

    def met(self, values) -> np.ndarray:
        """Whether each measured value meets the goal (vectorized).

        For a growth goal stated as a rate the values are compound annual
        rates (0.2 for 20%), else multiples; money in the goal's currency.
        """
        v = np.asarray(values, dtype=float)
        t = self.threshold
        if self.comparator == ">=":
            return v >= t
        if self.comparator == ">":
            return v > t
        if self.comparator == "<=":
            return v <= t
        if self.comparator == "<":
            return v < t
        if self.comparator == "between":
            return (v >= t) & (v <= float(self.threshold_high))
        return np.abs(v / t - 1.0) <= float(self.tolerance)

    def is_met(self, value: float) -> bool:
        """Return whether a measured value meets the goal."""
        return bool(self.met(value))

    def describe_threshold(self, fmt=str) -> str:
        """The condition in words, e.g. ``">= ¥9.5T"`` or ``"between ¥1T and ¥1.2T"``."""
        if self.comparator == "between":
            return f"between {fmt(self.threshold)} and {fmt(self.threshold_high)}"
        if self.comparator == "about":
            return f"about {fmt(self.threshold)} (±{self.tolerance:.0%})"
        return f"{self.comparator} {fmt(self.threshold)}"


class _Loader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text, so they are checked by one parser."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _fail(path: Path, index: int | None, goal_id: str | None, message: str) -> GoalError:
    where = path.name
    if index is not None:
        where += f", goal {index + 1}" + (f" ({goal_id})" if goal_id else "")
    return GoalError(f"{where}: {message}")


def _date(path: Path, i: int, gid: str, field: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, i, gid, f"{field} {value!r} is not a date in YYYY-MM-DD form") from None


def _number(path: Path, i: int, gid: str, field: str, value: Any, *, positive=True) -> float:
    """A finite (positive) number, or a GoalError naming the goal and the field."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _fail(path, i, gid, f"{field} {value!r} is not a number") from None
    if not math.isfinite(x):
        raise _fail(path, i, gid, f"{field} must be a finite number; got {value!r}")
    if positive and x <= 0:
        raise _fail(path, i, gid, f"{field} must be positive; got {x:g}")
    return x


def _ref(
    path: Path, i: int, gid: str, field: str, value: Any, known: dict[str, dict[str, str]]
) -> SeriesRef:
    """A series reference: ``"dataset/series_id"`` or a mapping with optional filters."""
    if isinstance(value, str) and "/" in value:
        value = dict(zip(("dataset", "series_id"), value.split("/", 1), strict=True))
    if not isinstance(value, dict) or not value.get("dataset") or not value.get("series_id"):
        raise _fail(
            path, i, gid, f"{field}: expected 'dataset/series_id' or a mapping; got {value!r}"
        )
    extra = sorted(set(value) - {"dataset", "series_id", "since", "definitions"})
    if extra:
        raise _fail(path, i, gid, f"{field}: unknown field(s) {', '.join(extra)}")
    dataset, series_id = str(value["dataset"]), str(value["series_id"])
    if dataset not in known:
        raise _fail(
            path,
            i,
            gid,
            f"{field}: data set {dataset!r} does not exist; available: {', '.join(sorted(known))}",
        )
    if series_id not in known[dataset]:
        raise _fail(
            path,
            i,
            gid,
            f"{field}: series {series_id!r} does not exist in data set "
            f"{dataset!r}; available: {', '.join(sorted(known[dataset]))}",
        )
    since = _date(path, i, gid, f"{field}.since", value["since"]) if value.get("since") else None
    defs = value.get("definitions")
    return SeriesRef(dataset, series_id, since, _definitions(path, i, gid, field, defs))


def _definitions(path: Path, i: int, gid: str, field: str, defs: Any) -> tuple[str, ...] | None:
    if defs is None:
        return None
    if not isinstance(defs, list) or not all(isinstance(d, str) for d in defs):
        raise _fail(path, i, gid, f"{field}.definitions must be a list of text; got {defs!r}")
    return tuple(defs)


def _proxies(path, i, gid, value, known) -> tuple[Proxy, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise _fail(path, i, gid, f"proxies must be a non-empty list; got {value!r}")
    out = []
    for k, p in enumerate(value):
        field = f"proxies[{k}]"
        if not isinstance(p, dict) or not p.get("name"):
            raise _fail(path, i, gid, f"{field} needs a name")
        extra = sorted(set(p) - {"name", "series", "sum", "saturation"})
        if extra:
            raise _fail(path, i, gid, f"{field}: unknown field(s) {', '.join(extra)}")
        if ("series" in p) == ("sum" in p):
            raise _fail(path, i, gid, f"{field} needs either series (pooled) or sum")
        how = "sum" if "sum" in p else "pooled"
        parts = p[how if how == "sum" else "series"]
        parts = parts if isinstance(parts, list) else [parts]
        refs = tuple(_ref(path, i, gid, f"{field}.{how}", r, known) for r in parts)
        out.append(Proxy(str(p["name"]), refs, how, bool(p.get("saturation", False))))
    return tuple(out)


def _ceiling(path, i, gid, value, known) -> Ceiling | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"series": value}
    if not isinstance(value, dict) or "series" not in value:
        raise _fail(path, i, gid, f"ceiling needs a series; got {value!r}")
    extra = sorted(set(value) - {"series", "also", "largest_share_of"})
    if extra:
        raise _fail(path, i, gid, f"ceiling: unknown field(s) {', '.join(extra)}")
    also = value.get("also") or []
    return Ceiling(
        _ref(path, i, gid, "ceiling.series", value["series"], known),
        tuple(_ref(path, i, gid, "ceiling.also", r, known) for r in also),
        _ref(path, i, gid, "ceiling.largest_share_of", value["largest_share_of"], known)
        if value.get("largest_share_of")
        else None,
    )


def _parse_goal(path: Path, i: int, entry: Any, known_series: dict[str, dict[str, str]]) -> Goal:
    if not isinstance(entry, dict):
        raise _fail(path, i, None, f"each goal must be a mapping; got {type(entry).__name__}")
    gid = entry.get("id")
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise _fail(path, i, gid, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(path, i, gid, f"unknown field(s): {', '.join(unknown)}")
    if entry["kind"] not in KINDS:
        raise _fail(path, i, gid, f"kind must be one of {', '.join(KINDS)}; got {entry['kind']!r}")
    if entry["comparator"] not in COMPARATORS:
        raise _fail(
            path,
            i,
            gid,
            f"comparator must be one of {', '.join(COMPARATORS)}; got {entry['comparator']!r}",
        )
    if entry["dataset"] not in known_series:
        raise _fail(
            path,
            i,
            gid,
            f"dataset {entry['dataset']!r} does not exist; available: "
            f"{', '.join(sorted(known_series))}",
        )
    series_published = entry["series_id"] in known_series[entry["dataset"]]
    near = difflib.get_close_matches(
        str(entry["series_id"]), list(known_series[entry["dataset"]]), n=1, cutoff=_TYPO_CUTOFF
    )
    if not series_published and near:
        # A series absent from its data set is accepted (its rows may not be published yet
        # at the date the data were cut), unless its name is a near miss of one that exists.
        raise _fail(
            path,
            i,
            gid,
            f"series {entry['series_id']!r} does not exist in data set {entry['dataset']!r}; "
            f"did you mean {near[0]!r}? available: "
            f"{', '.join(sorted(known_series[entry['dataset']]))}",
        )
    announced = _date(path, i, gid, "announced", entry["announced"])
    start = _date(path, i, gid, "deadline_start", entry["deadline_start"])
    end = _date(path, i, gid, "deadline_end", entry["deadline_end"])
    if end < start:
        raise _fail(path, i, gid, f"deadline_end {end} is before deadline_start {start}")
    if end < announced:
        raise _fail(
            path,
            i,
            gid,
            f"announced {announced} is after the deadline (deadline_end {end}); a goal is "
            "announced before the end of the interval it is judged over",
        )
    kind = entry["kind"]
    comparator = entry["comparator"]
    threshold_as_stated = _number(path, i, gid, "threshold", entry["threshold"])
    try:
        unit = parse_unit(str(entry["unit"]))
    except KeyError as exc:
        raise _fail(path, i, gid, f"unit: {exc.args[0]}") from None
    threshold_high = tolerance = None
    if comparator == "between":
        if entry.get("threshold_high") in (None, ""):
            raise _fail(path, i, gid, "comparator 'between' needs threshold_high")
        threshold_high = _number(path, i, gid, "threshold_high", entry["threshold_high"])
        if threshold_high <= threshold_as_stated:
            raise _fail(
                path,
                i,
                gid,
                f"threshold_high {threshold_high:g} must exceed threshold {threshold_as_stated:g}",
            )
    elif entry.get("threshold_high") not in (None, ""):
        raise _fail(path, i, gid, "threshold_high is only for comparator 'between'")
    if comparator == "about":
        if entry.get("tolerance") in (None, ""):
            raise _fail(path, i, gid, "comparator 'about' needs a tolerance (e.g. 0.05 for ±5%)")
        tolerance = _number(path, i, gid, "tolerance", entry["tolerance"])
        if tolerance >= 1:
            raise _fail(path, i, gid, f"tolerance is a relative margin below 1; got {tolerance:g}")
    elif entry.get("tolerance") not in (None, ""):
        raise _fail(path, i, gid, "tolerance is only for comparator 'about'")
    goal_type = entry.get("type") or "pledge"
    if goal_type not in GOAL_TYPES:
        raise _fail(path, i, gid, f"type must be one of {', '.join(GOAL_TYPES)}; got {goal_type!r}")
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise _fail(path, i, gid, f"tags must be a list of words; got {tags!r}")
    judged_on = entry.get("judged_on") or "total"
    if judged_on not in JUDGED_ON:
        raise _fail(
            path, i, gid, f"judged_on must be one of {', '.join(JUDGED_ON)}; got {judged_on!r}"
        )
    if judged_on == "each_year" and not (
        (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)
    ):
        raise _fail(
            path,
            i,
            gid,
            "judged_on 'each_year' needs a deadline of whole calendar years "
            f"(1 January to 31 December); got {start} to {end}",
        )
    base_start = base_end = None
    entity = entity_threshold = count_spec = currency = None
    series_currency = known_series[entry["dataset"]].get(entry["series_id"])
    # The goal's own series, accepted above with no row yet, may be named by its proxies too.
    known_here = known_series
    if not series_published:
        own = {**known_series[entry["dataset"]], entry["series_id"]: None}
        known_here = {**known_series, entry["dataset"]: own}
    scale = 1.0
    if kind == "growth":
        for k in ("base_start", "base_end"):
            if entry.get(k) in (None, ""):
                raise _fail(path, i, gid, f"a growth goal needs {k}")
        base_start = _date(path, i, gid, "base_start", entry["base_start"])
        base_end = _date(path, i, gid, "base_end", entry["base_end"])
        if base_end < base_start or base_end >= start:
            raise _fail(
                path,
                i,
                gid,
                f"the base interval {base_start} to {base_end} must end before "
                f"the deadline interval starts ({start})",
            )
        if unit.name not in ("multiple", "percent_growth"):
            raise _fail(
                path,
                i,
                gid,
                "a growth goal has unit 'multiple' (total over the deadline / total over the "
                "base) or 'percent_growth' (a compound rate a year); "
                f"got {entry['unit']!r}",
            )
        # Rates are compared as fractions (20% a year -> 0.2), multiples as multiples.
        scale = 0.01 if unit.name == "percent_growth" else 1.0
        threshold = threshold_as_stated * scale
    elif kind == "aggregate":
        if unit.dimension != "money":
            raise _fail(
                path, i, gid, f"unit: an aggregate goal needs a money unit; got {entry['unit']!r}"
            )
        currency = unit.currency
        if series_currency is not None and series_currency != currency:
            raise _fail(
                path,
                i,
                gid,
                f"unit: the goal is in {currency} but series {entry['series_id']!r} is in "
                f"{series_currency}; amounts are never converted, so state the goal in the "
                "series' own currency or name a series in the goal's",
            )
        scale = unit.factor
        threshold = threshold_as_stated * scale
    else:
        if unit.name != "count":
            raise _fail(path, i, gid, f"a count goal has unit 'count'; got {entry['unit']!r}")
        for k in ("entity", "entity_threshold", "entity_threshold_unit"):
            if entry.get(k) in (None, ""):
                raise _fail(path, i, gid, f"a count goal needs {k}")
        try:
            eunit = parse_unit(str(entry["entity_threshold_unit"]))
        except KeyError as exc:
            raise _fail(path, i, gid, f"entity_threshold_unit: {exc.args[0]}") from None
        entity_threshold = (
            _number(path, i, gid, "entity_threshold", entry["entity_threshold"]) * eunit.factor
        )
        entity = str(entry["entity"])
        threshold = threshold_as_stated
        try:
            count_spec = parse_count_spec(entry)
        except GoalError as exc:
            raise _fail(path, i, gid, str(exc)) from None
    if threshold_high is not None:
        threshold_high *= scale
    if kind == "count" and (entry.get("proxies") or entry.get("ceiling")):
        raise _fail(path, i, gid, "proxies and ceiling are for aggregate and growth goals")
    src = entry["source"]
    if not isinstance(src, dict) or not all(src.get(k) for k in ("publisher", "url", "published")):
        raise _fail(path, i, gid, "source needs publisher, url and published")
    return Goal(
        id=str(gid),
        statement_zh=str(entry.get("statement_zh") or ""),
        statement_en=str(entry["statement_en"]).strip(),
        announced=announced,
        deadline_start=start,
        deadline_end=end,
        kind=kind,
        metric=str(entry["metric"]).strip(),
        dataset=entry["dataset"],
        series_id=entry["series_id"],
        comparator=comparator,
        threshold=threshold,
        unit=unit.name,
        threshold_as_stated=threshold_as_stated,
        source=Source(
            str(src["publisher"]),
            str(src["url"]),
            _date(path, i, gid, "source.published", src["published"]),
        ),
        entity=entity,
        entity_threshold=entity_threshold,
        parent=entry.get("parent"),
        note=str(entry.get("note") or "").strip(),
        series_published=series_published,
        count_spec=count_spec,
        threshold_high=threshold_high,
        tolerance=tolerance,
        currency=currency,
        type=goal_type,
        tags=tuple(tags),
        proxies=_proxies(path, i, gid, entry.get("proxies"), known_here),
        ceiling=_ceiling(path, i, gid, entry.get("ceiling"), known_here),
        base_start=base_start,
        base_end=base_end,
        judged_on=judged_on,
        since=_date(path, i, gid, "since", entry["since"]) if entry.get("since") else None,
        definitions=_definitions(path, i, gid, "definitions", entry.get("definitions")),
    )


def load(path: str | Path | None = None, *, directory: str | Path | None = None) -> list[Goal]:
    """Read and validate the goal registry.

    Parameters
    ----------
    path : path, optional
        The YAML file; defaults to ``goals.yaml`` in the data folder.
    directory : path, optional
        Data folder used to check that each goal's series exists.

    Returns
    -------
    list of Goal
        In file order.

    Raises
    ------
    GoalError
        For malformed YAML, a missing or unknown field, a bad date, a
        duplicated id, an unknown parent, a goal naming a data set that does not
        exist, or a series absent from its data set whose name is a near miss of
        one that exists (a typo). A series absent for another reason is accepted
        with ``series_published=False``: its rows may not be published yet.
    """
    folder = Path(directory) if directory is not None else data_dir()
    if path is None:
        path = folder / "goals.yaml" if directory is not None else goals_file()
    path = Path(path)
    if not path.exists():
        raise GoalError(
            f"{path}: goal registry not found; choose one with --goals FILE or $TARGETS_GOALS "
            "(or a data folder holding goals.yaml with --data-dir DIR or $TARGETS_DATA_DIR)"
        )
    return list(_load_version(path, folder, data_version(folder, path)))


@lru_cache(maxsize=16)
def _load_version(path: Path, folder: Path, version: str) -> tuple[Goal, ...]:
    """The registry parsed and validated once per version of it and of the data folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GoalError(
            f"{path.name}: not UTF-8 text (byte {exc.start}: {exc.reason}); save the goal "
            "registry as UTF-8"
        ) from None
    try:
        entries = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise GoalError(f"{path.name}: malformed YAML: {exc}") from None
    if not isinstance(entries, list):
        raise GoalError(f"{path.name}: expected a list of goals at the top level")
    known = {name: _series_in(name, folder) for name in datasets(folder)}
    goals = [_parse_goal(path, i, e, known) for i, e in enumerate(entries)]
    ids = [g.id for g in goals]
    dups = sorted({x for x in ids if ids.count(x) > 1})
    if dups:
        raise GoalError(f"{path.name}: duplicated goal id(s): {', '.join(dups)}")
    for i, g in enumerate(goals):
        if g.parent is not None and g.parent not in ids:
            raise _fail(path, i, g.id, f"parent {g.parent!r} is not a goal in this file")
    return tuple(goals)


def _series_in(name: str, folder: Path) -> dict[str, str | None]:
    """Series ids in one data set with the currency most of their money rows use.

    Empty when the data set's file is absent; the currency is ``None`` for a
    series without money rows.
    """
    frame = load_dataset(name, directory=folder)
    out: dict[str, str | None] = {}
    for sid, rows in frame.groupby("series_id", sort=False):
        n_cny, n_usd = int(rows["value_yuan"].notna().sum()), int(rows["value_usd"].notna().sum())
        out[str(sid)] = None if n_cny == n_usd == 0 else ("USD" if n_usd > n_cny else "CNY")
    return out


def get(goal_id: str, *, directory: str | Path | None = None) -> Goal:
    """Return one goal by id.

    Raises
    ------
    GoalError
        If no goal has that id; the message lists the known ids.
    """
    goals = load(directory=directory)
    for g in goals:
        if g.id == goal_id:
            return g
    raise GoalError(f"unknown goal {goal_id!r}; known goals: {', '.join(g.id for g in goals)}")


def _display_unit(g: Goal) -> str:
    if g.kind == "aggregate":
        return "yuan" if g.currency == "CNY" else str(g.currency)
    if g.kind == "growth":
        return "rate a year" if g.unit == "percent_growth" else "multiple"
    return str(g.entity)


def to_frame(goals: list[Goal]) -> pd.DataFrame:
    """Goals as a table (one row per goal) for display."""
    return pd.DataFrame(
        [
            {
                "id": g.id,
                "kind": g.kind,
                "type": g.type,
                "statement": g.statement_en,
                "announced": g.announced,
                "deadline": f"{g.deadline_start} to {g.deadline_end}",
                "comparator": g.comparator,
                "threshold": g.threshold,
                "threshold_high": g.threshold_high,
                "unit": _display_unit(g),
                "per_entity_yuan": g.entity_threshold,
                "series": f"{g.dataset}/{g.series_id}"
                + ("" if g.series_published else " (no row in the data yet)"),
            }
            for g in goals
        ]
    )


def series_note(
    goal: Goal,
    as_of: str | date | pd.Timestamp | None = None,
    *,
    directory: str | Path | None = None,
) -> str:
    """A sentence for reports when no figure of the goal's own series is published by ``as_of``.

    The goal is then judged on related series only (e.g. a market size first
    published years after the goal). Returns ``""`` when the series has a row.
    The sentence names only the series and the date, never a later figure, so an
    as-of report says the same on full data and on data cut at ``as_of``.
    """
    rows = load_dataset(goal.dataset, as_of, directory=directory)
    if rows["series_id"].eq(goal.series_id).any():
        return ""
    when = f"by {pd.Timestamp(as_of).date().isoformat()}" if as_of is not None else "in the data"
    return (
        f"No figure of the goal's own series ({goal.dataset}/{goal.series_id}) was published "
        f"{when}; it is judged on the related series named above."
    )
