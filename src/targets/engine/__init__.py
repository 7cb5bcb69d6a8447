"""Engine: probabilistic forecasts of regular series in one contract.

:func:`targets.engine.forecast.forecast` fits the models of
:mod:`targets.engine.models` (one file per engine) to ``unique_id, ds, y``
frames and returns quantiles and sample paths; growth curves fitted to interval
totals (:mod:`~targets.engine.curvefit`), backtests and metrics live here too.
Nothing here reads data files.
"""
