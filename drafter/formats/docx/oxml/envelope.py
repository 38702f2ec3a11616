"""WordprocessingML for a sheet of envelopes (No. 10 or DL): one page per envelope, return address
at the top left, the office's address in the middle (No. 10) or in the DL's address area, in
Word's own "Envelope Return" and "Envelope Address" styles so a user can restyle all envelopes
at once."""
from __future__ import annotations

from drafter.formats.docx.oxml import WR_ROOT_ATTRS, XML_DECL, paragraph, run
from drafter.formats.docx.oxml import parts as P
from drafter.formats.envelopes import Envelope, size as envelope_size


def envelope_styles_xml(size: str = "us10") -> str:
    env = envelope_size(size)
    indent = _twips(env.address_left - env.margin)
    extra = (P._style("paragraph", "EnvelopeReturn", "envelope return", ui=99,
                      rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>')
             + P._style("paragraph", "EnvelopeAddress", "envelope address", ui=99,
                        ppr=f'<w:spacing w:before="1200" w:after="0"/><w:ind w:left="{indent}"/>',
                        rpr='<w:sz w:val="24"/><w:szCs w:val="24"/>'))
    return P.styles_xml().replace("</w:styles>", extra + "</w:styles>")


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


RETURN_LINE = 230       # twips: the return address's line pitch (10 points, single spacing)


def envelopes_document_xml(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]], size: str = "us10") -> str:
    """`envelopes`: (return address lines, delivery address lines), one page each; `size` us10 or dl."""
    env: Envelope = envelope_size(size)
    body = []
    for i, (sender, to) in enumerate(envelopes):
        brk = '<w:r><w:br w:type="page"/></w:r>' if i else ""
        if env.address_top is None:
            body.append(paragraph(brk + run("\n".join(sender)), "EnvelopeReturn"))
            body.append(paragraph(run("\n".join(to)), "EnvelopeAddress"))
            continue
        # DL: the return address on lines of a fixed height, so the delivery address starts at
        # the same place whatever the sender's lines
        body.append(paragraph(brk + run("\n".join(sender)), "EnvelopeReturn",
                              spacing={"before": 0, "after": 0, "line": RETURN_LINE, "lineRule": "exact"}))
        before = max(_twips(env.address_top - env.margin) - RETURN_LINE * len(sender), 0)
        body.append(paragraph(run("\n".join(to)), "EnvelopeAddress",
                              spacing={"before": before, "after": 0}))
    w, h, margin = _twips(env.width), _twips(env.height), _twips(env.margin)
    sect = (f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}" w:orient="landscape"/>'
            f'<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" '
            f'w:left="{margin}" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr>')
    return f'{XML_DECL}<w:document {WR_ROOT_ATTRS}><w:body>{"".join(body)}{sect}</w:body></w:document>'
