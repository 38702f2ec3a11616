"""Every requested format of a list of letters, in one call.

In: `compose.letter.Letter` objects (and an optional checked Word letterhead).
Out: {format: bytes} per letter, for docx (formats.docx), txt and md (formats.text) and pdf
(formats.typst from the composed letter, by default; or formats.pdf, the .docx through LibreOffice).
"""
from __future__ import annotations

import dataclasses

from drafter.compose.letter import Letter
from drafter.errors import ConversionError, DrafterError
from drafter.formats.docx.build import build_parts
from drafter.formats.docx.package import zip_parts
from drafter.formats.text import letter_markdown, letter_text

FORMATS = ("docx", "pdf", "txt", "md")
SUFFIX = {"docx": ".docx", "pdf": ".pdf", "txt": ".txt", "md": ".md"}
PDF_ENGINES = ("typst", "libreoffice")
DEFAULT_PDF_ENGINE = "typst"


class PdfFailed(ConversionError):
    """The PDF engine failed; `outputs` holds every other requested file of each letter, which
    the caller writes before reporting the failure: a PDF never costs anyone their letters."""

    def __init__(self, error: DrafterError, outputs: list[dict[str, bytes]]):
        super().__init__(error.message, file=error.file, line=error.line, hint=error.hint)
        self.outputs = outputs

    def __reduce__(self):
        return PdfFailed, (ConversionError(self.message, file=self.file, line=self.line, hint=self.hint),
                           self.outputs)


def docx_bytes(letter: Letter, clean: bool = False, letterhead=None, paper: str | None = None) -> bytes:
    """The .docx file of a letter; `clean` leaves out review comments; `letterhead` is a
    `drafter.formats.docx.letterhead.Letterhead`; `paper` is letter or a4."""
    return zip_parts(build_parts(letter, with_comments=not clean, letterhead=letterhead, paper=paper))



def check_formats(formats, allowed: tuple[str, ...] = FORMATS, refusal: str = "unknown format {!r}") -> tuple[str, ...]:
    """The requested formats, each once (docx when none); one not `allowed` is refused."""
    formats = tuple(dict.fromkeys(formats or ("docx",)))
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise DrafterError(refusal.format(bad[0]), hint="use " + ", ".join(allowed))
    return formats



def render_outputs(letters: list[Letter], formats, clean: bool = False, letterhead=None,
                   wrap: int | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE, paper: str | None = None,
                   pdf_a: bool = False, warn=None) -> list[dict[str, bytes]]:
    """Each letter's files as {format: bytes}. PDFs come from Typst (one compile a letter, from
    the composed letter) or from one LibreOffice run for all letters' .docx files. A failed PDF
    raises PdfFailed, which carries the other files."""
    formats = check_formats(formats)
    if pdf_engine not in PDF_ENGINES:
        raise DrafterError(f"unknown PDF engine {pdf_engine!r}", hint="use " + " or ".join(PDF_ENGINES))
    via_docx = "pdf" in formats and pdf_engine == "libreoffice"
    outputs: list[dict[str, bytes]] = []
    for item in letters:
        files: dict[str, bytes] = {}
        if "docx" in formats or via_docx:
            files["docx"] = docx_bytes(item, clean, letterhead, paper)
        text_item = item
        if letterhead is not None and letterhead.header_lines:
            # The Word header carries the letterhead; the text forms print its words at the top.
            address = letterhead.header_address or item.letterhead_address
            text_item = dataclasses.replace(item, letterhead=tuple(x for x in letterhead.header_lines
                                                                   if x not in letterhead.header_address),
                                            letterhead_address=address)
        if "txt" in formats:
            files["txt"] = letter_text(text_item, wrap).encode()
        if "md" in formats:
            files["md"] = letter_markdown(text_item).encode()
        outputs.append(files)
    if "pdf" in formats:
        try:
            pdfs = _pdfs(letters, outputs, pdf_engine, clean, letterhead, paper, pdf_a, warn)
        except DrafterError as exc:
            raise PdfFailed(exc, _requested(outputs, formats)) from None
        for files, pdf in zip(outputs, pdfs):
            files["pdf"] = pdf
    return _requested(outputs, formats)


def _requested(outputs: list[dict[str, bytes]], formats) -> list[dict[str, bytes]]:
    """Only the formats asked for (a .docx may have been built only to make the PDF), in FORMATS order."""
    return [{f: files[f] for f in FORMATS if f in files and f in formats} for files in outputs]


def _pdfs(letters, outputs, engine, clean, letterhead, paper, pdf_a, warn) -> list[bytes]:
    if engine == "libreoffice":
        from drafter.formats.pdf import pdf_bytes
        pdfs = pdf_bytes({str(i): files["docx"] for i, files in enumerate(outputs)}, pdf_a=pdf_a)
        return [pdfs[str(i)] for i in range(len(outputs))]
    from drafter.formats.typst import letter_pdf
    kw = {} if warn is None else {"warn": warn}
    # Review comments are Word's; the PDF is the letter as sent either way.
    return [letter_pdf(item, letterhead=letterhead, paper=paper, pdf_a=pdf_a, **kw) for item in letters]
