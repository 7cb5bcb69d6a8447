"""Child processes that die with their parent, and stopping them with their own children.

Notebook workers are forked by a process pool; if the ``targets report``
process is killed (``kill -9``) they must not go on executing notebooks. On
Linux each worker asks the kernel for a parent-death signal
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``); the Jupyter kernel a worker starts
then exits too, because ipykernel polls for its parent (``JPY_PARENT_PID``).
Workers ignore SIGINT: a Ctrl-C reaches the parent, which stops them itself
(:func:`kill_tree`), instead of printing one traceback per worker.

``psutil`` finds and kills process trees, but has no parent-death signal: a
process killed with ``SIGKILL`` runs no code, so only the kernel can notify its
children. ``prctl`` therefore stays, called through :mod:`ctypes`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Iterable

import psutil

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


def kill_tree(pids: Iterable[int], *, timeout: float = 5.0) -> None:
    """Kill the processes ``pids`` and all their descendants; wait for the descendants.

    The descendants (a worker's Jupyter kernel) are listed before anyone is
    killed: once a worker is dead its kernel is re-parented and can no longer be
    found through it. ``pids`` themselves are left for their parent to reap
    (``multiprocessing`` joins its workers; a wait here would reap them behind
    its back). Processes already gone are skipped.

    Parameters
    ----------
    pids : iterable of int
        Process ids of this process's children, typically a pool's workers.
    timeout : float
        Seconds to wait for the descendants to exit.
    """
    tops: list[psutil.Process] = []
    below: list[psutil.Process] = []
    for pid in pids:
        try:
            top = psutil.Process(pid)
            below += top.children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        tops.append(top)
    for proc in [*tops, *below]:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(below, timeout=timeout)
