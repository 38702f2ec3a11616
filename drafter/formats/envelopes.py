"""Envelope sizes: US No. 10 for letters on US Letter, DL (110 x 220 mm) for A4 letters abroad.

The letters' locale names the size (`envelope:` in drafter/locale/locales.yaml); the Word and the
Typst envelopes (formats/docx/envelope.py, formats/typst/envelopes.py) both take it from here.
Measures in millimetres: the page (landscape), its margin, and where the delivery address starts
(its left edge, its top), inside the area the post reads: for No. 10 about 3.75 inches in, as the
USPS expects; for DL in the right half, below the 40 mm the stamp and postmark take and at least
15 mm above the bottom edge (Deutsche Post and Royal Mail's address areas).
"""
from __future__ import annotations

from dataclasses import dataclass

from drafter.locale import get as get_locale


@dataclass(frozen=True)
class Envelope:
    name: str
    width: float
    height: float
    margin: float
    address_left: float      # from the envelope's left edge
    address_top: float | None    # from its top edge; None: centred a little below the middle


SIZES = {
    "us10": Envelope("No. 10", 241.3, 104.775, 6.35, 95.25, None),
    "dl": Envelope("DL", 220.0, 110.0, 10.0, 100.0, 55.0),
}
DEFAULT = "us10"


def envelope_for(letters) -> str:
    """The envelope size of a set of letters: their (first) letter's locale's, us10 or dl."""
    letters = list(letters)
    return get_locale(letters[0].locale).envelope if letters else DEFAULT


def size(name: str | None) -> Envelope:
    if (name or DEFAULT) not in SIZES:
        raise ValueError(f"envelope {name!r}: use one of {', '.join(SIZES)}")
    return SIZES[name or DEFAULT]
