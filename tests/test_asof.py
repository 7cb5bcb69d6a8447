"""As of a date the project knows only what was published by then: proven on data cut at that date.

Every data file is physically cut into a temporary folder at several dates (the
announcement, two dates in between, one after the deadline): observation rows
by ``published``, dated assumptions by ``usable_from``, goals by ``announced``.
``targets assess`` on the cut copy must print exactly what it prints as of that
date on the full data, and the reports rendered on the cut copy must show no
figure that was published only after the date.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from targets import formatting
from targets.sources import data as data_mod
from targets.sources import goals
from targets.sources.units import format_yuan

DATA = data_mod.data_dir()
# The announcement, two dates in between, one after the deadline (April 2022).
DATES = ["2021-04-08", "2021-10-01", "2022-06-30", "2023-06-30"]
REPORT_DATE = "2021-04-08"
TARGETS = Path(sys.executable).parent / "targets"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# --------------------------------------------------------------------------- cutting


def _cut_csv(path: Path, as_of: str) -> str:
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, body = records[0], records[1:]
    if "usable_from" in header:  # dated assumptions (they also have a published column)
        j = header.index("usable_from")
        keep = [r for r in body if r[j] == "" or r[j] <= as_of]
    elif "published" in header:  # observation rows: what was published by then
        j = header.index("published")
        keep = [r for r in body if r[j] <= as_of]
    elif "announced" in header:
        j = header.index("announced")
        keep = [r for r in body if r[j] <= as_of]
    else:
        raise AssertionError(
            f"{path.name}: no published, usable_from or announced column to cut by"
        )
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([header, *keep])
    return out.getvalue()


def cut_data(src: Path, dst: Path, as_of: str) -> Path:
    """Copy the data folder ``src`` to ``dst`` keeping only what was known by ``as_of``.

    Rows by publication date and dated assumptions by ``usable_from``; the goal
    and pledge files are copied whole (the shipped goal file must run on a cut
    folder: a series with no row yet gives its goal "no forecast", never a
    refusal). A file this function cannot date fails the test: a new kind of
    data file must say how its rows are dated before it can pass the as-of proof.
    """
    dst.mkdir(parents=True)
    for path in sorted(src.iterdir()):
        if path.name == "series.csv":  # the series dictionary: names, not figures
            shutil.copy2(path, dst / path.name)
        elif path.suffix == ".csv":
            (dst / path.name).write_text(_cut_csv(path, as_of), encoding="utf-8")
        elif path.suffix in (".yaml", ".yml", ".md"):
            shutil.copy2(path, dst / path.name)
        else:
            raise AssertionError(f"cut_data does not know how to date {path.name}")
    return dst


def line_map(full: Path, cut: Path, as_of: str) -> dict[str, dict[int, int]]:
    """Per data set, a row's line in the cut file -> its line in the full file."""
    out = {}
    for name in data_mod.datasets():
        a = data_mod.load(name, as_of, directory=full).sort_values("row")["row"].tolist()
        b = data_mod.load(name, directory=cut).sort_values("row")["row"].tolist()
        assert len(a) == len(b), name
        out[name] = dict(zip(b, a, strict=True))
    return out


def _to_full_lines(value, lines: dict[str, dict[int, int]]):
    """Rewrite ``{"dataset": d, "line": n}`` items of an output from cut-file to full-file lines."""
    if isinstance(value, dict):
        out = {k: _to_full_lines(v, lines) for k, v in value.items()}
        if out.get("dataset") in lines and isinstance(out.get("line"), int):
            out["line"] = lines[out["dataset"]][out["line"]]
        return out
    if isinstance(value, list):
        return [_to_full_lines(v, lines) for v in value]
    return value


def test_cut_keeps_exactly_the_rows_published_by_the_date(tmp_path):
    cut = cut_data(DATA, tmp_path / "data", "2021-04-08")
    for name in data_mod.datasets():
        full = data_mod.load(name, "2021-04-08")
        rows = data_mod.load(name, directory=cut)
        assert len(rows) == len(full), name
        assert (rows["published"] <= "2021-04-08").all()
        cols = ["series_id", "period_start", "period_end", "value", "unit", "source_url"]
        assert rows[cols].astype(str).values.tolist() == full[cols].astype(str).values.tolist()
    later = data_mod.load_assumptions(directory=cut)
    assert later.equals(later[later["usable_from"].isna() | (later["usable_from"] <= "2021-04-08")])
    assert [g.id for g in goals.load(directory=cut)] == [g.id for g in goals.load()]


def test_cut_refuses_a_file_it_cannot_date(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DATA, src)
    (src / "pledges.json").write_text("{}", encoding="utf-8")
    with pytest.raises(AssertionError, match="does not know how to date pledges.json"):
        cut_data(src, tmp_path / "dst", "2021-04-08")


# --------------------------------------------------------------------------- assess


def _assess(as_of: str, data_dir: Path | None) -> subprocess.Popen:
    """Start ``targets assess --as-of`` on the shipped data or (``--data-dir``) on a cut copy."""
    # The session's store: each side computes its own assessments (stored under the content of
    # the data it read, which differs); the track record's entries are stored under the rows
    # each entry reads at its announcement, so the cut and the full data share them only where
    # they read the same rows, which is part of what this proves.
    env = dict(os.environ)
    for var in ("TARGETS_DATA_DIR", "TARGETS_GOALS"):
        env.pop(var, None)
    where = [] if data_dir is None else ["--data-dir", str(data_dir)]
    return subprocess.Popen(
        [str(TARGETS), "assess", *where, "--as-of", as_of, "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _output(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return out


@pytest.mark.slow
@pytest.mark.parametrize("as_of", DATES)
def test_assess_on_data_cut_at_a_date_equals_assess_as_of_that_date(as_of, tmp_path):
    started = time.perf_counter()
    cut = cut_data(DATA, tmp_path / "data", as_of)
    on_cut, on_full = _assess(as_of, cut), _assess(as_of, None)  # side by side: two cores
    cut_text, full_text = _output(on_cut), _output(on_full)
    # Identical, once the line numbers that name rows (influence) point into the same file.
    lines = line_map(DATA, cut, as_of)
    assert _to_full_lines(json.loads(cut_text), lines) == json.loads(full_text)
    assert len(pd.read_json(io.StringIO(full_text))) == len(goals.load(directory=cut))
    print(f"as-of proof {as_of}: {time.perf_counter() - started:.1f}s")


# --------------------------------------------------------------------------- report text


def report_text(page: str) -> str:
    """The text a reader sees in an HTML page: visible text plus image alt texts."""
    page = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    alts = " ".join(a or b for a, b in re.findall(r"""\balt=(?:"([^"]*)"|'([^']*)')""", page))
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(f"{text} {alts}"))


_WORDS = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNIT_WORDS = {
    "CNY million": "million",
    "CNY billion": "billion",
    "CNY trillion": "trillion",
    "USD million": "million",
    "USD billion": "billion",
    "亿元": "亿",
    "万亿元": "万亿",
    "万元": "万",
}


def _number_forms(value: float) -> set[str]:
    forms = {f"{value:g}", f"{value:,g}"}
    if float(value).is_integer():
        forms |= {f"{value:.0f}", f"{value:,.0f}"}
    return {f for f in forms if "e" not in f}


def wordings(row: pd.Series) -> set[str]:
    """A row's figure in the words a page or a quote would use: ``1.41 trillion``, ``3,124亿``.

    Counts of at least 10,000 too (``12,300``, ``8.84 million``, ``10 billion``). The package
    never writes computed numbers this way (it writes ``¥1.41T``), so these forms
    in a report can only come from a published row or typed text. Shares and growth
    rates (``30%``, ``3.2x``) are too common in computed text to tell apart.
    """
    out: set[str] = set()
    values = [float(row["value"])]
    if pd.notna(row.get("value_high")):
        values.append(float(row["value_high"]))
    word = _UNIT_WORDS.get(str(row["unit"]))
    for value in values:
        if word:
            for n in _number_forms(value):
                out |= {f"{n} {word}", f"{n}{word}"}
        if row["unit"] == "count" and value >= 10_000:
            # The package rounds computed counts to two significant digits ("250,000",
            # "1 million"), so only counts it could not have computed are checked: three or
            # more significant digits ("8.84 million", "12,300"), or billions.
            significant = len(f"{value:.0f}".rstrip("0"))
            if significant >= 3:
                out.add(f"{value:,.0f}")
            for w, scale in _WORDS.items():
                if value >= scale and (significant >= 3 or scale >= 1e9):
                    out |= {f"{n} {w}" for n in _number_forms(value / scale)}
    return out


def yuan_forms(row: pd.Series) -> set[str]:
    """A money row's figure as the package writes yuan (``¥1.41T``, three significant digits)."""
    cols = [c for c in ("value_yuan", "value_high_yuan") if pd.notna(row.get(c))]
    return {format_yuan(float(row[c]), 3) for c in cols}


def later_figures(directory: Path, as_of: str, forms=wordings) -> dict[str, str]:
    """Figures first published after ``as_of``: written form -> the row it comes from.

    A form that a row published by ``as_of`` (or a threshold of a goal announced
    by then) also produces is left out: it was known at the date.
    """
    known: set[str] = set()
    late: dict[str, str] = {}
    for name in data_mod.datasets():
        frame = data_mod.load(name, directory=directory)
        for _, row in frame.iterrows():
            written = forms(row)
            if row["published"] <= pd.Timestamp(as_of):
                known |= written
            else:
                where = f"{data_mod.datasets()[name].file}:{row['row']} ({row['series_id']})"
                for f in written:
                    late.setdefault(f, where)
    for g in goals.load(directory=directory):
        if str(g.announced) <= as_of:
            for v in (g.threshold, g.entity_threshold):
                if v is not None:
                    known |= {format_yuan(v, 3), formatting.yuan(v), f"{v:,.0f}"}
    # The track record's statements announced by then (their own figures, in their words).
    said = " ".join(
        str(entry.get("statement_en", ""))
        for entry in yaml.safe_load((directory / "pledges.yaml").read_text(encoding="utf-8"))[
            "goals"
        ]
        if str(entry.get("announced")) <= as_of
    )
    return {
        f: where
        for f, where in late.items()
        if f not in known and not find_later_figures(said, {f: where})
    }


def find_later_figures(text: str, figures: dict[str, str]) -> dict[str, str]:
    """The figures of ``figures`` that appear in ``text`` as whole numbers (not inside another)."""
    hits = {}
    for form, where in figures.items():
        if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text):
            hits[form] = where
    return hits


def typed_text(source: str) -> str:
    """What a person typed in a notebook's text twin: prose and string literals, not code."""
    import ast

    prose = [line.lstrip("# ") for line in source.splitlines() if line.startswith("#")]
    strings = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    return " ".join(prose + strings)


@pytest.fixture(scope="module")
def late_at_report_date() -> dict[str, str]:
    return later_figures(DATA, REPORT_DATE)


@pytest.fixture(scope="module")
def late_yuan_at_report_date() -> dict[str, str]:
    return later_figures(DATA, REPORT_DATE, forms=lambda r: yuan_forms(r) | wordings(r))


def test_the_checker_flags_a_later_figure_planted_in_a_page(late_at_report_date):
    # Kuaishou's FY2021 GMV as reported in 2022 and Douyin's 8.84 million creators (2024):
    # both unknown on 8 April 2021, both written the way a quote or a typed sentence would.
    page = "<p>Kuaishou sold 680 billion.</p><img alt='8.84 million creators' src='x.png'>"
    hits = find_later_figures(report_text(page), late_at_report_date)
    assert set(hits) == {"680 billion", "8.84 million"}
    assert "kuaishou_gmv.csv" in hits["680 billion"]


def test_the_checker_lets_figures_known_at_the_date_pass(late_at_report_date):
    # A 2020 Kuaishou total published in February 2021, a number inside a longer one.
    page = "<p>Kuaishou 332.68 billion by November 2020; 1680 billion; ¥1.41T computed</p>"
    assert find_later_figures(report_text(page), late_at_report_date) == {}


def test_the_checker_flags_a_typed_later_yuan_figure_in_notebook_text(late_yuan_at_report_date):
    source = (
        "# %% [markdown]\n# Douyin's GMV (for 2022, ¥1.41T reported) is uncertain.\n"
        "x = format_yuan(1.41e12)\nprint(f'{x} and ¥9.5T')\n"
    )
    hits = find_later_figures(typed_text(source), late_yuan_at_report_date)
    assert set(hits) == {"¥1.41T"}


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.stem)
def test_no_notebook_types_a_figure_published_after_the_announcement(
    notebook, late_yuan_at_report_date
):
    # Reports are rendered as of the announcement: typed prose must not know later figures.
    text = typed_text(notebook.read_text(encoding="utf-8"))
    assert find_later_figures(text, late_yuan_at_report_date) == {}


@pytest.fixture(scope="module")
def reports_on_cut_data(tmp_path_factory):
    from targets.report import render as report
    from targets.report.frontpage import goal_rows

    root = tmp_path_factory.mktemp("asof-report")
    cut = cut_data(DATA, root / "data", REPORT_DATE)
    mp = pytest.MonkeyPatch()
    mp.setenv("TARGETS_DATA_DIR", str(cut))
    mp.delenv("TARGETS_GOALS", raising=False)
    try:
        started = time.perf_counter()
        run = report.write_reports(
            root / "out", as_of=REPORT_DATE, progress=False, summary=goal_rows
        )
        print(f"reports on data cut at {REPORT_DATE}: {time.perf_counter() - started:.1f}s")
    finally:
        mp.undo()
    return run


@pytest.mark.slow
def test_every_report_renders_on_data_cut_at_the_announcement(reports_on_cut_data):
    failed = [(r.notebook, r.failed_cell, r.error) for r in reports_on_cut_data.results if not r.ok]
    assert not failed
    assert len(reports_on_cut_data.results) >= 7


@pytest.mark.slow
def test_no_report_shows_a_figure_published_after_the_date(
    reports_on_cut_data, late_at_report_date
):
    pages = sorted(reports_on_cut_data.output.glob("*.html"))
    assert len(pages) >= 8  # seven reports and the index
    leaks = {}
    for page in pages:
        hits = find_later_figures(
            report_text(page.read_text(encoding="utf-8")), late_at_report_date
        )
        if hits:
            leaks[page.name] = hits
    assert not leaks, f"figures published after {REPORT_DATE} in the reports: {leaks}"
