"""The model registry: every engine behind :func:`targets.forecast`.

=============  ====  ==========================================================
name           min   what it is
=============  ====  ==========================================================
naive          3     random walk with drift on logs, exact small-sample predictive
drift          3     random walk with drift on levels, exact small-sample predictive
ets            3     statsmodels ETSModel on logs or levels (by the series' own
                     evidence), trend none/additive/damped chosen by AICc
arima          4     statsmodels ARIMA(p,1,q) with drift on logs, chosen by AICc
theta          4     statsmodels ThetaModel on logs or levels (as ``ets``)
prophet        3     Prophet (linear on logs, or logistic with ``cap``)
exponential    3     exponential curve fitted to the period totals
logistic       4     logistic curve (saturating)
gompertz       4     Gompertz curve (saturating)
bass           5     Bass diffusion curve (saturating)
ensemble       --    averaged members' medians, pooled spread (models.ensemble)
=============  ====  ==========================================================
"""

from __future__ import annotations

from targets.engine.models import drift, naive, prophet_model, statsmodels_models
from targets.engine.models.base import ModelSpec, Series
from targets.engine.models.curve_model import make_fit_sample

MODELS: dict[str, ModelSpec] = {
    m.name: m
    for m in [
        ModelSpec("naive", 3, naive.fit_sample, "random walk with drift on logs"),
        ModelSpec("drift", 3, drift.fit_sample, "random walk with drift on levels"),
        ModelSpec("ets", 3, statsmodels_models.ets_fit_sample, "ETS on logs or levels (AICc)"),
        ModelSpec("arima", 4, statsmodels_models.arima_fit_sample, "ARIMA with drift on logs"),
        ModelSpec("theta", 4, statsmodels_models.theta_fit_sample, "Theta on logs or levels"),
        ModelSpec("prophet", 3, prophet_model.fit_sample, "Prophet"),
        ModelSpec("exponential", 3, make_fit_sample("exponential"), "exponential curve"),
        ModelSpec("logistic", 4, make_fit_sample("logistic"), "logistic curve"),
        ModelSpec("gompertz", 4, make_fit_sample("gompertz"), "Gompertz curve"),
        ModelSpec("bass", 5, make_fit_sample("bass"), "Bass diffusion curve"),
    ]
}
ENSEMBLE = "ensemble"
MODEL_NAMES: tuple[str, ...] = (*MODELS, ENSEMBLE)

__all__ = ["ENSEMBLE", "MODELS", "MODEL_NAMES", "ModelSpec", "Series"]
