"""The package works outside the repository: build the wheel, install it, use it as a new user.

The wheel is built from the source tree and installed into a fresh virtual
environment (no system site-packages); then, in an empty folder,
``targets data``, ``targets assess``, ``targets report --output r`` and a
forecast of the user's own frame run from it. The package, its data, goals,
notebooks and templates must then come from the installed wheel, never from
the repository.

Installing the dependencies from scratch unpacks ~800 MB (JupyterLab, Prophet
with CmdStan, SciPy) and takes minutes, so by default the fresh environment
borrows the already-installed dependencies through a ``.pth`` path entry
(without the repository's own editable ``targets``); set
``TARGETS_TEST_FULL_INSTALL=1`` to let pip resolve and install every
dependency of the wheel as a user's ``pip install`` would.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import targets

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    assert "Traceback" not in out.stderr
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (whl,) = dist.glob("targets-*.whl")
    return whl


def test_the_wheel_holds_data_goals_notebooks_templates_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in (REPO / "data").iterdir():
        assert f"targets/_bundled/data/{f.name}" in names, f.name
    for f in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"):
        assert f"targets/_bundled/notebooks/{f.name}" in names, f.name
    assert "targets/report/templates/report.html.j2" in names
    assert "targets/py.typed" in names and "targets/__main__.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("user")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    full = os.environ.get("TARGETS_TEST_FULL_INSTALL") == "1"
    if not full:
        purelib = Path(
            subprocess.check_output(
                [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                text=True,
            ).strip()
        )
        deps = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
        (purelib / "_targets_test_deps.pth").write_text(
            "\n".join(dict.fromkeys(deps)) + "\n", encoding="utf-8"
        )
    pip = [str(py), "-m", "pip", "install", "-q", str(wheel)]
    subprocess.run(pip if full else [*pip, "--no-deps"], check=True, timeout=900)
    home = root / "home"
    home.mkdir()
    jupyter_path = []
    if not full:  # the borrowed nbconvert's templates live in the other environment's share/
        share = root / "share-jupyter"
        share.mkdir()
        (share / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
        jupyter_path = [str(share)]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TARGETS_", "JUPYTER", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        PATH=f"{venv / 'bin'}:{env.get('PATH', '')}",
        MPLBACKEND="Agg",
    )
    if jupyter_path:
        env["JUPYTER_PATH"] = os.pathsep.join(jupyter_path)
    work = root / "empty"
    work.mkdir()
    return venv, env | {"WORK": str(work)}


def test_the_installed_package_reads_its_own_files_not_the_repository(installed):
    venv, env = installed
    work = Path(env["WORK"])
    code = (
        "import targets, targets.sources.data as d, targets.report.render as r; "
        "print(targets.__file__); print(d.data_dir()); print(r.notebooks_dir())"
    )
    out = _run([str(venv / "bin" / "python"), "-c", code], work, env).stdout.split()
    assert all(str(venv) in line and str(REPO) not in line for line in out), out
    version = _run([str(venv / "bin" / "targets"), "--version"], work, env).stdout
    assert version.strip() == f"targets {targets.__version__}"
    assert (
        "usage: targets"
        in _run([str(venv / "bin" / "python"), "-m", "targets", "-h"], work, env).stdout
    )


def test_data_assess_and_a_users_forecast_run_from_an_empty_folder(installed, report_store):
    venv, env = installed
    work = Path(env["WORK"])
    # The session's assessment store, as in the report test below: entries are keyed by the
    # content of the data and the code, so the installed wheel reads only what the same
    # data and code computed; the user's folder stays empty.
    env = env | {"TARGETS_CACHE_DIR": str(report_store)}
    data = _run([str(venv / "bin" / "targets"), "data"], work, env).stdout
    assert "douyin_gmv" in data and "data sets" in data
    goals = _run([str(venv / "bin" / "targets"), "goals"], work, env).stdout
    assert "merchants_100m" in goals
    card = _run(
        [str(venv / "bin" / "targets"), "assess", "--as-of", "2021-04-08", "--format", "csv"],
        work,
        env,
    ).stdout
    assert card.count("\n") == len(goals.strip().splitlines())  # header + one row per goal
    code = """
import numpy as np, pandas as pd, targets
df = pd.DataFrame({
    "unique_id": "my_shop",
    "ds": pd.date_range("2015-01-01", periods=8, freq="YS"),
    "y": 100.0 * 1.3 ** np.arange(8),
})
fc = targets.forecast(df, h=2, freq="YS", models=("naive", "ets"), level=(80,), seed=1)
assert set(fc["model"]) == {"naive", "ets"}, fc
assert (fc["lo-80"] <= fc["mean"]).all() and (fc["mean"] <= fc["hi-80"]).all()
print(fc.loc[fc["model"] == "ets", "mean"].round(1).tolist())
"""
    out = _run([str(venv / "bin" / "python"), "-c", code], work, env).stdout
    first, second = eval(out.strip().splitlines()[-1])  # two positive forecasts above the last y
    assert 100.0 * 1.3**7 < first < second
    assert sorted(p.name for p in work.iterdir()) == []  # nothing written to the user's folder


def test_report_renders_the_bundled_notebooks_from_an_empty_folder(installed, report_store):
    venv, env = installed
    work = Path(env["WORK"])
    # The session's assessment store: keyed by the content of the data and the code, it
    # holds what the repository's report runs computed only if the wheel ships the same
    # data and code (anything missing or different is computed afresh). Every notebook
    # is still executed by the installed package's kernel, from the bundled files.
    env = env | {"TARGETS_CACHE_DIR": str(report_store)}
    _run([str(venv / "bin" / "targets"), "report", "--output", "r", "--quiet"], work, env, 900)
    shipped = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    written = sorted(p.stem for p in (work / "r").glob("*.html") if p.stem != "index")
    assert written == shipped
    index = (work / "r" / "index.html").read_text(encoding="utf-8")
    for stem in shipped:
        assert f"{stem}.html" in index
    assert sorted(p.name for p in work.iterdir()) == ["r"]
