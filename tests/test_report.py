"""Notebooks run top to bottom in real kernels and render to clean, self-contained HTML."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from targets.report import render as report
from targets.report.output import MARKER

pytestmark = pytest.mark.slow

NOTEBOOKS = report.discover()


def assert_clean_report(html_text: str, name: str) -> None:
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html_text, f"{name}: stderr"
    assert 'data-mime-type="application/vnd.jupyter.error"' not in html_text, f"{name}: error"
    assert "Traceback" not in html_text, name
    assert "cmdstanpy - INFO" not in html_text and "Importing plotly failed" not in html_text
    # A chart, or the plain sentence that stands in for one when nothing was published yet
    # (targets.report.plots.no_data; e.g. the article's claims before the article is dated).
    assert report.count_images(html_text) >= 1 or "nothing to show here yet" in html_text, (
        f"{name}: no image"
    )
    assert not re.search(r'<script[^>]+src="https?://', html_text), f"{name}: loads a CDN script"


@pytest.fixture
def rendered(rendered_reports):
    return rendered_reports  # rendered once per as-of date for this and test_pages.py


def test_every_notebook_executes_and_renders_clean_html(rendered):
    as_of, run = rendered
    assert NOTEBOOKS, "no notebooks found"
    failures = [(r.notebook, r.failed_cell, r.error) for r in run.results if not r.ok]
    assert not failures
    assert run.output.name == "out"
    for r in run.results:
        text = (run.output / r.html_name).read_text(encoding="utf-8")
        assert_clean_report(text, r.notebook)
        assert "Contents" in text
        if as_of:
            assert as_of in text, f"{r.notebook} does not say which vintage it shows"
    index = (run.output / "index.html").read_text(encoding="utf-8")
    for r in run.results:
        assert f'href="{r.html_name}"' in index


def test_index_and_scorecard_report_show_the_scorecard_numbers(rendered):
    from targets.assess import scorecard
    from targets.formatting import goal_names, probability
    from targets.sources import goals

    as_of, run = rendered
    card = scorecard(as_of)
    index = (run.output / "index.html").read_text(encoding="utf-8")
    page = (run.output / "01-scorecard.html").read_text(encoding="utf-8")
    page = page.replace("&lt;", "<").replace("&gt;", ">")
    index = index.replace("&lt;", "<").replace("&gt;", ">")
    for row in card.itertuples():
        assert f"<strong>{goal_names(goals.load())[row.goal]}</strong>:" in page
        if isinstance(row.outcome, str):  # resolved: the outcome, no chance
            assert f'<td class="num">{row.outcome}' in index, row.goal
            assert f"is published: {row.outcome}" in page, row.goal
        elif isinstance(row.bound, str):  # judged on a part: the labelled bound
            assert f'<td class="num">{row.bound} (a bound' in index, row.goal
            assert "(a bound, not the goal's probability)" in page.replace("&#x27;", "'")
        elif isinstance(row.band, str):  # an assumption decides: its band, not a point
            assert f'<td class="num">{row.band}' in html.unescape(index), row.goal
            name = goal_names(goals.load())[row.goal]
            assert f"{name}</strong>: {row.band}" in html.unescape(page), row.goal
            assert "is met is set by an assumption, not by evidence" in page, row.goal
        else:  # the chance, with its interval
            p = probability(row.probability)
            assert re.search(rf'<td class="num">{re.escape(p)}[ <]', index), (row.goal, p)
            assert f"is met is {p} ({row.verdict})" in page, row.goal


def test_a_failing_notebook_is_named_and_the_earlier_report_survives(tmp_path):
    good = NOTEBOOKS[0]
    bad = tmp_path / "99-broken.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Broken"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"),
        ]
    )
    nbformat.write(nb, bad)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("earlier report", encoding="utf-8")
    earlier = hashlib.sha256(b"earlier report").hexdigest()  # an earlier report's marker
    (out / MARKER).write_text(
        json.dumps({"tool": "targets", "files": {"index.html": earlier}}), encoding="utf-8"
    )
    run = report.write_reports(out, notebooks=[good, bad], progress=False, jobs=2)
    assert not run.ok
    broken = next(r for r in run.results if r.notebook == "99-broken.ipynb")
    assert broken.failed_cell == 2 and "RuntimeError: deliberate failure" in broken.error
    assert (out / "index.html").read_text(encoding="utf-8") == "earlier report"
    assert run.output == tmp_path / "reports.failed"
    assert (run.output / (good.stem + ".html")).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reports")]


def test_unknown_parameter_is_refused():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    with pytest.raises(report.TargetsError, match="parameter\\(s\\) horizon not declared"):
        report.inject_parameters(nb, {"horizon": 3})


def test_notebooks_carry_no_outputs_and_match_their_text_twins():
    import jupytext

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path
        twin = jupytext.read(path.with_suffix(".py"))
        assert [c.source for c in nb.cells] == [c.source for c in twin.cells], path
        tags = [c.metadata.get("tags", []) for c in nb.cells]
        assert sum("parameters" in t for t in tags) == 1, path
        assert "as_of" in next(
            c.source for c in nb.cells if "parameters" in c.metadata.get("tags", [])
        )
        assert Path(path).name[:2].isdigit()


def test_code_is_hidden_unless_asked(tmp_path):
    path = tmp_path / "00-tiny.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Tiny\n\n## Part"),
            nbformat.v4.new_code_cell("secret_variable_name = 6 * 7\nsecret_variable_name"),
        ]
    )
    nbformat.write(nb, path)
    executed, failed, _ = report.execute(path)
    assert failed is None
    hidden = report.render_html(executed)
    shown = report.render_html(executed, with_code=True)
    assert "42" in hidden and "secret_variable_name" not in hidden
    assert "secret_variable_name" in shown
    assert 'href="#Part"' in hidden  # table of contents


def test_papermill_finds_the_as_of_parameter_in_every_notebook():
    papermill = Path(sys.executable).with_name("papermill")
    for path in NOTEBOOKS:
        out = subprocess.run(
            [str(papermill), "--help-notebook", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        assert "as_of: Unknown type (default None)" in out.stdout, (path.name, out.stdout)
        assert "Unable to parse" not in out.stdout + out.stderr, path.name


def test_a_papermill_run_with_as_of_is_warning_free(tmp_path):
    papermill = Path(sys.executable).with_name("papermill")
    path = next(p for p in NOTEBOOKS if p.name.startswith("07-"))
    result = tmp_path / "out.ipynb"
    out = subprocess.run(
        [str(papermill), str(path), str(result), "-p", "as_of", "2021-04-08"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Unable to parse" not in out.stderr and "Passed unknown parameter" not in out.stderr
    # papermill's own warnings; ipykernel's start-up notice about TCP is the kernel's, not ours
    lines = out.stderr.splitlines()
    ours = [ln for ln in lines if "warn" in ln.lower() and "IPKernelApp" not in ln]
    assert not ours, ours
    nb = nbformat.read(result, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'as_of = "2021-04-08"' in injected[0].source
