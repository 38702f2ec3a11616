"""The volunteers' PDFs through Typst, made off the request threads where they can be stopped.

A submit makes the Word and text letters at once and hands the PDFs to a `TypstPool` job: all
the letters in one PDF for printing and the envelopes at once, each letter's own PDF when its
link is first opened. The letters page appears without waiting; a PDF's download waits for it.
Each helper process holds a warm Typst and runs below the pages' priority; one that takes
longer than the timeout, or dies, is killed and replaced, and the PDFs it was making are
reported failed. The volunteer's Word and text letters never depend on it.

Why processes rather than threads: a thread cannot be stopped, and the engine compiles one
document at a time per process (a lock around its one Compiler), so threads would not use a
second core either. Helpers are spawned, never forked: Typst's compiler keeps a pool of
threads, and a child forked from a process that has compiled waits on them forever.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from drafter import processes
from drafter.errors import ConversionError

log = logging.getLogger("drafter.web")

PRINT, ENVELOPES = "letters", "envelopes"      # the job's keys besides the letters' numbers
# A volunteer's PDFs come in two parts: what they print at the event (all letters in one PDF,
# and the envelopes), made at once; and each letter's own PDF, made when first asked for (most
# volunteers never do: it halves Typst's work at a busy event).
FIRST, SECOND = "print", "each"


def job_keys(letters: int) -> list[str]:
    return [str(i) for i in range(letters)] + [PRINT, ENVELOPES]


def part_of(key: str) -> str:
    return FIRST if key in (PRINT, ENVELOPES) else SECOND


class Part:
    """One part of a job: done once its PDFs are stored, or have failed. `request` puts it in
    the pool's queue (None: it is there already)."""

    def __init__(self, request: Callable[[], None] | None = None):
        self.done = threading.Event()
        self.error: str | None = None
        self._request = request
        self._lock = threading.Lock()
        self.asked = time.monotonic() if request is None else None     # when it was queued

    def wait(self, seconds: float) -> bool:
        """Whether the PDFs are stored within `seconds` (False: failed, or still under way)."""
        with self._lock:
            request, self._request = self._request, None
            if request is not None:
                self.asked = time.monotonic()
        if request is not None:
            request()
        return self.done.wait(seconds) and self.error is None

    def waited(self) -> float:
        """Seconds since it was queued."""
        return time.monotonic() - self.asked if self.asked is not None else 0.0


@dataclass
class PdfJob:
    """One volunteer's PDFs: {"0": letter, "1": ..., "letters": all letters, "envelopes": ...},
    handed to `store` (in the pool's thread) before their part counts as done."""
    letters: list
    envelopes: list
    author: str
    store: Callable[[dict[str, bytes]], None] | None = None
    parts: dict[str, Part] = field(default_factory=dict)

    def part(self, key: str) -> Part:
        return self.parts[part_of(key)]

    @property
    def failed(self) -> bool:
        return any(p.done.is_set() and p.error is not None for p in self.parts.values())

    def finish(self, part: str, pdfs: dict[str, bytes] | None, error: str | None = None) -> None:
        if pdfs is not None and self.store is not None:
            try:
                self.store(pdfs)
            except OSError as exc:        # the volunteer's folder gone meanwhile (Finish)
                error = f"the PDFs could not be stored ({type(exc).__name__})"
        self.parts[part].error = error
        self.parts[part].done.set()


def make_pdfs(part: str, letters, envelopes, author, letterhead, paper) -> tuple[dict[str, bytes], int]:
    """One part's PDFs, in this process; and how many characters no font has (shown as U+FFFD)."""
    from drafter.formats.typst import letter_pdf, letters_pdf
    from drafter.formats.envelopes import envelope_for
    from drafter.formats.typst.envelopes import envelopes_pdf
    warnings: list[str] = []
    if part == FIRST:
        return {PRINT: letters_pdf(letters, letterhead=letterhead, paper=paper, warn=warnings.append),
                ENVELOPES: envelopes_pdf(envelopes, author=author, warn=warnings.append,
                                         size=envelope_for(letters))}, len(warnings)
    return {str(i): letter_pdf(letter, letterhead=letterhead, paper=paper, warn=warnings.append)
            for i, letter in enumerate(letters)}, len(warnings)


def _helper(conn, letterhead, paper) -> None:
    """A helper process: warm Typst up, then make each job sent until the pipe closes."""
    processes.as_helper()
    _lower_priority()
    from drafter.formats.typst.envelopes import envelopes_pdf
    try:
        envelopes_pdf([(("-",), ("-",))])      # loads the fonts before the first volunteer
    except Exception:                            # reported with the first job instead
        pass
    conn.send(("ready", None))
    while True:
        try:
            part, letters, envelopes, author = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", make_pdfs(part, letters, envelopes, author, letterhead, paper)))
        except Exception as exc:
            # Only the kind: Typst's message may quote the volunteer's words, which the server's
            # log never holds (`drafter draft --format pdf` on the letter shows the whole message).
            conn.send(("error", f"Typst failed ({type(exc).__name__})"))


def _lower_priority() -> None:
    """The pages come first: a helper runs when the server's threads leave the processor free."""
    import psutil
    try:
        me = psutil.Process()
        me.nice(getattr(psutil, "BELOW_NORMAL_PRIORITY_CLASS", 10))    # Windows has classes, POSIX nice
    except (psutil.Error, OSError, ValueError):
        pass


class _Slot:
    """A pool thread's helper process and its end of the pipe (None until started)."""
    proc = None
    conn = None


class TypstPool:
    """`workers` helper processes, each with a thread here that feeds it jobs from one queue."""

    START_SECONDS = 120          # a helper that is not ready by then is ended (a broken install)

    def __init__(self, workers: int, letterhead=None, paper: str | None = None, timeout: float = 30):
        self.letterhead, self.paper, self.timeout = letterhead, paper, timeout
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()      # (order, number, job, part)
        self._count = itertools.count()
        self._procs: set = set()
        self._lock = threading.Lock()
        self._closed = False
        self._started = threading.Semaphore(0)      # one release per helper that has started
        self._threads = [threading.Thread(target=self._serve, name=f"drafter-typst-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, letters, envelopes, author: str, store=None) -> PdfJob:
        job = PdfJob(list(letters), list(envelopes), author, store)
        job.parts = {FIRST: Part(), SECOND: Part(lambda: self._put(job, SECOND))}
        self._put(job, FIRST)
        return job

    def _put(self, job: PdfJob, part: str) -> None:
        if self._closed:
            job.finish(part, None, "the server is stopping")
        else:
            self._jobs.put((0, next(self._count), job, part))

    def ready(self, timeout: float) -> bool:
        """Wait until every helper has started (fonts loaded), at most `timeout` seconds; whether
        they all run."""
        deadline = time.monotonic() + timeout
        got = 0
        while got < len(self._threads) and self._started.acquire(timeout=max(0.0, deadline - time.monotonic())):
            got += 1
        for _ in range(got):
            self._started.release()        # a later call answers at once
        return got == len(self._threads) and len(self.pids()) == got

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in self._procs if p.is_alive()]

    def close(self) -> None:
        """End every helper: an idle one exits by itself (removing its temporary files), one
        still compiling is killed after a moment; jobs still queued fail."""
        self._closed = True
        for _ in self._threads:
            self._jobs.put((-1, next(self._count), None, None))      # before any queued job
        deadline = time.monotonic() + 3
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            procs = list(self._procs)
        for p in procs:
            p.kill()
        while True:
            try:
                _, _, job, part = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.finish(part, None, "the server is stopping")

    # ------------------------------------------------------------------ one helper's thread

    def _start(self):
        context = processes.spawn_context()
        conn, theirs = context.Pipe()
        proc = context.Process(target=_helper, args=(theirs, self.letterhead, self.paper),
                               name="drafter-typst", daemon=True)
        proc.start()
        theirs.close()
        with self._lock:
            self._procs.add(proc)
        if not conn.poll(self.START_SECONDS):
            self._end(proc, conn)
            raise ConversionError(f"Typst's helper process did not start in {self.START_SECONDS} s")
        conn.recv()
        return proc, conn

    def _end(self, proc, conn, force: bool = True) -> None:
        """Kill a helper; or, not `force`d, close its pipe and let it exit as a program does
        (its temporary files removed), killing it only if it has not within a second."""
        if not force:
            conn.close()
            proc.join(1)
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        conn.close()
        with self._lock:
            self._procs.discard(proc)

    def _serve(self) -> None:
        slot = _Slot()          # this thread's helper
        first = True
        while not self._closed:
            if slot.proc is None:      # started before a job comes: the first volunteer finds it warm
                slot.proc, slot.conn = self._try_start()
                if first:
                    first = False
                    self._started.release()
            _, _, job, part = self._jobs.get()
            if job is None:
                break
            started = time.monotonic()
            kind, value = self._run(slot, job, part)
            if kind == "died":          # killed or crashed, perhaps before this job: once more
                kind, value = self._run(slot, job, part)
            if kind == "ok":
                pdfs, unshown = value
                if unshown:
                    log.warning("PDFs: %d character(s) no installed font has, printed as U+FFFD", unshown)
                job.finish(part, pdfs)
                continue
            reason = {"timeout": f"Typst did not finish in {self.timeout:g} s; it was stopped",
                      "died": "Typst's helper process ended unexpectedly"}.get(kind, value)
            log.error("PDFs failed after %.1f s: %s", time.monotonic() - started, reason)
            job.finish(part, None, reason)
        if slot.proc is not None:
            self._end(slot.proc, slot.conn, force=False)

    def _run(self, slot: _Slot, job: PdfJob, part: str) -> tuple[str, object]:
        """("ok", (pdfs, unshown)), ("error", message), ("timeout" or "died", None). A helper
        that timed out or died is ended; the next run starts another."""
        if slot.proc is None or not slot.proc.is_alive():
            if slot.proc is not None:
                self._end(slot.proc, slot.conn)
            slot.proc, slot.conn = self._try_start()
            if slot.proc is None:
                return "error", "Typst's helper process could not be started"
        try:
            slot.conn.send((part, job.letters, job.envelopes, job.author))
            kind, value = slot.conn.recv() if slot.conn.poll(self.timeout) else ("timeout", None)
        except (EOFError, OSError):
            kind, value = "died", None
        if kind in ("timeout", "died"):
            self._end(slot.proc, slot.conn)
            slot.proc = slot.conn = None
        return kind, value

    def _try_start(self):
        try:
            return self._start()
        except (ConversionError, OSError, EOFError) as exc:
            log.error("PDFs: %s", exc or type(exc).__name__)
            return None, None
