"""Dated assumptions: every constant that moves a probability, with the date it may be used from.

A row of ``assumptions.csv`` is a value or a range with its unit, its basis
(``sourced``, ``assumption`` or ``calibrated``), its source and ``usable_from``,
the first as-of date the row may be used on. Several rows may share an id: the
latest usable one is in force (:func:`in_force`). Values are checked against
their unit (a share lies in (0, 1], a log standard deviation is positive, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from targets.errors import DataError
from targets.sources.rows import _fail, _parse_date, _parse_number

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
    file : str
        The file the row was read from.
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
    file: str = ASSUMPTIONS_FILE

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


def parse_assumptions(path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    """Validate the text cells of an assumptions file (``raw``, from ``path``).

    Raises
    ------
    DataError
        Naming the file and row: a wrong header, a malformed number or date, an
        unknown basis or unit, a value outside its unit's range, a sourced row
        without its source, a row usable before its source was published, or
        two rows of one id usable from the same date.
    """
    if list(raw.columns) != ASSUMPTION_COLUMNS:
        raise _fail(path, 1, f"header must be: {', '.join(ASSUMPTION_COLUMNS)}")
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
        _check_range(path, row, rec["unit"], value, high)
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


#: Units of assumption rows and the values each allows: ``(low, high, low_open, whole)``
#: (``low_open``: the low end itself is not allowed; ``whole``: whole numbers only).
UNIT_RANGES: dict[str, tuple[float, float, bool, bool]] = {
    "log_sd": (0.0, 5.0, True, False),
    "share": (0.0, 1.0, True, False),
    "count": (1.0, np.inf, False, False),
    "periods": (1.0, 1000.0, False, True),
    "origins": (1.0, 100.0, False, True),
    "decimal_year": (1900.0, 2200.0, False, False),
    "years": (0.0, 1000.0, True, False),
    "log_growth_per_year": (-5.0, 10.0, False, False),
    "log_multiple": (-10.0, 10.0, False, False),
    "multiple": (0.0, np.inf, True, False),
    "multiple_per_year": (1.0, 1e6, True, False),
    "relative": (0.0, 1.0, True, False),
    "relative_weight": (0.0, 1e6, False, False),
    "forecasts": (0.0, 1e6, True, False),
    "ratio": (0.0, np.inf, True, False),
    "slope": (0.0, 100.0, False, False),
    "yuan": (0.0, np.inf, True, False),
    "number": (-np.inf, np.inf, False, False),
}


def _check_range(path: Path, row: int, unit: str, value: float, high: float) -> None:
    if unit not in UNIT_RANGES:
        raise _fail(path, row, f"unit must be one of {', '.join(UNIT_RANGES)}; got {unit!r}")
    low, top, open_low, whole = UNIT_RANGES[unit]
    for v in (value, high):
        if np.isnan(v):
            continue
        below = v <= low if open_low else v < low
        if below or v > top or (whole and v != int(v)):
            what = "a whole number" if whole else "a value"
            bracket = "(" if open_low else "["
            raise _fail(
                path,
                row,
                f"{v:g} is not {what} in {bracket}{low:g}, {top:g}] as unit {unit!r} requires",
            )


def usable_by(table: pd.DataFrame, cutoff: pd.Timestamp | None) -> pd.DataFrame:
    """The rows usable at ``cutoff``: ``usable_from`` empty or on or before it (all if ``None``).

    With :meth:`targets.sources.vintage.Vintage.at`, the one place an as-of date
    meets the date an assumption may be used from.
    """
    if cutoff is None:
        return table.reset_index(drop=True)
    usable = table["usable_from"]
    return table[usable.isna() | (usable <= cutoff)].reset_index(drop=True)


def in_force(table: pd.DataFrame, assumption_id: str, where: str = "") -> Assumption:
    """The row of ``assumption_id`` in force in ``table`` (the latest usable one).

    ``table`` holds the rows usable at one date (a vintage's assumptions),
    sorted by id, ``usable_from`` (empty first) and row.

    Raises
    ------
    DataError
        If no row of that id is usable; the message lists the known ids.
    """
    hit = table[table["assumption_id"] == assumption_id]
    if hit.empty:
        known = ", ".join(sorted(table["assumption_id"].unique()))
        raise DataError(
            f"{ASSUMPTIONS_FILE}: no row for assumption {assumption_id!r}{where}; known: {known}"
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
        file=str(r.get("file", ASSUMPTIONS_FILE)),
    )
