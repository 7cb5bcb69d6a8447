"""Put a finished report folder in place without touching anything that is not ours.

The rules (issue 14), in one place:

* a report goes into a new folder, an empty folder, or a folder holding only
  a previous ``targets`` report (recognised by the :data:`MARKER` file it wrote,
  which lists the report's files with their SHA-256);
* only a previous report's own files are removed: a listed name must be a plain
  file name inside the folder, and a file whose content no longer has the
  recorded hash is the user's (issue 18);
* any other non-empty folder is refused unless ``force`` is given, and then
  only files with the report's names are replaced; other files are left alone;
* an existing *file* is never replaced;
* folders get normal permissions (``0777 & ~umask``, 0755 by default); an
  existing folder is never chmod-ed;
* the report is built in a staging folder beside the output, removed on every
  exit: by ``finally`` blocks on errors, SIGINT and SIGTERM, and by a small
  watchdog process (:mod:`targets.report.reaper`) when the parent is killed outright;
* a lock file beside the output lets one report at a time write there: a second
  one is refused with the first one's process id. It is named after the resolved
  output path (so two names of one folder share it); ``filelock`` takes it, after
  an ``lstat`` refused a symbolic link, a hard link or another user's file there
  (and the locked file is checked again before our process id is written to it).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import filelock

from targets import portable
from targets.errors import TargetsError

#: The file every report folder carries: which tool wrote it and which files are the report.
MARKER = ".targets-report.json"
_STAGING_TAG = ".targets-staging-"
_LOCK_SUFFIX = ".targets-lock"
_FAILED_SUFFIX = ".failed"
#: The longest file name (in bytes) most file systems allow (ext4, XFS, APFS, NTFS in UTF-16).
NAME_MAX = 255


class OutputError(TargetsError):
    """The output folder cannot be written without touching a user's files."""


class WriteError(OutputError):
    """A file of ours could not be written (a full disk, a quota); names the file and why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: could not be written ({reason})")
        self.path = path
        self.reason = reason

    def __reduce__(self):  # raised in report workers, so it crosses processes
        return (WriteError, (self.path, self.reason))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def folder_mode() -> int:
    """Mode for a folder we create: ``0777`` minus the umask (0755 by default)."""
    return 0o777 & ~_umask()


def side_name(name: str, prefix: str = "", suffix: str = "", room: int = 0) -> str:
    """``prefix + name + suffix``, the name of a file we keep beside the output ``name``.

    When that would not fit in :data:`NAME_MAX` bytes (with ``room`` bytes more that
    ``tempfile`` adds), ``name`` is cut and a hash of the whole name added, so each output
    still gets its own lock, staging folder and ``.failed`` folder.

    Examples
    --------
    >>> side_name("reports", ".", ".targets-lock")
    '.reports.targets-lock'
    >>> len(side_name("a" * 250, ".", ".targets-lock").encode())
    255
    """
    whole = prefix + name + suffix
    if len(os.fsencode(whole)) + room <= NAME_MAX:
        return whole
    digest = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    budget = NAME_MAX - room - len(os.fsencode(prefix + suffix + digest))
    cut = os.fsencode(name)[:budget].decode("utf-8", errors="ignore")
    return prefix + cut + digest + suffix


def failed_output(output: Path) -> Path:
    """Where a report whose notebooks failed is written: ``<output>.failed`` beside it."""
    return output.with_name(side_name(output.name, suffix=_FAILED_SUFFIX))


def write_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` in a folder of ours, never through a link.

    Raises
    ------
    WriteError
        Naming ``path`` and the reason (a full disk, a quota) if it cannot be written
        whole; the partial file is removed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | portable.NOFOLLOW | portable.CLOEXEC
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from None
    try:
        portable.write_at(fd, raw, 0)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise WriteError(path, exc.strerror or str(exc)) from None
    os.close(fd)


def _plain_name(name: object) -> bool:
    """Whether ``name`` is a plain file name inside a folder: no separator, no ``..``."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..", MARKER)
        and not any(c in name for c in "/\\\0")
        and not os.path.isabs(name)
    )


def _sha256(path: Path) -> str | None:
    """The content hash of a regular file (``None``: missing, a folder or a symbolic link)."""
    try:
        fd = os.open(path, os.O_RDONLY | portable.NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_marker(folder: Path) -> dict[str, str | None] | None:
    """The files a previous report in ``folder`` lists, with the hash it recorded for each.

    Returns ``None`` if ``folder`` holds no marker of ours. Entries that are not
    plain file names inside the folder (a separator, ``..``, an absolute path) are
    dropped; a marker written before hashes were recorded gives ``None`` hashes.
    """
    try:
        info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("tool") != "targets":
        return None
    files = info.get("files")
    if isinstance(files, list):
        files = dict.fromkeys(files)
    if not isinstance(files, dict):
        return None
    return {
        name: digest if isinstance(digest, str) else None
        for name, digest in files.items()
        if _plain_name(name)
    }


def _written_by_us(folder: Path) -> set[str]:
    """The files a previous report's marker lists whose content is still what it wrote.

    A listed file that is missing, a folder, a symbolic link, has no recorded
    hash, or whose content changed since is the user's and never counts as ours.
    """
    listed = read_marker(folder) or {}
    return {n for n, h in listed.items() if h is not None and _sha256(folder / n) == h}


#: Title of the index page of targets 0.1 reports, written before the marker existed.
_LEGACY_TITLE = "<title>targets: goal plausibility reports"


def _legacy_report(folder: Path) -> set[str]:
    """The pages of a report written before the marker existed (targets 0.1 before issue 14).

    Such a report cannot be proven ours: nothing recorded what it wrote. So only
    the fixed names a report gives its pages (``index.html`` and the
    ``NN-*.html`` page of each current notebook) count, and only when
    ``index.html`` carries that version's title; any other file makes the folder
    foreign. These pages may be replaced by pages of the same name, but a page
    the new report does not write is deleted only with ``force`` (see
    :meth:`Staging.install`).
    """
    try:
        index = (folder / "index.html").read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return set()
    if _LEGACY_TITLE not in index:
        return set()
    from targets.report.render import discover

    names = {"index.html"} | {p.stem + ".html" for p in discover()}
    return {n for n in names if _sha256(folder / n) is not None}


def foreign_entries(folder: Path) -> list[str]:
    """Entries of ``folder`` that are not part of a previous ``targets`` report."""
    ours = _written_by_us(folder) | _legacy_report(folder) | {MARKER}
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in ours and _STAGING_TAG not in p.name and not p.name.endswith(_LOCK_SUFFIX)
    )


def _describe(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_name(output: Path) -> None:
    """Refuse an output with no folder name of its own (the root of the file system).

    Raises
    ------
    OutputError
        If ``output`` resolves to a path with an empty name.
    """
    if not output.resolve().name:
        raise OutputError(
            f"--output {output}: the root of the file system is not a report folder; choose "
            "a new or empty folder"
        )
    size = len(os.fsencode(output.name))
    if size > NAME_MAX:
        raise OutputError(
            f"--output {output.name[:40]}...: the folder name is {size} bytes long; file "
            f"systems allow at most {NAME_MAX}. Choose a shorter name."
        )


def check(output: Path, *, force: bool = False) -> None:
    """Refuse, before any work, an output that would touch a user's files or cannot be written.

    Raises
    ------
    OutputError
        If ``output`` is an existing file, a folder holding other files
        (without ``force``), or a place we may not write to.
    """
    check_name(output)
    if output.exists() or output.is_symlink():
        if not output.is_dir():
            raise OutputError(
                f"--output {output}: an existing file is in the way; a report is a folder and "
                "a file is never replaced. Choose another --output or remove the file yourself."
            )
        foreign = foreign_entries(output)
        if foreign and not force:
            raise OutputError(
                f"--output {output}: the folder holds files that are not a targets report "
                f"({_describe(foreign)}); nothing was written. Choose a new or empty folder, or "
                "pass --force to write the report into it (files with the report's names are "
                "replaced, other files are left alone)."
            )
        if not os.access(output, os.W_OK | os.X_OK):
            raise OutputError(f"--output {output}: no permission to write into this folder")
        _check_replaceable(output, ["index.html", MARKER])
        return
    ancestor = output.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"--output {output}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(
            f"--output {output}: no permission to create it in {ancestor}; choose a folder you "
            "can write to"
        )


def _check_replaceable(output: Path, names: Iterable[str]) -> None:
    """Refuse, before anything is moved, a report file whose name is taken by a folder."""
    blocked = [n for n in names if (output / n).is_dir() and not (output / n).is_symlink()]
    if blocked:
        raise OutputError(
            f"--output {output}: {_describe(blocked)} in it is a folder, not a page; a report "
            "file cannot replace it and nothing was written. Rename or remove it, or choose "
            "another --output."
        )


@dataclass
class _Lock:
    path: Path
    held: filelock.BaseFileLock | None  # None: the system has no file locks (granted)

    def release(self) -> None:
        # Unlink while still holding the lock: a waiter that opened this file finds it
        # unlinked once it gets the lock (filelock checks) and starts over on a new one.
        try:
            self.path.unlink()
        except OSError:
            pass  # Windows: an open file cannot be removed; filelock removes it on release
        if self.held is not None:
            self.held.release()


def _foreign_lock(path: Path, output: Path, st: os.stat_result) -> OutputError | None:
    """The refusal for a lock file that is not a plain file of ours, or ``None``."""
    if stat.S_ISLNK(st.st_mode):
        return OutputError(
            f"--output {output}: the lock file {path} is a symbolic link; it was not followed. "
            "Remove it, then run the report again."
        )
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or not portable.owned_by_me(st):
        return OutputError(
            f"--output {output}: the lock file {path} is not a plain file of yours (a link, "
            "a folder or another user's file); it was left untouched. Remove it, then run the "
            "report again."
        )
    return None


def _claim(path: Path, output: Path) -> Callable[[int], None]:
    """What to do with the lock file once locked: check it again and write our process id.

    The ``lstat`` before locking could race with a link planted meanwhile, so the file
    actually opened (``filelock`` opens without following a symbolic link) is checked
    before anything is written to it.
    """

    def claim(fd: int) -> None:
        refusal = _foreign_lock(path, output, os.fstat(fd))
        if refusal is not None:
            raise refusal
        try:
            os.ftruncate(fd, 0)
            portable.write_at(fd, str(os.getpid()).encode(), 0)
        except OSError as exc:  # a full disk: leave no lock behind (we hold it: ours to remove)
            path.unlink(missing_ok=True)
            raise OutputError(
                f"--output {output}: the lock file {path} could not be written "
                f"({exc.strerror or exc}); nothing was written"
            ) from None

    return claim


def _holder(path: Path) -> str | None:
    """The process id a lock file names (``"?"`` if unreadable), ``None`` if it is gone."""
    try:
        fd = os.open(path, os.O_RDONLY | portable.NOFOLLOW | portable.CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    try:
        return os.read(fd, 32).decode(errors="replace").strip() or "?"
    except OSError:  # Windows: the locked byte cannot be read
        return "?"
    finally:
        os.close(fd)


def _lock(path: Path, output: Path) -> _Lock:
    """Take the exclusive lock for ``output`` (refused, not waited for, when held).

    Raises
    ------
    OutputError
        If another run holds it (naming its process id), or ``path`` is a symbolic
        link, not a regular file, another user's file or has other names (a hard
        link): writing our process id there would change a file that is not ours.
    """
    try:
        refusal = _foreign_lock(path, output, os.lstat(path))
    except FileNotFoundError:
        refusal = None
    if refusal is not None:
        raise refusal
    claim = _claim(path, output)
    if not portable.OS_LOCKS:  # nothing to lock with: granted, and the id written all the same
        fd = os.open(path, os.O_RDWR | os.O_CREAT | portable.NOFOLLOW | portable.CLOEXEC, 0o600)
        try:
            claim(fd)
        finally:
            os.close(fd)
        return _Lock(path, None)
    while True:
        held = filelock.FileLock(path, mode=0o600, on_acquired=claim)
        try:
            held.acquire(blocking=False)
        except filelock.Timeout:
            holder = _holder(path)
            if holder is None:
                continue  # the holder finished between our open and our lock: try again
            raise OutputError(
                f"--output {output}: another targets report (process {holder}) is writing "
                "to this folder; wait for it to finish or choose another --output"
            ) from None
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            refusal = _foreign_lock(path, output, os.lstat(path))  # a link planted since lstat
            raise (refusal or exc) from None
        return _Lock(path, held)


@dataclass
class Staging:
    """A staging folder beside ``output``, its lock and its watchdog. Use as a context manager."""

    output: Path
    force: bool = False
    folder: Path = field(init=False)
    _lock: _Lock | None = field(init=False, default=None)
    _reaper: subprocess.Popen | None = field(init=False, default=None)
    _created: list[Path] = field(init=False, default_factory=list)

    def __enter__(self) -> Staging:
        check(self.output, force=self.force)
        parent = self.output.parent
        missing = []
        p = parent
        while not p.exists():
            missing.append(p)
            p = p.parent
        try:
            for d in reversed(missing):
                d.mkdir(mode=folder_mode())
                self._created.append(d)
            # Keyed by the resolved path: two names of one folder (a symbolic link) share a lock.
            real = self.output.resolve()
            home = real.parent if os.access(real.parent, os.W_OK | os.X_OK) else real
            self._lock = _lock(home / side_name(real.name, ".", _LOCK_SUFFIX), self.output)
            prefix = side_name(real.name, ".", _STAGING_TAG, room=8)  # mkdtemp adds 8
            self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=home))
        except PermissionError as exc:
            self._cleanup()
            raise OutputError(f"--output {self.output}: no permission to write ({exc})") from None
        except OSError as exc:
            self._cleanup()
            where = exc.filename or home
            raise OutputError(
                f"--output {self.output}: {where} could not be created ({exc.strerror or exc}); "
                "nothing was written"
            ) from None
        except BaseException:
            self._cleanup()
            raise
        self._reaper = _start_reaper(self.folder, self._lock.path)
        return self

    def __exit__(self, *exc: object) -> None:
        self._cleanup()

    def _cleanup(self) -> None:
        folder = getattr(self, "folder", None)
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._reaper is not None:
            _stop_reaper(self._reaper)
            self._reaper = None
        for d in reversed(self._created):
            if not self.output.exists():
                try:
                    d.rmdir()
                except OSError:
                    pass

    def install(self, destination: Path, files: Iterable[str], *, force: bool = False) -> Path:
        """Move the staged report (``files`` plus the marker) to ``destination``.

        A new destination receives the staging folder itself (one rename); an
        existing one receives the files one by one, after the previous report's
        files that the new one does not replace are removed. The marker records
        each file's SHA-256, so a later report removes only files still holding
        what this one wrote.
        """
        files = sorted(files)
        hashes = {name: _sha256(self.folder / name) for name in files}
        write_file(
            self.folder / MARKER, json.dumps({"tool": "targets", "files": hashes}, indent=1) + "\n"
        )
        check(destination, force=force)
        _check_replaceable(destination, files)
        if not destination.exists():
            os.chmod(self.folder, folder_mode())
            try:
                os.replace(self.folder, destination)
                return destination
            except OSError as exc:  # created meanwhile: fall through to the careful path
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR):
                    raise
                check(destination, force=force)
                _check_replaceable(destination, files)
        # Only files proven ours are removed: listed with the hash they still have. Pages of a
        # report from before the marker are removed only with force.
        previous = _written_by_us(destination) | (_legacy_report(destination) if force else set())
        for name in sorted(previous - set(files)):
            (destination / name).unlink(missing_ok=True)
        for name in [*files, MARKER]:
            os.replace(self.folder / name, destination / name)
        return destination


def _start_reaper(staging: Path, lock: Path) -> subprocess.Popen | None:
    """Start the watchdog that removes ``staging`` (and the lock) if this process dies."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "targets.report.reaper", str(staging), str(lock)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C or a kill of our process group spares it
        )
    except OSError:
        return None


def _stop_reaper(proc: subprocess.Popen) -> None:
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
