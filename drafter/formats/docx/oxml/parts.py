"""The package parts other than the body: styles, settings, numbering, notes, comments, properties.

Element order follows the ECMA-376 schemas (checked by ../shared/tools/docx_check.py), and the
footnote machinery is what Word itself writes: separator notes -1 and 0, listed in settings.
"""
from __future__ import annotations

import datetime as dt

from drafter.formats.docx.oxml import WR_ROOT_ATTRS, XML_DECL, CT_NS, esc, paragraph, present, run

CT = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = {
    "word/document.xml": f"{CT}.wordprocessingml.document.main+xml",
    "word/styles.xml": f"{CT}.wordprocessingml.styles+xml",
    "word/settings.xml": f"{CT}.wordprocessingml.settings+xml",
    "word/numbering.xml": f"{CT}.wordprocessingml.numbering+xml",
    "word/footnotes.xml": f"{CT}.wordprocessingml.footnotes+xml",
    "word/comments.xml": f"{CT}.wordprocessingml.comments+xml",
    "word/fontTable.xml": f"{CT}.wordprocessingml.fontTable+xml",
    "word/footer1.xml": f"{CT}.wordprocessingml.footer+xml",
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "docProps/app.xml": f"{CT}.extended-properties+xml",
}
DEFAULT_TYPES = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                 "xml": "application/xml", "png": "image/png", "jpeg": "image/jpeg",
                 "jpg": "image/jpeg", "gif": "image/gif", "emf": "image/x-emf"}


def content_types(parts: list[str], overrides: dict[str, str] | None = None) -> str:
    """[Content_Types].xml for the given part names."""
    types = {**CONTENT_TYPES, **(overrides or {})}
    exts = sorted({p.rsplit(".", 1)[-1].lower() for p in parts} & set(DEFAULT_TYPES) | {"rels", "xml"})
    defaults = "".join(f'<Default Extension="{e}" ContentType="{DEFAULT_TYPES[e]}"/>' for e in exts)
    over = "".join(f'<Override PartName="/{p}" ContentType="{types[p]}"/>' for p in parts if p in types)
    return f'{XML_DECL}<Types xmlns="{CT_NS}">{defaults}{over}</Types>'


# Fonts: Latin text in Times New Roman; East Asian and complex-script slots name fonts that
# carry Chinese and Tibetan, so Word and LibreOffice pick a face that has the glyphs.
FONTS = {"ascii": "Times New Roman", "hAnsi": "Times New Roman",
         "eastAsia": "SimSun", "cs": "Microsoft Himalaya"}


def _style(kind: str, sid: str, name: str, ppr: str = "", rpr: str = "", based_on: str | None = "Normal",
           next_: str | None = None, ui: int | None = None, qformat: bool = False, default: bool = False,
           semi_hidden: bool = False, link: str | None = None) -> str:
    attrs = f'w:type="{kind}"' + (' w:default="1"' if default else "") + f' w:styleId="{sid}"'
    inner = present((True, f'<w:name w:val="{name}"/>'), (based_on, f'<w:basedOn w:val="{based_on}"/>'),
                    (next_, f'<w:next w:val="{next_}"/>'), (link, f'<w:link w:val="{link}"/>'),
                    (ui is not None, f'<w:uiPriority w:val="{ui}"/>'),
                    (semi_hidden, "<w:semiHidden/><w:unhideWhenUsed/>"), (qformat, "<w:qFormat/>"),
                    (ppr, f"<w:pPr>{ppr}</w:pPr>"), (rpr, f"<w:rPr>{rpr}</w:rPr>"))
    return f"<w:style {attrs}>{inner}</w:style>"


def _spacing(before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}"/>'


def styles_xml(size: int = 24, extra: tuple[str, ...] = (), lang: str = "en-US") -> str:
    """The letter styles; `size` is the text size in half-points, `extra` more styles after them,
    `lang` the text's language (spelling and hyphenation in Word)."""
    fonts = " ".join(f'w:{k}="{v}"' for k, v in FONTS.items())
    defaults = (f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts {fonts}/>'
                f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
                f'<w:lang w:val="{esc(lang)}" w:eastAsia="zh-CN" w:bidi="bo-CN"/></w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                '</w:pPrDefault></w:docDefaults>')
    p, c = "paragraph", "character"
    styles = [
        _style(p, "Normal", "Normal", based_on=None, default=True, qformat=True, ui=0,
               ppr='<w:widowControl/>'),
        _style(c, "DefaultParagraphFont", "Default Paragraph Font", based_on=None, default=True,
               ui=1, semi_hidden=True),
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        _style(p, "Letterhead", "Letterhead", qformat=True, next_="Letterhead",
               ppr='<w:jc w:val="center"/>', rpr="<w:b/><w:smallCaps/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>"),
        _style(p, "LetterheadRule", "Letterhead Rule", based_on="Letterhead", next_="Date",
               ppr='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
                   + _spacing(0, 480)),
        # The sender's address after the organisation's name: smaller, plain, its own style.
        _style(p, "LetterheadAddress", "Letterhead Address", next_="LetterheadAddress", qformat=True,
               ppr='<w:jc w:val="center"/>', rpr='<w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _style(p, "LetterheadAddressRule", "Letterhead Address Rule", based_on="LetterheadAddress", next_="Date",
               ppr='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
                   + _spacing(0, 480)),
        # A constituent's own name and address (and email) at the top, above the date.
        _style(p, "ReturnAddress", "Return Address", next_="Date", qformat=True,
               ppr="<w:keepNext/><w:keepLines/>" + _spacing(0, 240)),
        _style(p, "Date", "Date", next_="InsideAddress", ui=99, qformat=True, ppr=_spacing(0, 480)),
        _style(p, "InsideAddress", "Inside Address", next_="InsideAddress", qformat=True,
               ppr='<w:keepNext/><w:keepLines/>' + _spacing(0, 240)),
        # "Re: ..." between the inside addresses and the salutation, kept with them.
        _style(p, "Subject", "Subject", next_="Salutation", qformat=True,
               ppr="<w:keepNext/>" + _spacing(0, 0), rpr="<w:b/><w:bCs/>"),
        _style(p, "Salutation", "Salutation", next_="BodyText", qformat=True,
               ppr="<w:keepNext/>" + _spacing(240, 240)),
        _style(p, "BodyText", "Body Text", next_="BodyText", ui=99, qformat=True, ppr=_spacing(0, 240)),
        _style(p, "ListNumber", "List Number", based_on="BodyText", ui=99,
               ppr='<w:ind w:left="720" w:hanging="360"/>'),
        _style(p, "ListBullet", "List Bullet", based_on="BodyText", ui=99,
               ppr='<w:ind w:left="720" w:hanging="360"/>'),
        _style(p, "Quote", "Quote", based_on="BodyText", ui=29, qformat=True,
               ppr='<w:ind w:left="720" w:right="720"/>'),
        _style(p, "Closing", "Closing", next_="Signature", ui=99,
               ppr="<w:keepNext/>" + _spacing(240, 0)),
        _style(p, "Signature", "Signature", ui=99, ppr="<w:keepLines/>" + _spacing(720, 240)),
        _style(p, "Cc", "Cc", next_="Cc", ppr=_spacing(0, 0)),
        _style(p, "FootnoteText", "footnote text", ui=99, semi_hidden=True, link="FootnoteTextChar",
               ppr=_spacing(0, 60), rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _style(c, "FootnoteTextChar", "Footnote Text Char", based_on="DefaultParagraphFont",
               link="FootnoteText", ui=99, semi_hidden=True, rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _style(c, "FootnoteReference", "footnote reference", based_on="DefaultParagraphFont", ui=99,
               semi_hidden=True, rpr='<w:vertAlign w:val="superscript"/>'),
        _style(c, "Hyperlink", "Hyperlink", based_on="DefaultParagraphFont", ui=99,
               rpr='<w:color w:val="0563C1"/><w:u w:val="single"/>'),
        _style(c, "Emphasis", "Emphasis", based_on="DefaultParagraphFont", ui=20, qformat=True,
               rpr="<w:i/><w:iCs/>"),
        _style(c, "Strong", "Strong", based_on="DefaultParagraphFont", ui=22, qformat=True,
               rpr="<w:b/><w:bCs/>"),
        _style(p, "CommentText", "annotation text", ui=99, semi_hidden=True,
               rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _style(c, "CommentReference", "annotation reference", based_on="DefaultParagraphFont",
               ui=99, semi_hidden=True, rpr='<w:sz w:val="16"/><w:szCs w:val="16"/>'),
        _style(p, "Footer", "footer", ui=99, ppr='<w:jc w:val="center"/>'),
        _style(p, "Header", "header", ui=99),
        *extra,
    ]
    return f'{XML_DECL}<w:styles {WR_ROOT_ATTRS}>{defaults}{"".join(styles)}</w:styles>'


def factsheet_styles_xml() -> str:
    """The letter styles plus Title and Heading 1, and 11-point text so a page holds the facts."""
    p = "paragraph"
    return styles_xml(22, (
        _style(p, "Title", "Title", next_="BodyText", ui=10, qformat=True,
               ppr=_spacing(0, 240) + '<w:jc w:val="center"/>',
               rpr='<w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/>'),
        _style(p, "Heading1", "heading 1", next_="BodyText", ui=9, qformat=True,
               ppr="<w:keepNext/><w:keepLines/>" + _spacing(200, 80) + '<w:outlineLvl w:val="0"/>',
               rpr='<w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/>'),
        # list items closer together than in a letter: a page must hold the facts and asks
        _style(p, "FactSheetBullet", "Fact Sheet Bullet", based_on="ListBullet", ui=99, ppr=_spacing(0, 80)),
        _style(p, "FactSheetNumber", "Fact Sheet Number", based_on="ListNumber", ui=99, ppr=_spacing(0, 80))))


def settings_xml(has_footnotes: bool = True) -> str:
    footnote_pr = ('<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
                   if has_footnotes else "")
    return (f'{XML_DECL}<w:settings {WR_ROOT_ATTRS}>'
            '<w:zoom w:percent="100"/>'
            '<w:removePersonalInformation/>'
            '<w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            f'{footnote_pr}'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
            ' w:val="15"/></w:compat>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            '</w:settings>')


def font_table_xml() -> str:
    fonts = [("Times New Roman", "roman", "00"), ("SimSun", "auto", "86"), ("Microsoft Himalaya", "auto", "00")]
    body = "".join(f'<w:font w:name="{n}"><w:charset w:val="{cs}"/><w:family w:val="{fam}"/></w:font>'
                   for n, fam, cs in fonts)
    return f'{XML_DECL}<w:fonts {WR_ROOT_ATTRS}>{body}</w:fonts>'


def numbering_xml(lists: list[str]) -> str:
    """Two abstract lists (decimal, bullet) and one w:num per list in the body, so each restarts."""
    def level(fmt, text, ind):
        return (f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{ind}" w:hanging="360"/></w:pPr></w:lvl>')
    abstract = ('<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5A1F0C01"/>'
                '<w:multiLevelType w:val="singleLevel"/>' + level("decimal", "%1.", 720) + '</w:abstractNum>'
                '<w:abstractNum w:abstractNumId="2"><w:nsid w:val="5A1F0C02"/>'
                '<w:multiLevelType w:val="singleLevel"/>' + level("bullet", "\u2022", 720) + '</w:abstractNum>')
    nums = "".join(
        f'<w:num w:numId="{i}"><w:abstractNumId w:val="{1 if kind == "ordered" else 2}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        for i, kind in enumerate(lists, start=1))
    return f'{XML_DECL}<w:numbering {WR_ROOT_ATTRS}>{abstract}{nums}</w:numbering>'


def footnotes_xml(notes: list[tuple[int, str]]) -> str:
    """The footnotes part: Word's two separators, then each note's (id, paragraph content XML).

    Each note's first run holds w:footnoteRef (the number) and is followed by a space.
    """
    sep = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
           'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    body = "".join(
        f'<w:footnote w:id="{nid}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'{run(" ")}{content}</w:p></w:footnote>'
        for nid, content in notes)
    return f'{XML_DECL}<w:footnotes {WR_ROOT_ATTRS}>{sep}{body}</w:footnotes>'


def comments_xml(comments: list[tuple[int, str, str, str]], date: dt.date) -> str:
    """Comments part from (id, author, initials, text), dated `date` (the letter's date; a
    comment without w:date comes back from a LibreOffice re-save dated 0-00-00)."""
    stamp = f"{date.isoformat()}T00:00:00Z"
    body = "".join(
        f'<w:comment w:id="{cid}" w:author="{esc(author)}" w:date="{stamp}" w:initials="{esc(initials)}">'
        + paragraph('<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
                    + run(text), "CommentText")
        + "</w:comment>"
        for cid, author, initials, text in comments)
    return f'{XML_DECL}<w:comments {WR_ROOT_ATTRS}>{body}</w:comments>'


def footer_xml(label: str = "{n}") -> str:
    """Page number, centred; the first page has none (titlePg in the section). `label` is the
    locale's ("Seite {n}"): its words are runs around the PAGE field."""
    before, _, after = label.partition("{n}")
    return (f'{XML_DECL}<w:ftr {WR_ROOT_ATTRS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
            + (run(before) if before else "")
            + '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>'
            + (run(after) if after else "") + '</w:p></w:ftr>')


def core_xml(title: str, author: str, created: dt.date, subject: str = "") -> str:
    """Core properties: only what the campaign sets (a letter's subject line too); nothing from
    the machine."""
    stamp = f"{created.isoformat()}T00:00:00Z"
    extra = f"<dc:subject>{esc(subject)}</dc:subject>" if subject else ""
    return (f'{XML_DECL}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{esc(title)}</dc:title>{extra}<dc:creator>{esc(author)}</dc:creator>'
            f'<cp:lastModifiedBy>{esc(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            '</cp:coreProperties>')


def app_xml(company: str) -> str:
    return (f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<Company>{esc(company)}</Company></Properties>')
