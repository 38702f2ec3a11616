"""PDFs made by Typst from the composed letter (not from the .docx): drafter's default engine.

In: `compose.letter.Letter` / `FactSheet` objects (and a checked Word letterhead).
Out: PDF bytes, tagged PDF/UA-1 (and PDF/A-2b with `pdf_a`). `letters_pdf` puts several
letters in one PDF, each starting a page and numbering its own pages (for printing at an event).
"""
from __future__ import annotations

import re
import sys
from typing import Callable, Iterable

from drafter.locale import get as get_locale
from drafter.compose.letter import FactSheet, Letter
from drafter.formats.docx.oxml.parts import FONTS
from drafter.formats.typst.data import PAPERS, document_data, factsheet_data, letter_data, locale_margins
from drafter.formats.typst.engine import compile_pdf, font_list

__all__ = ["letters_pdf", "letter_pdf", "factsheet_pdf", "page_count", "PAPERS"]

_PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
TWIPS = 20      # a Word measure (twentieths of a point) per point
_DEFAULT_FONT = re.compile(rb'<w:docDefaults>.*?<w:rFonts [^>]*?w:ascii="([^"]+)"', re.S)
_DEFAULT_SIZE = re.compile(rb'<w:docDefaults>.*?<w:sz w:val="(\d+)"', re.S)     # half-points


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _letterhead_setup(letterhead) -> tuple[dict, dict[str, bytes], dict, list | None, str, float | None]:
    """(data, images, margins in points, page size in points or None, font, text size in points
    or None) of a Word letterhead: the letter in the letterhead's own font and size, as in Word."""
    from drafter.formats.typst.letterhead import typst_letterhead
    data, images = typst_letterhead(letterhead)
    size, mar = letterhead.page.get("pgSz", {}), letterhead.page.get("pgMar", {})
    margins = {k: int(mar.get(k, d)) / TWIPS for k, d in
               (("top", 1440), ("bottom", 1440), ("left", 1440), ("right", 1440), ("header", 720), ("footer", 720))}
    page = [int(size["w"]) / TWIPS, int(size["h"]) / TWIPS] if size.get("w") and size.get("h") else None
    found = _DEFAULT_FONT.search(letterhead.styles or b"")
    size = _DEFAULT_SIZE.search(letterhead.styles or b"")
    return (data, images, margins, page, found.group(1).decode() if found else FONTS["ascii"],
            int(size.group(1)) / 2 if size else None)


def letters_pdf(letters: Iterable[Letter], *, letterhead=None, paper: str | None = None, pdf_a: bool = False,
                warn: Callable[[str], None] | None = _stderr) -> bytes:
    """One PDF of every letter, each on its own pages with its own page numbers. `letterhead`
    is a `drafter.formats.docx.letterhead.Letterhead` (its first-page header and footer and
    page setup) or None; `paper` is "letter" (US Letter, one-inch margins) or "a4"; `warn`
    receives what the PDF could not show (a character no installed font has)."""
    letters = list(letters)
    if not letters:
        raise ValueError("no letters")
    paper = paper or get_locale(letters[0].locale).paper
    font, images, margins, lh_data, size = FONTS["ascii"], {}, None, None, None
    data_paper = PAPERS[paper] if paper in PAPERS else paper
    if letterhead is not None:
        lh_data, images, margins, page, font, size = _letterhead_setup(letterhead)
        if page is not None:
            data_paper = page
    docs = [letter_data(item, lh_data, letterhead) for item in letters]
    if margins is None:
        margins = locale_margins(get_locale(letters[0].locale))
    data = document_data(docs, paper=paper, fonts=font_list(font), margins=margins)
    data["paper"] = data_paper
    data["size"] = size
    return compile_pdf(data, images=images, pdf_a=pdf_a, date=letters[0].date, warn=warn)


def letter_pdf(letter: Letter, *, letterhead=None, paper: str | None = None, pdf_a: bool = False,
               warn: Callable[[str], None] | None = _stderr) -> bytes:
    """The PDF of one letter (see letters_pdf)."""
    return letters_pdf([letter], letterhead=letterhead, paper=paper, pdf_a=pdf_a, warn=warn)


def factsheet_pdf(sheet: FactSheet, *, paper: str | None = None, pdf_a: bool = False,
                  warn: Callable[[str], None] | None = _stderr) -> bytes:
    """The kit's one-page fact sheet as PDF (three-quarter-inch margins, 11-point text)."""
    data = document_data([factsheet_data(sheet)], paper=paper or "letter", fonts=font_list(FONTS["ascii"]))
    return compile_pdf(data, pdf_a=pdf_a, date=sheet.date, warn=warn)


def page_count(pdf: bytes) -> int:
    """The pages of a PDF drafter made (Typst's or LibreOffice's: page objects are never in
    compressed object streams there)."""
    return len(_PDF_PAGE.findall(pdf))
