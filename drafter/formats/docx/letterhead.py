"""Word letterheads: read an organisation's .docx safely and take its styles, page setup, header
and footer (with their images), the way pandoc uses a reference document.

A letterhead is a file from outside, and booby-trapped Office files are a known attack on the
people drafter serves. So the whole package is checked before anything is taken from it, and a
file is refused, with the reason, when it is not a zip, is a zip bomb, carries macros, points
outside itself (remote templates, remote images, linked fields), or embeds active content (OLE,
ActiveX, alternative-format chunks, subdocuments, frames). Only parts drafter understands are
copied (styles, headers, footers, their PNG/JPEG/GIF images, the theme); document properties,
settings, custom XML, people and comments never are. Revision ids (rsid) are stripped.

Fields are read the way Word reads them: names in any case, instructions reassembled from every
instrText run of a field (nested fields too). Links in a header or footer (external hyperlink
relationships, HYPERLINK fields) are dropped and their text kept, since a draft links only to
its cited sources. Only layout fields (page numbers, dates, style references) stay; any other
field is replaced by the text it showed. Online video on an image and the file names of VML
pictures are dropped. Image names become "Picture N" and alt text that looks like a path is cleared.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from drafter.campaign.load import Campaign, confined_to
from drafter.campaign.models import LetterSpec
from drafter.campaign.reading import read_file, refusal
from drafter.errors import LetterheadError
from drafter.formats.docx.oxml import PKG_REL_NS as REL_NS, R_NS, W_NS, XML_DECL as _DECL, parts as P
from drafter.formats.docx.oxml.section import section_properties

MAX_FILE = 20 * 2**20          # bytes on disk
MAX_TOTAL = 60 * 2**20         # bytes uncompressed, all members
MAX_MEMBER = 30 * 2**20        # bytes uncompressed, one member
MAX_RATIO = 100                # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 2**20
MAX_MEMBERS = 1000

W = f"{{{W_NS}}}"
R_ID = f"{{{R_NS}}}id"

# Relationship types (their last path segment) that bring in active or remote content.
FORBIDDEN_RELS = {
    "attachedTemplate": "an attached template (remote template injection)",
    "oleObject": "an embedded OLE object", "package": "an embedded package",
    "control": "an ActiveX control", "activeXControl": "an ActiveX control",
    "activeXControlBinary": "an ActiveX control",
    "vbaProject": "a VBA macro project", "wordVbaData": "VBA macro data", "keyMapCustomizations": "macro key bindings",
    "aFChunk": "an alternative-format chunk (altChunk)", "subDocument": "a subdocument",
    "frame": "a frame pointing to another document",
}
# Elements (local names) that embed active or foreign content in WordprocessingML.
FORBIDDEN_ELEMENTS = {"altChunk": "an alternative-format chunk (altChunk)", "subDoc": "a subdocument",
                      "control": "an ActiveX control", "object": "an embedded object (OLE)",
                      "OLEObject": "an embedded OLE object", "frameset": "frames"}
_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(" + "|".join(FORBIDDEN_ELEMENTS).encode() + rb")[\s/>]")
# Field names (upper case; Word ignores case) that fetch or run something when fields update.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT",
                   "DATABASE", "AUTOTEXTLIST", "EMBED"}
# Fields a header or footer keeps: page layout only. Any other field (FILENAME, USERNAME, FILLIN,
# MACROBUTTON, PRINT...) would show the opener's details, prompt or act, so only its result is kept.
LAYOUT_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "DATE", "TIME", "STYLEREF"}
# Attributes of VML pictures that name a file or address to load (o:href, o:althref, src).
_VML_SOURCES = {"href", "althref", "src"}
# A remote address in a field instruction: a URL, file:, or a UNC path (\\host\share, //host/share),
# with backslashes single or doubled as field strings write them.
_REMOTE = re.compile(r'[a-z][a-z0-9+.-]*://|\bfile:|\\\\+[^\\\s"]+\\|(?:^|[\s"])//[^/\s"]+/', re.I)
_NESTED = "\x00"          # stands for a nested field inside another field's instruction
# Alt text that names a file on someone's computer: a slash, a backslash or a drive letter.
_PATHLIKE = re.compile(r"[/\\]|(?:^|[^A-Za-z])[A-Za-z]:")
_REVIEW = re.compile(rb"<(?:\w+:)?(ins|del|commentReference|commentRangeStart|moveFrom|moveTo)[\s/>]")
_RSID_ATTR = re.compile(r'\s[\w]+:(?:rsid\w*|paraId|textId)="[^"]*"')
_RSID_ELEM = re.compile(r"<w:rsid\w*\s[^>]*/>")

XML_DECL = _DECL.encode()
IMAGE_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff", "gif": b"GIF8"}
MAIN_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"}
CT = "application/vnd.openxmlformats-officedocument"
PART_TYPES = {"header": f"{CT}.wordprocessingml.header+xml", "footer": f"{CT}.wordprocessingml.footer+xml",
              "theme": f"{CT}.theme+xml"}


@dataclass
class Letterhead:
    """What a draft takes from a letterhead; parts are named as they go into the draft."""
    styles: bytes
    parts: dict[str, bytes] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    refs: list[tuple[str, str, str]] = field(default_factory=list)   # (header|footer, first|default, part)
    page: dict[str, dict[str, str]] = field(default_factory=dict)    # pgSz and pgMar attributes
    title_page: bool = False                                          # the file's own w:titlePg
    header_lines: tuple[str, ...] = ()
    header_address: tuple[str, ...] = ()   # the sender's address among them (LETTERHEAD_ADDRESS paragraphs)
    theme: str | None = None
    source: str | None = None                                         # the file, for error messages

    @property
    def text_width(self) -> int:
        sz, mar = self.page.get("pgSz", {}), self.page.get("pgMar", {})
        width = int(sz.get("w", 12240)) - int(mar.get("left", 1440)) - int(mar.get("right", 1440))
        return max(width, 1440)

    def rel_kinds(self) -> dict[str, str]:
        """Part name -> relationship type, for the document's relationships."""
        kinds = {name: kind for kind, _typ, name in self.refs}
        if self.theme:
            kinds[self.theme] = "theme"
        return kinds

    def sect_xml(self, ids: dict[str, str]) -> str:
        """The section properties; `ids` maps part names to rIds. The letterhead is on the first
        page only (w:titlePg); later pages have no header and a page-number footer."""
        return section_properties([(kind, typ, ids[name]) for kind, typ, name in self.refs],
                                  page=self.page.get("pgSz"), margins=self.page.get("pgMar"), title_page=True)


def refuse(path: Path, reason: str, hint: str | None = None):
    raise LetterheadError(f"letterhead refused: {reason}", file=str(path),
                          hint=hint or "use a plain .docx with styles, a header and a footer; "
                                       "save it again from Word without macros or linked content")


class _Package:
    """A zip package opened with limits; members are read lazily and at most once."""

    def __init__(self, path: Path, inside: Path | None = None):
        self.path = path
        if path.suffix.lower() in (".docm", ".dotm"):
            refuse(path, "a macro-enabled Word file (.docm/.dotm)")
        # no FIFO, no link out of the campaign, nothing larger than MAX_FILE read
        data = read_file(path, inside=inside, max_bytes=MAX_FILE, error=LetterheadError, what="letterhead")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            refuse(path, "not a Word file (not a zip archive)", "a letterhead must be a .docx file")
        self.infos = {}
        total = 0
        if len(infos) > MAX_MEMBERS:
            refuse(path, f"more than {MAX_MEMBERS} parts in the package")
        for info in infos:
            name = info.filename
            if name.startswith("/") or "\\" in name or ".." in name.split("/") or name in self.infos:
                refuse(path, f"a part with an unsafe or duplicate name: {name!r}")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_MEMBER or total > MAX_TOTAL or (
                    info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
                refuse(path, f"a zip bomb ({name} expands to {info.file_size:,} bytes, "
                             f"{ratio:.0f} times its compressed size)")
            self.infos[name] = info
        self.cache: dict[str, bytes] = {}

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        if name not in self.infos:
            refuse(self.path, f"a part is missing: {name}", "save the letterhead again from Word")
        if name not in self.cache:
            try:
                self.cache[name] = self.zip.read(self.infos[name])   # bounded by the declared size
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError,
                    zlib.error) as exc:
                refuse(self.path, f"a damaged part {name} ({exc})")
        return self.cache[name]

    def xml(self, name: str):
        data = self.read(name)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            refuse(self.path, f"{name} declares a DTD or entities, which Word files never do")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            refuse(self.path, f"{name} is not well-formed XML ({exc})")


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(pkg: _Package, part: str) -> list[dict]:
    """A part's relationships with resolved targets; absent .rels means none."""
    name = _rels_name(part) if part else "_rels/.rels"
    if not pkg.has(name):
        return []
    out = []
    for rel in pkg.xml(name).iter(f"{{{REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        external = rel.get("TargetMode") == "External"
        if not external:
            base = posixpath.dirname(part)
            target = posixpath.normpath(posixpath.join(base, target)).lstrip("/") if not target.startswith("/") \
                else target.lstrip("/")
        out.append({"id": rel.get("Id"), "type": rel.get("Type", "").rsplit("/", 1)[-1],
                    "target": target, "external": external})
    return out


def check_package(pkg: _Package) -> None:
    """Refuse anything active, remote or embedded, anywhere in the package."""
    path = pkg.path
    if not pkg.has("[Content_Types].xml"):
        refuse(path, "not a Word file (no [Content_Types].xml)", "a letterhead must be a .docx file")
    types = [(el.get("PartName") or el.get("Extension") or "", el.get("ContentType") or "")
             for el in pkg.xml("[Content_Types].xml")]
    for name, ctype in types:
        low = ctype.lower()
        if "macroenabled" in low or "vba" in low:
            refuse(path, f"it contains macros ({name}: {ctype})")
        if "activex" in low or "oleobject" in low:
            refuse(path, f"it contains embedded active content ({name}: {ctype})")
    for name in pkg.infos:
        low = name.lower()
        if low.endswith("vbaproject.bin") or "vbadata" in low:
            refuse(path, f"it contains a VBA macro project ({name})")
        if low.startswith("word/embeddings/"):
            refuse(path, f"it contains embedded files ({name})")
        if low.startswith("word/activex/"):
            refuse(path, f"it contains an ActiveX control ({name})")
    for name in pkg.infos:
        if name.endswith((".xml", ".rels")):
            data = pkg.read(name)
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                refuse(path, f"{name} declares a DTD or entities, which Word files never do")
        if name.endswith(".rels"):
            part = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
            for rel in _relationships(pkg, part if name != "_rels/.rels" else ""):
                if rel["type"] in FORBIDDEN_RELS:
                    refuse(path, f"it has {FORBIDDEN_RELS[rel['type']]} ({name})")
                if rel["external"] and rel["type"] != "hyperlink":
                    refuse(path, f"a relationship points outside the file ({rel['type']}: {rel['target']}) "
                                 "- a remote template or image would be fetched when the draft is opened")
        elif name.startswith("word/") and name.endswith(".xml"):
            check_part(pkg, name)


def check_part(pkg: _Package, name: str) -> None:
    """Refuse a WordprocessingML part with active content or a field that fetches or runs something."""
    data = pkg.read(name)
    m = _ELEMENT.search(data)
    if m:
        refuse(pkg.path, f"it has {FORBIDDEN_ELEMENTS[m.group(1).decode()]} in {name}")
    if b"instr" not in data:     # fldSimple/@instr, instrText and delInstrText all spell it
        return
    for fld in _fields(pkg.xml(name)):
        check_field(pkg.path, name, fld.code)


@dataclass
class _Field:
    """One field: its instruction pieces and the elements that make up its code (fldSimple, or the
    fldChar and instrText elements; the result runs are not among them)."""
    parts: list[str]
    marks: list = field(default_factory=list)
    children: list["_Field"] = field(default_factory=list)   # fields nested in the instruction
    in_code: bool = True

    @property
    def code(self) -> str:
        return " ".join("".join(self.parts).split())

    @property
    def keyword(self) -> str:
        return re.match(r'[^\s"\\]*', self.code).group(0).upper()


def _a(word: str) -> str:
    return ("an " if word[:1].upper() in "AEIOU" else "a ") + word


def _attr(el, local: str) -> str | None:
    """An attribute by local name, whichever WordprocessingML namespace (transitional or strict)."""
    return next((v for k, v in el.attrib.items() if etree.QName(k).localname == local), None)


def _fields(root) -> list[_Field]:
    """Every field in a part, in document order of their ends; unterminated ones last."""
    done: list[_Field] = []
    stack: list[_Field] = []
    for el in root.iter(etree.Element):
        name = etree.QName(el).localname
        if name == "fldSimple":
            done.append(_Field([_attr(el, "instr") or ""], [el], in_code=False))
        elif name == "fldChar":
            kind = _attr(el, "fldCharType")
            if kind == "begin":
                fld = _Field([], [el])
                if stack and stack[-1].in_code:
                    stack[-1].parts.append(_NESTED)
                    stack[-1].children.append(fld)
                stack.append(fld)
            elif kind in ("separate", "end") and stack:
                stack[-1].marks.append(el)
                stack[-1].in_code = False
                if kind == "end":
                    done.append(stack.pop())
        elif name in ("instrText", "delInstrText"):
            if stack and stack[-1].in_code:
                stack[-1].parts.append(el.text or "")
                stack[-1].marks.append(el)
            else:       # instruction text outside a field's code: checked on its own
                done.append(_Field([el.text or ""], [el], in_code=False))
    return done + stack[::-1]


def check_field(path: Path, part: str, code: str) -> None:
    """Refuse a field that fetches or runs outside content. HYPERLINK fields only act when clicked;
    they pass here and are dropped, text kept, from the headers and footers a draft takes."""
    fld = _Field([code])
    if _NESTED in fld.keyword:
        refuse(path, f"a field in {part} takes its name from another field")
    if fld.keyword in FETCHING_FIELDS:
        refuse(path, f"{_a(fld.keyword)} field in {part} would fetch or run outside content")
    if fld.keyword != "HYPERLINK" and _REMOTE.search(fld.code):
        refuse(path, f"{_a(fld.keyword or 'nameless')} field in {part} names a remote address "
                     "that Word would contact")


def _strip(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    return _RSID_ELEM.sub("", _RSID_ATTR.sub("", text)).encode()


def merge_styles(letterhead_styles: bytes | None) -> bytes:
    """The letterhead's styles, plus each drafter style it lacks (matched by style id), with
    East Asian and complex-script fonts that carry Chinese and Tibetan."""
    ours = P.styles_xml()
    if not letterhead_styles:
        return ours.encode()
    root = _script_fonts(letterhead_styles)
    if root.tag != W + "styles":
        raise LetterheadError("letterhead refused: its styles part has no w:styles root")
    have = {style.get(W + "styleId") for style in root.iter(W + "style")}
    for style in etree.fromstring(ours.encode()).iter(W + "style"):
        if style.get(W + "styleId") not in have:
            root.append(style)
    return _strip(_serialise(root))


def _script_fonts(styles: bytes):
    """The parsed styles part. Its docDefaults name drafter's eastAsia and cs fonts unless the
    letterhead names its own; theme fonts for those slots (as Word writes them) are replaced,
    anywhere in the styles, because the theme's East Asian and bidi faces lack Tibetan. Latin
    theme fonts stay."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(styles, parser)
    except etree.XMLSyntaxError as exc:
        raise LetterheadError(f"letterhead refused: its styles part is not well-formed XML ({exc})") from None
    for fonts in root.iter(W + "rFonts"):
        for slot in ("eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(W + slot, None)
    rpr = root
    for tag in ("docDefaults", "rPrDefault", "rPr"):
        child = rpr.find(W + tag)
        if child is None:
            child = etree.Element(W + tag)
            rpr.insert(0, child)        # each is the first child its parent may have
        rpr = child
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        fonts = etree.Element(W + "rFonts")
        rpr.insert(1 if len(rpr) and rpr[0].tag == W + "rStyle" else 0, fonts)
    for slot in ("eastAsia", "cs"):
        if not fonts.get(W + slot):
            fonts.set(W + slot, P.FONTS[slot])
    return root


def _serialise(root) -> bytes:
    return XML_DECL + etree.tostring(root, encoding="unicode").encode()


def _attrs(el, names: tuple[str, ...], path: Path) -> dict[str, str]:
    out = {}
    for n in names:
        v = el.get(W + n)
        if v is None:
            continue
        if n == "orient":
            if v in ("portrait", "landscape"):
                out[n] = v
        elif re.fullmatch(r"-?\d{1,6}", v):
            out[n] = v
        else:
            refuse(path, f"a page setup value w:{n}={v!r} is not a number")
    return out


# The named style of the sender's address lines after the organisation's name in a header.
LETTERHEAD_ADDRESS, LETTERHEAD_ADDRESS_NAME = "LetterheadAddress", "Letterhead Address"


def _text_lines(root, style: str | None = None) -> tuple[str, ...]:
    """The header's lines of text; with `style`, only those of paragraphs in that style."""
    lines = []
    for p in root.iter(W + "p"):
        pstyle = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and (pstyle is None or pstyle.get(W + "val") != style):
            continue
        text = "".join(t.text or "" for t in p.iter(W + "t")).strip()
        if text:
            lines.append(" ".join(text.split()))
    return tuple(lines)


def read_letterhead(path: str | Path, inside: str | Path | None = None) -> Letterhead:
    """Check a letterhead .docx and take what a draft uses from it; refuses unsafe files (and
    one that links out of the campaign folder `inside`)."""
    path = Path(path)
    pkg = _Package(path, inside)
    check_package(pkg)
    main = next((r["target"] for r in _relationships(pkg, "") if r["type"] == "officeDocument"), None)
    if not main or not pkg.has(main):
        refuse(path, "not a Word document (no main document part)", "a letterhead must be a .docx file")
    ctypes = {el.get("PartName", "").lstrip("/"): el.get("ContentType") for el in pkg.xml("[Content_Types].xml")
              if el.get("PartName")}
    if ctypes.get(main) not in MAIN_TYPES:
        refuse(path, f"not a Word document (main part type {ctypes.get(main)})")
    doc_rels = {r["id"]: r for r in _relationships(pkg, main)}
    by_type = {r["type"]: r["target"] for r in doc_rels.values() if not r["external"]}
    styles = pkg.read(by_type["styles"]) if by_type.get("styles") in pkg.infos else None
    lh = Letterhead(styles=merge_styles(styles), source=str(path))
    body = pkg.xml(main).find(W + "body")
    sect = body.find(W + "sectPr") if body is not None else None
    found: dict[tuple[str, str], str] = {}     # (header|footer, default|first) -> source part
    for tag in ("pgSz", "pgMar") if sect is not None else ():
        el = sect.find(W + tag)
        if el is not None:
            names = ("w", "h", "orient") if tag == "pgSz" else (
                "top", "right", "bottom", "left", "header", "footer", "gutter")
            lh.page[tag] = _attrs(el, names, path)
    title_pg = sect.find(W + "titlePg") if sect is not None else None
    lh.title_page = title_pg is not None and title_pg.get(W + "val") not in ("0", "false", "off")
    for el in sect if sect is not None else ():
        kind = etree.QName(el).localname.removesuffix("Reference")
        if kind not in ("header", "footer"):
            continue
        typ = el.get(W + "type", "default")
        rel = doc_rels.get(el.get(R_ID))
        if typ not in ("default", "first") or rel is None or rel["type"] != kind or rel["external"]:
            continue
        found.setdefault((kind, typ), rel["target"])
    _first_page_only(pkg, lh, found)
    theme = by_type.get("theme")
    if theme in pkg.infos and not pkg.has(_rels_name(theme)):
        lh.theme = "word/theme/theme1.xml"
        lh.parts[lh.theme] = _strip(pkg.read(theme))
        lh.content_types[lh.theme] = PART_TYPES["theme"]
    return lh


def _first_page_only(pkg: _Package, lh: Letterhead, found: dict[tuple[str, str], str]) -> None:
    """Take the letterhead for the first page of a letter: its first-page header and footer
    when it has them, else its default ones, but never a footer showing a page number there.
    Continuation pages are plain: no header, and the letterhead's page-number footer, or
    drafter's own centred number, from page 2."""
    first = lh.title_page

    def numbers_pages(source: str) -> bool:
        return any(f.keyword in ("PAGE", "NUMPAGES", "SECTIONPAGES") for f in _fields(pkg.xml(source)))

    header = (first and found.get(("header", "first"))) or found.get(("header", "default"))
    footer = (first and found.get(("footer", "first"))) or found.get(("footer", "default"))
    if footer and numbers_pages(footer):
        footer = None
    numbered = found.get(("footer", "default"))
    if numbered is not None and not numbers_pages(numbered):
        numbered = None
    media: dict[str, str] = {}
    for kind, typ, source in (("header", "first", header), ("footer", "first", footer),
                              ("footer", "default", numbered)):
        if not source:
            continue
        name = f"word/{kind}{sum(1 for r in lh.refs if r[0] == kind) + 1}.xml"
        lh.parts[name] = _copy_part(pkg, source, name, media, lh)
        lh.content_types[name] = PART_TYPES[kind]
        lh.refs.append((kind, typ, name))
    if numbered is None:
        name = f"word/footer{sum(1 for r in lh.refs if r[0] == 'footer') + 1}.xml"
        lh.parts[name] = P.footer_xml().encode()
        lh.content_types[name] = PART_TYPES["footer"]
        lh.refs.append(("footer", "default", name))
    # Text outputs have one "page": they take the words of the first page's header.
    lh.header_lines = _text_lines(pkg.xml(header)) if header else ()
    # The address: its own style's lines, else every line after the organisation's name.
    lh.header_address = (_text_lines(pkg.xml(header), LETTERHEAD_ADDRESS) or lh.header_lines[1:]) if header else ()


def _copy_part(pkg: _Package, source: str, name: str, media: dict[str, str], lh: Letterhead) -> bytes:
    """A header or footer, with its images renamed into word/media and its relationships rebuilt."""
    path = pkg.path
    if _REVIEW.search(pkg.read(source)):
        refuse(path, f"{source} has tracked changes or comments",
               "accept all changes and delete comments in Word, then save the letterhead again")
    check_part(pkg, source)      # also when the part lies outside word/
    rels, dropped = [], set()
    for rel in _relationships(pkg, source):
        if rel["type"] == "hyperlink" and rel["external"]:
            dropped.add(rel["id"])   # a draft links only to its sources; the text stays
        elif rel["type"] == "image" and not rel["external"]:
            rels.append((rel["id"], "image", "media/" + _copy_image(pkg, rel["target"], media, lh), False))
        else:
            refuse(path, f"{source} has a {rel['type']} relationship, which drafter does not copy")
    root = pkg.xml(source)
    _drop_links(root, dropped, path, source)
    _layout_fields_only(root)
    _no_remote_media(root)
    _neutral_image_names(root)
    if rels:
        from drafter.formats.docx.oxml import relationships
        lh.parts[_rels_name(name)] = relationships(rels).encode()
    return _strip(_serialise(root))


def _unwrap(el) -> None:
    """Put an element's children in its place."""
    parent = el.getparent()
    at = parent.index(el)
    for child in list(el):
        parent.insert(at, child)
        at += 1
    parent.remove(el)


def _drop_links(root, dropped: set[str], path: Path, source: str) -> None:
    """Unwrap hyperlinks to the dropped relationships, keeping their text (HYPERLINK fields go with
    all but layout fields); drop image click/hover links. Anything else still naming a dropped
    relationship is refused."""
    for el in list(root.iter(etree.Element)):
        if not dropped.intersection(_rel_refs(el)):
            continue
        local = etree.QName(el).localname
        if local == "hyperlink":
            _unwrap(el)
        elif local in ("hlinkClick", "hlinkHover"):
            el.getparent().remove(el)
    for el in root.iter(etree.Element):
        if dropped.intersection(_rel_refs(el)):
            refuse(path, f"{source} uses an outside link in a {etree.QName(el).localname} element, "
                         "which drafter cannot drop")


def _layout_fields_only(root) -> None:
    """Keep layout fields; any other field (or one with fields nested in its code) becomes the
    text it showed, with no field left to update, prompt or run."""
    for fld in _fields(root):
        simple_or_whole = etree.QName(fld.marks[0]).localname in ("fldSimple", "fldChar")
        if fld.keyword in LAYOUT_FIELDS and not fld.children and simple_or_whole:
            continue
        if fld.marks[0].getparent() is not None:
            _remove_code(fld)


def _no_remote_media(root) -> None:
    """Drop online video on images (wp15:webVideoPr, in its a:ext) and the source names of VML
    pictures; their internal images (r:id) stay."""
    for el in list(root.iter(etree.Element)):
        local = etree.QName(el).localname
        if local == "webVideoPr" and el.getparent() is not None:
            holder = el.getparent() if etree.QName(el.getparent()).localname == "ext" else el
            holder.getparent().remove(holder)
        elif (etree.QName(el).namespace or "").startswith("urn:schemas-microsoft-com:"):
            for key in [k for k in el.attrib if etree.QName(k).localname in _VML_SOURCES]:
                del el.attrib[key]


def _rel_refs(el) -> list[str]:
    """The relationship ids an element names (r:id, r:embed, ...; transitional or strict namespace)."""
    return [v for k, v in el.attrib.items() if (etree.QName(k).namespace or "").endswith("/relationships")]


def _remove_code(fld: _Field) -> None:
    """Remove a field's code (and fields nested in it), leaving its result text as plain runs."""
    if etree.QName(fld.marks[0]).localname == "fldSimple":
        _unwrap(fld.marks[0])
        return
    for child in fld.children:
        _remove_code(child)
    for el in fld.marks:
        run = el.getparent()
        if run is None:
            continue
        run.remove(el)
        if etree.QName(run).localname == "r" and all(etree.QName(c).localname == "rPr" for c in run):
            run.getparent().remove(run)


def _neutral_image_names(root) -> None:
    """Images are named "Picture N"; a title or alt text that looks like a path is cleared."""
    count = 0
    for el in root.iter(etree.Element):
        local = etree.QName(el).localname
        if local == "docPr":
            count += 1
        if local in ("docPr", "cNvPr"):
            el.set("name", f"Picture {max(count, 1)}")
            for attr in ("descr", "title"):
                if _PATHLIKE.search(el.get(attr, "")):
                    el.set(attr, "")
        elif local in ("imagedata", "shape"):      # VML pictures: o:title, alt
            for key in [k for k in el.attrib if etree.QName(k).localname in ("title", "alt")]:
                if _PATHLIKE.search(el.get(key)):
                    el.set(key, "")


def _copy_image(pkg: _Package, source: str, media: dict[str, str], lh: Letterhead) -> str:
    if source in media:
        return media[source]
    if not pkg.has(source):
        refuse(pkg.path, f"an image the header uses is missing ({source})")
    data = pkg.read(source)
    ext = next((e for e, magic in IMAGE_MAGIC.items() if data.startswith(magic)), None)
    if ext is None:
        refuse(pkg.path, f"{source} is not a PNG, JPEG or GIF image", "use a PNG or JPEG logo")
    media[source] = f"letterhead{len(media) + 1}.{ext}"
    lh.parts[f"word/media/{media[source]}"] = data
    return media[source]


def letterhead_file(root: Path, value: str) -> Path:
    """A spec's `letterhead: FILE`, relative to the campaign folder."""
    path = Path(value)
    return path if path.is_absolute() else root / path


def check_spec_letterhead(value, root: Path, inside: Path | None = None) -> None:
    """A spec's `letterhead:` setting: a text letterhead (lines) passes; a file must be a plain
    file (inside `inside`, the campaign folder, when given), exist, and pass every check
    `read_letterhead` makes."""
    if not isinstance(value, str):
        return
    path = letterhead_file(root, value)
    refused = refusal(path, inside)
    if refused:
        raise LetterheadError(f"letterhead refused: {refused}",
                              hint="keep the letterhead as a plain file inside the campaign folder")
    if not path.is_file():
        raise LetterheadError(f"letterhead file {value!r} not found",
                              hint="give the path of a .docx relative to the campaign folder")
    read_letterhead(path, inside)


def load_spec_letterhead(campaign: Campaign, spec: LetterSpec) -> "Letterhead | None":
    """The spec's Word letterhead, read and checked, or None (no letterhead, or a text one)."""
    if not isinstance(spec.letterhead, str):
        return None
    return read_letterhead(letterhead_file(campaign.root, spec.letterhead), confined_to(spec.path, campaign))


__all__ = ["LETTERHEAD_ADDRESS", "LETTERHEAD_ADDRESS_NAME", "Letterhead", "read_letterhead", "load_spec_letterhead", "check_spec_letterhead", "letterhead_file", "merge_styles", "check_package", "check_field"]
