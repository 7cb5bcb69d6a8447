"""Read, validate and convert the sourced data sets in ``data/``.

Only this module reads files under ``data/``. Every data set is a CSV of
observation rows (see ``data/README.md``): one figure as published by one source,
with its interval, unit, kind, status, publisher, URL and publication date. The
loader validates every row, converts money to yuan once (``value_yuan``), turns
growth statements into ratios (``ratio``), and can keep only what was published by
an "as of" date so any analysis can be re-run with what was known then.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from targets.errors import DataError
from targets.sources.units import parse_unit

CORE_COLUMNS: list[str] = [
    "series_id",
    "period_start",
    "period_end",
    "base_start",
    "base_end",
    "value",
    "value_high",
    "qualifier",
    "unit",
    "kind",
    "status",
    "publisher",
    "source_url",
    "published",
    "published_basis",
    "definition",
    "note",
    "quote",
]
SIZE_COLUMNS: list[str] = ["entity", "platform", "threshold_value", "threshold_unit"]

KINDS = ("actual", "estimate", "forecast", "target", "growth_multiple")
STATUSES = ("official", "reported")
QUALIFIERS = ("exact", "approx", "more_than", "less_than", "range")
PUBLISHED_BASES = ("stated", "url", "first_report", "inferred")
_REQUIRED_TEXT = ("series_id", "unit", "kind", "status", "publisher", "source_url", "published")
_DATE_COLUMNS = ("period_start", "period_end", "base_start", "base_end", "published")
_DUPLICATE_KEY = [
    "series_id",
    "period_start",
    "period_end",
    "base_start",
    "base_end",
    "value",
    "value_high",
    "unit",
    "kind",
    "source_url",
]


@dataclass(frozen=True)
class Dataset:
    """A data set in ``data/``: its file, extra columns and a one-line description."""

    name: str
    file: str
    description: str
    extra_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """The CSV header the file must have, in order."""
        return CORE_COLUMNS + list(self.extra_columns)


#: Files in a data folder that are not observation data sets.
NOT_DATASETS = ("assumptions.csv",)


def datasets(directory: str | Path | None = None) -> dict[str, Dataset]:
    """The data sets in a folder, discovered from its files (sorted by name).

    Every ``*.csv`` whose first header cell is ``series_id`` (or that has no
    readable header, so that loading it names the fault) is a data set named
    after its file (``acme_revenue.csv`` is data set ``acme_revenue``); its
    header must then follow the contract (:data:`CORE_COLUMNS`, optionally
    followed by :data:`SIZE_COLUMNS`), which :func:`load` checks. Other CSV
    files (and ``assumptions.csv``) are not data sets.
    """
    folder = Path(directory) if directory is not None else data_dir()
    found: dict[str, Dataset] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.csv")):
        if path.name in NOT_DATASETS or not path.is_file():
            continue
        header = _header(path)
        if header is not None and header[0] != "series_id":
            continue
        extra = tuple(SIZE_COLUMNS) if set(SIZE_COLUMNS) <= set(header or ()) else ()
        found[path.stem] = Dataset(path.stem, path.name, "", extra)
    return found


def _header(path: Path) -> list[str] | None:
    """The first line of a CSV file as cells; ``None`` for an empty or unreadable file.

    Such a file is kept as a data set, so that loading it names what is wrong.
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            line = fh.readline(65536)
    except (OSError, UnicodeDecodeError):
        return None
    return [c.strip() for c in line.strip().lstrip("\ufeff").split(",")] if line.strip() else None


DATA_DIR_ENV = "TARGETS_DATA_DIR"
GOALS_ENV = "TARGETS_GOALS"


def bundled_dir(name: str) -> Path:
    """A folder shipped inside the package: ``"data"`` or ``"notebooks"``.

    In a clone (editable install) these are links to the repository's ``data/``
    and ``notebooks/``; in a wheel they are copies, read with
    :mod:`importlib.resources`.
    """
    from importlib.resources import files

    return Path(str(files("targets") / "_bundled" / name))


def data_dir() -> Path:
    """Return the folder holding the data sets.

    ``$TARGETS_DATA_DIR`` (set by ``targets --data-dir``) if set, else the data
    shipped with the package (in a clone: the repository's ``data/``).
    """
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return bundled_dir("data")


def goals_file() -> Path:
    """The goal registry: ``$TARGETS_GOALS`` if set, else ``goals.yaml`` in :func:`data_dir`."""
    env = os.environ.get(GOALS_ENV, "").strip()
    return Path(env).expanduser() if env else data_dir() / "goals.yaml"


def data_version(folder: Path | None = None, goals: Path | None = None) -> str:
    """Where the data and goals are read from, with each file's modification time and size.

    A key for in-memory caches of results computed from the data: another folder
    (``--data-dir``, ``$TARGETS_DATA_DIR``) or an edited file gives another key.
    ``folder`` and ``goals`` default to :func:`data_dir` and :func:`goals_file`.
    """
    folder = data_dir() if folder is None else Path(folder)
    goals = goals_file() if goals is None else Path(goals)
    parts = [str(folder), str(goals)]
    files = sorted(folder.glob("*")) if folder.is_dir() else []
    for path in [*files, goals]:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def _where_from(folder: Path) -> str:
    """How the user chose ``folder``, and how to choose another, for "not found" messages."""
    if os.environ.get(DATA_DIR_ENV, "").strip():
        chosen = f"the data folder {folder} comes from ${DATA_DIR_ENV} or --data-dir"
    else:
        chosen = f"the data folder is {folder}"
    return f"{chosen}; choose a folder holding the data sets with --data-dir DIR or ${DATA_DIR_ENV}"


def _as_timestamp(as_of: str | date | pd.Timestamp | None) -> pd.Timestamp | None:
    if as_of is None:
        return None
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise DataError(f"as_of must be a date like '2021-04-08'; got {as_of!r}") from exc
    if pd.isna(ts):
        raise DataError(f"as_of must be a date like '2021-04-08'; got {as_of!r}")
    return ts.normalize()


def _read_text_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, naming the file on an empty file or an encoding error."""
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes); expected a header line and rows")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raw = path.read_bytes()
        try:  # pandas reports offsets within a chunk; find the first bad byte in the file
            raw.decode("utf-8")
            start = 0
        except UnicodeDecodeError as exc:
            start = exc.start
        line = raw[:start].count(b"\n") + 1
        raise DataError(
            f"{path}, line {line}: not UTF-8 text (byte {raw[start]:#04x} at offset {start}); "
            "save the file as UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no header line; expected a header line and rows") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None


def _fail(path: Path, row: int | None, message: str) -> DataError:
    where = f"{path.name}" if row is None else f"{path.name}, row {row}"
    return DataError(f"{where}: {message}")


_PARSED: dict[tuple, pd.DataFrame] = {}


def _memo(path: Path, what: str, parse: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``parse()``'s frame for ``path``, parsed and validated once per file version.

    The key holds the file's resolved path, modification time (ns) and size, and
    today's date (validation refuses publication dates after today), so an edited
    file is read again. The caller gets a copy: nothing it does reaches the memo.
    """
    stat = path.stat()
    key = (str(path.resolve()), what, stat.st_mtime_ns, stat.st_size, date.today())
    if key not in _PARSED:
        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[key] = parse()
    return _PARSED[key].copy()


def read_csv(path: Path, dataset: Dataset) -> pd.DataFrame:
    """Read and validate one observation file.

    Parameters
    ----------
    path : Path
        The CSV file.
    dataset : Dataset
        Its description (expected columns).

    Returns
    -------
    pandas.DataFrame
        One row per observation with parsed dates, the computed columns
        ``value_yuan``, ``value_high_yuan``, ``value_usd``, ``ratio``,
        ``currency``, and ``row`` (the 1-based line in the file, header = 1).

    Raises
    ------
    DataError
        Naming the file, the row and what was expected, for: a wrong header, an
        unknown unit, a malformed date, a period that ends before it starts, a
        negative total, an actual published before its period ended, a missing
        source or publication date, a duplicated row, an unknown kind, status,
        qualifier or publication basis.
    """
    if not path.exists():
        raise DataError(f"{path}: data file not found ({_where_from(path.parent)})")
    return _memo(path, f"observations:{dataset.name}", lambda: _parse_observations(path, dataset))


def _parse_observations(path: Path, dataset: Dataset) -> pd.DataFrame:
    raw = _read_text_csv(path)
    expected = dataset.columns
    if list(raw.columns) != expected:
        missing = [c for c in expected if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected]
        raise _fail(
            path,
            1,
            f"header does not match the data dictionary; missing {missing}, unexpected {extra}; "
            f"expected columns in this order: {', '.join(expected)}",
        )
    raw = raw.apply(lambda s: s.str.strip())
    records = [_parse_row(path, i + 2, rec) for i, rec in enumerate(raw.to_dict("records"))]
    frame = pd.DataFrame.from_records(records, columns=[*expected, *_COMPUTED])
    _check_duplicates(path, frame)
    frame.insert(0, "dataset", dataset.name)
    return frame


_COMPUTED = ["value_yuan", "value_high_yuan", "value_usd", "ratio", "currency", "row"]


def _parse_date(path: Path, row: int, column: str, text: str) -> pd.Timestamp | None:
    if text == "":
        return None
    try:
        return pd.Timestamp(date.fromisoformat(text))
    except ValueError:
        raise _fail(path, row, f"{column} {text!r} is not a date in YYYY-MM-DD form") from None


def _parse_number(path: Path, row: int, column: str, text: str) -> float:
    if text == "":
        return np.nan
    try:
        return float(text)
    except ValueError:
        raise _fail(
            path, row, f"{column} {text!r} is not a number (write 11844, not 11,844)"
        ) from None


def _parse_row(path: Path, row: int, rec: dict[str, str]) -> dict[str, object]:
    for col in _REQUIRED_TEXT:
        if rec[col] == "":
            raise _fail(path, row, f"{col} is empty; every row needs a {col}")
    for col, allowed in [
        ("kind", KINDS),
        ("status", STATUSES),
        ("qualifier", QUALIFIERS),
        ("published_basis", PUBLISHED_BASES),
    ]:
        if rec[col] not in allowed:
            raise _fail(path, row, f"{col} must be one of {', '.join(allowed)}; got {rec[col]!r}")
    out: dict[str, object] = dict(rec)
    for col in _DATE_COLUMNS:
        out[col] = _parse_date(path, row, col, rec[col])
    if out["period_start"] is None or out["period_end"] is None:
        raise _fail(path, row, "period_start and period_end are required")
    if out["period_end"] < out["period_start"]:
        raise _fail(
            path,
            row,
            f"period ends ({rec['period_end']}) before it starts ({rec['period_start']})",
        )
    try:
        unit = parse_unit(rec["unit"])
    except KeyError as exc:
        raise _fail(path, row, str(exc.args[0])) from None
    value = _parse_number(path, row, "value", rec["value"])
    value_high = _parse_number(path, row, "value_high", rec["value_high"])
    if np.isnan(value):
        raise _fail(path, row, "value is empty; a row without a figure does not belong in data/")
    for col, number in (("value", value), ("value_high", value_high)):
        if np.isinf(number):
            raise _fail(
                path, row, f"{col} {rec[col]!r} is not a finite number; write the published figure"
            )
    out["value"], out["value_high"] = value, value_high
    if rec["qualifier"] == "range":
        if np.isnan(value_high) or value_high < value:
            raise _fail(path, row, "a range needs value_high >= value")
    elif not np.isnan(value_high):
        raise _fail(path, row, "value_high is only allowed when qualifier is 'range'")

    is_growth = rec["kind"] == "growth_multiple"
    if is_growth != (unit.dimension == "ratio"):
        raise _fail(
            path,
            row,
            "kind growth_multiple goes with unit 'multiple' or 'percent_growth' and vice versa; "
            f"got kind {rec['kind']!r} with unit {rec['unit']!r}",
        )
    has_base = out["base_start"] is not None or out["base_end"] is not None
    if is_growth:
        if out["base_start"] is None or out["base_end"] is None:
            raise _fail(path, row, "a growth multiple needs base_start and base_end")
        if out["base_end"] < out["base_start"]:
            raise _fail(path, row, "base interval ends before it starts")
    elif has_base:
        raise _fail(path, row, "base_start/base_end are only for kind growth_multiple")

    if unit.dimension in ("money", "count", "share") and (
        value < 0 or (not np.isnan(value_high) and value_high < 0)
    ):
        raise _fail(path, row, f"negative total {value} {rec['unit']}; totals must be >= 0")
    if unit.dimension in ("money", "count"):
        # A level feeds logs and size models: it must be a positive amount, and a money
        # figure below one yuan (or dollar) is a typo (1e-300), not a published total.
        smallest = 1.0 / unit.factor if unit.dimension == "money" else 1.0
        if value < smallest:
            what = "a money total of at least 1 " + (unit.currency or "yuan")
            if unit.dimension == "count":
                what = "a count of at least 1"
            raise _fail(
                path,
                row,
                f"value {rec['value']} {rec['unit']} is not a usable level; expected {what} "
                "(a level is a positive published total)",
            )
    if unit.dimension == "share" and (value > 100 or value_high > 100):
        raise _fail(path, row, f"share {value} {rec['unit']} is above 100%")
    ratio = np.nan
    if unit.name == "multiple":
        ratio = value
    elif unit.name == "percent_growth":
        ratio = 1.0 + value / 100.0
    if is_growth and not ratio > 0:
        raise _fail(path, row, f"growth {value} {rec['unit']} implies a non-positive ratio")

    today = pd.Timestamp(date.today())
    if out["published"] > today:
        raise _fail(
            path,
            row,
            f"published {rec['published']} is after today ({today.date()}); a figure cannot "
            "have been published in the future",
        )
    if rec["kind"] in ("actual", "estimate") and out["published"] < out["period_end"]:
        raise _fail(
            path,
            row,
            f"an {rec['kind']} for a period ending {rec['period_end']} cannot be published on "
            f"{rec['published']}; use kind 'forecast' or fix the date",
        )
    money_cny = unit.dimension == "money" and unit.currency == "CNY"
    money_usd = unit.dimension == "money" and unit.currency == "USD"
    out["value_yuan"] = value * unit.factor if money_cny else np.nan
    out["value_high_yuan"] = value_high * unit.factor if money_cny else np.nan
    out["value_usd"] = value * unit.factor if money_usd else np.nan
    out["ratio"] = ratio
    out["currency"] = unit.currency
    out["row"] = row
    return out


def _check_duplicates(path: Path, frame: pd.DataFrame) -> None:
    key = frame[_DUPLICATE_KEY].astype(str)
    dup = key.duplicated(keep=False)
    if dup.any():
        rows = frame.loc[dup, "row"].tolist()
        raise _fail(
            path,
            rows[1],
            f"duplicated row: rows {rows} repeat the same series, period, value, kind and source",
        )


def _resolve(name: str, folder: Path) -> Dataset:
    known = datasets(folder)
    try:
        return known[name]
    except KeyError:
        raise DataError(
            f"unknown data set {name!r} in {folder}; available: {', '.join(sorted(known))}"
        ) from None


def load(
    name: str,
    as_of: str | date | pd.Timestamp | None = None,
    *,
    directory: str | Path | None = None,
) -> pd.DataFrame:
    """Load one data set as a tidy frame in yuan.

    Parameters
    ----------
    name : str
        Data set name, e.g. ``"douyin_gmv"`` (see :func:`catalog`).
    as_of : date-like, optional
        Keep only rows published on or before this date, so an analysis can be
        re-run with what was known then (e.g. ``"2021-04-08"``, the day the
        Douyin goals were announced). ``None`` keeps everything.
    directory : path, optional
        Folder holding the CSV files; defaults to :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        One row per published figure, sorted by series, period and publication
        date. Money is in ``value_yuan`` (yuan); US-dollar figures keep their
        currency in ``value_usd``; growth statements carry ``ratio``.
        Always a DataFrame (possibly empty), never ``None``.

    Raises
    ------
    DataError
        For an unknown data set, a malformed ``as_of``, or any invalid row.

    Examples
    --------
    >>> df = load("nbs_retail", as_of="2021-04-08")
    >>> bool((df["published"] <= "2021-04-08").all())
    True
    """
    cutoff = _as_timestamp(as_of)
    folder = Path(directory) if directory is not None else data_dir()
    dataset = _resolve(name, folder)
    frame = read_csv(folder / dataset.file, dataset)
    if cutoff is not None:
        frame = frame[frame["published"] <= cutoff]
    return frame.sort_values(
        ["series_id", "period_start", "period_end", "published", "row"], kind="stable"
    ).reset_index(drop=True)


def load_all(
    as_of: str | date | pd.Timestamp | None = None, *, directory: str | Path | None = None
) -> pd.DataFrame:
    """Load every data set into one frame (the union of the core columns)."""
    frames = [load(n, as_of, directory=directory) for n in datasets(directory)]
    return pd.concat(frames, ignore_index=True, sort=False)


def catalog(
    as_of: str | date | pd.Timestamp | None = None, *, directory: str | Path | None = None
) -> pd.DataFrame:
    """List the data sets.

    Returns
    -------
    pandas.DataFrame
        One row per data set: ``name``, ``rows``, ``series``, ``first_period``,
        ``last_period``, ``sources`` (distinct URLs), ``official_share``,
        ``last_published``, ``file`` and ``description``.
    """
    folder = Path(directory) if directory is not None else data_dir()
    found = datasets(folder)
    if not found:
        raise DataError(
            f"{folder}: no data set found (a CSV file whose header starts with series_id); "
            f"{_where_from(folder)}"
        )
    out = []
    for name, ds in found.items():
        df = load(name, as_of, directory=directory)
        out.append(
            {
                "name": name,
                "rows": len(df),
                "series": df["series_id"].nunique(),
                "first_period": df["period_start"].min() if len(df) else pd.NaT,
                "last_period": df["period_end"].max() if len(df) else pd.NaT,
                "sources": df["source_url"].nunique(),
                "official_share": float((df["status"] == "official").mean()) if len(df) else 0.0,
                "last_published": df["published"].max() if len(df) else pd.NaT,
                "file": ds.file,
                "description": ds.description
                or ", ".join(sorted(df["series_id"].unique().astype(str))),
            }
        )
    return pd.DataFrame(out)


def first_published(*, directory: str | Path | None = None) -> pd.Timestamp | None:
    """The earliest publication date of any row in any data set (``None`` if there is none).

    An as-of date before it has no data at all, which callers say plainly.
    """
    dates = [load(n, directory=directory)["published"].min() for n in datasets(directory)]
    dates = [d for d in dates if not pd.isna(d)]
    return min(dates) if dates else None


# ---------------------------------------------------------------------------
# Dated assumptions: every constant that moves a probability
# ---------------------------------------------------------------------------

ASSUMPTIONS_FILE = "assumptions.csv"
ASSUMPTION_COLUMNS: list[str] = [
    "assumption_id",
    "value",
    "value_high",
    "unit",
    "basis",
    "publisher",
    "source_url",
    "published",
    "usable_from",
    "reasoning",
]
#: ``sourced``: rests on a published figure (``source_url``, ``publisher`` and
#: ``published`` required; usable only from ``usable_from`` >= ``published``).
#: ``assumption``: a modelling choice with its reasoning, no source.
#: ``calibrated``: set by a simulation study in the repository, named in ``reasoning``.
ASSUMPTION_BASES = ("sourced", "assumption", "calibrated")


@dataclass(frozen=True)
class Assumption:
    """One dated assumption (a row of ``data/assumptions.csv``) valid at an as-of date.

    Attributes
    ----------
    assumption_id : str
        Its name, e.g. ``"noise_scale_official"``.
    value, value_high : float
        The value, or the low and high ends of a range (``value_high`` is NaN
        for a single value).
    unit : str
        What the value is measured in (``log_sd``, ``share``, ``count``, ``yuan``,
        ``multiple``, ``years``, ``number``).
    basis : str
        ``sourced``, ``assumption`` or ``calibrated``.
    publisher, source_url : str
        Where a sourced value comes from (empty for an assumption).
    published, usable_from : pandas.Timestamp or None
        When the source was published, and the first as-of date the row may be
        used on (``None``: any date).
    reasoning : str
        Why this value: the sentence a report may print.
    row : int
        The 1-based line in the file (header = 1).
    """

    assumption_id: str
    value: float
    value_high: float
    unit: str
    basis: str
    publisher: str
    source_url: str
    published: pd.Timestamp | None
    usable_from: pd.Timestamp | None
    reasoning: str
    row: int

    @property
    def is_range(self) -> bool:
        """True when the row gives a range (``value`` to ``value_high``)."""
        return not np.isnan(self.value_high)

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``; a single value gives ``(value, value)``."""
        return (self.value, self.value_high if self.is_range else self.value)

    @property
    def is_assumed(self) -> bool:
        """True when no published figure stands behind the value."""
        return self.basis != "sourced"


def load_assumptions(
    as_of: str | date | pd.Timestamp | None = None, *, directory: str | Path | None = None
) -> pd.DataFrame:
    """Load ``assumptions.csv``: the dated constants that steer a probability.

    Several rows may share an ``assumption_id`` (a wide default usable at any
    date, and a narrower range usable from the day its evidence was published);
    with ``as_of`` only the rows usable by then are kept.

    Parameters
    ----------
    as_of : date-like, optional
        Keep rows whose ``usable_from`` is empty or on or before this date.
    directory : path, optional
        Folder holding the file; defaults to :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        One row per assumption row, with ``value``/``value_high`` as floats,
        dates parsed and ``row`` (1-based line in the file).

    Raises
    ------
    DataError
        Naming the file and row: a wrong header, a malformed number or date, an
        unknown basis, a sourced row without its source, a row usable before its
        source was published, or two rows of one id usable from the same date.
    """
    cutoff = _as_timestamp(as_of)
    folder = Path(directory) if directory is not None else data_dir()
    path = folder / ASSUMPTIONS_FILE
    if not path.exists():
        raise DataError(f"{path}: assumptions file not found ({_where_from(folder)})")
    frame = _memo(path, "assumptions", lambda: _parse_assumptions(path))
    if cutoff is not None:
        frame = frame[frame["usable_from"].isna() | (frame["usable_from"] <= cutoff)]
    return frame.sort_values(
        ["assumption_id", "usable_from", "row"], na_position="first", kind="stable"
    ).reset_index(drop=True)


def _parse_assumptions(path: Path) -> pd.DataFrame:
    raw = _read_text_csv(path)
    if list(raw.columns) != ASSUMPTION_COLUMNS:
        raise _fail(path, 1, f"header must be: {', '.join(ASSUMPTION_COLUMNS)}")
    raw = raw.apply(lambda s: s.str.strip())
    records = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2
        if rec["assumption_id"] == "" or rec["reasoning"] == "":
            raise _fail(path, row, "assumption_id and reasoning are required")
        if rec["basis"] not in ASSUMPTION_BASES:
            raise _fail(
                path,
                row,
                f"basis must be one of {', '.join(ASSUMPTION_BASES)}; got {rec['basis']!r}",
            )
        value = _parse_number(path, row, "value", rec["value"])
        high = _parse_number(path, row, "value_high", rec["value_high"])
        if not np.isfinite(value) or (rec["value_high"] != "" and not np.isfinite(high)):
            raise _fail(path, row, "value (and value_high, if given) must be finite numbers")
        if not np.isnan(high) and high < value:
            raise _fail(path, row, f"value_high {high} is below value {value}")
        published = _parse_date(path, row, "published", rec["published"])
        usable = _parse_date(path, row, "usable_from", rec["usable_from"])
        if published is not None and published > pd.Timestamp(date.today()):
            raise _fail(path, row, f"published {rec['published']} is after today")
        if rec["basis"] == "sourced":
            if not (rec["source_url"] and rec["publisher"] and published is not None):
                raise _fail(path, row, "a sourced row needs publisher, source_url and published")
            if usable is None or usable < published:
                raise _fail(
                    path,
                    row,
                    f"a sourced row is usable only from its publication date ({rec['published']});"
                    f" set usable_from on or after it",
                )
        records.append(
            {
                **rec,
                "value": value,
                "value_high": high,
                "published": published,
                "usable_from": usable,
                "row": row,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[*ASSUMPTION_COLUMNS, "row"])
    when = [("any" if pd.isna(u) else u.date().isoformat()) for u in frame["usable_from"]]
    key = frame["assumption_id"] + "|" + pd.Series(when, index=frame.index, dtype=object)
    if key.duplicated().any():
        row = int(frame.loc[key.duplicated(), "row"].iloc[0])
        raise _fail(path, row, "two rows of one assumption_id are usable from the same date")
    return frame


def assumption(
    assumption_id: str,
    as_of: str | date | pd.Timestamp | None = None,
    *,
    directory: str | Path | None = None,
) -> Assumption:
    """The row of ``assumptions.csv`` in force for ``assumption_id`` at ``as_of``.

    The row with the latest ``usable_from`` on or before ``as_of`` wins (a row
    with no ``usable_from`` is the default for every date).

    Raises
    ------
    DataError
        If no row of that id is usable at ``as_of``; the message lists the ids.

    Examples
    --------
    >>> a = assumption("noise_scale_official")
    >>> a.unit
    'log_sd'
    """
    frame = load_assumptions(as_of, directory=directory)
    hit = frame[frame["assumption_id"] == assumption_id]
    if hit.empty:
        known = ", ".join(sorted(frame["assumption_id"].unique()))
        when = "" if as_of is None else f" usable by {as_of}"
        raise DataError(
            f"{ASSUMPTIONS_FILE}: no row for assumption {assumption_id!r}{when}; known: {known}"
        )
    r = hit.iloc[-1]
    return Assumption(
        assumption_id=assumption_id,
        value=float(r["value"]),
        value_high=float(r["value_high"]),
        unit=r["unit"],
        basis=r["basis"],
        publisher=r["publisher"],
        source_url=r["source_url"],
        published=None if pd.isna(r["published"]) else r["published"],
        usable_from=None if pd.isna(r["usable_from"]) else r["usable_from"],
        reasoning=r["reasoning"],
        row=int(r["row"]),
    )
