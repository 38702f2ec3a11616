"""WordprocessingML for a sheet of #10 envelopes: one page per envelope, return address at the
top left, the office's address in the middle, in Word's own "Envelope Return" and "Envelope
Address" styles so a user can restyle all envelopes at once."""
from __future__ import annotations

from drafter.formats.docx.oxml import WR_ROOT_ATTRS, XML_DECL, paragraph, run
from drafter.formats.docx.oxml import parts as P

# #10 envelope, 9.5 x 4.125 inches, landscape, in twentieths of a point.
ENV_W, ENV_H, ENV_MARGIN = 13680, 5940, 360
ADDRESS_INDENT = 5040     # the delivery address starts about 3.75 inches in, as USPS expects


def envelope_styles_xml() -> str:
    extra = (P._style("paragraph", "EnvelopeReturn", "envelope return", ui=99,
                      rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>')
             + P._style("paragraph", "EnvelopeAddress", "envelope address", ui=99,
                        ppr=f'<w:spacing w:before="1200" w:after="0"/><w:ind w:left="{ADDRESS_INDENT}"/>',
                        rpr='<w:sz w:val="24"/><w:szCs w:val="24"/>'))
    return P.styles_xml().replace("</w:styles>", extra + "</w:styles>")


def envelopes_document_xml(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> str:
    """`envelopes`: (return address lines, delivery address lines), one page each."""
    body = []
    for i, (sender, to) in enumerate(envelopes):
        brk = '<w:r><w:br w:type="page"/></w:r>' if i else ""
        body.append(paragraph(brk + run("\n".join(sender)), "EnvelopeReturn"))
        body.append(paragraph(run("\n".join(to)), "EnvelopeAddress"))
    sect = (f'<w:sectPr><w:pgSz w:w="{ENV_W}" w:h="{ENV_H}" w:orient="landscape"/>'
            f'<w:pgMar w:top="{ENV_MARGIN}" w:right="{ENV_MARGIN}" w:bottom="{ENV_MARGIN}" '
            f'w:left="{ENV_MARGIN}" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr>')
    return f'{XML_DECL}<w:document {WR_ROOT_ATTRS}><w:body>{"".join(body)}{sect}</w:body></w:document>'
