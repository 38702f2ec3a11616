"""`drafter batch`: one letter per volunteer and member of Congress, from a spreadsheet CSV.

Each row of the CSV is matched to its two Senators and Representative (constituents.match);
rows that cannot be matched go to needs-review.csv. Every letter is written atomically under a
name made from the row, the volunteer and the member, so a re-run finds what an earlier
(possibly interrupted) run wrote: the same bytes are skipped, different bytes are a conflict
that is never overwritten without `force`. `manifest.csv` lists every file and row.

With `jobs` > 1 the letters are made by worker processes, each loading the campaign once;
the package is deterministic, so the files are byte-identical to a one-process run.
"""
from __future__ import annotations

import csv
import dataclasses
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

from drafter.campaign.load import CONSTITUENTS, load_campaign, load_letter
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import Composer
from drafter.people.constituents import (Constituent, Legislators, ReviewItem, ZipDistricts, match,
                           read_constituents, sheet_cell, write_review)
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.outputs import SUFFIX, check_formats, render_outputs
from drafter.people.states import STATE_NAMES
from drafter.errors import DataError, OutputError
from drafter.campaign.models import Recipient
from drafter.output.files import atomic_write, ensure_dir, remove_stray_temps, safe_name

BATCH_FORMATS = ("docx", "txt", "md")
MANIFEST = "manifest.csv"
REVIEW = "needs-review.csv"
MANIFEST_COLUMNS = ("row", "constituent", "member", "file", "sha256", "status")

# Statuses in manifest.csv
WRITTEN, SKIPPED, OVERWRITTEN, CONFLICT, NEEDS_REVIEW = (
    "written", "skipped-same", "overwritten", "conflict", "review")


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

def letter_stem(c: Constituent, member: Recipient) -> str:
    """'0002-pema-example-M000133': the row keeps names unique, the rest makes them findable."""
    return f"{c.row:04d}-{safe_name(c.name).lower()[:60]}-{safe_name(member.id)}"


def plan(people: Iterable[Constituent], legislators: Legislators,
         zips: ZipDistricts | None) -> tuple[list[Job], list[ReviewItem]]:
    """The letters to make, in CSV order (senators first), and the rows that get none."""
    jobs, review = [], []
    for person in people:
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

    @classmethod
    def of(cls, campaign, spec, out_dir, formats, force) -> "_Maker":
        composer = Composer(campaign, spec)
        return cls(composer, load_spec_letterhead(campaign, composer.spec), Path(out_dir), formats, force)

    @classmethod
    def load(cls, root, letter, out_dir, formats, force) -> "_Maker":
        campaign = load_campaign(root)
        return cls.of(campaign, constituent_spec(campaign, letter), out_dir, formats, force)

    def letter(self, job: Job):
        c = job.constituent
        context = {"constituent": constituent_context(c)}
        letter = self.composer.compose([job.member], extra=context, signatures=(signature(c),),
                                       comments=False)
        return dataclasses.replace(letter, author=c.name)

    def render(self, job: Job) -> dict[str, bytes]:
        return render_outputs([self.letter(job)], self.formats, clean=True, letterhead=self.letterhead)[0]

    def make(self, job: Job) -> list[Record]:
        records = []
        for fmt, data in self.render(job).items():
            name = job.stem + SUFFIX[fmt]
            status = store(self.out_dir / name, data, self.force)
            records.append(Record(job.constituent.row, job.constituent.name, job.member.id, name,
                                  hashlib.sha256(data).hexdigest(), status))
        return records


def constituent_context(c: Constituent) -> dict:
    """What the template sees as `constituent`; every value is escaped when printed."""
    return {"name": c.name, "street": c.street, "city": c.city, "state": c.state,
            "state_name": STATE_NAMES.get(c.state, c.state), "zip": c.zip, "district": c.district,
            "note": c.note or ""}


def signature(c: Constituent) -> tuple[str, ...]:
    return (c.name, c.street, f"{c.city}, {c.state} {c.zip}")


def store(path: Path, data: bytes, force: bool) -> str:
    """Write one file unless the same bytes are there; a different file is a conflict unless `force`."""
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise OutputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if old is None:
        atomic_write(path, data)
        return WRITTEN
    if old == data:
        return SKIPPED
    if not force:
        return CONFLICT
    atomic_write(path, data, force=True)
    return OVERWRITTEN


# Per-process state of the worker pool.
_maker: _Maker | None = None


def _init_worker(maker: _Maker | tuple, parent: int) -> None:
    """A forked worker inherits the parent's maker, caches warm; a spawned one loads its own."""
    global _maker
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)    # the pool's terminate() must end the worker
    _die_with_parent(parent)
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


def _make_chunk(jobs: list[Job]) -> list[list[Record]]:
    return [_maker.make(job) for job in jobs]


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
              progress: Callable[[int], None] | None) -> list[Record]:
    records: list[Record] = []

    def done(per_letter):
        for recs in per_letter:
            records.extend(recs)
        if progress:
            progress(len(per_letter))

    if n_procs <= 1 or len(jobs) <= 1:
        try:
            for job in jobs:
                done([maker.make(job)])
        except BaseException:
            remove_stray_temps(maker.out_dir, everything=True)   # Ctrl-C can land between a temp file and its rename
            raise
        return records
    context = _pool_context()
    # Chunks big enough to keep pickling cheap, small enough to balance the load.
    size = max(1, min(32, len(jobs) // (n_procs * 8)))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    init = maker if context.get_start_method() == "fork" else load_args
    with _Stop() as stop:
        pool = context.Pool(n_procs, _init_worker, (init, os.getpid()))
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
            remove_stray_temps(maker.out_dir, everything=True)
            raise
        finally:
            pool.join()
    return records


# --------------------------------------------------------------------------- the batch

def constituent_spec(campaign, letter):
    spec = load_letter(campaign, letter, SPEC_CHECKS)
    if spec.to != (CONSTITUENTS,):
        raise DataError("not a constituent letter: 'drafter batch' needs 'to: constituents'",
                        file=str(spec.path), hint="set 'to: constituents' and remove 'from', or use "
                        "'drafter draft' for a letter to named recipients")
    return spec


def write_manifest(path: Path, records: list[Record]) -> Path:
    """manifest.csv (UTF-8 with a BOM, like needs-review.csv), replaced on every run."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(MANIFEST_COLUMNS)
    out.writerows((r.row, sheet_cell(r.constituent), r.member, r.file, r.sha256, r.status)
                  for r in sorted(records, key=lambda r: r.row))
    atomic_write(path, buf.getvalue().encode("utf-8-sig"), force=True)
    return path


def _load(kind, value):
    return value if isinstance(value, kind) or value is None else kind.load(value)


def run_batch(root: str | Path, letter: str | Path, constituents: str | Path,
              legislators: str | Path | Legislators, zip_districts: str | Path | ZipDistricts | None = None,
              out_dir: str | Path | None = None, jobs: int = 1, formats: tuple[str, ...] = ("docx",),
              force: bool = False, progress: Callable[[int], None] | None = None,
              on_start: Callable[[int], None] | None = None) -> BatchReport:
    """Write one letter per matched volunteer and member in `out_dir` (default: drafts/LETTER in
    the campaign folder), plus manifest.csv and needs-review.csv.

    `progress(n)` is called as letters are done; `on_start(total)` once the letters are planned.
    Existing files with other content are left alone and reported as conflicts unless `force`.
    """
    started = time.perf_counter()
    root = Path(root)
    formats = check_formats(formats, BATCH_FORMATS, "format {!r} is not available in a batch")
    campaign = load_campaign(root)
    spec = constituent_spec(campaign, letter)      # a bad spec or template fails before the CSV is read
    out_dir = Path(out_dir) if out_dir is not None else root / "drafts" / spec.name
    maker = _Maker.of(campaign, spec, out_dir, formats, force)
    review: list[ReviewItem] = []
    people = read_constituents(constituents, review)
    bad_rows = len(review)
    todo, unmatched = plan(people, _load(Legislators, legislators), _load(ZipDistricts, zip_districts))
    review += unmatched
    if todo:
        maker.render(todo[0])    # a template error stops the batch here; workers inherit warm caches
    ensure_dir(out_dir)
    stray = remove_stray_temps(out_dir)
    if on_start:
        on_start(len(todo))
    load_args = (root, letter, out_dir, formats, force)
    records = _make_all(todo, maker, load_args, max(1, min(jobs, len(todo))), progress)
    records += [Record(r.row, r.name, "", "", "", NEEDS_REVIEW) for r in review]
    manifest = write_manifest(out_dir / MANIFEST, records)
    review_path = write_review(out_dir / REVIEW, review)
    return BatchReport(out_dir, records, review, manifest, review_path, time.perf_counter() - started,
                       constituents=len(people) + bad_rows,
                       stray_removed=stray, letters=len(todo))
