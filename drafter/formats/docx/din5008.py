"""Page 1 of a German letter in Word: DIN 5008 form B (measures in drafter/formats/din5008.py).

The letterhead zone and the address field are the two rows of a borderless table with exact
row heights, the table shifted so its first cell starts 20 mm from the page's left edge: Word
and LibreOffice place such a table alike, where a frame or a text box would be placed by each
its own way. The first row fills the page from the top margin to 45 mm (the letterhead, on one
or two lines); the second is the 45 mm field, the return line at the foot of its first 17.7 mm
and the address below, with the date as the information block at 125 mm in the second cell.
"""
from __future__ import annotations

from drafter.compose.letter import Letter
from drafter.formats import din5008 as D
from drafter.formats.docx import oxml
from drafter.formats.docx.oxml import parts as P

SPACER = 20        # twips: one point
RULED = {"Letterhead": "LetterheadRule", "LetterheadAddress": "LetterheadAddressRule"}


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def styles() -> tuple[str, ...]:
    """The styles a DIN 5008 letter adds: its return line, so an editor can restyle it."""
    return (P._style("paragraph", "ReturnLine", "Return Line", next_="InsideAddress", qformat=True,
                     ppr=f'<w:spacing w:before="{round((D.NOTE_ZONE * D.PT_PER_MM - D.RETURN_LINE_PT) * 20)}" '
                         f'w:after="0" w:line="{D.RETURN_LINE_PT * 20}" w:lineRule="exact"/>',
                     rpr=f'<w:sz w:val="{D.RETURN_SIZE_PT * 2}"/><w:szCs w:val="{D.RETURN_SIZE_PT * 2}"/>'),)


def _cell(width: int, content: str, left: int = 0, span: int = 1) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}'
            f'<w:tcMar><w:left w:w="{left}" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tcMar></w:tcPr>'
            f"{content or '<w:p/>'}</w:tc>")


def _row(height: int, cells: str) -> str:
    return (f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="exact"/></w:trPr>'
            f"{cells}</w:tr>")


def head_xml(letter: Letter, wrap, *, page_width: int, top: int, left: int, right: int,
             text_letterhead: bool, header_address: bool, return_line: tuple[str, float] | None) -> tuple[str, str]:
    """(page 1 down to the address field, more inside addresses after it). `top`, `left` and
    `right` are the page's margins and `page_width` its width, in twips; `wrap` adds a review
    comment to runs."""
    # LibreOffice sets a table that opens the document a line lower than Word does: a paragraph
    # of one point before it puts the table where both place it (measured in test_locale_layout).
    spacer = oxml.paragraph("", spacing={"before": 0, "after": 0, "line": SPACER, "lineRule": "exact"})
    zone = twips(D.FIELD_TOP) - top - SPACER
    lines = [(x, "Letterhead") for x in (letter.letterhead if text_letterhead else ())]
    if letter.letterhead_address and not header_address:
        lines.append((D.one_line(letter.letterhead_address), "LetterheadAddress"))
    # the rule under the last line, as on other letters
    head = [oxml.paragraph(oxml.run(x), RULED[style] if i == len(lines) - 1 else style)
            for i, (x, style) in enumerate(lines)]
    if letter.return_address:      # a constituent's own name and address, at the top right
        head.append(oxml.paragraph(oxml.run(D.one_line(letter.return_address), size=10), "ReturnAddress", jc="right"))
    field: list[str] = []
    if return_line:
        line, size = return_line
        field.append(oxml.paragraph(oxml.run(line, size=None if size == D.RETURN_SIZE_PT else size), "ReturnLine"))
    first, *more = letter.addresses or ()
    if first is not None:
        size, pitch = D.address_type(len(first.lines))
        before = 0 if return_line else round(D.NOTE_ZONE * D.PT_PER_MM * 20)
        field.append(oxml.paragraph(wrap(first.comment, oxml.run("\n".join(first.lines), size=size)), "InsideAddress",
                                    spacing={"before": before, "after": 0, "line": round(pitch * 20), "lineRule": "exact"}))
    info = oxml.paragraph(oxml.run(letter.date_line), "Date",
                          spacing={"before": twips(D.INFO_TOP - D.FIELD_TOP), "after": 0})
    field_left = twips(D.FIELD_LEFT)
    col1 = twips(D.FIELD_WIDTH)
    col2 = max(page_width - right - field_left - col1, twips(40))
    rows = []
    if zone > 0:
        rows.append(_row(zone, _cell(col1 + col2, "".join(head), left=left - field_left, span=2)))
        head = []
    rows.append(_row(twips(D.FIELD_HEIGHT),
                     _cell(col1, "".join(field), left=twips(D.TEXT_INSET))
                     + _cell(col2, info, left=twips(D.INFO_LEFT) - field_left - col1)))
    table = ('<w:tbl><w:tblPr><w:tblW w:w="{w}" w:type="dxa"/><w:tblInd w:w="{ind}" w:type="dxa"/>'
             '<w:tblLayout w:type="fixed"/>'
             '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
             '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
             '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
             'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
             '<w:tblGrid><w:gridCol w:w="{c1}"/><w:gridCol w:w="{c2}"/></w:tblGrid>{rows}</w:tbl>').format(
        w=col1 + col2, ind=field_left - left, c1=col1, c2=col2, rows="".join(rows))
    after = "".join(oxml.paragraph(wrap(b.comment, oxml.run("\n".join(b.lines))), "InsideAddress") for b in more)
    return spacer + "".join(head) + table, after

