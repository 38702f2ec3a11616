"""The volunteers' PDFs through Typst, made off the request threads where they can be stopped.

A submit makes the Word and text letters at once and hands the PDFs (each letter, all letters
in one PDF for printing, the envelopes) to a `TypstPool` job: the letters page appears without
waiting, and a PDF's download waits for its job. Each helper process holds a warm Typst; one
that takes longer than the timeout, or dies, is killed and replaced, and its volunteer's PDFs
are reported failed. Their Word and text letters never depend on it.

Why processes rather than threads: Typst releases the interpreter while it compiles, so a
thread would be as fast, but a thread cannot be stopped. Helpers are spawned, never forked:
Typst's compiler keeps a pool of threads, and a child forked from a process that has compiled
waits on them forever.
"""
from __future__ import annotations

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


def job_keys(letters: int) -> list[str]:
    return [str(i) for i in range(letters)] + [PRINT, ENVELOPES]


@dataclass
class PdfJob:
    """One volunteer's PDFs: {"0": letter, "1": ..., "letters": all letters, "envelopes": ...},
    handed to `store` (in the pool's thread) before the job counts as done."""
    letters: list
    envelopes: list
    author: str
    store: Callable[[dict[str, bytes]], None] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    def wait(self, seconds: float) -> bool:
        """Whether the PDFs are stored within `seconds` (False: failed, or still under way)."""
        return self.done.wait(seconds) and self.error is None

    @property
    def failed(self) -> bool:
        return self.done.is_set() and self.error is not None

    def finish(self, pdfs: dict[str, bytes] | None, error: str | None = None) -> None:
        if pdfs is not None and self.store is not None:
            try:
                self.store(pdfs)
            except OSError as exc:        # the volunteer's folder gone meanwhile (Finish)
                error = f"the PDFs could not be stored ({type(exc).__name__})"
        self.error = error
        self.done.set()


def make_pdfs(letters, envelopes, author, letterhead, paper) -> tuple[dict[str, bytes], int]:
    """A job's PDFs, in this process; and how many characters no font has (printed as U+FFFD)."""
    from drafter.formats.typst import letter_pdf, letters_pdf
    from drafter.formats.typst.envelopes import envelopes_pdf
    warnings: list[str] = []
    # Printing first: what a volunteer at an event asks for.
    pdfs = {PRINT: letters_pdf(letters, letterhead=letterhead, paper=paper, warn=warnings.append),
            ENVELOPES: envelopes_pdf(envelopes, author=author)}
    for i, letter in enumerate(letters):
        pdfs[str(i)] = letter_pdf(letter, letterhead=letterhead, paper=paper, warn=None)
    return pdfs, len(warnings)


def _helper(conn, letterhead, paper) -> None:
    """A helper process: warm Typst up, then make each job sent until the pipe closes."""
    processes.as_helper()
    from drafter.formats.typst.envelopes import envelopes_pdf
    try:
        envelopes_pdf([(("-",), ("-",))])      # loads the fonts before the first volunteer
    except Exception:                            # reported with the first job instead
        pass
    conn.send(("ready", None))
    while True:
        try:
            letters, envelopes, author = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", make_pdfs(letters, envelopes, author, letterhead, paper)))
        except Exception as exc:
            # The message names what failed (a template error, a font), never a volunteer's words.
            conn.send(("error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"))


class TypstPool:
    """`workers` helper processes, each with a thread here that feeds it jobs from one queue."""

    START_SECONDS = 120          # a helper that is not ready by then is ended (a broken install)

    def __init__(self, workers: int, letterhead=None, paper: str = "letter", timeout: float = 30):
        self.letterhead, self.paper, self.timeout = letterhead, paper, timeout
        self._jobs: queue.Queue[PdfJob | None] = queue.Queue()
        self._procs: set = set()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = [threading.Thread(target=self._serve, name=f"drafter-typst-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, letters, envelopes, author: str, store=None) -> PdfJob:
        job = PdfJob(list(letters), list(envelopes), author, store)
        if self._closed:
            job.finish(None, "the server is stopping")
        else:
            self._jobs.put(job)
        return job

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in self._procs if p.is_alive()]

    def close(self) -> None:
        """End every helper (a compile under way with it); jobs still queued fail."""
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        with self._lock:
            procs = list(self._procs)
        for p in procs:
            p.kill()
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.finish(None, "the server is stopping")

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

    def _end(self, proc, conn) -> None:
        proc.kill()
        proc.join(10)
        conn.close()
        with self._lock:
            self._procs.discard(proc)

    def _serve(self) -> None:
        proc = conn = None
        while not self._closed:
            if proc is None:        # started before a job comes: the first volunteer finds it warm
                proc, conn = self._try_start()
            job = self._jobs.get()
            if job is None:
                break
            if proc is None or not proc.is_alive():      # died while idle: replaced first
                if proc is not None:
                    self._end(proc, conn)
                proc, conn = self._try_start()
            if proc is None:
                job.finish(None, "Typst's helper process could not be started")
                continue
            started = time.monotonic()
            try:
                conn.send((job.letters, job.envelopes, job.author))
                ready = conn.poll(self.timeout)
                kind, value = conn.recv() if ready else ("timeout", None)
            except (EOFError, OSError):     # the helper died (a crash, or killed)
                kind, value = "died", None
            if kind == "ok":
                pdfs, unshown = value
                if unshown:
                    log.warning("PDFs: %d character(s) no installed font has, printed as U+FFFD", unshown)
                job.finish(pdfs)
                continue
            reason = {"timeout": f"Typst did not finish in {self.timeout:g} s; it was stopped",
                      "died": "Typst's helper process ended unexpectedly"}.get(kind, value)
            log.error("PDFs failed after %.1f s: %s", time.monotonic() - started, reason)
            job.finish(None, reason)
            if kind != "error":      # a helper that timed out or died is replaced
                self._end(proc, conn)
                proc = conn = None
        if proc is not None:
            self._end(proc, conn)

    def _try_start(self):
        try:
            return self._start()
        except (ConversionError, OSError, EOFError) as exc:
            log.error("PDFs: %s", exc or type(exc).__name__)
            return None, None
