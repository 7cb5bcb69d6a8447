"""Unit handling: one place, exact factors, dollars never converted."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.sources.units import format_yuan, known_units, parse_unit, to_yuan


@pytest.mark.parametrize(
    ("value", "unit", "yuan"),
    [
        (1, "元", 1.0),
        (3, "万", 3e4),
        (11844, "亿元", 1.1844e12),
        (9.5, "万亿", 9.5e12),
        (381.2, "RMB bn", 3.812e11),
        (1.41, "CNY T", 1.41e12),
        (96.6, "CNY million", 9.66e7),
    ],
)
def test_known_conversions(value, unit, yuan):
    assert to_yuan(value, unit) == pytest.approx(yuan)


def test_dollars_are_never_converted():
    assert parse_unit("US$ bn").currency == "USD"
    with pytest.raises(ValueError, match="not an amount in yuan"):
        to_yuan(150, "USD billion")


def test_unknown_unit_lists_the_vocabulary():
    with pytest.raises(KeyError, match="unknown unit 'lakh'; expected one of: yuan, 万元"):
        parse_unit("lakh")


@given(
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
    st.sampled_from([u for u in known_units() if parse_unit(u).currency == "CNY"]),
)
def test_conversion_is_linear_and_round_trips(value, unit):
    factor = parse_unit(unit).factor
    assert to_yuan(value, unit) == pytest.approx(value * factor)
    assert to_yuan(2 * value, unit) == pytest.approx(2 * to_yuan(value, unit))
    assert math.isclose(to_yuan(value, unit) / factor, value, rel_tol=1e-12)


@given(st.floats(min_value=1, max_value=1e15, allow_nan=False))
def test_format_yuan_keeps_three_significant_digits(value):
    text = format_yuan(value)
    assert text.startswith("¥")
    suffix = {"T": 1e12, "B": 1e9, "M": 1e6, "k": 1e3}.get(text[-1], 1.0)
    number = float(text[1:-1] if text[-1] in "TBMk" else text[1:])
    assert number * suffix == pytest.approx(value, rel=5e-3)
