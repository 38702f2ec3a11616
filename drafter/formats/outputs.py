"""Every requested format of a list of letters, in one call.

In: `compose.letter.Letter` objects (and an optional checked Word letterhead).
Out: {format: bytes} per letter, for docx (formats.docx), txt and md (formats.text) and pdf
(formats.pdf, through LibreOffice).
"""
from __future__ import annotations

import dataclasses

from drafter.compose.letter import Letter
from drafter.errors import DrafterError
from drafter.formats.docx.build import build_parts
from drafter.formats.docx.package import zip_parts
from drafter.formats.text import letter_markdown, letter_text

FORMATS = ("docx", "pdf", "txt", "md")
SUFFIX = {"docx": ".docx", "pdf": ".pdf", "txt": ".txt", "md": ".md"}


def docx_bytes(letter: Letter, clean: bool = False, letterhead=None) -> bytes:
    """The .docx file of a letter; `clean` leaves out review comments; `letterhead` is a
    `drafter.formats.docx.letterhead.Letterhead`."""
    return zip_parts(build_parts(letter, with_comments=not clean, letterhead=letterhead))



def check_formats(formats, allowed: tuple[str, ...] = FORMATS, refusal: str = "unknown format {!r}") -> tuple[str, ...]:
    """The requested formats, each once (docx when none); one not `allowed` is refused."""
    formats = tuple(dict.fromkeys(formats or ("docx",)))
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise DrafterError(refusal.format(bad[0]), hint="use " + ", ".join(allowed))
    return formats



def render_outputs(letters: list[Letter], formats, clean: bool = False, letterhead=None,
                   wrap: int | None = None) -> list[dict[str, bytes]]:
    """Each letter's files as {format: bytes}; PDFs come from one LibreOffice run for all letters."""
    formats = check_formats(formats)
    outputs: list[dict[str, bytes]] = []
    for item in letters:
        files: dict[str, bytes] = {}
        if "docx" in formats or "pdf" in formats:
            files["docx"] = docx_bytes(item, clean, letterhead)
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
        from drafter.formats.pdf import pdf_bytes
        pdfs = pdf_bytes({str(i): files["docx"] for i, files in enumerate(outputs)})
        for i, files in enumerate(outputs):
            files["pdf"] = pdfs[str(i)]
    for files in outputs:
        if "docx" not in formats:
            files.pop("docx", None)   # built only to make the PDF
    return [{f: files[f] for f in FORMATS if f in files} for files in outputs]
