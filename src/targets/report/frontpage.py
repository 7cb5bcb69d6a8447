"""The front page of a report run: the scorecard, a small chart per goal, links into the reports.

:func:`render_index` fills ``templates/index.html.j2`` (which shares its style
sheet with the notebook reports, ``templates/targets.css``). Every number on the
page comes from :func:`targets.assess.scorecard` and
:func:`targets.assess.track_record` at the dates of :func:`track_dates`, the
same calls the scorecard and track-record notebooks make, so with the
assessment store (:mod:`targets.assess.store`) the page reads the notebooks' results
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
from targets.sources.vintage import Vintage, open_vintage

_TEMPLATE_DIR = Path(__file__).parent / "templates"
#: Samples per assessment on every page; one value, so every page reads the same computation.
N_SAMPLES = 4000
#: Samples per assessment at the earlier as-of dates of the track record.
HISTORY_SAMPLES = 1000


def latest_published(vintage: Vintage) -> pd.Timestamp:
    """The publication date of the newest row in the vintage."""
    return pd.Timestamp(vintage.last_published).normalize()


def data_cutoff_text(vintage: Vintage) -> str:
    """How the front page and reports say which data they use.

    Examples
    --------
    >>> from targets.sources.vintage import open_vintage
    >>> data_cutoff_text(open_vintage(as_of="2021-04-08"))
    'the data published up to 2021-04-08'
    """
    if vintage.as_of is not None:
        return f"the data published up to {fmt.date(vintage.as_of)}"
    newest = fmt.date(latest_published(vintage))
    return f"all the data (the newest figure was published on {newest})"


def track_dates(vintage: Vintage) -> list[pd.Timestamp]:
    """The as-of dates of the track record: every six months while goals are live, then yearly.

    From the first announcement among the goals to the last deadline every six
    months, then each year, and the last date itself (the vintage's as-of date,
    or the newest publication date). The probabilities barely move once the
    deadlines have passed.
    """
    end = vintage.as_of if vintage.as_of is not None else latest_published(vintage)
    goals = vintage.goals
    if not goals:
        return [end]
    first = min(pd.Timestamp(g.announced) for g in goals)
    last_deadline = max(pd.Timestamp(g.deadline_end) for g in goals)
    live = pd.date_range(first, min(end, last_deadline), freq="6MS") if first <= end else []
    after_start = last_deadline + pd.offsets.YearBegin(1) + pd.DateOffset(months=6)
    after = pd.date_range(after_start, end, freq="12MS") if end > after_start else []
    return sorted({*[d for d in live if d <= end], *after, first if first <= end else end, end})


#: The columns of :func:`history` (those of :func:`targets.assess.track_record` and ``goal``).
HISTORY_COLUMNS = [
    "as_of",
    "probability",
    "bound",
    "band",
    "band_low",
    "band_high",
    "verdict",
    "median",
    "lo_80",
    "hi_80",
    "method",
    "note",
    "method_change",
    "goal",
]


def chance_text(a) -> str:
    """An assessment in a few words, as the pages' answers give it: the outcome once
    published, the labelled bound for a goal judged on a part of its quantity, the band
    of a count goal an assumption decides (``"8%–65%, set by the assumed share of new
    brands."``), else the probability and its verdict (``"32% (stretch)."``)."""
    from targets.assess import band_label, bound_label, verdict

    if a.outcome is not None:
        return f"{a.outcome} (the outcome is published)."
    if a.bound is not None:
        return f"{bound_label(a)} (a bound, not a probability)."
    band = band_label(a)
    if band is not None and a.band_input:
        return f"{band}."
    if band is not None:  # prior only, with no assumption range to show
        return f"{band} ({verdict(a.probability)})."
    return f"{fmt.probability(a.probability)} ({a.verdict})."


def history(vintage: Vintage) -> pd.DataFrame:
    """Each goal's probability at :func:`track_dates` (``goal, as_of, probability, ...``).

    The last date is the run's own as-of date and reads the scorecard's assessment
    (:data:`N_SAMPLES` samples), so the track record ends on the scorecard's
    number, and the announcement uses :data:`N_SAMPLES` too (the number a report as of that
    day gives); the dates between use :data:`HISTORY_SAMPLES` samples to keep the report fast.
    """
    from targets import assess

    dates = track_dates(vintage)
    end = dates[-1]
    frames = []
    full = vintage.latest
    for g in vintage.goals:
        if pd.Timestamp(g.announced) > end:
            # Not announced by the as-of date: nothing to track. (A track record always
            # starts at the announcement, which would show a probability computed later.)
            continue
        past = assess.track_record(g.id, dates[:-1], vintage=full, n_samples=HISTORY_SAMPLES)
        # The announcement with the scorecard's samples: the same number a report as of the
        # announcement gives (the index's "then" column and that report agree).
        announced = pd.Timestamp(g.announced)
        if len(past) and announced < end:
            first = assess.track_record(g.id, [announced], vintage=full, n_samples=N_SAMPLES)
            past = pd.concat([first, past[past["as_of"] != announced]], ignore_index=True)
        # The run's own date, with the date before it so that a change of method or prior
        # is judged against the previous point (track_record also prepends the announcement).
        before = [dates[-2]] if len(dates) > 1 else []
        last = assess.track_record(
            g.id, [*before, vintage.as_of], vintage=full, n_samples=N_SAMPLES
        )
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
        ``as_of, probability`` rows of one goal, with ``band_low, band_high`` (shares)
        where an assumption decides the answer: such dates are drawn as a bar.
    goal : targets.sources.goals.Goal
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2.2, 0.85), layout="constrained")
    pts = records.dropna(subset=["probability"])
    banded = (
        records.dropna(subset=["band_low", "band_high"])
        if {"band_low", "band_high"} <= set(records.columns)
        else records.iloc[0:0]
    )
    # A date whose answer an assumption decides is drawn as its band (a vertical bar), not
    # as a point: the point would look like an evidence-driven probability.
    plain = pts[~pts["as_of"].isin(banded["as_of"])]
    ax.plot(pts["as_of"], pts["probability"], color="#4C72B0", lw=1.0, alpha=0.5)
    ax.plot(plain["as_of"], plain["probability"], color="#4C72B0", ls="", marker="o", ms=2.5)
    ax.vlines(
        banded["as_of"],
        banded["band_low"],
        banded["band_high"],
        color="#4C72B0",
        lw=2.2,
        alpha=0.45,
    )
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
    """One scorecard row of the front page, every field already formatted.

    ``then`` is the chance at the goal's announcement; ``now`` the chance at the
    run's date, or the published outcome with its figure once the goal is resolved.
    """

    goal_id: str
    name: str
    then: str
    now: str
    verdict: str
    forecast: str
    threshold: str
    chart: str
    chart_alt: str
    report: str
    reasons: list[str]
    probability: str = ""
    resolved: bool = False


def _report_for(goal) -> str:
    page = "04-count-goals.html" if goal.kind == "count" else "03-aggregate-goals.html"
    return f"{page}#{goal_anchor(goal)}"


def goal_anchor(goal) -> str:
    """The HTML id of a goal's section on its page (``goal-<id>``)."""
    return f"goal-{goal.id}"


def reason_bullets(explanation: str) -> list[str]:
    """Split a generated explanation into its sentences, one bullet each."""
    import re

    parts = re.split(r"(?<=\.)\s+(?=[A-Z¥0-9])", explanation.strip())
    return [p.strip() for p in parts if p.strip()]


def _chance(p, lo=None, hi=None) -> str:
    """``"31% (80%: 20% to 45%)"``, or the dash for no probability."""
    if p is None or pd.isna(p):
        return fmt.MISSING
    text = fmt.probability(p)
    if lo is not None and hi is not None and pd.notna(lo) and pd.notna(hi):
        text += f" (80%: {fmt.probability(lo)} to {fmt.probability(hi)})"
    return text


def goal_rows(as_of: str | None = None) -> list[GoalRow]:
    """The front page's scorecard rows, formatted, with a small chart each.

    An entry point: reads the data folders and goal file of the run (as of ``as_of``).
    """
    from targets import assess
    from targets.assess.explain import value_format

    vintage = open_vintage(as_of=as_of)
    card = assess.scorecard(vintage=vintage, n_samples=N_SAMPLES).set_index("goal")
    records = history(vintage)
    records_end = track_dates(vintage)[-1]
    rows = []
    for goal in vintage.goals:
        r = card.loc[goal.id]
        value = value_format(goal)
        mine = records[records["goal"] == goal.id]
        pts = mine.dropna(subset=["probability"])
        announced = pd.Timestamp(goal.announced)
        at_announcement = mine[mine["as_of"] == announced]
        if announced > records_end:
            then = f"not announced by {fmt.date(records_end)}"
        elif not at_announcement.empty and isinstance(at_announcement["bound"].iloc[0], str):
            then = f"{at_announcement['bound'].iloc[0]} (a bound)"
        elif not at_announcement.empty and isinstance(at_announcement["band"].iloc[0], str):
            then = at_announcement["band"].iloc[0]
        elif at_announcement.empty or pd.isna(at_announcement["probability"].iloc[0]):
            then = "no forecast"
        else:
            then = fmt.probability(at_announcement["probability"].iloc[0])
        outcome = r.get("outcome")
        bound = r.get("bound")
        band = r.get("band")
        if isinstance(bound, str):
            now = f"{bound} (a bound)"
        elif isinstance(band, str):
            now = band  # an assumption decides: its band, not the point
        elif isinstance(outcome, str):
            figure = r.get("realized")
            now = f"{outcome}: {value(figure)}" if pd.notna(figure) else outcome
        else:
            now = _chance(
                r.get("probability"), r.get("probability_lo_80"), r.get("probability_hi_80")
            )
        resolved = isinstance(outcome, str)
        # A resolved goal shows its outcome, not a forecast fitted to data that hold it.
        forecast = (
            "none: resolved"
            if resolved
            else f"{value(r['median'])} ({value(r['lo_80'])} to {value(r['hi_80'])})"
            if pd.notna(r.get("median"))
            else fmt.MISSING
        )
        alt = (
            f"Probability that {fmt.goal_name(goal)} is met, at as-of dates from "
            f"{fmt.date(pts['as_of'].min())} to {fmt.date(pts['as_of'].max())}: "
            + ", ".join(
                b if isinstance(b, str) else fmt.probability(v)
                for v, b in zip(pts["probability"], pts["band"], strict=True)
            )
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
                then=then,
                now=now,
                verdict=str(r.get("verdict", fmt.MISSING)),
                forecast=forecast,
                threshold=goal.describe_threshold(value)
                if goal.comparator != ">="
                else value(goal.threshold),
                chart=sparkline(mine, goal),
                chart_alt=alt,
                report=_report_for(goal),
                reasons=reason_bullets(str(r.get("explanation", ""))),
                probability=fmt.probability(r.get("probability")),
                resolved=resolved,
            )
        )
    return rows


#: The front page's heading when the goal file gives no title.
DEFAULT_TITLE = "Is each goal plausible from the growth curves, and how is it tracking?"


def render_index(
    reports: Sequence,
    as_of: str | None,
    *,
    rows: Sequence[GoalRow] | None = None,
    title: str | None = None,
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
    title : str, optional
        The heading; default the goal file's ``title`` (else :data:`DEFAULT_TITLE`).
    """
    vintage = open_vintage(as_of=as_of)
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
    from targets import assess

    goals = vintage.goals
    announced = sorted({fmt.date(g.announced) for g in goals})
    record = assess.skill_sentence(assess.method_record(vintage))
    intro = (
        f"The goal file holds {len(goals)} goal{'s' if len(goals) != 1 else ''}, announced "
        + (
            f"on {announced[0]}."
            if len(announced) == 1
            else f"from {announced[0]} to {announced[-1]}."
        )
        if goals
        else "The goal file holds no goal."
    )
    return template.render(
        title=title or vintage.title or DEFAULT_TITLE,
        intro=intro,
        method_record=record,
        verdict_legend=legend,
        as_of=as_of,
        cutoff=data_cutoff_text(vintage),
        rows=list(rows) if rows is not None else goal_rows(as_of),
        reports=list(reports),
    )
