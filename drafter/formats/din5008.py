"""DIN 5008 form B, the German business letter's page 1: what the Word and the Typst writers share.

The address field is where a DL window envelope shows it: 45 mm from the top edge, 20 mm from
the left, 85 mm wide and 45 mm high. Its first 17.7 mm (the Zusatz- und Vermerkzone) hold the
sender's one-line return address at their foot; the 27.3 mm below (the Anschriftzone) hold up
to nine lines of address, with no blank line. The information block (here the date) starts
125 mm from the left edge, 50 mm from the top. Fold marks at 105 and 210 mm, the hole mark at
148.5 mm. All measures in millimetres from the page's edges.
"""
from __future__ import annotations

FIELD_TOP, FIELD_LEFT, FIELD_WIDTH, FIELD_HEIGHT = 45.0, 20.0, 85.0, 45.0
NOTE_ZONE = 17.7            # Zusatz- und Vermerkzone: the return line at its foot
ADDRESS_ZONE = 27.3         # Anschriftzone
TEXT_INSET = 5.0            # the address text starts 25 mm from the left edge
INFO_LEFT, INFO_TOP = 125.0, 50.0
FOLD_MARKS = (105.0, 210.0)
HOLE_MARK = 148.5
SUBJECT_GAP_PT = 24         # two blank lines between the field and the subject
RETURN_SIZE_PT, RETURN_LINE_PT = 8, 10
PT_PER_MM = 72 / 25.4


def address_type(lines: int) -> tuple[float, float]:
    """(size, line pitch) in points for an address of `lines` lines: 12 on 14 points up to five
    lines, smaller type for more (DIN 5008 allows nine lines in the zone with smaller type), so
    that every line stays inside the Anschriftzone."""
    room = (ADDRESS_ZONE - 0.3) * PT_PER_MM
    pitch = min(14.0, room / max(lines, 1))
    if pitch >= 14.0:
        return 12.0, 14.0
    return min(12.0, int(pitch * 0.85 * 2) / 2), int(pitch * 10) / 10


def return_line(name: str | None, address: tuple[str, ...]) -> str | None:
    """The sender's one-line return address above the recipient's ("Tibet-Kampagne Berlin ·
    Beispielstraße 10 · 10115 Berlin"): postal lines only (no email, telephone or web
    address); None when the letter has no sender's address."""
    postal = [line for line in address if not _contact(line)]
    if not postal:
        return None
    parts = ([name] if name and name not in postal else []) + postal
    return " · ".join(parts)


def _contact(line: str) -> bool:
    low = line.lower()
    return "@" in low or "www." in low or "://" in low or low.startswith(("tel", "phone", "fax", "+"))


def one_line(lines: tuple[str, ...]) -> str:
    """Several lines of a letterhead's address on one line, as the narrow letterhead zone needs."""
    return " · ".join(x.strip() for x in lines if x.strip())


def sender_line(letter, letterhead=None) -> tuple[str, float] | None:
    """The return line of a `Letter` and its size in points: a constituent's own name and
    address, else the letterhead's (a Word letterhead's header, else the letter's letterhead
    lines or its organisation). A line too long for the field at 8 points is set smaller, down
    to 6; one too long even then leaves out the name: it must never wrap and push the address
    out of the field."""
    if letter.return_address:
        name, address = letter.return_address[0], tuple(letter.return_address[1:])
    else:
        header_lines = getattr(letterhead, "header_lines", ()) if letterhead is not None else ()
        header_address = getattr(letterhead, "header_address", ()) if letterhead is not None else ()
        address = tuple(header_address or letter.letterhead_address)
        name = header_lines[0] if header_lines else letter.letterhead[0] if letter.letterhead else letter.author
    line = None
    for line in (return_line(name, address), return_line(None, address)):
        if line is None:
            return None
        size = _fit(line)
        if size >= 6:
            return line, size
    return line, 6.0


def _fit(line: str) -> float:
    """The largest size up to 8 points, in half points, at which `line` fits the field's width
    (estimated with wide serif faces' widths, so it fits in Times New Roman and the wider ones)."""
    from drafter.formats.docx.build import line_twips
    room = (FIELD_WIDTH - TEXT_INSET - 1) * 1440 / 25.4
    wide = line_twips(line, RETURN_SIZE_PT)
    return float(RETURN_SIZE_PT) if wide <= room else int(RETURN_SIZE_PT * room / wide * 2) / 2
