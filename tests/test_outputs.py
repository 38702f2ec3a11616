"""Outputs people use: PDF through LibreOffice, plain text and Markdown, review comments."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import check_docx
from drafter.cli import main
from drafter.formats.pdf import convert_files

REPO = Path(__file__).resolve().parent.parent
STEM = "2023-10-23-erc-entity-list-raimondo-yellen-blinken"


def run(*args, env=None):
    return CliRunner().invoke(main, ["-C", str(REPO), *map(str, args)], env=env, catch_exceptions=False)


def copy_campaign(dest: Path) -> Path:
    dest.mkdir()
    for name in ("evidence.yaml", "recipients.yaml", "asks.yaml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("letters", "letterheads"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def docx_text(path: Path) -> str:
    """The visible words of document.xml and footnotes.xml, paragraph by paragraph."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode() + z.read("word/footnotes.xml").decode()
    xml = re.sub(r"<w:(br|tab)/>", "<w:t> </w:t>", xml)
    paras = re.findall(r"<w:p[ >].*?</w:p>", xml)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paras)


def words(text: str) -> list[str]:
    """The words in order (numbers left out: note markers and list numbers are markup here)."""
    text = text.replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")
    return re.findall(r"[^\W\d_]+", text.lower())




@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    out = tmp_path_factory.mktemp("texts")
    res = run("draft", "erc-entity-list", "-o", out, "--format", "docx", "--format", "txt", "--format", "md")
    assert res.exit_code == 0, res.output
    return {s: (out / f"{STEM}.{s}") for s in ("docx", "txt", "md")}


def test_pdf_page_one_and_footnotes(soffice, tmp_path):
    res = run("draft", "erc-entity-list", "-o", tmp_path, "--format", "pdf", "--pdf-engine", "libreoffice")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{STEM}.pdf"]   # docx built in a temp dir only
    pages = pdf_pages(tmp_path / f"{STEM}.pdf")
    first = " ".join(pages[0].split())
    assert "CONGRESSIONAL-EXECUTIVE COMMISSION ON CHINA" in first.upper()
    assert "October 23, 2023" in first
    assert "Dear Secretaries Raimondo, Yellen, and Blinken:" in first
    assert "Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region" in first   # note 1, on page 1
    everything = " ".join(" ".join(pages).split())
    assert "Visa restrictions on PRC officials involved in the forcible assimilation" in everything   # described, not quoted
    assert "Jeff Merkley" in everything


def test_many_pdfs_in_one_run(soffice, tmp_path):
    start = time.monotonic()
    res = run("draft", "erc-entity-list", "--each", "-o", tmp_path, "--format", "pdf", "--format", "docx",
              "--pdf-engine", "libreoffice")
    elapsed = time.monotonic() - start
    assert res.exit_code == 0, res.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 3 and len(list(tmp_path.glob("*.docx"))) == 3
    salutations = {" ".join(pdf_pages(p)[0].split()).split("Dear ")[1].split(":")[0] for p in pdfs}
    assert salutations == {"Secretary Raimondo", "Secretary Yellen", "Secretary Blinken"}
    assert not list(tmp_path.glob(".drafter-*"))   # no temporary files left behind
    print(f"3 letters, docx+pdf: {elapsed:.2f} s")


def test_parallel_conversions_do_not_collide(soffice, tmp_path):
    """Two conversions at once, each with its own LibreOffice profile."""
    a, b = tmp_path / "a", tmp_path / "b"
    procs = [subprocess.Popen([sys.executable, "-m", "drafter", "-C", str(REPO), "draft", "erc-entity-list",
                               "-o", str(d), "--format", "pdf", "--pdf-engine", "libreoffice"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for d in (a, b)]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    assert (a / f"{STEM}.pdf").stat().st_size > 10_000 and (b / f"{STEM}.pdf").stat().st_size > 10_000


def test_missing_libreoffice_names_the_package(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "out"
    # The installers' places are looked for under this (empty) root instead of /.
    monkeypatch.setattr("drafter.formats.pdf.INSTALL_ROOT", empty)
    res = run("draft", "erc-entity-list", "-o", out, "--format", "pdf", "--format", "docx",
              "--pdf-engine", "libreoffice", env={"PATH": str(empty), "DRAFTER_SOFFICE": "", "HOME": str(empty)})
    assert res.exit_code == 1
    assert "libreoffice-writer" in res.output and "Traceback" not in res.output
    # the PDF's failure costs no Word letter; the PDF alone leaves nothing, not even the folder
    assert [p.suffix for p in out.iterdir()] == [".docx"] and "the other files were written" in res.output
    res = run("draft", "erc-entity-list", "-o", tmp_path / "alone", "--format", "pdf", "--pdf-engine", "libreoffice",
              env={"PATH": str(empty), "DRAFTER_SOFFICE": "", "HOME": str(empty)})
    assert res.exit_code == 1 and "libreoffice-writer" in res.output
    assert not (tmp_path / "alone").exists()


def test_txt_and_md_have_the_words_of_the_docx(texts):
    docx = words(docx_text(texts["docx"]))
    txt = texts["txt"].read_text()
    md = texts["md"].read_text()
    assert "\n\nSources\n\n" in txt
    assert words(txt.replace("\n\nSources\n\n", "\n\n")) == docx
    assert words(md) == docx
    assert len(set(docx)) > 250 and len(docx) > 600


def test_txt_has_no_markup(texts):
    txt = texts["txt"].read_text()
    assert not re.search(r"\*|_|\[\^|\]\(|<https?:|^#|^>|\\$|\ue000|\ue001", txt, re.M)
    assert "\n\nSources\n\n1.  Emile Dirks, Mass DNA Collection" in txt
    assert "\n1. Add the Public Security Bureaus of the TAR" in txt          # the asks, numbered
    assert "Washington, DC 20230\n\nThe Honorable Janet L. Yellen" in txt
    assert "Sincerely,\n\nChristopher H. Smith\nChair\n" in txt
    # No width by default: each paragraph is one line (for web forms).
    assert any(line.startswith("Between June 2016 and July 2022") and line.endswith("investigation.[3]")
               for line in txt.splitlines())


def test_wrap_width(tmp_path):
    res = run("draft", "erc-entity-list", "-o", tmp_path, "--format", "txt", "--wrap", "60")
    assert res.exit_code == 0, res.output
    lines = (tmp_path / f"{STEM}.txt").read_text().splitlines()
    assert all(len(line) <= 60 or " " not in line.strip() for line in lines)
    assert max(len(line) for line in lines) > 55


def test_markdown_footnotes_pandoc_style(texts):
    md = texts["md"].read_text()
    refs = re.findall(r"\[\^(\d+)\](?!:)", md)
    defs = re.findall(r"^\[\^(\d+)\]: ", md, re.M)
    assert len(refs) >= 6 and refs == defs == [str(i) for i in range(1, len(refs) + 1)]
    assert "<https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/>" in md
    assert "*Mass DNA Collection in the Tibet Autonomous Region from 2016–2022*" in md
    assert "The Honorable Gina M. Raimondo\\\nSecretary of Commerce\\\n" in md
    from markdown_it import MarkdownIt
    html = MarkdownIt("commonmark").render(md)
    assert "<ol>" in html and "<blockquote>" in html


def test_markdown_escapes_data(tmp_path):
    from drafter.compose.letter import Block, Letter, Note, NoteRef, Text
    from drafter.formats.text import letter_markdown, letter_text
    import datetime as dt
    letter = Letter(title="t", author="a", date=dt.date(2024, 1, 2), date_line="January 2, 2024",
                    letterhead=(), addresses=(), salutation="Dear *Friends*:",
                    body=(Block("para", (Text("1. not a list <b> [x](y) "), Text("em", style="Emphasis"),
                                         NoteRef(1))),),
                    notes=(Note(1, (Text("See "), Text("https://e.org/a_b", link="https://e.org/a_b"))),),
                    closing="Yours,", signatures=(("A",),))
    md = letter_markdown(letter)
    assert "Dear \\*Friends\\*:" in md and "1\\. not a list \\<b\\> \\[x\\](y) *em*[^1]" in md
    assert "[^1]: See <https://e.org/a_b>" in md
    assert "Dear *Friends*:" in letter_text(letter) and "Sources\n\n1. See https://e.org/a_b" in letter_text(letter)


# Review comments ---------------------------------------------------------------------------

def comments_of(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        if "word/comments.xml" not in z.namelist():
            return []
        xml = z.read("word/comments.xml").decode()
    return [re.sub(r"<[^>]+>", "", c).replace("&apos;", "'") for c in re.findall(r"<w:comment .*?</w:comment>", xml)]


def test_comments_pass_docx_check_and_show_in_libreoffice(soffice, texts, tmp_path):
    docx = texts["docx"]
    notes = comments_of(docx)
    assert "Evidence 'dna-method': never verified (no 'verified' date); check it against its source before sending." in notes
    assert not any("dna-scale" in n for n in notes)      # verified 2023-10-20, three days before the letter
    assert f"{len(notes)} comments" in check_docx(docx)
    # The comment hangs on the sentence its note supports, up to the note marker.
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode()
    # (Comment ids follow the footnote ids: LibreOffice confuses a comment and a note sharing one.)
    anchored = re.search(r'<w:commentRangeStart w:id="(\d+)"/>(.*?)<w:commentRangeEnd w:id="\1"/>', body).group(2)
    assert "The estimate rests on 100 publicly available sources" in anchored
    assert anchored.endswith('<w:footnoteReference w:id="2"/></w:r>')
    # LibreOffice reads them: its OpenDocument export carries each one as an annotation.
    shutil.copy(docx, tmp_path / "letter.docx")
    odt = convert_files([tmp_path / "letter.docx"], tmp_path, target="odt", suffix=".odt")[0]
    with zipfile.ZipFile(odt) as z:
        content = z.read("content.xml").decode()
    shown = re.findall(r"<office:annotation [^>]*>.*?<text:p>(.*?)</text:p>", content)
    assert [s.replace("&apos;", "'") for s in shown] == notes


def test_clean_has_no_comments(tmp_path):
    res = run("draft", "erc-entity-list", "-o", tmp_path, "--clean")
    assert res.exit_code == 0, res.output
    path = tmp_path / f"{STEM}.docx"
    assert comments_of(path) == []
    with zipfile.ZipFile(path) as z:
        assert "comment" not in z.read("word/document.xml").decode()
        assert "comments" not in z.read("[Content_Types].xml").decode()
    assert "0 comments" in check_docx(path)


def test_staleness_is_judged_at_the_letter_date(tmp_path):
    """A letter dated 2026 flags evidence verified in 2023; the 2023 letter does not."""
    camp = copy_campaign(tmp_path / "c")
    spec = (camp / "letters" / "erc-entity-list.yaml").read_text().replace("date: 2023-10-23", "date: 2026-01-15")
    (camp / "letters" / "late.yaml").write_text(spec)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["-C", str(camp), "draft", "late", "-o", str(out)])
    assert res.exit_code == 0, res.output
    notes = comments_of(next(out.glob("*.docx")))
    assert any(n.startswith("Evidence 'dna-scale': verified 2023-10-20, 818 days ago") for n in notes)
    assert any("Source 'citizenlab-2022': accessed 2023-10-20" in n for n in notes)
    assert any("Profile 'raimondo'" in n for n in notes)       # the recipient profiles, too
    assert "warning: Profile 'raimondo'" in res.output


def test_ask_to_confirm_carries_a_comment(tmp_path):
    camp = copy_campaign(tmp_path / "c")
    asks = (camp / "asks.yaml").read_text()
    confirm = "Treasury designates in consultation with State: confirm who acts on this ask."
    asks = asks.replace("    authority: Executive Order 13818 (designations by the Secretary of the Treasury)\n",
                        "    authority: Executive Order 13818 (designations by the Secretary of the Treasury)\n"
                        f"    confirm: \"{confirm}\"\n")
    (camp / "asks.yaml").write_text(asks)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["-C", str(camp), "draft", "erc-entity-list", "-o", str(out)])
    assert res.exit_code == 0, res.output
    path = next(out.glob("*.docx"))
    assert confirm in comments_of(path)
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    para = next(p for p in re.findall(r"<w:p>.*?</w:p>", body) if "Impose Global Magnitsky" in p)
    assert "<w:commentRangeStart" in para and "<w:commentReference" in para
    check_docx(path)


def test_a_hung_libreoffice_is_ended_with_its_children(tmp_path, monkeypatch):
    import os
    import time

    from drafter.formats.pdf import convert_files
    from drafter.errors import ConversionError
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 61.25 &\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake))
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"x")
    with pytest.raises(ConversionError, match="did not finish"):
        convert_files([doc], tmp_path, timeout=1)
    time.sleep(0.2)

    def cmdline(pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                return fh.read()
        except OSError:      # gone meanwhile
            return b""
    alive = [p for p in os.listdir("/proc") if p.isdigit() and b"61.25" in cmdline(p)]
    assert alive == []
    assert not (tmp_path / "a.pdf").exists()
