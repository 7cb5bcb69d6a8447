"""The few operating-system calls the package needs, on POSIX and on Windows.

File locks come from :mod:`filelock` (``flock`` on POSIX, ``LockFileEx`` on
Windows). Where the system has neither (:data:`OS_LOCKS` is false) a lock is
taken as granted: one process at a time is then the user's to ensure. A
``filelock.SoftFileLock`` is not used there on purpose: its marker, left by a
run killed outright, would refuse every later run.

What no library covers stays here: flags and ownership checks that only POSIX
has (``O_NOFOLLOW``, ``O_CLOEXEC``, user ids) are no-ops elsewhere, and
:func:`write_at` writes a whole buffer where ``os.pwrite`` is missing. So
``import targets`` and every forecast, assessment and report work on any
operating system Python runs on.
"""

from __future__ import annotations

import os
import sys

import filelock

try:  # POSIX
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: Whether the system locks files: ``flock`` (POSIX) or ``LockFileEx`` (Windows).
OS_LOCKS: bool = fcntl is not None or sys.platform == "win32"
#: ``os.O_NOFOLLOW`` where the system has it (an open refuses a symbolic link), else 0.
NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
#: ``os.O_CLOEXEC`` where the system has it, else 0.
CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)


def lock(fd: int, *, blocking: bool = True) -> bool:
    """Take the exclusive lock on the open file ``fd``: the lock ``filelock.FileLock`` takes.

    Parameters
    ----------
    fd : int
        An open file descriptor (read-write on Windows).
    blocking : bool
        Wait for the lock (``True``) or give up at once when another process holds it.

    Returns
    -------
    bool
        ``True`` once held (always, where the system has no file locks); ``False`` when
        ``blocking`` is off and the lock is held elsewhere.
    """
    return filelock.lock_descriptor(fd, blocking=blocking) if OS_LOCKS else True


def unlock(fd: int) -> None:
    """Release the lock :func:`lock` took on ``fd`` (closing ``fd`` releases it too)."""
    if OS_LOCKS:
        filelock.unlock_descriptor(fd)


def owned_by_me(st: os.stat_result) -> bool:
    """Whether a file's status says it belongs to this user (always, where there are no
    user ids: Windows guards files by their folder's permissions instead)."""
    geteuid = getattr(os, "geteuid", None)
    return True if geteuid is None else st.st_uid == geteuid()


def write_at(fd: int, data: bytes, offset: int) -> None:
    """Write all of ``data`` at ``offset``: ``os.pwrite`` where it exists, else a seek and
    writes (a write may take fewer bytes than given; the rest follows)."""
    view = memoryview(data)
    if not hasattr(os, "pwrite"):
        os.lseek(fd, offset, os.SEEK_SET)
    while view:
        if hasattr(os, "pwrite"):
            n = os.pwrite(fd, view, offset)
        else:
            n = os.write(fd, view)
        view, offset = view[n:], offset + n
