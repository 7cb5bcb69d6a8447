"""Child processes that die with their parent.

Notebook workers are forked by a process pool; if the ``targets report``
process is killed (``kill -9``) they must not go on executing notebooks. On
Linux each worker asks the kernel for a parent-death signal
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``); the Jupyter kernel a worker starts
then exits too, because ipykernel polls for its parent (``JPY_PARENT_PID``).
Workers ignore SIGINT: a Ctrl-C reaches the parent, which stops them itself,
instead of printing one traceback per worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Make the calling process die when ``parent_pid`` (its parent) dies.

    A process-pool initializer. Best effort outside Linux (no ``prctl``).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before we asked
        os._exit(1)
