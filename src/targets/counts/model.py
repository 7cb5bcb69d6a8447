"""Fit the size model to size evidence, and predict counts above a threshold.

The model (:mod:`targets.counts.sizes`): the sales of each of ``N`` entities over a
period follow a two-segment double Pareto-log-normal (a head holding a share
``head_sales`` of sales among a share ``head_entities`` of entities, and the
rest), one shape ``(alpha, beta, tau)``, total ``G``. The goal's population is
``N`` entities (``population``) selling a share (``gmv_share``) of the
platform's GMV over the goal year (from :mod:`targets.growth.drivers`).

One likelihood takes every evidence row (a frame built by
:mod:`targets.count_evidence`); each row belongs to a *context* (one population
over one period):

* ``population`` / ``lower_bound`` rows describe the goal's own population over
  the row's period (its GMV over that period drawn from the driver): a count,
  or a count the platform count must exceed (a category is a lower bound);
* a ``tail`` context whose size and total are published (e.g. 66 of 1,300 new
  Tmall apparel brands with ¥46B of sales) is the same model with those inputs;
* a ``tail`` context whose size or total is unknown informs only the tail
  index: above the body ``count(x) ~ K x^-alpha`` and the scale ``K`` is
  integrated out exactly (a flat prior on ``log K``).

Each row has log-normal noise: its status (official, reported, estimate), a
model error, a Poisson term for small counts, and a transfer term when it is
about another kind of entity or another platform (a weaker, pooled prior).
Inference is by importance sampling from the prior (sampling-importance
resampling); the effective sample size is reported.

References
----------
Rubin, D. B. (1988). Using the SIR algorithm to simulate posterior
distributions. Bayesian Statistics 3, 395-402.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from targets.counts import sizes
from targets.errors import TargetsError

#: Columns of the evidence frame the fit takes (one row per published figure).
EVIDENCE_COLUMNS = [
    "label",  # what the row says, for tables
    "context",  # rows of one population over one period share a key
    "stat",  # "count" (entities above threshold) or "top_total" (sales of the top k)
    "role",  # "population", "lower_bound" or "tail"
    "threshold",  # yuan (count rows)
    "top_k",  # number of top entities (top_total rows)
    "value",  # the published figure (a count or yuan)
    "noise_sd",  # log-sd from status, model error and transfer (without Poisson)
    "start",  # period of the row
    "end",
    "known_n",  # the context's published population (NaN: unknown)
    "known_total",  # the context's published total sales, yuan (NaN: unknown)
    "published",
]

#: GMV paths drawn per context (recycled over the prior draws).
GMV_PATHS = 2000

Sampler = Callable[[pd.Timestamp, pd.Timestamp, int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class SizePrior:
    """Ranges of the size model's inputs (each from a row of ``data/assumptions.csv``).

    Attributes
    ----------
    alpha, beta, tau : (float, float)
        Upper tail index (uniform), lower tail index (uniform), body width (uniform).
    head_entities : (float, float)
        Share of entities in the head (log-uniform).
    head_sales : (float, float)
        Share of sales the head holds (uniform; at least the head's share of entities).
    population : (float, float)
        Number of active entities in the goal year (log-uniform).
    gmv_share : (float, float)
        Share of platform GMV these entities' sales add up to (uniform).
    subset_share : (float, float)
        Share of the counted entities that belong to the goal's subset (uniform;
        ``(1, 1)`` when the goal counts the whole population).
    population_growth : (float, float)
        Log growth per year of the number of active entities around the goal year
        (uniform; ``(0, 0)``: a fixed population whose entities grow larger). A
        population row of an earlier period has ``population * exp(-growth * years)``
        entities, ``years`` before the goal period's middle.
    model_error_sd : float
        Log standard deviation of the model's error on a count it predicts
        (``count_model_error_sd``). Every evidence row carries it in its noise; the
        predicted count of the goal period carries it too, as the factor
        ``model_error`` of each draw (log-normal, median 1), since a smooth size
        distribution does not reproduce the goal year's count exactly either.
    """

    alpha: tuple[float, float]
    beta: tuple[float, float]
    tau: tuple[float, float]
    head_entities: tuple[float, float]
    head_sales: tuple[float, float]
    population: tuple[float, float]
    gmv_share: tuple[float, float]
    subset_share: tuple[float, float] = (1.0, 1.0)
    population_growth: tuple[float, float] = (0.0, 0.0)
    model_error_sd: float = 0.0

    def draw(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` draws of every input, one row each."""

        def uni(r: tuple[float, float]) -> np.ndarray:
            return rng.uniform(r[0], r[1], n) if r[1] > r[0] else np.full(n, float(r[0]))

        def logu(r: tuple[float, float]) -> np.ndarray:
            return np.exp(uni((float(np.log(r[0])), float(np.log(r[1])))))

        h = logu(self.head_entities)
        s = uni(self.head_sales)
        return pd.DataFrame(
            {
                "alpha": uni(self.alpha),
                "beta": uni(self.beta),
                "tau": uni(self.tau),
                "head_entities": h,
                "head_sales": np.maximum(s, np.minimum(h * 1.01, 0.99)),
                "population": logu(self.population),
                "gmv_share": uni(self.gmv_share),
                "subset_share": uni(self.subset_share),
                "population_growth": uni(self.population_growth),
                "model_error": np.exp(rng.normal(0.0, self.model_error_sd, n)),
            }
        )


@dataclass(frozen=True)
class Fit:
    """Posterior draws of the size model and what was used.

    Attributes
    ----------
    draws : pandas.DataFrame
        Equal-weight posterior draws of the inputs (columns of
        :meth:`SizePrior.draw`), plus ``goal_gmv`` (yuan) when predicting.
    evidence : pandas.DataFrame
        The rows fitted, with ``fitted`` (bool) and ``why`` (empty or the reason
        a row was left out).
    predictive : pandas.DataFrame
        Per evidence row: ``median, lo_80, hi_80`` of the model's prediction of
        the published figure (noise included), ``inside`` and ``note``.
    ess : float
        Effective sample size of the importance weights.
    n_prior : int
        Prior draws the weights were computed on.
    """

    draws: pd.DataFrame
    evidence: pd.DataFrame
    predictive: pd.DataFrame = field(repr=False)
    ess: float
    n_prior: int


def _row_sd(noise_sd: float, expected: np.ndarray, stat: str) -> np.ndarray:
    poisson = 1.0 / np.maximum(expected, 1.0) if stat == "count" else 0.0
    return np.sqrt(noise_sd**2 + poisson)


def _predict_known(row: pd.Series, p: pd.DataFrame, n: np.ndarray, total: np.ndarray) -> np.ndarray:
    args = (p["alpha"], p["beta"], p["tau"], p["head_entities"], p["head_sales"])
    if row["stat"] == "count":
        return sizes.mixture_count_above(total, n, row["threshold"], *args)
    return sizes.mixture_top_total(row["top_k"], total, n, *args)


def _context_scale(
    rows: pd.DataFrame,
    p: pd.DataFrame,
    gmv: Sampler | None,
    rng: np.random.Generator,
    reference: pd.Timestamp | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Population and total sales of a context per draw, or None when unknown.

    The goal's population in another period than the goal's (``reference``, its middle)
    is the goal-year population grown back by ``population_growth`` per year."""
    first = rows.iloc[0]
    m = len(p)
    if np.isfinite(first["known_n"]) and np.isfinite(first["known_total"]):
        return np.full(m, first["known_n"]), np.full(m, first["known_total"])
    if first["role"] in ("population", "lower_bound"):
        if gmv is None:
            return None
        # A few thousand GMV paths suffice; they are recycled over the prior draws.
        paths = gmv(first["start"], first["end"], min(m, GMV_PATHS), rng)
        total = rng.permutation(np.resize(paths, m)) * p["gmv_share"].to_numpy()
        n = p["population"].to_numpy()
        if reference is not None and "population_growth" in p:
            middle = first["start"] + (first["end"] - first["start"]) / 2
            years = (reference - middle).days / 365.25
            n = n * np.exp(-p["population_growth"].to_numpy() * years)
        if np.isfinite(first["known_n"]):
            n = np.full(m, first["known_n"])
        return n, total
    return None


def _free_scale_terms(rows: pd.DataFrame, alpha: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row and draw (rows x draws): the tail's log-linear terms ``b + a log K`` of each
    published figure, the figure itself and its log-sd (noise plus a Poisson term)."""
    kind = np.where(rows["stat"].to_numpy() == "count", 0, 1)
    b, a = sizes.tail_coefficients(
        kind[:, None],
        rows["threshold"].fillna(1.0).to_numpy()[:, None],
        rows["top_k"].fillna(1.0).to_numpy()[:, None],
        alpha[None, :],
    )
    value = rows["value"].to_numpy(dtype=float)[:, None]
    sd = np.sqrt(
        rows["noise_sd"].to_numpy(dtype=float)[:, None] ** 2
        + np.where(kind[:, None] == 0, 1.0 / np.maximum(value, 1.0), 0.0)
    )
    return b, a, value, sd


def _free_scale_loglik(rows: pd.DataFrame, alpha: np.ndarray) -> np.ndarray:
    """Log-likelihood of a context's rows with its tail scale integrated out."""
    b, a, value, sd = _free_scale_terms(rows, alpha)
    w = 1.0 / sd**2
    z = np.log(value) - b
    precision = np.sum(w * a**2, axis=0)
    centre = np.sum(w * a * z, axis=0) / precision
    resid = np.sum(w * (z - a * centre) ** 2, axis=0)
    return 0.5 * np.log(2 * np.pi / precision) - 0.5 * resid - np.sum(np.log(sd), axis=0)


def _free_scale_predict(
    rows: pd.DataFrame, alpha: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Predictive draws of each row of a free-scale context (rows x draws, log scale)."""
    b, a, value, sd = _free_scale_terms(rows, alpha)
    w = 1.0 / sd**2
    z = np.log(value) - b
    precision = np.sum(w * a**2, axis=0)
    # Leave-one-out would be stricter; the scale is drawn from its posterior given the context.
    centre = np.sum(w * a * z, axis=0) / precision
    log_k = centre + rng.standard_normal(centre.shape) / np.sqrt(precision)
    return b + a * log_k + rng.standard_normal(b.shape) * sd


def _loglik_known(
    rows: pd.DataFrame, p: pd.DataFrame, n: np.ndarray, total: np.ndarray
) -> np.ndarray:
    return np.sum(list(_loglik_known_rows(rows, p, n, total).values()), axis=0)


def _loglik_known_rows(
    rows: pd.DataFrame, p: pd.DataFrame, n: np.ndarray, total: np.ndarray
) -> dict:
    """Each row's log-likelihood per prior draw (row index -> array)."""
    out = {}
    for idx, row in rows.iterrows():
        expected = np.maximum(_predict_known(row, p, n, total), 1e-12)
        sd = _row_sd(row["noise_sd"], expected, row["stat"])
        gap = (np.log(expected) - np.log(row["value"])) / sd
        if row["role"] == "lower_bound":
            out[idx] = special.log_ndtr(gap)
        else:
            out[idx] = -0.5 * gap**2 - np.log(sd)
    return out


def fit(
    evidence: pd.DataFrame,
    prior: SizePrior,
    gmv: Sampler | None,
    *,
    n_prior: int = 20000,
    n_draws: int = 4000,
    seed: int = 0,
    reference: pd.Timestamp | None = None,
) -> Fit:
    """Weigh prior draws of the size model by the likelihood of every evidence row.

    Parameters
    ----------
    evidence : pandas.DataFrame
        Columns :data:`EVIDENCE_COLUMNS` (may be empty: the posterior is the prior).
    prior : SizePrior
    gmv : callable or None
        ``gmv(start, end, n, rng)``: samples of platform GMV (yuan) over an
        interval, for ``population`` and ``lower_bound`` rows.
    n_prior, n_draws : int
        Prior draws weighed, and posterior draws returned.
    seed : int
    reference : pandas.Timestamp, optional
        The middle of the goal period: population rows of other periods scale the
        goal-year population by ``exp(-population_growth * years)`` (``None``: every
        period has the goal-year population).

    Returns
    -------
    Fit

    Raises
    ------
    TargetsError
        If the evidence frame lacks a column, or no prior draw is consistent
        with the evidence.
    """
    missing = [c for c in EVIDENCE_COLUMNS if c not in evidence.columns]
    if missing:
        raise TargetsError(f"size evidence lacks column(s): {', '.join(missing)}")
    rng = np.random.default_rng(seed)
    p = prior.draw(n_prior, rng)
    loglik = np.zeros(n_prior)
    ev = evidence.copy()
    if "hindsight" not in ev:
        ev["hindsight"] = False
    if "why" not in ev:
        ev["why"] = ""
    ev["why"] = ev["why"].fillna("")
    ev["fitted"] = False
    scales: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    row_ll: dict = {}  # fitted row -> its log-likelihood per prior draw (held-out check)
    for key, rows in ev[ev["role"] != "shown"].groupby("context", sort=True):
        try:
            scale = _context_scale(rows, p, gmv, rng, reference)
        except TargetsError as exc:  # e.g. GMV over a period the driver cannot draw
            ev.loc[rows.index, "why"] = f"not fitted: {exc}"
            continue
        scales[key] = scale
        use = rows[~rows["hindsight"].astype(bool)]
        if use.empty:
            continue
        if scale is None:
            if len(rows) < 2:
                ev.loc[rows.index, "why"] = (
                    "not fitted: one figure about a population whose size and total are "
                    "unpublished says nothing about the tail on its own"
                )
                continue
            if len(use) < 2:
                continue
            alpha = p["alpha"].to_numpy()
            whole = _free_scale_loglik(use, alpha)
            loglik += whole
            # A row's own share of the context's likelihood: the whole minus the rest
            # (the rest of a two-row context says nothing alone, so the row takes it all).
            for idx in use.index:
                rest = use.drop(index=idx)
                row_ll[idx] = whole - _free_scale_loglik(rest, alpha) if len(rest) >= 2 else whole
        else:
            per_row = _loglik_known_rows(use, p, *scale)
            row_ll.update(per_row)
            loglik += np.sum(list(per_row.values()), axis=0)
        ev.loc[use.index, "fitted"] = True
    finite = np.isfinite(loglik)
    if not finite.any():
        raise TargetsError("no draw of the size model is consistent with the evidence")
    w = np.where(finite, np.exp(loglik - np.max(loglik[finite])), 0.0)
    w /= w.sum()
    ess = float(1.0 / np.sum(w**2))
    pick = rng.choice(n_prior, size=n_draws, p=w)
    draws = p.iloc[pick].reset_index(drop=True)
    predictive = _predictive(ev, draws, scales, pick, gmv, rng)
    held = _held_out(ev, p, loglik, row_ll, scales, n_draws, rng)
    predictive = predictive.join(held)
    return Fit(draws=draws, evidence=ev, predictive=predictive, ess=ess, n_prior=n_prior)


def _held_out(
    ev: pd.DataFrame,
    p: pd.DataFrame,
    loglik: np.ndarray,
    row_ll: dict,
    scales: dict,
    n_draws: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Each fitted row predicted by the fit to every other row: leave-one-out by
    importance sampling (the posterior weights divided by the row's own likelihood,
    truncated at ``sqrt(S)`` times their mean; Ionides 2008, Vehtari et al. 2017).

    Unlike the fit check, this can fail: a row the rest of the evidence does not
    predict falls outside its held-out interval. A lower bound (a category count) is
    met by construction by any platform count above it, so it is scored but marked.

    Returns
    -------
    pandas.DataFrame
        Indexed like the predictive table (positions of ``ev``): ``held_lo_80,
        held_hi_80`` and ``held_inside`` (boolean; missing for rows not fitted).
    """
    out = pd.DataFrame(
        {
            "held_lo_80": np.nan,
            "held_hi_80": np.nan,
            "held_inside": pd.array([None] * len(ev), dtype="boolean"),
        },
        index=range(len(ev)),
    )
    position = {idx: i for i, idx in enumerate(ev.index)}
    finite = np.isfinite(loglik)
    for idx, ll in row_ll.items():
        row = ev.loc[idx]
        lw = np.where(finite & np.isfinite(ll), loglik - ll, -np.inf)
        if not np.isfinite(lw).any():
            continue
        w = np.exp(lw - lw[np.isfinite(lw)].max())
        w = np.minimum(w, w.mean() * np.sqrt(len(w)))
        pick = rng.choice(len(p), size=n_draws, p=w / w.sum())
        scale = scales.get(row["context"])
        if scale is None:
            rows = ev[(ev["context"] == row["context"]) & ev["fitted"].astype(bool)]
            sims = np.exp(_free_scale_held_out(rows, idx, p["alpha"].to_numpy()[pick], rng))
        else:
            drawn = p.iloc[pick].reset_index(drop=True)
            expected = np.maximum(_predict_known(row, drawn, scale[0][pick], scale[1][pick]), 1e-12)
            sd = _row_sd(row["noise_sd"], expected, row["stat"])
            sims = expected * np.exp(rng.standard_normal(n_draws) * sd)
        lo, hi = np.quantile(sims, [0.1, 0.9])
        value = float(row["value"])
        inside = hi >= value if row["role"] == "lower_bound" else lo <= value <= hi
        i = position[idx]
        out.loc[i, ["held_lo_80", "held_hi_80"]] = lo, hi
        out.loc[i, "held_inside"] = bool(inside)
    return out


def _free_scale_held_out(
    rows: pd.DataFrame, idx, alpha: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Predictive log draws of row ``idx`` of a free-scale context, its scale estimated
    from the context's other rows only."""
    b, a, value, sd = _free_scale_terms(rows, alpha)
    k = list(rows.index).index(idx)
    others = np.arange(len(rows)) != k
    w = 1.0 / sd[others] ** 2
    z = np.log(value[others]) - b[others]
    precision = np.sum(w * a[others] ** 2, axis=0)
    centre = np.sum(w * a[others] * z, axis=0) / precision
    log_k = centre + rng.standard_normal(centre.shape) / np.sqrt(precision)
    return b[k] + a[k] * log_k + rng.standard_normal(alpha.shape) * sd[k]


def _predictive(
    ev: pd.DataFrame,
    draws: pd.DataFrame,
    scales: dict,
    pick: np.ndarray,
    gmv: Sampler | None,
    rng: np.random.Generator,
) -> pd.DataFrame:
    out = []
    for key, rows in ev.groupby("context", sort=True):
        if key not in scales:
            continue
        scale = scales[key]
        if scale is None:
            sims = (
                np.exp(_free_scale_predict(rows, draws["alpha"].to_numpy(), rng))
                if len(rows) >= 2
                else np.full((len(rows), len(draws)), np.nan)
            )
        else:
            n, total = scale[0][pick], scale[1][pick]
            sims = []
            for _, row in rows.iterrows():
                expected = np.maximum(_predict_known(row, draws, n, total), 1e-12)
                sd = _row_sd(row["noise_sd"], expected, row["stat"])
                sims.append(expected * np.exp(rng.standard_normal(len(draws)) * sd))
            sims = np.array(sims)
        for idx, s in zip(rows.index, sims, strict=True):
            if np.all(np.isnan(s)):
                out.append({"index": idx, "median": np.nan, "lo_80": np.nan, "hi_80": np.nan})
                continue
            lo, med, hi = np.quantile(s, [0.1, 0.5, 0.9])
            out.append({"index": idx, "median": med, "lo_80": lo, "hi_80": hi})
    # Typed even when no row has a prediction: an empty frame's object columns would make
    # the comparisons below compare objects with NaN (numpy's "invalid value" warning).
    pred = pd.DataFrame(out, columns=["index", "median", "lo_80", "hi_80"]).astype(
        {"median": float, "lo_80": float, "hi_80": float}
    )
    pred = pred.set_index("index").reindex(ev.index)
    cols = ["label", "role", "stat", "value", "published", "hindsight", "fitted", "why"]
    table = ev[cols].join(pred)
    lower = (table["role"] == "lower_bound").to_numpy()
    value, lo, hi = (table[c].to_numpy(dtype=float) for c in ("value", "lo_80", "hi_80"))
    inside = np.where(lower, hi >= value, (lo <= value) & (value <= hi))  # NaN: NA below
    table["inside"] = pd.array(
        [None if np.isnan(m) else bool(i) for i, m in zip(inside, table["median"], strict=True)],
        dtype="boolean",
    )
    table["note"] = [_note(r) for r in table.itertuples()]
    return table.reset_index(drop=True)


def _note(r) -> str:
    if isinstance(r.why, str) and r.why:
        return r.why
    if pd.isna(r.inside):
        return "no prediction"
    if r.hindsight:
        prefix = "hindsight (published later, not fitted): "
        return prefix + ("inside the 80% interval" if r.inside else _note_miss(r))
    if r.role == "lower_bound":
        return (
            "a lower bound: the platform count is expected above it"
            if r.inside
            else "not reproduced: the model puts the whole platform below this category count"
        )
    if r.inside:
        return "reproduced"
    return _note_miss(r)


def _note_miss(r) -> str:
    if r.role == "lower_bound":
        return "the model puts the whole platform below this part of it"
    side = "above" if r.value > r.hi_80 else "below"
    return (
        f"not reproduced: the published figure lies {side} the model's 80% interval "
        "(the other evidence pulls the other way, or the figure measures something else)"
    )


def predict_counts(
    fit_: Fit,
    threshold: float,
    goal_gmv: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Counts above ``threshold`` (Poisson around the model's expectation) per posterior draw.

    Parameters
    ----------
    fit_ : Fit
    threshold : float
        Per-entity sales over the goal period (yuan).
    goal_gmv : numpy.ndarray
        Platform GMV over the goal period (yuan), one per draw (resampled to match).
    rng : numpy.random.Generator
    """
    d = fit_.draws
    gmv = np.resize(np.asarray(goal_gmv, dtype=float), len(d))
    expected = expected_counts(d, threshold, gmv)
    return rng.poisson(np.minimum(expected, 1e12)).astype(float)


def expected_counts(d: pd.DataFrame, threshold: float, gmv: np.ndarray) -> np.ndarray:
    """Expected counts of the goal's entities above ``threshold`` per draw of ``d``, times
    the draw's model error (``model_error``; 1 where ``d`` has no such column)."""
    total = gmv * d["gmv_share"].to_numpy()
    error = d["model_error"].to_numpy() if "model_error" in d else 1.0
    return (
        error
        * d["subset_share"].to_numpy()
        * sizes.mixture_count_above(
            total,
            d["population"].to_numpy(),
            threshold,
            d["alpha"].to_numpy(),
            d["beta"].to_numpy(),
            d["tau"].to_numpy(),
            d["head_entities"].to_numpy(),
            d["head_sales"].to_numpy(),
        )
    )
