"""`targets report --output DIR` never loses a user's files, and cleans up after signals.

The signal tests send real signals to a real `targets report` process running
real Jupyter kernels (tiny notebooks that sleep), then look at the file system
and the process table.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from targets.report import render as report
from targets.report.output import MARKER, OutputError, Staging

TARGETS = Path(sys.executable).with_name("targets")


def tiny_notebooks(folder: Path, n: int = 2, body: str = "print(as_of)") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        nb = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(f"# Tiny {i}"),
                nbformat.v4.new_code_cell("as_of = None", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body.replace("{i}", str(i))),
            ]
        )
        nbformat.write(nb, folder / f"0{i}-tiny.ipynb")
    return report.discover(folder)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> list[Path]:
    return tiny_notebooks(tmp_path_factory.mktemp("nbs"))


def write(out: Path, notebooks: list[Path], **kw) -> report.ReportRun:
    return report.write_reports(out, notebooks=notebooks, progress=False, jobs=2, **kw)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under ``folder`` with its mode and content (files)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = (
            p.stat().st_mode,
            p.read_bytes() if p.is_file() else None,
        )
    return out


@pytest.mark.slow
def test_new_folder_gets_normal_permissions_and_a_marker(tmp_path, notebooks):
    old = os.umask(0o022)
    try:
        run = write(tmp_path / "a" / "r", notebooks, as_of="2021-04-08")
    finally:
        os.umask(old)
    assert run.ok and run.output == tmp_path / "a" / "r"
    for folder in (tmp_path / "a", run.output):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    for f in run.output.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f
    assert (run.output / MARKER).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # no staging, no lock left
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["r"]


@pytest.mark.slow
def test_a_previous_report_is_replaced_and_its_folder_mode_kept(tmp_path, notebooks):
    out = tmp_path / "r"
    write(out, notebooks)
    out.chmod(0o700)  # the user's choice; never chmod-ed
    run = write(out, notebooks[:1])  # its 02-tiny.html, unchanged since, is removed
    assert run.ok
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "01-tiny.html", "index.html"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


@pytest.mark.slow
def test_a_users_file_in_the_output_folder_is_left_alone(tmp_path, notebooks):
    out = tmp_path / "work"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match=r"work: the folder holds files that are not a targets "):
        write(out, notebooks)
    assert snapshot(tmp_path) == before
    # --force writes the report next to it and still leaves it alone
    run = write(out, notebooks, force=True)
    assert run.ok
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    assert (out / "index.html").exists() and (out / "01-tiny.html").exists()
    # the folder now holds a report plus a foreign file: still refused without --force
    with pytest.raises(OutputError, match="thesis.docx"):
        write(out, notebooks)


def test_an_existing_file_is_never_replaced(tmp_path, notebooks):
    target = tmp_path / "report.html"
    target.write_text("mine", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(OutputError, match=r"report\.html: an existing file is in the way"):
            write(target, notebooks, force=force)
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_cli_refuses_a_folder_of_other_files_before_running_anything(tmp_path, notebooks):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(tmp_path)
    env = {**os.environ, "TARGETS_NOTEBOOKS_DIR": str(notebooks[0].parent)}
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(TARGETS), "report", "--output", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "the folder holds files that are not a targets report (notes.txt)" in out.stderr
    assert "--force" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(tmp_path) == before
    assert time.perf_counter() - t0 < 30  # refused before any notebook ran


def test_a_second_report_into_the_same_folder_is_refused(tmp_path, notebooks):
    out = tmp_path / "r"
    with Staging(out) as first:
        assert first.folder.exists()
        with pytest.raises(OutputError, match=rf"another targets report \(process {os.getpid()}\)"):
            write(out, notebooks)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # staging and lock removed


@pytest.fixture
def public_tmp():
    """A temporary folder outside pytest's private (0700) tree, readable by other users."""
    folder = Path(tempfile.mkdtemp(prefix="targets-test-"))
    folder.chmod(0o755)
    yield folder
    for p in folder.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs setpriv to drop root")
def test_unwritable_output_is_refused_before_any_notebook_runs(public_tmp):
    locked = public_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    env = {**os.environ, "HOME": str(public_tmp)}
    cmd = [str(TARGETS), "report", "--output", str(locked / "r")]
    if os.geteuid() == 0:  # root may write anywhere: run as nobody
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert f"--output {locked / 'r'}: no permission to create it in {locked}" in out.stderr
    assert "Traceback" not in out.stderr
    assert list(locked.iterdir()) == []
    assert time.perf_counter() - t0 < 30  # before any notebook ran


# --------------------------------------------------------------------------- signals


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for kid in _children(todo.pop()):
            if kid not in found:
                found.add(kid)
                todo.append(kid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait_until(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def sleeping_report(tmp_path):
    """A running `targets report` whose two notebooks sleep in their kernels."""
    flags = tmp_path / "flags"
    flags.mkdir()
    body = (
        "import pathlib, time\n"
        f"pathlib.Path({str(flags)!r}, '{{i}}').write_text('running')\n"
        "time.sleep(300)"
    )
    nbs = tiny_notebooks(tmp_path / "nbs", body=body)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "TARGETS_NOTEBOOKS_DIR": str(nbs[0].parent)}
    proc = subprocess.Popen(
        [str(TARGETS), "report", "--output", "r", "--jobs", "2", "--quiet"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # our own signals only, as a user's shell would send them
        # A foreground command at a terminal, whatever started pytest: a shell without job
        # control starts background jobs with SIGINT ignored, and a child inherits that.
        preexec_fn=_sigint_as_at_a_terminal,
    )
    try:
        assert _wait_until(lambda: len(list(flags.iterdir())) == 2, 90), "kernels never started"
        yield proc, work, _descendants(proc.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()  # reaps it and closes the pipes


def _assert_clean(work: Path, workers: set[int]) -> None:
    assert _wait_until(lambda: not any(_alive(p) for p in workers), 20), [
        p for p in workers if _alive(p)
    ]
    assert _wait_until(lambda: list(work.iterdir()) == [], 10), list(work.iterdir())


@pytest.mark.slow
def test_kill_9_leaves_no_staging_folder_and_no_running_worker(sleeping_report):
    proc, work, workers = sleeping_report
    assert any(p.name.startswith(".r.targets-staging-") for p in work.iterdir())
    assert len(workers) >= 4  # two workers, two kernels (and the watchdog)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    _assert_clean(work, workers)


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_or_sigterm_stop_the_report_at_once_and_clean_up(sleeping_report, sig, code):
    proc, work, workers = sleeping_report
    t0 = time.monotonic()
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 15  # not after the notebooks finished (they sleep 300 s)
    assert proc.returncode == code
    assert "Traceback" not in err
    if sig == signal.SIGINT:
        assert "interrupted: nothing was written" in err
    _assert_clean(work, workers)


_LEGACY_INDEX = "<html><head><title>targets: goal plausibility reports (as of latest data)</title>"


def test_a_report_from_before_the_marker_is_recognised_and_replaced(tmp_path, notebooks):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text(
        "<html><head><title>targets: goal plausibility reports (as of latest data)</title>",
        encoding="utf-8",
    )
    (out / "01-scorecard.html").write_text("old", encoding="utf-8")
    run = write(out, notebooks[:1])
    assert run.ok
    # Nothing recorded what that report wrote: its pages are replaced by name, never deleted
    names = [MARKER, "01-tiny.html", "index.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, "01-scorecard.html"])
    (out / MARKER).unlink()
    (out / "index.html").write_text(_LEGACY_INDEX, encoding="utf-8")
    run = write(out, notebooks[:1], force=True)  # ... unless the user says so
    assert run.ok
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


# --------------------------------------------------------------------------- issue 18, item 8


def _stage(out: Path, pages: dict[str, str], *, force: bool = False) -> None:
    """Install a report of ``pages`` (name: text) into ``out`` the way ``write_reports`` does."""
    from targets.report.output import write_file

    with Staging(out, force=force) as stage:
        for name, text in pages.items():
            write_file(stage.folder / name, text)
        stage.install(out, list(pages), force=force)


@pytest.mark.parametrize("blocked", ["index.html", "02-b.html", MARKER])
def test_a_folder_with_a_pages_name_is_refused_before_anything_moves(tmp_path, blocked):
    out = tmp_path / "out"
    (out / blocked).mkdir(parents=True)
    (out / blocked / "inside.txt").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    pages = {"01-a.html": "a", "02-b.html": "b", "index.html": "i"}
    with pytest.raises(OutputError, match=rf"out: {blocked} in it is a folder, not a page"):
        _stage(out, pages, force=True)
    assert snapshot(tmp_path) == before  # no page installed, no staging or lock left


def _disk_full_after(monkeypatch, size: int) -> None:
    """Fault injection: our writes of more than ``size`` bytes fail as on a full disk."""
    import errno

    from targets import portable

    real = portable.write_at

    def write_at(fd: int, data: bytes, offset: int) -> None:
        if len(data) > size:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data, offset)

    monkeypatch.setattr(portable, "write_at", write_at)


def test_a_full_disk_at_the_lock_names_it_and_leaves_nothing(tmp_path, monkeypatch):
    _disk_full_after(monkeypatch, 0)
    with pytest.raises(
        OutputError,
        match=r"out: the lock file .*\.out\.targets-lock could not be written \(No space left on "
        r"device\); nothing was written",
    ):
        _stage(tmp_path / "out", {"index.html": "i"})
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_at_a_page_names_it_and_leaves_nothing(tmp_path, monkeypatch):
    from targets.report.output import WriteError

    out = tmp_path / "out"
    _stage(out, {"index.html": "old report"})
    before = snapshot(tmp_path)
    _disk_full_after(monkeypatch, 100)
    with pytest.raises(WriteError, match=r"index\.html: could not be written \(No space left"):
        _stage(out, {"index.html": "x" * 200})
    assert snapshot(tmp_path) == before


def test_a_full_disk_during_a_report_names_the_output_and_leaves_nothing(
    tmp_path, monkeypatch, notebooks
):
    out = tmp_path / "r"
    _disk_full_after(monkeypatch, 100)  # forked workers inherit it: their pages fail first
    with pytest.raises(OutputError) as err:
        report.write_reports(out, notebooks=notebooks[:1], progress=False, jobs=1)
    message = str(err.value)
    assert re.match(
        rf"--output {re.escape(str(out))}: could not write (01-tiny|index)\.html \(No space left "
        r"on device\); no report was installed and nothing there changed$",
        message,
    ), message
    assert "staging" not in message and "\n" not in message
    assert list(tmp_path.iterdir()) == []


def test_cli_names_an_os_error_without_a_double_colon(capsys, monkeypatch):
    import errno

    from targets import cli

    def boom(args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli, "_cmd_data", boom)
    assert cli.main(["data"]) == 2
    assert capsys.readouterr().err == "error: No space left on device\n"


# --------------------------------------------------------------------------- issue 18, item 10


def test_a_long_output_name_gets_short_lock_staging_and_failed_names(tmp_path):
    from targets.report.output import NAME_MAX, failed_output, side_name

    name = "年" * 83 + "a"  # 250 bytes in UTF-8: a valid folder name
    assert len(os.fsencode(name)) == 250
    out = tmp_path / name
    _stage(out, {"index.html": "i"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert list(tmp_path.iterdir()) == [out]  # lock and staging removed
    for side in (failed_output(out).name, side_name(name, ".", ".targets-staging-", room=8)):
        assert len(os.fsencode(side)) <= NAME_MAX
        assert side.startswith(("年", ".年"))
    assert failed_output(out) != failed_output(tmp_path / (name[:-1] + "b"))


def test_an_output_name_too_long_for_any_file_system_is_refused(tmp_path):
    out = tmp_path / ("a" * 256)
    with pytest.raises(OutputError, match=r"the folder name is 256 bytes long; .* at most 255"):
        _stage(out, {"index.html": "i"})
    assert list(tmp_path.iterdir()) == []


def test_a_table_renders_the_same_html_every_run():
    import pandas as pd

    from targets import formatting

    df = pd.DataFrame({"goal": ["a", "b"], "p": [0.25, 0.5]})
    columns = {"goal": "text", "p": lambda v: f"{v:.0%}"}
    first = formatting.table(df, columns).to_html()
    assert formatting.table(df, columns).to_html() == first  # pandas' default uuid is random
    ids = set(re.findall(r'id="(T_[0-9a-f]+)"', first))
    assert len(ids) == 1
    other = formatting.table(df.iloc[:1], columns).to_html()
    assert not ids & set(re.findall(r'id="(T_[0-9a-f]+)"', other))  # one page, two tables
