"""The front page of a report run: the scorecard, a small chart per goal, links into the reports.

:func:`render_index` fills ``templates/index.html.j2`` (which shares its style
sheet with the notebook reports, ``templates/targets.css``). Every number on the
page comes from :func:`targets.assess.scorecard` and
:func:`targets.assess.track_record` at the dates of :func:`track_dates`, the
same calls the scorecard and track-record notebooks make, so with the
assessment store (:mod:`targets.report.store`) the page reads the notebooks' results
instead of recomputing them, and agrees with them to the digit.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from targets import formatting as fmt

_TEMPLATE_DIR = Path(__file__).parent / "templates"
#: Samples per assessment on every page; one value, so every page reads the same computation.
N_SAMPLES = 4000
#: Samples per assessment at the earlier as-of dates of the track record.
HISTORY_SAMPLES = 1000


def latest_published(as_of: str | None = None) -> pd.Timestamp:
    """The publication date of the newest row in ``data/`` usable by ``as_of``."""
    from targets.sources.data import load_all

    return pd.Timestamp(load_all(as_of)["published"].max()).normalize()


def data_cutoff_text(as_of: str | None) -> str:
    """How the front page and reports say which data they use.

    Examples
    --------
    >>> data_cutoff_text("2021-04-08")
    'the data published up to 2021-04-08'
    """
    if as_of:
        return f"the data published up to {fmt.date(as_of)}"
    return (
        f"all the data in data/ (the newest figure was published on {fmt.date(latest_published())})"
    )


def track_dates(as_of: str | None = None) -> list[pd.Timestamp]:
    """The as-of dates of the track record: every six months while the goals were live, then yearly.

    From the announcement (2021-04-08) to the end of 2023 every six months, then
    each July, and the last date itself (``as_of``, or the newest publication
    date on the latest data). The probabilities barely move once the deadlines
    have passed.
    """
    end = pd.Timestamp(as_of).normalize() if as_of else latest_published()
    live = pd.date_range("2021-04-08", min(end, pd.Timestamp("2023-12-31")), freq="6MS")
    after = (
        pd.date_range("2024-07-01", end, freq="12MS") if end > pd.Timestamp("2024-07-01") else []
    )
    return sorted({*[d for d in live if d <= end], *after, end})


#: The columns of :func:`history` (those of :func:`targets.assess.track_record` and ``goal``).
HISTORY_COLUMNS = [
    "as_of",
    "probability",
    "verdict",
    "median",
    "lo_80",
    "hi_80",
    "method",
    "note",
    "method_change",
    "goal",
]


def history(as_of: str | None = None) -> pd.DataFrame:
    """Each goal's probability at :func:`track_dates` (``goal, as_of, probability, ...``).

    The last date is the run's own as-of date and reads the scorecard's assessment
    (:data:`N_SAMPLES` samples), so the track record ends on the scorecard's
    number; earlier dates use :data:`HISTORY_SAMPLES` samples to keep the report fast.
    """
    from targets import assess
    from targets.sources import goals

    dates = track_dates(as_of)
    end = dates[-1]
    frames = []
    for g in goals.load():
        if pd.Timestamp(g.announced) > end:
            # Not announced by the as-of date: nothing to track. (A track record always
            # starts at the announcement, which would show a probability computed later.)
            continue
        past = assess.track_record(g.id, dates[:-1], n_samples=HISTORY_SAMPLES)
        # The run's own date, with the date before it so that a change of method or prior
        # is judged against the previous point (track_record also prepends the announcement).
        before = [dates[-2]] if len(dates) > 1 else []
        last = assess.track_record(g.id, [*before, as_of], n_samples=N_SAMPLES)
        last = last.iloc[[-1]].assign(as_of=end)
        # track_record starts every record at the announcement: when that is the run's own
        # date (an as-of report on announcement day), the scorecard's point stands alone.
        past = past[past["as_of"] < end]
        frames.append(pd.concat([past, last], ignore_index=True).assign(goal=g.id))
    if not frames:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def sparkline(records: pd.DataFrame, goal) -> str:
    """A small PNG (data URI) of one goal's probability over as-of dates, deadline marked.

    Parameters
    ----------
    records : pandas.DataFrame
        ``as_of, probability`` rows of one goal.
    goal : targets.sources.goals.Goal
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2.2, 0.85), layout="constrained")
    pts = records.dropna(subset=["probability"])
    ax.plot(pts["as_of"], pts["probability"], color="#4C72B0", marker="o", markersize=2.5, lw=1.4)
    deadline = pd.Timestamp(goal.deadline_end)
    ax.axvline(deadline, color="#B03A2E", lw=1, ls="--")
    # No record (a goal not announced by the as-of date): the deadline alone.
    lo = records["as_of"].min() if len(records) else deadline - pd.DateOffset(years=1)
    hi = max(records["as_of"].max(), deadline) if len(records) else deadline
    pad = (hi - lo) * 0.04
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 1], ["0", "1"], fontsize=6)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=6, length=2)
    ax.tick_params(axis="y", length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class GoalRow:
    """One scorecard row of the front page, every field already formatted."""

    goal_id: str
    name: str
    probability: str
    verdict: str
    forecast: str
    threshold: str
    progress: str
    hindsight: str
    chart: str
    chart_alt: str
    report: str
    reasons: list[str]


def _report_for(goal) -> str:
    return "03-interest-commerce.html" if goal.kind == "aggregate" else "04-count-goals.html"


def reason_bullets(explanation: str) -> list[str]:
    """Split a generated explanation into its sentences, one bullet each."""
    import re

    parts = re.split(r"(?<=\.)\s+(?=[A-Z¥0-9])", explanation.strip())
    return [p.strip() for p in parts if p.strip()]


def goal_rows(as_of: str | None = None) -> list[GoalRow]:
    """The front page's scorecard rows, formatted, with a small chart each."""
    from targets import assess
    from targets.sources import goals

    card = assess.scorecard(as_of, n_samples=N_SAMPLES).set_index("goal")
    records = history(as_of)
    records_end = track_dates(as_of)[-1]
    rows = []
    for goal in goals.load():
        r = card.loc[goal.id]
        money = goal.kind == "aggregate"
        value = fmt.yuan if money else fmt.approx_count
        p = r.get("probability")
        forecast = (
            f"{value(r['median'])} ({value(r['lo_80'])} to {value(r['hi_80'])})"
            if "median" in r and pd.notna(r["median"])
            else fmt.MISSING
        )
        met = r.get("met_in_hindsight")
        hindsight = (
            "no published figure"
            if met is None or (isinstance(met, float) and pd.isna(met))
            else ("met" if bool(met) else "not met")
        )
        mine = records[records["goal"] == goal.id]
        pts = mine.dropna(subset=["probability"])
        alt = (
            f"Probability that {fmt.goal_name(goal)} is met, at as-of dates from "
            f"{fmt.date(pts['as_of'].min())} to {fmt.date(pts['as_of'].max())}: "
            + ", ".join(fmt.probability(v) for v in pts["probability"])
            + f"; deadline {fmt.date(goal.deadline_end)}."
            if len(pts)
            else f"No forecast could be made for {fmt.goal_name(goal)} at these dates."
            if len(mine)
            else f"{fmt.goal_name(goal)} had not been announced by {fmt.date(records_end)}."
        )
        rows.append(
            GoalRow(
                goal_id=goal.id,
                name=fmt.goal_name(goal),
                probability=fmt.probability(p),
                verdict=str(r.get("verdict", fmt.MISSING)),
                forecast=forecast,
                threshold=fmt.yuan(goal.threshold) if money else fmt.count(goal.threshold),
                progress=fmt.text(r.get("progress")),
                hindsight=hindsight,
                chart=sparkline(mine, goal),
                chart_alt=alt,
                report=_report_for(goal),
                reasons=reason_bullets(str(r.get("explanation", ""))),
            )
        )
    return rows


def render_index(
    reports: Sequence,
    as_of: str | None,
    *,
    rows: Sequence[GoalRow] | None = None,
    title: str = "Were Douyin E-commerce's April 2021 goals plausible?",
) -> str:
    """The front page HTML.

    Parameters
    ----------
    reports : sequence of targets.report.render.NotebookResult
        The notebooks rendered in this run (title, file name, outcome).
    as_of : str or None
        The run's as-of date (``None``: latest data).
    rows : sequence of GoalRow, optional
        The scorecard rows; computed with :func:`goal_rows` when not given.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from targets.assess import VERDICTS

    cuts = [(cut, label) for cut, label in VERDICTS if cut > 0]
    legend = (
        ", ".join(f"{label} at {fmt.percent(cut)} or more" for cut, label in cuts)
        + f", {VERDICTS[-1][1]} below {fmt.percent(cuts[-1][0])}"
    )
    template = env.get_template("index.html.j2")
    return template.render(
        title=title,
        verdict_legend=legend,
        as_of=as_of,
        cutoff=data_cutoff_text(as_of),
        rows=list(rows) if rows is not None else goal_rows(as_of),
        reports=list(reports),
    )
