"""drafter draft: the core path from a campaign folder to a Word letter with footnotes."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO as REPO_ROOT, docx_check, docx_text, pdf_text
from drafter.cli import main


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def drafts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.docx"))


def test_joint_letter_has_real_footnotes(campaign, tmp_path, shared):
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "letters/erc-entity-list.yaml", "-o", str(out))
    assert result.exit_code == 0, result.output
    [path] = drafts(out)
    assert str(path) in result.output
    report = docx_check(shared, path)
    footnotes = int(re.search(r"(\d+) footnotes", report).group(1))
    assert footnotes >= 6
    notes = docx_text(path, "word/footnotes.xml")
    titles = ["Mass DNA Collection in the Tibet Autonomous Region", "China: New Evidence of Mass DNA Collection",
              "Freedom in the World 2023", "Exec. Order No. 13818", "15 C.F.R. § 744.11"]
    assert sum(t in notes for t in titles) >= 4


def test_joint_letter_renders_in_libreoffice(campaign, tmp_path, soffice):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(out)).exit_code == 0
    [path] = drafts(out)
    text = " ".join(pdf_text(soffice, path, tmp_path).split())
    for expected in ["Dear Secretaries Raimondo, Yellen, and Blinken:", "The Honorable Gina M. Raimondo",
                     "The Honorable Janet L. Yellen", "The Honorable Antony J. Blinken", "October 23, 2023",
                     "Mass DNA Collection in the Tibet Autonomous Region from 2016–2022",
                     "China: New Evidence of Mass DNA Collection in Tibet",
                     "Christopher H. Smith", "Chair", "Jeff Merkley", "Cochair", "Sincerely,"]:
        assert expected in text, expected


def test_each_writes_one_letter_per_recipient(campaign, tmp_path, shared):
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "erc-entity-list", "--each", "-o", str(out))
    assert result.exit_code == 0, result.output
    paths = drafts(out)
    assert len(paths) == 3
    docx_check(shared, *paths)
    for name in ("Raimondo", "Yellen", "Blinken"):
        [path] = [p for p in paths if name.lower() in p.name]
        text = docx_text(path)
        assert f"Dear Secretary {name}:" in text
        assert text.count("The Honorable") == 1


def test_joint_flag_overrides_each_spec(campaign, tmp_path):
    spec = campaign / "letters" / "erc-entity-list.yaml"
    spec.write_text(spec.read_text().replace("mode: joint", "mode: each"))
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(out)).exit_code == 0
    assert len(drafts(out)) == 3
    out2 = tmp_path / "joint"
    assert run(campaign, "draft", "erc-entity-list", "--joint", "-o", str(out2)).exit_code == 0
    assert len(drafts(out2)) == 1


def test_asks_follow_each_recipients_authority(campaign, tmp_path):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "erc-entity-list", "--each", "-o", str(out)).exit_code == 0
    text = {p.name: docx_text(p) for p in drafts(out)}
    commerce = next(v for k, v in text.items() if "raimondo" in k)
    treasury = next(v for k, v in text.items() if "yellen" in k)
    state = next(v for k, v in text.items() if "blinken" in k)
    assert "Entity List through the End-User Review Committee" in commerce
    assert "Global Magnitsky" not in commerce
    assert "Global Magnitsky" in treasury
    assert "Impose visa restrictions" in state and "Impose visa restrictions" not in commerce
    out2 = tmp_path / "joint"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(out2)).exit_code == 0
    joint = docx_text(drafts(out2)[0])
    assert joint.count("Impose Global Magnitsky sanctions") == 1
    assert joint.count("to the\nEntity List") + joint.count("to the Entity List through") == 1


def test_ceo_letter(campaign, tmp_path, shared):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "company-ceo", "-o", str(out)).exit_code == 0
    [path] = drafts(out)
    docx_check(shared, path)
    text = docx_text(path)
    assert "Dear Mr. Casper:" in text
    assert "The Honorable" not in text
    assert "Marc N. Casper\nPresident and Chief Executive Officer\nThermo Fisher Scientific\n168 Third Avenue\n" \
           "Waltham, MA 02451" in text


@pytest.mark.parametrize("letter", ["erc-entity-list", "company-ceo"])
def test_no_placeholders_or_empty_fields(campaign, tmp_path, letter):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", letter, "--each", "-o", str(out)).exit_code == 0
    for path in drafts(out):
        for part in ("word/document.xml", "word/footnotes.xml"):
            text = docx_text(path, part)
            for bad in ("{{", "}}", "{%", "None", "undefined", "\ue000"):
                assert bad not in text, (path.name, part, bad)
        body = docx_text(path)
        assert "\n\n\n" not in body.strip()


def test_unknown_variable_fails_with_template_line(campaign, tmp_path):
    template = campaign / "letters" / "templates" / "erc-entity-list.md.j2"
    lines = template.read_text().splitlines()
    lines.insert(4, "The {{ secretary_name }} said so.")
    template.write_text("\n".join(lines) + "\n")
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "erc-entity-list", "-o", str(out))
    assert result.exit_code == 1
    assert f"{template}:5:" in result.output
    assert "secretary_name" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not list(out.iterdir())


def test_unknown_evidence_id_suggests(campaign, tmp_path):
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text(template.read_text().replace('snippet("dna-scale")', 'snippet("dna-scal")'))
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "company-ceo", "-o", str(out))
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(template.read_text().splitlines(), 1) if '"dna-scal"' in text)
    assert f"{template}:{line}:" in result.output
    assert "unknown snippet 'dna-scal'" in result.output and "did you mean 'dna-scale'?" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_sandbox_refuses_python_internals(campaign, tmp_path):
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text("{{ recipient.__class__.__mro__ }}\n" + template.read_text())
    result = run(campaign, "draft", "company-ceo", "-o", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_never_overwrites_without_force(campaign, tmp_path):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "company-ceo", "-o", str(out)).exit_code == 0
    [path] = drafts(out)
    path.write_bytes(b"edited by hand")
    result = run(campaign, "draft", "company-ceo", "-o", str(out))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert path.read_bytes() == b"edited by hand"
    assert run(campaign, "draft", "company-ceo", "-o", str(out), "--force").exit_code == 0
    assert zipfile.is_zipfile(path)
    assert not [p for p in out.iterdir() if p.name.startswith(".drafter-")]


def test_interrupted_write_leaves_nothing(campaign, tmp_path, monkeypatch):
    import os

    from drafter.output import files as write
    out = tmp_path / "drafts"

    def killed(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        from drafter.commands.draft import draft
        draft(campaign, "company-ceo", out)
    assert os.listdir(out) == []


def test_document_properties_come_from_the_letter(campaign, tmp_path):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(out)).exit_code == 0
    [path] = drafts(out)
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "<dc:title>Letter to Secretaries Raimondo, Yellen, and Blinken</dc:title>" in core
    assert "<dc:creator>Congressional-Executive Commission on China</dc:creator>" in core
    assert "2023-10-23T00:00:00Z" in core
    import getpass
    import socket
    package = zipfile.ZipFile(path)
    # review comments are signed "drafter review" (the editor's notes, not the sender's); nothing else names drafter
    everything = b"".join(package.read(n) for n in package.namelist() if n != "word/comments.xml").decode()
    comments = package.read("word/comments.xml").decode().replace('w:author="drafter review"', "")
    for leak in ("python-docx", "drafter", getpass.getuser(), socket.gethostname(), str(tmp_path), str(Path.home())):
        assert leak not in everything and leak not in comments, leak


def test_same_input_same_bytes(campaign, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(a)).exit_code == 0
    assert run(campaign, "draft", "erc-entity-list", "-o", str(b)).exit_code == 0
    assert drafts(a)[0].read_bytes() == drafts(b)[0].read_bytes()


def test_markdown_features_become_named_styles(campaign, tmp_path, shared):
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text(
        "Plain *emphasis* and **strong** text {{ cite('hrw-2022') }}.\n\n"
        "- first bullet\n- second bullet\n\n"
        "1. one\n2. two\n\n"
        "> a quotation {{ snippet('dna-scale') }}\n\n"
        "Last paragraph for {{ recipient.name }}: a & b < c.\n")
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "company-ceo", "-o", str(out))
    assert result.exit_code == 0, result.output
    [path] = drafts(out)
    docx_check(shared, path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    for style in ("Emphasis", "Strong", "ListBullet", "ListNumber", "Quote", "BodyText", "InsideAddress",
                  "Salutation", "Closing", "Signature", "Date", "LetterheadRule"):
        assert f'w:val="{style}"' in xml, style
    # the note marker follows the sentence's punctuation
    assert re.search(r"text\.</w:t></w:r><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"", xml)
    assert "a &amp; b &lt; c." in xml


def test_notes_numbered_in_order_full_then_short(campaign, tmp_path):
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text("First {{ cite('hrw-2022') }} then {{ cite('citizenlab-2022', locator=4) }} "
                        "and again {{ cite('hrw-2022') }}\n")
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "company-ceo", "-o", str(out)).exit_code == 0
    notes = docx_text(drafts(out)[0], "word/footnotes.xml").strip().splitlines()
    notes = [n for n in notes if n.strip()]
    assert notes[0].strip().startswith("Human Rights Watch, “China: New Evidence")
    assert "September 5, 2022" in notes[0]
    assert notes[1].strip().startswith("Emile Dirks,") and ", 4," in notes[1]
    assert notes[2].strip() == "Human Rights Watch, “DNA Collection in Tibet.”"   # title-short
    xml = zipfile.ZipFile(drafts(out)[0]).read("word/footnotes.xml").decode()
    assert "<w:i/>" in xml                      # the report's title in italics
    rels = zipfile.ZipFile(drafts(out)[0]).read("word/_rels/footnotes.xml.rels").decode()
    assert "https://www.hrw.org/news/2022/09/05/china-new-evidence-mass-dna-collection-tibet" in rels


def test_citation_style_by_name_and_unknown_style(campaign, tmp_path):
    spec = campaign / "letters" / "company-ceo.yaml"
    spec.write_text(spec.read_text() + "citation_style: modern-language-association\n")
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "company-ceo", "-o", str(out)).exit_code == 0
    notes = docx_text(drafts(out)[0], "word/footnotes.xml")
    assert "Dirks, Emile" in notes
    spec.write_text(spec.read_text().replace("modern-language-association", "chicago-notez"))
    result = run(campaign, "draft", "company-ceo", "-o", str(tmp_path / "x"))
    assert result.exit_code == 1 and "unknown citation style" in result.output


def test_stale_profile_gets_a_comment_and_clean_drops_it(campaign, tmp_path, shared):
    recipients = campaign / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("as_of: 2022-12-15", "as_of: 2020-01-01"))
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "company-ceo", "-o", str(out))
    assert result.exit_code == 0
    assert "casper" in result.output and "confirm" in result.output
    [path] = drafts(out)
    docx_check(shared, path)
    assert "last confirmed on 2020-01-01" in docx_text(path, "word/comments.xml")
    clean = tmp_path / "clean"
    assert run(campaign, "draft", "company-ceo", "--clean", "-o", str(clean)).exit_code == 0
    assert "word/comments.xml" not in zipfile.ZipFile(drafts(clean)[0]).namelist()


def test_templates_list(repo):
    result = run(repo, "templates", "list")
    assert result.exit_code == 0
    assert "erc-entity-list" in result.output and "company-ceo" in result.output


def test_python_dash_m(repo, tmp_path):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "drafter", "--help"], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0 and "draft" in result.stdout


def test_python_docx_reads_the_named_styles(campaign, tmp_path):
    docx = pytest.importorskip("docx")
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "erc-entity-list", "-o", str(out)).exit_code == 0
    document = docx.Document(str(drafts(out)[0]))
    styles = [p.style.name for p in document.paragraphs]
    for name in ("Date", "Inside Address", "Salutation", "Body Text", "List Number", "Quote", "Closing"):
        assert name in styles, name
    assert document.core_properties.author == "Congressional-Executive Commission on China"
    assert document.paragraphs[styles.index("Salutation")].text == "Dear Secretaries Raimondo, Yellen, and Blinken:"


def test_the_sentence_before_a_list_stays_with_it(campaign, tmp_path):
    out = tmp_path / "drafts"
    assert run(campaign, "draft", "company-ceo", "-o", str(out)).exit_code == 0
    xml = zipfile.ZipFile(drafts(out)[0]).read("word/document.xml").decode()
    lead_in = re.search(r'<w:p><w:pPr><w:pStyle w:val="BodyText"/>(<w:keepNext/>)?</w:pPr>(?:(?!</w:p>).)*?'
                        r'We ask\s*(?:(?!</w:p>).)*?</w:p>', xml)
    assert lead_in and lead_in.group(1), "the lead-in paragraph should keep with the list"


def test_a_killed_draft_leaves_no_docx_and_the_next_run_clears_its_temp_file(campaign, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    out = tmp_path / "drafts"
    out.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # A temp file of a live process (another run writing here) must be left alone.
        (out / f".drafter-{live.pid}-abc.part").write_bytes(b"PK half")
        # Kill a real draft while it runs: whatever it left, no .docx is partial.
        proc = subprocess.Popen([sys.executable, "-m", "drafter", "-C", str(campaign), "draft", "erc-entity-list",
                                 "--each", "-o", str(out)], cwd=REPO_ROOT,
                                env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
        time.sleep(0.6)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for path in drafts(out):
            assert zipfile.ZipFile(path).testzip() is None
        (out / f".drafter-{proc.pid}-xyz.part").write_bytes(b"PK half")   # as a kill mid-write leaves it
        result = run(campaign, "draft", "erc-entity-list", "--each", "-o", str(out), "--force")
        assert result.exit_code == 0, result.output
        left = sorted(p.name for p in out.glob(".drafter-*"))
        assert left == [f".drafter-{live.pid}-abc.part"]
    finally:
        live.kill()
        live.wait()


def test_a_committee_letter_addresses_its_chair_by_title(campaign, tmp_path):
    recipients = campaign / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("recipients:\n", """recipients:
  risch:
    name: James E. Risch
    role: senator
    state: ID
    address: ["483 Russell Senate Office Building", "Washington, DC 20510"]
    committees: [{id: SSFR, name: Committee on Foreign Relations, title: Chairman}]
    as_of: 2023-10-01
  shaheen:
    name: Jeanne Shaheen
    role: senator
    state: NH
    address: ["506 Hart Senate Office Building", "Washington, DC 20510"]
    committees: [{id: SSFR, name: Committee on Foreign Relations, title: Ranking Member}]
    as_of: 2023-10-01
""", 1))
    (campaign / "letters" / "ssfr.yaml").write_text(
        "template: company-ceo\ndate: 2023-10-23\nto: [{membership: SSFR}]\nfrom: [smith]\n"
        "committee: SSFR\nmode: each\n")
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text("We write about {{ snippet('dna-scale') }}\n")
    out = tmp_path / "drafts"
    result = run(campaign, "draft", "ssfr", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = "\n".join(docx_text(p) for p in drafts(out))
    assert "Dear Chairman Risch:" in text and "Dear Ranking Member Shaheen:" in text
    joint = run(campaign, "draft", "ssfr", "--joint", "-o", str(tmp_path / "joint"))
    assert joint.exit_code == 0, joint.output
    assert "Dear Chairman Risch and Ranking Member Shaheen:" in docx_text(drafts(tmp_path / "joint")[0])
