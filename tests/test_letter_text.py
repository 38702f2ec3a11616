"""Letter text a reviewer would sign: the subject line, and the example templates read right in
joint and one-per-recipient letters (issue 11, item 6)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from conftest import check_docx
from drafter.cli import main
from drafter.compose.render import TAG_CLOSE, TAG_OPEN, lowerfirst

SUBJECT = "Mass DNA collection in the Tibet Autonomous Region"


def draft(campaign: Path, out: Path, *args: str) -> dict[str, Path]:
    res = CliRunner().invoke(main, ["-C", str(campaign), "draft", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return {p.name: p for p in out.iterdir()}


def paragraphs(docx: Path) -> list[tuple[str, str]]:
    """(style, text) of each body paragraph."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    out = []
    for p in re.findall(r"<w:p>.*?</w:p>", xml):
        style = re.search(r'<w:pStyle w:val="([^"]+)"', p)
        out.append((style.group(1) if style else "", "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))))
    return out


def with_subject(campaign: Path, letter: str) -> None:
    spec = campaign / "letters" / f"{letter}.yaml"
    spec.write_text(spec.read_text() + f"subject: {SUBJECT}\n")


# The subject line ---------------------------------------------------------------------------

@pytest.mark.parametrize("letter", ["erc-entity-list", "erc-entity-list-letterhead"])
def test_subject_prints_a_re_line_in_its_own_style(campaign, repo, tmp_path, letter):
    import shutil
    shutil.copytree(repo / "letterheads", campaign / "letterheads")
    with_subject(campaign, letter)
    files = draft(campaign, tmp_path / "out", letter, "--format", "docx", "--format", "txt", "--format", "md")
    docx = next(p for n, p in files.items() if n.endswith(".docx"))
    check_docx(docx)
    paras = paragraphs(docx)
    styles = [s for s, _ in paras]
    at = styles.index("Subject")
    assert paras[at][1] == f"Re: {SUBJECT}"
    assert styles[at - 1] == "InsideAddress" and styles[at + 1] == "Salutation"   # between them
    with zipfile.ZipFile(docx) as z:
        style_xml = z.read("word/styles.xml").decode()
        core = z.read("docProps/core.xml").decode()
    assert re.search(r'<w:style w:type="paragraph" w:styleId="Subject"><w:name w:val="Subject"/>', style_xml)
    assert f"<dc:subject>{SUBJECT}</dc:subject>" in core
    txt = next(p for n, p in files.items() if n.endswith(".txt")).read_text()
    assert f"Washington, DC 20520\n\nRe: {SUBJECT}\n\nDear Secretaries" in txt
    md = next(p for n, p in files.items() if n.endswith(".md")).read_text()
    assert f"Washington, DC 20520\n\nRe: {SUBJECT}\n\nDear Secretaries" in md


def test_no_subject_no_re_line(campaign, tmp_path):
    files = draft(campaign, tmp_path / "out", "erc-entity-list", "--format", "docx", "--format", "txt")
    docx = next(p for n, p in files.items() if n.endswith(".docx"))
    assert "Subject" not in [s for s, _ in paragraphs(docx)]
    assert "Re:" not in next(p for n, p in files.items() if n.endswith(".txt")).read_text()


# The example templates, joint and --each ------------------------------------------------------

@pytest.fixture(scope="module")
def erc_letters(tmp_path_factory) -> dict[str, Path]:
    """The example ERC letter, joint and one per Secretary, as .docx and .txt."""
    out = tmp_path_factory.mktemp("erc")
    repo = Path(__file__).resolve().parent.parent
    files = draft(repo, out / "joint", "erc-entity-list", "--format", "docx", "--format", "txt")
    files.update(draft(repo, out / "each", "erc-entity-list", "--each", "--format", "docx", "--format", "txt"))
    return files


def letter_to(files: dict[str, Path], who: str, suffix: str) -> Path:
    return files[f"2023-10-23-erc-entity-list-{who}.{suffix}"]


def test_one_secretary_reads_your_department_and_several_your_departments(erc_letters):
    joint = letter_to(erc_letters, "raimondo-yellen-blinken", "txt").read_text()
    assert joint.count("your departments") == 3 and "your department " not in joint
    for who in ("raimondo", "yellen", "blinken"):
        text = letter_to(erc_letters, who, "txt").read_text()
        assert "your departments" not in text, who
        assert "the authorities of your department against" in text
        assert "the steps your department will take in response" in text


def test_the_secretary_of_state_is_not_quoted_to_himself_in_the_third_person(erc_letters):
    to_him = letter_to(erc_letters, "blinken", "txt").read_text()
    assert "You have already named the concern in public:" in to_him
    assert "Secretary Blinken has" not in to_him and "The Secretary of State" not in to_him
    assert "as the Department of State has done before" not in to_him
    joint = letter_to(erc_letters, "raimondo-yellen-blinken", "txt").read_text()
    assert "Secretary Blinken has already named the concern in public:" in joint


def test_one_ask_is_a_sentence_several_a_numbered_list(erc_letters):
    one = paragraphs(letter_to(erc_letters, "raimondo", "docx"))
    assert "ListNumber" not in [s for s, _ in one]
    assert any(t.startswith("We therefore ask that you add the Public Security Bureaus of the TAR") for _, t in one)
    for who, count in (("yellen", 2), ("blinken", 2), ("raimondo-yellen-blinken", 3)):
        paras = paragraphs(letter_to(erc_letters, who, "docx"))
        assert [s for s, _ in paras].count("ListNumber") == count, who
        assert ("BodyText", "We therefore ask that you:") in paras


def test_the_starter_campaign_reads_its_one_ask_as_a_sentence(tmp_path):
    root = tmp_path / "new"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    files = draft(root, tmp_path / "out", "example", "--format", "txt")
    text = next(iter(files.values())).read_text()
    assert "We ask that you add the Public Security Bureaus of the TAR" in text
    assert "\n1. Add" not in text


@pytest.mark.parametrize("before, after", [
    ("Add the bureaus.", "add the bureaus."),
    ("A letter, co-signed.", "a letter, co-signed."),
    ("TAR police must stop.", "TAR police must stop."),          # an acronym stays
    ("McGovern's bill.", "McGovern's bill."),                     # so does a name with a capital inside
    ("stop now.", "stop now."),
    ("", ""),
])
def test_lowerfirst(before, after):
    assert lowerfirst(before) == after
    tagged = Markup(f"{TAG_OPEN}ask:x{TAG_CLOSE}{before}")
    result = lowerfirst(tagged)
    assert isinstance(result, Markup) and result == Markup(f"{TAG_OPEN}ask:x{TAG_CLOSE}{after}")


def test_the_campaigns_own_text_prints_curly_quotes_wherever_it_is_typed(campaign, tmp_path):
    """Straight quotes typed in recipients.yaml (organisation, address), the spec (subject,
    signers) and a template expression print curly, like the template text beside them; a URL
    or email address in such a value does not (issue 26)."""
    recipients = campaign / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    text = text.replace("organization: U.S. Department of Commerce",
                        "organization: U.S. Department of Commerce (the \"Department\")", 1)
    text = text.replace('"1401 Constitution Avenue NW"', "\"O'Neill Building, 1401 Constitution Avenue NW\"", 1)
    text = text.replace("organization: Congressional-Executive Commission on China",
                        "organization: People's Commission", 1)
    recipients.write_text(text, encoding="utf-8")
    spec = campaign / "letters" / "erc-entity-list.yaml"
    spec.write_text(spec.read_text() + "subject: The \"TAR\" and Tibet's people\n")
    template = campaign / "letters" / "templates" / "erc-entity-list.md.j2"
    template.write_text(template.read_text() + "\n{{ \"People's\" }} view: {{ 'see https://example.org/it\\'s' }}\n")
    [letter] = draft(campaign, tmp_path / "out", "erc-entity-list", "--format", "txt").values()
    out = letter.read_text(encoding="utf-8")
    for curly in ("U.S. Department of Commerce (the “Department”)", "O’Neill Building", "Re: The “TAR” and Tibet’s people",
                  "People’s view: see https://example.org/it's"):
        assert curly in out, curly
    assert "People’s Commission" in out and "People's" not in out.replace("it's", "")
