"""Convenience functions over the vintage for notebooks and quick looks.

``load("douyin_gmv", as_of="2021-04-08")`` is
``open_vintage(as_of="2021-04-08").rows("douyin_gmv")``. Library code below the
entry points receives a :class:`~targets.sources.vintage.Vintage` instead of
calling these. The contract (columns, kinds, units) is in ``data/README.md`` and
:mod:`targets.sources.rows`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from targets.errors import DataError
from targets.sources.assumptions import (
    ASSUMPTION_BASES,
    ASSUMPTION_COLUMNS,
    ASSUMPTIONS_FILE,
    Assumption,
    in_force,
    usable_by,
)
from targets.sources.rows import (
    CORE_COLUMNS,
    KINDS,
    PUBLISHED_BASES,
    QUALIFIERS,
    SIZE_COLUMNS,
    STATUSES,
    Dataset,
)
from targets.sources.vintage import (
    DATA_DIR_ENV,
    GOALS_ENV,
    Vintage,
    as_timestamp,
    bundled_dir,
    default_folders,
    discover,
    open_vintage,
    read_assumptions,
)

__all__ = [
    "ASSUMPTIONS_FILE",
    "ASSUMPTION_BASES",
    "ASSUMPTION_COLUMNS",
    "CORE_COLUMNS",
    "DATA_DIR_ENV",
    "GOALS_ENV",
    "KINDS",
    "PUBLISHED_BASES",
    "QUALIFIERS",
    "SIZE_COLUMNS",
    "STATUSES",
    "Assumption",
    "DataError",
    "Dataset",
    "assumption",
    "bundled_dir",
    "catalog",
    "data_dir",
    "datasets",
    "first_published",
    "goals_file",
    "load",
    "load_all",
    "load_assumptions",
]

DateLike = str | date | pd.Timestamp | None


def data_dir() -> Path:
    """The first data folder: ``$TARGETS_DATA_DIR``'s first entry, else the bundled data."""
    return default_folders()[0]


def goals_file() -> Path:
    """The goal file the default vintage reads (``$TARGETS_GOALS`` or the folder's goals.yaml)."""
    import os

    env = os.environ.get(GOALS_ENV, "").strip()
    return Path(env).expanduser() if env else data_dir() / "goals.yaml"


def _vintage(directory: str | Path | None, as_of: DateLike) -> Vintage:
    return open_vintage(directory, as_of=as_of)


def datasets(directory: str | Path | None = None) -> dict[str, Dataset]:
    """The data sets of a folder (default: the data folders), discovered from its files."""
    if directory is not None:
        folder = Path(directory)
        return discover(folder) if folder.is_dir() else {}
    found: dict[str, Dataset] = {}
    for folder in default_folders():
        if folder.is_dir():
            for name, ds in discover(folder).items():
                found.setdefault(name, ds)
    return dict(sorted(found.items()))


def load(name: str, as_of: DateLike = None, *, directory: str | Path | None = None) -> pd.DataFrame:
    """One data set as published by ``as_of``: a tidy frame, money in ``value_yuan`` (yuan).

    Parameters
    ----------
    name : str
        Data set name (its file name without ``.csv``), e.g. ``"douyin_gmv"``.
    as_of : date-like, optional
        Keep only rows published on or before this date (``None``: all).
    directory : path, optional
        A data folder; defaults to the data folders (:func:`data_dir`).

    Returns
    -------
    pandas.DataFrame
        One row per published figure, sorted by series, period and publication
        date; always a DataFrame (possibly empty).

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
    return _vintage(directory, as_of).rows(name)


def load_all(as_of: DateLike = None, *, directory: str | Path | None = None) -> pd.DataFrame:
    """Every data set in one frame."""
    return _vintage(directory, as_of).rows()


def catalog(as_of: DateLike = None, *, directory: str | Path | None = None) -> pd.DataFrame:
    """One row per data set (:meth:`targets.sources.vintage.Vintage.catalog`)."""
    return _vintage(directory, as_of).catalog()


def first_published(*, directory: str | Path | None = None) -> pd.Timestamp | None:
    """The earliest publication date of any row (``None`` if there is none)."""
    return _vintage(directory, None).first_published


def load_assumptions(
    as_of: DateLike = None, *, directory: str | Path | None = None
) -> pd.DataFrame:
    """The assumption rows usable by ``as_of`` (every row when ``None``).

    With ``directory``, that folder's ``assumptions.csv`` alone (no data set
    needed); else the vintage's rows (its folders' files over the shipped one).
    """
    if directory is None:
        return _vintage(None, as_of).assumptions.copy()
    table = read_assumptions(Path(directory) / ASSUMPTIONS_FILE)
    table = table.sort_values(
        ["assumption_id", "usable_from", "row"], na_position="first", kind="stable"
    )
    return usable_by(table, as_timestamp(as_of))


def assumption(
    assumption_id: str, as_of: DateLike = None, *, directory: str | Path | None = None
) -> Assumption:
    """The row of ``assumptions.csv`` in force for ``assumption_id`` at ``as_of``.

    Examples
    --------
    >>> assumption("noise_scale_official").unit
    'log_sd'
    """
    if directory is None:
        return _vintage(None, as_of).assumption(assumption_id)
    when = "" if as_of is None else f" usable by {as_timestamp(as_of).date()}"
    return in_force(load_assumptions(as_of, directory=directory), assumption_id, when)
