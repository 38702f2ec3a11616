"""Logging a batch's chunks as they are placed, in a process of its own: making the letters
never waits for the database, and recording them (about 0.13 s of CPU per 1,000 letters)
runs on the core the batch leaves free. On a thread of the batch's process instead, the
same work and its share of Python's lock made a 1,000-letter batch 6-10% slower (bench/batch.py
against a log switched off); handing a chunk over costs the batch about 10 ms per 1,000 letters
(pickling it), the same on every system. The process starts the way processes.context() says,
at once, and opens the log (importing psycopg for a server, connecting, checking the schema)
while the batch loads the campaign.

Chunks are logged in the order they are sent, each in one transaction (chunks that waited for
the database share one), and only after their files are in place: the log may trail the files
by a chunk or two, never lead them.

The order of use: LogWriter(root, url) before the campaign loads; start(entries_of) once it is
loaded (entries_of must pickle: a spawned process gets a copy); ready() before the first letter
is written (a log that cannot be used stops the run there); send() each chunk; finish();
abandon() in every case, last.
"""
from __future__ import annotations

from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from drafter import processes
from drafter.log import open_log
from drafter.log.entry import LogEntry, LogError

EntriesOf = Callable[[object], list[LogEntry]]
MERGED = 512      # letters at most in one transaction when chunks wait to be logged
_OPEN = "open"    # said by the log's process once the log is open


def _stopped() -> LogError:
    return LogError("the process logging the letters stopped unexpectedly (out of memory, or killed)",
                    hint="run the same command again: it logs the letters already placed")


class LogWriter:
    """An error in the log's process (the server went down) is raised by ready(), the next
    send() or finish(), which waits until every chunk sent is logged."""

    def __init__(self, root: str | Path | None, url: str | Path | None = None):
        context = processes.context()
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_write, args=(root, url, theirs), name="drafter-log", daemon=True)
        self.process.start()
        theirs.close()          # only the log's process holds its end: its death is an EOF here
        self.opened = self.done = False

    def start(self, entries_of: EntriesOf) -> None:
        try:
            self.conn.send(entries_of)
        except OSError:
            pass                # it stopped: ready() says why

    def ready(self) -> None:
        """Wait until the log is open; raise why it could not be (once)."""
        if not (self.opened or self.done):
            said = self._receive()
            if said != _OPEN:
                self._end(said)
            self.opened = True

    def send(self, item) -> None:
        """Hand a placed chunk over; an error recording an earlier one is raised here."""
        self.ready()
        if self.conn.poll():                 # it stopped early: say why
            self._end(self._receive())
        try:
            self.conn.send(item)
        except OSError:
            self._end(self._receive())
            raise _stopped() from None

    def finish(self) -> None:
        """Wait until every chunk sent is logged; raise what went wrong."""
        self.ready()
        try:
            self.conn.send(None)
        except OSError:
            pass
        self._end(self._receive())

    def _receive(self):
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            return _stopped()

    def _end(self, result) -> None:
        self.done = True
        self.conn.close()
        self.process.join()
        if result is not None:
            raise result

    def abandon(self) -> None:
        """The batch failed or ended: what was sent is still logged (the rerun need not), the
        error is the batch's to report; a process that does not finish in time is stopped."""
        if self.done:
            return
        self.done = True
        try:
            self.conn.send(None)
            while self.conn.poll(30) and self.conn.recv() == _OPEN:
                pass
        except (OSError, EOFError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()


def gathered(conn: Connection, entries_of: EntriesOf, item) -> tuple[list[LogEntry], bool]:
    """The entries of `item` and of the chunks already waiting behind it, up to MERGED
    letters; and whether the batch said it has finished (None) meanwhile."""
    entries = entries_of(item)
    while len(entries) < MERGED and conn.poll():
        if (item := conn.recv()) is None:
            return entries, True
        entries += entries_of(item)
    return entries, False


def _write(root, url, conn: Connection) -> None:
    """The log's process: opens the log, then logs each chunk in one transaction; chunks that
    arrived while the last transaction ran (the database is slower than the letters) go in one
    together, so a slow or distant server costs fewer round trips, not more."""
    processes.as_helper()
    try:
        with open_log(root, url) as log:
            conn.send(_OPEN)
            entries_of = conn.recv()
            ending = entries_of is None
            while not ending and (item := conn.recv()) is not None:
                entries, ending = gathered(conn, entries_of, item)
                if entries:
                    log.record(entries)
        conn.send(None)
    except (EOFError, BrokenPipeError):  # the batch has gone: nobody to tell
        pass
    except BaseException as exc:     # the batch raises it (pickled: a LogError keeps its message)
        conn.send(exc if processes.picklable(exc) else LogError(f"logging the letters failed: {exc!r}"))
    conn.close()
