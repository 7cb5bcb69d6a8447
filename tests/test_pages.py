"""Every rendered page reads like a publication: no raw numbers, no blanks, one set of numbers.

Reads the text of each page (and its images' alt text) as a reader sees it, for the
latest data and as of 2021-04-08 (the reports are rendered once per date, see
``rendered_reports`` in conftest.py), and fails on scientific notation, ``NaN``,
``None``, a truncated cell, an empty value in a sentence, or a probability that
differs from :func:`targets.assess.scorecard` for the same as-of date.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pandas as pd
import pytest

from targets import formatting as fmt
from targets.sources import goals

pytestmark = pytest.mark.slow

#: What a reader must never see, with the reason shown when it is found.
FORBIDDEN = [
    (re.compile(r"\b\d+(?:\.\d+)?[eE][+-]?\d+\b"), "scientific notation"),
    (re.compile(r"\d\s*×\s*10[⁰¹²³⁴⁵⁶⁷⁸⁹]"), "scientific notation"),
    (re.compile(r"\bNaN\b|\bnan\b|\bNaT\b|<NA>"), "a missing value printed raw"),
    (re.compile(r"^(?:True|False)$"), "a raw boolean cell"),
    (re.compile(r"\bNone\b(?! of)"), "None printed"),
    (re.compile(r"\.\.\.(?!\w)"), "a truncated cell"),
    (re.compile(r"(?<=\w) +[.,;:](?=\s|$)"), "an empty value before punctuation"),
    (re.compile(r"\(\s*\)|\[\s*\]"), "empty brackets"),
    (re.compile(r"\b(?:of|is|at least|from|to|by|was|and) +[.,;]"), "an empty value in a sentence"),
    (re.compile(r"\bn/a\b"), "n/a in place of a value"),
    (
        re.compile(r"\b(?:0|100)%(?! of)\s*\((?:on track|likely|plausible|stretch|implausible)"),
        "a probability printed as certain",
    ),
]


class _Text:
    """The visible text of a page: tags removed, styles and scripts dropped, alt text kept."""

    def __init__(self, raw: str) -> None:
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
        alts = re.findall(r'<img[^>]*\balt="([^"]*)"', body)
        body = re.sub(r"<img[^>]*>", " ", body)
        body = re.sub(r"<(?:br|p|li|tr|td|th|h\d|div|summary)\b[^>]*>", "\n", body, flags=re.I)
        body = re.sub(r"</?(?:td|th|tr|table|thead|tbody|div|p|li|ul|ol|h\d)\b[^>]*>", "\n", body)
        body = re.sub(r"<[^>]+>", "", body)  # inline tags (strong, em, a) join their text
        self.text = htmllib.unescape(body)
        self.alts = [htmllib.unescape(a) for a in alts]

    def lines(self) -> list[str]:
        return [ln.strip() for ln in (self.text + "\n" + "\n".join(self.alts)).splitlines()]


def _pages(run) -> dict[str, str]:
    folder = Path(run.output)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


#: A frame printed with its 0..n index: a header cell holding only a row number.
INDEX_COLUMN = re.compile(r"<tr>\s*<th[^>]*>\s*\d+\s*</th>")


def _problems(run) -> list[str]:
    """What a reader must never see (:data:`FORBIDDEN`), page by page."""
    problems = []
    for name, raw in _pages(run).items():
        if INDEX_COLUMN.search(raw):
            problems.append(f"{name}: a table printed with its index column")
        for line in _Text(raw).lines():
            if not line:
                continue
            for pattern, why in FORBIDDEN:
                hit = pattern.search(line)
                if hit:
                    problems.append(
                        f"{name}: {why}: …{line[max(0, hit.start() - 60) : hit.end() + 40]}…"
                    )
    return problems


def test_no_page_shows_raw_numbers_or_blanks(rendered_reports):
    as_of, run = rendered_reports
    assert run.ok, [(r.notebook, r.error) for r in run.results if not r.ok]
    problems = _problems(run)
    assert not problems, f"{len(problems)} problem(s), as of {as_of or 'latest'}:\n" + "\n".join(
        problems[:40]
    )


def _scorecard(as_of) -> pd.DataFrame:
    from targets.assess import scorecard
    from targets.report.frontpage import N_SAMPLES

    return scorecard(as_of, n_samples=N_SAMPLES)


def test_every_page_gives_the_scorecard_probability(rendered_reports):
    as_of, run = rendered_reports
    pages = {n: _Text(raw) for n, raw in _pages(run).items()}
    card = _scorecard(as_of)
    names = fmt.goal_names(goals.load())
    registry = {g.id: g for g in goals.load()}
    wrong = []
    index = _pages(run)["index.html"]
    for row in card.itertuples():
        p = fmt.probability(row.probability)
        name = names[row.goal]
        # index: the scorecard row's "now" cell: the chance (with its interval), or the outcome
        cell = re.search(
            rf'<a href="#{row.goal}">[^<]*</a></td>\s*<td class="num">[^<]*</td>\s*'
            r'<td class="num">([^<]*)</td>',
            index,
        )
        now = htmllib.unescape(cell.group(1)) if cell else ""
        bound = row.bound if isinstance(row.bound, str) else None
        band = row.band if isinstance(row.band, str) else None  # an assumption decides
        expected = row.outcome if isinstance(row.outcome, str) else bound or band or p
        if not now.startswith(expected):
            wrong.append(("index.html", row.goal, expected, now))
        # 01: the bar chart's alt text names each open goal with its probability; a resolved
        # goal or one given as a bound is said in a sentence instead
        alt = " ".join(pages["01-scorecard.html"].alts)
        if pd.notna(row.probability) and f"{name} {p}" not in alt:
            wrong.append(("01-scorecard.html alt", row.goal, p, alt[:200]))
        said = f"{name}: {row.outcome}" if isinstance(row.outcome, str) else f"{name}: {bound}"
        if pd.isna(row.probability) and said not in pages["01-scorecard.html"].text:
            wrong.append(("01-scorecard.html", row.goal, said, ""))
        # 04: the answer names each count goal with its probability and verdict
        if registry[row.goal].kind == "count" and "04-count-goals.html" in pages:
            answer = f"{name}: {band or p} ({row.verdict})"
            if answer not in pages["04-count-goals.html"].text:
                wrong.append(("04-count-goals.html", row.goal, answer, ""))
    # 05: the track record's last row for each goal is the scorecard's number
    track = _pages(run).get("05-track-record.html", "")
    cells = [
        htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", track, flags=re.S)
    ]
    for row in card.itertuples():
        name, p = names[row.goal], fmt.probability(row.probability)
        p = f"{row.bound} (a bound)" if isinstance(row.bound, str) else p
        p = f"{row.band} (point {p})" if isinstance(row.band, str) else p
        found = [cells[i + 2] for i in range(len(cells) - 2) if cells[i] == name]
        if found and found[-1] != p:
            wrong.append(("05-track-record.html", row.goal, p, found[-1]))
        if not found:
            wrong.append(("05-track-record.html", row.goal, p, "no row"))
    assert not wrong, wrong


#: Long before the data (and the goals): every report must still render, in sentences.
EARLY = "2015-01-01"


def test_every_page_renders_before_the_data_with_sentences_in_place_of_charts(tmp_path):
    from targets.report import render as report
    from targets.report.frontpage import goal_rows

    run = report.write_reports(tmp_path / "out", as_of=EARLY, progress=False, summary=goal_rows)
    assert run.ok, [(r.notebook, r.failed_cell, r.error) for r in run.results if not r.ok]
    problems = _problems(run)
    assert not problems, f"{len(problems)} problem(s), as of {EARLY}:\n" + "\n".join(problems)
    pages = {name: _Text(raw) for name, raw in _pages(run).items()}
    for name in ("01-scorecard.html", "03-aggregate-goals.html", "05-track-record.html"):
        text = pages[name].text
        assert "Traceback" not in text and "Error" not in text, name
        assert pages[name].alts == [], f"{name}: a chart drawn with nothing to draw"
        assert "nothing to show here" in text.lower() or "no chart yet" in text, name
    # No probability computed after the date: a goal's track record starts at its
    # announcement (2021), so here there is none, on 05 and in the index's small charts.
    assert f"No goal had been announced by {EARLY}" in pages["05-track-record.html"].text
    alts = pages["index.html"].alts
    assert len(alts) >= len(goals.load())
    assert all("had not been announced by" in alt for alt in alts)


def test_the_track_record_has_one_point_per_goal_and_date_and_ends_on_the_scorecard(
    rendered_reports, report_store, monkeypatch
):
    # Reads the run's stored assessments. A second point at the last date (the
    # announcement's probability relabelled with the run's date) was once drawn here.
    from targets.report.frontpage import history

    as_of, _ = rendered_reports
    monkeypatch.setenv("TARGETS_CACHE_DIR", str(report_store))
    from targets.sources.vintage import open_vintage

    records = history(open_vintage(as_of=as_of))
    assert not records.duplicated(["goal", "as_of"]).any()
    card = _scorecard(as_of).set_index("goal")
    last = records.sort_values("as_of", kind="stable").groupby("goal").tail(1).set_index("goal")
    for goal, row in last.iterrows():
        expected = card.loc[goal, "probability"]
        assert (pd.isna(expected) and pd.isna(row["probability"])) or row[
            "probability"
        ] == expected, goal


#: The data appendix: the one page that names data files and series by their ids.
APPENDIX = "07-data-sources.html"
#: A snake_case word a reader would meet: an id of a goal, series, data set or assumption,
#: or a code of the data files. A path or file name (``data/count_record.yaml``) is a
#: reference to look up, not a word in a sentence, and passes.
SNAKE = re.compile(r"(?<![/\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.(?:csv|py|yaml|md|html)\b)")


def test_no_internal_identifier_reaches_the_reader(rendered_reports):
    """Series, goals and parameters appear under their names; ids stay in code and in the
    data appendix (issue 23)."""
    as_of, run = rendered_reports
    found = {}
    for name, raw in _pages(run).items():
        if name == APPENDIX:
            continue
        for line in _Text(raw).lines():
            for hit in SNAKE.finditer(line):
                found.setdefault(name, set()).add(
                    f"{hit.group(0)}: …{line[max(0, hit.start() - 50) : hit.end() + 30]}…"
                )
    assert not found, {page: sorted(words)[:8] for page, words in found.items()}
