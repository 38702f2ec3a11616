"""Helper processes: the one place that decides how they start, and how one ends with its parent."""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading

from drafter import system


def context():
    """fork where it is safe (Linux): a helper starts with the campaign loaded and its caches
    warm. Else spawn, and the helper loads the campaign itself: Windows has no fork, and on
    macOS system libraries are not safe in a forked child (Python spawns there by default)."""
    return multiprocessing.get_context("fork" if system.can_fork() else "spawn")


def spawn_context():
    """spawn on every system: for a helper that must not inherit the parent's threads. Typst's
    compiler keeps a pool of threads, and a child forked after the parent compiled waits on
    them forever (seen on Linux with typst 0.15)."""
    return multiprocessing.get_context("spawn")


def picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
        return True
    except Exception:
        return False


def as_helper() -> None:
    """Set up a helper: Ctrl-C is the parent's to handle (it stops the run between chunks), and a
    parent killed outright takes it along. The parent's end of a pipe closes when the parent
    dies, on every system: a thread waits for that. A temporary file it leaves is removed by
    the next run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch():
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, name="drafter-parent-watch", daemon=True).start()
