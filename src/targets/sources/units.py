"""Published units and their conversion to yuan.

Unit handling lives here and nowhere else. Money in Chinese yuan is converted to
yuan; US dollars keep their currency (they are never silently converted, because
the exchange rate is itself a dated figure: a goal in one currency on a series
in the other is converted in the assessment, with a published rate, and says
so); ratios and counts are dimensionless; exchange rates are yuan per dollar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dimension = Literal["money", "ratio", "share", "count", "rate"]


@dataclass(frozen=True)
class Unit:
    """A published unit.

    Attributes
    ----------
    name : str
        Canonical spelling used in ``data/*.csv``.
    dimension : {"money", "ratio", "share", "count", "rate"}
        What kind of quantity the unit measures (``rate``: an exchange rate,
        yuan per US dollar).
    currency : str or None
        ``"CNY"`` or ``"USD"`` for money, else ``None``.
    factor : float
        Multiplier from the published number to the base unit (yuan, US dollar,
        ratio, share as a fraction, count).
    """

    name: str
    dimension: Dimension
    currency: str | None
    factor: float


_UNITS: dict[str, Unit] = {
    u.name: u
    for u in [
        Unit("yuan", "money", "CNY", 1.0),
        Unit("万元", "money", "CNY", 1e4),
        Unit("亿元", "money", "CNY", 1e8),
        Unit("万亿元", "money", "CNY", 1e12),
        Unit("CNY million", "money", "CNY", 1e6),
        Unit("CNY billion", "money", "CNY", 1e9),
        Unit("CNY trillion", "money", "CNY", 1e12),
        Unit("USD million", "money", "USD", 1e6),
        Unit("USD billion", "money", "USD", 1e9),
        Unit("USD trillion", "money", "USD", 1e12),
        Unit("multiple", "ratio", None, 1.0),
        Unit("percent_growth", "ratio", None, 0.01),
        Unit("percent_share", "share", None, 0.01),
        Unit("count", "count", None, 1.0),
        Unit("CNY per USD", "rate", None, 1.0),
        Unit("CNY per 100 USD", "rate", None, 0.01),
    ]
}

# Spellings seen in sources, mapped to the canonical names above.
_ALIASES: dict[str, str] = {
    "元": "yuan",
    "CNY": "yuan",
    "RMB": "yuan",
    "万": "万元",
    "亿": "亿元",
    "万亿": "万亿元",
    "RMB million": "CNY million",
    "RMB mn": "CNY million",
    "RMB billion": "CNY billion",
    "RMB bn": "CNY billion",
    "CNY B": "CNY billion",
    "RMB trillion": "CNY trillion",
    "RMB tn": "CNY trillion",
    "CNY T": "CNY trillion",
    "US$ bn": "USD billion",
    "USD B": "USD billion",
    "US$ million": "USD million",
    "x": "multiple",
    "%": "percent_growth",
}


def known_units() -> list[str]:
    """Return the canonical unit names, in a stable order."""
    return list(_UNITS)


def parse_unit(text: str) -> Unit:
    """Return the :class:`Unit` a published unit string names.

    Parameters
    ----------
    text : str
        A canonical name (``"亿元"``, ``"CNY billion"``) or a known alias
        (``"RMB bn"``, ``"CNY T"``, ``"万亿"``).

    Returns
    -------
    Unit

    Raises
    ------
    KeyError
        If the unit is unknown; the message lists the accepted names.

    Examples
    --------
    >>> parse_unit("亿元").factor
    100000000.0
    >>> parse_unit("RMB bn").name
    'CNY billion'
    """
    key = text.strip()
    key = _ALIASES.get(key, key)
    try:
        return _UNITS[key]
    except KeyError:
        raise KeyError(
            f"unknown unit {text!r}; expected one of: {', '.join(known_units())}"
        ) from None


def to_yuan(value: float, unit: str) -> float:
    """Convert a published amount to yuan.

    Parameters
    ----------
    value : float
        The number as published.
    unit : str
        Its published unit; must be a CNY money unit.

    Returns
    -------
    float
        The amount in yuan.

    Raises
    ------
    KeyError
        If the unit is unknown.
    ValueError
        If the unit is not Chinese-yuan money (US dollars are never converted).

    Examples
    --------
    >>> to_yuan(9.5, "万亿元")
    9500000000000.0
    """
    u = parse_unit(unit)
    if u.dimension != "money" or u.currency != "CNY":
        raise ValueError(f"unit {unit!r} is not an amount in yuan; it cannot be converted to yuan")
    return value * u.factor


def format_yuan(value: float, digits: int = 3) -> str:
    """Format an amount in yuan with a readable suffix (k, M, B, T).

    Parameters
    ----------
    value : float
        Amount in yuan.
    digits : int, default 3
        Significant digits.

    Examples
    --------
    >>> format_yuan(9.5e12)
    '¥9.5T'
    >>> format_yuan(1.2e8)
    '¥120M'
    >>> format_yuan(1e11, 2)
    '¥100B'
    """
    if value != value:  # NaN
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for threshold, suffix in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (0.0, "")]:
        if v >= threshold or threshold == 0.0:
            x = v / threshold if threshold else v
            text = f"{x:.{digits}g}"
            if "e" in text:  # e.g. 100 at two significant digits: write it out
                text = f"{x:.0f}"
            return f"{sign}¥{text}{suffix}"
    raise AssertionError("unreachable")
