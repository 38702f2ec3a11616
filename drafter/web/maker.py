"""A volunteer's letters, made exactly as `drafter batch` makes them, plus envelopes.

Matching is people.constituents.match, composition compose.constituent, files
formats.outputs.render_outputs: the same steps, so the same words and bytes as a batch.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass

from drafter.campaign.load import load_campaign
from drafter.campaign.models import Recipient
from drafter.compose.composer import Composer
from drafter.compose import similarity
from drafter.compose.constituent import constituent_letter, constituent_spec, signature, stale_refused
from drafter.compose.letter import Letter
from drafter.compose.serving import served_abroad
from drafter.errors import ConversionError, DataError, DrafterError
from drafter.formats.docx.envelope import envelopes_docx
from drafter.formats.envelopes import envelope_for
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.outputs import render_outputs
from drafter.people import address
from drafter.people.constituents import Constituent, Legislators, ZipDistricts
from drafter.people.samples import samples
from drafter.web.pdfs import PdfJob, TypstPool

log = logging.getLogger("drafter.web")


@dataclass
class Made:
    member: Recipient
    letter: Letter
    files: dict[str, bytes]        # docx, txt, and pdf when LibreOffice makes PDFs
    fingerprint: bytes = b""       # compose.similarity's, for the log and the letters page


class PdfQueue:
    """PDFs for many volunteers from as few LibreOffice starts as possible.

    Starting LibreOffice costs seconds and each further file a fraction of that, so requests
    that arrive while a conversion runs wait and go together in the next one. One conversion
    at a time: on a small machine, parallel LibreOffices only fight for the same cores."""

    MAX_FILES = 120          # per LibreOffice start, so one run stays well inside its timeout

    def __init__(self):
        self._cond = threading.Condition()
        self._pending: list[dict] = []
        self._thread: threading.Thread | None = None
        self._stuck = False      # a volunteer gave up waiting on the run under way

    def convert(self, docs: dict[str, bytes], wait: float) -> dict[str, bytes]:
        """The PDFs, or ConversionError if they are not made within `wait` seconds: a hung
        LibreOffice holds its queue (until its own timeout ends it), never a volunteer."""
        job = {"docs": docs, "done": threading.Event(), "pdfs": None, "error": None}
        with self._cond:
            if self._stuck:      # nobody else waits on it, nor holds a server thread meanwhile
                raise ConversionError("LibreOffice is still busy with an earlier run")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="drafter-pdf", daemon=True)
                self._thread.start()
            self._pending.append(job)
            self._cond.notify()
        if not job["done"].wait(wait):
            with self._cond:
                self._stuck = True
            raise ConversionError(f"LibreOffice did not make the PDFs within {wait:.0f} s")
        if job["error"] is not None:
            raise job["error"]
        return job["pdfs"]

    def _run(self) -> None:
        from drafter.formats.pdf import pdf_bytes
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                jobs, files = [], 0
                while self._pending and (not jobs or files + len(self._pending[0]["docs"]) <= self.MAX_FILES):
                    jobs.append(self._pending.pop(0))
                    files += len(jobs[-1]["docs"])
            merged = {f"{i}/{name}": data for i, job in enumerate(jobs) for name, data in job["docs"].items()}
            try:
                pdfs = pdf_bytes(merged)
                for i, job in enumerate(jobs):
                    job["pdfs"] = {name: pdfs[f"{i}/{name}"] for name in job["docs"]}
            except Exception as exc:       # each waiting volunteer gets the error, not a hang
                for job in jobs:
                    job["error"] = exc
            with self._cond:
                self._stuck = False
            for job in jobs:
                job["done"].set()


ENGINES = ("typst", "libreoffice")


@dataclass
class Letters:
    """What one submit made: the letters, the extras ready now ({file name: bytes}: envelopes),
    whether LibreOffice's PDFs failed, and Typst's job still making PDFs (or None)."""
    made: list[Made]
    extras: dict[str, bytes]
    pdf_failed: bool = False
    pdf_job: PdfJob | None = None


class LetterMaker:
    """Loads the campaign once; each server thread gets its own Composer (they hold caches).

    PDFs (`pdf`: True, False, or None for "where the engine is installed"): `pdf_engine` (else
    the spec's, else "typst") "typst" makes them in helper processes after the page is answered
    (a job per volunteer, `pdf_timeout` seconds each at most); "libreoffice" makes them before
    it, for at most `pdf_wait` seconds."""

    def __init__(self, root, letter, legislators: Legislators | None, zips: ZipDistricts | None,
                 pdf: bool | None = False, pdf_wait: float = 60, pdf_engine: str | None = None,
                 pdf_workers: int = 2, pdf_timeout: float = 30):
        self.campaign = load_campaign(root)
        self.spec = constituent_spec(self.campaign, letter)
        self.letter_arg = letter
        # Abroad: the campaign's members by constituency (None: members of Congress by state and ZIP).
        self.abroad = served_abroad(self.campaign, self.spec, legislators, zips)
        if self.abroad is None and (legislators is None or zips is None):
            raise DataError(f"letter {self.spec.name!r} goes to members of Congress, and the page finds a volunteer's "
                            "from their state and ZIP code", file=str(self.spec.path),
                            hint="add --legislators legislators-current.yaml and --zip-districts zccd.csv; for a "
                                 "campaign abroad set the spec's `locale:` (e.g. en-GB)")
        self.legislators, self.zips = legislators, zips
        self.letterhead = load_spec_letterhead(self.campaign, self.spec)
        self._local = threading.local()
        # A broken template fails at start-up, not in front of a volunteer; so does evidence
        # due for re-checking under `stale: refuse` (check's words), and `stale` says it once.
        self.stale = self._samples()
        self.pdf_engine = pdf_engine or self.spec.pdf_engine or "typst"
        if self.pdf_engine not in ENGINES:
            raise DrafterError(f"unknown PDF engine {self.pdf_engine!r}", hint="use " + " or ".join(ENGINES))
        if self.pdf_engine == "libreoffice" and pdf is not False:
            from drafter.formats.pdf import find_soffice
            try:
                find_soffice()
            except DrafterError:
                if pdf:              # asked for: said now, not to each volunteer
                    raise
                pdf = False          # by default: PDFs are on where LibreOffice is
        self.pdf, self.pdf_wait = pdf is not False, pdf_wait
        self._pdfs = PdfQueue() if self.pdf and self.pdf_engine == "libreoffice" else None
        self.typst: TypstPool | None = None
        if self.pdf and self.pdf_engine == "typst":
            if self.letterhead is not None:      # what Typst cannot carry over: said at start-up
                from drafter.formats.typst.letterhead import typst_letterhead
                typst_letterhead(self.letterhead)
            self.typst = TypstPool(pdf_workers, self.letterhead, self.spec.paper, timeout=pdf_timeout)

    def _samples(self) -> list[tuple[str, str, str]]:
        """Compose the sample letters as `drafter check` does: the campaign's own words (what a
        message should not merely repeat) and the stale evidence they cite, (kind, id, why)."""
        composer = self.composer()
        found: dict[tuple[str, str], str] = {}
        own = [self.spec.subject or "", self.spec.summary or ""]
        volunteer, members = samples(self.campaign.recipients, self.abroad)
        for m in members:
            # every talking point: a message that copies any of them is the campaign's words
            sample = dataclasses.replace(volunteer, note="", points=tuple(self.spec.points))
            letter = constituent_letter(composer, sample, m)
            own.append(similarity.letter_text(letter))
            for item in composer.stale_evidence(letter):
                found.setdefault(item, f"the letter to a sample {m.role}")
        self.campaign_words = set().union(*(similarity.shingles(t) for t in own))
        if found and self.spec.stale == "refuse":
            raise stale_refused(composer, found)
        return [(kind, item, composer.stale_reason(kind, item)) for kind, item in found]

    def repeats_campaign(self, message: str) -> bool:
        """Whether most of the message's five-word sequences are the campaign's own (its
        summary, or its letter's words): a copy, not the volunteer's words."""
        mine = similarity.shingles(message)
        return bool(mine) and len(mine & self.campaign_words) > similarity.THRESHOLD * len(mine)

    def close(self) -> None:
        if self.typst is not None:
            self.typst.close()

    def composer(self) -> Composer:
        """This thread's Composer; with `date: today`, letters made after midnight get the new day."""
        spec = self.spec
        if spec.date_today and spec.date != dt.date.today():
            spec = dataclasses.replace(spec, date=dt.date.today())
        c = getattr(self._local, "composer", None)
        if c is None or c.spec.date != spec.date:
            c = self._local.composer = Composer(self.campaign, spec)
        return c

    def make(self, person: Constituent, members: tuple[Recipient, ...], store=None) -> Letters:
        """The letters and envelopes; their PDFs when on. The Word and text letters are the
        volunteer's whatever the PDF engine does. Typst's PDFs go to `store` ({key: bytes},
        keys from pdfs.job_keys) when they are made."""
        composer = self.composer()
        letters = [constituent_letter(composer, person, m) for m in members]
        if self.spec.stale == "refuse":      # a member the samples did not stand for
            found = {item: f"the letter to {m.id}" for m, lt in zip(members, letters)
                     for item in composer.stale_evidence(lt)}
            if found:
                raise stale_refused(composer, found)
        files = render_outputs(letters, ("docx", "txt"), clean=True, letterhead=self.letterhead)
        addresses = [(signature(person), tuple(address.inside_address(m))) for m in members]
        envelopes = envelopes_docx(addresses, person.name, dt.date.today(), size=envelope_for(letters))
        made = Letters([Made(m, lt, f, similarity.fingerprint(similarity.letter_parts(lt)))
                        for m, lt, f in zip(members, letters, files)], {"envelopes.docx": envelopes})
        if self.typst is not None:
            made.pdf_job = self.typst.submit(letters, addresses, person.name, store)
        elif self._pdfs is not None:
            docs = {str(i): f["docx"] for i, f in enumerate(files)}
            docs["envelopes"] = envelopes
            try:
                pdfs = self._pdfs.convert(docs, self.pdf_wait)
            except DrafterError as exc:
                log.error("PDFs failed: %s", exc)      # LibreOffice's words, never the volunteer's
                made.pdf_failed = True
            else:
                for i, f in enumerate(files):
                    f["pdf"] = pdfs[str(i)]
                made.extras["envelopes.pdf"] = pdfs["envelopes"]
        return made
