"""What this computer's system offers drafter, decided in one place.

drafter runs on Windows, macOS and Linux. Features are detected (`hasattr`, `getattr`, `try`)
rather than read off the platform's name, so that the test mode of `tests/simulate/` (which
takes Linux's extras away) exercises the paths Windows and macOS take. `PLATFORM` decides only
where a feature exists but must not be used: fork on macOS (system libraries are not safe in
a forked child; Python itself spawns there by default). The test mode sets it.
"""
from __future__ import annotations

import os
import sys

PLATFORM = sys.platform

# Opening a file without waiting on it: a FIFO in a campaign folder must not hang a read.
# Windows has no FIFOs in its file system, and no O_NONBLOCK, O_NOFOLLOW or O_CLOEXEC.
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
O_BINARY = getattr(os, "O_BINARY", 0)     # Windows: no newline translation


def can_fork() -> bool:
    """Whether helpers may be forked: where the system has fork and it is safe (not macOS)."""
    import multiprocessing
    return "fork" in multiprocessing.get_all_start_methods() and PLATFORM.startswith("linux")


def pid_alive(pid: int) -> bool:
    """Whether a process is running (a zombie is not). Portable: `os.kill(pid, 0)` would send
    Ctrl-C to the process on Windows."""
    import psutil
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def memory_used() -> int:
    """This process's resident memory, in bytes."""
    import psutil
    return psutil.Process().memory_info().rss
