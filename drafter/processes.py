"""Helper processes, as batch uses them: how to start one, and how one ends with its parent."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time


def process_context():
    """fork where there is one (a helper starts with the campaign loaded), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
        return True
    except Exception:
        return False


def as_helper(parent: int) -> None:
    """Set up a helper: Ctrl-C is the parent's to handle, the parent's terminate() ends it, and
    a killed parent takes it along: at once on Linux (the kernel's parent-death signal), else
    when a watcher thread notices. A temporary file it leaves is removed by the next run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes
        if sys.platform.startswith("linux") and ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0:
            if os.getppid() == parent:       # PR_SET_PDEATHSIG = 1; the parent may already be gone
                return
            os._exit(1)
    except (OSError, AttributeError):
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()
