"""Build the parts of a .docx package from a `Letter` or a `FactSheet`.

Letter layout (US official correspondence): letterhead, date, stacked inside addresses,
salutation, body, closing, signature blocks (side by side in pairs), cc. A fact sheet (drafter
kit) is a title, headings, paragraphs and lists on one page with narrower margins. Every
paragraph carries a named style, so an editor restyles a whole campaign in Word by changing the style.
"""
from __future__ import annotations

from functools import lru_cache

from drafter.formats import din5008 as din
from drafter.formats.docx import din5008 as docx_din, oxml
from drafter.locale import Locale, get as get_locale
from drafter.compose.letter import FactSheet, Letter, NoteRef, Text, subject_line
from drafter.formats.docx.din5008 import RULED, twips
from drafter.formats.docx.oxml import parts as P
from drafter.formats.docx.oxml.section import MARGIN, PAGE_H, PAGE_W, section_properties

TEXT_WIDTH = PAGE_W - 2 * MARGIN
PAPER_SIZES = {"letter": (PAGE_W, PAGE_H), "a4": (11906, 16838)}   # the spec's `paper:`, in twips
BLOCK_STYLES = {"para": "BodyText", "ordered": "ListNumber", "bullet": "ListBullet",
                "quote": "Quote", "heading": "BodyText"}
FACTSHEET_STYLES = {"para": "BodyText", "ordered": "FactSheetNumber", "bullet": "FactSheetBullet",
                    "quote": "Quote", "heading": "Heading1"}
FACTSHEET_MARGIN = 1080   # three-quarter-inch margins: a fact sheet, not a letter


class Relationships:
    """Hyperlink relationships of one part."""

    def __init__(self, first: int = 1):
        self.items: list[tuple[str, str, str, bool]] = []
        self.by_url: dict[str, str] = {}
        self.next = first

    def add(self, typ: str, target: str, external: bool = False) -> str:
        rid = f"rId{self.next}"
        self.next += 1
        self.items.append((rid, typ, target, external))
        return rid

    def link(self, url: str) -> str:
        if url not in self.by_url:
            self.by_url[url] = self.add("hyperlink", url, external=True)
        return self.by_url[url]


def runs_xml(inlines, rels: Relationships, comments: "_Comments | None" = None) -> str:
    """Runs for inline items. A note marker with a review comment anchors it on the text since
    the previous marker of the paragraph (the claim the note supports) and the marker itself."""
    out: list[str] = []
    seg = 0
    for item in inlines:
        if isinstance(item, NoteRef):
            out.append(oxml.footnote_reference(item.number))
            if comments is not None and item.comment:
                out[seg:] = [comments.wrap(item.comment, "".join(out[seg:]))]
            seg = len(out)
            continue
        xml = oxml.run(item.text, style=item.style, italic=item.italic, bold=item.bold,
                       small_caps=item.small_caps, superscript=item.superscript)
        if item.link:
            xml = oxml.hyperlink(rels.link(item.link), xml)
        out.append(xml)
    return "".join(out)


def _lines_paragraph(lines, style: str, **kw) -> str:
    return oxml.paragraph(oxml.run("\n".join(lines)), style, **kw)


# Review comments are notes from drafter to the editor, never the sender's own words: a draft
# emailed as it is must not show the sending organisation doubting its own facts.
REVIEWER, REVIEWER_INITIALS = "drafter review", "DR"


class _Comments:
    """Review comments of one draft. Their ids start after the last footnote's: LibreOffice
    (7.4) mixes up a footnote and a comment that share an id, showing notes under the wrong
    sentences or empty, and its PDF with them."""

    def __init__(self, date, first_id: int = 0):
        self.date = date
        self.first_id = first_id
        self.items: list[tuple[int, str, str, str]] = []

    def wrap(self, text: str | None, runs_xml: str) -> str:
        if not text:
            return runs_xml
        cid = self.first_id + len(self.items)
        self.items.append((cid, REVIEWER, REVIEWER_INITIALS, text))
        return oxml.comment_range(cid, runs_xml)


# Advance widths of Times New Roman (thousandths of an em), raised by a sixth for wider serif
# faces (Georgia, Liberation Serif, Caladea): an estimate of how wide a line of 12-point text is,
# without the fonts at hand. Characters not listed count as wide as "M".
_WIDTHS = dict(zip("abcdefghijklmnopqrstuvwxyz",
                   (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500,
                    333, 389, 278, 500, 500, 722, 500, 500, 444)))
_WIDTHS.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722,
                    667, 556, 611, 722, 722, 944, 722, 722, 611)))
_WIDTHS.update({**dict.fromkeys("0123456789", 500), " ": 250, ".": 250, ",": 250, "-": 333, "’": 333,
                "'": 180, "&": 778, "(": 333, ")": 333})
CELL_MARGINS = 2 * 108      # a table cell's left and right margins, twips


def line_twips(text: str, size_pt: float = 12) -> int:
    """The estimated width of one line of text, in twips."""
    return int(sum(_WIDTHS.get(ch, 889) for ch in text) * 7 / 6 * size_pt * 20 / 1000)


def fits_side_by_side(sigs: tuple[tuple[str, ...], ...], text_width: int) -> bool:
    """Whether every line of every block fits half the text width unbroken, as the pairs need
    ("Congressional-Executive Commission on China" does not: it would wrap before "China")."""
    room = text_width // 2 - CELL_MARGINS
    return all(line_twips(line) <= room for sig in sigs for line in sig)


def _signatures(sigs: tuple[tuple[str, ...], ...], text_width: int) -> str:
    """One block per signer, side by side in pairs, or stacked where a line would not fit half
    the width; every block but the last keeps with the next, so the closing (which keeps with the
    first) and all the blocks share a page."""
    if len(sigs) == 1:
        return _lines_paragraph(sigs[0], "Signature")
    if not fits_side_by_side(sigs, text_width):
        return "".join(_lines_paragraph(lines, "Signature", keep_next=i + 1 < len(sigs))
                       for i, lines in enumerate(sigs))
    last_row = (len(sigs) - 1) // 2
    paras = [_lines_paragraph(lines, "Signature", keep_next=i // 2 < last_row) for i, lines in enumerate(sigs)]
    rows = [paras[i:i + 2] for i in range(0, len(paras), 2)]
    # A table must be followed by a paragraph before the section ends.
    return oxml.borderless_table(rows, text_width)


def document_xml(letter: Letter, rels: Relationships, comments: _Comments | None, lists: list[str],
                 sect: str, text_width: int = TEXT_WIDTH, text_letterhead: bool = True,
                 header_address: bool = False, page: dict | None = None) -> str:
    """The body. `comments` None drafts without review comments; `text_letterhead` False when a
    Word letterhead's header carries the organisation's name instead; `header_address` when it
    carries the sender's address too. `page` (width and margins in twips, the return line) is
    for a DIN 5008 letter's address field."""
    wrap = comments.wrap if comments is not None else (lambda _text, xml: xml)
    loc = get_locale(letter.locale)
    body: list[str] = []
    if loc.layout == "din5008":
        head, more = docx_din.head_xml(letter, wrap, text_letterhead=text_letterhead,
                                       header_address=header_address, **page)
        body += [head, more]
    else:
        _standard_head(letter, wrap, body, text_letterhead, header_address)
    # DIN 5008: two blank lines between the address field and the subject
    gap = {"before": din.SUBJECT_GAP_PT * 20} if loc.layout == "din5008" else None
    if letter.subject:
        body.append(oxml.paragraph(oxml.run(subject_line(letter.subject, letter.locale)), "Subject", spacing=gap))
        gap = None
    body.append(oxml.paragraph(oxml.run(letter.salutation), "Salutation", spacing=gap))
    _body_xml(letter, body, rels, comments, wrap, lists, text_width, loc)
    if not body[-1].startswith("<w:p>"):
        body.append("<w:p/>")
    return _document(body, sect)


def _standard_head(letter: Letter, wrap, body: list[str], text_letterhead: bool, header_address: bool) -> None:
    """Letterhead, return address, date and inside addresses, one under the other (US and
    British letters)."""
    # The name in Letterhead, then the sender's address in Letterhead Address; the rule under
    # the last line. A Word letterhead's header has the name (and its own address, if any).
    lines = [(x, "Letterhead") for x in (letter.letterhead if text_letterhead else ())]
    lines += [(x, "LetterheadAddress") for x in letter.letterhead_address if not header_address]
    for i, (line, style) in enumerate(lines):
        body.append(oxml.paragraph(oxml.run(line), RULED[style] if i == len(lines) - 1 else style))
    if letter.return_address:
        body.append(oxml.paragraph(oxml.run("\n".join(letter.return_address)), "ReturnAddress"))
    body.append(oxml.paragraph(oxml.run(letter.date_line), "Date"))
    for block in letter.addresses:
        runs = oxml.run("\n".join(block.lines))
        body.append(oxml.paragraph(wrap(block.comment, runs), "InsideAddress"))


def _body_xml(letter, body, rels, comments, wrap, lists, text_width, loc: Locale) -> None:
    list_ids: dict[int, int] = {}
    for i, block in enumerate(letter.body):
        num = _list_number(block, lists, list_ids)
        inlines = block.inlines
        if block.kind == "heading":
            inlines = tuple(Text(x.text, style="Strong") if isinstance(x, Text) and not x.link else x
                            for x in inlines)
        runs = wrap(block.comment, runs_xml(inlines, rels, comments))
        # A heading, or the sentence that introduces a list, stays on the page with what follows;
        # the last paragraph stays with the closing, so "Sincerely," never starts a page alone.
        last = i + 1 == len(letter.body)
        introduces_list = (block.kind not in ("ordered", "bullet") and not last
                           and letter.body[i + 1].kind in ("ordered", "bullet"))
        body.append(oxml.paragraph(runs, BLOCK_STYLES[block.kind], num=num,
                                   keep_next=block.kind == "heading" or introduces_list or last))
    body.append(oxml.paragraph(oxml.run(letter.closing), "Closing"))
    body.append(_signatures(letter.signatures, text_width))
    for i, line in enumerate(letter.cc):
        body.append(oxml.paragraph(oxml.run((loc.cc + " " if i == 0 else "\t") + line), "Cc"))


def _document(body: list[str], sect: str) -> str:
    return f'{oxml.XML_DECL}<w:document {oxml.WR_ROOT_ATTRS}><w:body>{"".join(body)}{sect}</w:body></w:document>'


def _list_number(block, lists: list[str], list_ids: dict[int, int]) -> tuple[int, int] | None:
    """(numId, level) of a list item, a new numbering per list; None for other blocks."""
    if block.kind not in ("ordered", "bullet"):
        return None
    if block.list_id not in list_ids:
        lists.append(block.kind)
        list_ids[block.list_id] = len(lists)
    return (list_ids[block.list_id], 0)


def factsheet_document_xml(sheet: FactSheet, rels: Relationships, lists: list[str], sect: str) -> str:
    """The first block (a heading) is the Title, later headings Heading 1."""
    body, list_ids = [], {}
    for i, block in enumerate(sheet.body):
        style = "Title" if i == 0 and block.kind == "heading" else FACTSHEET_STYLES[block.kind]
        body.append(oxml.paragraph(runs_xml(block.inlines, rels), style, num=_list_number(block, lists, list_ids)))
    return _document(body, sect)


@lru_cache(maxsize=None)
def static_parts() -> dict[str, bytes]:
    """The parts that are the same in every draft (styles, settings, fonts, footer), built once."""
    return {"word/styles.xml": P.styles_xml().encode(),
            "word/settings.xml": P.settings_xml().encode(),
            "word/fontTable.xml": P.font_table_xml().encode(),
            "word/footer1.xml": P.footer_xml().encode()}


@lru_cache(maxsize=32)
def _footnotes(notes: tuple) -> tuple[bytes, tuple]:
    """footnotes.xml and its hyperlink relationships; the letters of a batch share their notes."""
    rels = Relationships()
    xml = P.footnotes_xml([(n.number, runs_xml(n.inlines, rels)) for n in notes]).encode()
    return xml, tuple(rels.items)


@lru_cache(maxsize=None)
def _letter_styles(locale: str) -> bytes:
    """A letter's styles in its language (Word's spelling and hyphenation), with a German
    letter's DIN 5008 styles."""
    if locale == "en-US":
        return static_parts()["word/styles.xml"]
    extra = docx_din.styles() if get_locale(locale).layout == "din5008" else ()
    return P.styles_xml(extra=extra, lang=locale).encode()


@lru_cache(maxsize=None)
def _footer(locale: str) -> bytes:
    """The page number from page 2 as the locale writes it: "2", "Page 2", "Seite 2"."""
    if locale == "en-US":
        return static_parts()["word/footer1.xml"]
    return P.footer_xml(get_locale(locale).page).encode()


@lru_cache(maxsize=None)
def _factsheet_styles() -> bytes:
    return P.factsheet_styles_xml().encode()


def build_parts(letter: Letter | FactSheet, with_comments: bool = True, letterhead=None,
                paper: str | None = None) -> dict[str, bytes]:
    """All parts of the package, in the order they are written. `letterhead` is a
    `drafter.letterhead.Letterhead` (styles, page setup, header and footer) or None; a fact
    sheet has neither letterhead nor review comments. `paper` (letter, a4) sizes the page when
    no letterhead does."""
    rels = Relationships()
    rels.add("styles", "styles.xml")
    rels.add("settings", "settings.xml")
    rels.add("fontTable", "fontTable.xml")
    rels.add("footnotes", "footnotes.xml")
    extra: dict[str, bytes] = {}
    overrides: dict[str, str] = {}
    sheet = isinstance(letter, FactSheet)
    loc = get_locale(None if sheet else letter.locale)
    if letterhead is None:
        # Page numbers from page 2: the first page has no footer (titlePg, no first footer).
        footer = rels.add("footer", "footer1.xml")
        width, height = PAPER_SIZES[paper or ("letter" if sheet else loc.paper)]
        if sheet:
            top = right = bottom = left = FACTSHEET_MARGIN
        else:
            top, right, bottom, left = (twips(v) for v in loc.margins)
        sect = section_properties([("footer", "default", footer)], page={"w": width, "h": height},
                                  margins={"top": top, "right": right, "bottom": bottom, "left": left})
        text_width = width - left - right
        extra["word/footer1.xml"] = _footer(loc.code)
        styles = _factsheet_styles() if sheet else _letter_styles(loc.code)
    else:
        refs = {name: rels.add(kind, name.removeprefix("word/")) for name, kind in letterhead.rel_kinds().items()}
        sect, text_width = letterhead.sect_xml(refs), letterhead.text_width
        # drafter's own page-number footer in the letter's language; the letterhead's own as it is
        extra.update({name: _footer(loc.code) if data == static_parts()["word/footer1.xml"] else data
                      for name, data in letterhead.parts.items()})
        overrides.update(letterhead.content_types)
        styles = letterhead.styles
        if loc.layout == "din5008" and b'w:styleId="ReturnLine"' not in styles:
            styles = styles.replace(b"</w:styles>", "".join(docx_din.styles()).encode() + b"</w:styles>")
        size, mar = letterhead.page.get("pgSz", {}), letterhead.page.get("pgMar", {})
        width, top = int(size.get("w", PAGE_W)), int(mar.get("top", MARGIN))
        left, right = int(mar.get("left", MARGIN)), int(mar.get("right", MARGIN))
    # Comment ids follow the footnote ids (1..n), never sharing one with a note.
    comments = _Comments(letter.date, len(letter.notes) + 1) if with_comments and not sheet else None
    lists: list[str] = []
    if sheet:
        document = factsheet_document_xml(letter, rels, lists, sect)
    else:
        page = {"page_width": width, "top": top, "left": left, "right": right,
                "return_line": din.sender_line(letter, letterhead)}
        document = document_xml(letter, rels, comments, lists, sect, text_width,
                                text_letterhead=letterhead is None,
                                header_address=bool(letterhead is not None and letterhead.header_address),
                                page=page)
    footnotes, note_rels = _footnotes(letter.notes)
    if lists:
        rels.add("numbering", "numbering.xml")
    if comments is not None and comments.items:
        rels.add("comments", "comments.xml")
    out: dict[str, bytes] = {}
    word = {"word/document.xml": document.encode(), "word/styles.xml": styles,
            "word/settings.xml": static_parts()["word/settings.xml"],
            "word/fontTable.xml": static_parts()["word/fontTable.xml"],
            "word/footnotes.xml": footnotes, **extra}
    if lists:
        word["word/numbering.xml"] = P.numbering_xml(lists).encode()
    if comments is not None and comments.items:
        word["word/comments.xml"] = P.comments_xml(comments.items, comments.date).encode()
    names = ["docProps/core.xml", "docProps/app.xml", *word]
    out["[Content_Types].xml"] = P.content_types(names, overrides).encode()
    out["_rels/.rels"] = oxml.relationships([
        ("rId1", "officeDocument", "word/document.xml", False),
        ("rId2", oxml.CORE_PROPERTIES_REL, "docProps/core.xml", False),
        ("rId3", "extended-properties", "docProps/app.xml", False)]).encode()
    out["docProps/core.xml"] = P.core_xml(letter.title, letter.author, letter.date, subject="" if sheet else letter.subject or "").encode()
    out["docProps/app.xml"] = P.app_xml(letter.author).encode()
    out["word/_rels/document.xml.rels"] = oxml.relationships(rels.items).encode()
    if note_rels:
        out["word/_rels/footnotes.xml.rels"] = oxml.relationships(list(note_rels)).encode()
    out.update(word)
    return out
