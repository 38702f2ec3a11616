"""The campaign log: every letter drafter places, in a real database (SQLite in the campaign
folder by default, PostgreSQL by URL), with what staff mark of it afterwards.

    from drafter.log import open_log
    with open_log(campaign_root) as log:
        log.record([LogEntry(...)])
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from drafter.log.backend import connect, is_url
from drafter.log.entry import (ANSWERED, DRAFTED, SENT, STATUSES, LogEntry, LoggedLetter, LogError)
from drafter.log.store import STATS_BY, CampaignLog

LOG_FILE = "drafter-log.sqlite"
ENV = "DRAFTER_LOG"
TIMEOUT = 10.0       # seconds to wait for another process's write lock, or for a server

__all__ = ["open_log", "log_target", "CampaignLog", "LogEntry", "LoggedLetter", "LogError", "LOG_FILE",
           "STATUSES", "STATS_BY", "DRAFTED", "SENT", "ANSWERED"]


def log_target(root: str | Path | None, url: str | Path | None = None) -> str:
    """Where the log is: `url` (a path or postgresql://...), else $DRAFTER_LOG, else
    drafter-log.sqlite in the campaign folder."""
    if url:
        return str(url)
    if os.environ.get(ENV):
        return os.environ[ENV]
    if root is None:
        raise LogError("no log named", hint=f"give --log PATH_OR_URL or set {ENV}")
    return str(Path(root) / LOG_FILE)


def open_log(root: str | Path | None, url: str | Path | None = None, *, create: bool = True,
             timeout: float | None = None) -> CampaignLog:
    """Open (and create or migrate) the campaign log; LogError when it cannot be used."""
    if timeout is None:
        timeout = float(os.environ.get("DRAFTER_LOG_TIMEOUT") or TIMEOUT)
    target = log_target(root, url)
    if create and not is_url(target) and not os.path.lexists(target):
        folder = Path(target).parent
        if not folder.is_dir():
            raise LogError("the log's folder does not exist", file=target,
                           hint="create the folder, or give another path with --log")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise LogError("cannot create the log: the folder is not writable", file=target,
                           hint="give another path with --log")
        return CampaignLog(partial(connect, target, timeout, create), where=target)   # made when first used
    db = connect(target, timeout, create)
    try:
        return CampaignLog(db)
    except BaseException:
        db.close()
        raise

