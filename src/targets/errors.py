"""Exceptions raised by :mod:`targets`.

One small hierarchy, so callers can catch what they mean: every error is a
:class:`TargetsError`; bad input files are :class:`DataError`; bad goal
definitions are :class:`GoalError`; forecasting problems are :class:`ForecastError`.
All derive from :class:`ValueError` so generic input-checking code still works.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class TargetsError(ValueError):
    """Base class of every error raised by :mod:`targets`."""


class DataError(TargetsError):
    """A data file, a row in it, or a loader argument is not what the contract expects."""


class GoalError(TargetsError):
    """The goal registry (``data/goals.yaml``) is malformed or refers to unknown data."""


class ForecastError(TargetsError):
    """A model cannot be fitted or a forecast request is malformed."""


class NotFittedError(ForecastError):
    """A model's ``predict`` was called before ``fit``."""


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> None:
    """Raise :class:`TargetsError` unless ``value`` is one of ``allowed``.

    Parameters
    ----------
    name : str
        Argument name, used in the message.
    value : Any
        Value received.
    allowed : iterable
        The accepted values, listed in the message.

    Raises
    ------
    TargetsError
        If ``value`` is not among ``allowed``.

    Examples
    --------
    >>> check_choice("freq", "YS", ["YS", "QS"])
    """
    allowed = list(allowed)
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise TargetsError(f"{name} must be one of {listed}; got {value!r}")
