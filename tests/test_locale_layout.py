"""The letter's locale in its files: fixed words, paper and margins in the .docx, the Typst PDF and
the text forms; DIN 5008 form B for German letters, measured in both PDF engines; DL envelopes."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, check_docx, need
from test_check import EVIDENCE
from drafter.cli import main
from drafter.formats import din5008 as din
from drafter.formats.docx.envelope import envelopes_docx
from drafter.formats.envelopes import envelope_for
from drafter.formats.typst.envelopes import envelopes_pdf

# One member of each parliament, with what its form of address needs.
PROFILES = {
    "de-DE": "    role: mp\n    country: DE\n    gender: female\n    academic_title: Dr.\n    name: Anna Beispiel\n",
    "en-GB": "    role: mp\n    country: GB\n    courtesy: Ms.\n    name: Jane Smith\n",
    "fr-FR": "    role: mp\n    country: FR\n    gender: female\n    name: Claire Martin\n",
    "en-CA": "    role: mp\n    country: CA\n    courtesy: Ms.\n    name: Anne Tremblay\n",
    "en-AU": "    role: senator\n    country: AU\n    constituency: Tasmania\n    name: Jane Citizen\n",
    "en-US": ("    role: secretary\n    name: Gina M. Raimondo\n    title: Secretary of Commerce\n"
              "    organization: U.S. Department of Commerce\n"
              "    address: [\"1401 Constitution Avenue NW\", \"Washington, DC 20230\"]\n"),
}
SUBJECT = "Mass DNA collection in Tibet"
# what each locale prints: the subject line, the cc word, page 2's number, the date, the closing
WORDS = {
    "de-DE": (SUBJECT, "Kopie an:", "Seite 2", "23. Oktober 2023", "Mit freundlichen Grüßen"),
    "en-GB": ("Re: " + SUBJECT, "cc:", "Page 2", "23 October 2023", "Yours sincerely,"),
    "fr-FR": ("Objet\u00a0: " + SUBJECT, "Copie à\u00a0:", "Page 2", "23 octobre 2023", "Je vous prie d’agréer"),
    "en-CA": ("Re: " + SUBJECT, "cc:", "2", "October 23, 2023", "Sincerely,"),
    "en-AU": ("Re: " + SUBJECT, "cc:", "Page 2", "23 October 2023", "Yours sincerely"),
    "en-US": ("Re: " + SUBJECT, "cc:", "2", "October 23, 2023", "Sincerely,"),
}
# (w, h) twips and margins (top, right, bottom, left) in twips
PAGES = {"de-DE": ((11906, 16838), (1417, 1134, 1134, 1417)),
         "en-GB": ((11906, 16838), (1417,) * 4), "fr-FR": ((11906, 16838), (1417,) * 4),
         "en-AU": ((11906, 16838), (1417,) * 4),
         "en-US": ((12240, 15840), (1440,) * 4), "en-CA": ((12240, 15840), (1440,) * 4)}
A4_PT, LETTER_PT = (595.3, 841.9), (612.0, 792.0)


def make_campaign(root: Path, locale: str, pages: int = 1, letterhead: str = '{name: "Tibet Initiative", '
                  'address: ["Greifswalder Straße 4", "10405 Berlin", "info@example.org"]}') -> Path:
    """A campaign of one letter in `locale` to one member (`pages` 2: a body long enough for page 2)."""
    (root / "letters" / "templates").mkdir(parents=True)
    (root / "evidence.yaml").write_text(EVIDENCE, encoding="utf-8")
    (root / "recipients.yaml").write_text(
        "recipients:\n  member:\n" + PROFILES[locale] + "    as_of: 2023-10-20\n"
        "signers:\n  dolma: {name: Tenzin Dolma, title: Director, organization: Tibet Initiative}\n",
        encoding="utf-8")
    spec = (f"template: body\ndate: 2023-10-23\nto: [member]\nfrom: [dolma]\nsubject: {SUBJECT}\n"
            f"cc: [Foreign Office, Tibet Group]\nletterhead: {letterhead}\n")
    if locale != "en-US":
        spec += f"locale: {locale}\n"
    (root / "letters" / "body.yaml").write_text(spec, encoding="utf-8")
    filler = "We ask you to raise the evidence with the government and to ask it to act on it. " * 6
    body = "We write about mass DNA collection in Tibet. {{ snippet(\"dna-scale\") }}\n\n"
    body += "".join(f"{filler}\n\n" for _ in range(12 if pages > 1 else 1))
    (root / "letters" / "templates" / "body.md.j2").write_text(body, encoding="utf-8")
    return root


def draft(root: Path, *formats: str, engine: str = "typst") -> dict[str, Path]:
    out = root / "out"
    args = ["-C", str(root), "draft", "body", "--clean", "-o", str(out), "--pdf-engine", engine]
    for f in formats:
        args += ["--format", f]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return {p.suffix[1:]: p for p in out.iterdir() if p.is_file()}


def xml(docx: Path, part: str = "word/document.xml") -> str:
    return zipfile.ZipFile(docx).read(part).decode()


def pdftotext(pdf: Path, *args: str) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def page_size(pdf: Path) -> tuple[float, float]:
    """The first page's size in points, from the PDF's MediaBox."""
    box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", pdf.read_bytes())
    return float(box[3]) - float(box[1]), float(box[4]) - float(box[2])


def words_mm(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """Every word on a page with its box (x0, y0, x1, y1) in millimetres from the top left edge."""
    out = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    mm = 25.4 / 72
    return [(html.unescape(w), float(a) * mm, float(b) * mm, float(c) * mm, float(d) * mm)
            for a, b, c, d, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                            r'yMax="([\d.]+)">([^<]*)</word>', out)]


def lines_of(words, text: str, below: float = 0) -> list:
    """The boxes of the words of one line of text, in order (the first run of them on the page
    `below` millimetres from the top or lower)."""
    want = text.split()
    for i in range(len(words) - len(want) + 1):
        if [w[0] for w in words[i:i + len(want)]] == want and words[i][2] >= below:
            return words[i:i + len(want)]
    raise AssertionError(f"{text!r} not on the page: {' '.join(w[0] for w in words)}")


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_each_locale_has_its_words_paper_and_margins_in_the_docx(tmp_path, locale):
    files = draft(make_campaign(tmp_path, locale, pages=2), "docx", "txt", "md")
    subject, cc, page, date, closing = WORDS[locale]
    check_docx(files["docx"])
    document = html.unescape(xml(files["docx"]))
    for words in (subject, cc + " Foreign Office", date, closing):
        assert words in document, words
    (w, h), (top, right, bottom, left) = PAGES[locale]
    assert f'<w:pgSz w:w="{w}" w:h="{h}"/>' in document
    assert f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}"' in document
    # the page number from page 2: the locale's words around Word's PAGE field
    footer = xml(files["docx"], "word/footer1.xml")
    label = re.sub(r"<w:fldSimple[^>]*>.*?</w:fldSimple>", "{n}", footer)
    assert re.sub(r"<[^>]+>", "", label.split("?>", 1)[1]).strip() == page.replace("2", "{n}")
    assert f'<w:lang w:val="{locale}"' in xml(files["docx"], "word/styles.xml")
    # the subject is bold (the Subject style) in every locale: DIN 5008's subject has no word before it
    assert re.search(r'<w:pStyle w:val="Subject"/>(<w:spacing[^>]*/>)?</w:pPr><w:r><w:t>' + re.escape(html.escape(subject, quote=False)),
                     xml(files["docx"]))
    text = files["txt"].read_text(encoding="utf-8")
    assert f"\n{subject}\n" in text and f"\n{cc} Foreign Office\n{' ' * (len(cc) + 1)}Tibet Group\n" in text
    assert f"\n{subject}\n" in files["md"].read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_each_locale_has_its_words_paper_and_margins_in_the_typst_pdf(tmp_path, locale):
    pdf = draft(make_campaign(tmp_path, locale, pages=2), "pdf")["pdf"]
    subject, cc, page, date, closing = WORDS[locale]
    text = pdftotext(pdf, "-layout")
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    flat = " ".join(text.split())
    for words in (subject, date, closing):
        assert " ".join(words.split()) in flat, words
    assert re.search(re.escape(" ".join(cc.split())) + r"\s+Foreign Office", flat)
    assert pages[1].strip().splitlines()[-1].strip() == page       # the footer of page 2
    assert "Page 1" not in text and "Seite 1" not in text
    size = page_size(pdf)
    assert size == pytest.approx(A4_PT if PAGES[locale][0][0] == 11906 else LETTER_PT, abs=0.5)
    # the left margin: the body's lines start at the locale's margin (25 mm, or an inch)
    left = min(w[1] for w in words_mm(pdf) if w[2] > 100)
    assert left == pytest.approx(PAGES[locale][1][3] * 25.4 / 1440, abs=0.3)


def assert_in_din_field(pdf: Path, address: list[str], date: str = "23. Oktober 2023",
                        sender: str = "Tibet Initiative · Greifswalder Straße 4 · 10405 Berlin") -> None:
    """Every address line inside DIN 5008 form B's address field (45-90 mm from the top, 20-105 mm
    from the left), the return line above the address in its first 17.7 mm, the date 125 mm in."""
    words = words_mm(pdf)
    top, left = din.FIELD_TOP, din.FIELD_LEFT
    bottom, right = top + din.FIELD_HEIGHT, left + din.FIELD_WIDTH
    boxes = [lines_of(words, line) for line in address]
    for line, box in zip(address, boxes):
        for word, x0, y0, x1, y1 in box:
            assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (line, word, x0, y0, x1, y1)
    # one under the other, no blank line between them
    for a, b in zip(boxes, boxes[1:]):
        assert 0 < b[0][2] - a[0][2] < 7, (a[0], b[0])
    ret = lines_of(words, sender, below=top)
    assert top <= ret[0][2] and ret[-1][4] <= boxes[0][0][2] + 0.5 and ret[0][4] <= top + din.NOTE_ZONE + 1
    assert "info@example.org" not in " ".join(w[0] for w in ret)
    dated = lines_of(words, date)
    assert dated[0][1] == pytest.approx(din.INFO_LEFT, abs=0.5) and top <= dated[0][2] < bottom
    # the subject below the field
    subject = lines_of(words, SUBJECT)
    assert subject[0][2] > bottom


GERMAN_ADDRESS = ["Frau", "Dr. Anna Beispiel MdB", "Deutscher Bundestag", "Platz der Republik 1", "11011 Berlin"]


def test_a_german_letter_s_address_lies_in_the_din_5008_field_of_the_typst_pdf(tmp_path):
    files = draft(make_campaign(tmp_path, "de-DE"), "pdf", "docx")
    pdf = files["pdf"]
    assert_in_din_field(pdf, GERMAN_ADDRESS)
    text = " ".join(pdftotext(pdf).split())
    assert "23. Oktober 2023" in text and "Mit freundlichen Grüßen" in text
    assert "Mit freundlichen Grüßen," not in text and "Sehr geehrte Frau Dr. Beispiel," in text
    assert page_size(pdf) == pytest.approx(A4_PT, abs=0.5)
    check_docx(files["docx"])


def test_a_german_letter_s_address_lies_in_the_din_5008_field_of_the_word_file(soffice, tmp_path):
    pdf = draft(make_campaign(tmp_path, "de-DE"), "pdf", engine="libreoffice")["pdf"]
    assert_in_din_field(pdf, GERMAN_ADDRESS)
    text = " ".join(pdftotext(pdf).split())
    assert "23. Oktober 2023" in text and "Mit freundlichen Grüßen" in text


def test_a_long_din_address_takes_smaller_type_and_stays_in_the_field(tmp_path):
    """Nine lines of address (DIN 5008's most) still lie inside the field, in smaller type."""
    root = make_campaign(tmp_path, "de-DE")
    profile = root / "recipients.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "    as_of:", "    organization: Ausschuss für Menschenrechte und humanitäre Hilfe\n"
        "    address: [Sekretariat PA 17, Raum 3.101, Paul-Löbe-Haus, Konrad-Adenauer-Str. 1, 10557 Berlin]\n"
        "    as_of:"), encoding="utf-8")
    files = draft(root, "pdf", "txt")
    text = files["txt"].read_text(encoding="utf-8")
    address = text.split("\n\n")[3].splitlines() if "Frau\n" in text.split("\n\n")[3] else None
    address = address or next(p for p in text.split("\n\n") if p.startswith("Frau")).splitlines()
    assert len(address) >= 8
    assert_in_din_field(files["pdf"], address)
    assert din.address_type(len(address))[0] < 12


def test_din_5008_measures_in_the_word_file(tmp_path):
    """The table that holds page 1: the field's row 45 mm high, 20 mm from the left edge, its
    first row ending at 45 mm from the top (with the one-point paragraph before it)."""
    docx = draft(make_campaign(tmp_path, "de-DE"), "docx")["docx"]
    document = xml(docx)
    heights = [int(h) for h in re.findall(r'<w:trHeight w:val="(\d+)" w:hRule="exact"/>', document)]
    assert heights[1] == round(45 * 1440 / 25.4)
    assert heights[0] + 20 + 1417 == round(45 * 1440 / 25.4)        # spacer + top margin + row = 45 mm
    assert '<w:tblInd w:w="-283" w:type="dxa"/>' in document        # 25 mm margin - 5 mm = 20 mm
    assert 'w:styleId="ReturnLine"' in xml(docx, "word/styles.xml")


@pytest.mark.parametrize("engine", ["typst", pytest.param("libreoffice", marks=pytest.mark.slow)])
def test_a_german_letter_on_a_word_letterhead_keeps_the_field(tmp_path, engine):
    """The letterhead's header above, the field where DIN 5008 has it; the return line too long
    for the field with the organisation's name ("Congressional-Executive Commission on China")
    leaves the name out rather than wrap into the address."""
    if engine == "libreoffice":
        need(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    root = make_campaign(tmp_path, "de-DE", letterhead="letterhead.docx")
    shutil.copy(REPO / "letterheads" / "cecc-example.docx", root / "letterhead.docx")
    people = root / "recipients.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "organization: Tibet Initiative}", "organization: Tibet Initiative, "
        "address: [Greifswalder Straße 4, 10405 Berlin]}"), encoding="utf-8")
    files = draft(root, "docx", "pdf", engine=engine)
    check_docx(files["docx"])
    assert 'w:styleId="ReturnLine"' in xml(files["docx"], "word/styles.xml")
    assert_in_din_field(files["pdf"], GERMAN_ADDRESS, sender="Greifswalder Straße 4 · 10405 Berlin")


def test_en_us_letters_keep_their_layout(tmp_path):
    files = draft(make_campaign(tmp_path, "en-US"), "docx", "pdf")
    document = xml(files["docx"])
    assert "<w:tbl>" not in document.split('w:val="Salutation"')[0]      # no DIN field
    assert '<w:pStyle w:val="Date"/></w:pPr><w:r><w:t>October 23, 2023</w:t>' in document
    assert '<w:lang w:val="en-US"' in xml(files["docx"], "word/styles.xml")
    assert 'w:styleId="ReturnLine"' not in xml(files["docx"], "word/styles.xml")
    footer = xml(files["docx"], "word/footer1.xml")
    assert re.search(r'<w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:fldSimple', footer)
    words = words_mm(files["pdf"])
    raimondo = lines_of(words, "The Honorable Gina M. Raimondo")
    assert raimondo[0][1] == pytest.approx(25.4, abs=0.3)


ENVELOPES = [(("Tibet Initiative", "Greifswalder Straße 4", "10405 Berlin"),
              ("Frau", "Dr. Anna Beispiel MdB", "Deutscher Bundestag", "Platz der Republik 1", "11011 Berlin")),
             (("Tibet Initiative", "Greifswalder Straße 4", "10405 Berlin", "Germany"),
              ("Jane Smith MP", "House of Commons", "London SW1A 0AA", "United Kingdom"))]


def assert_dl(pdf: Path) -> None:
    """DL, 220 x 110 mm; each delivery address in the right half, below the stamp's 40 mm and
    15 mm above the bottom edge."""
    assert page_size(pdf) == pytest.approx((220 * 72 / 25.4, 110 * 72 / 25.4), abs=0.5)
    for page, (_sender, to) in enumerate(ENVELOPES, start=1):
        words = words_mm(pdf, page)
        for line in to:
            for word, x0, y0, x1, y1 in lines_of(words, line):
                assert 100 - 0.5 <= x0 and x1 <= 215 and 40 <= y0 and y1 <= 95, (word, x0, y0, x1, y1)
        assert lines_of(words, to[0])[0][2] == pytest.approx(55, abs=1.5)


def test_letters_abroad_get_dl_envelopes_in_typst(tmp_path):
    pdf = tmp_path / "envelopes.pdf"
    pdf.write_bytes(envelopes_pdf(ENVELOPES, size="dl", date=dt.date(2023, 10, 23)))
    assert_dl(pdf)
    us = tmp_path / "us.pdf"
    us.write_bytes(envelopes_pdf(ENVELOPES, date=dt.date(2023, 10, 23)))
    assert page_size(us) == pytest.approx((684, 297), abs=0.5)          # No. 10: 9.5 x 4.125 in


def test_letters_abroad_get_dl_envelopes_in_word(tmp_path):
    docx = tmp_path / "envelopes.docx"
    docx.write_bytes(envelopes_docx(ENVELOPES, "Tibet Initiative", dt.date(2023, 10, 23), size="dl"))
    check_docx(docx)
    assert '<w:pgSz w:w="12472" w:h="6236" w:orient="landscape"/>' in xml(docx)


def test_dl_envelopes_through_libreoffice(soffice, tmp_path):
    docx = tmp_path / "envelopes.docx"
    docx.write_bytes(envelopes_docx(ENVELOPES, "Tibet Initiative", dt.date(2023, 10, 23), size="dl"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    assert_dl(tmp_path / "envelopes.pdf")


@pytest.mark.parametrize("locale, size", [("en-US", "us10"), ("en-CA", "us10"), ("en-GB", "dl"),
                                          ("de-DE", "dl"), ("fr-FR", "dl"), ("en-AU", "dl")])
def test_the_letters_locale_chooses_the_envelope(locale, size):
    from drafter.compose.letter import Letter
    letter = Letter(title="t", author="a", date=dt.date(2023, 10, 23), date_line="", letterhead=(), addresses=(),
                    salutation="", body=(), notes=(), closing="", signatures=(), locale=locale)
    assert envelope_for([letter]) == size
    assert envelope_for([]) == "us10"


@pytest.mark.parametrize("engine", ["typst", pytest.param("libreoffice", marks=pytest.mark.slow)])
def test_a_joint_german_letter_puts_the_first_address_in_the_field_and_the_others_under_it(tmp_path, engine):
    if engine == "libreoffice":
        need(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    root = make_campaign(tmp_path, "de-DE")
    people = root / "recipients.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "signers:", "  mueller:\n    name: Hans Müller\n    role: mp\n    country: DE\n    gender: male\n"
        "    as_of: 2023-10-20\nsigners:"), encoding="utf-8")
    spec = root / "letters" / "body.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("to: [member]", "to: [member, mueller]\nmode: joint"),
                    encoding="utf-8")
    pdf = draft(root, "pdf", engine=engine)["pdf"]
    assert_in_din_field(pdf, GERMAN_ADDRESS)
    words = words_mm(pdf)
    second = lines_of(words, "Hans Müller MdB")
    subject = lines_of(words, SUBJECT)
    assert din.FIELD_TOP + din.FIELD_HEIGHT < second[0][2] < subject[0][2] - 15
    assert "Sehr geehrte Frau Dr. Beispiel, sehr geehrter Herr Müller," in " ".join(pdftotext(pdf).split())
