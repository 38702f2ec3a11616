#!/usr/bin/env python3
"""Build letterheads/cecc-example.docx: the example campaign's Word letterhead.

A header with a small logo (drawn here as a PNG with zlib and struct, no imaging library) and
the commission's name, a footer with the page number, the page setup, and the letterhead's own
styles (a serif face; drafter adds the letter styles it needs). Built by hand so the file is
the same bytes every time and carries no metadata.

    python3 scripts/make_letterhead.py [OUT.docx] [--address LINE]...

`--address` adds the sender's address lines under the name, in the named style "Letterhead
Address" (drafter reads them as the letter's return address). The example's letterhead is the
name only: no checked address for the commission is in the project's sources.
"""
from __future__ import annotations

import math
import struct
import sys
import zlib
from xml.sax.saxutils import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafter.formats.docx.oxml import WR_ROOT_ATTRS, XML_DECL, relationships  # noqa: E402
from drafter.formats.docx.oxml.parts import content_types  # noqa: E402
from drafter.formats.docx.package import zip_parts  # noqa: E402

NAME = "Congressional-Executive Commission on China"
NAVY, GOLD, WHITE = (0x1F, 0x2A, 0x44), (0xB8, 0x8A, 0x2E), (0xFF, 0xFF, 0xFF)
LOGO_PX = 96
LOGO_EMU = 640080          # 0.7 inch


def png(width: int, height: int, pixel) -> bytes:
    """A truecolour+alpha PNG; `pixel(x, y)` gives (r, g, b, a)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def seal(x: int, y: int) -> tuple[int, int, int, int]:
    """A round seal: navy disc, gold ring, and a five-pointed gold star in the middle."""
    c = (LOGO_PX - 1) / 2
    dx, dy = x - c, y - c
    r = math.hypot(dx, dy) / c
    if r > 1:
        return (0, 0, 0, 0)
    if 0.80 < r < 0.88:
        return (*GOLD, 255)
    angle = math.atan2(dx, -dy) % (2 * math.pi / 5) - math.pi / 5   # star: five lobes
    star = 0.55 * (0.45 + 0.55 * abs(math.cos(angle * 5 / 2)) ** 6)
    return (*(GOLD if r < star else NAVY), 255)


ADDRESS_STYLE = ('<w:style w:type="paragraph" w:styleId="LetterheadAddress"><w:name w:val="Letterhead Address"/>'
                 '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:pPr><w:jc w:val="center"/></w:pPr>'
                 '<w:rPr><w:color w:val="1F2A44"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>')


def styles_xml(address: tuple[str, ...] = ()) -> str:
    """The letterhead's own look: Georgia-like serif, navy headings; drafter adds its letter styles."""
    fonts = 'w:ascii="Georgia" w:hAnsi="Georgia" w:eastAsia="SimSun" w:cs="Microsoft Himalaya"'
    return (f'{XML_DECL}<w:styles {WR_ROOT_ATTRS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts {fonts}/>'
            '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="bo-CN"/>'
            '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="259" w:lineRule="auto"/>'
            '</w:pPr></w:pPrDefault></w:docDefaults>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
            '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
            '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>'
            '<w:uiPriority w:val="99"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="4" w:color="1F2A44"/>'
            '</w:pBdr><w:tabs><w:tab w:val="left" w:pos="1200"/></w:tabs></w:pPr>'
            '<w:rPr><w:smallCaps/><w:color w:val="1F2A44"/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>'
            + (ADDRESS_STYLE if address else '') +
            '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
            '<w:uiPriority w:val="99"/><w:pPr><w:jc w:val="center"/></w:pPr>'
            '<w:rPr><w:color w:val="1F2A44"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'
            '<w:style w:type="paragraph" w:styleId="Date"><w:name w:val="Date"/><w:basedOn w:val="Normal"/>'
            '<w:next w:val="Normal"/><w:uiPriority w:val="99"/><w:pPr><w:spacing w:before="240" w:after="480"/>'
            '</w:pPr></w:style>'
            '</w:styles>')


def header_xml(address: tuple[str, ...] = ()) -> str:
    drawing = (
        '<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{LOGO_EMU}" cy="{LOGO_EMU}"/><wp:docPr id="1" name="Logo" descr="Commission seal"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="0" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{LOGO_EMU}" cy="{LOGO_EMU}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing>')
    return (f'{XML_DECL}<w:hdr {WR_ROOT_ATTRS} '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
            f'<w:r><w:rPr><w:position w:val="-14"/></w:rPr>{drawing}</w:r><w:r><w:tab/><w:t>{NAME}</w:t></w:r></w:p>'
            + "".join(f'<w:p><w:pPr><w:pStyle w:val="LetterheadAddress"/></w:pPr><w:r><w:t>{escape(line)}</w:t></w:r></w:p>'
                      for line in address)
            + '</w:hdr>')


def footer_xml() -> str:
    return (f'{XML_DECL}<w:ftr {WR_ROOT_ATTRS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
            '<w:r><w:t xml:space="preserve">Page </w:t></w:r>'
            '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>')


def document_xml() -> str:
    """An empty page carrying the section: US Letter, one-inch margins, header and footer."""
    return (f'{XML_DECL}<w:document {WR_ROOT_ATTRS}><w:body><w:p/>'
            '<w:sectPr><w:headerReference w:type="default" r:id="rId3"/>'
            '<w:footerReference w:type="default" r:id="rId4"/>'
            '<w:pgSz w:w="12240" w:h="15840"/>'
            '<w:pgMar w:top="1800" w:right="1440" w:bottom="1440" w:left="1440" w:header="576" '
            'w:footer="576" w:gutter="0"/><w:cols w:space="720"/></w:sectPr></w:body></w:document>')


def build(address: tuple[str, ...] = ()) -> dict[str, bytes]:
    word = {"word/document.xml": document_xml(), "word/styles.xml": styles_xml(address),
            "word/header1.xml": header_xml(address), "word/footer1.xml": footer_xml()}
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    parts = {"[Content_Types].xml": content_types(
                 [*word, "word/media/logo.png"],
                 {"word/header1.xml": f"{ct}.header+xml", "word/footer1.xml": f"{ct}.footer+xml"}),
             "_rels/.rels": relationships([("rId1", "officeDocument", "word/document.xml", False)]),
             "word/_rels/document.xml.rels": relationships([
                 ("rId1", "styles", "styles.xml", False), ("rId3", "header", "header1.xml", False),
                 ("rId4", "footer", "footer1.xml", False)]),
             "word/_rels/header1.xml.rels": relationships([("rId1", "image", "media/logo.png", False)]),
             **word}
    out = {k: v.encode() for k, v in parts.items()}
    out["word/media/logo.png"] = png(LOGO_PX, LOGO_PX, seal)
    return out


def main(argv: list[str]) -> int:
    args, address = argv[1:], []
    while "--address" in args:
        i = args.index("--address")
        address.append(args[i + 1])
        del args[i:i + 2]
    out = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "letterheads" / "cecc-example.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(zip_parts(build(tuple(address))))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
