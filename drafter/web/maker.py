"""A volunteer's letters, made exactly as `drafter batch` makes them, plus envelopes.

Matching is people.constituents.match, composition compose.constituent, files
formats.outputs.render_outputs: the same steps, so the same words and bytes as a batch.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from drafter.campaign.load import load_campaign
from drafter.campaign.models import Recipient
from drafter.compose.composer import Composer
from drafter.compose.constituent import constituent_letter, constituent_spec, signature
from drafter.compose.letter import Letter
from drafter.formats.docx.envelope import envelopes_docx
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.outputs import render_outputs
from drafter.people import address
from drafter.people.constituents import Constituent, Legislators, ZipDistricts


@dataclass
class Made:
    member: Recipient
    letter: Letter
    files: dict[str, bytes]        # docx, txt, and pdf when PDFs are on


class LetterMaker:
    """Loads the campaign once; each server thread gets its own Composer (they hold caches)."""

    def __init__(self, root, letter, legislators: Legislators, zips: ZipDistricts,
                 pdf: bool = False, pdf_at_once: int = 1):
        self.campaign = load_campaign(root)
        self.spec = constituent_spec(self.campaign, letter)
        self.letter_arg = letter
        self.legislators, self.zips = legislators, zips
        self.letterhead = load_spec_letterhead(self.campaign, self.spec)
        self.pdf = pdf
        self._local = threading.local()
        self._pdf_slots = threading.BoundedSemaphore(pdf_at_once)   # LibreOffice is heavy: a few at once
        self.composer()      # a broken template fails at start-up, not in front of a volunteer

    def composer(self) -> Composer:
        c = getattr(self._local, "composer", None)
        if c is None:
            c = self._local.composer = Composer(self.campaign, self.spec)
        return c

    def make(self, person: Constituent, members: tuple[Recipient, ...]) -> tuple[list[Made], dict[str, bytes]]:
        """The letters, and the extras: envelopes (docx, and pdf), all letters in one PDF."""
        letters = [constituent_letter(self.composer(), person, m) for m in members]
        files = render_outputs(letters, ("docx", "txt"), clean=True, letterhead=self.letterhead)
        envelopes = envelopes_docx([(signature(person), tuple(address.inside_address(m))) for m in members],
                                   person.name, dt.date.today())
        extras = {"envelopes.docx": envelopes}
        if self.pdf:
            from drafter.formats.pdf import pdf_bytes
            docs = {str(i): f["docx"] for i, f in enumerate(files)}
            docs["envelopes"] = envelopes
            with self._pdf_slots:
                pdfs = pdf_bytes(docs)
            for i, f in enumerate(files):
                f["pdf"] = pdfs[str(i)]
            extras["envelopes.pdf"] = pdfs["envelopes"]
        return [Made(m, lt, f) for m, lt, f in zip(members, letters, files)], extras
