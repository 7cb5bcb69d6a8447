"""Watchdog of one report run: ``python -m targets.report.reaper STAGING LOCK``.

Started by :class:`targets.report.output.Staging` in its own session with a pipe on
stdin. The parent writes ``done`` before closing the pipe when it cleaned up
itself; if the pipe closes without it, the parent died (``kill -9``, a crash),
and the watchdog removes the staging folder and the lock file the parent left.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

from targets import portable


def _remove_lock(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        for _ in range(50):  # the dead parent's lock is released by the kernel promptly
            if portable.lock(fd, blocking=False):
                break
            time.sleep(0.1)
        else:
            return  # another run holds it now: it is theirs
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                os.unlink(path)
        except OSError:
            pass
    finally:
        os.close(fd)


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
