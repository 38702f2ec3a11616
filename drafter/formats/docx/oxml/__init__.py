"""The WordprocessingML layer: XML text for elements, kept apart from the letter model.

Everything here returns XML as strings. Builders escape every piece of text they are given
and drop the characters XML 1.0 cannot carry, so no input can break the markup.
"""
from __future__ import annotations

import re

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE_PROPERTIES_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
WR_ROOT_ATTRS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

# XML 1.0 forbids C0 controls other than tab/newline/CR, lone surrogates and U+FFFE/U+FFFF.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(text: str) -> str:
    """Escape text for an element body or attribute value."""
    return _INVALID.sub("", str(text)).translate(_ESCAPES)


def t(text: str) -> str:
    """A w:t element; keeps leading and trailing spaces."""
    text = esc(text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<w:t xml:space="preserve">{text}</w:t>'
    return f"<w:t>{text}</w:t>"


def present(*children: tuple[object, str]) -> str:
    """The XML of each (condition, xml) child whose condition holds, in the order given: the
    schema's order of optional children."""
    return "".join(xml for condition, xml in children if condition)


def rpr(style: str | None = None, italic: bool = False, bold: bool = False,
        superscript: bool = False, small_caps: bool = False, size: float | None = None) -> str:
    """Run properties, children in schema order; `size` in points."""
    half = size and round(size * 2)
    inner = present((style, f'<w:rStyle w:val="{esc(style)}"/>'), (bold, "<w:b/>"), (italic, "<w:i/>"),
                    (small_caps, "<w:smallCaps/>"), (size, f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'),
                    (superscript, '<w:vertAlign w:val="superscript"/>'))
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def run(text: str, **props) -> str:
    """A text run; tabs and line breaks in the text become w:tab and w:br."""
    props_xml = rpr(**props)
    if "\t" not in text and "\n" not in text:
        return f"<w:r>{props_xml}{t(text)}</w:r>"
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(t(chunk))
    return f"<w:r>{props_xml}{''.join(pieces)}</w:r>"


def hyperlink(rid: str, runs_xml: str) -> str:
    return f'<w:hyperlink r:id="{rid}" w:history="1">{runs_xml}</w:hyperlink>'


def footnote_reference(note_id: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'


def comment_range(comment_id: int, inner_xml: str) -> str:
    """Wrap runs in a comment range followed by the comment's reference run."""
    return (f'<w:commentRangeStart w:id="{comment_id}"/>{inner_xml}<w:commentRangeEnd w:id="{comment_id}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:commentReference w:id="{comment_id}"/></w:r>')


def ppr(style: str | None = None, num: tuple[int, int] | None = None, keep_next: bool = False,
        spacing: dict | None = None, jc: str | None = None) -> str:
    """Paragraph properties; `num` is (numId, level); `spacing` the w:spacing attributes
    (before, after, line, lineRule) over the style's."""
    inner = present((style, f'<w:pStyle w:val="{esc(style)}"/>'), (keep_next, "<w:keepNext/>"),
                    (num, num and f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'),
                    (spacing, spacing and "<w:spacing " + " ".join(f'w:{k}="{v}"' for k, v in spacing.items()) + "/>"),
                    (jc, f'<w:jc w:val="{jc}"/>'))
    return f"<w:pPr>{inner}</w:pPr>" if inner else ""


def paragraph(content_xml: str, style: str | None = None, **kw) -> str:
    return f"<w:p>{ppr(style, **kw)}{content_xml}</w:p>"


def borderless_table(rows: list[list[str]], width_twips: int) -> str:
    """A layout table without borders; each cell holds ready-made paragraph XML."""
    cols = max(len(r) for r in rows)
    col_w = width_twips // cols
    grid = "".join(f'<w:gridCol w:w="{col_w}"/>' for _ in range(cols))
    body = []
    for row in rows:
        cells = []
        for i in range(cols):
            content = row[i] if i < len(row) and row[i] else "<w:p/>"
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{col_w}" w:type="dxa"/></w:tcPr>{content}</w:tc>')
        body.append(f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{"".join(cells)}</w:tr>')
    return ('<w:tbl><w:tblPr><w:tblW w:w="{w}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="115" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            '<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>').format(w=width_twips, grid=grid, body="".join(body))


def relationships(rels: list[tuple[str, str, str, bool]]) -> str:
    """A .rels part from (id, type suffix or full type, target, external)."""
    items = []
    for rid, typ, target, external in rels:
        full = typ if typ.startswith("http") else f"{R_NS}/{typ}"
        mode = ' TargetMode="External"' if external else ""
        items.append(f'<Relationship Id="{rid}" Type="{full}" Target="{esc(target)}"{mode}/>')
    return f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">{"".join(items)}</Relationships>'
