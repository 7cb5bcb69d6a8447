"""targets: is an announced growth goal plausible from the growth curves, and how is it tracking?

The package is layered, one direction of imports from sources to pages:

* :mod:`targets.sources`: the vintage (what was published by a date), data
  sets, assumptions, goals, units and regular series; the only layer that reads
  files;
* :mod:`targets.engine`: ``forecast(df, h, ...)``, its models, backtests and
  metrics;
* :mod:`targets.growth`: forecast distributions of the series goals are
  measured on (drivers, regime model, reference class);
* :mod:`targets.counts`: size distributions and count goals;
* :mod:`targets.assess`: a goal's probability, verdict and reasons;
* :mod:`targets.report`: tables, charts, the store, rendered pages.

The public names are attributes of ``targets``, imported on first use so that
``import targets`` and ``targets --help`` stay fast:

* ``targets.forecast(df, h, ...)``: probabilistic forecasts of regular series;
* ``targets.open_vintage(...)`` and ``targets.Vintage``: the data as of a date;
* ``targets.assess``: ``assess``, ``scorecard``, ``track_record``;
* ``targets.data``, ``targets.goals``, ``targets.observations``, ``targets.units``:
  the sourced data sets, the goal registry, regular series and units (their
  modules live in :mod:`targets.sources`; the old module paths still import).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

from targets.errors import DataError, ForecastError, GoalError, TargetsError

if TYPE_CHECKING:  # type checkers and IDEs see the real signatures; at run time they load lazily
    from targets import assess as assess
    from targets.engine.forecast import forecast as forecast
    from targets.sources import data as data
    from targets.sources import goals as goals
    from targets.sources import observations as observations
    from targets.sources import units as units
    from targets.sources.vintage import Vintage as Vintage
    from targets.sources.vintage import open_vintage as open_vintage

__version__ = "0.2.0"

#: Public attributes: name -> (module, attribute or None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "forecast": ("targets.engine.forecast", "forecast"),
    "Vintage": ("targets.sources.vintage", "Vintage"),
    "open_vintage": ("targets.sources.vintage", "open_vintage"),
    "assess": ("targets.assess", None),
    "data": ("targets.sources.data", None),
    "goals": ("targets.sources.goals", None),
    "observations": ("targets.sources.observations", None),
    "units": ("targets.sources.units", None),
}

#: Module paths of earlier versions (flat layout) and where they live now; importing an
#: old path gives the module at its new place (the same module object).
MOVED: dict[str, str] = {
    "targets.data": "targets.sources.data",
    "targets.goals": "targets.sources.goals",
    "targets.observations": "targets.sources.observations",
    "targets.units": "targets.sources.units",
    "targets.forecasting": "targets.engine.forecast",
    "targets.models": "targets.engine.models",
    "targets.backtest": "targets.engine.backtest",
    "targets.metrics": "targets.engine.metrics",
    "targets.curves": "targets.engine.curves",
    "targets.curvefit": "targets.engine.curvefit",
    "targets.drivers": "targets.growth.drivers",
    "targets.regimefit": "targets.growth.regimefit",
    "targets.reference": "targets.growth.reference",
    "targets.sizes": "targets.counts.sizes",
    "targets.countmodel": "targets.counts.model",
    "targets.frontpage": "targets.report.frontpage",
    "targets.plots": "targets.report.plots",
    "targets.tables": "targets.report.tables",
}

__all__ = [
    "DataError",
    "ForecastError",
    "GoalError",
    "TargetsError",
    "__version__",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        found = importlib.import_module(module)
        return found if attr is None else getattr(found, attr)
    raise AttributeError(f"module 'targets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def _moved(fullname: str) -> str | None:
    """The current path of an old module path (or of a module inside an old package)."""
    for old, new in MOVED.items():
        if fullname == old or fullname.startswith(old + "."):
            return new + fullname[len(old) :]
    return None


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path (:data:`MOVED`) as the module at its new place.

    ``import targets.data`` then gives the very module object of
    ``targets.sources.data``: no second copy, so classes and caches are shared.
    """

    def find_spec(self, fullname, path=None, target=None):
        new = _moved(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(_moved(spec.name))

    def exec_module(self, module):
        """Nothing to run: the module was executed under its current name."""


if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedFinder())
