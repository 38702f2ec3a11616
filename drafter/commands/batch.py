"""`drafter batch`: one letter per volunteer and member of Congress, from a spreadsheet CSV.

Each row of the CSV is matched to its two Senators and Representative (constituents.match);
rows that cannot be matched go to needs-review.csv. Every letter is written atomically under a
name made from the volunteer's own name and address (never the row number, so inserting a row
renames nothing) and the member, so a re-run finds what an earlier (possibly interrupted) run
wrote: the same bytes are skipped, different bytes are a conflict that is never overwritten
without `force`. `manifest.csv` lists every file and row, and the letters' date: a run that
resumes a folder keeps that date (`date: today` is the first run's day). An interrupted or
failed run still writes the manifest, its unwritten letters marked `pending`.

With `jobs` > 1 the letters are made by worker processes, each loading the campaign once;
the package is deterministic, so the files are byte-identical to a one-process run.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from drafter.campaign.load import load_campaign
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import Composer
from drafter.compose.constituent import constituent_letter, constituent_spec as compose_constituent_spec
from drafter.people.constituents import (Constituent, Legislators, ReviewItem, ZipDistricts, match,
                                         read_constituents)
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.outputs import SUFFIX, check_formats, render_outputs
from drafter.errors import DrafterError, OutputError
from drafter.campaign.models import Recipient
from drafter.log import CampaignLog, LogEntry, open_log
from drafter.log.letters import constituent_fields, entry
from drafter.output import files
from drafter.output.sheets import cell   # names and ZIPs come from volunteers
from drafter.output.files import atomic_write, ensure_dir, remove_stray_temps, safe_name

BATCH_FORMATS = ("docx", "txt", "md")
MANIFEST = "manifest.csv"
REVIEW = "needs-review.csv"
MANIFEST_COLUMNS = ("row", "constituent", "member", "file", "sha256", "status", "date")
MAX_MANIFEST = 64 * 1024 * 1024
CHUNK = 32      # letters placed with one disk sync and logged in one transaction

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
        return "\n".join(lines)


# --------------------------------------------------------------------------- planning

def person_key(c: Constituent) -> str:
    """Eight hex digits from the volunteer's own name and address (case and spacing ignored):
    the same person keeps the same file names whatever rows are added or removed around them."""
    text = "\n".join(" ".join(v.casefold().split()) for v in (c.name, c.street, c.city, c.state, c.zip))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def letter_stem(c: Constituent, member: Recipient) -> str:
    """'pema-example-3f2a9c01-M000133': the key keeps names unique, the rest makes them findable."""
    return f"{safe_name(c.name).lower()[:60]}-{person_key(c)}-{safe_name(member.id)}"


def plan(people: Iterable[Constituent], legislators: Legislators,
         zips: ZipDistricts | None) -> tuple[list[Job], list[ReviewItem]]:
    """The letters to make, in CSV order (senators first), and the rows that get none. A row
    repeating an earlier row's name and address goes to review: its letters would have the
    same names."""
    jobs, review, seen = [], [], {}
    for person in people:
        first = seen.setdefault(person_key(person), person.row)
        if first != person.row:
            review.append(ReviewItem(person.row, person.name, person.zip, person.state,
                                     f"same name and address as row {first}; one letter each is sent"))
            continue
        m = match(person, legislators, zips)
        if not m.ok:
            review.append(m.review)
            continue
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
    log_as: tuple[str, str] | None = None     # (letter, template) when the run is logged

    @classmethod
    def of(cls, campaign, spec, out_dir, formats, force, logged=False) -> "_Maker":
        composer = Composer(campaign, spec)
        return cls(composer, load_spec_letterhead(campaign, composer.spec), Path(out_dir), formats, force,
                   (spec.name, spec.template) if logged else None)

    @classmethod
    def load(cls, root, letter, out_dir, formats, force, date=None, logged=False) -> "_Maker":
        """A worker's own maker (spawn); `date` is the batch's (a resumed run's may differ from today)."""
        campaign = load_campaign(root)
        spec = constituent_spec(campaign, letter)
        return cls.of(campaign, spec if date is None else dataclasses.replace(spec, date=date), out_dir,
                      formats, force, logged)

    def letter(self, job: Job):
        return constituent_letter(self.composer, job.constituent, job.member)

    def render(self, job: Job) -> dict[str, bytes]:
        return render_outputs([self.letter(job)], self.formats, clean=True, letterhead=self.letterhead)[0]

    def make(self, jobs: list[Job]) -> list[list[Record]]:
        """A chunk of letters, placed together with one disk sync (files.place_many): the same
        bytes already there are skipped, other bytes are a conflict unless `force`."""
        made = [(job, [(self.out_dir / (job.stem + SUFFIX[fmt]), data) for fmt, data in self.render(job).items()])
                for job in jobs]
        status: dict[Path, str] = {}
        writes = []
        for _job, outs in made:
            for path, data in outs:
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
        return [[Record(job.constituent.row, job.constituent.name, job.member.id, path.name,
                        hashlib.sha256(data).hexdigest(), status[path]) for path, data in outs]
                for job, outs in made]

    def chunk(self, jobs: list[Job]) -> tuple[list[list[Record]], list[LogEntry]]:
        """make() and the log entries of the letters it placed, built here (in the worker) so
        that the parent's share of each chunk is one transaction. A letter already there with
        the same content (skipped) has its entry too, so a rerun logs what a killed run placed
        but had not logged yet (the log adds no row for what it has); a conflict was not placed."""
        per_letter = self.make(jobs)
        if self.log_as is None:
            return per_letter, []
        entries = []
        for job, recs in zip(jobs, per_letter):
            if recs and all(r.status in (WRITTEN, SKIPPED, OVERWRITTEN) for r in recs):
                e = entry("batch", *self.log_as, [job.member], [(self.out_dir / r.file, r.sha256) for r in recs],
                          self.formats, constituent_fields(job.constituent))
                e.uid            # computed here, not in the parent
                entries.append(e)
        return per_letter, entries


# Per-process state of the worker pool.
_maker: _Maker | None = None


def _init_worker(maker: _Maker | tuple, parent: int, run: str) -> None:
    """A forked worker inherits the parent's maker, caches warm; a spawned one loads its own."""
    global _maker
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)    # the pool's terminate() must end the worker
    _die_with_parent(parent)
    files.join_run(run)                              # its temp files are the run's own
    _maker = maker if isinstance(maker, _Maker) else _Maker.load(*maker)


def _die_with_parent(parent: int) -> None:
    """A killed parent cannot stop its pool, so the workers stop with it: at once on Linux (the
    kernel's parent-death signal), else when a watcher thread notices. A temporary file they
    leave is removed by the next run."""
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


def _make_chunk(jobs: list[Job]) -> tuple[list[list[Record]], list[LogEntry]]:
    return _maker.chunk(jobs)


class _Stop:
    """SIGINT/SIGTERM in the parent while the pool runs: noted, and acted on between results
    (an exception raised inside the pool's own locks can hang it)."""

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


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _make_all(jobs: list[Job], maker: _Maker, load_args: tuple, n_procs: int,
              progress: Callable[[int], None] | None, records: list[Record], log: CampaignLog | None) -> None:
    """Make the letters, adding their records to `records` as they are done (so that an
    interrupted run can still say what it wrote) and to the campaign log, a chunk at a time,
    once their files are in place: the log never lists a letter that is not on disk."""
    def done(result):          # one chunk: placed with one sync, logged in one transaction
        per_letter, entries = result
        for recs in per_letter:
            records.extend(recs)
        if log is not None and entries:
            log.record(entries)
        if progress:
            progress(len(per_letter))

    run = files.begin_run()
    if n_procs <= 1 or len(jobs) <= 1:
        with _Stop() as stop:        # a signal is acted on between chunks, never inside a write
            try:
                for i in range(0, len(jobs), CHUNK):
                    stop.check()
                    done(maker.chunk(jobs[i:i + CHUNK]))
            except BaseException:
                remove_stray_temps(maker.out_dir, own=True)
                raise
        return
    context = _pool_context()
    # Chunks big enough to keep pickling and syncing cheap, small enough to balance the load.
    size = max(1, min(CHUNK, len(jobs) // (n_procs * 8)))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    init = maker if context.get_start_method() == "fork" else load_args
    with _Stop() as stop:
        pool = context.Pool(n_procs, _init_worker, (init, os.getpid(), run))
        try:
            results = pool.imap(_make_chunk, chunks)
            for _ in chunks:
                while True:
                    stop.check()
                    try:
                        done(results.next(timeout=0.1))
                        break
                    except multiprocessing.TimeoutError:
                        continue
            pool.close()
        except BaseException:
            pool.terminate()           # workers killed; the temporary files they leave go next
            pool.join()
            remove_stray_temps(maker.out_dir, own=True)
            raise
        finally:
            pool.join()


# --------------------------------------------------------------------------- the batch

def constituent_spec(campaign, letter):
    return compose_constituent_spec(campaign, letter, SPEC_CHECKS, needed_by="'drafter batch'")


REVIEW_COLUMNS = ("row", "name", "zip", "state", "reason", "candidates")


def write_review(path: str | Path, items: Iterable[ReviewItem]) -> Path:
    """needs-review.csv (UTF-8 with a BOM, so Excel shows accented names); written atomically."""
    path = Path(path)
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(REVIEW_COLUMNS)
    for it in sorted(items, key=lambda i: i.row):
        out.writerow([it.row, cell(it.name), cell(it.zip), cell(it.state), it.reason, " ".join(it.candidates)])
    files.replace_text(path, buf.getvalue(), encoding="utf-8-sig")
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


def _refuse_special_targets(out_dir: Path, jobs: list[Job], formats: tuple[str, ...]) -> None:
    """A link, FIFO or device named like one of the letters stops the batch before it starts."""
    for job in jobs:
        for fmt in formats:
            files.check_target(out_dir / (job.stem + SUFFIX[fmt]))


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
              legislators: str | Path | Legislators, zip_districts: str | Path | ZipDistricts | None = None,
              out_dir: str | Path | None = None, jobs: int = 1, formats: tuple[str, ...] = ("docx",),
              force: bool = False, progress: Callable[[int], None] | None = None,
              on_start: Callable[[int], None] | None = None,
              log: str | Path | bool | None = None) -> BatchReport:
    """Write one letter per matched volunteer and member in `out_dir` (default: drafts/LETTER in
    the campaign folder), plus manifest.csv and needs-review.csv.

    `progress(n)` is called as letters are done; `on_start(total)` once the letters are planned.
    Existing files with other content are left alone and reported as conflicts unless `force`.
    Interrupted (BatchInterrupted) or stopped by an error, it still writes the manifest.
    Each letter placed is recorded in the campaign log (`log` as for draft), which is opened
    first: a log that cannot be used stops the batch before any letter is written.
    """
    started = time.perf_counter()
    root = Path(root)
    formats = check_formats(formats, BATCH_FORMATS, "format {!r} is not available in a batch")
    campaign_log = open_log(root, log or None) if log is not False else None
    try:
        return _run_batch(started, root, letter, constituents, legislators, zip_districts, out_dir, jobs,
                          formats, force, progress, on_start, campaign_log)
    finally:
        if campaign_log is not None:
            campaign_log.close()


def _run_batch(started, root, letter, constituents, legislators, zip_districts, out_dir, jobs, formats, force,
               progress, on_start, campaign_log) -> BatchReport:
    campaign = load_campaign(root)
    spec = constituent_spec(campaign, letter)      # a bad spec or template fails before the CSV is read
    out_dir = Path(out_dir) if out_dir is not None else root / "drafts" / spec.name
    if spec.date_today:
        spec = dataclasses.replace(spec, date=manifest_date(out_dir / MANIFEST) or spec.date)
    maker = _Maker.of(campaign, spec, out_dir, formats, force, logged=campaign_log is not None)
    review: list[ReviewItem] = []
    people = read_constituents(constituents, review)
    bad_rows = len(review)
    if legislators is not None and not isinstance(legislators, Legislators):    # with jobs, parsed in two processes at once
        legislators = Legislators.load(legislators, procs=min(jobs, 2))
    todo, unmatched = plan(people, legislators, _load(ZipDistricts, zip_districts))
    review += unmatched
    if todo:
        maker.render(todo[0])    # a template error stops the batch here; workers inherit warm caches
    ensure_dir(out_dir)
    _refuse_special_targets(out_dir, todo, formats)
    files.check_target(out_dir / MANIFEST)
    files.check_target(out_dir / REVIEW)
    stray = remove_stray_temps(out_dir)
    if on_start:
        on_start(len(todo))
    load_args = (root, letter, out_dir, formats, force, spec.date, campaign_log is not None)
    records: list[Record] = []
    reviewed = [Record(r.row, r.name, "", "", "", NEEDS_REVIEW) for r in review]
    # Every letter 'pending' first: even a run killed outright (SIGKILL, power loss) leaves a
    # manifest, with the date the next run keeps.
    write_manifest(out_dir / MANIFEST, reviewed + _pending(todo, formats, []), spec.date)
    try:
        _make_all(todo, maker, load_args, max(1, min(jobs, len(todo))), progress, records,
                  campaign_log)
    except BaseException as exc:
        pending = _pending(todo, formats, records)
        try:
            manifest = write_manifest(out_dir / MANIFEST, records + reviewed + pending, spec.date)
            write_review(out_dir / REVIEW, review)
        except DrafterError:
            manifest = None
        said = _what_was_written(records, pending, manifest)
        if isinstance(exc, KeyboardInterrupt):
            raise BatchInterrupted(f"interrupted: {said}") from None
        if isinstance(exc, DrafterError):
            exc.hint = said
        raise
    manifest = write_manifest(out_dir / MANIFEST, records + reviewed, spec.date)
    review_path = write_review(out_dir / REVIEW, review)
    return BatchReport(out_dir, records, review, manifest, review_path, time.perf_counter() - started,
                       constituents=len(people) + bad_rows,
                       stray_removed=stray, letters=len(todo))
