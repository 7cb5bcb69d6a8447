"""One computation, many views: assessments stored on disk, shared by every notebook of a run.

Each report kernel used to recompute the same assessments with its own sampling,
so the scorecard, the track record and the index could disagree in the last
digit. :func:`cached` stores a result under a key made of

* the caller's key (goal id, as-of date, sample count, seed),
* the content of every file in the data folder (:func:`targets.sources.data.data_dir`),
* the package version and the content of its source files (except the
  presentation modules in :data:`PRESENTATION`),

so a result is reused only while the inputs and the code that made it are the
same. The store is the folder named by ``$TARGETS_CACHE_DIR``
(:data:`ENV_VAR`); :func:`targets.report.render.write_reports` sets it for the kernels
it starts, so all notebooks of one run share it. Without the variable nothing is
written and :func:`cached` simply computes.

A file lock per key makes concurrent kernels wait for the one computing a
result instead of computing it again; results are written to a temporary file
and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from targets.errors import TargetsError

ENV_VAR = "TARGETS_CACHE_DIR"
#: Modules that only present results (charts, tables, pages): editing them cannot change a
#: stored result, so they are left out of the fingerprint.
PRESENTATION = frozenset(
    {
        "plots.py",
        "plots_counts.py",
        "tables.py",
        "frontpage.py",
        "report.py",
        "cli.py",
        "__main__.py",
        "store.py",
    }
)
T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """The store's folder (``$TARGETS_CACHE_DIR``), or ``None`` when storing is off."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else None


def default_cache_dir() -> Path:
    """Where ``targets report`` keeps the store when ``$TARGETS_CACHE_DIR`` is unset.

    ``$XDG_CACHE_HOME/targets`` (``~/.cache/targets``): entries are keyed by the
    data and code, so a store left from an earlier run is reused only when
    nothing changed, and deleting it loses nothing but time.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "targets" / "assessments"


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for pat in patterns for p in root.rglob(pat) if p.is_file())


def _stamp(paths: list[tuple[str, Path]]) -> tuple:
    return tuple(
        (label, str(p), p.stat().st_mtime_ns, p.stat().st_size) for label, p in paths if p.is_file()
    )


@lru_cache(maxsize=8)
def _digest(stamp: tuple, version: str) -> str:
    # The content and the name relative to its folder, never the absolute path: the same
    # data and code give the same fingerprint wherever they are installed.
    h = hashlib.sha256(version.encode())
    for label, path, _mtime, _size in stamp:
        h.update(label.encode())
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def fingerprint() -> str:
    """Hash of the data files' and the goal registry's content, the package version and its
    source code (by content and relative name, not location).

    Files are re-hashed only when their modification time or size changes.
    """
    from targets import __version__
    from targets.sources.data import data_dir, goals_file

    folder = data_dir()
    code = [
        p
        for p in _files(_PACKAGE, ("*.py",))
        if p.name not in PRESENTATION and "_bundled" not in p.relative_to(_PACKAGE).parts
    ]
    data = _files(folder, ("*.csv", "*.yaml", "*.yml", "*.json"))
    paths = (
        [(f"data/{p.relative_to(folder).as_posix()}", p) for p in data]
        + [("goals", goals_file())]
        + [(f"code/{p.relative_to(_PACKAGE).as_posix()}", p) for p in code]
    )
    return _digest(_stamp(paths), str(__version__))


def _path(directory: Path, namespace: str, key: tuple[Hashable, ...]) -> Path:
    fp = fingerprint()
    digest = hashlib.sha256(repr((namespace, key)).encode()).hexdigest()[:32]
    return directory / fp[:20] / f"{namespace}-{digest}.pkl"


def cached(namespace: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Return the stored result for ``key``, computing and storing it the first time.

    Parameters
    ----------
    namespace : str
        What is stored (``"assessment"``); part of the file name.
    key : tuple
        Arguments that determine the result; their ``repr`` is hashed, so use
        plain values (strings, numbers, ``None``).
    compute : callable
        Computes the result; called at most once per key and fingerprint while
        the store is on. A :class:`targets.errors.TargetsError` it raises
        (e.g. too little data by the as-of date) is stored and raised again.

    Returns
    -------
    The result (a fresh copy unpickled from disk when it was stored earlier).
    """
    directory = cache_dir()
    if directory is None:
        return compute()
    path = _path(directory, namespace, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            outcome = _read(path)
            if outcome is None:
                try:
                    outcome = ("ok", compute())
                except TargetsError as exc:
                    outcome = ("error", exc)
                _write(path, outcome)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    status, value = outcome
    if status == "error":
        raise value
    return value


def _read(path: Path) -> tuple[str, object] | None:
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            outcome = pickle.load(fh)
    except Exception:  # a truncated or stale file: recompute and overwrite it
        return None
    ok = isinstance(outcome, tuple) and len(outcome) == 2 and outcome[0] in ("ok", "error")
    return outcome if ok else None


def _write(path: Path, outcome: tuple[str, object]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.part")
    try:
        with tmp.open("wb") as fh:
            pickle.dump(outcome, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
