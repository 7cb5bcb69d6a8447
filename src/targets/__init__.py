"""targets: is an announced growth goal plausible from the growth curves, and how is it tracking?

Heavy libraries (statsmodels, Prophet) are imported inside the functions that
need them, so ``import targets`` and ``targets --help`` stay fast.
"""

from targets.errors import DataError, ForecastError, GoalError, TargetsError

__all__ = ["DataError", "ForecastError", "GoalError", "TargetsError", "__version__"]
__version__ = "0.1.0"
