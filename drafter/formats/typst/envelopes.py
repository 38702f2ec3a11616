"""Envelopes (No. 10, or DL for letters abroad) as a PDF through Typst: one page per office, the
sender's address at the top left and the office's centred (No. 10) or in the DL's address area. Every line reaches Typst as JSON data (sys.inputs), never as
markup, and Typst may read only drafter's templates (engine.compile_pdf's root)."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from drafter.formats.docx.oxml.parts import FONTS
from drafter.formats.envelopes import size as envelope_size
from drafter.formats.typst.engine import compile_pdf, font_list

TEMPLATE = "envelopes.typ"


def envelopes_pdf(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]], *, author: str = "",
                  title: str = "Envelopes", date: dt.date | None = None,
                  warn: Callable[[str], None] | None = None, size: str = "us10") -> bytes:
    """One envelope per (return address lines, delivery address lines), as one tagged PDF,
    compiled as the letters are (the same fonts; a character no font has printed as U+FFFD and
    given to `warn`). `size` is us10 or dl (formats.envelopes.envelope_for(letters))."""
    env = envelope_size(size)
    data = {"fonts": font_list(FONTS["ascii"]),
            "envelope": None if env.address_top is None else
            {"width": env.width, "height": env.height, "margin": env.margin,
             "left": env.address_left, "top": env.address_top},
            "documents": [{"title": title, "author": author,
                           "envelopes": [{"sender": list(sender), "to": list(to)} for sender, to in envelopes]}]}
    return compile_pdf(data, template=TEMPLATE, date=date or dt.date.today(), warn=warn)
