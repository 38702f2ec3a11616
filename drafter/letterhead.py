"""Word letterheads: read an organisation's .docx safely and take its styles, page setup, header
and footer (with their images), the way pandoc uses a reference document.

A letterhead is a file from outside, and booby-trapped Office files are a known attack on the
people drafter serves. So the whole package is checked before anything is taken from it, and a
file is refused, with the reason, when it is not a zip, is a zip bomb, carries macros, points
outside itself (remote templates, remote images, linked fields), or embeds active content (OLE,
ActiveX, alternative-format chunks, subdocuments, frames). Only parts drafter understands are
copied (styles, headers, footers, their PNG/JPEG/GIF images, the theme); document properties,
settings, custom XML, people and comments never are. Revision ids (rsid) are stripped.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import LetterheadError
from .oxml import W_NS
from .oxml import parts as P

MAX_FILE = 20 * 2**20          # bytes on disk
MAX_TOTAL = 60 * 2**20         # bytes uncompressed, all members
MAX_MEMBER = 30 * 2**20        # bytes uncompressed, one member
MAX_RATIO = 100                # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 2**20
MAX_MEMBERS = 1000

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = f"{{{W_NS}}}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

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
# Field codes that fetch or run something when the document is opened or updated.
_FIELD = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|DDEAUTO|DDE|LINK|IMPORT|DATABASE|AUTOTEXTLIST)\b")
_FIELD_TEXT = re.compile(rb"<(?:\w+:)?instrText[^>]*>([^<]*)<|\binstr=\"([^\"]*)\"")
_REVIEW = re.compile(rb"<(?:\w+:)?(ins|del|commentReference|commentRangeStart|moveFrom|moveTo)[\s/>]")
_RSID_ATTR = re.compile(r'\s[\w]+:(?:rsid\w*|paraId|textId)="[^"]*"')
_RSID_ELEM = re.compile(r"<w:rsid\w*\s[^>]*/>")

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
    refs: list[tuple[str, str, str]] = field(default_factory=list)   # (header|footer, type, part name)
    page: dict[str, dict[str, str]] = field(default_factory=dict)    # pgSz and pgMar attributes
    title_page: bool = False
    header_lines: tuple[str, ...] = ()
    theme: str | None = None

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
        """The section properties, children in schema order; `ids` maps part names to rIds."""
        refs = "".join(f'<w:{kind}Reference w:type="{typ}" r:id="{ids[name]}"/>'
                       for kind in ("header", "footer") for k, typ, name in self.refs if k == kind)
        sz = self.page.get("pgSz", {"w": "12240", "h": "15840"})
        mar = self.page.get("pgMar", {})
        mar = {k: mar.get(k, d) for k, d in (("top", "1440"), ("right", "1440"), ("bottom", "1440"),
                                             ("left", "1440"), ("header", "720"), ("footer", "720"),
                                             ("gutter", "0"))}
        attrs = lambda d: " ".join(f'w:{k}="{v}"' for k, v in d.items())  # noqa: E731
        return (f"<w:sectPr>{refs}<w:pgSz {attrs(sz)}/><w:pgMar {attrs(mar)}/><w:cols w:space=\"720\"/>"
                + ("<w:titlePg/>" if self.title_page else "") + "</w:sectPr>")


def refuse(path: Path, reason: str, hint: str | None = None):
    raise LetterheadError(f"letterhead refused: {reason}", file=str(path),
                          hint=hint or "use a plain .docx with styles, a header and a footer; "
                                       "save it again from Word without macros or linked content")


class _Package:
    """A zip package opened with limits; members are read lazily and at most once."""

    def __init__(self, path: Path):
        self.path = path
        if path.suffix.lower() in (".docm", ".dotm"):
            refuse(path, "a macro-enabled Word file (.docm/.dotm)")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise LetterheadError(f"cannot read the letterhead: {exc.strerror}", file=str(path)) from None
        if size > MAX_FILE:
            refuse(path, f"the file is larger than {MAX_FILE // 2**20} MB")
        try:
            self.zip = zipfile.ZipFile(path)
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
        if name not in self.cache:
            try:
                self.cache[name] = self.zip.read(self.infos[name])   # bounded by the declared size
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError) as exc:
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
            data = pkg.read(name)
            m = _ELEMENT.search(data)
            if m:
                refuse(path, f"it has {FORBIDDEN_ELEMENTS[m.group(1).decode()]} in {name}")
            for fm in _FIELD_TEXT.finditer(data):
                code = _FIELD.search(fm.group(1) or fm.group(2) or b"")
                if code:
                    refuse(path, f"a {code.group(1).decode()} field in {name} would fetch or run outside content")


def _strip(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    return _RSID_ELEM.sub("", _RSID_ATTR.sub("", text)).encode()


def merge_styles(letterhead_styles: bytes | None) -> bytes:
    """The letterhead's styles, plus each drafter style it lacks (matched by style id)."""
    ours = P.styles_xml()
    if not letterhead_styles:
        return ours.encode()
    text = _strip(letterhead_styles).decode()
    have = set(re.findall(r'w:styleId="([^"]+)"', text))
    missing = [m.group(0) for m in re.finditer(r'<w:style [^>]*w:styleId="([^"]+)".*?</w:style>', ours)
               if m.group(1) not in have]
    end = text.rfind("</w:styles>")
    if end < 0:
        raise LetterheadError("letterhead refused: its styles part has no w:styles root")
    return (text[:end] + "".join(missing) + text[end:]).encode()


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


def _text_lines(root) -> tuple[str, ...]:
    lines = []
    for p in root.iter(W + "p"):
        text = "".join(t.text or "" for t in p.iter(W + "t")).strip()
        if text:
            lines.append(" ".join(text.split()))
    return tuple(lines)


def read_letterhead(path: str | Path) -> Letterhead:
    """Check a letterhead .docx and take what a draft uses from it; refuses unsafe files."""
    path = Path(path)
    pkg = _Package(path)
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
    lh = Letterhead(styles=merge_styles(styles))
    body = pkg.xml(main).find(W + "body")
    sect = body.find(W + "sectPr") if body is not None else None
    if sect is None:
        return lh
    for tag in ("pgSz", "pgMar"):
        el = sect.find(W + tag)
        if el is not None:
            names = ("w", "h", "orient") if tag == "pgSz" else (
                "top", "right", "bottom", "left", "header", "footer", "gutter")
            lh.page[tag] = _attrs(el, names, path)
    lh.title_page = sect.find(W + "titlePg") is not None and sect.find(W + "titlePg").get(W + "val") not in (
        "0", "false", "off")
    media: dict[str, str] = {}
    header_text: dict[str, tuple[str, ...]] = {}
    for el in sect:
        kind = etree.QName(el).localname.removesuffix("Reference")
        if kind not in ("header", "footer"):
            continue
        typ = el.get(W + "type", "default")
        rel = doc_rels.get(el.get(R_ID))
        if typ not in ("default", "first") or rel is None or rel["type"] != kind or rel["external"]:
            continue
        name = f"word/{kind}{sum(1 for r in lh.refs if r[0] == kind) + 1}.xml"
        lh.parts[name] = _copy_part(pkg, rel["target"], name, media, lh)
        lh.content_types[name] = PART_TYPES[kind]
        lh.refs.append((kind, typ, name))
        if kind == "header":
            header_text[typ] = _text_lines(pkg.xml(rel["target"]))
    # Text outputs have one "page": they take the header the first page shows.
    first = header_text.get("first") if lh.title_page else None
    lh.header_lines = first or header_text.get("default") or header_text.get("first") or ()
    theme = by_type.get("theme")
    if theme in pkg.infos and not pkg.has(_rels_name(theme)):
        lh.theme = "word/theme/theme1.xml"
        lh.parts[lh.theme] = _strip(pkg.read(theme))
        lh.content_types[lh.theme] = PART_TYPES["theme"]
    return lh


def _copy_part(pkg: _Package, source: str, name: str, media: dict[str, str], lh: Letterhead) -> bytes:
    """A header or footer, with its images renamed into word/media and its relationships rebuilt."""
    path = pkg.path
    data = pkg.read(source)
    if _REVIEW.search(data):
        refuse(path, f"{source} has tracked changes or comments",
               "accept all changes and delete comments in Word, then save the letterhead again")
    rels = []
    for rel in _relationships(pkg, source):
        if rel["type"] == "hyperlink" and rel["external"]:
            if not re.match(r"(https?|mailto):", rel["target"], re.I):
                refuse(path, f"a link in {source} is not a web or mail address: {rel['target']}")
            rels.append((rel["id"], "hyperlink", rel["target"], True))
        elif rel["type"] == "image" and not rel["external"]:
            rels.append((rel["id"], "image", "media/" + _copy_image(pkg, rel["target"], media, lh), False))
        else:
            refuse(path, f"{source} has a {rel['type']} relationship, which drafter does not copy")
    if rels:
        from .oxml import relationships
        lh.parts[_rels_name(name)] = relationships(rels).encode()
    return _strip(data)


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


__all__ = ["Letterhead", "read_letterhead", "merge_styles", "check_package"]
