"""Nothing runs from data or caches, nothing outside a report is touched (issue 18).

Each test plants what an attacker could plant and checks that it neither runs
nor deletes, replaces or writes anything it should not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from targets.assess import codec, store
from targets.report.output import MARKER, OutputError, Staging, foreign_entries


class _Touch:
    """A pickle payload: unpickling it runs ``touch <path>``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def _assert_same(a, b, where: str = "value") -> None:
    """Field-by-field equality: frames and arrays exactly, NaN equal to NaN."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert type(b) is dict and list(a) == list(b), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{where}[{i}]")
    elif a is pd.NaT:
        assert b is pd.NaT, where
    elif isinstance(a, float) and np.isnan(a):
        assert type(b) is type(a) and np.isnan(b), where
    else:
        assert type(a) is type(b) and a == b, f"{where}: {a!r} != {b!r}"


@pytest.fixture
def fresh_assess(monkeypatch, tmp_path):
    """``assess`` with an empty store in ``tmp_path/cache`` and no result in memory."""
    from targets import assess

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    assess._assess_cached.cache_clear()
    yield assess
    assess._assess_cached.cache_clear()


# --- 1. the store holds plain data, never pickles -------------------------------------------


def test_codec_round_trips_the_values_results_hold():
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2021-01-01", "2022-06-30"]),
            "text": ["a", None],
            "mixed": pd.Series(["x", True], dtype=object),
            "flag": pd.array([True, None], dtype="boolean"),
            "n": [1, 2],
            "x": [np.nan, np.inf],
        },
        index=pd.Index(["r1", "r2"], name="row"),
    )
    value = {
        "tuple": (1, 2.5, float("nan"), float("-inf"), None, True),
        ("tuple", 1): [np.float64(0.25), np.int64(3), np.bool_(True)],
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "dates": (pd.Timestamp("2021-04-08"), pd.NaT, pd.Timestamp("2021-04-08").date()),
        "frame": frame,
        "series": frame["x"],
        "empty": frame.iloc[:0],
    }
    _assert_same(value, codec.loads(codec.dumps(value)))


@pytest.mark.parametrize(
    "value",
    [
        np.array([object()], dtype=object),
        {"f": lambda: 0},
        pd.Timestamp("2021-01-01", tz="Asia/Shanghai"),
        type("Result", (), {})(),
    ],
    ids=["object-array", "function", "tz-timestamp", "foreign-class"],
)
def test_codec_refuses_what_it_cannot_store(value):
    with pytest.raises(codec.CodecError, match="cannot store"):
        codec.dumps(value)


@pytest.mark.parametrize(
    "doc",
    [
        b"\x80\x04\x95",  # a pickle's first bytes
        '{"$": "dataclass", "class": "os.system", "fields": []}',
        '{"$": "error", "class": "builtins.SystemExit", "args": []}',
        '{"$": "ndarray", "dtype": "O", "shape": [1], "data": ""}',
        '{"$": "reduce", "v": 1}',
        '{"$": "tuple"}',
        '{"a": 1}',
    ],
)
def test_codec_refuses_foreign_documents(doc):
    with pytest.raises(codec.CodecError):
        codec.loads(doc)


def test_an_assessment_comes_back_from_the_store_equal_field_by_field(fresh_assess, tmp_path):
    first = fresh_assess.assess("merchants_100m", "2021-04-08", n_samples=300)
    (entry,) = (tmp_path / "cache").rglob("assessment-*.json")
    json.loads(entry.read_text(encoding="utf-8"))  # plain JSON, not a pickle
    fresh_assess._assess_cached.cache_clear()  # a new kernel: only the store remembers
    again = fresh_assess.assess("merchants_100m", "2021-04-08", n_samples=300)
    assert again is not first
    _assert_same(first, again, "assessment")


def test_a_planted_pickle_never_runs(fresh_assess, tmp_path):
    first = fresh_assess.assess("interest_commerce_2023", "2021-04-08", n_samples=300)
    entries = list((tmp_path / "cache").rglob("*-*.*"))
    entries = [p for p in entries if p.suffix != ".lock"]
    assert entries, "the store wrote no entry to plant over"
    victim = tmp_path / "pwned"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_Touch(victim)))
        for suffix in (".pkl", ".pickle"):  # and where a pickle store would look
            entry.with_suffix(suffix).write_bytes(pickle.dumps(_Touch(victim)))
    fresh_assess._assess_cached.cache_clear()
    again = fresh_assess.assess("interest_commerce_2023", "2021-04-08", n_samples=300)
    assert not victim.exists()
    _assert_same(first, again, "assessment")


def test_the_store_folder_is_private(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    store.cached("demo", ("k",), lambda: 1, content="c")
    (entry,) = (tmp_path / "cache").rglob("demo-*.json")
    for folder in (tmp_path / "cache", entry.parent):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert entry.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("mode", [0o770, 0o702, 0o777])
def test_an_entry_in_a_folder_others_can_write_is_not_read(monkeypatch, tmp_path, mode):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    store.cached("demo", ("k",), lambda: 1, content="c")
    (entry,) = (tmp_path / "cache").rglob("demo-*.json")
    entry.parent.chmod(mode)
    assert store.cached("demo", ("k",), lambda: 2, content="c") == 2


def test_an_entry_others_can_write_is_not_read(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    store.cached("demo", ("k",), lambda: 1, content="c")
    (entry,) = (tmp_path / "cache").rglob("demo-*.json")
    entry.chmod(0o666)
    assert store.cached("demo", ("k",), lambda: 2, content="c") == 2


def test_a_symlinked_entry_is_not_read(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    store.cached("demo", ("k",), lambda: 1, content="c")
    (entry,) = (tmp_path / "cache").rglob("demo-*.json")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert store.cached("demo", ("k",), lambda: 2, content="c") == 2


def test_a_result_the_codec_cannot_store_is_returned_and_not_stored(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "cache"))
    calls = []

    def compute():
        calls.append(1)
        return {"f": np.array([object()], dtype=object)}

    for _ in range(2):
        with pytest.warns(UserWarning, match="result not stored"):
            assert store.cached("demo", ("k",), compute, content="c")["f"].dtype == object
    assert calls == [1, 1]
    assert not list((tmp_path / "cache").rglob("demo-*.json"))


# --- 2. only a report's own files are removed ------------------------------------------------


def _report(out: Path, pages: dict[str, str], *, force: bool = False) -> None:
    """Install a report of ``pages`` (name: text) into ``out`` the way ``write_reports`` does."""
    with Staging(out, force=force) as stage:
        for name, text in pages.items():
            (stage.folder / name).write_text(text, encoding="utf-8")
        stage.install(out, list(pages), force=force)


def test_a_hostile_marker_deletes_nothing(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    absolute = tmp_path / "shared" / "abs.txt"
    absolute.parent.mkdir()
    absolute.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "inner.txt").write_text("keep", encoding="utf-8")
    (out / "thesis.docx").write_bytes(b"years of work")
    listed = ["../victim.txt", str(absolute), "sub", "thesis.docx", "..", "a\\..\\b"]
    (out / MARKER).write_text(json.dumps({"tool": "targets", "files": listed}), encoding="utf-8")
    assert set(foreign_entries(out)) == {"sub", "thesis.docx"}
    with pytest.raises(OutputError, match="sub, thesis.docx"):
        _report(out, {"index.html": "new"})
    _report(out, {"index.html": "new"}, force=True)
    assert victim.read_text(encoding="utf-8") == "keep"
    assert absolute.read_text(encoding="utf-8") == "keep"
    assert (out / "sub" / "inner.txt").read_text(encoding="utf-8") == "keep"
    assert (out / "thesis.docx").read_bytes() == b"years of work"


def test_a_hashless_marker_proves_nothing(tmp_path):
    out = tmp_path / "out.failed"
    out.mkdir()
    (out / "notes.html").write_text("mine", encoding="utf-8")
    (out / MARKER).write_text('{"tool": "targets", "files": ["notes.html"]}', encoding="utf-8")
    assert foreign_entries(out) == ["notes.html"]  # so render never removes the folder
    _report(out, {"index.html": "new"}, force=True)
    assert (out / "notes.html").read_text(encoding="utf-8") == "mine"


def test_a_report_file_changed_since_is_the_users(tmp_path):
    out = tmp_path / "out"
    pages = {"index.html": "index", "02-a.html": "a", "03-b.html": "b"}
    _report(out, pages)
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]["02-a.html"] == (
        hashlib.sha256(b"a").hexdigest()
    )
    (out / "02-a.html").write_text("my notes on page a", encoding="utf-8")
    with pytest.raises(OutputError, match="02-a.html"):
        _report(out, {"index.html": "index 2"})
    _report(out, {"index.html": "index 2"}, force=True)
    assert (out / "02-a.html").read_text(encoding="utf-8") == "my notes on page a"
    assert not (out / "03-b.html").exists()  # unchanged since written: ours, removed


def test_a_legacy_report_guess_never_deletes_a_users_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text(
        "<html><head><title>targets: goal plausibility reports</title>", encoding="utf-8"
    )
    (out / "my-own-analysis.html").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="my-own-analysis.html"):
        _report(out, {"index.html": "new"})
    _report(out, {"index.html": "new"}, force=True)
    assert (out / "my-own-analysis.html").read_text(encoding="utf-8") == "mine"


# --- 3. the lock follows no link --------------------------------------------------------------


def test_a_symlink_at_the_lock_path_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("root's secrets", encoding="utf-8")
    victim.chmod(0o600)
    lock = tmp_path / ".out.targets-lock"
    lock.symlink_to(victim)
    with pytest.raises(OutputError, match="lock file .* is a symbolic link"):
        _report(tmp_path / "out", {"index.html": "new"})
    assert victim.read_text(encoding="utf-8") == "root's secrets"
    assert not (tmp_path / "out").exists()


def test_a_hard_link_at_the_lock_path_is_left_alone(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("root's secrets", encoding="utf-8")
    os.link(victim, tmp_path / ".out.targets-lock")
    with pytest.raises(OutputError, match="not a plain file of yours"):
        _report(tmp_path / "out", {"index.html": "new"})
    assert victim.read_text(encoding="utf-8") == "root's secrets"


def test_two_names_of_one_folder_share_the_lock(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    alias = tmp_path / "alias"
    alias.symlink_to(out)
    with Staging(out):
        with pytest.raises(OutputError, match="another targets report"):
            _report(alias, {"index.html": "new"})
    assert not list(out.iterdir())


# --- 4. no script runs from data in a page ---------------------------------------------------

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>a</a> & more",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_goal_text_reaches_markdown_as_text(text):
    import mistune

    from targets import formatting

    html = mistune.html(f"**Goal:** {formatting.md(text)}")
    assert not re.search(r"<(img|svg|a)\b", html), html  # the handlers stay inert text
    assert 'href="javascript' not in html and 'src="javascript' not in html, html


def test_report_pages_carry_a_policy_that_runs_no_script():
    import nbformat

    from targets import formatting
    from targets.report.render import _TEMPLATE_DIR, render_html

    cell = nbformat.v4.new_markdown_cell(f"# Goal\n\n{formatting.md(HOSTILE[0])}")
    html = render_html(nbformat.v4.new_notebook(cells=[cell]))
    assert "<img src=x" not in html and "<script" not in html
    for page in (html, (_TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8")):
        (meta,) = re.findall(r"<meta[^>]*Content-Security-Policy[^>]*>", page)
        (policy,) = re.findall(r'content="([^"]+)"', meta)
        assert "script-src 'none'" in policy and "default-src 'none'" in policy


# --- 5. no terminal escape from data reaches the terminal raw (issue 18, item 10) ------------

_ESCAPES = "\\e[31mRED\\e[0m\\e]0;pwned\\a\\x9b2J"
_ANSI_GOAL = """
- id: kuaishou_1t
  name: "N {e}"
  statement_en: "S {e}"
  announced: 2022-03-29
  deadline_start: 2023-01-01
  deadline_end: 2023-12-31
  kind: aggregate
  metric: "M {e}"
  dataset: kuaishou_gmv
  series_id: kuaishou_gmv
  comparator: ">="
  threshold: 1
  unit: 万亿元
  note: "T {e}"
  source: {{publisher: "P {e}", url: http://example.org, published: 2022-03-29}}
"""


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_goal_text_reaches_the_terminal_without_escapes(tmp_path, monkeypatch, capsys, fmt):
    from targets import cli
    from targets.sources.data import data_dir

    (tmp_path / "kuaishou_gmv.csv").write_bytes((data_dir() / "kuaishou_gmv.csv").read_bytes())
    (tmp_path / "goals.yaml").write_text(_ANSI_GOAL.format(e=_ESCAPES), encoding="utf-8")
    monkeypatch.setenv("TARGETS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TARGETS_GOALS", raising=False)
    assert cli.main(["goals", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "RED" in out and "pwned" in out  # the text is kept, its control characters are not
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)


def test_an_error_quoting_goal_text_carries_no_escapes(tmp_path, monkeypatch, capsys):
    from targets import cli
    from targets.sources.data import data_dir

    (tmp_path / "kuaishou_gmv.csv").write_bytes((data_dir() / "kuaishou_gmv.csv").read_bytes())
    text = _ANSI_GOAL.format(e="") + f'  "x{_ESCAPES}": 1\n'  # an unknown field, named raw
    (tmp_path / "goals.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TARGETS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TARGETS_GOALS", raising=False)
    assert cli.main(["goals"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: goals.yaml, goal 1 (kuaishou_1t): unknown field(s): x [31mRED")
    assert err.count("\n") == 1 and not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", err), err


def test_clean_drops_every_terminal_control_character():
    from targets.cli import clean

    controls = "".join(map(chr, [*range(0, 32), *range(127, 160)]))
    assert clean("a" + controls + "b") == "a" + " " * len(controls) + "b"
    assert clean("a\nb\tc\x1b", lines=True) == "a\nb\tc "


def test_a_folded_tables_summary_is_escaped():
    """A summary naming a series from the data reaches the page as text, never as markup."""
    from targets.report import tables

    folded = tables.collapsible("<table></table>", "All 3 figures of <img src=x onerror=alert(1)>")
    assert "<img" not in folded.data
    assert "All 3 figures of &lt;img src=x onerror=alert(1)&gt;" in folded.data
