"""The few operating-system calls the package needs, on POSIX and on Windows.

File locks use ``fcntl.flock`` where it exists (Linux, macOS) and
``msvcrt.locking`` on Windows; where neither exists a lock is taken as granted
(one process at a time is then the user's to ensure). Flags and ownership checks
that only POSIX has (``O_NOFOLLOW``, ``O_CLOEXEC``, user ids) are no-ops
elsewhere, so ``import targets`` and every forecast, assessment and report work
on any operating system Python runs on.
"""

from __future__ import annotations

import os

try:  # POSIX
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None  # type: ignore[assignment]

#: ``os.O_NOFOLLOW`` where the system has it (an open refuses a symbolic link), else 0.
NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
#: ``os.O_CLOEXEC`` where the system has it, else 0.
CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)


def lock(fd: int, *, blocking: bool = True) -> bool:
    """Take the exclusive lock on the open file ``fd``.

    Parameters
    ----------
    fd : int
        An open file descriptor (read-write on Windows).
    blocking : bool
        Wait for the lock (``True``) or give up at once when another process holds it.

    Returns
    -------
    bool
        ``True`` once held; ``False`` when ``blocking`` is off and the lock is held elsewhere.
    """
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        except OSError as exc:
            if blocking or exc.errno not in (11, 13):  # EAGAIN, EACCES: held elsewhere
                raise
            return False
        return True
    if msvcrt is not None:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)
        except OSError:
            if blocking:
                raise
            return False
        return True
    return True


def unlock(fd: int) -> None:
    """Release the lock :func:`lock` took on ``fd`` (closing ``fd`` releases it too)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    elif msvcrt is not None:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass


def owned_by_me(st: os.stat_result) -> bool:
    """Whether a file's status says it belongs to this user (always, where there are no
    user ids: Windows guards files by their folder's permissions instead)."""
    geteuid = getattr(os, "geteuid", None)
    return True if geteuid is None else st.st_uid == geteuid()


def read_at(fd: int, size: int, offset: int) -> bytes:
    """``os.pread`` where it exists, else a seek and a read."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


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
