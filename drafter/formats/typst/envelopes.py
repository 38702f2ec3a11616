"""#10 envelopes as a PDF through Typst: one page per office, the sender's address at the top
left and the office's centred. Every line reaches Typst as JSON data (sys.inputs), never as
markup, and Typst may read only this folder (its root)."""
from __future__ import annotations

import json
from pathlib import Path

from drafter.errors import ConversionError
from drafter.formats.docx.oxml.parts import FONTS
from drafter.formats.typst.engine import REPLACEMENT, _get_compiler, _lock, _no_font, font_list

TEMPLATE = Path(__file__).with_name("envelopes.typ")


def envelopes_pdf(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]], *, author: str = "",
                  title: str = "Envelopes", lang: str = "en") -> bytes:
    """One #10 envelope per (return address lines, delivery address lines), as one tagged PDF.
    A character no installed font has prints as U+FFFD (the letters' PDFs report it)."""
    data = {"title": title, "author": author, "lang": lang, "fonts": font_list(FONTS["ascii"]),
            "envelopes": [{"sender": [_shown(x) for x in sender], "to": [_shown(x) for x in to]}
                          for sender, to in envelopes]}
    try:
        with _lock:         # the letters' Compiler: its fonts are loaded once per process
            return _get_compiler().compile(input=str(TEMPLATE), root=str(TEMPLATE.parent),
                                           sys_inputs={"data": json.dumps(data)}, pdf_standards=["ua-1"])
    except ConversionError:
        raise
    except Exception as exc:      # typst.TypstError: a template bug
        raise ConversionError(f"Typst could not make the envelopes: {exc}",
                              hint="use --pdf-engine libreoffice, and report this to drafter's developers") from None


def _shown(text: str) -> str:
    return "".join(REPLACEMENT if _no_font(ch) else ch for ch in text)
