"""Quiet the logging of the libraries we drive, and nothing else.

Prophet and cmdstanpy log INFO lines on every fit, and Prophet logs
"Importing plotly failed" when it is imported. In a notebook those go to stderr
and nbconvert renders them as red boxes. We raise those loggers' levels; we
never silence warnings globally.
"""

from __future__ import annotations

import logging


def quiet_prophet() -> None:
    """Import Prophet with its loggers quieted (idempotent).

    cmdstanpy configures its logger lazily (level DEBUG, an INFO handler) the
    first time it is asked for it, so the logger is created first and then
    raised to WARNING; Prophet's plotly message is logged at import from
    ``prophet.plot``, so that logger is raised before the import.
    """
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)
    logging.getLogger("prophet").setLevel(logging.WARNING)
    from cmdstanpy.utils import get_logger

    cmdstan_logger = get_logger()
    cmdstan_logger.setLevel(logging.WARNING)
    for handler in cmdstan_logger.handlers:
        handler.setLevel(logging.WARNING)
    import prophet  # noqa: F401  (import after the loggers are quiet)
