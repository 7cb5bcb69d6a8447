"""Observation rows: the data contract, validated row by row.

One row is one figure as published by one source (see ``data/README.md``).
:func:`parse_observations` turns a file's text cells into typed rows: dates
parsed, money converted to yuan once (``value_yuan``), growth statements to
ratios (``ratio``), and every fault named with the file, the row and what was
expected. Nothing here opens a file (:mod:`targets.sources.files` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from targets.errors import DataError
from targets.sources.units import Unit, known_units, parse_unit

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
    """A data set: one CSV file in a data folder, named after the file.

    Attributes
    ----------
    name : str
        The file name without ``.csv``.
    path : Path
        The file.
    extra_columns : tuple of str
        Columns after the core ones (:data:`SIZE_COLUMNS` for size evidence).
    """

    name: str
    path: Path
    extra_columns: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The file's name."""
        return self.path.name

    @property
    def columns(self) -> list[str]:
        """The CSV header the file must have, in order."""
        return CORE_COLUMNS + list(self.extra_columns)


def _fail(path: Path, row: int | None, message: str) -> DataError:
    where = f"{path.name}" if row is None else f"{path.name}, row {row}"
    return DataError(f"{where}: {message}")


def parse_observations(path: Path, dataset: Dataset, raw: pd.DataFrame) -> pd.DataFrame:
    """Validate a data set's text cells (``raw``, from ``path``) into typed rows.

    Returns
    -------
    pandas.DataFrame
        One row per observation with parsed dates, the computed columns
        ``value_yuan``, ``value_high_yuan``, ``value_usd``, ``ratio``,
        ``currency``, ``row`` (the 1-based line in the file, header = 1) and
        ``dataset`` first.

    Raises
    ------
    DataError
        Naming the file, the row and what was expected, for: a wrong header, an
        unknown unit, a malformed date, a period that ends before it starts, a
        negative total, an actual published before its period ended, a missing
        source or publication date, a duplicated row, an unknown kind, status,
        qualifier or publication basis.
    """
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
    records = [_parse_row(path, i + 2, rec) for i, rec in enumerate(raw.to_dict("records"))]
    if set(SIZE_COLUMNS) <= set(dataset.extra_columns):
        for i, rec in enumerate(raw.to_dict("records")):
            _parse_size_columns(path, i + 2, rec)
    frame = pd.DataFrame.from_records(records, columns=[*expected, *_COMPUTED])
    # One dtype per column whatever the rows (an empty file too): dates, floats, line numbers.
    for column in _DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype(float)
    frame["row"] = frame["row"].astype("int64")
    _check_duplicates(path, frame)
    frame.insert(0, "dataset", dataset.name)
    return frame


_COMPUTED = ["value_yuan", "value_high_yuan", "value_usd", "ratio", "currency", "row"]
_FLOAT_COLUMNS = ["value", "value_high", "value_yuan", "value_high_yuan", "value_usd", "ratio"]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str) -> date | None:
    """A calendar date written ``YYYY-MM-DD`` (ISO 8601), else ``None``.

    Week dates (``2021-W14-4``), basic form (``20210408``) and local forms
    (``08/04/2021``) are refused: one form, read one way.

    Examples
    --------
    >>> iso_date("2021-04-08")
    datetime.date(2021, 4, 8)
    >>> iso_date("20210408") is None
    True
    """
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_date(path: Path, row: int, column: str, text: str) -> pd.Timestamp | None:
    if text == "":
        return None
    day = iso_date(text)
    if day is None:
        raise _fail(path, row, f"{column} {text[:40]!r} is not a date in YYYY-MM-DD form")
    return pd.Timestamp(day)


#: A number as a data file writes it: ASCII digits, an optional sign, point and exponent, or
#: ``inf``/``nan`` (refused later with a message of their own). Python's ``float`` also reads
#: ``1_000`` and full-width digits (``１０００``); a data file may not.
_PLAIN_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)


def _parse_number(path: Path, row: int, column: str, text: str) -> float:
    if text == "":
        return np.nan
    if not _PLAIN_NUMBER.fullmatch(text.strip()):
        raise _fail(
            path,
            row,
            f"{column} {text[:40]!r} is not a number in ASCII digits (write 11844, not 11,844, "
            "11_844 or full-width digits)",
        )
    return float(text)


def _is_yuan(unit: Unit) -> bool:
    return unit.dimension == "money" and unit.currency == "CNY"


def _parse_size_columns(path: Path, row: int, rec: dict[str, str]) -> None:
    """Check a size-evidence row's ``threshold_value`` and ``threshold_unit``: both or neither,
    a finite positive number and a yuan unit or ``count`` (the threshold's own unit)."""
    value, unit_text = rec["threshold_value"].strip(), rec["threshold_unit"].strip()
    if not value and not unit_text:
        return
    if not value or not unit_text:
        given, missing = "threshold_value", "threshold_unit"
        if not value:
            given, missing = missing, given
        raise _fail(path, row, f"{given} is given without {missing}; give both or neither")
    number = _parse_number(path, row, "threshold_value", value)
    if not (np.isfinite(number) and number > 0):
        raise _fail(path, row, f"threshold_value {value[:40]!r} is not a finite number above 0")
    yuan_units = [u for u in known_units() if _is_yuan(parse_unit(u))]
    try:
        unit = parse_unit(unit_text)
    except KeyError:
        unit = None
    if unit is None or not (unit.name == "count" or _is_yuan(unit)):
        raise _fail(
            path,
            row,
            f"threshold_unit {unit_text[:40]!r} is not a threshold unit; expected count or a "
            f"yuan unit: {', '.join(yuan_units)}",
        )
    if unit.name != "count" and not np.isfinite(number * unit.factor):
        raise _fail(path, row, f"threshold_value {value[:40]} {unit_text} is too large")


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

    if unit.dimension == "rate" and not value > 0:
        raise _fail(path, row, f"exchange rate {value} {rec['unit']} must be positive")
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
    for col, number in (("value", value), ("value_high", value_high)):
        if unit.dimension == "money" and np.isinf(number * unit.factor):
            base = "yuan" if money_cny else "US dollars"
            raise _fail(
                path,
                row,
                f"{col} {rec[col][:40]} {rec['unit']} is too large: it is not a finite number "
                f"of {base}; write the published figure",
            )
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
