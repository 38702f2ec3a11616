"""Review comments read right outside Word: LibreOffice shows the same letter with and without
them, and a LibreOffice re-save keeps the footnotes and the comments' dates (issue 11, item 1)."""
from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, check_docx
from drafter.cli import main
from drafter.formats.pdf import convert_files

LATE = "2025-06-02"      # the evidence of the example campaign is due for review by then
CONFIRM = "Treasury designates in consultation with State: confirm who acts on this ask."


def late_campaign(root: Path) -> Path:
    """The example campaign with its letters re-dated and an ask to confirm, so that every kind of
    review comment appears: stale profiles, unverified and stale evidence, stale sources, asks."""
    root.mkdir()
    for name in ("evidence.yaml", "recipients.yaml", "asks.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("letters", "letterheads"):
        shutil.copytree(REPO / name, root / name)
    for spec in (root / "letters").glob("*.yaml"):
        text = re.sub(r"^date: \d{4}-\d\d-\d\d", f"date: {LATE}", spec.read_text(), flags=re.M)
        spec.write_text(text)
    asks = (root / "asks.yaml").read_text()
    anchor = "    authority: Executive Order 13818 (designations by the Secretary of the Treasury)\n"
    assert anchor in asks
    (root / "asks.yaml").write_text(asks.replace(anchor, anchor + f'    confirm: "{CONFIRM}"\n'))
    return root


def draft(root: Path, out: Path, *args: str) -> list[Path]:
    res = CliRunner().invoke(main, ["-C", str(root), "draft", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return sorted(out.glob("*.docx"))


def notes_in_order(path: Path) -> list[str]:
    """Each footnote's text, in the order the body refers to them."""
    with zipfile.ZipFile(path) as z:
        body, notes = z.read("word/document.xml").decode(), z.read("word/footnotes.xml").decode()
    text = {}
    for attrs, inner in re.findall(r"<w:footnote\b([^>]*)>(.*?)</w:footnote>", notes, re.S):
        nid = re.search(r'w:id="(-?\d+)"', attrs).group(1)
        text[nid] = " ".join(html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", inner))).split())
    return [text[i] for i in re.findall(r'<w:footnoteReference w:id="(\d+)"', body)]


def comment_attrs(path: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/comments.xml").decode()
    return [dict(re.findall(r'w:(\w+)="([^"]*)"', attrs)) for attrs in re.findall(r"<w:comment (.*?)>", xml)]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """The example letters (joint, one per recipient, on the Word letterhead, to a company), late,
    with comments and --clean."""
    tmp = tmp_path_factory.mktemp("late")
    root = late_campaign(tmp / "campaign")
    pairs = []
    for i, args in enumerate([("erc-entity-list",), ("erc-entity-list", "--each"),
                              ("erc-entity-list-letterhead",), ("company-ceo",)]):
        commented = draft(root, tmp / f"c{i}", *args)
        clean = draft(root, tmp / f"k{i}", *args, "--clean")
        pairs += list(zip(commented, clean))
    return pairs


def test_comments_carry_the_letter_date_and_are_drafters_not_the_senders(drafts):
    kinds = set()
    for commented, _clean in drafts:
        attrs = comment_attrs(commented)
        assert attrs and all(a["date"] == f"{LATE}T00:00:00Z" for a in attrs)
        # a draft emailed as it is must not show the sender doubting its own facts
        assert {(a["author"], a["initials"]) for a in attrs} == {("drafter review", "DR")}
        with zipfile.ZipFile(commented) as z:
            words = z.read("word/comments.xml").decode()
        kinds |= {k for k in ("Profile '", "Evidence '", "Source '", CONFIRM) if k in html.unescape(words)}
    assert kinds == {"Profile '", "Evidence '", "Source '", CONFIRM}     # every kind of review comment


def test_draft_says_how_many_comments_each_file_holds_and_how_to_get_a_copy_to_send(tmp_path):
    root = late_campaign(tmp_path / "campaign")
    res = CliRunner().invoke(main, ["-C", str(root), "draft", "erc-entity-list", "--each", "-o", str(tmp_path / "o"),
                                    "--format", "docx", "--format", "txt"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()         # each Word file's path, then its count
    said = {Path(lines[i - 1]).name: int(m.group(1)) for i, line in enumerate(lines)
            if (m := re.fullmatch(r"  (\d+) review comments? for its editor; --clean writes a copy to send", line))}
    files = sorted((tmp_path / "o").glob("*.docx"))
    assert len(files) == 3 and set(said) == {f.name for f in files}
    for f in files:
        assert said[f.name] == len(comment_attrs(f)) > 0
    assert res.stdout.splitlines() == [ln for ln in lines if not ln.startswith(("  ", "warning: "))]   # paths only
    res = CliRunner().invoke(main, ["-C", str(root), "draft", "erc-entity-list", "-o", str(tmp_path / "k"), "--clean"])
    assert res.exit_code == 0 and "review comment" not in res.output


@pytest.mark.slow
def test_libreoffice_shows_the_same_letter_with_comments_as_without(soffice, drafts, tmp_path):
    commented = [c for c, _ in drafts]
    clean = [k for _, k in drafts]
    for i, path in enumerate(commented + clean):      # unique names: one LibreOffice run for all
        shutil.copy(path, tmp_path / f"{i}.docx")
    n = len(commented)
    pdfs = convert_files([tmp_path / f"{i}.docx" for i in range(2 * n)], tmp_path)
    import subprocess
    text = [subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True,
                           check=True).stdout for p in pdfs]
    for i in range(n):
        assert text[i] == text[n + i], f"{commented[i].name}: the PDF differs from the --clean one"


@pytest.mark.slow
def test_a_libreoffice_round_trip_keeps_every_footnote_in_order(soffice, drafts, tmp_path):
    commented = []
    for i, (path, _clean) in enumerate(drafts):
        commented.append(tmp_path / f"{i}.docx")
        shutil.copy(path, commented[-1])
    out = tmp_path / "round-trip"
    out.mkdir()
    saved = convert_files(commented, out, target="docx:MS Word 2007 XML", suffix=".docx")
    for before, after in zip(commented, saved):
        assert notes_in_order(after) == notes_in_order(before), before.name
        assert len(comment_attrs(after)) == len(comment_attrs(before))
        assert all(a["date"].startswith(LATE) for a in comment_attrs(after))
    check_docx(*commented, *saved)
