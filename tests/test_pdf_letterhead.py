"""A Word letterhead in the Typst PDF: its page-1 header and footer drawn by letterhead.typ from the
data drafter/formats/typst/letterhead.py takes out of the .docx, and what Typst cannot draw refused.

The PDFs here come from a small document of our own that calls the two functions letterhead.typ
exports, the way the Typst engine does, so the letterhead is tested on its own."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import typst

from conftest import need
from drafter.errors import DrafterError
from drafter.formats.docx.letterhead import read_letterhead
from drafter.formats.typst.letterhead import typst_letterhead
from test_letterhead import EXAMPLE, PNG, in_footer, in_header, mutate, word_letterhead

EXAMPLE_HEADER = zipfile.ZipFile(EXAMPLE).read("word/header1.xml")
REPO = Path(__file__).resolve().parent.parent
TYP = REPO / "drafter" / "formats" / "typst" / "letterhead.typ"
BODY = "Body of the letter starts here."
# A page like the engine's: the letterhead's page setup, the letterhead on page 1 only, placed
# at its header and footer distances; the body starts clear of a header taller than the top
# margin, as in Word. It prints the room the header needs from the top of the page.
MAIN = """#import "letterhead.typ": letterhead-header, letterhead-footer
#let data = json(bytes(sys.inputs.data))
#let m = data.page.margin
#let (hd, fd) = (data.page.header * 1pt, data.page.footer * 1pt)
#set page(width: data.page.width * 1pt, height: data.page.height * 1pt,
  margin: (top: m.top * 1pt, bottom: m.bottom * 1pt, left: m.left * 1pt, right: m.right * 1pt),
  header: context if counter(page).get().first() == 1 { place(top, dy: hd, letterhead-header(data)) },
  footer: context if counter(page).get().first() == 1 { place(bottom, dy: -fd, letterhead-footer(data)) })
#set text(font: ("Liberation Serif", "DejaVu Serif"), size: 12pt)
#context v(calc.max(0pt, hd + measure(letterhead-header(data)).height - m.top * 1pt))
#sys.inputs.body
#context [Needs #calc.round((hd + measure(letterhead-header(data)).height).pt(), digits: 1) points.]
"""
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def poppler(tool: str) -> str:
    exe = shutil.which(tool)
    need(exe is not None, f"{tool} (poppler-utils)")
    return exe


def build(docx: Path, tmp: Path, body: str = BODY, standards: list[str] = ()) -> tuple[Path, dict]:
    """The letterhead on a one-page letter (to PDF `standards`): the PDF and the data Typst got."""
    data, images = typst_letterhead(read_letterhead(docx))
    root = tmp / "typst"
    root.mkdir(exist_ok=True)
    shutil.copy(TYP, root / "letterhead.typ")
    main = MAIN if not standards else MAIN.replace("#set text(", '#set document(title: "A letter")\n#set text(lang: "en", ')
    (root / "main.typ").write_text(main, encoding="utf-8")
    (root / "images").mkdir(exist_ok=True)
    for name, blob in images.items():
        (root / "images" / name).write_bytes(blob)       # where the engine writes them
    pdf = root / "letter.pdf"
    typst.compile(str(root / "main.typ"), output=str(pdf), root=str(root),
                  sys_inputs={"data": json.dumps(data), "body": body}, pdf_standards=list(standards))
    return pdf, data


def text(pdf: Path, layout: bool = False) -> str:
    args = [poppler("pdftotext"), *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """Each word on page 1 with its box (x0, y0, x1, y1) in points."""
    html = subprocess.run([poppler("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def box_of(pdf: Path, word: str) -> tuple[float, float, float, float]:
    hits = [w[1:] for w in words(pdf) if w[0] == word]
    assert len(hits) == 1, (word, words(pdf))
    return hits[0]


def images(pdf: Path) -> list[list[str]]:
    out = subprocess.run([poppler("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [row for row in map(str.split, out.splitlines()[2:]) if row[2] == "image"]   # not soft masks


def dark_box(pdf: Path, above: int = 90, left_of: int = 612) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) of the non-white pixels in the top `above` points of page 1 (and
    left of `left_of`), at 72 dpi: one pixel a point."""
    gray = subprocess.run([poppler("pdftoppm"), "-gray", "-r", "72", "-f", "1", "-l", "1", str(pdf)],
                          capture_output=True, check=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", gray)
    w, h = int(m.group(1)), min(int(m.group(2)), above)
    pixels = gray[m.end():]
    rows = [y for y in range(h) if min(pixels[y * w:(y + 1) * w]) < 200]
    cols = [x for x in range(min(w, left_of)) if min(pixels[x::w][:h]) < 200]
    return cols[0], rows[0], cols[-1], rows[-1]


def in_order(haystack: str, *needles: str) -> bool:
    at = 0
    for needle in needles:
        found = haystack.find(needle, at)
        if found < 0:
            return False
        at = found + len(needle)
    return True


# The example letterhead --------------------------------------------------------------------

def test_the_example_letterhead_on_page_one(tmp_path):
    pdf, data = build(EXAMPLE, tmp_path)
    got = text(pdf)
    # Small capitals are drawn as Word draws them: capitals, smaller for the lower-case letters.
    assert in_order(got, "CONGRESSIONAL-EXECUTIVE COMMISSION ON CHINA", BODY), got
    assert [row[3:5] for row in images(pdf)] == [["96", "96"]]       # the seal, once
    header = data["header"][0]
    assert header["borders"]["bottom"] == {"width": 1.0, "space": 4.0, "color": "1F2A44", "style": "solid"}
    style = header["runs"][-1]["style"]
    assert (style["size"], style["color"], style["smallcaps"], style["font"][0]) == (15.0, "1F2A44", True, "Georgia")
    # The seal is 0.7 inch, lowered 7 points from the baseline; the name after the tab at 60 points.
    assert {k: header["runs"][0][k] for k in ("width", "height", "baseline")} == {
        "width": 50.4, "height": 50.4, "baseline": 7.0}
    first = min(words(pdf), key=lambda w: w[2])         # the C of CONGRESSIONAL, the header's first word
    assert first[0] == "C" and first[1] == pytest.approx(72 + 60, abs=0.5)
    # The header starts 0.4 inch from the top of the page; the seal is the first thing drawn.
    x0, y0, _, _ = dark_box(pdf)
    assert (x0, y0) == (pytest.approx(72, abs=1), pytest.approx(28.8 + 1.4, abs=1))  # and the line's extra space
    # Its page-number footer is for continuation pages: not on page 1, but kept as data.
    assert data["footer"] is None and data["page_footer"][0]["runs"][-1]["kind"] == "page"


@pytest.mark.parametrize("standard", ["ua-1", "a-2b"])
def test_the_letterhead_keeps_the_pdf_accessible_and_archival(standard, tmp_path):
    """Tagged PDF/UA-1 and PDF/A-2b both hold with a letterhead: pictures with alt text or none,
    in a table, anchored."""
    docx = mutate(tmp_path, {"word/header1.xml": in_header(TABLE.replace(
        "<w:t>Seal</w:t>", "<w:t>Seal</w:t></w:r>" + ANCHOR.format(
            hfrom="page", h="<wp:align>right</wp:align>", vfrom="page", v="<wp:align>top</wp:align>",
            wrap="<wp:wrapNone/>").replace("<w:r><w:drawing><wp:anchor", "<w:r><w:drawing><wp:inline").replace(
            "</wp:anchor>", "</wp:inline>") + "<w:r>"))})
    pdf, data = build(docx, tmp_path, standards=[standard])
    assert in_order(text(pdf), "CHINA", "Heading", "Lhasa", "Seal", BODY) and len(images(pdf)) == 2


def test_image_names_are_made_not_taken_from_the_docx(tmp_path):
    data, files = typst_letterhead(read_letterhead(EXAMPLE))
    assert list(files) == ["image1.png"] and files["image1.png"] == PNG
    blob = json.dumps(data)
    assert "logo.png" not in blob and "letterhead1" not in blob and "media" not in blob


# A letterhead made by python-docx: theme fonts, tab stops, a table, a footer --------------------

def test_tabs_table_and_footer_of_a_word_made_letterhead(tmp_path):
    docx = pytest.importorskip("docx")
    (tmp_path / "seal.png").write_bytes(PNG)
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.first_page_header
    header.paragraphs[0].text = "Left\tCentre\tRight"                 # the Header style's tab stops
    table = header.add_table(rows=1, cols=2, width=docx.shared.Inches(6))
    table.cell(0, 0).paragraphs[0].add_run().add_picture(str(tmp_path / "seal.png"), width=docx.shared.Inches(0.6))
    name = table.cell(0, 1).paragraphs[0]
    name.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    run = name.add_run("Tibet Action Example")
    run.bold, run.font.size, run.font.color.rgb = True, docx.shared.Pt(16), docx.shared.RGBColor(0x8B, 0, 0)
    address = table.cell(0, 1).add_paragraph("1 Main Street, Springfield")
    address.runs[0].italic = True
    section.first_page_footer.paragraphs[0].text = "www.example.org\t+1 555 0100\tinfo@example.org"
    document.save(str(tmp_path / "made.docx"))

    pdf, data = build(tmp_path / "made.docx", tmp_path)
    layout = text(pdf, layout=True)
    assert re.search(r"Left +Centre +Right\n", layout), layout          # one line: tabs, not wrapping
    assert in_order(text(pdf), "Tibet Action Example", "1 Main Street, Springfield", BODY,
                    "www.example.org", "+1 555 0100", "info@example.org")
    assert len(images(pdf)) == 1
    # Word's Header style: a centre stop at 3.25 inches and a right stop at 6.5, from the margin.
    left = data["page"]["margin"]["left"]
    x0, _, x1, _ = box_of(pdf, "Centre")
    assert (x0 + x1) / 2 == pytest.approx(left + 234, abs=0.5)
    assert box_of(pdf, "Right")[2] == pytest.approx(left + 468, abs=0.5)
    assert box_of(pdf, "info@example.org")[2] == pytest.approx(left + 468, abs=0.5)
    # The theme's body font (Cambria in python-docx's template), then its metric twin.
    assert data["header"][0]["runs"][0]["style"]["font"][:2] == ["Cambria", "Caladea"]
    cell = data["header"][1]["rows"][0]["cells"][1]["blocks"][0]
    assert cell["align"] == "right" and cell["runs"][0]["style"]["color"] == "8B0000"
    assert box_of(pdf, "Example")[2] == pytest.approx(left + 6 * 72 - 5.4, abs=1)   # less the cell margin
    # The header is taller than the 1-inch top margin: the body starts below it, and the header
    # says how much room it needs from the top of the page.
    needs = float(re.search(r"Needs ([\d.]+) points", text(pdf)).group(1))
    assert needs > 36 + 43 + 14
    assert box_of(pdf, "Body")[1] >= needs - 1


# Anchored pictures, fields, spacing ---------------------------------------------------------------

WP = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
ANCHOR = ('<w:r><w:drawing><wp:anchor ' + WP + ' distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
          'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
          '<wp:positionH relativeFrom="{hfrom}">{h}</wp:positionH><wp:positionV relativeFrom="{vfrom}">{v}'
          '</wp:positionV><wp:extent cx="914400" cy="457200"/>{wrap}<wp:docPr id="5" name="Logo"/>'
          '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
          '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
          '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
          '<pic:cNvPr id="0" name="x"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rId1"/>'
          '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
          '<a:ext cx="914400" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
          '</pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


def only_anchor(hfrom: str, h: str, vfrom: str, v: str, wrap: str = "<wp:wrapNone/>", then: str = "",
                dist_r: int = 0):
    """The example's header with its seal and name replaced by one anchored picture (1 x 0.5
    inch, `dist_r` EMU kept free on its right), then the runs `then`."""
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"<w:r><w:rPr><w:position.*</w:r></w:p>", b"</w:p>", xml)
        xml = xml.replace(b'<w:pStyle w:val="Header"/>', b"")
        anchor = ANCHOR.format(hfrom=hfrom, h=h, vfrom=vfrom, v=v, wrap=wrap).replace('distR="0"', f'distR="{dist_r}"')
        return in_header(anchor + then)(xml)
    return change


@pytest.mark.parametrize("hfrom,h,vfrom,v,where", [
    ("page", "<wp:posOffset>914400</wp:posOffset>", "page", "<wp:posOffset>457200</wp:posOffset>", (72, 36)),
    ("margin", "<wp:align>right</wp:align>", "page", "<wp:align>top</wp:align>", (612 - 72 - 72, 0)),
    ("page", "<wp:align>center</wp:align>", "margin", "<wp:posOffset>-914400</wp:posOffset>", (270, 90 - 72)),
    ("column", "<wp:posOffset>0</wp:posOffset>", "paragraph", "<wp:posOffset>0</wp:posOffset>", (72, 28.8)),
])
def test_anchored_picture_placed_as_its_offsets_say(hfrom, h, vfrom, v, where, tmp_path):
    docx = mutate(tmp_path, {"word/header1.xml": only_anchor(hfrom, h, vfrom, v)})
    pdf, data = build(docx, tmp_path, body=" ")
    assert data["header"][0]["floats"][0]["x"]["from"] == hfrom
    x0, y0, x1, y1 = dark_box(pdf, above=84)        # the body starts at 90 points
    assert (x0, y0) == (pytest.approx(where[0], abs=1.5), pytest.approx(where[1], abs=1.5))
    assert (x1 - x0, y1 - y0) == (pytest.approx(72, abs=2), pytest.approx(36, abs=2))


@pytest.mark.parametrize("wrap,beside", [("<wp:wrapSquare wrapText=\"bothSides\"/>", True),
                                         ("<wp:wrapTopAndBottom/>", False), ("<wp:wrapNone/>", None)])
def test_text_wraps_around_an_anchored_picture_as_in_word(wrap, beside, tmp_path):
    name = "<w:r><w:t>Tibet Action Example</w:t></w:r></w:p><w:p><w:r><w:t>Second line</w:t></w:r>"
    left = "<wp:posOffset>0</wp:posOffset>"
    docx = mutate(tmp_path, {"word/header1.xml": only_anchor("column", left, "paragraph", left, wrap=wrap, then=name,
                                                              dist_r=114300)})
    pdf, _ = build(docx, tmp_path, body=" ")
    tibet, second = box_of(pdf, "Tibet"), box_of(pdf, "Second")
    if beside:        # right of the picture and its 9-point distance, both lines (the picture is 36 high)
        assert tibet[0] == pytest.approx(72 + 72 + 9, abs=0.5) and second[0] == pytest.approx(72 + 72 + 9, abs=0.5)
    elif beside is False:     # below it
        assert tibet[0] == pytest.approx(72, abs=0.5) and tibet[1] >= 28.8 + 36
    else:             # over it, as Word draws a picture in front of text
        assert tibet[0] == pytest.approx(72, abs=0.5) and tibet[1] < 28.8 + 36


def test_page_field_spacing_and_a_first_page_footer(tmp_path):
    page = '<w:r><w:t xml:space="preserve"> page </w:t></w:r><w:fldSimple w:instr=" PAGE  \\* roman "><w:r><w:t>9</w:t></w:r></w:fldSimple>'
    footer = (f'<w:ftr {W_NS}><w:p><w:pPr><w:jc w:val="right"/><w:spacing w:before="480"/></w:pPr>'
              '<w:r><w:rPr><w:b/><w:color w:val="C00000"/><w:sz w:val="16"/></w:rPr><w:t>1 Main Street</w:t></w:r></w:p>'
              '<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:i/><w:u w:val="single"/></w:rPr>'
              '<w:t>Lhasa</w:t></w:r></w:p></w:ftr>').encode()
    docx = mutate(tmp_path, {"word/header1.xml": in_header(page), "word/footer1.xml": footer})
    pdf, data = build(docx, tmp_path)
    got = text(pdf)
    assert in_order(got, "CHINA PAGE I", BODY, "1 Main Street", "Lhasa"), got     # small capitals, page i
    street, lhasa = box_of(pdf, "Street"), box_of(pdf, "Lhasa")
    right = 612 - 72
    assert street[2] == pytest.approx(right, abs=0.5) and lhasa[2] == pytest.approx(right, abs=0.5)
    # The footer's last line sits 0.4 inch (its footer distance) above the bottom of the page.
    assert 792 - 28.8 - 14 < lhasa[3] <= 792 - 28.8 + 0.5
    assert street[3] < lhasa[1]
    first = data["footer"][0]
    assert (first["before"], first["runs"][0]["style"]["bold"], first["runs"][0]["style"]["size"]) == (24.0, True, 8.0)


def test_a_dot_leader_a_cropped_and_a_rotated_picture(tmp_path):
    leader = ('</w:p><w:p><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9360"/></w:tabs></w:pPr>'
              '<w:r><w:t>Telephone</w:t></w:r><w:r><w:tab/><w:t>555 0100</w:t></w:r>')
    crop = lambda x: x.replace(b"<a:stretch>", b'<a:srcRect r="50000"/><a:stretch>').replace(   # noqa: E731
        b'<wp:extent cx="640080"', b'<wp:extent cx="320040"')
    pdf, data = build(mutate(tmp_path, {"word/header1.xml": lambda x: in_header(leader)(crop(x))}), tmp_path, body=" ")
    assert re.search(r"Telephone ?\.{20,} ?555 0100", " ".join(text(pdf).split())), text(pdf)
    assert box_of(pdf, "0100")[2] == pytest.approx(72 + 468, abs=0.5)
    assert data["header"][0]["runs"][0]["crop"] == {"l": 0.0, "t": 0.0, "r": 0.5, "b": 0.0}
    x0, y0, x1, y1 = dark_box(pdf, above=82, left_of=128)    # the seal's left half: 25.2 by 50.4 points
    assert (x1 - x0 + 1, y1 - y0 + 1) == (pytest.approx(25.2, abs=1.5), pytest.approx(50.4, abs=1.5))
    rotated = build(mutate(tmp_path, {"word/header1.xml": lambda x: x.replace(
        b'<a:xfrm>', b'<a:xfrm rot="5400000">').replace(b'cy="640080"', b'cy="320040"')}, name="rot.docx"),
        tmp_path, body=" ")[1]
    assert rotated["header"][0]["runs"][0]["rotate"] == 90.0


def tc(text: str, width: int, props: str = "", jc: str = "left") -> str:
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{props}</w:tcPr><w:p><w:pPr><w:jc w:val="{jc}"/>'
            f'</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>')


LINE = '<w:top w:val="single" w:sz="8" w:color="FF0000"/>'
TABLE = ('</w:p><w:tbl><w:tblPr><w:tblW w:w="9360" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
         + "".join(LINE.replace("top", side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
         + '</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="2880"/><w:gridCol w:w="3240"/><w:gridCol w:w="3240"/>'
         '</w:tblGrid><w:tr>' + tc("Seal", 2880, '<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>', "center")
         + tc("Heading", 6480, '<w:gridSpan w:val="2"/><w:shd w:val="clear" w:fill="DDEEFF"/>', "center") + '</w:tr>'
         '<w:tr>' + tc("", 2880, "<w:vMerge/>") + tc("Lhasa", 3240) + tc("Dharamsala", 3240, "", "right")
         + '</w:tr><w:tr>' + tc("Below", 2880) + tc("x", 3240) + tc("y", 3240) + '</w:tr></w:tbl>'
         '<w:p><w:r><w:t>Left</w:t></w:r><w:r><w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/>'
         '<w:t>Margin</w:t></w:r>')


def test_a_bordered_table_with_merged_cells_and_an_alignment_tab(tmp_path):
    pdf, data = build(mutate(tmp_path, {"word/header1.xml": in_header(TABLE)}), tmp_path, body=" ")
    rows = data["header"][1]["rows"]
    assert [(c["x"], c["colspan"], c["rowspan"]) for c in rows[0]["cells"]] == [(0, 1, 2), (1, 2, 1)]
    assert rows[0]["cells"][1]["stroke"]["top"]["color"] == "FF0000" and rows[0]["cells"][1]["fill"] == "DDEEFF"
    heading, seal, lhasa, dharamsala = (box_of(pdf, w) for w in ("Heading", "Seal", "Lhasa", "Dharamsala"))
    assert (heading[0] + heading[2]) / 2 == pytest.approx(72 + 144 + 162, abs=0.5)     # centred in columns 2-3
    assert (seal[0] + seal[2]) / 2 == pytest.approx(72 + 72, abs=0.5)
    assert heading[1] < seal[1] < lhasa[1] and heading[3] < seal[3] < lhasa[3]          # across its two rows
    assert lhasa[0] == pytest.approx(72 + 144 + 5.4, abs=0.5)                            # the cell margin
    assert dharamsala[2] == pytest.approx(72 + 468 - 5.4, abs=0.5)
    assert box_of(pdf, "Margin")[2] == pytest.approx(72 + 468, abs=0.5)                  # the alignment tab
    assert box_of(pdf, "Below")[1] > lhasa[3]
    # The red borders are drawn: the table's outline, at least, is red on the page.
    gray = subprocess.run([poppler("pdftoppm"), "-r", "72", "-f", "1", "-l", "1", str(pdf)],
                          capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", gray)
    pixels = gray[m.end():]
    red = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 200 and pixels[i + 1] < 80 and pixels[i + 2] < 80)
    assert red > 2 * 468


# Strings are data ---------------------------------------------------------------------------------

HOSTILE_TEXT = '#read("/etc/passwd") #import "x.typ" ] $x$ @ref <label> \\ // /* _a_ *b* ` {x} #{1+1}'


def test_letterhead_text_is_shown_as_typed_never_run(tmp_path):
    run = f'<w:r><w:t xml:space="preserve">{HOSTILE_TEXT.replace("<", "&lt;").replace(">", "&gt;")}</w:t></w:r>'
    stars = "<w:r><w:t>" + "********** " * 300 + "</w:t></w:r>"
    footer = f'<w:ftr {W_NS}><w:p>{run}</w:p><w:p>{stars}</w:p></w:ftr>'.encode()
    pdf, _ = build(mutate(tmp_path, {"word/footer1.xml": footer}), tmp_path)
    got = " ".join(text(pdf).split())
    assert HOSTILE_TEXT in got and "root:" not in got
    assert got.count("*") == 3000 + HOSTILE_TEXT.count("*")


NUMBER = re.compile(rb'(\s[\w:]+=")(-?\d+)(")')


def test_absurd_numbers_in_a_letterhead_never_crash_typst(tmp_path):
    """Every number in a header with a picture in the line, an anchored one, a table and tab
    stops, replaced in turn by nonsense (huge, hugely negative, not a number): the letterhead is
    refused with a message, or drawn."""
    header = in_header(ANCHOR.format(hfrom="page", h="<wp:posOffset>914400</wp:posOffset>", vfrom="paragraph",
                                     v="<wp:posOffset>0</wp:posOffset>", wrap="<wp:wrapSquare wrapText=\"bothSides\"/>")
                       + '<w:r><w:rPr><w:sz w:val="30"/><w:spacing w:val="20"/></w:rPr><w:t>Text</w:t></w:r>'
                       + TABLE + '</w:p><w:p><w:pPr><w:spacing w:before="120" w:after="120" w:line="360"/>'
                       '<w:ind w:left="720" w:hanging="360"/><w:tabs><w:tab w:val="right" w:pos="9360"/></w:tabs>'
                       '</w:pPr><w:r><w:t>A</w:t><w:tab/><w:t>B</w:t></w:r>')(EXAMPLE_HEADER)
    spots = [m.span(2) for m in NUMBER.finditer(header)]
    assert len(spots) > 40
    data, _ = typst_letterhead(read_letterhead(mutate(tmp_path, {"word/header1.xml": header})))
    assert [b["kind"] for b in data["header"]] == ["par", "table", "par", "par"]
    root = tmp_path / "typst"
    root.mkdir()
    shutil.copy(TYP, root / "letterhead.typ")
    (root / "main.typ").write_text(MAIN, encoding="utf-8")
    (root / "images").mkdir()
    (root / "images" / "image1.png").write_bytes(PNG)
    compiler = typst.Compiler(str(root / "main.typ"), root=str(root))
    drawn = refused = 0
    for i, (start, end) in enumerate(spots):
        for bad in [(b"-99999999999", b"99999999999999999999999", b"x")[i % 3]]:     # one each, for time
            docx = mutate(tmp_path, {"word/header1.xml": header[:start] + bad + header[end:]}, name=f"{i}.docx")
            try:
                data, images = typst_letterhead(read_letterhead(docx))
            except DrafterError as exc:
                assert "letterhead" in str(exc)
                refused += 1
                continue
            assert set(images) <= {"image1.png"}
            compiler.compile(sys_inputs={"data": json.dumps(data), "body": BODY})       # no error, no panic
            drawn += 1
    assert drawn + refused == len(spots) and drawn > 0


# What Typst cannot draw is refused, naming it --------------------------------------------------

TEXT_BOX = (f'<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f'<mc:Choice Requires="wps"><w:drawing><wp:anchor {WP} simplePos="0" behindDoc="0" locked="0" layoutInCell="1" '
            'allowOverlap="1" relativeHeight="2" distT="0" distB="0" distL="0" distR="0"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="914400" cy="457200"/><wp:wrapNone/><wp:docPr id="7" name="Text Box 7"/>'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp xmlns:wps="{WPS}"><wps:txbx><w:txbxContent><w:p><w:r><w:t>Founded 1987</w:t></w:r></w:p>'
            '</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
            '</mc:Choice><mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            '<w:txbxContent><w:p><w:r><w:t>Founded 1987</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
            '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
SHAPE = TEXT_BOX.replace("<wps:txbx><w:txbxContent><w:p><w:r><w:t>Founded 1987</w:t></w:r></w:p></w:txbxContent>"
                         "</wps:txbx>", "<wps:spPr/>")
VML_BOX = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="position:absolute;width:100pt;'
           'height:20pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>Since 1987</w:t></w:r></w:p></w:txbxContent>'
           '</v:textbox></v:shape></w:pict></w:r>')
WORDART = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:100pt;height:20pt">'
           '<v:textpath string="DRAFT"/></v:shape></w:pict></w:r>')
CHART = (f'<w:r><w:drawing><wp:inline {WP}><wp:extent cx="914400" cy="457200"/><wp:docPr id="8" name="Chart 8"/>'
         '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
         '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic>'
         '</wp:inline></w:drawing></w:r>')


@pytest.mark.parametrize("where,xml,named", [
    ("header", TEXT_BOX, 'a text box ("Founded 1987")'),
    ("footer", TEXT_BOX, 'a text box ("Founded 1987")'),
    ("header", SHAPE, "a shape"),
    ("header", CHART, "a chart"),
    ("header", VML_BOX, 'a text box ("Since 1987")'),
    ("header", WORDART, "WordArt"),
    ("header", '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>3</w:t></w:r></w:fldSimple>', "a NUMPAGES field"),
    ("header", '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; "><w:r><w:t>1 May</w:t></w:r></w:fldSimple>',
     "a DATE field"),
    ("header", '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TIME </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>10:00</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "a TIME field"),
    ("header", '<w:r><w:sym w:font="Wingdings" w:char="F028"/></w:r>', "a symbol from the Wingdings font"),
    ("header", '</w:p><w:p><w:pPr><w:framePr w:w="2000" w:hAnchor="page" w:x="500" w:y="300"/></w:pPr>'
               '<w:r><w:t>Est. 1987</w:t></w:r>', 'a paragraph in a frame ("Est. 1987")'),
    ("header", '</w:p><w:tbl><w:tblPr><w:tblpPr w:leftFromText="180" w:tblpX="7000" w:tblpY="200"/></w:tblPr>'
               '<w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>Phone</w:t></w:r></w:p>'
               '</w:tc></w:tr></w:tbl><w:p>', 'a floating table ("Phone")'),
])
def test_what_typst_cannot_draw_is_refused_naming_it(where, xml, named, tmp_path):
    if where == "header":
        docx = mutate(tmp_path, {"word/header1.xml": in_header(xml)})
        part = "first-page header"
    else:      # a footer without a page number: the first page's
        docx = mutate(tmp_path, {"word/footer1.xml": lambda x: in_footer(xml)(
            x.replace(b'<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>', b""))})
        part = "first-page footer"
    letterhead = read_letterhead(docx)        # fine for Word and LibreOffice
    with pytest.raises(DrafterError) as caught:
        typst_letterhead(letterhead)
    err = caught.value
    assert f"the letterhead's {part} has {named}, which the Typst PDF engine cannot draw" in err.message
    assert err.file == str(docx) and err.hint == "use --pdf-engine libreoffice"


def test_a_numbered_list_in_the_header_is_refused(tmp_path):
    para = '</w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>One</w:t></w:r>'
    with pytest.raises(DrafterError, match=r'a numbered or bulleted list \("One"\)'):
        typst_letterhead(read_letterhead(mutate(tmp_path, {"word/header1.xml": in_header(para)})))


def test_an_emf_logo_is_refused_before_any_pdf(tmp_path):
    """An EMF or WMF logo never gets this far: the letterhead check refuses it for every format."""
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 40
    docx = mutate(tmp_path, {"word/media/logo.png": emf})
    with pytest.raises(DrafterError, match="word/media/logo.png is not a PNG, JPEG or GIF image"):
        typst_letterhead(read_letterhead(docx))


def test_an_unusable_page_number_footer_is_left_to_drafter(tmp_path):
    """The letterhead's own page-number footer (continuation pages) is optional data: one Typst
    cannot draw is left out, and the first page still gets its letterhead."""
    docx = mutate(tmp_path, {"word/footer1.xml": in_footer(TEXT_BOX)})
    data, _ = typst_letterhead(read_letterhead(docx))
    assert data["page_footer"] is None and data["header"]


def test_a_word_made_letterhead_with_logos_in_header_and_footer(tmp_path):
    """python-docx's letterhead (theme fonts, a logo in the header and in the footer): its default
    header and footer are the first page's, as in the .docx."""
    docx = word_letterhead(tmp_path)
    pdf, data = build(docx, tmp_path)
    assert in_order(text(pdf), "Tibet Action Example", BODY, "1 Main Street")
    assert len(images(pdf)) == 2 and len(typst_letterhead(read_letterhead(docx))[1]) == 1  # one file, twice
    assert zipfile.is_zipfile(docx)


def test_check_warns_first_of_a_letterhead_typst_cannot_draw(campaign, tmp_path):
    """`check` reports what draft --format pdf and serve would refuse: a warning at the spec's
    letterhead line (the Word and text files are still made), none once the spec chooses LibreOffice."""
    from drafter.commands.check import check_campaign
    bad = mutate(tmp_path, {"word/header1.xml": in_header(TEXT_BOX)})
    (campaign / "letterheads").mkdir(exist_ok=True)
    shutil.copyfile(bad, campaign / "letterheads" / "cecc-example.docx")
    spec = campaign / "letters" / "erc-entity-list-letterhead.yaml"
    found = [f for f in check_campaign(campaign) if "Typst" in f.message]
    line = spec.read_text().splitlines().index("letterhead: letterheads/cecc-example.docx") + 1
    assert [(f.severity, Path(f.file).name, f.line) for f in found] == [("warning", spec.name, line)]
    assert 'a text box ("Founded 1987")' in found[0].message and "pdf_engine: libreoffice" in found[0].hint
    spec.write_text(spec.read_text() + "pdf_engine: libreoffice\n")
    assert not [f for f in check_campaign(campaign) if "Typst" in f.message]
