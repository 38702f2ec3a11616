"""Letter layout as a reader sees it in the PDF: the closing never stranded (issue 11, item 2)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, check_docx
from drafter.cli import main
from drafter.formats.pdf import convert_files

# Paragraphs of one, two and three lines in turn, so that as the body grows paragraph by
# paragraph its end passes every line position of a page.
SENTENCE = "This is sentence {{ j }} of paragraph {{ i }}, which is here to fill the page. "
TEMPLATE = """{% for i in range(1, vars.paragraphs + 1) %}
Paragraph {{ i }}. {% for j in range(1, 3 * (i % 3) + 2) %}""" + SENTENCE + """{% endfor %}

{{ "" }}
{% endfor %}"""
SIGNERS = {  # four signers: two rows of signature blocks
    "a": "{name: Ada Signer-One, title: Chair, organization: Congressional-Executive Commission on China}",
    "b": "{name: Ben Signer-Two, title: Cochair, organization: Congressional-Executive Commission on China}",
    "c": "{name: Cy Signer-Three, title: Member, organization: Congressional-Executive Commission on China}",
    "d": "{name: Di Signer-Four, title: Member, organization: Congressional-Executive Commission on China}",
}


def layout_campaign(root: Path, counts: range, signers: list[str]) -> Path:
    root.mkdir()
    for name in ("evidence.yaml", "asks.yaml"):
        shutil.copy(REPO / name, root / name)
    recipients = (REPO / "recipients.yaml").read_text().replace(
        "signers:\n", "signers:\n" + "".join(f"  {k}: {v}\n" for k, v in SIGNERS.items()), 1)
    (root / "recipients.yaml").write_text(recipients)
    (root / "letters" / "templates").mkdir(parents=True)
    (root / "letters" / "templates" / "filler.md.j2").write_text(TEMPLATE)
    for n in counts:
        (root / "letters" / f"len{n:02d}.yaml").write_text(
            f"template: filler\ndate: 2023-10-23\nto: [raimondo, yellen]\nmode: joint\n"
            f"from: [{', '.join(signers)}]\nletterhead: [\"Congressional-Executive Commission on China\"]\n"
            f"output: \"len{n:02d}\"\nvars: {{paragraphs: {n}}}\n")
    return root


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.rstrip("\f").split("\f")


@pytest.mark.slow
@pytest.mark.parametrize("signers", [["a", "b", "c", "d"], ["a"]], ids=["four-signers", "one-signer"])
def test_the_closing_shares_its_page_with_the_body_and_every_signature(soffice, tmp_path, signers):
    counts = range(1, 31)
    root = layout_campaign(tmp_path / "campaign", counts, signers)
    out = tmp_path / "out"
    for n in counts:
        res = CliRunner().invoke(main, ["-C", str(root), "draft", f"len{n:02d}", "-o", str(out), "--clean"])
        assert res.exit_code == 0, res.output
    docx = [out / f"len{n:02d}.docx" for n in counts]
    check_docx(docx[0], docx[-1])
    names = [SIGNERS[s].split(",")[0].removeprefix("{name: ") for s in signers]
    page_counts = set()
    for n, pdf in zip(counts, convert_files(docx, tmp_path / "pdf")):
        pages = pages_of(pdf)
        page_counts.add(len(pages))
        [page] = [p for p in pages if "Sincerely," in p]
        before, after = page.split("Sincerely,")
        assert f"paragraph {n}," in before or f"Paragraph {n}." in before, \
            f"{n} paragraphs: the closing starts page {pages.index(page) + 1} without body text"
        for name in names:
            assert name in after, f"{n} paragraphs: {name}'s signature is not on the closing's page"
    assert {1, 2, 3} <= page_counts      # the body's end crossed at least two page breaks


# --- signature blocks never break the organisation's name (issue 26) ---------------------------

def _signature_lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.split("Sincerely,")[1].splitlines() if ln.strip()]


@pytest.mark.slow
def test_the_example_letters_never_break_the_organisation_in_a_signature_block(soffice, campaign, tmp_path):
    """"Congressional-Executive Commission on China" does not fit half the width: the blocks are
    stacked, each line whole, in the Word file (rendered by LibreOffice) and in text; a shorter
    name still goes side by side."""
    out = tmp_path / "out"
    shutil.copytree(REPO / "letterheads", campaign / "letterheads")
    for spec in ("erc-entity-list", "erc-entity-list-letterhead", "company-ceo"):
        res = CliRunner().invoke(main, ["-C", str(campaign), "draft", spec, "--clean", "--format", "docx",
                                        "--format", "txt", "-o", str(out / spec)])
        assert res.exit_code == 0, res.output
    docx = sorted(out.glob("*/*.docx"))
    check_docx(*docx)
    for pdf, txt in zip(convert_files(docx, tmp_path / "pdf"), sorted(out.glob("*/*.txt"))):
        [page] = [p for p in pages_of(pdf) if "Sincerely," in p]
        lines = _signature_lines(page)
        assert lines.count("Congressional-Executive Commission on China") >= 2, lines
        assert not any(ln.endswith("Commission on") or ln == "China" for ln in lines), lines
        text = txt.read_text()
        assert text.count("\nCongressional-Executive Commission on China\n") >= 2


@pytest.mark.slow
def test_blocks_that_fit_half_the_width_stay_side_by_side(soffice, tmp_path):
    root = layout_campaign(tmp_path / "campaign", range(1, 2), ["a", "b"])
    recipients = root / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace(
        "organization: Congressional-Executive Commission on China}", "organization: International Campaign for Tibet}"))
    res = CliRunner().invoke(main, ["-C", str(root), "draft", "len01", "--clean", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    [pdf] = convert_files([tmp_path / "out" / "len01.docx"], tmp_path / "pdf")
    [page] = [p for p in pages_of(pdf) if "Sincerely," in p]
    lines = _signature_lines(page)
    assert lines[0].split() == ["Ada", "Signer-One", "Ben", "Signer-Two"], lines
    assert lines[2].split("  ")[0] == "International Campaign for Tibet" and lines[2].endswith("for Tibet"), lines


def test_signature_blocks_are_stacked_only_when_a_line_would_not_fit():
    from drafter.formats.docx.build import TEXT_WIDTH, fits_side_by_side
    cecc = ("Christopher H. Smith", "Chair", "Congressional-Executive Commission on China")
    ict = ("Dana Example", "President", "International Campaign for Tibet")
    assert not fits_side_by_side((cecc, cecc), TEXT_WIDTH)
    assert fits_side_by_side((ict, ict), TEXT_WIDTH)
    assert not fits_side_by_side((("MMMMMMMM WWWWWWW MMM",),) * 2, TEXT_WIDTH)   # capitals are wide
