"""targets: is an announced growth goal plausible from the growth curves, and how is it tracking?

The main entry points are re-exported here and imported on first use, so
``import targets`` and ``targets --help`` stay fast:

* ``targets.forecast(df, h, ...)``: probabilistic forecasts of regular series
  (:func:`targets.forecasting.forecast`);
* ``targets.data``, ``targets.goals``: the sourced data sets and the goal registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from targets.errors import DataError, ForecastError, GoalError, TargetsError

if TYPE_CHECKING:  # type checkers and IDEs see the real signature; at run time it loads lazily
    from targets.forecasting import forecast as forecast

__all__ = ["DataError", "ForecastError", "GoalError", "TargetsError", "__version__", "forecast"]
__version__ = "0.1.0"

_LAZY = {"forecast": ("targets.forecasting", "forecast")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'targets' has no attribute {name!r}")
