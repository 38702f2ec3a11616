"""A Word letterhead's first-page header and footer for the Typst PDF.

In: a checked `drafter.formats.docx.letterhead.Letterhead`. Out: (data, images): the data the
template's `letterhead-header` and `letterhead-footer` (letterhead.typ) read, and the images
they name ({file name: bytes}), which the engine puts in the folder Typst may read.
"""
from __future__ import annotations


def typst_letterhead(letterhead) -> tuple[dict, dict[str, bytes]]:
    """The header's lines of text, centred; no footer and no images in this first version.
    What cannot be carried over raises drafter.errors.DrafterError."""
    return {"header_lines": list(letterhead.header_lines)}, {}
