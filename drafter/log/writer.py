"""Logging a batch's chunks as they are placed: in this process (InlineWriter), or in a process
of its own (LogWriter) so that making the next chunk never waits for the database. Either way
the chunks are logged in the order they are sent, each in one transaction (with LogWriter,
chunks that waited for the database share one), and only after their files are in place: the
log may trail the files by a chunk or two, never lead them.

LogWriter forks (its process inherits what the batch has loaded, and `entries_of` with it); it
pays where a core would otherwise sit idle (`--jobs 1` on two cores). Where every core makes
letters, or there is no fork, logging stays in this process: a process of its own would only
take its share of the same cores and add the cost of handing each chunk over (measured:
docs/developers.md, the log's cost)."""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable

from drafter.log.entry import LogEntry, LogError
from drafter.log.store import CampaignLog
from drafter.processes import as_helper, cores, picklable

EntriesOf = Callable[[object], list[LogEntry]]


def _stopped() -> LogError:
    return LogError("the process logging the letters stopped unexpectedly (out of memory, or killed)",
                    hint="run the same command again: it logs the letters already placed")


class InlineWriter:
    """Each chunk logged in this process, before send() returns."""

    def __init__(self, log: CampaignLog, entries_of: EntriesOf):
        self.log, self.entries_of = log, entries_of

    def send(self, item) -> None:
        entries = self.entries_of(item)
        if entries:
            self.log.record(entries)

    def finish(self) -> list:
        return []

    def abandon(self) -> None:
        pass


class LogWriter:
    """Chunks logged by a forked process, through its own connection to the log; send() only
    hands the chunk over. An error there (the server went down) is raised by the next send()
    or by finish(), which waits until every chunk sent is logged."""

    def __init__(self, log: CampaignLog, entries_of: EntriesOf):
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_write, args=(log, entries_of, theirs, os.getpid()), daemon=True)
        self.process.start()
        theirs.close()          # only the writer holds its end: its death is an EOF here
        self.done = False

    @staticmethod
    def usable(log: CampaignLog) -> bool:
        return "fork" in multiprocessing.get_all_start_methods() and log.can_reopen

    def send(self, item) -> None:
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
        try:
            result = self.conn.recv()
        except (EOFError, OSError):
            result = _stopped()
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
            if self.conn.poll(30):
                self.conn.recv()
        except (OSError, EOFError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()
        self.done = True


MERGED = 512      # letters at most in one transaction when chunks wait to be logged


def _write(log: CampaignLog, entries_of: EntriesOf, conn, parent: int) -> None:
    """The log's process: each chunk in one transaction; chunks that arrived while the last
    transaction ran (the database is slower than the letters) go in one transaction together,
    so a slow or distant server costs fewer round trips, not more."""
    as_helper(parent)
    try:
        with log.reopen() as own:
            ending = False
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


def writer(log: CampaignLog, entries_of: EntriesOf, busy: int = 1) -> InlineWriter | LogWriter:
    """A LogWriter where this system forks and a core is left beside the `busy` processes that
    make letters, else inline."""
    if busy < cores() and LogWriter.usable(log):
        return LogWriter(log, entries_of)
    return InlineWriter(log, entries_of)
