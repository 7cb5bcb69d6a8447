"""The vintage: what had been published by a date, built once at the entry point.

A :class:`Vintage` holds the observation rows published by its as-of date, the
assumption rows usable by then and the goal registry, read from one or more
data folders and a goal file. It is the only place where a publication date is
compared with an as-of date (:meth:`Vintage.at`); everything below an entry
point receives rows and assumptions from a vintage and never reads files.

Folders combine: data sets are discovered from each folder's CSV files (the
first folder holding a data set's file wins), assumption ids from each folder's
``assumptions.csv`` (the first folder defining an id wins all its rows), and the
assumptions shipped with the package fill in every id no folder defines (model
constants a user need not restate). The goal file is ``goals=``, else
``$TARGETS_GOALS``, else the first folder's ``goals.yaml``.

Examples
--------
>>> v = open_vintage(as_of="2021-04-08")
>>> bool((v.rows("nbs_retail")["published"] <= "2021-04-08").all())
True
>>> v.at(None).as_of is None
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from targets.errors import DataError, GoalError
from targets.sources import files
from targets.sources.assumptions import (
    ASSUMPTIONS_FILE,
    Assumption,
    in_force,
    parse_assumptions,
    usable_by,
)
from targets.sources.goals import UNPUBLISHED, Goal, Registry, SeriesRef, parse_registry
from targets.sources.rows import SIZE_COLUMNS, Dataset, iso_date, parse_observations

#: Environment variables naming the data folders (several, separated by ``os.pathsep``)
#: and the goal file; ``targets --data-dir`` and ``--goals`` set them.
DATA_DIR_ENV = "TARGETS_DATA_DIR"
GOALS_ENV = "TARGETS_GOALS"
#: Goal ids to keep (comma-separated; ``targets report --goal ID`` sets it): a report on
#: those goals alone.
GOAL_IDS_ENV = "TARGETS_GOAL_IDS"
GOALS_FILE = "goals.yaml"
#: The track record of past pledges, in a data folder (same format as a goal file).
PLEDGES_FILE = "pledges.yaml"
#: The series dictionary of a data folder: ``dataset, series_id, name`` (reader names).
SERIES_FILE = "series.csv"
#: Words written in capitals or a fixed form when a series id is turned into a name.
_WORDS = {"gmv": "GMV", "nbs": "NBS", "gtv": "GTV", "usd": "USD", "cny": "CNY", "jd": "JD.com"}
#: Files in a data folder that are not observation data sets.
NOT_DATASETS = (ASSUMPTIONS_FILE, "series.csv")
#: The columns of :meth:`Vintage.catalog`.
CATALOG_COLUMNS = [
    "name",
    "rows",
    "series",
    "first_period",
    "last_period",
    "sources",
    "official_share",
    "last_published",
    "file",
    "description",
]
_SORT = ["dataset", "series_id", "period_start", "period_end", "published", "row"]


def bundled_dir(name: str = "data") -> Path:
    """A folder shipped inside the package: ``"data"`` or ``"notebooks"``.

    In a clone (editable install) these are links to the repository's ``data/``
    and ``notebooks/``; in a wheel they are copies.
    """
    from importlib.resources import files as package_files

    return Path(str(package_files("targets") / "_bundled" / name))


def default_folders() -> tuple[Path, ...]:
    """``$TARGETS_DATA_DIR`` (one or more folders) if set, else the bundled data."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return tuple(Path(p).expanduser() for p in env.split(os.pathsep) if p.strip())
    return (bundled_dir("data"),)


def as_timestamp(as_of: str | date | pd.Timestamp | None) -> pd.Timestamp | None:
    """An as-of date as a day (``None`` stays ``None``).

    Raises
    ------
    DataError
        For anything but an ISO 8601 calendar date (``YYYY-MM-DD``), a
        ``datetime.date`` or a naive timestamp.
    """
    if as_of is None:
        return None
    if isinstance(as_of, pd.Timestamp | date) and not isinstance(as_of, str):
        ts = pd.Timestamp(as_of)
        if ts.tzinfo is not None:
            raise DataError(f"as_of must be a date without a time zone; got {str(as_of)[:40]!r}")
        return ts.normalize()
    day = iso_date(str(as_of).strip())
    if day is None:
        raise DataError(
            f"as_of must be a date like '2021-04-08'; got {str(as_of)[:40]!r} (write YYYY-MM-DD)"
        )
    return pd.Timestamp(day)


def _where(folders: tuple[Path, ...]) -> str:
    """How the folders were chosen, and how to choose others, for "not found" messages."""
    chosen = ", ".join(str(f) for f in folders)
    how = f" (from ${DATA_DIR_ENV} or --data-dir)" if os.environ.get(DATA_DIR_ENV) else ""
    return (
        f"the data folder is {chosen}{how}; choose a folder holding the data sets with "
        f"--data-dir DIR or ${DATA_DIR_ENV}"
    )


@dataclass(frozen=True, eq=False)
class Vintage:
    """The data as published by :attr:`as_of`: rows, assumptions and goals.

    Build one with :func:`open_vintage`; cut it at another date with :meth:`at`.
    Two vintages are equal when they were read from the same content at the same
    date (:attr:`key`), so results computed from one can be cached by it.

    Attributes
    ----------
    as_of : pandas.Timestamp or None
        Rows published on or before this day, assumption rows usable by then
        (``None``: everything).
    folders : tuple of Path
        The data folders, first wins.
    datasets : dict
        Data set name -> :class:`~targets.sources.rows.Dataset`.
    observations : pandas.DataFrame
        Every observation row published by :attr:`as_of` (all data sets), sorted.
    assumptions : pandas.DataFrame
        Every assumption row usable by :attr:`as_of`, sorted by id and date.
    content : str
        SHA-256 of every file read (names and contents), independent of where
        the files are.
    """

    as_of: pd.Timestamp | None
    folders: tuple[Path, ...]
    datasets: dict[str, Dataset] = field(repr=False)
    observations: pd.DataFrame = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)
    content: str = field(default="", repr=False)
    goal_file: Path | None = None
    _registry: Registry | None = field(default=None, repr=False)
    _goal_error: str = field(default="", repr=False)
    _all: Vintage | None = field(default=None, repr=False)
    _cuts: dict = field(default_factory=dict, repr=False)
    _by_series: dict = field(default_factory=dict, repr=False)

    # -- identity ------------------------------------------------------------------

    @property
    def key(self) -> str:
        """Content and date: a key for results computed from this vintage."""
        when = "latest" if self.as_of is None else self.as_of.date().isoformat()
        return f"{self.content}@{when}"

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vintage) and other.key == self.key

    # -- dates ---------------------------------------------------------------------

    @property
    def latest(self) -> Vintage:
        """The same data with nothing left out (as of the latest publication)."""
        return self._all if self._all is not None else self

    def at(self, as_of: str | date | pd.Timestamp | None) -> Vintage:
        """The same data as published by another date.

        The one place where publication dates meet an as-of date: rows published
        on or before ``as_of`` and assumption rows whose ``usable_from`` is empty
        or on or before it. Always cut from the full data, so a later date never
        loses rows an earlier cut dropped.
        """
        full = self.latest
        cutoff = as_timestamp(as_of)
        if cutoff is None:
            return full
        if cutoff not in full._cuts:
            if len(full._cuts) > 256:
                full._cuts.clear()
            obs = full.observations[full.observations["published"] <= cutoff]
            ass = usable_by(full.assumptions, cutoff)
            full._cuts[cutoff] = Vintage(
                as_of=cutoff,
                folders=full.folders,
                datasets=full.datasets,
                observations=obs.reset_index(drop=True),
                assumptions=ass.reset_index(drop=True),
                content=full.content,
                goal_file=full.goal_file,
                _registry=full._registry,
                _goal_error=full._goal_error,
                _all=full,
            )
        return full._cuts[cutoff]

    @property
    def when(self) -> str:
        """``"by 2021-04-08"`` or ``"in the data"``, for sentences."""
        return f"by {self.as_of.date()}" if self.as_of is not None else "in the data"

    # -- rows ----------------------------------------------------------------------

    def rows(self, dataset: str | None = None, series_id: str | None = None) -> pd.DataFrame:
        """Observation rows published by :attr:`as_of` (a copy), optionally of one data set
        and series.

        Raises
        ------
        DataError
            For a data set the folders do not hold (the message lists them).
        """
        frame = self.observations
        if dataset is not None:
            if dataset not in self.datasets:
                raise DataError(
                    f"unknown data set {str(dataset)[:80]!r} in {_folders_text(self.folders)}; "
                    f"available: {', '.join(sorted(self.datasets))}"
                )
            frame = frame[frame["dataset"] == dataset]
        if series_id is not None:
            frame = frame[frame["series_id"] == series_id]
        return frame.reset_index(drop=True).copy()

    def series(self, ref: SeriesRef) -> pd.DataFrame:
        """Rows of one series reference published by :attr:`as_of`, its filters applied.

        A data set the folders do not hold gives no rows (its series may be
        published later than the data were cut).
        """
        frame = self._series_rows(ref.dataset, ref.series_id)
        if ref.since is not None:
            frame = frame[frame["period_start"] >= pd.Timestamp(ref.since)]
        if ref.definitions is not None:
            frame = frame[frame["definition"].isin(ref.definitions)]
        return frame.reset_index(drop=True).copy()

    def _series_rows(self, dataset: str, series_id: str) -> pd.DataFrame:
        """The rows of one series (not a copy): the observations split once per vintage.

        A vintage cut from the full data (:meth:`at`) takes the full data's split of the
        series and keeps the rows published by its date, one series at a time, so the
        many cuts a binary search over publication dates makes never split all rows.
        """
        if self._all is not None and self.as_of is not None:
            key = (dataset, series_id)
            if key not in self._by_series:
                rows = self._all._series_rows(dataset, series_id)
                self._by_series[key] = rows[rows["published"] <= self.as_of]
            return self._by_series[key]
        if not self._by_series:
            obs = self.observations
            for key, rows in obs.groupby(["dataset", "series_id"], sort=False):
                self._by_series[(str(key[0]), str(key[1]))] = rows
            self._by_series[None] = obs.iloc[0:0]  # marks the split as done
        return self._by_series.get((dataset, series_id), self._by_series[None])

    def size_rows(self) -> pd.DataFrame:
        """Rows of the size-evidence data sets (those with :data:`SIZE_COLUMNS`)."""
        names = [n for n, ds in self.datasets.items() if ds.extra_columns]
        frame = self.observations[self.observations["dataset"].isin(names)]
        return frame.reset_index(drop=True).copy()

    def has_rows(self, ref: SeriesRef) -> bool:
        """Whether any row of the series was published by :attr:`as_of`."""
        obs = self.observations
        return bool(((obs["dataset"] == ref.dataset) & (obs["series_id"] == ref.series_id)).any())

    @property
    def first_published(self) -> pd.Timestamp | None:
        """The earliest publication date of any row in the full data (``None`` if none)."""
        value = self.latest.observations["published"].min()
        return None if pd.isna(value) else pd.Timestamp(value)

    @property
    def last_published(self) -> pd.Timestamp | None:
        """The latest publication date of a row in this vintage (``None`` if none)."""
        value = self.observations["published"].max()
        return None if pd.isna(value) else pd.Timestamp(value)

    def catalog(self) -> pd.DataFrame:
        """One row per data set: rows, series, periods, sources, last publication date."""
        out = []
        for name, ds in self.datasets.items():
            df = self.observations[self.observations["dataset"] == name]
            out.append(
                {
                    "name": name,
                    "rows": len(df),
                    "series": df["series_id"].nunique(),
                    "first_period": df["period_start"].min() if len(df) else pd.NaT,
                    "last_period": df["period_end"].max() if len(df) else pd.NaT,
                    "sources": df["source_url"].nunique(),
                    "official_share": float((df["status"] == "official").mean()) if len(df) else 0,
                    "last_published": df["published"].max() if len(df) else pd.NaT,
                    "file": str(ds.path),
                    # The series by their reader's names (the series dictionary).
                    "description": "; ".join(
                        sorted(self.series_name(name, str(s)) for s in df["series_id"].unique())
                    ),
                }
            )
        return pd.DataFrame(out, columns=CATALOG_COLUMNS)

    def series_name(self, dataset: str, series_id: str) -> str:
        """The reader's name of a series: the data folder's series dictionary (``series.csv``),
        else its id in words (``acme_revenue`` -> ``acme revenue``)."""
        names = _series_names(self.folders)
        name = names.get((dataset, series_id))
        if name:
            return name
        return " ".join(_WORDS.get(w, w) for w in series_id.split("_"))

    def ref_name(self, ref: SeriesRef) -> str:
        """:meth:`series_name` of a series reference."""
        return self.series_name(ref.dataset, ref.series_id)

    def part_of(self, dataset: str, series_id: str) -> tuple[str, ...]:
        """Series of the same data set that contain this one (``part_of`` in the series
        dictionary; empty if none is declared)."""
        entry = _series_dictionary(self.folders).get((dataset, series_id), {})
        return tuple(w.strip() for w in entry.get("part_of", "").split(";") if w.strip())

    def yearly_event(self, dataset: str, series_id: str) -> bool:
        """Whether each row of the series is the total of a once-a-year event (a shopping
        festival whose window may change between years): ``yearly_event`` in the series
        dictionary."""
        entry = _series_dictionary(self.folders).get((dataset, series_id), {})
        return entry.get("yearly_event", "") == "yes"

    # -- assumptions -----------------------------------------------------------------

    def assumption(self, assumption_id: str) -> Assumption:
        """The row of ``assumption_id`` in force at :attr:`as_of` (the latest usable one).

        Raises
        ------
        DataError
            If no row of that id is usable at :attr:`as_of`; the message lists the ids.
        """
        where = "" if self.as_of is None else f" usable by {self.as_of.date()}"
        return in_force(self.assumptions, assumption_id, where)

    def has_assumption(self, assumption_id: str) -> bool:
        """Whether a row of ``assumption_id`` is usable at :attr:`as_of`."""
        return bool((self.assumptions["assumption_id"] == assumption_id).any())

    # -- goals -----------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The goal file's goals and settings.

        Raises
        ------
        GoalError
            When no goal file was found or it is invalid.
        """
        if self._registry is None:
            raise GoalError(self._goal_error or "no goal file")
        return self._registry

    @property
    def goals(self) -> tuple[Goal, ...]:
        """The goals of the registry, in file order."""
        return self.registry.goals

    def goal(self, goal_id: str) -> Goal:
        """One goal by id (:meth:`targets.sources.goals.Registry.get`)."""
        return self.registry.get(goal_id)

    @property
    def reference_class(self) -> tuple[SeriesRef, ...]:
        """The analog series the goal file names (``()`` without a goal file)."""
        return self._registry.reference_class if self._registry is not None else ()

    @property
    def series_models(self) -> tuple:
        """The series the goal file gives a model of their own (``()`` without a goal file)."""
        return self._registry.series_models if self._registry is not None else ()

    @property
    def growth_claims(self) -> tuple:
        """The goal file's compounding growth claims (``()`` without a goal file)."""
        return self._registry.growth_claims if self._registry is not None else ()

    @property
    def exchange_rate(self) -> SeriesRef | None:
        """The goal file's exchange-rate series (yuan per dollar), if it names one."""
        return self._registry.exchange_rate if self._registry is not None else None

    @property
    def title(self) -> str:
        """The project title from the goal file ("" when it gives none)."""
        return self.registry.title if self._registry is not None else ""

    def with_goals(self, path: str | Path) -> Vintage:
        """The same data and date with another goal file (e.g. the pledge track record)."""
        other = open_vintage(self.folders, goals=path)
        return other.at(self.as_of)

    def pledges(self) -> Vintage | None:
        """The same data and date with the first folder's ``pledges.yaml`` as its goals
        (``None`` when no folder holds one)."""
        for folder in self.folders:
            if (folder / PLEDGES_FILE).is_file():
                return self.with_goals(folder / PLEDGES_FILE)
        return None


def _series_dictionary(folders: tuple[Path, ...]) -> dict[tuple[str, str], dict[str, str]]:
    """``(dataset, series_id) -> {column: text}`` from each folder's series dictionary
    (first wins), then the shipped one. Beyond ``name``, optional columns: ``part_of``
    (series of the same data set containing this one, ``;``-separated) and
    ``yearly_event`` (``yes``: each row is the total of a once-a-year event)."""
    paths = [f / SERIES_FILE for f in folders] + [bundled_dir("data") / SERIES_FILE]
    out: dict[tuple[str, str], dict[str, str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        table = files.read_csv_text(path)
        if list(table.columns[:3]) != ["dataset", "series_id", "name"]:
            raise DataError(f"{path}, row 1: header must start with dataset, series_id, name")
        flag = table["yearly_event"] if "yearly_event" in table else None
        if flag is not None and not flag.isin(["", "yes"]).all():
            row = int(flag.index[~flag.isin(["", "yes"])][0]) + 2
            raise DataError(f"{path}, row {row}: yearly_event must be 'yes' or empty")
        for rec in table.to_dict("records"):
            entry = {k: str(v)[:120] for k, v in rec.items() if k not in ("dataset", "series_id")}
            out.setdefault((str(rec["dataset"]), str(rec["series_id"])), entry)
    return out


def _series_names(folders: tuple[Path, ...]) -> dict[tuple[str, str], str]:
    """``(dataset, series_id) -> name`` from the series dictionaries (first wins)."""
    return {k: v["name"] for k, v in _series_dictionary(folders).items() if v.get("name")}


def _folders_text(folders: Iterable[Path]) -> str:
    return ", ".join(str(f) for f in folders)


def _known_series(
    observations: pd.DataFrame, declared: Iterable[tuple[str, str]] = ()
) -> dict[str, dict[str, str | None]]:
    """Data set -> series id -> the currency most of its money rows use (``"count"`` for a
    series of counts, ``None`` for neither); a series the dictionary ``declared`` names but
    with no row is marked :data:`~targets.sources.goals.UNPUBLISHED`."""
    out: dict[str, dict[str, str | None]] = {}
    for dataset, sid in sorted(declared):
        out.setdefault(str(dataset), {})[str(sid)] = UNPUBLISHED
    for (dataset, sid), rows in observations.groupby(["dataset", "series_id"], sort=True):
        n_cny, n_usd = int(rows["value_yuan"].notna().sum()), int(rows["value_usd"].notna().sum())
        counts = int(rows["unit"].eq("count").sum())
        currency = None if n_cny == n_usd == 0 else ("USD" if n_usd > n_cny else "CNY")
        if currency is None and counts:
            currency = "count"
        out.setdefault(str(dataset), {})[str(sid)] = currency
    return out


def discover(folder: Path) -> dict[str, Dataset]:
    """The data sets in one folder: every ``*.csv`` whose header starts with ``series_id``.

    A CSV with no readable header is kept too, so that loading it names the
    fault; other CSV files (and ``assumptions.csv``) are not data sets.
    """
    found: dict[str, Dataset] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.name in NOT_DATASETS or not path.is_file():
            continue
        header = files.csv_header(path)
        if header is not None and header[0] != "series_id":
            continue
        extra = tuple(SIZE_COLUMNS) if set(SIZE_COLUMNS) <= set(header or ()) else ()
        found[path.stem] = Dataset(path.stem, path, extra)
    return found


def _observations(dataset: Dataset) -> pd.DataFrame:
    path = dataset.path
    return files.memo(
        path,
        f"observations:{dataset.name}:{len(dataset.extra_columns)}",
        lambda: parse_observations(path, dataset, files.read_csv_text(path)),
    )


def read_assumptions(path: Path) -> pd.DataFrame:
    """One assumptions file, parsed and checked (every row, with the file named)."""
    if not path.is_file():
        raise DataError(f"{path}: assumptions file not found")
    return _assumptions(path)


def _assumptions(path: Path) -> pd.DataFrame:
    frame = files.memo(
        path, "assumptions", lambda: parse_assumptions(path, files.read_csv_text(path))
    )
    frame["file"] = str(path)
    return frame


def _folder_paths(folders) -> tuple[Path, ...]:
    if folders is None:
        return default_folders()
    if isinstance(folders, str | Path):
        return (Path(folders).expanduser(),)
    return tuple(Path(f).expanduser() for f in folders)


def open_vintage(
    folders: str | Path | Iterable[str | Path] | None = None,
    *,
    goals: str | Path | None = None,
    as_of: str | date | pd.Timestamp | None = None,
) -> Vintage:
    """Read data folders and a goal file into a vintage as of a date.

    Parameters
    ----------
    folders : path or list of paths, optional
        Data folders, first wins; default :func:`default_folders`.
    goals : path, optional
        The goal file; default ``$TARGETS_GOALS``, else ``goals.yaml`` in the
        first folder holding one. Without a goal file the vintage has data but
        no goals (:attr:`Vintage.registry` raises).
    as_of : date-like, optional
        Keep what was published by then (``None``: everything).

    Returns
    -------
    Vintage

    Raises
    ------
    DataError
        For a folder that does not exist, a folder with no data set, or any
        invalid row (named with its file and row).
    GoalError
        For an invalid goal file (a missing one only when ``goals`` names it).
    """
    paths = _folder_paths(folders)
    for folder in paths:
        if not folder.is_dir():
            raise DataError(f"{folder}: data folder not found ({_where(paths)})")
    datasets: dict[str, Dataset] = {}
    for folder in paths:
        for name, ds in discover(folder).items():
            datasets.setdefault(name, ds)
    if not datasets:
        raise DataError(
            f"{_folders_text(paths)}: no data set found (a CSV file whose header starts with "
            f"series_id); {_where(paths)}"
        )
    goal_path = _goal_path(paths, goals)
    assumption_files = _assumption_files(paths)
    read = [ds.path for ds in datasets.values()] + assumption_files
    if goal_path is not None and goal_path.is_file():
        read.append(goal_path)
    # Reader names appear in stored explanations: a changed dictionary is new content.
    read += [f / SERIES_FILE for f in (*paths, bundled_dir("data")) if (f / SERIES_FILE).is_file()]
    key = tuple(files.file_key(p) for p in read)
    cached = _OPENED.get(key)
    if cached is None:
        cached = _open(paths, datasets, assumption_files, goal_path, read)
        if len(_OPENED) > 32:
            _OPENED.clear()
        _OPENED[key] = cached
    # ``targets report --goal`` narrows the user's goal file, never a file a caller names
    # (the pledge track record, the count record).
    return _only(cached, os.environ.get(GOAL_IDS_ENV, "") if goals is None else "").at(as_of)


def _only(vintage: Vintage, ids_text: str) -> Vintage:
    """The vintage with only the goals named in ``ids_text`` (comma-separated); all if empty."""
    ids = [i.strip() for i in ids_text.split(",") if i.strip()]
    if not ids or vintage._registry is None:
        return vintage
    registry = vintage.registry
    for goal_id in ids:
        registry.get(goal_id)  # an unknown id is named, with the known ones
    kept = tuple(g for g in registry.goals if g.id in ids)
    return replace(vintage, _registry=replace(registry, goals=kept), _cuts={}, _all=None)


_OPENED: dict[tuple, Vintage] = {}


def _goal_path(paths: tuple[Path, ...], goals: str | Path | None) -> Path | None:
    if goals is not None:
        path = Path(goals).expanduser()
        if not path.is_file():
            raise GoalError(
                f"{path}: goal registry not found; choose one with --goals FILE or $TARGETS_GOALS"
            )
        return path
    env = os.environ.get(GOALS_ENV, "").strip()
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise GoalError(
                f"{path}: goal registry not found (from ${GOALS_ENV} or --goals); choose one "
                "with --goals FILE or $TARGETS_GOALS"
            )
        return path
    for folder in paths:
        if (folder / GOALS_FILE).is_file():
            return folder / GOALS_FILE
    return None


def _assumption_files(paths: tuple[Path, ...]) -> list[Path]:
    found = [f / ASSUMPTIONS_FILE for f in paths if (f / ASSUMPTIONS_FILE).is_file()]
    shipped = bundled_dir("data") / ASSUMPTIONS_FILE
    if shipped.is_file() and all(p.resolve() != shipped.resolve() for p in found):
        found.append(shipped)  # model constants a user's folder need not restate
    return found


def _open(
    paths: tuple[Path, ...],
    datasets: dict[str, Dataset],
    assumption_files: list[Path],
    goal_path: Path | None,
    read: list[Path],
) -> Vintage:
    frames = [_observations(ds) for ds in datasets.values()]
    observations = (
        pd.concat(frames, ignore_index=True, sort=False)
        .sort_values(_SORT, kind="stable")
        .reset_index(drop=True)
    )
    defined: set[str] = set()
    parts = []
    for path in assumption_files:
        table = _assumptions(path)
        table = table[~table["assumption_id"].isin(defined)]
        defined |= set(table["assumption_id"])
        parts.append(table)
    if parts:
        assumptions = pd.concat(parts, ignore_index=True)
    else:
        assumptions = pd.DataFrame(columns=["assumption_id", "usable_from", "row", "file"])
    assumptions = assumptions.sort_values(
        ["assumption_id", "usable_from", "row"], na_position="first", kind="stable"
    ).reset_index(drop=True)
    registry, goal_error = None, ""
    if goal_path is not None:
        document = files.read_yaml(goal_path)
        registry = parse_registry(
            goal_path, document, _known_series(observations, _series_names(paths))
        )
    else:
        goal_error = (
            f"no goal file: none of {_folders_text(paths)} holds {GOALS_FILE}; choose one "
            f"with --goals FILE or ${GOALS_ENV}"
        )
    return Vintage(
        as_of=None,
        folders=paths,
        datasets=dict(sorted(datasets.items())),
        observations=observations,
        assumptions=assumptions,
        content=files.content_hash(read),
        goal_file=goal_path,
        _registry=registry,
        _goal_error=goal_error,
    )
