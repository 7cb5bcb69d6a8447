"""The goal registry: typed, validated goals, from a goal file's parsed YAML.

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
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from targets.errors import GoalError
from targets.sources.countspec import COUNT_FIELDS, CountSpec, parse_count_spec
from targets.sources.rows import iso_date
from targets.sources.units import parse_unit

GoalKind = Literal["aggregate", "count", "growth"]
Comparator = Literal[">=", ">", "<=", "<", "between", "about"]
COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<", "between", "about")
KINDS: tuple[str, ...] = ("aggregate", "count", "growth")
#: What kind of statement a goal is.
GOAL_TYPES: tuple[str, ...] = ("pledge", "internal_target", "plan", "third_party_forecast")
JUDGED_ON: tuple[str, ...] = ("total", "each_year")
#: How a proxy's quantity relates to the goal's (see :class:`Proxy`).
STANDS_FOR: tuple[str, ...] = ("equal", "lower_bound", "upper_bound")

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
    "name",
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
# In the known-series map: a series the data folder's series dictionary declares but that has
# no row yet (at the date the data were cut). It is a name, not a typo, and not published.
UNPUBLISHED = "<declared, no rows>"


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
    stands_for : {"equal", "lower_bound", "upper_bound"}
        How the proxy's quantity relates to the goal's: ``equal`` (it measures
        it), ``lower_bound`` (a part of it: the goal's quantity is at least the
        proxy's) or ``upper_bound`` (a larger quantity). A goal judged only on a
        bound gets a labelled bound, never a plain probability.
    """

    name: str
    parts: tuple[SeriesRef, ...]
    how: Literal["pooled", "sum"] = "pooled"
    saturation: bool = False
    stands_for: str = "equal"


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
    name: str = ""

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


def _fail(path: Path, index: int | None, goal_id: str | None, message: str) -> GoalError:
    where = path.name
    if index is not None and index >= 0:
        where += f", goal {index + 1}" + (f" ({goal_id})" if goal_id else "")
    return GoalError(f"{where}: {message}")


def _date(path: Path, i: int, gid: str, field: str, value: Any) -> date:
    day = iso_date(value) if isinstance(value, str) else None
    if day is None:
        raise _fail(path, i, gid, f"{field} {str(value)[:40]!r} is not a date in YYYY-MM-DD form")
    return day


#: What a goal id may be: it names files, anchors and cache entries.
_GOAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _number(path: Path, i: int, gid: str, field: str, value: Any, *, positive=True) -> float:
    """A finite (positive) number, or a GoalError naming the goal and the field.

    A YAML number, or text that is one in plain ASCII (``1000``, ``9.5``,
    ``1e3``); never a boolean, ``1_000`` or full-width digits.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(path, i, gid, f"{field} {str(value)[:40]!r} is not a number")
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value.strip()):
        raise _fail(path, i, gid, f"{field} {value[:40]!r} is not a number")
    x = float(value)
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
    _check_known(path, i, gid, field, dataset, series_id, known)
    since = _date(path, i, gid, f"{field}.since", value["since"]) if value.get("since") else None
    defs = value.get("definitions")
    return SeriesRef(dataset, series_id, since, _definitions(path, i, gid, field, defs))


def _check_known(
    path: Path,
    i: int,
    gid: str,
    field: str,
    dataset: str,
    series_id: str,
    known: dict[str, dict[str, str | None]],
) -> bool:
    """Whether a named series has rows in the data; a near miss of a known name is a typo.

    A data set or series the data do not hold is accepted (its rows may not be
    published yet at the date the data were cut: the goal then gets "no forecast"),
    unless its name is close to one that exists, which is taken for a typo.
    """
    if dataset not in known:
        near = difflib.get_close_matches(dataset, list(known), n=1, cutoff=_TYPO_CUTOFF)
        if near:
            raise _fail(
                path,
                i,
                gid,
                f"{field}: data set {dataset!r} does not exist; did you mean {near[0]!r}? "
                f"available: {', '.join(sorted(known))}",
            )
        return False
    if series_id in known[dataset]:
        return known[dataset][series_id] != UNPUBLISHED
    near = difflib.get_close_matches(series_id, list(known[dataset]), n=1, cutoff=_TYPO_CUTOFF)
    if near:
        raise _fail(
            path,
            i,
            gid,
            f"{field}: series {series_id!r} does not exist in data set {dataset!r}; did you mean "
            f"{near[0]!r}? available: {', '.join(sorted(known[dataset]))}",
        )
    return False


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
        extra = sorted(
            str(k) for k in set(p) - {"name", "series", "sum", "saturation", "stands_for"}
        )
        if extra:
            raise _fail(path, i, gid, f"{field}: unknown field(s) {', '.join(extra)}")
        if ("series" in p) == ("sum" in p):
            raise _fail(path, i, gid, f"{field} needs either series (pooled) or sum")
        how = "sum" if "sum" in p else "pooled"
        parts = p[how if how == "sum" else "series"]
        parts = parts if isinstance(parts, list) else [parts]
        refs = tuple(_ref(path, i, gid, f"{field}.{how}", r, known) for r in parts)
        stands = p.get("stands_for") or "equal"
        if stands not in STANDS_FOR:
            raise _fail(
                path,
                i,
                gid,
                f"{field}.stands_for must be one of {', '.join(STANDS_FOR)}; got "
                f"{str(stands)[:40]!r}",
            )
        out.append(Proxy(str(p["name"]), refs, how, bool(p.get("saturation", False)), stands))
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
    if gid is not None and not (isinstance(gid, str) and _GOAL_ID.fullmatch(gid)):
        raise _fail(
            path,
            i,
            None,
            f"id {str(gid)[:40]!r} is not an id: use letters, digits, '_', '-' or '.' "
            "(at most 80, starting with a letter or digit)",
        )
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise _fail(path, i, gid, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(str(k)[:40] for k in set(entry) - set(_REQUIRED) - set(_OPTIONAL))
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
    for key in ("dataset", "series_id"):
        name = entry[key]
        if not (isinstance(name, str) and name.strip() and name.isprintable() and len(name) < 200):
            raise _fail(
                path,
                i,
                gid,
                f"{key} {str(name)[:40]!r} is not a name: expected one line of text (a data set "
                "is a CSV file's name without .csv, a series_id a value of its first column)",
            )
    series_published = _check_known(
        path, i, gid, "series", entry["dataset"], entry["series_id"], known_series
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
    series_currency = known_series.get(entry["dataset"], {}).get(entry["series_id"])
    series_currency = None if series_currency == UNPUBLISHED else series_currency
    known_here = known_series
    scale = 1.0
    if kind != "growth":
        given = [k for k in ("base_start", "base_end") if entry.get(k) not in (None, "")]
        if given:
            raise _fail(path, i, gid, f"{', '.join(given)}: only a growth goal has a base interval")
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
        if unit.dimension not in ("money", "count"):
            raise _fail(
                path,
                i,
                gid,
                f"unit: an aggregate goal needs a money unit or 'count'; got {entry['unit']!r}",
            )
        currency = unit.currency if unit.dimension == "money" else "count"
        if series_currency is not None and (series_currency == "count") != (currency == "count"):
            raise _fail(
                path,
                i,
                gid,
                f"unit: the goal is in {currency} but series {entry['series_id']!r} is in "
                f"{series_currency}: a count and an amount cannot be compared",
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
        entity = _text(path, i, gid, "entity", entry["entity"])
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
        statement_zh=_text(path, i, gid, "statement_zh", entry.get("statement_zh")),
        statement_en=_text(path, i, gid, "statement_en", entry["statement_en"]),
        announced=announced,
        deadline_start=start,
        deadline_end=end,
        kind=kind,
        metric=_text(path, i, gid, "metric", entry["metric"]),
        dataset=entry["dataset"],
        series_id=entry["series_id"],
        comparator=comparator,
        threshold=threshold,
        unit=unit.name,
        threshold_as_stated=threshold_as_stated,
        source=Source(
            _text(path, i, gid, "source.publisher", src["publisher"]),
            _text(path, i, gid, "source.url", src["url"]),
            _date(path, i, gid, "source.published", src["published"]),
        ),
        entity=entity,
        entity_threshold=entity_threshold,
        parent=_parent(path, i, gid, entry.get("parent")),
        note=_text(path, i, gid, "note", entry.get("note")),
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
        name=_name(path, i, gid, entry.get("name")),
    )


def _parent(path: Path, i: int, gid: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and _GOAL_ID.fullmatch(value)):
        return value
    raise _fail(path, i, gid, f"parent {str(value)[:40]!r} is not a goal id")


def _text(path: Path, i: int, gid: str, field: str, value: Any) -> str:
    """A text field (a statement, the metric, a note): text as written, stripped; ``""`` when
    absent. A list, a mapping, a boolean or a number is refused by name."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(
            path, i, gid, f"{field} must be text; got a {type(value).__name__}: {str(value)[:40]!r}"
        )
    return value.strip()


def _name(path: Path, i: int, gid: str, value: Any) -> str:
    """A short plain-language name for reports (one line of text)."""
    if value is None:
        return ""
    if not isinstance(value, str) or "\n" in value.strip() or len(value) > 120:
        raise _fail(path, i, gid, "name must be one line of text (at most 120 characters)")
    return value.strip()


@dataclass(frozen=True)
class Registry:
    """A goal file: its goals and the project settings it declares.

    A goal file is either a YAML list of goals, or a mapping with ``goals`` (that
    list) and optional ``title`` (a short project title for the reports),
    ``reference_class`` (the series of analog platforms' yearly GMV that the
    outside view grows a young series along) and ``series_models`` (series with a
    model of their own, see :mod:`targets.growth.drivers`).

    Attributes
    ----------
    path : Path
    goals : tuple of Goal
        In file order.
    title : str
        The project title ("" when the file gives none).
    reference_class : tuple of SeriesRef
    series_models : tuple of SeriesModel
    growth_claims : tuple of GrowthClaim
        Compounding claims about single entities the reports project forward.
    exchange_rate : SeriesRef or None
        Yuan per US dollar by calendar year: converts a goal stated in one
        currency judged on a series in the other.
    """

    path: Path
    goals: tuple[Goal, ...]
    title: str = ""
    reference_class: tuple[SeriesRef, ...] = ()
    series_models: tuple[SeriesModel, ...] = ()
    growth_claims: tuple[GrowthClaim, ...] = ()
    exchange_rate: SeriesRef | None = None

    def get(self, goal_id: str) -> Goal:
        """One goal by id.

        Raises
        ------
        GoalError
            If no goal has that id; the message lists the known ids.
        """
        for g in self.goals:
            if g.id == goal_id:
                return g
        known = ", ".join(g.id for g in self.goals)
        raise GoalError(f"unknown goal {str(goal_id)[:80]!r}; known goals: {known}")


@dataclass(frozen=True)
class SeriesModel:
    """A series forecast by a model of its own instead of the generic driver.

    Attributes
    ----------
    series : SeriesRef
        The series (and the rows of it) the model forecasts.
    model : str
        The kind of model (``"regime"``: :mod:`targets.growth.regimefit`).
    also : tuple of SeriesRef
        Further series the model is fitted to (e.g. the platform's own store).
    measures : tuple of (str, str)
        Row ``definition`` -> the model's measure it counts (``closed``,
        ``broad``, ``cards``).
    assumptions : str
        Prefix of the assumption ids that set the model's priors.
    """

    series: SeriesRef
    model: str
    also: tuple[SeriesRef, ...] = ()
    measures: tuple[tuple[str, str], ...] = ()
    assumptions: str = ""


@dataclass(frozen=True)
class GrowthClaim:
    """A compounding growth claim about one entity, projected against a whole it is part of.

    Attributes
    ----------
    name : str
        Who the claim is about, in words.
    rate : SeriesRef
        The series holding the stated growth multiple per month.
    level : SeriesRef
        The series holding the stated level the growth starts from: the total of
        one month, at the end of the row's period.
    against : SeriesRef
        The containing quantity the projection is compared with.
    """

    name: str
    rate: SeriesRef
    level: SeriesRef
    against: SeriesRef


#: Settings a goal file may declare beside its goals (a mapping at the top level).
REGISTRY_FIELDS = (
    "title",
    "goals",
    "reference_class",
    "series_models",
    "growth_claims",
    "exchange_rate",
)
SERIES_MODELS = ("regime",)


def parse_registry(path: Path, document: Any, known: dict[str, dict[str, str | None]]) -> Registry:
    """Check a goal file's parsed YAML (``document``) against the series in the data.

    Parameters
    ----------
    path : Path
        The file (for messages).
    document : list or dict
        The parsed YAML: a list of goals, or a mapping (see :class:`Registry`).
    known : dict
        Data set -> series id -> currency (``"CNY"``, ``"USD"`` or ``None``) of
        every series in the data, used to catch typos and currency mismatches.

    Raises
    ------
    GoalError
        For a missing or unknown field, a bad date, a duplicated id, an unknown
        parent, a series whose name is a near miss of one that exists (a typo),
        and every other malformed field; the message names the file, the goal
        and the field. A series absent for another reason is accepted with
        ``series_published=False``: its rows may not be published yet.
    """
    settings: dict = {}
    if isinstance(document, dict):
        unknown = sorted(str(k) for k in set(document) - set(REGISTRY_FIELDS))
        if unknown:
            raise GoalError(
                f"{path.name}: unknown top-level field(s) {', '.join(unknown)}; "
                f"expected {', '.join(REGISTRY_FIELDS)}"
            )
        settings, document = document, document.get("goals")
    if not isinstance(document, list):
        raise GoalError(f"{path.name}: expected a list of goals (or a mapping with 'goals')")
    goals = [_parse_goal(path, i, e, known) for i, e in enumerate(document)]
    ids = [g.id for g in goals]
    dups = sorted({x for x in ids if ids.count(x) > 1})
    if dups:
        raise GoalError(f"{path.name}: duplicated goal id(s): {', '.join(dups)}")
    for i, g in enumerate(goals):
        if g.parent is not None and g.parent not in ids:
            raise _fail(path, i, g.id, f"parent {g.parent!r} is not a goal in this file")
    _check_parents(path, goals)
    title = settings.get("title") or ""
    if not isinstance(title, str) or "\n" in title or len(title) > 200:
        raise GoalError(f"{path.name}: title must be one line of text (at most 200 characters)")
    analogs = settings.get("reference_class") or []
    if not isinstance(analogs, list):
        raise GoalError(f"{path.name}: reference_class must be a list of series")
    reference = tuple(
        _ref(path, -1, "", f"reference_class[{k}]", r, known) for k, r in enumerate(analogs)
    )
    return Registry(
        path=path,
        goals=tuple(goals),
        title=title.strip(),
        reference_class=reference,
        series_models=_series_models(path, settings.get("series_models"), known),
        growth_claims=_growth_claims(path, settings.get("growth_claims"), known),
        exchange_rate=_ref(path, -1, "", "exchange_rate", settings["exchange_rate"], known)
        if settings.get("exchange_rate")
        else None,
    )


def _growth_claims(path: Path, value: Any, known) -> tuple[GrowthClaim, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise GoalError(f"{path.name}: growth_claims must be a list")
    out = []
    for k, entry in enumerate(value):
        field = f"growth_claims[{k}]"
        need = ("name", "rate", "level", "against")
        if not isinstance(entry, dict) or any(not entry.get(n) for n in need):
            raise GoalError(f"{path.name}: {field} needs {', '.join(need)}")
        extra = sorted(str(x) for x in set(entry) - set(need))
        if extra:
            raise GoalError(f"{path.name}: {field}: unknown field(s) {', '.join(extra)}")
        if not isinstance(entry["name"], str) or len(entry["name"]) > 120:
            raise GoalError(f"{path.name}: {field}.name must be text (at most 120 characters)")
        refs = {n: _ref(path, -1, "", f"{field}.{n}", entry[n], known) for n in need[1:]}
        out.append(GrowthClaim(name=entry["name"].strip(), **refs))
    return tuple(out)


def _check_parents(path: Path, goals: list[Goal]) -> None:
    """A parent chain must end: a goal cannot be (through others) its own parent."""
    parent = {g.id: g.parent for g in goals}
    for i, g in enumerate(goals):
        seen, at = {g.id}, g.parent
        while at is not None:
            if at in seen:
                raise _fail(path, i, g.id, f"parent chain loops back to {at!r}")
            seen.add(at)
            at = parent.get(at)


def _series_models(path: Path, value: Any, known) -> tuple[SeriesModel, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise GoalError(f"{path.name}: series_models must be a list")
    out = []
    for k, entry in enumerate(value):
        field = f"series_models[{k}]"
        if not isinstance(entry, dict) or not entry.get("series") or not entry.get("model"):
            raise GoalError(f"{path.name}: {field} needs series and model")
        extra = sorted(
            str(x) for x in set(entry) - {"series", "model", "also", "measures", "assumptions"}
        )
        if extra:
            raise GoalError(f"{path.name}: {field}: unknown field(s) {', '.join(extra)}")
        if entry["model"] not in SERIES_MODELS:
            raise GoalError(
                f"{path.name}: {field}: model must be one of {', '.join(SERIES_MODELS)}; "
                f"got {str(entry['model'])[:40]!r}"
            )
        measures = entry.get("measures") or {}
        if not isinstance(measures, dict) or not all(
            isinstance(a, str) and isinstance(b, str) for a, b in measures.items()
        ):
            raise GoalError(f"{path.name}: {field}: measures maps a definition to a measure")
        also = entry.get("also") or []
        out.append(
            SeriesModel(
                series=_ref(path, -1, "", f"{field}.series", entry["series"], known),
                model=str(entry["model"]),
                also=tuple(_ref(path, -1, "", f"{field}.also", r, known) for r in also),
                measures=tuple(sorted(measures.items())),
                assumptions=str(entry.get("assumptions") or ""),
            )
        )
    return tuple(out)


def load(path: str | Path | None = None, *, directory: str | Path | None = None) -> list[Goal]:
    """The goals of a goal file, checked against the data (a convenience for notebooks).

    ``path`` defaults to the goal file of the data folder(s)
    (:func:`targets.sources.vintage.open_vintage`).
    """
    from targets.sources.vintage import open_vintage

    return list(open_vintage(directory, goals=path).registry.goals)


def get(goal_id: str, *, directory: str | Path | None = None) -> Goal:
    """Return one goal by id (see :meth:`Registry.get`)."""
    from targets.sources.vintage import open_vintage

    return open_vintage(directory).registry.get(goal_id)


def _display_unit(g: Goal) -> str:
    if g.kind == "aggregate":
        return {"CNY": "yuan", "count": "count"}.get(str(g.currency), str(g.currency))
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
