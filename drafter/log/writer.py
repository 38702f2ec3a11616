"""Logging a batch's chunks as they are placed: in a process of its own (LogWriter), so that
making the next chunk never waits for the database, or in this one (InlineWriter). Either way
the chunks are logged in the order they are sent, each in one transaction (with LogWriter,
chunks that waited for the database share one), and only after their files are in place: the
log may trail the files by a chunk or two, never lead them.

A writer is made before the campaign loads, and opens the log meanwhile: LogWriter forks at
once, while this process is small (little for either process to copy later), and its process
opens the log (importing psycopg for a server, connecting, checking the schema) on the core the
batch leaves idle while it loads and plans; InlineWriter, where there is no fork, opens it on a
thread. Then start(entries_of) once the campaign is loaded, ready() before the first letter is
written (a log that cannot be used stops the run there), send() each chunk, finish(); abandon()
in every case, last."""
from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path
from typing import Callable

from drafter.log import open_log
from drafter.log.entry import LogEntry, LogError
from drafter.processes import as_helper, picklable

EntriesOf = Callable[[object], list[LogEntry]]
_OPEN = "open"       # the log's process has opened the log


def _stopped() -> LogError:
    return LogError("the process logging the letters stopped unexpectedly (out of memory, or killed)",
                    hint="run the same command again: it logs the letters already placed")


class InlineWriter:
    """Each chunk logged in this process, before send() returns; the log opens on a thread
    meanwhile (a server's connection and the schema's checks take their round trips then)."""

    def __init__(self, root: str | Path | None, url: str | Path | None):
        self.log = self.error = self.entries_of = None
        self.thread = threading.Thread(target=self._open, args=(root, url), name="opening the log", daemon=True)
        self.thread.start()

    def _open(self, root, url) -> None:
        try:
            self.log = open_log(root, url)
        except BaseException as exc:       # raised by ready(), in the batch's thread
            self.error = exc

    def start(self, entries_of: EntriesOf) -> None:
        """The log is open from here (no thread is left running for a fork)."""
        self.entries_of = entries_of
        self.ready()

    def ready(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def send(self, item) -> None:
        entries = self.entries_of(item)
        if entries:
            self.log.record(entries)

    def finish(self) -> list:
        return []

    def abandon(self) -> None:
        self.thread.join()
        if self.log is not None:
            self.log.close()


class LogWriter:
    """Chunks logged by a forked process, through its own connection to the log; send() only
    hands the chunk over. An error there (the server went down) is raised by ready(), the next
    send() or finish(), which waits until every chunk sent is logged."""

    def __init__(self, root: str | Path | None, url: str | Path | None):
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_write, args=(root, url, theirs, os.getpid()), daemon=True)
        self.process.start()
        theirs.close()          # only the writer holds its end: its death is an EOF here
        self.opened = self.done = False

    def start(self, entries_of: EntriesOf) -> None:
        try:
            self.conn.send(entries_of)
        except OSError:
            pass                # it stopped: ready() says why

    def ready(self) -> None:
        """Wait until the log's process has opened the log; raise why it could not (once)."""
        if not (self.opened or self.done):
            try:
                said = self.conn.recv()
            except (EOFError, OSError):
                said = _stopped()
            if said != _OPEN:
                self._end(said)
            self.opened = True

    def send(self, item) -> None:
        self.ready()
        if self.conn.poll():                 # it stopped early: say why
            self._outcome()
        try:
            self.conn.send(item)
        except OSError:
            self._outcome()
            raise _stopped() from None

    def finish(self) -> list:
        """Wait until every chunk sent is logged; raise what went wrong there. Returns the
        process, ending, for the caller to join when it likes."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self._outcome(join=False)
        return [self.process]

    def _outcome(self, join: bool = True) -> None:
        self.ready()
        try:
            result = self.conn.recv()
        except (EOFError, OSError):
            result = _stopped()
        self._end(result, join)

    def _end(self, result, join: bool = True) -> None:
        self.done = True
        self.conn.close()
        if join or result is not None:
            self.process.join()
        if result is not None:
            raise result

    def abandon(self) -> None:
        """The batch failed: what was sent is still logged (the rerun need not), the error is
        the batch's to report; a writer that does not finish in time is stopped."""
        if self.done:
            return
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
        self.done = True


MERGED = 512      # letters at most in one transaction when chunks wait to be logged


def _write(root, url, conn, parent: int) -> None:
    """The log's process: opens the log, then logs each chunk in one transaction; chunks that
    arrived while the last transaction ran (the database is slower than the letters) go in one
    transaction together, so a slow or distant server costs fewer round trips, not more."""
    as_helper(parent)
    try:
        with open_log(root, url) as own:
            conn.send(_OPEN)
            entries_of = conn.recv()
            ending = entries_of is None
            while not ending and (item := conn.recv()) is not None:
                entries = entries_of(item)
                while len(entries) < MERGED and conn.poll():
                    if (item := conn.recv()) is None:
                        ending = True
                        break
                    entries += entries_of(item)
                if entries:
                    own.record(entries)
        conn.send(None)
    except BaseException as exc:     # the parent raises it (pickled: a LogError keeps its message)
        conn.send(exc if picklable(exc) else LogError(f"logging the letters failed: {exc!r}"))
    conn.close()


def writer(root: str | Path | None, url: str | Path | None = None) -> InlineWriter | LogWriter:
    """A LogWriter where this system forks, else inline."""
    if "fork" in multiprocessing.get_all_start_methods():
        return LogWriter(root, url)
    return InlineWriter(root, url)
