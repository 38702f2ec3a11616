"""`drafter batch`: one letter per volunteer and member of Congress, from a spreadsheet CSV.

Each row of the CSV is matched to its two Senators and Representative (constituents.match);
rows that cannot be matched go to needs-review.csv. Every letter is written atomically under a
name made from the volunteer's own name and address (never the row number, so inserting a row
renames nothing) and the member, so a re-run finds what an earlier (possibly interrupted) run
wrote: the same bytes are skipped, different bytes are a conflict that is never overwritten
without `force`. `manifest.csv` lists every file and row, and the letters' date: a run that
resumes a folder keeps that date (`date: today` is the first run's day). An interrupted or
failed run still writes the manifest, its unwritten letters marked `pending`.

With `jobs` > 1 the letters are made by this process and jobs - 1 helpers, started as soon as
the campaign is loaded (forked with it and warm caches, or spawned and loading it once) while
this process reads and matches the volunteers; the package is deterministic, so the files, the
manifest and the log are the same as a one-process run's.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import gc
import datetime as dt
import hashlib
import io
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from drafter.campaign.load import load_campaign
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import Composer, chosen_points
from drafter.compose.similarity import THRESHOLD, encode, fingerprint, letter_parts, nearest
from drafter.compose.constituent import (constituent_letter, constituent_spec as compose_constituent_spec,
                                         members_abroad, stale_refused)
from drafter.people.constituents import (Constituencies, Constituent, Legislators, ReviewItem, ZipDistricts, match,
                                         read_constituents, review_item)
from drafter.people.samples import SAMPLE_CONSTITUENT, SAMPLE_MEMBERS
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.typst.engine import typst_ran
from drafter.formats.outputs import DEFAULT_PDF_ENGINE, SUFFIX, PdfFailed, check_formats, render_outputs
from drafter import processes
from drafter.errors import DrafterError, OutputError
from drafter.campaign.models import Recipient
from drafter.log import LogEntry
from drafter.log.letters import constituent_fields, entry, office
from drafter.log.writer import LogWriter
from drafter.output import files
from drafter.output.sheets import cell   # names and ZIPs come from volunteers
from drafter.output.files import atomic_write, ensure_dir, remove_stray_temps
from drafter.output.names import safe_name

BATCH_FORMATS = ("docx", "pdf", "txt", "md")
MANIFEST = "manifest.csv"
PRINT_PDF = "print.pdf"      # every letter of the batch in one PDF, for printing at an event
REVIEW = "needs-review.csv"
SIMILARITY = "similarity.csv"
SIMILARITY_COLUMNS = ("row", "constituent", "member", "file", "similarity", "similar_row", "similar_constituent",
                      "similar_file")
SHOWN_OFFICES = 10     # offices the summary names, most letters above the threshold first
MANIFEST_COLUMNS = ("row", "constituent", "member", "file", "sha256", "status", "date")
MAX_MANIFEST = 64 * 1024 * 1024
CHUNK = 64      # letters placed with one disk sync and logged in one transaction

# Statuses in manifest.csv
WRITTEN, SKIPPED, OVERWRITTEN, CONFLICT, NEEDS_REVIEW, PENDING = (
    "written", "skipped-same", "overwritten", "conflict", "review", "pending")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the batch; `message` says what was and was not written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Job:
    """One letter to make: a volunteer writing to one member."""
    constituent: Constituent
    member: Recipient
    stem: str                 # file name without suffix


@dataclass(frozen=True)
class Record:
    """One line of manifest.csv."""
    row: int
    constituent: str
    member: str
    file: str                 # relative to the output folder; "" for a row needing review
    sha256: str
    status: str


@dataclass
class BatchReport:
    out_dir: Path
    records: list[Record]
    review: list[ReviewItem]
    manifest: Path
    review_path: Path
    seconds: float
    constituents: int = 0
    stray_removed: int = 0
    letters: int = 0          # letters made (each may have several formats)
    similarity_path: Path | None = None
    # per office: (who, letters, letters above THRESHOLD), most above first
    similar: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)
    # evidence due for re-checking the letters cite: (kind, id, letters citing it, why), each once
    stale: list[tuple[str, str, int, str]] = dataclasses.field(default_factory=list)
    print_pdf: Path | None = None   # every letter in one PDF (--print-pdf)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    @property
    def conflicts(self) -> list[Record]:
        return [r for r in self.records if r.status == CONFLICT]

    def summary(self) -> str:
        files = [r for r in self.records if r.file]
        rate = f", {self.letters / self.seconds:,.0f} letters/s" if self.seconds > 0 and self.letters else ""
        lines = [f"{self.constituents} constituents: {self.letters} letters ({len(files)} files) in "
                 f"{self.seconds:.1f} s{rate}",
                 f"  written {self.count(WRITTEN)}, skipped (same) {self.count(SKIPPED)}, "
                 f"overwritten {self.count(OVERWRITTEN)}, conflicts {len(self.conflicts)}",
                 f"  rows needing review: {len(self.review)}"
                 + (f" (see {self.review_path})" if self.review else "")]
        if self.stray_removed:
            lines.append(f"  removed {self.stray_removed} temporary file(s) left by an interrupted run")
        lines += self.similarity_summary()
        if self.stale:
            lines.append(f"  evidence due for re-checking, cited in these letters ('stale: refuse' in the letter "
                         f"spec stops such a batch):")
            lines += [f"    {kind} {item!r} in {n} letter(s): {why}" for kind, item, n, why in self.stale]
        return "\n".join(lines)

    def similarity_summary(self) -> list[str]:
        """Per office, the letters reading more than THRESHOLD like another letter to it."""
        measured = sum(n for _, n, _ in self.similar)
        above = sum(a for _, _, a in self.similar)
        if not measured:
            return []
        where = f" (see {self.similarity_path})" if self.similarity_path else ""
        if not above:
            return [f"  similarity: no letter shares more than {THRESHOLD:.0%} of its five-word sequences with "
                    f"another letter to the same office{where}"]
        offices = [s for s in self.similar if s[2]]
        lines = [f"  similarity: {above} of {measured} letters share more than {THRESHOLD:.0%} of their five-word "
                 f"sequences with another letter to the same office, to {len(offices)} office(s){where}:"]
        lines += [f"    {who}: {a} of {n}" for who, n, a in offices[:SHOWN_OFFICES]]
        if len(offices) > SHOWN_OFFICES:
            lines.append(f"    and {len(offices) - SHOWN_OFFICES} more office(s)")
        return lines


# --------------------------------------------------------------------------- planning

def person_key(c: Constituent) -> str:
    """Eight hex digits from the volunteer's own name and address (case and spacing ignored):
    the same person keeps the same file names whatever rows are added or removed around them."""
    text = "\n".join(" ".join(v.casefold().split()) for v in (c.name, c.street, c.city, c.state, c.zip))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def letter_stem(c: Constituent, member: Recipient) -> str:
    """'pema-example-3f2a9c01-M000133': the key keeps names unique, the rest makes them findable.
    A member id that is not already a plain upper-case name (bioguide ids are) gets a hash of
    itself: ids differing only in case, or in what a file name cannot hold, stay distinct where
    names ignore case (Windows, macOS)."""
    member_id = safe_name(member.id)
    if member_id != member.id.upper() or len(member_id) > 40:
        member_id = f"{member_id[:40]}-{hashlib.sha256(member.id.encode()).hexdigest()[:8]}"
    return safe_name(f"{safe_name(c.name).lower()[:60]}-{person_key(c)}-{member_id}")


def known_points(people: list[Constituent], spec, review: list[ReviewItem]) -> list[Constituent]:
    """The volunteers whose Points cell names only the spec's talking points, their picks as
    the points' ids (numbers resolved, repeats dropped: what the log keeps and an export gives
    back); the others go to review with the reason (their letters would make points they did
    not pick)."""
    known = []
    for person in people:
        try:
            chosen = chosen_points(spec, person.points)
        except ValueError as exc:
            review.append(review_item(person, f"Points: {exc}"))
            continue
        if person.points:
            person = dataclasses.replace(person, points=tuple(p.id for p in chosen))
        known.append(person)
    return known


def plan(people: Iterable[Constituent], legislators: Legislators | None, zips: ZipDistricts | None,
         constituencies: Constituencies | None = None) -> tuple[list[Job], list[ReviewItem]]:
    """The letters to make, in CSV order (senators first), and the rows that get none or only
    some (a ZIP spanning districts: the Senate letters, not the House one). A row repeating an
    earlier row's name and address goes to review: its letters would have the same names.
    With `constituencies` (a campaign abroad) each row goes to its constituency's member."""
    jobs, review, seen = [], [], {}
    for person in people:
        first = seen.setdefault(person_key(person), person.row)
        if first != person.row:
            review.append(review_item(person, f"same name and address as row {first}; one letter each is sent"))
            continue
        m = constituencies.match(person) if constituencies is not None else match(person, legislators, zips)
        if m.review is not None:       # the whole row, or (a ZIP spanning districts) its House letter
            review.append(m.review)
        jobs.extend(Job(person, member, letter_stem(person, member)) for member in m.members)
    return jobs, review


# --------------------------------------------------------------------------- making letters

@dataclass
class _Maker:
    """What each process loads once: the campaign's composer and where to write."""
    composer: Composer
    letterhead: object
    out_dir: Path
    formats: tuple[str, ...]
    force: bool
    pdf: dict = dataclasses.field(default_factory=dict)     # render_outputs' pdf_engine, paper, pdf_a
    pdf_error: PdfFailed | None = None                      # the first PDF failure of this process

    @classmethod
    def of(cls, campaign, spec, out_dir, formats, force, pdf_engine=None, pdf_a=False) -> "_Maker":
        composer = Composer(campaign, spec)
        pdf = {"pdf_engine": pdf_engine or spec.pdf_engine or DEFAULT_PDF_ENGINE, "paper": spec.paper,
               "pdf_a": pdf_a}
        letterhead = load_spec_letterhead(campaign, composer.spec)
        if letterhead is not None and "pdf" in formats and pdf["pdf_engine"] == "typst":
            from drafter.formats.typst.letterhead import typst_letterhead
            typst_letterhead(letterhead)      # what Typst cannot carry over stops the batch before any letter
        return cls(composer, letterhead, Path(out_dir).absolute(), formats, force, pdf)

    @classmethod
    def load(cls, root, letter, out_dir, formats, force, date=None, pdf_engine=None, pdf_a=False) -> "_Maker":
        """A worker's own maker (spawn); `date` is the batch's (a resumed run's may differ from today)."""
        campaign = load_campaign(root)
        spec = constituent_spec(campaign, letter)
        return cls.of(campaign, spec if date is None else dataclasses.replace(spec, date=date), out_dir,
                      formats, force, pdf_engine, pdf_a)

    def letter(self, job: Job):
        return constituent_letter(self.composer, job.constituent, job.member)

    def warm_up(self, pdf: bool = True) -> None:
        """Render a sample letter, in memory: templates compiled, notes formatted (50 ms cold,
        1 ms warm), and with `pdf` Typst's fonts loaded; never LibreOffice, which would start
        for nothing. A process that forks helpers leaves Typst cold: its threads do not survive
        a fork. An error is left for the first real letter."""
        try:
            self.render([self.letter(Job(SAMPLE_CONSTITUENT, SAMPLE_MEMBERS[0], "sample"))],
                        pdf=pdf and self.pdf["pdf_engine"] != "libreoffice")
        except DrafterError:
            pass

    def render(self, letters: list, pdf: bool = True) -> list[dict[str, bytes]]:
        """The letters' files; LibreOffice converts a whole chunk in one start. A PDF that fails
        leaves its letters without one (the manifest marks them pending), and is kept to report."""
        formats = self.formats if pdf else tuple(f for f in self.formats if f != "pdf") or ("txt",)
        try:
            return render_outputs(letters, formats, clean=True, letterhead=self.letterhead, warn=_warn, **self.pdf)
        except PdfFailed as exc:
            if self.pdf_error is None:
                self.pdf_error = exc
            return exc.outputs

    def build(self, jobs: list[Job]) -> "MadeChunk":
        """A chunk of letters rendered, each file with its sha256 (the CPU work), each letter
        with its fingerprint and the evidence due for re-checking it cites."""
        letters, about = [], []
        for job in jobs:
            letter = self.letter(job)
            stale = self.composer.stale_evidence(letter)
            if stale and self.composer.spec.stale == "refuse":
                raise stale_refused(self.composer, dict.fromkeys(stale, _which(job)))
            letters.append(letter)
            about.append((fingerprint(letter_parts(letter)), stale))
        outs = [[(self.out_dir / (job.stem + SUFFIX[fmt]), data, hashlib.sha256(data).hexdigest())
                 for fmt, data in files.items()] for job, files in zip(jobs, self.render(letters))]
        return MadeChunk(jobs, outs, about)

    def place(self, made: "MadeChunk") -> list["Placed"]:
        """Put a chunk's files in place with one disk sync (files.place_many): the same bytes
        already there are skipped, other bytes are a conflict unless `force`. Returns each
        letter's records, fingerprint and stale evidence."""
        status: dict[Path, str] = {}
        writes = []
        for letter in made.outs:
            for path, data, _sha in letter:
                same = files.same_content(path, data)
                if same is None or (not same and self.force):
                    writes.append((path, data, same is not None))
                else:
                    status[path] = SKIPPED if same else CONFLICT
        for (path, data, force), placed in zip(writes, files.place_many(writes) if writes else ()):
            if placed:
                status[path] = OVERWRITTEN if force else WRITTEN
            else:       # another run placed it meanwhile: compared like one that was there before
                status[path] = SKIPPED if files.same_content(path, data) else CONFLICT
        return [Placed([Record(job.constituent.row, job.constituent.name, job.member.id, path.name, sha, status[path])
                        for path, _data, sha in letter], fp, stale)
                for job, letter, (fp, stale) in zip(made.jobs, made.outs, made.about)]


@dataclass
class _ChunkEntries:
    """The log entries of a placed chunk (in the log's process): each item sent is (jobs, what
    was placed of each letter)."""
    letter: str
    template: str
    out_dir: Path
    formats: tuple[str, ...]

    def __call__(self, item) -> list[LogEntry]:
        jobs, per_letter = item
        return self.entries(jobs, per_letter)

    def entries(self, jobs: list[Job], per_letter: list["Placed"]) -> list[LogEntry]:
        """The log entries of a placed chunk's letters now whole on disk. A letter already there
        with the same content (skipped) has its entry too, so a rerun logs what a killed run
        placed but had not logged yet (the log adds no row for what it has); a conflict was not
        placed."""
        return [entry("batch", self.letter, self.template, [job.member],
                      [(self.out_dir / r.file, r.sha256) for r in p.records], self.formats,
                      constituent_fields(job.constituent), fingerprint=encode(p.fingerprint))
                for job, p in zip(jobs, per_letter) if p.on_disk]


@dataclass(frozen=True)
class MadeChunk:
    """A chunk of letters made and not yet placed: per job, its files (path, bytes, sha256),
    and its (fingerprint, stale evidence)."""
    jobs: list[Job]
    outs: list[list[tuple[Path, bytes, str]]]
    about: list[tuple[bytes, tuple[tuple[str, str], ...]]]


@dataclass(frozen=True)
class Placed:
    """One letter placed: its files' records, its fingerprint (compose.similarity) and the
    evidence due for re-checking it cites."""
    records: list[Record]
    fingerprint: bytes
    stale: tuple[tuple[str, str], ...] = ()

    @property
    def on_disk(self) -> bool:
        """Every file is this letter (written, or there already); a conflict was not placed."""
        return bool(self.records) and all(r.status in (WRITTEN, SKIPPED, OVERWRITTEN) for r in self.records)


_helper_maker: _Maker | None = None      # a helper process's own maker


def _warn(message: str) -> None:
    """What a PDF could not show (a character no installed font has), on stderr."""
    print(f"warning: {message}", file=sys.stderr)


def _helper_init(init: "_Maker | tuple") -> None:
    """A helper readies its maker as soon as it starts, while the batch reads and matches the
    volunteers: a forked one inherits the batch's (caches warm), a spawned one loads its own."""
    global _helper_maker
    processes.as_helper()
    _helper_maker = init if isinstance(init, _Maker) else _Maker.load(*init)
    _helper_maker.warm_up()      # forked: the pages it writes are copied now, not while letters are made
    gc.freeze()


def _helper_ready() -> None:
    """A first task for each helper: submitting it starts the helper."""


def _helper_chunk(run: str, chunk: list[Job]) -> list[Placed]:
    """A chunk made and placed by a helper, under the batch's run (its temporary files)."""
    files.join_run(run)
    return _helper_maker.place(_helper_maker.build(chunk))


class _Helpers:
    """The n - 1 helper processes of `--jobs n` (a ProcessPoolExecutor), started as soon as the
    campaign is loaded, so that none starts while letters are made."""

    def __init__(self, maker: _Maker, load_args: tuple, n: int):
        context = processes.context()
        if "pdf" in maker.formats and typst_ran():
            # Typst already ran here (a long-lived process: tests, a server): its threads would
            # not survive a fork, so the helpers start fresh
            context = processes.spawn_context()
        init = maker if context.get_start_method() == "fork" else load_args
        self.n = n - 1
        self.pool = ProcessPoolExecutor(self.n, mp_context=context, initializer=_helper_init, initargs=(init,))
        for _ in range(self.n):
            self.pool.submit(_helper_ready)

    def close(self) -> None:
        """Chunks not begun are dropped; a chunk a helper is making is finished (in well under a
        second), so that no temporary file is left half-written."""
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Stop:
    """SIGINT/SIGTERM in the parent while letters are made: noted, and acted on between chunks,
    never inside a write."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.signum = None
        self.saved = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.saved[sig] = signal.signal(sig, self._note)
        return self

    def _note(self, signum, _frame):
        self.signum = signum

    def check(self):
        if self.signum is not None:
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)


def _chunks(jobs: list[Job], n_procs: int) -> list[list[Job]]:
    """Chunks of CHUNK letters (one sync and one transaction each) while plenty are left,
    shrinking towards the end so that the processes finish together."""
    out, i = [], 0
    while i < len(jobs):
        size = CHUNK if n_procs == 1 else max(4, min(CHUNK, (len(jobs) - i) // (n_procs * 2)))
        out.append(jobs[i:i + size])
        i += size
    return out


@contextlib.contextmanager
def _long_lived():
    """What is loaded so far (the campaign, the members, the plan) lives until the run ends:
    frozen, the cycle collector no longer scans it at every full collection while letters are
    made (each scan costs tens of milliseconds), and forked helpers leave its pages shared."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _make_all(jobs: list[Job], maker: _Maker, helpers: "_Helpers | None", n_procs: int,
              progress: Callable[[int], None] | None, records: list[Record], writing,
              letters: list[tuple[Record, Placed]]) -> None:
    """Make the letters, adding their records to `records` as they are done (so that an
    interrupted run can still say what it wrote) and to the campaign log (`writing`), a chunk at
    a time, once their files are in place: the log never lists a letter that is not on disk.

    With n_procs > 1 this process makes letters too, beside the n_procs - 1 `helpers`: each
    helper is kept two chunks ahead, this process takes the next chunk itself, and in between
    takes in what the helpers finished. Chunks are recorded and logged in their order,
    whoever made them: the log and the manifest are the same whatever the number of processes."""
    run = files.begin_run()
    chunks = _chunks(jobs, n_procs)

    def done(i: int, per_letter: list[Placed]) -> None:     # one chunk, placed with one sync
        for placed in per_letter:
            records.extend(placed.records)
            if placed.on_disk:
                letters.append((placed.records[0], placed))
        if writing is not None:
            writing.send((chunks[i], per_letter))
        if progress:
            progress(len(per_letter))

    with _Stop() as stop:        # a signal is acted on between chunks, never inside a write
        try:
            if helpers is None or n_procs <= 1 or len(chunks) <= 1:
                for i, chunk in enumerate(chunks):
                    stop.check()
                    done(i, maker.place(maker.build(chunk)))
            else:
                _make_with_helpers(chunks, maker, helpers, run, stop, done, records)
        except BaseException:
            remove_stray_temps(maker.out_dir, own=True)
            raise
    if writing is not None:
        writing.finish()


def _make_with_helpers(chunks: list[list[Job]], maker: _Maker, helpers: _Helpers, run: str,
                       stop: _Stop, done, records: list[Record]) -> None:
    ready: dict[int, list[Placed]] = {}
    given: dict = {}                   # future -> chunk number
    taken = next_done = 0

    def arrived(i: int, per_letter) -> None:
        nonlocal next_done
        ready[i] = per_letter
        while next_done in ready:
            done(next_done, ready.pop(next_done))
            next_done += 1

    def collect(finished) -> None:
        for future in finished:
            i = given.pop(future)
            try:
                arrived(i, future.result())
            except BrokenProcessPool:
                raise OutputError("a helper process stopped unexpectedly (out of memory, or killed)",
                                  hint="run the same command again: letters already placed are kept") from None

    try:
        while taken < len(chunks) or given:
            stop.check()
            collect([f for f in given if f.done()])        # first: a finished chunk makes room
            while taken < len(chunks) and len(given) < 2 * helpers.n:
                given[helpers.pool.submit(_helper_chunk, run, chunks[taken])] = taken
                taken += 1
            if taken < len(chunks):
                taken += 1
                arrived(taken - 1, maker.place(maker.build(chunks[taken - 1])))
            elif given:
                collect(wait(given, timeout=0.1, return_when=FIRST_COMPLETED).done)
    except BaseException:
        helpers.close()            # what the helpers were making is placed: in the manifest
        for future, i in given.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                ready[i] = future.result()
        for i in sorted(ready):    # placed, not logged yet: the rerun logs them
            for placed in ready[i]:
                records.extend(placed.records)
        raise


# --------------------------------------------------------------------------- the batch

def constituent_spec(campaign, letter):
    return compose_constituent_spec(campaign, letter, SPEC_CHECKS, needed_by="'drafter batch'")


REVIEW_COLUMNS = ("row", "name", "zip", "state", "reason", "candidates")
REVIEW_COLUMNS_ABROAD = ("row", "name", "postcode", "constituency", "reason", "candidates")


def write_review(path: str | Path, items: Iterable[ReviewItem], country: str = "US") -> Path:
    """needs-review.csv (UTF-8 with a BOM, so Excel shows accented names); written atomically.
    Abroad (`country` not US) it names each row's postcode and constituency; its candidates
    are constituencies' names or profile ids, separated by '; '."""
    path = Path(path)
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(REVIEW_COLUMNS if country == "US" else REVIEW_COLUMNS_ABROAD)
    for it in sorted(items, key=lambda i: i.row):
        if country == "US":
            out.writerow([it.row, cell(it.name), cell(it.zip), cell(it.state), it.reason, " ".join(it.candidates)])
        else:
            out.writerow([it.row, cell(it.name), cell(it.zip), cell(it.constituency), it.reason,
                          "; ".join(it.candidates)])
    files.replace_text(path, buf.getvalue(), encoding="utf-8-sig")
    return path


def write_print_pdf(path: Path, maker: _Maker, jobs: list[Job]) -> Path | None:
    """print.pdf: every letter of the batch in CSV order, each from a new page with its own
    page numbers, by Typst whatever the letters' engine; replaced on every run."""
    if not jobs:
        return None
    from drafter.formats.typst import letters_pdf
    data = letters_pdf([maker.letter(job) for job in jobs], letterhead=maker.letterhead,
                       paper=maker.pdf["paper"], pdf_a=maker.pdf["pdf_a"], warn=_warn)
    atomic_write(path, data, force=True)
    return path


def write_manifest(path: Path, records: list[Record], date: dt.date) -> Path:
    """manifest.csv (UTF-8 with a BOM, like needs-review.csv), replaced on every run."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(MANIFEST_COLUMNS)
    out.writerows((r.row, cell(r.constituent), r.member, r.file, r.sha256, r.status, date.isoformat())
                  for r in sorted(records, key=lambda r: r.row))
    atomic_write(path, buf.getvalue().encode("utf-8-sig"), force=True)
    return path


def similarity_rows(letters: list[tuple[Record, "Placed"]]) -> list[tuple[Record, Record | None, float]]:
    """Each letter (by its first file's record), the letter to the same office most like it,
    and how alike (compose.similarity: estimated from the fingerprints, 0.0 where none shares
    enough to be a candidate)."""
    found = nearest([p.fingerprint for _, p in letters], [r.member for r, _ in letters])
    return [(rec, letters[j][0] if j is not None else None, score)
            for (rec, _), (j, score) in zip(letters, found)]


def write_similarity(path: Path, rows: list[tuple[Record, Record | None, float]]) -> Path:
    """similarity.csv (UTF-8 with a BOM, like manifest.csv), replaced on every run."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(SIMILARITY_COLUMNS)
    for rec, other, score in sorted(rows, key=lambda r: (r[0].row, r[0].file)):
        out.writerow((rec.row, cell(rec.constituent), rec.member, rec.file,
                      *((f"{score:.2f}", other.row, cell(other.constituent), other.file) if other else ("",) * 4)))
    atomic_write(path, buf.getvalue().encode("utf-8-sig"), force=True)
    return path


def by_office(rows: list[tuple[Record, Record | None, float]], members: dict[str, Recipient]) -> list[tuple[str, int, int]]:
    """(office, letters, letters above THRESHOLD) per member, most above first."""
    counts: dict[str, list[int]] = {}
    for rec, _other, score in rows:
        n = counts.setdefault(rec.member, [0, 0])
        n[0] += 1
        n[1] += score > THRESHOLD
    named = [(f"{office(members.get(m), m)} ({m})", n, a) for m, (n, a) in counts.items()]
    return sorted(named, key=lambda x: (-x[2], -x[1], x[0]))


def refuse_stale(maker: "_Maker", todo: list[Job]) -> None:
    """With `stale: refuse`, before any letter is written: the letter to each member (whose
    asks and role decide the evidence cited) from the first volunteer writing to them, composed
    in memory; a letter citing stale evidence stops the batch."""
    composer = maker.composer
    if composer.spec.stale != "refuse" or not composer.has_stale():
        return
    found: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for job in todo:
        if job.member.id not in seen:
            seen.add(job.member.id)
            for item in composer.stale_evidence(maker.letter(job)):
                found.setdefault(item, _which(job))
    if found:
        raise stale_refused(composer, found)


def _which(job: Job) -> str:
    return f"the letter from row {job.constituent.row} to {job.member.id}"


def stale_tally(composer: Composer, letters: list[tuple[Record, "Placed"]]) -> list[tuple[str, str, int, str]]:
    """Each stale snippet or source the letters cite, once: (kind, id, letters citing it, why)."""
    counts: dict[tuple[str, str], int] = {}
    for _, placed in letters:
        for item in placed.stale:
            counts[item] = counts.get(item, 0) + 1
    return [(kind, item, n, composer.stale_reason(kind, item)) for (kind, item), n in counts.items()]


def manifest_date(path: Path) -> dt.date | None:
    """The letters' date an earlier run in this folder recorded in its manifest, if any."""
    try:
        if not files.check_target(path) or path.stat().st_size > MAX_MANIFEST:
            return None
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                return dt.date.fromisoformat(row.get("date") or "")
    except (OSError, ValueError, csv.Error, OutputError):
        return None      # no usable date: the letters take the spec's
    return None


def _load(kind, value):
    return value if isinstance(value, kind) or value is None else kind.load(value)


def _not_regular(path: Path) -> bool:
    """Whether a link, FIFO, device, socket or folder is at `path`: looked at, never opened (a
    FIFO would block)."""
    try:
        return files.special_kind(os.lstat(path).st_mode) is not None
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return files.check_target(path)      # raises its "cannot look at" error


def _special_targets(out_dir: Path, jobs: list[Job], formats: tuple[str, ...]) -> tuple[list[Job], list[Record]]:
    """The letters to make, and conflicts: a letter with a link, FIFO or device named like one of
    its files is neither read nor written through, like any other file in its way; the others go on."""
    todo, conflicts = [], []
    for job in jobs:
        paths = [out_dir / (job.stem + SUFFIX[fmt]) for fmt in formats]
        if any(_not_regular(path) for path in paths):
            conflicts += [Record(job.constituent.row, job.constituent.name, job.member.id, path.name, "", CONFLICT)
                          for path in paths]
        else:
            todo.append(job)
    return todo, conflicts


def _pending(jobs: list[Job], formats: tuple[str, ...], records: list[Record]) -> list[Record]:
    done = {r.file for r in records}
    return [Record(j.constituent.row, j.constituent.name, j.member.id, j.stem + SUFFIX[f], "", PENDING)
            for j in jobs for f in formats if j.stem + SUFFIX[f] not in done]


def _what_was_written(records: list[Record], pending: list[Record], manifest: Path | None) -> str:
    wrote = sum(r.status in (WRITTEN, OVERWRITTEN) for r in records)
    text = (f"{wrote} file(s) written and {sum(r.status == SKIPPED for r in records)} already there "
            f"before this; {len(pending)} not written")
    if manifest is None:
        return text + "; manifest.csv could not be written either"
    return text + f", marked 'pending' in {manifest}; the same command finishes them"


def run_batch(root: str | Path, letter: str | Path, constituents: str | Path,
              legislators: str | Path | Legislators | None = None, zip_districts: str | Path | ZipDistricts | None = None,
              out_dir: str | Path | None = None, jobs: int = 1, formats: tuple[str, ...] = ("docx",),
              force: bool = False, progress: Callable[[int], None] | None = None,
              on_start: Callable[[int], None] | None = None,
              log: str | Path | bool | None = None, committees: str | Path | None = None,
              pdf_engine: str | None = None, pdf_a: bool = False, print_pdf: bool = False) -> BatchReport:
    """Write one letter per matched volunteer and member in `out_dir` (default: drafts/LETTER in
    the campaign folder), plus manifest.csv and needs-review.csv.

    `progress(n)` is called as letters are done; `on_start(total)` once the letters are planned.
    Existing files with other content are left alone and reported as conflicts unless `force`.
    Interrupted (BatchInterrupted) or stopped by an error, it still writes the manifest.
    Each letter placed is recorded in the campaign log (`log` as for draft), which opens while
    the campaign loads: a log that cannot be used stops the batch before any letter is written,
    and its error is said before any other. `committees` (committee-membership-current.yaml)
    gives the members their committees, for asks naming one. `similarity.csv` says how alike
    the letters to each office read (compose.similarity).

    PDFs come from `pdf_engine` (None: the spec's, else Typst); a letter whose PDF fails keeps
    its other files, its PDF is marked pending, and the batch ends with the error. `print_pdf`
    also writes print.pdf (by Typst): every letter of the batch, each from a new page.

    A letter whose locale is another country's (`locale: en-GB`) matches each volunteer to the
    member whose profile in recipients.yaml has their constituency (name or code): no
    `legislators`, ZIPs or districts (members_abroad).
    """
    started = time.perf_counter()
    root = Path(root)
    formats = check_formats(formats, BATCH_FORMATS, "format {!r} is not available in a batch")
    with contextlib.ExitStack() as finally_:
        # The log's process opens the log while the campaign loads.
        writing = LogWriter(root, log or None) if log is not False else None
        if writing is not None:
            finally_.callback(writing.abandon)       # after finish(): closes the log
        try:
            campaign = load_campaign(root)
            spec = constituent_spec(campaign, letter)      # a bad spec or template fails before the CSV is read
            constituencies = members_abroad(campaign, spec, legislators, zip_districts, committees)
            out_dir = Path(out_dir) if out_dir is not None else root / "drafts" / spec.name
            if spec.date_today:
                spec = dataclasses.replace(spec, date=manifest_date(out_dir / MANIFEST) or spec.date)
            maker = _Maker.of(campaign, spec, out_dir, formats, force, pdf_engine, pdf_a)
            maker.warm_up(pdf=jobs == 1)
            if writing is not None:
                writing.start(_ChunkEntries(spec.name, spec.template, maker.out_dir, formats))
            helpers = (_Helpers(maker, (root, letter, out_dir, formats, force, spec.date, pdf_engine, pdf_a), jobs)
                       if jobs > 1 else None)
            if helpers is not None:
                finally_.callback(helpers.close)
            return _plan_and_make(started, maker, helpers, spec, constituents, legislators, zip_districts, out_dir,
                                  jobs, formats, progress, on_start, writing, committees, print_pdf, constituencies)
        except BaseException:
            if writing is not None:
                writing.ready()          # a log that cannot be used is said first
            raise


def _plan_and_make(started, maker, helpers, spec, constituents, legislators, zip_districts, out_dir, jobs,
                   formats, progress, on_start, writing, committees=None, print_pdf=False,
                   constituencies: Constituencies | None = None) -> BatchReport:
    review: list[ReviewItem] = []
    country = constituencies.country if constituencies is not None else "US"
    people = known_points(read_constituents(constituents, review, country), spec, review)
    bad_rows = len(review)
    if legislators is not None and not isinstance(legislators, Legislators):    # with helpers, half is parsed by one
        legislators = Legislators.load(legislators, pool=helpers.pool if helpers is not None else None,
                                       committees=committees)
    todo, unmatched = plan(people, legislators, _load(ZipDistricts, zip_districts), constituencies)
    review += unmatched
    if todo:
        maker.render([maker.letter(todo[0])], pdf=False)    # a template error stops the batch here
        refuse_stale(maker, todo)
    if writing is not None:
        writing.ready()          # the log is open: nothing is written before
    ensure_dir(out_dir)
    todo, records = _special_targets(out_dir, todo, formats)
    files.check_target(out_dir / MANIFEST)
    files.check_target(out_dir / REVIEW)
    files.check_target(out_dir / SIMILARITY)
    if print_pdf:
        files.check_target(out_dir / PRINT_PDF)
    stray = remove_stray_temps(out_dir)
    if on_start:
        on_start(len(todo))
    reviewed = [Record(r.row, r.name, "", "", "", NEEDS_REVIEW) for r in review]
    # Every letter 'pending' first: even a run killed outright (SIGKILL, power loss) leaves a
    # manifest, with the date the next run keeps.
    write_manifest(out_dir / MANIFEST, records + reviewed + _pending(todo, formats, []), spec.date)
    letters: list[tuple[Record, Placed]] = []
    try:
        with _long_lived():
            _make_all(todo, maker, helpers, max(1, min(jobs, len(todo))), progress, records, writing, letters)
    except BaseException as exc:
        pending = _pending(todo, formats, records)
        try:
            manifest = write_manifest(out_dir / MANIFEST, records + reviewed + pending, spec.date)
            write_review(out_dir / REVIEW, review, country)
        except DrafterError:
            manifest = None
        said = _what_was_written(records, pending, manifest)
        if isinstance(exc, KeyboardInterrupt):
            raise BatchInterrupted(f"interrupted: {said}") from None
        if isinstance(exc, DrafterError):
            exc.hint = said
        raise
    pending = _pending(todo, formats, records)       # PDFs that failed
    manifest = write_manifest(out_dir / MANIFEST, records + reviewed + pending, spec.date)
    review_path = write_review(out_dir / REVIEW, review, country)
    similar = similarity_rows(letters)
    similarity_path = write_similarity(out_dir / SIMILARITY, similar)
    if pending:
        why = maker.pdf_error.message if maker.pdf_error is not None else "see the warnings above"
        raise PdfFailed(DrafterError(f"{len(pending)} PDF(s) could not be made: {why}", file=str(out_dir),
                                     hint="the other files were written; the PDFs are marked 'pending' in "
                                          f"{manifest}; the same command finishes them, or use --pdf-engine "
                                          "libreoffice"), [])
    printed = write_print_pdf(out_dir / PRINT_PDF, maker, todo) if print_pdf else None
    return BatchReport(out_dir, records, review, manifest, review_path, time.perf_counter() - started,
                       constituents=len(people) + bad_rows,
                       stray_removed=stray, letters=len(todo), similarity_path=similarity_path,
                       similar=by_office(similar, {j.member.id: j.member for j in todo}),
                       stale=stale_tally(maker.composer, letters), print_pdf=printed)
