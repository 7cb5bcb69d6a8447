"""One computation, many views: assessments stored on disk, shared by every notebook of a run.

Each report kernel used to recompute the same assessments with its own sampling,
so the scorecard, the track record and the index could disagree in the last
digit. :func:`cached` stores a result under a key made of

* the caller's key (goal id, as-of date, sample count, seed),
* the content of every input file the vintage read (its ``content`` hash: data
  sets, assumptions and goal file),
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

Nothing read from the store can run code (issue 18): entries are plain JSON
(:mod:`targets.assess.codec`), never pickles; the folders the store creates are
``0700``; and an entry is read only when it, and the folder holding it, belong
to the current user and are writable by nobody else. An entry that fails any of
these checks, or does not decode, is recomputed. A result the codec cannot
store is returned without being stored.
"""

from __future__ import annotations

import hashlib
import os
import stat
import warnings
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import filelock

from targets import portable
from targets.assess import codec
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
        "render.py",
        "output.py",
        "reaper.py",
        "procs.py",
        "toc.py",
        "cli.py",
        "__main__.py",
        "store.py",
    }
)
T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parents[1]  # the targets package


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


def fingerprint(content: str) -> str:
    """Hash of the inputs' content (a vintage's ``content``), the package version and its
    source code (by content and relative name, not location).

    Source files are re-hashed only when their modification time or size changes.
    """
    from targets import __version__

    code = [
        p
        for p in _files(_PACKAGE, ("*.py",))
        if p.name not in PRESENTATION and "_bundled" not in p.relative_to(_PACKAGE).parts
    ]
    paths = [(f"code/{p.relative_to(_PACKAGE).as_posix()}", p) for p in code]
    return _digest(_stamp(paths), f"{__version__}|{content}")


def _path(directory: Path, namespace: str, key: tuple[Hashable, ...], content: str) -> Path:
    fp = fingerprint(content)
    digest = hashlib.sha256(repr((namespace, key)).encode()).hexdigest()[:32]
    return directory / fp[:20] / f"{namespace}-{digest}.json"


def cached(
    namespace: str, key: tuple[Hashable, ...], compute: Callable[[], T], *, content: str
) -> T:
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
    content : str
        The content hash of the inputs (:attr:`targets.sources.vintage.Vintage.content`).

    Returns
    -------
    The result (a fresh copy decoded from disk when it was stored earlier).
    """
    directory = cache_dir()
    if directory is None:
        return compute()
    path = _path(directory, namespace, key, content)
    _private_folder(path.parent)
    if not _private(path.parent):
        return _unwrap(_outcome(compute))  # a folder others can write to: never read from it
    # None: the system has no file locks, so concurrent kernels may both compute (the
    # rename into place still keeps every reader from seeing half a file).
    lock = filelock.FileLock(path.with_suffix(".lock"), mode=0o600) if portable.OS_LOCKS else None
    try:
        if lock is not None:
            lock.acquire()
    except OSError:  # a symbolic link (filelock never follows one) or no right to lock
        return _unwrap(_outcome(compute))
    try:
        outcome = _read(path)
        if outcome is None:
            outcome = _outcome(compute)
            _write(path, outcome)
    finally:
        if lock is not None:
            lock.release()
    return _unwrap(outcome)


def _outcome(compute: Callable[[], T]) -> tuple[str, object]:
    try:
        return ("ok", compute())
    except TargetsError as exc:
        return ("error", exc)


def _unwrap(outcome: tuple[str, object]):
    status, value = outcome
    if status == "error":
        raise value  # type: ignore[misc]
    return value


def _private_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode ``0700``; existing ones are kept."""
    missing = []
    p = folder
    while not p.exists() and not p.is_symlink():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:  # another process made it meanwhile
            pass


def _private(path: Path) -> bool:
    """Whether ``path`` belongs to this user and no one else may write to it."""
    try:
        st = path.stat()
    except OSError:
        return False
    return portable.owned_by_me(st) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> tuple[str, object] | None:
    """The stored outcome, or ``None`` (a miss) for anything not a sound entry of ours."""
    try:
        fd = os.open(path, os.O_RDONLY | portable.NOFOLLOW | getattr(os, "O_BINARY", 0))
    except OSError:  # missing, or a symbolic link
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            mine = portable.owned_by_me(st) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            if not (mine and stat.S_ISREG(st.st_mode)):
                return None
            outcome = codec.loads(fh.read())
    except (OSError, codec.CodecError):  # truncated, stale or foreign: recompute and overwrite
        return None
    ok = type(outcome) is tuple and len(outcome) == 2 and outcome[0] in ("ok", "error")
    if ok and outcome[0] == "error" and not isinstance(outcome[1], TargetsError):
        return None
    return outcome if ok else None


def _write(path: Path, outcome: tuple[str, object]) -> None:
    """Store ``outcome``; one the codec cannot store is left unstored (computed next time)."""
    try:
        text = codec.dumps(outcome)
    except codec.CodecError as exc:
        warnings.warn(f"result not stored in {path.parent}: {exc}", stacklevel=3)
        return
    tmp = path.with_suffix(f".{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | portable.NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
