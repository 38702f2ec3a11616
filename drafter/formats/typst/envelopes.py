"""#10 envelopes as a PDF through Typst: one page per office, the sender's address at the top
left and the office's centred. Every line reaches Typst as JSON data (sys.inputs), never as
markup, and Typst may read only this folder (its root)."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from drafter.errors import ConversionError

TEMPLATE = Path(__file__).with_name("envelopes.typ")
# The letters' serif, else its metric twin; Typst falls back to any font with a missing glyph.
FONTS = ("Times New Roman", "Liberation Serif", "Noto Serif", "DejaVu Serif")

_local = threading.local()      # a Compiler keeps its fonts loaded; one per thread, as it is not shared


def _compiler():
    import typst
    c = getattr(_local, "compiler", None)
    if c is None:
        c = _local.compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent))
    return c


def envelopes_pdf(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]], *, author: str = "",
                  title: str = "Envelopes", lang: str = "en") -> bytes:
    """One #10 envelope per (return address lines, delivery address lines), as one tagged PDF."""
    data = {"title": title, "author": author, "lang": lang, "fonts": list(FONTS),
            "envelopes": [{"sender": list(sender), "to": list(to)} for sender, to in envelopes]}
    try:
        return _compiler().compile(sys_inputs={"data": json.dumps(data)}, pdf_standards=["ua-1"])
    except Exception as exc:      # typst.TypstError, or a panic surfaced as another exception
        raise ConversionError(f"Typst could not make the envelopes: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                              hint="use --pdf-engine libreoffice, or the envelopes as a .docx") from None
