"""Logging a batch's chunks as they are placed, on threads of the batch's own process: the log
opens on one while the campaign loads (importing psycopg for a server, connecting, checking
the schema), and each chunk is recorded on another while the next chunks are made. The
database's own work (SQLite's writes and syncs, a server's round trips) releases Python's lock,
so it overlaps the letters; the same on every system, with no process to start.

Chunks are logged in the order they are sent, each in one transaction (chunks that waited for
the database share one), and only after their files are in place: the log may trail the files
by a chunk or two, never lead them.

The order of use: LogWriter(root, url) before the campaign loads; start(entries_of) once it is
loaded (the opening thread is joined then: no thread of drafter's runs while helpers fork);
ready() before the first letter is written (a log that cannot be used stops the run there);
send() each chunk; finish(); abandon() in every case, last.
"""
from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Callable

from drafter.log import open_log
from drafter.log.entry import LogEntry

EntriesOf = Callable[[object], list[LogEntry]]
MERGED = 512      # letters at most in one transaction when chunks wait to be logged
_END = object()


class LogWriter:
    def __init__(self, root: str | Path | None, url: str | Path | None = None):
        self.log = self.error = self.entries_of = self.recorder = None
        self.items: queue.SimpleQueue = queue.SimpleQueue()
        self.opening = threading.Thread(target=self._open, args=(root, url), name="drafter-log-open", daemon=True)
        self.opening.start()

    def _open(self, root, url) -> None:
        try:
            self.log = open_log(root, url)
        except BaseException as exc:       # raised by ready(), in the batch's thread
            self.error = exc

    def start(self, entries_of: EntriesOf) -> None:
        self.entries_of = entries_of
        self.opening.join()

    def ready(self) -> None:
        """Wait until the log is open; raise why it could not be, or why recording failed."""
        self.opening.join()
        if self.error is not None:
            raise self.error

    def send(self, item) -> None:
        """Hand a placed chunk over; an error recording an earlier one is raised here."""
        self.ready()
        if self.recorder is None:
            self.recorder = threading.Thread(target=self._record, name="drafter-log", daemon=True)
            self.recorder.start()
        self.items.put(item)

    def _record(self) -> None:
        """Each chunk in one transaction; chunks that arrived while the last one was recorded
        (the database is slower than the letters) go in one together: fewer round trips."""
        try:
            while (item := self.items.get()) is not _END:
                entries = self.entries_of(item)
                while len(entries) < MERGED and not self.items.empty():
                    if (item := self.items.get()) is _END:
                        self.items.put(_END)
                        break
                    entries += self.entries_of(item)
                if entries:
                    self.log.record(entries)
        except BaseException as exc:
            self.error = exc

    def finish(self) -> None:
        """Wait until every chunk sent is logged; raise what went wrong."""
        self._drain()
        self.ready()

    def _drain(self, timeout: float | None = None) -> None:
        if self.recorder is not None:
            self.items.put(_END)
            self.recorder.join(timeout)

    def abandon(self) -> None:
        """The batch failed or ended: what was sent is still logged (the rerun need not), the
        error is the batch's to report; then the log is closed."""
        self.opening.join()
        self._drain(30)
        if self.log is not None and (self.recorder is None or not self.recorder.is_alive()):
            self.log.close()
