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
