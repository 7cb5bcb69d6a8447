"""Watchdog of one report run: ``python -m targets.report.reaper STAGING LOCK``.

Started by :class:`targets.report.output.Staging` in its own session with a pipe on
stdin. The parent writes ``done`` before closing the pipe when it cleaned up
itself; if the pipe closes without it, the parent died (``kill -9``, a crash),
and the watchdog removes the staging folder and the lock file the parent left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time

import filelock

from targets import portable


def _remove_lock(path: str) -> None:
    """Remove the lock file the dead parent left, unless another run holds it by now."""
    if not os.path.lexists(path) or os.path.islink(path):
        return
    if not portable.OS_LOCKS:  # no lock to wait for: the file is the dead parent's
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    # The dead parent's lock is released by the kernel promptly; a lock still held after
    # a few seconds is another run's, and its file is theirs.
    try:
        with filelock.FileLock(path, timeout=5):
            os.unlink(path)  # while held: a waiter finds it unlinked and starts over
    except OSError:  # filelock.Timeout, or Windows (filelock removes it on release)
        pass


def main(argv: list[str]) -> int:
    """Wait for the parent; clean up after it unless it said ``done``."""
    staging, lock = argv
    try:
        said = sys.stdin.buffer.read()
    except (OSError, KeyboardInterrupt):
        said = b""
    if said.strip() == b"done":
        return 0
    # Give the parent's workers (which die with it) a moment to stop writing.
    for _ in range(3):
        shutil.rmtree(staging, ignore_errors=True)
        time.sleep(0.3)
    shutil.rmtree(staging, ignore_errors=True)
    _remove_lock(lock)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
