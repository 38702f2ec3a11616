"""Envelopes (No. 10, or DL for letters abroad) as a .docx (and so as a PDF through LibreOffice):
one page per office."""
from __future__ import annotations

import datetime as dt

from drafter.formats.docx import oxml
from drafter.formats.docx.oxml import parts as P
from drafter.formats.docx.oxml.envelope import envelope_styles_xml, envelopes_document_xml
from drafter.formats.docx.package import zip_parts


def envelopes_docx(envelopes: list[tuple[tuple[str, ...], tuple[str, ...]]], author: str,
                   date: dt.date, size: str = "us10") -> bytes:
    """One envelope per (return address lines, delivery address lines); `size` us10 or dl
    (formats.envelopes.envelope_for(letters) gives the letters' own)."""
    word = {"word/document.xml": envelopes_document_xml(envelopes, size).encode(),
            "word/styles.xml": envelope_styles_xml(size).encode(),
            "word/settings.xml": P.settings_xml(has_footnotes=False).encode(),
            "word/fontTable.xml": P.font_table_xml().encode()}
    names = ["docProps/core.xml", "docProps/app.xml", *word]
    parts = {
        "[Content_Types].xml": P.content_types(names).encode(),
        "_rels/.rels": oxml.relationships([
            ("rId1", "officeDocument", "word/document.xml", False),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
             "docProps/core.xml", False),
            ("rId3", "extended-properties", "docProps/app.xml", False)]).encode(),
        "docProps/core.xml": P.core_xml("Envelopes", author, date).encode(),
        "docProps/app.xml": P.app_xml("").encode(),
        "word/_rels/document.xml.rels": oxml.relationships([
            ("rId1", "styles", "styles.xml", False), ("rId2", "settings", "settings.xml", False),
            ("rId3", "fontTable", "fontTable.xml", False)]).encode(),
        **word}
    return zip_parts(parts)
