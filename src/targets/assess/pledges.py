"""The track record on real pledges: each assessed as of its announcement, scored on its outcome.

``data/pledges.yaml`` holds historical pledges and published forecasts (same
fields as ``goals.yaml``). :func:`backtest_goals` assesses each with only the
rows published by its announcement date, reads its outcome from the series' own
later rows (:mod:`targets.assess.hindsight`), and scores the probabilities with
the Brier score and the log score beside two baselines: a constant 50% and the
base rate (the share of the scored pledges that were met, known only in
hindsight, so a generous baseline).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from targets.assess.aggregate import _aggregate
from targets.assess.hindsight import _realized
from targets.assess.series import own_proxy
from targets.errors import ForecastError, GoalError
from targets.sources import goals
from targets.sources.data import data_dir

#: Reliability bins (probability edges); mathematics of the table, not a model constant.
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def pledges_file(directory: str | Path | None = None) -> Path:
    """``pledges.yaml`` in the data folder."""
    return (Path(directory) if directory is not None else data_dir()) / "pledges.yaml"


def outcomes(
    path: str | Path | None = None,
    *,
    directory: str | Path | None = None,
    n_samples: int = 1000,
    seed: int = 0,
    as_of=None,
) -> pd.DataFrame:
    """Each pledge's probability at its announcement and its outcome.

    With ``as_of``, only pledges announced by then are listed and outcomes are
    read from the rows published by then (an as-of report shows no later figure).

    Returns
    -------
    pandas.DataFrame
        ``id, type, announced, deadline, statement, probability, method, realized,
        met, note``: ``probability`` is empty where the announcement had too
        little published data for a forecast (``note`` says why); ``met`` is
        empty where no outcome is published yet.
    """
    path = Path(path) if path is not None else pledges_file(directory)
    if not path.exists():
        raise GoalError(f"{path}: pledge file not found")
    rows = []
    cutoff = pd.Timestamp(as_of) if as_of is not None else None
    for goal in goals.load(path, directory=directory):
        if goal.kind == "count" or (cutoff is not None and pd.Timestamp(goal.announced) > cutoff):
            continue
        proxy = (goal.proxies or (own_proxy(goal),))[0]
        value, met = _realized(goal, proxy, cutoff)
        record = {
            "id": goal.id,
            "type": goal.type,
            "announced": pd.Timestamp(goal.announced),
            "deadline": f"{goal.deadline_start} to {goal.deadline_end}",
            "statement": goal.statement_en,
            "probability": np.nan,
            "method": "",
            "realized": value if value is not None else np.nan,
            "met": met,
            "note": "",
        }
        try:
            result = _aggregate(goal, pd.Timestamp(goal.announced), n_samples, seed, str(path))
            record["probability"] = float(np.mean(result["met"]))
            head = result["proxies"].set_index("proxy").loc[result["headline"]]
            record["method"] = str(head["method"])
        except ForecastError as exc:
            record["note"] = str(exc)
        rows.append(record)
    return pd.DataFrame(rows)


def _log_score(p: np.ndarray, y: np.ndarray, n_samples: int) -> float:
    # Monte Carlo probabilities of 0 or 1 are clipped to the resolution of the sample
    # (1 / (n + 1)), so one confident miss gives a large finite penalty, not -inf.
    eps = 1.0 / (n_samples + 1)
    p = np.clip(p, eps, 1 - eps)
    return float(np.mean(np.where(y, np.log(p), np.log(1 - p))))


def scores(table: pd.DataFrame, n_samples: int = 1000) -> pd.DataFrame:
    """Brier and log scores of the pledges with a probability and an outcome, and baselines.

    Returns
    -------
    pandas.DataFrame
        ``forecaster, n, brier, log_score`` for ``targets``, ``constant 50%``
        and ``base rate`` (lower Brier is better; higher log score is better).
    """
    scored = table.dropna(subset=["probability"])
    scored = scored[scored["met"].notna()]
    p = scored["probability"].to_numpy(dtype=float)
    y = scored["met"].astype(bool).to_numpy()
    n = len(p)
    if n == 0:
        return pd.DataFrame(columns=["forecaster", "n", "brier", "log_score"])
    base = float(np.mean(y))
    out = []
    for name, q in (
        ("targets", p),
        ("constant 50%", np.full(n, 0.5)),
        (f"base rate ({base:.0%})", np.full(n, base)),
    ):
        out.append(
            {
                "forecaster": name,
                "n": n,
                "brier": float(np.mean((q - y) ** 2)),
                "log_score": _log_score(q, y, n_samples),
            }
        )
    return pd.DataFrame(out)


def reliability(table: pd.DataFrame) -> pd.DataFrame:
    """Pledges binned by their probability: how many, mean probability, share met."""
    scored = table.dropna(subset=["probability"])
    scored = scored[scored["met"].notna()]
    rows = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        last = hi == BINS[-1]
        p = scored["probability"]
        part = scored[(p >= lo) & ((p <= hi) if last else (p < hi))]
        rows.append(
            {
                "bin": f"{lo:.0%}-{hi:.0%}",
                "n": len(part),
                "mean_probability": float(part["probability"].mean()) if len(part) else np.nan,
                "share_met": float(part["met"].astype(bool).mean()) if len(part) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def backtest_goals(
    path: str | Path | None = None,
    *,
    directory: str | Path | None = None,
    n_samples: int = 1000,
    seed: int = 0,
    as_of=None,
) -> dict[str, pd.DataFrame]:
    """The whole track record: ``{"pledges", "scores", "reliability"}`` (see above)."""
    table = outcomes(path, directory=directory, n_samples=n_samples, seed=seed, as_of=as_of)
    return {
        "pledges": table,
        "scores": scores(table, n_samples),
        "reliability": reliability(table),
    }
