"""The goal registry: typed, validated goals read from ``data/goals.yaml``.

A goal says what was promised, when, by which deadline, and which data series
measures it. Two kinds exist:

* ``aggregate``: a total over the deadline interval reaches a threshold
  (e.g. interest e-commerce GMV above ¥9.5 trillion in 2023);
* ``count``: the number of entities (merchants, creators, products) whose own
  total over the interval reaches ``entity_threshold`` is at least ``threshold``
  (e.g. 1,000 merchants above ¥100M a year).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from targets.count_inputs import COUNT_FIELDS, CountSpec, parse_count_spec
from targets.data import DATASETS, data_dir, goals_file
from targets.data import load as load_dataset
from targets.errors import GoalError
from targets.units import parse_unit

GoalKind = Literal["aggregate", "count"]
Comparator = Literal[">=", ">"]

_REQUIRED = (
    "id",
    "statement_zh",
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
_OPTIONAL = ("entity", "entity_threshold", "entity_threshold_unit", "parent", "note", *COUNT_FIELDS)
# A goal's series missing from its data set is taken for a typo when an existing series
# name is this similar (difflib ratio); otherwise for a series with no row published yet.
_TYPO_CUTOFF = 0.8


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

    def is_met(self, value: float) -> bool:
        """Return whether a measured value meets the goal."""
        return value >= self.threshold if self.comparator == ">=" else value > self.threshold


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


def _parse_goal(path: Path, i: int, entry: Any, known_series: dict[str, set[str]]) -> Goal:
    if not isinstance(entry, dict):
        raise _fail(path, i, None, f"each goal must be a mapping; got {type(entry).__name__}")
    gid = entry.get("id")
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise _fail(path, i, gid, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(path, i, gid, f"unknown field(s): {', '.join(unknown)}")
    if entry["kind"] not in ("aggregate", "count"):
        raise _fail(path, i, gid, f"kind must be 'aggregate' or 'count'; got {entry['kind']!r}")
    if entry["comparator"] not in (">=", ">"):
        raise _fail(path, i, gid, f"comparator must be '>=' or '>'; got {entry['comparator']!r}")
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
        str(entry["series_id"]), known_series[entry["dataset"]], n=1, cutoff=_TYPO_CUTOFF
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
    try:
        threshold_as_stated = float(entry["threshold"])
    except (TypeError, ValueError):
        raise _fail(path, i, gid, f"threshold {entry['threshold']!r} is not a number") from None
    if threshold_as_stated <= 0:
        raise _fail(path, i, gid, f"threshold must be positive; got {threshold_as_stated}")
    try:
        unit = parse_unit(str(entry["unit"]))
    except KeyError as exc:
        raise _fail(path, i, gid, str(exc.args[0])) from None
    entity = entity_threshold = count_spec = None
    if entry["kind"] == "aggregate":
        if unit.dimension != "money" or unit.currency != "CNY":
            raise _fail(path, i, gid, f"an aggregate goal needs a yuan unit; got {entry['unit']!r}")
        threshold = threshold_as_stated * unit.factor
    else:
        if unit.name != "count":
            raise _fail(path, i, gid, f"a count goal has unit 'count'; got {entry['unit']!r}")
        for k in ("entity", "entity_threshold", "entity_threshold_unit"):
            if entry.get(k) in (None, ""):
                raise _fail(path, i, gid, f"a count goal needs {k}")
        try:
            eunit = parse_unit(str(entry["entity_threshold_unit"]))
            entity_threshold = float(entry["entity_threshold"]) * eunit.factor
        except (KeyError, TypeError, ValueError) as exc:
            raise _fail(path, i, gid, f"bad entity threshold: {exc}") from None
        entity = str(entry["entity"])
        threshold = threshold_as_stated
        try:
            count_spec = parse_count_spec(entry)
        except GoalError as exc:
            raise _fail(path, i, gid, str(exc)) from None
    src = entry["source"]
    if not isinstance(src, dict) or not all(src.get(k) for k in ("publisher", "url", "published")):
        raise _fail(path, i, gid, "source needs publisher, url and published")
    return Goal(
        id=str(gid),
        statement_zh=str(entry["statement_zh"]),
        statement_en=str(entry["statement_en"]).strip(),
        announced=announced,
        deadline_start=start,
        deadline_end=end,
        kind=entry["kind"],
        metric=str(entry["metric"]).strip(),
        dataset=entry["dataset"],
        series_id=entry["series_id"],
        comparator=entry["comparator"],
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
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise GoalError(f"{path.name}: malformed YAML: {exc}") from None
    if not isinstance(entries, list):
        raise GoalError(f"{path.name}: expected a list of goals at the top level")
    known = {name: set(_series_in(name, folder)) for name in DATASETS}
    goals = [_parse_goal(path, i, e, known) for i, e in enumerate(entries)]
    ids = [g.id for g in goals]
    dups = sorted({x for x in ids if ids.count(x) > 1})
    if dups:
        raise GoalError(f"{path.name}: duplicated goal id(s): {', '.join(dups)}")
    for i, g in enumerate(goals):
        if g.parent is not None and g.parent not in ids:
            raise _fail(path, i, g.id, f"parent {g.parent!r} is not a goal in this file")
    return goals


def _series_in(name: str, folder: Path) -> list[str]:
    """Series ids in one data set (empty when its file is absent)."""
    if not (folder / DATASETS[name].file).exists():
        return []
    return load_dataset(name, directory=folder)["series_id"].unique().tolist()


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


def to_frame(goals: list[Goal]) -> pd.DataFrame:
    """Goals as a table (one row per goal) for display."""
    return pd.DataFrame(
        [
            {
                "id": g.id,
                "kind": g.kind,
                "statement": g.statement_en,
                "announced": g.announced,
                "deadline": f"{g.deadline_start} to {g.deadline_end}",
                "threshold": g.threshold,
                "unit": "yuan" if g.kind == "aggregate" else f"{g.entity}",
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
