"""Count-goal probabilities on simulated platforms from families the model does not fit.

``bench_counts.py`` draws its truth from the model's own family (a two-segment
double Pareto-log-normal), so it cannot fail. Here sales per entity come from
other families (issue 21), each with a fixed population and one growing with GMV:

* ``lognormal+pareto``: a log-normal body whose top ``q`` share of entities is
  replaced by Pareto draws (index drawn from a range) above the body's quantile;
* ``yule-simon``: preferential attachment; entities arrive over time and each
  quarter's new sales go to incumbents in proportion to their size (times noise)
  and, for a share, to new entrants;
* ``rank-size``: ``log sales = c - z log rank - k (log rank)^2`` plus noise, the
  Zipf exponent ``z`` and the curvature ``k`` drawn from ranges, ``z`` drifting by year;
* ``dPlN (model's own)``: the model's family, with parameters inside its prior, as
  one row among the others.

A platform runs four years; the last is the goal year. The model sees what a
platform publishes: counts above ¥10M and ¥100M for some of the one to three
years before (with reporting noise), the number of active entities two years
before in half of the worlds, and in half of them an 18-day festival window of
the year before (each entity's annual sales times a window fraction and noise:
another window and kind of entity, a ``tail`` row with unknown size and total),
plus the past GMV and a goal-year GMV forecast drawn with its stated error. The
population prior is a range an analyst would write: from the published count
two years before to five times it, or else a 25-fold range about the truth
with its centre off by a log-normal error. The goal asks for at least ``g``
entities above ¥100M in the goal year, ``g`` the true count times
``exp(N(0, 0.5))`` rounded, so about half are met. The model never sees the
truth. Seeds are apart from those used to tune the model (0..100).

Prints per family and population regime: the share of goals met (the base
rate), the Brier score of P(met) and that of the base rate (the best constant),
the separation (mean P(met) among met goals minus among missed ones), the share
of goal-year counts inside the model's 80% interval and on which side the
others fall, the share of fitted evidence rows inside their 80% posterior
predictive interval, and the targets of issue 21 (Brier at most 0.16,
separation at least 0.4, 80% coverage between 70% and 90%), then the same scores
for the families the model does not fit by how many years before the goal year
the latest counts were published and whether festival rows were among the evidence.

The model lets the number of entities grow around the goal year (its
``count_population_growth`` prior); ``fixed`` as a third argument runs the model
as it was before, every year's population the goal year's.

Run: ``python benchmarks/bench_counts_families.py [worlds] [seed] [fixed]`` (worlds
per family and population regime).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from targets.counts import model as countmodel
from targets.counts import sizes
from targets.counts.goal import N_PRIOR
from targets.sources.vintage import open_vintage

GOAL_YEAR = 2022
YEARS = (GOAL_YEAR - 3, GOAL_YEAR - 2, GOAL_YEAR - 1, GOAL_YEAR)
THRESHOLDS = (1e7, 1e8)  # yuan: published counts above ¥10M and ¥100M
GOAL_THRESHOLD = 1e8  # yuan: the goal counts entities above ¥100M in the goal year
WINDOW_THRESHOLDS = (1e7, 1e6)  # festival counts above ¥10M, or ¥1M if fewer than 3 pass
MIN_PUBLISHED = 3  # a platform does not publish a count of one or two
REPORT_SD = 0.10  # log-sd of reporting noise on published counts
PAST_GMV_SD = 0.05  # log-sd of the published GMV of past years
GMV_FORECAST_SD = 0.15  # log-sd of the goal-year GMV forecast (its stated error)
# Status "reported" (0.20) and the model error (0.15) in quadrature, as inputs._row does.
ROW_SD = float(np.hypot(0.20, 0.15))
TRANSFER_SD = 0.30  # another kind of entity on the same platform (count_transfer_entity_sd)
GOAL_SD = 0.5  # log-sd of the goal around the true goal-year count
SEED = 20261207
SHAPE_PRIOR = {  # the rows of data/assumptions.csv a real goal uses
    "alpha": (1.05, 3.5),
    "beta": (0.5, 3.0),
    "tau": (0.3, 2.5),
    "head_entities": (1e-3, 0.1),
    "head_sales": (0.1, 0.9),
}
#: The model's prior on the growth of the number of entities (data/assumptions.csv).
POPULATION_GROWTH = open_vintage().assumption("count_population_growth").bounds
#: The model's error on any count it predicts, evidence rows and the goal year alike.
MODEL_ERROR_SD = open_vintage().assumption("count_model_error_sd").value
TARGETS = {"brier": 0.16, "separation": 0.4, "coverage": (0.70, 0.90)}

Family = Callable[[np.random.Generator, np.ndarray, np.ndarray], list[np.ndarray]]


def _logu(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def platform_path(rng: np.random.Generator, regime: str) -> tuple[np.ndarray, np.ndarray]:
    """GMV (yuan) and number of active entities in each of :data:`YEARS`.

    The population is the same every year (``fixed``) or grows with GMV to a
    power between 0.5 and 1 (``growing``).
    """
    n0 = _logu(rng, 5e4, 4e5)
    gmv0 = n0 * _logu(rng, 3e5, 3e6)  # mean sales per entity ¥0.3M to ¥3M
    growth = np.exp(rng.uniform(np.log(1.05), np.log(2.0)) + rng.normal(0, 0.1, len(YEARS) - 1))
    gmv = gmv0 * np.concatenate([[1.0], np.cumprod(growth)])
    if regime == "fixed":
        n = np.full(len(YEARS), n0)
    else:
        n = n0 * np.maximum(gmv / gmv0, 1.0) ** rng.uniform(0.5, 1.0)
        n = np.maximum.accumulate(n)  # entities enter; none are counted out
    return gmv, np.round(n).astype(int)


def _rescale(x: np.ndarray, total: float) -> np.ndarray:
    return x * (total / x.sum())


def _churn(rng: np.random.Generator, gmv, n, first: Callable[[int], np.ndarray]):
    """Year 0 from ``first``, then log-normal churn of incumbents and entrants from ``first``."""
    sd = rng.uniform(0.2, 0.5)
    entrant_scale = rng.uniform(0.3, 1.0)  # entrants start smaller than incumbents
    x = first(int(n[0]))
    out = [_rescale(x, gmv[0])]
    for t in range(1, len(gmv)):
        x = out[-1] * np.exp(rng.normal(0.0, sd, len(out[-1])))
        new = int(n[t]) - len(x)
        if new > 0:
            x = np.concatenate([x, first(new) * entrant_scale * x.mean()])
        out.append(_rescale(x, gmv[t]))
    return out


def lognormal_pareto(rng: np.random.Generator, gmv: np.ndarray, n: np.ndarray) -> list:
    """Log-normal body; the top ``q`` share of entities replaced by Pareto draws."""
    sigma = rng.uniform(0.8, 2.0)
    q = _logu(rng, 0.005, 0.05)
    a = rng.uniform(1.1, 2.5)

    def first(m: int) -> np.ndarray:
        x = rng.lognormal(0.0, sigma, m)
        k = max(int(q * m), 1)
        top = np.argsort(x)[-k:]
        cut = x[top[0]]
        x[top] = cut * (1.0 + rng.pareto(a, k))  # Pareto(a) above the body's quantile
        return x / np.exp(sigma**2 / 2)

    return _churn(rng, gmv, n, first)


def dpln(rng: np.random.Generator, gmv: np.ndarray, n: np.ndarray) -> list:
    """The model's own family: a two-segment dPlN with parameters inside its prior."""
    alpha, beta, tau = rng.uniform(1.2, 3.0), rng.uniform(0.7, 2.5), rng.uniform(0.4, 2.0)
    head = _logu(rng, 0.002, 0.05)
    head_sales = rng.uniform(0.2, 0.8)

    def first(m: int) -> np.ndarray:
        nh = int(head * m)
        if nh < 1:  # a handful of entrants: too few for a head
            x = sizes.sample(m, alpha, beta, 0.0, tau, rng)
            return x / x.mean()
        parts = []
        for count, share in ((nh, head_sales), (m - nh, 1 - head_sales)):
            x = sizes.sample(count, alpha, beta, 0.0, tau, rng)
            parts.append(x * share / x.sum())
        return np.concatenate(parts) * m

    return _churn(rng, gmv, n, first)


def rank_size(rng: np.random.Generator, gmv: np.ndarray, n: np.ndarray) -> list:
    """Rank-size curves: ``log x = -z log r - k (log r)^2 + noise``, ``z`` drifting by year."""
    z = rng.uniform(0.7, 1.3)
    k = rng.uniform(0.0, 0.06)
    drift = rng.uniform(-0.05, 0.05)
    noise = rng.uniform(0.05, 0.3)
    out = []
    for t in range(len(gmv)):
        log_r = np.log(np.arange(1, int(n[t]) + 1, dtype=float))
        log_x = -(z + drift * t) * log_r - k * log_r**2 + rng.normal(0.0, noise, len(log_r))
        out.append(_rescale(np.exp(log_x - log_x.max()), gmv[t]))
    return out


def yule_simon(rng: np.random.Generator, gmv: np.ndarray, n: np.ndarray) -> list:
    """Preferential attachment with entry (Simon 1955), run quarterly from a few founders.

    Each quarter the platform's annual sales rate moves to its path; a share
    ``rho`` of the increase goes to entrants, the rest to incumbents in
    proportion to their rate times log-normal noise. Before the first year the
    population builds up over eight years; in the observed years entrants
    arrive only when the population grows. A year's sales are the mean of its
    four quarterly rates, rescaled to the year's GMV.
    """
    rho = rng.uniform(0.1, 0.5)
    noise = rng.uniform(0.1, 0.6)
    burn, q, founders = 8, 4, 20
    x = np.zeros(int(n.max()))
    x[:founders] = rng.lognormal(0.0, 0.5, founders)
    start = gmv[0] * gmv[0] / gmv[1]  # the annual rate as year 0 begins
    x[:founders] *= start * 0.01 / x[:founders].sum()
    alive = founders
    # Quarterly (rate, population) targets: the build-up, then four quarters per year.
    rates = [np.geomspace(start * 0.01, start, burn * q + 1)[1:]]
    pops = [np.geomspace(founders, n[0], burn * q + 1)[1:]]
    for t in range(len(gmv)):
        rates.append(np.geomspace(start if t == 0 else gmv[t - 1], gmv[t], q + 1)[1:])
        pops.append(np.linspace(n[0] if t == 0 else n[t - 1], n[t], q + 1)[1:])
    out, quarters = [], []
    steps = zip(np.concatenate(rates), np.round(np.concatenate(pops)).astype(int), strict=True)
    for step, (rate, pop) in enumerate(steps):
        gain = rate - x[:alive].sum()
        new = max(int(pop) - alive, 0)
        if gain <= 0:
            x[:alive] *= rate / x[:alive].sum()
        else:
            to_new = rho * gain if new else 0.0
            w = x[:alive] * np.exp(rng.normal(0.0, noise, alive))
            x[:alive] += (gain - to_new) * w / w.sum()
            if new:
                e = rng.lognormal(0.0, 0.5, new)
                x[alive : alive + new] = to_new * e / e.sum()
        alive += new
        if step >= burn * q:
            quarters.append(x[:alive].copy())
        if len(quarters) == q:
            m = len(quarters[-1])
            year = np.mean([np.pad(r, (0, m - len(r))) for r in quarters], axis=0)
            out.append(_rescale(year, gmv[len(out)]))
            quarters = []
    return out


FAMILIES: dict[str, Family] = {
    "lognormal+pareto": lognormal_pareto,
    "yule-simon": yule_simon,
    "rank-size": rank_size,
    "dPlN (model's own)": dpln,
}
REGIMES = ("fixed", "growing")


def _year_dates(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")


def _row(context: str, label: str, stat: str, value: float, **kw) -> dict:
    row = {
        "label": label,
        "context": context,
        "stat": stat,
        "role": "population",
        "threshold": np.nan,
        "top_k": np.nan,
        "value": value,
        "noise_sd": ROW_SD,
        "known_n": np.nan,
        "known_total": np.nan,
    }
    return row | kw


def evidence_rows(
    sales: list[np.ndarray], n: np.ndarray, rng: np.random.Generator
) -> tuple[pd.DataFrame, float]:
    """What the platform publishes before the goal year, and its active entities two years before.

    Returns
    -------
    (pandas.DataFrame, float)
        Rows with :data:`targets.counts.model.EVIDENCE_COLUMNS`, and the number
        of active entities two years before the goal year as published (NaN
        when not published).
    """
    past = len(YEARS) - 1
    published = rng.random(past) < 0.6
    if not published.any():
        published[rng.integers(past)] = True
    n_known = float(round(n[1] * np.exp(rng.normal(0, 0.05)))) if rng.random() < 0.5 else np.nan
    rows = []
    for t in np.flatnonzero(published):
        year = YEARS[t]
        start, end = _year_dates(year)
        for threshold in THRESHOLDS:
            true = int(np.sum(sales[t] > threshold))
            if true < MIN_PUBLISHED:
                continue
            rows.append(
                _row(
                    f"platform {year}",
                    f"entities above {threshold:.0e} in {year}",
                    "count",
                    max(round(true * np.exp(rng.normal(0, REPORT_SD))), 1),
                    threshold=threshold,
                    start=start,
                    end=end,
                    known_n=n_known if t == 1 else np.nan,
                    published=pd.Timestamp(f"{year + 1}-03-31"),
                )
            )
    if rng.random() < 0.5:
        rows += _window_rows(sales[-2], YEARS[-2], rng)
    frame = pd.DataFrame(rows, columns=countmodel.EVIDENCE_COLUMNS)
    return frame, n_known


def _window_rows(annual: np.ndarray, year: int, rng: np.random.Generator) -> list[dict]:
    """An 18-day festival: each entity's annual sales times a window fraction and noise.

    Its size and total are not published, so the rows inform only the tail (a
    ``tail`` context with the model's transfer noise for another kind of entity).
    """
    fraction = 18 / 365 * rng.uniform(1.5, 3.0)  # festivals sell above the daily average
    window = annual * fraction * np.exp(rng.normal(0.0, 0.5, len(annual)))
    kw = {
        "role": "tail",
        "noise_sd": float(np.hypot(ROW_SD, TRANSFER_SD)),
        "start": pd.Timestamp(f"{year}-08-01"),
        "end": pd.Timestamp(f"{year}-08-18"),
        "published": pd.Timestamp(f"{year}-08-20"),
    }
    context = f"festival {year}"
    rows = []
    for threshold in WINDOW_THRESHOLDS:
        true = int(np.sum(window > threshold))
        if true >= MIN_PUBLISHED:
            value = max(round(true * np.exp(rng.normal(0, REPORT_SD))), 1)
            label = f"festival entities above {threshold:.0e}"
            rows.append(_row(context, label, "count", value, threshold=threshold, **kw))
            break
    top = float(np.sort(window)[-100:].sum() * np.exp(rng.normal(0, REPORT_SD)))
    rows.append(_row(context, "festival top 100 sales", "top_total", top, top_k=100.0, **kw))
    return rows


def population_prior(n_goal: float, n_known: float, rng: np.random.Generator) -> tuple:
    """The range an analyst would write for the goal year's active entities."""
    if np.isfinite(n_known):
        return (0.8 * n_known, 5.0 * n_known)
    centre = n_goal * np.exp(rng.normal(0.0, 0.7))
    return (centre / 5.0, centre * 5.0)


def judge_world(
    family: Family,
    regime: str,
    rng: np.random.Generator,
    population_growth: tuple[float, float] = POPULATION_GROWTH,
) -> dict:
    """Simulate one platform, fit the count model to its evidence, and score its goal."""
    gmv, n = platform_path(rng, regime)
    sales = family(rng, gmv, n)
    ev, n_known = evidence_rows(sales, n, rng)
    forecast = gmv[-1] * np.exp(rng.normal(0.0, GMV_FORECAST_SD))

    def draw_gmv(start, end, m, r):
        t = YEARS.index(start.year)
        if t < len(YEARS) - 1:
            return gmv[t] * np.exp(r.normal(0.0, PAST_GMV_SD, m))
        return forecast * np.exp(r.normal(0.0, GMV_FORECAST_SD, m))

    prior = countmodel.SizePrior(
        **SHAPE_PRIOR,
        population=population_prior(float(n[-1]), n_known, rng),
        gmv_share=(1.0, 1.0),
        population_growth=population_growth,
        model_error_sd=MODEL_ERROR_SD,
    )
    start, end = _year_dates(GOAL_YEAR)
    fit = countmodel.fit(
        ev,
        prior,
        draw_gmv,
        n_prior=N_PRIOR,
        n_draws=2000,
        seed=int(rng.integers(2**31)),
        reference=start + (end - start) / 2,
    )
    true_count = int(np.sum(sales[-1] > GOAL_THRESHOLD))
    goal = max(round(true_count * np.exp(rng.normal(0.0, GOAL_SD))), 1)
    counts = countmodel.predict_counts(fit, GOAL_THRESHOLD, draw_gmv(start, end, 2000, rng), rng)
    lo, hi = np.quantile(counts, [0.1, 0.9])
    used = fit.predictive[fit.predictive["fitted"].astype(bool)]
    held = used.loc[used["role"] != "lower_bound", "held_inside"]
    last = ev.loc[ev["role"] == "population", ["start", "threshold", "value"]]
    lag = GOAL_YEAR - last["start"].dt.year.max() if len(last) else np.nan
    last = last[last["threshold"] == GOAL_THRESHOLD].sort_values("start")
    return {
        "probability": float(np.mean(counts >= goal)),
        "met": true_count >= goal,
        "true_count": true_count,
        "goal": goal,
        "median_count": float(np.median(counts)),
        "last_published": float(last["value"].iloc[-1]) if len(last) else np.nan,
        "gmv_growth": float(gmv[-1] / gmv[0]),
        "evidence_lag": lag,
        "window": bool((ev["role"] == "tail").any()),
        "below_80": true_count < lo,
        "above_80": true_count > hi,
        "rows": len(used),
        "rows_inside": int(used["inside"].fillna(False).astype(bool).sum()),
        # The held-out check (each row predicted from the others), lower bounds excluded:
        # they pass by construction.
        "rows_held": int(held.notna().sum()),
        "rows_held_inside": int(held.fillna(False).astype(bool).sum()),
        "ess": fit.ess,
    }


def summarise(out: pd.DataFrame) -> dict:
    """Brier (model and base rate), separation and 80% coverage of one set of worlds."""
    met = out["met"].to_numpy(dtype=float)
    p = out["probability"].to_numpy()
    base = float(met.mean())
    sep = (
        float(p[met == 1].mean() - p[met == 0].mean()) if 0 < met.sum() < len(met) else float("nan")
    )
    inside = ~(out["below_80"] | out["above_80"])
    return {
        "worlds": len(out),
        "share met": base,
        "Brier model": float(np.mean((p - met) ** 2)),
        "Brier base rate": float(np.mean((base - met) ** 2)),
        "separation": sep,
        "80% coverage": float(inside.mean()),
        "truth below": float(out["below_80"].mean()),
        "truth above": float(out["above_80"].mean()),
        "evidence inside 80%": float(out["rows_inside"].sum() / max(out["rows"].sum(), 1)),
        "held out inside 80%": float(
            out["rows_held_inside"].sum() / max(out["rows_held"].sum(), 1)
        ),
        "rows (median)": float(out["rows"].median()),
    }


def meets(r: dict) -> dict:
    lo, hi = TARGETS["coverage"]
    verdict = {
        "Brier<=0.16": r["Brier model"] <= TARGETS["brier"],
        "sep>=0.4": r["separation"] >= TARGETS["separation"],
        "cov 70-90%": lo <= r["80% coverage"] <= hi,
    }
    return verdict | {"all": all(verdict.values())}


def run(
    worlds: int = 24,
    seed: int = SEED,
    population_growth: tuple[float, float] = POPULATION_GROWTH,
) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Score ``worlds`` platforms per family and population regime.

    ``population_growth`` is the model's prior range (``(0, 0)``: the model before it
    let the number of entities grow, every year's population the goal year's).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, float)
        The summary table (one row per family and regime, then the families the
        model does not fit pooled), the per-world records, and seconds taken.
    """
    started = time.perf_counter()
    records = []
    for i, (name, family) in enumerate(FAMILIES.items()):
        for j, regime in enumerate(REGIMES):
            for k in range(worlds):
                rng = np.random.default_rng([seed, i, j, k])
                records.append(
                    {"family": name, "population": regime}
                    | judge_world(family, regime, rng, population_growth)
                )
    per_world = pd.DataFrame(records)
    rows = []
    for (name, regime), part in per_world.groupby(["family", "population"], sort=False):
        r = summarise(part)
        rows.append({"family": name, "population": regime} | r | meets(r))
    others = per_world[per_world["family"] != "dPlN (model's own)"]
    r = summarise(others)
    rows.append({"family": "not the model's (pooled)", "population": "both"} | r | meets(r))
    return pd.DataFrame(rows), per_world, time.perf_counter() - started


def main() -> None:
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else SEED
    fixed = len(sys.argv) > 3 and sys.argv[3] == "fixed"
    growth = (0.0, 0.0) if fixed else POPULATION_GROWTH
    table, per_world, seconds = run(worlds, seed, growth)
    print(f"model's population growth prior (log per year): {growth[0]:g} to {growth[1]:g}")
    pd.set_option("display.width", 200)
    print(
        f"count goals on simulated platforms: {worlds} worlds per family and population "
        f"(seed {seed}, {seconds:.0f} s)"
    )
    numbers = [c for c in table.columns if table[c].dtype == float]
    fmt = {c: "{:.2f}".format for c in numbers}
    for c in (
        "share met",
        "80% coverage",
        "truth below",
        "truth above",
        "evidence inside 80%",
        "held out inside 80%",
    ):
        fmt[c] = "{:.0%}".format
    fmt["rows (median)"] = "{:.0f}".format
    cols = ["family", "population", *numbers]
    print(table[cols].to_string(index=False, formatters=fmt))
    lo, hi = TARGETS["coverage"]
    print(
        f"\ntargets (issue 21): Brier <= {TARGETS['brier']}, separation >= "
        f"{TARGETS['separation']}, 80% coverage of the goal-year count in [{lo:.0%}, {hi:.0%}]"
    )
    verdicts = ["family", "population", "Brier<=0.16", "sep>=0.4", "cov 70-90%", "all"]
    print(table[verdicts].replace({True: "yes", False: "NO"}).to_string(index=False))
    print(
        f"(with {worlds} worlds a row's 80% coverage has a standard error of about "
        f"{np.sqrt(0.8 * 0.2 / worlds):.0%}: a row near a bound can pass with one seed and "
        "fail with another)"
    )
    missed = per_world[per_world["below_80"] | per_world["above_80"]]
    if len(missed):
        ratio = missed["median_count"] / missed["true_count"].clip(lower=1)
        print(
            f"\nworlds whose goal-year count lies outside the 80% interval: {len(missed)} of "
            f"{len(per_world)}; median of the model's median count over the truth "
            f"{ratio.median():.2f} (10th-90th percentile {ratio.quantile(0.1):.2f} to "
            f"{ratio.quantile(0.9):.2f})"
        )
        last = missed["median_count"] / missed["last_published"]
        print(
            "  their model median over the last published count above ¥100M: "
            f"{last.median():.2f} (in {last.notna().sum()} with such a count); GMV grew "
            f"{missed['gmv_growth'].median():.2f}-fold over the four years (median)"
        )
    others = per_world[per_world["family"] != "dPlN (model's own)"]
    lag = others["evidence_lag"].map(lambda v: "none" if np.isnan(v) else f"{v:.0f}")
    by = []
    for key, part in others.groupby([lag, others["window"]], sort=True):
        r = summarise(part)
        cols = ["worlds", "Brier model", "Brier base rate", "separation", "80% coverage"]
        by.append(
            {"latest counts (years before)": key[0], "festival rows": key[1]}
            | {c: r[c] for c in cols}
        )
    print("\nthe families the model does not fit, by the latest year of published counts:")
    print(pd.DataFrame(by).to_string(index=False, formatters=fmt))
    print(f"time taken: {seconds:.0f} s")


if __name__ == "__main__":
    main()
