"""A Word letterhead's page-1 header and footer as data for Typst (letterhead.typ draws them).

From a checked `Letterhead` (drafter.formats.docx.letterhead) it takes each paragraph of the
first page's header and footer: runs of text with their fonts, sizes, colours, bold, italic,
underline, small capitals and baseline shift; alignment, indents, paragraph and line spacing,
tab stops and borders; pictures, inline or anchored (size, crop, rotation, and position as the
drawing's extents and offsets say, with how text wraps around them); tables; the PAGE field.
Strings stay data: letterhead.typ shows them as text, never as markup. Image files get names
made here (image1.png ...), never the ones in the .docx.

Whatever cannot be drawn the way Word draws it (a text box, a shape, WordArt, a chart, a field
other than PAGE, a list, a frame...) is an error naming it and the letterhead file, with the
hint to use LibreOffice, which renders the .docx itself: a PDF without part of the letterhead
is never made.

The data (points for lengths, "RRGGBB" for colours):
    page: width, height, margin {top, right, bottom, left}, header, footer (the distances of
          the header from the top edge and of the footer from the bottom edge)
    header, footer: the first page's stories, or None; page_footer: the letterhead's own
          page-number footer for continuation pages, or None (drafter's own number then)
    a story: blocks, each {kind: "par", align, indent, before, after, line, borders, fill,
          tabs, mark, runs, floats} or {kind: "table", columns, align, indent, rows}
    a run: {kind: "text", text, style} | tab | ptab | break | {kind: "page", numbering, style}
          | {kind: "image", name, width, height, baseline, alt, crop, rotate, flip}
    a float: an image with x, y ({from, offset, align}), behind, wrap, dist
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import threading

from lxml import etree

from drafter.errors import DrafterError
from drafter.formats.docx.oxml import parts as P

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HINT = "use --pdf-engine libreoffice"

EMU_PER_PT = 12700
IMAGE_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "gif": b"GIF8"}
# Free fonts with the same metrics, tried after the font the letterhead names.
METRIC_TWINS = {
    "times new roman": ["Liberation Serif", "Tinos"], "arial": ["Liberation Sans", "Arimo"],
    "helvetica": ["Liberation Sans", "Arimo"], "courier new": ["Liberation Mono", "Cousine"],
    "calibri": ["Carlito"], "cambria": ["Caladea"], "georgia": ["Gelasio"],
}
# What a graphic of each kind is, for the error message.
GRAPHIC_KINDS = {
    "wordprocessingShape": "a shape", "wordprocessingGroup": "a group of shapes",
    "wordprocessingCanvas": "a drawing canvas", "chart": "a chart", "chartex": "a chart",
    "diagram": "a SmartArt diagram", "lockedCanvas": "a drawing canvas",
}
# Run children that carry nothing to draw.
_SKIP_RUN = {"rPr", "lastRenderedPageBreak", "annotationRef", "bookmarkStart", "bookmarkEnd", "proofErr"}
# Paragraph children that only wrap other content.
_WRAPPERS = {"hyperlink", "smartTag", "customXml", "dir", "bdo", "sdtContent", "fldSimple"}
_QUIET = {"pPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "commentRangeStart",
          "commentRangeEnd", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr", "moveFromRangeStart",
          "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "tcPr", "tblPr", "tblGrid", "trPr",
          "tblPrEx", "sectPr"}
_DASHES = {"dashed": "dashed", "dotted": "dotted", "dashSmallGap": "dashed", "dotDash": "dash-dotted",
           "dotDotDash": "dash-dotted", "double": "double"}


class Refused(Exception):
    """Something in the letterhead Typst cannot draw: `what` names it."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def typst_letterhead(letterhead) -> tuple[dict, dict[str, bytes]]:
    """The letterhead's page-1 header and footer as JSON-able data for letterhead.typ, and the
    image files it names ({name: bytes}, to be written where Typst reads them)."""
    # Word's own styles part runs to 300 KB, 20 ms to read: once per letterhead, not per letter.
    digest = hashlib.blake2b(letterhead.styles, digest_size=16)
    for name in sorted(letterhead.parts):
        digest.update(name.encode() + b"\0" + letterhead.parts[name])
    key = (digest.hexdigest(), tuple(map(tuple, letterhead.refs)), json.dumps(letterhead.page, sort_keys=True),
           letterhead.theme, getattr(letterhead, "source", None))
    with _LOCK:                     # the volunteers' page drafts on several threads
        found = _CACHE.get(key)
    if found is None:
        found = _read(letterhead)
        with _LOCK:
            while len(_CACHE) >= 8:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = found
    data, images = found
    return copy.deepcopy(data), dict(images)


_CACHE: dict[tuple, tuple[dict, dict[str, bytes]]] = {}
_LOCK = threading.Lock()


def _read(letterhead) -> tuple[dict, dict[str, bytes]]:
    reader = _Reader(letterhead)
    data = {"page": reader.page(), "header": None, "footer": None, "page_footer": None}
    for kind, typ, name in letterhead.refs:
        where = {("header", "first"): "header", ("footer", "first"): "footer"}.get((kind, typ))
        if where:
            data[where] = reader.story(name, f"first-page {kind}")
        elif kind == "footer" and letterhead.parts[name] != P.footer_xml().encode():
            # The letterhead's own page-number footer, for continuation pages; optional, so a
            # footer Typst cannot draw leaves it out (drafter's own number stands in).
            kept = dict(reader.images)
            try:
                data["page_footer"] = reader.story(name, "page-number footer", strict=True)
            except Refused:
                reader.images = kept
    return data, reader.images


def _refuse(letterhead, what: str, where: str):
    source = getattr(letterhead, "source", None)
    raise DrafterError(f"the letterhead's {where} has {what}, which the Typst PDF engine cannot draw",
                       file=str(source) if source else None, hint=HINT) from None


def _pt(value, per: float) -> float | None:
    """A measurement from the file in points (`per` units a point), kept within ten thousand
    points either way so that no size reaching Typst is absurd."""
    try:
        return round(max(-10000.0, min(10000.0, int(float(value)) / per)), 3)
    except (TypeError, ValueError, OverflowError):
        return None


def _on(el) -> bool:
    """A WordprocessingML toggle (w:b, w:i...): present and not switched off."""
    return el is not None and el.get(W + "val", "true") not in ("0", "false", "off", "none")


def _snippet(el) -> str:
    text = " ".join("".join(t.text or "" for t in el.iter(W + "t", f"{{{A_NS}}}t")).split())
    text = "".join(c for c in text if c.isprintable())
    return f' ("{text[:40]}{"..." if len(text) > 40 else ""}")' if text else ""


def _parse(data: bytes):
    # A parser of its own each time: lxml parsers must not be shared between threads (serve).
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


class _Styles:
    """The letterhead's styles: defaults and each style's paragraph and run properties, with
    basedOn chains resolved (base first)."""

    def __init__(self, styles: bytes, theme: bytes | None):
        root = _parse(styles)
        self.by_id = {s.get(W + "styleId"): s for s in root.iter(W + "style")}
        self.default_par = next((s.get(W + "styleId") for s in root.iter(W + "style")
                                 if s.get(W + "type") == "paragraph" and s.get(W + "default") in ("1", "true")), None)
        self.default_table = next((s.get(W + "styleId") for s in root.iter(W + "style")
                                   if s.get(W + "type") == "table" and s.get(W + "default") in ("1", "true")), None)
        defaults = root.find(W + "docDefaults")
        self.rpr_default = defaults.find(f"{W}rPrDefault/{W}rPr") if defaults is not None else None
        self.ppr_default = defaults.find(f"{W}pPrDefault/{W}pPr") if defaults is not None else None
        self.theme_fonts = _theme_fonts(theme)

    def chain(self, style_id: str | None) -> list:
        out, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return out[::-1]

    def props(self, style_id: str | None, tag: str) -> list:
        return [p for s in self.chain(style_id) for p in [s.find(W + tag)] if p is not None]


def _theme_fonts(theme: bytes | None) -> dict[str, str]:
    """Theme font slots (minorHAnsi, majorEastAsia...) to typefaces; Office's defaults without a theme."""
    fonts = {"minor": {"latin": "Calibri"}, "major": {"latin": "Calibri Light"}}
    if theme:
        try:
            root = _parse(theme)
            for which in ("minor", "major"):
                el = root.find(f".//{{{A_NS}}}{which}Font")
                for slot in ("latin", "ea", "cs") if el is not None else ():
                    face = el.find(f"{{{A_NS}}}{slot}")
                    if face is not None and face.get("typeface"):
                        fonts[which][slot] = face.get("typeface")
        except etree.XMLSyntaxError:
            pass
    out = {}
    for which, slots in fonts.items():
        latin = slots.get("latin", "Calibri")
        for name, slot in (("Ascii", "latin"), ("HAnsi", "latin"), ("EastAsia", "ea"), ("Bidi", "cs")):
            out[which + name] = slots.get(slot) or latin
    return out


class _Reader:
    def __init__(self, letterhead):
        self.lh = letterhead
        theme = letterhead.parts.get(letterhead.theme) if letterhead.theme else None
        self.styles = _Styles(letterhead.styles, theme)
        self.images: dict[str, bytes] = {}
        self._by_part: dict[str, str] = {}
        self.rels: dict[str, str] = {}
        self.in_cell = False

    def page(self) -> dict:
        size, mar = self.lh.page.get("pgSz", {}), self.lh.page.get("pgMar", {})
        get = lambda d, k, default: _pt(d.get(k, default), 20)   # noqa: E731 - twips to points
        return {"width": get(size, "w", 12240), "height": get(size, "h", 15840),
                "margin": {side: abs(get(mar, side, 1440)) for side in ("top", "right", "bottom", "left")},
                "header": max(get(mar, "header", 720), 0.0), "footer": max(get(mar, "footer", 720), 0.0)}

    # -- stories ---------------------------------------------------------------------------

    def story(self, part: str, where: str, strict: bool = False) -> list[dict]:
        rels_name = re.sub(r"([^/]+)$", r"_rels/\1.rels", part)
        self.rels = {}
        if rels_name in self.lh.parts:
            for rel in _parse(self.lh.parts[rels_name]).iter(f"{{{REL_NS}}}Relationship"):
                if rel.get("Type", "").endswith("/image") and rel.get("TargetMode") != "External":
                    self.rels[rel.get("Id")] = "word/" + rel.get("Target", "").lstrip("/")
        root = _parse(self.lh.parts[part])
        try:
            return self.blocks(root)
        except Refused as exc:
            if strict:
                raise
            _refuse(self.lh, exc.what, where)

    def blocks(self, parent, table_style: str | None = None) -> list[dict]:
        out = []
        for el in parent:
            name = _local(el)
            if name == "p":
                out.append(self.paragraph(el, table_style))
            elif name == "tbl":
                out.append(self.table(el, nested=table_style is not None))
            elif name in ("sdt", "sdtContent", "customXml"):
                out.extend(self.blocks(el, table_style))
            elif name == "AlternateContent":
                out.extend(self.blocks(_choice(el), table_style))
            elif name in _QUIET or not name:
                continue
            else:
                raise Refused(f"a {name} element")
        return out

    # -- paragraphs --------------------------------------------------------------------------

    def paragraph(self, p, table_style: str | None) -> dict:
        ppr = p.find(W + "pPr")
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        style_id = style_id if style_id in self.styles.by_id else self.styles.default_par
        tstyle = self.styles.props(table_style, "pPr") if table_style else []
        pprs = [x for x in (self.styles.ppr_default, *tstyle, *self.styles.props(style_id, "pPr"), ppr)
                if x is not None]
        numbered = [_val(x.find(W + "numPr"), "numId") for x in pprs if x.find(W + "numPr") is not None]
        if numbered and numbered[-1] not in (None, "0"):       # numId 0 switches a style's list off
            raise Refused(f"a numbered or bulleted list{_snippet(p)}")
        if any(x.find(W + "framePr") is not None for x in pprs):
            raise Refused(f"a paragraph in a frame{_snippet(p)}")
        para = self.par_props(pprs)
        mark = ppr.find(W + "rPr") if ppr is not None else None
        base_rprs = [x for x in (self.styles.rpr_default,
                                 *(self.styles.props(table_style, "rPr") if table_style else []),
                                 *self.styles.props(style_id, "rPr")) if x is not None]
        para["mark"] = self.run_style(base_rprs + ([mark] if mark is not None else []))
        para["mark"].pop("hidden")
        para["runs"], para["floats"] = [], []
        self.inlines(p, base_rprs, para, fields=[])
        para["runs"] = _merge_text(para["runs"])
        para["kind"] = "par"
        return para

    def par_props(self, pprs: list) -> dict:
        align, ind, before, after, line, fill = "left", {}, 0.0, 0.0, {"rule": "auto", "value": 1.0}, None
        borders, tabs = {}, {}
        for ppr in pprs:
            jc = _val(ppr, "jc")
            if jc:
                align = {"start": "left", "left": "left", "center": "center", "right": "right", "end": "right"}.get(
                    jc, "justify")
            el = ppr.find(W + "ind")
            if el is not None:
                for key, names in (("left", ("left", "start")), ("right", ("right", "end"))):
                    for n in names:
                        if el.get(W + n) is not None:
                            ind[key] = _pt(el.get(W + n), 20) or 0.0
                if el.get(W + "hanging") is not None:
                    ind["first"] = -(_pt(el.get(W + "hanging"), 20) or 0.0)
                elif el.get(W + "firstLine") is not None:
                    ind["first"] = _pt(el.get(W + "firstLine"), 20) or 0.0
            el = ppr.find(W + "spacing")
            if el is not None:
                if el.get(W + "before") is not None and not _on_attr(el, "beforeAutospacing"):
                    before = _pt(el.get(W + "before"), 20) or 0.0
                if el.get(W + "after") is not None and not _on_attr(el, "afterAutospacing"):
                    after = _pt(el.get(W + "after"), 20) or 0.0
                if el.get(W + "line") is not None:
                    rule = el.get(W + "lineRule", "auto")
                    value = max(_pt(el.get(W + "line"), 1) or 240, 1)
                    line = ({"rule": "auto", "value": round(value / 240, 3)} if rule == "auto"
                            else {"rule": "exact" if rule == "exact" else "atLeast", "value": value / 20})
            el = ppr.find(W + "pBdr")
            if el is not None:
                for side in ("top", "left", "bottom", "right"):
                    b = el.find(W + side) if el.find(W + side) is not None else el.find(
                        W + {"left": "start", "right": "end"}.get(side, side))
                    if b is not None:
                        borders[side] = _border(b)
                if el.find(W + "between") is not None and _border(el.find(W + "between")):
                    raise Refused("a border between paragraphs")
            shd = ppr.find(W + "shd")
            if shd is not None:
                fill = _colour(shd.get(W + "fill"))
            el = ppr.find(W + "tabs")
            for tab in el if el is not None else ():
                if _local(tab) != "tab" or _pt(tab.get(W + "pos"), 20) is None:
                    continue
                pos = _pt(tab.get(W + "pos"), 20)
                if tab.get(W + "val") == "clear":
                    tabs.pop(pos, None)
                else:
                    tabs[pos] = {"pos": pos, "align": {"center": "center", "right": "right", "end": "right",
                                                       "decimal": "right"}.get(tab.get(W + "val"), "left"),
                                 "leader": tab.get(W + "leader", "none") if tab.get(W + "leader") in (
                                     "dot", "hyphen", "underscore", "middleDot") else "none"}
        return {"align": align, "indent": {"left": ind.get("left", 0.0), "right": ind.get("right", 0.0),
                                           "first": ind.get("first", 0.0)},
                "before": before, "after": after, "line": line, "fill": fill,
                "borders": {k: v for k, v in borders.items() if v},
                "tabs": sorted(tabs.values(), key=lambda t: t["pos"])}

    def inlines(self, parent, base_rprs: list, para: dict, fields: list) -> None:
        """Runs, fields and drawings of a paragraph (or of an element that wraps runs), in order.
        `fields` is the stack of open complex fields: [code, showing-result?]."""
        for el in parent:
            name = _local(el)
            if name == "r":
                self.run(el, base_rprs, para, fields)
            elif name == "fldSimple":
                self.field(el.get(W + "instr", ""), el, base_rprs, para)
            elif name in _WRAPPERS or name in ("sdt", "ins", "moveTo"):
                self.inlines(el, base_rprs, para, fields)
            elif name == "AlternateContent":
                self.inlines(_choice(el), base_rprs, para, fields)
            elif name in ("oMath", "oMathPara"):
                raise Refused("an equation")
            elif name in _QUIET or name in ("del", "moveFrom") or not name:
                continue
            else:
                raise Refused(f"a {name} element")

    def run(self, r, base_rprs: list, para: dict, fields: list) -> None:
        rpr = r.find(W + "rPr")
        cstyle = _val(rpr, "rStyle") if rpr is not None else None
        rprs = base_rprs + self.styles.props(cstyle, "rPr") + ([rpr] if rpr is not None else [])
        style = self.run_style(rprs)
        hidden = style.pop("hidden")
        for el in r:
            name = _local(el)
            if name == "fldChar":
                kind = el.get(W + "fldCharType")
                if kind == "begin":
                    fields.append(["", False])
                elif kind == "separate" and fields:
                    fields[-1][1] = True
                    if len(fields) == 1:
                        self.field(fields[-1][0], r, base_rprs, para, style=style)
                elif kind == "end" and fields:
                    code, shown = fields.pop()
                    if not shown and not fields:
                        self.field(code, r, base_rprs, para, style=style)
                continue
            if name == "instrText":
                if fields and not fields[-1][1]:
                    fields[-1][0] += el.text or ""
                continue
            if fields or hidden or name in _SKIP_RUN or name == "delText" or not name:
                continue          # a field's result stands for the field, drawn from its code
            if name == "t":
                if el.text:
                    para["runs"].append({"kind": "text", "text": el.text, "style": style})
            elif name in ("tab", "ptab"):
                para["runs"].append(self.tab(el))
            elif name in ("br", "cr"):
                if el.get(W + "type") in ("page", "column"):
                    raise Refused(f"a {el.get(W + 'type')} break")
                para["runs"].append({"kind": "break"})
            elif name == "noBreakHyphen":
                para["runs"].append({"kind": "text", "text": "\u2011", "style": style})
            elif name == "softHyphen":
                para["runs"].append({"kind": "text", "text": "\u00ad", "style": style})
            elif name == "pgNum":
                para["runs"].append({"kind": "page", "numbering": "1", "style": style})
            elif name == "sym":
                raise Refused(f"a symbol from the {el.get(W + 'font') or 'symbol'} font")
            elif name == "drawing":
                self.drawing(el, style, para)
            elif name == "pict":
                self.vml(el, style, para)
            elif name == "AlternateContent":
                self.run(_wrap_run(r, _choice(el)), base_rprs, para, fields)
            elif name in ("footnoteReference", "endnoteReference"):
                raise Refused("a footnote")
            elif name in ("dayShort", "dayLong", "monthShort", "monthLong", "yearShort", "yearLong"):
                raise Refused("a date")
            else:
                raise Refused(f"a {name} element")

    def tab(self, el) -> dict:
        if _local(el) == "ptab":
            return {"kind": "ptab", "align": {"center": "center", "right": "right"}.get(
                el.get(W + "alignment"), "left"),
                "relative": "indent" if el.get(W + "relativeTo") == "indent" else "margin"}
        return {"kind": "tab"}

    def field(self, code: str, el, base_rprs: list, para: dict, style: dict | None = None) -> None:
        words = code.split()
        keyword = words[0].upper() if words else ""
        if keyword != "PAGE":
            raise Refused(f"{_an(keyword)} {keyword} field" if keyword else "an empty field")
        fmt = next((b for a, b in zip(words, words[1:]) if a == "\\*" and b.upper() not in (
            "MERGEFORMAT", "CHARFORMAT")), "arabic")
        numbering = {"ARABIC": "1", "ROMAN": "i", "ALPHABETIC": "a"}.get(fmt.upper())
        if numbering is None:
            raise Refused(f"a PAGE field in the {fmt} format")
        numbering = numbering.upper() if fmt[0].isupper() and numbering != "1" else numbering
        if style is None:     # a simple field: its result run gives the style
            run = el.find(W + "r")
            rpr = run.find(W + "rPr") if run is not None else None
            cstyle = _val(rpr, "rStyle") if rpr is not None else None
            style = self.run_style(base_rprs + self.styles.props(cstyle, "rPr") + ([rpr] if rpr is not None else []))
            style.pop("hidden")
        para["runs"].append({"kind": "page", "numbering": numbering, "style": style})

    def run_style(self, rprs: list) -> dict:
        s = {"font": None, "east": None, "cs": None, "size": 10.0, "color": None, "bold": False, "italic": False,
             "underline": False, "strike": False, "smallcaps": False, "caps": False, "baseline": 0.0,
             "script": None, "tracking": 0.0, "highlight": None, "hidden": False}
        for rpr in rprs:
            for el in rpr:
                name = _local(el)
                if name == "rFonts":
                    for key, attrs in (("font", ("ascii", "hAnsi")), ("east", ("eastAsia",)), ("cs", ("cs",))):
                        for a in attrs:
                            theme = el.get(W + a + "Theme") or (el.get(W + "cstheme") if a == "cs" else None)
                            if theme:
                                s[key] = self.styles.theme_fonts.get(theme, s[key])
                                break
                            if el.get(W + a):
                                s[key] = el.get(W + a)
                                break
                elif name == "sz" and (_pt(el.get(W + "val"), 2) or 0) > 0:
                    s["size"] = min(_pt(el.get(W + "val"), 2), 1638.0)          # Word's largest
                elif name == "color":
                    s["color"] = _colour(el.get(W + "val"))
                elif name in ("b", "i", "strike", "dstrike", "smallCaps", "caps", "vanish"):
                    key = {"b": "bold", "i": "italic", "dstrike": "strike", "smallCaps": "smallcaps",
                           "vanish": "hidden"}.get(name, name)
                    s[key] = _on(el)
                elif name == "u":
                    s["underline"] = el.get(W + "val", "single") != "none"
                elif name == "position":
                    s["baseline"] = -(_pt(el.get(W + "val"), 2) or 0.0)
                elif name == "vertAlign":
                    s["script"] = {"superscript": "super", "subscript": "sub"}.get(el.get(W + "val"))
                elif name == "spacing":
                    s["tracking"] = _pt(el.get(W + "val"), 20) or 0.0
                elif name == "highlight":
                    s["highlight"] = _HIGHLIGHTS.get(el.get(W + "val"))
                elif name == "shd":
                    s["highlight"] = _colour(el.get(W + "fill")) or s["highlight"]
        fonts = []
        for face in (s.pop("font"), s.pop("east"), s.pop("cs")):
            if face and face not in fonts:
                fonts.append(face)
                fonts.extend(t for t in METRIC_TWINS.get(face.lower(), ()) if t not in fonts)
        s["font"] = fonts
        return s

    # -- pictures ------------------------------------------------------------------------------

    def drawing(self, el, style: dict, para: dict) -> None:
        holder = next((c for c in el if _local(c) in ("inline", "anchor")), None)
        if holder is None:
            raise Refused("an empty drawing")
        graphic = holder.find(f"{{{A_NS}}}graphic/{{{A_NS}}}graphicData")
        uri = (graphic.get("uri", "") if graphic is not None else "").rsplit("/", 1)[-1]
        if uri != "picture":
            what = GRAPHIC_KINDS.get(uri, "a drawing")
            if graphic is not None and graphic.find(".//{*}txbx") is not None:
                what = "a text box"
            raise Refused(what + _snippet(holder))
        pic = graphic.find(f"{{{PIC_NS}}}pic")
        blip = pic.find(f".//{{{A_NS}}}blip") if pic is not None else None
        rid = next((v for k, v in (blip.attrib.items() if blip is not None else ())
                    if etree.QName(k).localname == "embed"), None)
        extent = holder.find(f"{{{WP_NS}}}extent")
        width = _pt(extent.get("cx"), EMU_PER_PT) if extent is not None else None
        height = _pt(extent.get("cy"), EMU_PER_PT) if extent is not None else None
        if not width or not height or width < 0 or height < 0:
            raise Refused("a picture without a size")
        doc_pr = holder.find(f"{{{WP_NS}}}docPr")
        image = {"kind": "image", "name": self.image(rid), "width": width, "height": height,
                 "alt": (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else "",
                 "baseline": style["baseline"], "crop": None, "rotate": 0.0, "flip": [False, False]}
        rect = pic.find(f".//{{{A_NS}}}srcRect")
        if rect is not None:
            crop = {side: (_pt(rect.get(side, "0"), 100000) or 0.0) for side in ("l", "t", "r", "b")}
            if any(crop.values()):
                if crop["l"] + crop["r"] >= 1 or crop["t"] + crop["b"] >= 1:
                    raise Refused("a picture cropped to nothing")
                image["crop"] = crop
        xfrm = pic.find(f".//{{{A_NS}}}xfrm")
        if xfrm is not None:
            image["rotate"] = (_pt(xfrm.get("rot", "0"), 60000) or 0.0) % 360
            image["flip"] = [_on_value(xfrm.get("flipH")), _on_value(xfrm.get("flipV"))]
        if _local(holder) == "inline":
            para["runs"].append(image)
            return
        if holder.get("simplePos") in ("1", "true"):
            sp = holder.find(f"{{{WP_NS}}}simplePos")
            image["x"] = {"from": "page", "offset": _pt(sp.get("x"), EMU_PER_PT) or 0.0, "align": None}
            image["y"] = {"from": "page", "offset": _pt(sp.get("y"), EMU_PER_PT) or 0.0, "align": None}
        else:
            image["x"] = _position(holder.find(f"{{{WP_NS}}}positionH"), "column")
            image["y"] = _position(holder.find(f"{{{WP_NS}}}positionV"), "paragraph")
        if self.in_cell:
            raise Refused("a picture anchored in a table cell")
        image["behind"] = holder.get("behindDoc") in ("1", "true")
        wrap = next((_local(c) for c in holder if _local(c).startswith("wrap")), "wrapNone")
        image["wrap"] = {"wrapNone": "none", "wrapTopAndBottom": "topAndBottom"}.get(wrap, "around")
        image["dist"] = {side: (_pt(holder.get("dist" + side.upper(), "0"), EMU_PER_PT) or 0.0)
                         if image["wrap"] != "none" else 0.0 for side in ("l", "r", "t", "b")}
        para["floats"].append(image)

    def vml(self, el, style: dict, para: dict) -> None:
        """An old-style (VML) picture: only an image in a shape of a given size, in the line."""
        shapes = [s for s in el if _local(s) != "" and etree.QName(s).namespace == "urn:schemas-microsoft-com:vml"
                  and _local(s) != "shapetype"]
        if len(shapes) != 1 or _local(shapes[0]) not in ("shape", "rect"):
            raise Refused("a VML shape")
        shape = shapes[0]
        if shape.find(".//{*}textbox") is not None:
            raise Refused("a text box" + _snippet(shape))
        if shape.find(".//{*}textpath") is not None:
            raise Refused("WordArt")
        data = shape.find("{urn:schemas-microsoft-com:vml}imagedata")
        css = dict(kv.split(":", 1) for kv in (shape.get("style") or "").replace(" ", "").split(";") if ":" in kv)
        if data is None or css.get("position") == "absolute":
            raise Refused("a positioned VML shape" if data is not None else "a VML shape")
        rid = next((v for k, v in data.attrib.items() if etree.QName(k).localname == "id"), None)
        width, height = _css_pt(css.get("width")), _css_pt(css.get("height"))
        if not width or not height or width > 10000 or height > 10000:
            raise Refused("a VML picture without a size")
        para["runs"].append({"kind": "image", "name": self.image(rid), "width": width, "height": height,
                             "alt": shape.get("alt") or "", "baseline": style["baseline"], "crop": None,
                             "rotate": 0.0, "flip": [False, False]})

    def image(self, rid: str | None) -> str:
        """The file name Typst reads an image by, made here; the bytes are checked again."""
        part = self.rels.get(rid or "")
        if part is None or part not in self.lh.parts:
            raise Refused("a picture whose image is missing")
        if part in self._by_part:
            return self._by_part[part]
        data = self.lh.parts[part]
        ext = next((e for e, magic in IMAGE_MAGIC.items() if data.startswith(magic)), None)
        if ext is None:
            raise Refused("a picture that is not PNG, JPEG or GIF (an EMF or WMF logo?)")
        name = f"image{len(self.images) + 1}.{ext}"
        self.images[name] = data
        self._by_part[part] = name
        return name

    # -- tables ----------------------------------------------------------------------------------

    def cell(self, tc, table_style: str) -> list[dict]:
        self.in_cell = True
        try:
            return self.blocks(tc, table_style=table_style)
        finally:
            self.in_cell = False

    def table(self, tbl, nested: bool) -> dict:
        if nested:
            raise Refused("a table inside a table")
        tpr = tbl.find(W + "tblPr")
        style_id = _val(tpr, "tblStyle") if tpr is not None else None
        style_id = style_id if style_id in self.styles.by_id else self.styles.default_table
        tprs = [x for x in (*self.styles.props(style_id, "tblPr"), tpr) if x is not None]
        if any(t.find(W + "tblpPr") is not None for t in tprs):
            raise Refused(f"a floating table{_snippet(tbl)}")
        grid = [(_pt(c.get(W + "w"), 20) or 0.0) for c in tbl.iterfind(f"{W}tblGrid/{W}gridCol")]
        if not grid:
            raise Refused("a table without column widths")
        borders = {}
        margins = {"left": 5.4, "right": 5.4, "top": 0.0, "bottom": 0.0}
        align, indent = "left", 0.0
        for t in tprs:
            borders.update(_borders(t.find(W + "tblBorders")))
            margins.update(_margins(t.find(W + "tblCellMar")))
            align = {"center": "center", "right": "right", "end": "right"}.get(_val(t, "jc"), align)
            ind = t.find(W + "tblInd")
            if ind is not None and ind.get(W + "type", "dxa") == "dxa":
                indent = _pt(ind.get(W + "w"), 20) or 0.0
        rows, open_cells = [], {}       # open_cells: column -> the cell a vertical merge continues
        for tr in tbl.iterfind(W + "tr"):
            row, col = [], 0
            trpr = tr.find(W + "trPr")
            height = trpr.find(W + "trHeight") if trpr is not None else None
            col += _count(_val(trpr, "gridBefore"), 0)
            for tc in tr.iterfind(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span = _count(_val(tcpr, "gridSpan"), 1)
                if col + span > len(grid):
                    raise Refused(f"a table row wider than its columns{_snippet(tr)}")
                vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
                if vmerge is not None and vmerge.get(W + "val", "continue") == "continue" and col in open_cells:
                    open_cells[col]["rowspan"] += 1
                    col += span
                    continue
                shd = tcpr.find(W + "shd") if tcpr is not None else None
                cell = {"x": col, "colspan": span, "rowspan": 1,
                    "valign": {"center": "horizon", "bottom": "bottom"}.get(_val(tcpr, "vAlign"), "top"),
                    "fill": _colour(shd.get(W + "fill")) if shd is not None else None,
                    "inset": {**margins, **_margins(tcpr.find(W + "tcMar") if tcpr is not None else None)},
                    "own": _borders(tcpr.find(W + "tcBorders") if tcpr is not None else None),
                    "blocks": self.cell(tc, style_id or "")}
                if vmerge is not None:
                    open_cells[col] = cell
                else:
                    open_cells.pop(col, None)
                row.append(cell)
                col += span
            rows.append({"height": _pt(height.get(W + "val"), 20) if height is not None else None,
                         "exact": height is not None and height.get(W + "hRule") == "exact", "cells": row})
        for y, row in enumerate(rows):
            for cell in row["cells"]:
                # An edge of the table takes the table's border there, an inner edge its inside
                # border; a cell's own borders win.
                own = cell.pop("own")
                edges = {"top": y == 0, "bottom": y + cell["rowspan"] >= len(rows),
                         "left": cell["x"] == 0, "right": cell["x"] + cell["colspan"] >= len(grid)}
                cell["stroke"] = {side: own[side] if side in own else borders.get(
                    side if outer else ("insideH" if side in ("top", "bottom") else "insideV"))
                    for side, outer in edges.items()}
        return {"kind": "table", "columns": grid, "align": align, "indent": indent, "rows": rows}


_HIGHLIGHTS = {"yellow": "FFFF00", "green": "00FF00", "cyan": "00FFFF", "magenta": "FF00FF", "blue": "0000FF",
               "red": "FF0000", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
               "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080",
               "lightGray": "C0C0C0", "black": "000000", "white": "FFFFFF"}


def _an(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def _val(parent, tag: str) -> str | None:
    el = parent.find(W + tag) if parent is not None else None
    return el.get(W + "val") if el is not None else None


def _count(value: str | None, default: int) -> int:
    """A count (grid span...) from the file: a small whole number, else the default."""
    return int(value) if value and re.fullmatch(r"\d{1,3}", value) else default


def _on_attr(el, name: str) -> bool:
    return _on_value(el.get(W + name))


def _on_value(value) -> bool:
    return value in ("1", "true", "on")


def _colour(value) -> str | None:
    return value.upper() if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value) else None


def _border(el) -> dict | None:
    style = el.get(W + "val", "none")
    if style in ("none", "nil"):
        return None
    return {"width": max(_pt(el.get(W + "sz", "4"), 8) or 0.5, 0.25), "space": _pt(el.get(W + "space", "0"), 1) or 0.0,
            "color": _colour(el.get(W + "color")) or "000000", "style": _DASHES.get(style, "solid")}


def _borders(el) -> dict:
    out = {}
    for b in el if el is not None else ():
        side = {"start": "left", "end": "right"}.get(_local(b), _local(b))
        if side in ("top", "bottom", "left", "right", "insideH", "insideV"):
            border = _border(b)
            out[side] = border and {**border, "space": 0.0}
    return out


def _margins(el) -> dict:
    out = {}
    for m in el if el is not None else ():
        side = {"start": "left", "end": "right"}.get(_local(m), _local(m))
        if side in ("top", "bottom", "left", "right") and m.get(W + "type", "dxa") == "dxa":
            out[side] = _pt(m.get(W + "w"), 20) or 0.0
    return out


def _position(el, default_from: str) -> dict:
    """An anchored picture's horizontal or vertical position: relative to what, by an offset or an
    alignment (left, center, right, top, bottom, inside, outside)."""
    if el is None:
        return {"from": default_from, "offset": 0.0, "align": None}
    offset, align = el.find(f"{{{WP_NS}}}posOffset"), el.find(f"{{{WP_NS}}}align")
    return {"from": el.get("relativeFrom", default_from),
            "offset": (_pt((offset.text or "0").strip(), EMU_PER_PT) or 0.0) if offset is not None else 0.0,
            "align": (align.text or "").strip() if align is not None and offset is None else None}


def _css_pt(value: str | None) -> float | None:
    m = re.fullmatch(r"(\d{1,6}(?:\.\d{1,6})?)(pt|in|cm|mm|px)?", value or "")
    if not m:
        return None
    return round(float(m.group(1)) * {"pt": 1, None: 1, "in": 72, "cm": 72 / 2.54, "mm": 72 / 25.4,
                                      "px": 0.75}[m.group(2)], 3)


def _choice(alternate):
    """The content of a markup-compatibility block Word would show: its first Choice (drafter
    reads the namespaces Word 2010+ writes there), else its Fallback."""
    for child in alternate:
        if etree.QName(child).namespace == MC_NS and _local(child) in ("Choice", "Fallback"):
            return child
    return etree.Element(f"{{{MC_NS}}}Fallback")


def _wrap_run(run, content):
    """A run with `content` in place of its children (its properties kept)."""
    out = etree.Element(W + "r")
    if run.find(W + "rPr") is not None:
        out.append(run.find(W + "rPr").__copy__())
    for child in content:
        out.append(child.__copy__())
    return out


def _merge_text(runs: list[dict]) -> list[dict]:
    out: list[dict] = []
    for run in runs:
        if out and run["kind"] == "text" and out[-1]["kind"] == "text" and out[-1]["style"] == run["style"]:
            out[-1] = {**out[-1], "text": out[-1]["text"] + run["text"]}
        else:
            out.append(run)
    return out


__all__ = ["typst_letterhead"]
