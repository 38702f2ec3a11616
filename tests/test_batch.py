"""drafter batch: constituent letters from a CSV, matched to members of Congress, written safely.

CSV dialects and the matching rules in detail are tested in test_constituents.py; here they are
driven end to end through the command line.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SHARED, copy_campaign, docx_check, docx_text, need
from drafter.cli import main

LEGISLATORS = "data/congress-legislators/legislators-current.yaml"
ZIPS = "data/zip-districts/zccd.csv"


def run(campaign: Path, shared: Path, out: Path, *extra: str, people: Path | None = None,
        zips: bool = True):
    args = ["-C", str(campaign), "batch", "constituent", "--constituents",
            str(people or REPO / "examples/constituents.csv"), "--legislators", str(shared / LEGISLATORS),
            "-o", str(out), *extra]
    if zips:
        args += ["--zip-districts", str(shared / ZIPS)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def review(out: Path) -> list[dict]:
    with open(out / "needs-review.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_people(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Name", "Street", "City", "State", "ZIP", "District", "Note"], *rows])
    return path


@pytest.fixture
def example(campaign, shared, tmp_path):
    """The example batch, for a test that changes it: (campaign, shared, out, CLI result)."""
    out = tmp_path / "out"
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt")
    assert result.exit_code == 0, result.output
    return campaign, shared, out, result


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The example batch, written once for the tests that only read it."""
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    folder = tmp_path_factory.mktemp("batch")
    campaign, out = copy_campaign(folder), folder / "out"
    result = run(campaign, SHARED, out, "--format", "docx", "--format", "txt")
    assert result.exit_code == 0, result.output
    return campaign, SHARED, out, result


# ---- matching, end to end ------------------------------------------------------------------------

def test_example_batch_letters_and_review(written):
    _, _, out, result = written
    rows = manifest(out)
    letters = {(r["row"], r["member"]) for r in rows if r["status"] == "written"}
    assert letters == {
        ("2", "M000133"), ("2", "W000817"), ("2", "C001101"),      # MA senators; ZIP 02451 -> MA-5
        ("4", "C001056"), ("4", "C001098"), ("4", "D000399"),      # 'Texas', district TX-37 given
        ("5", "B001261"), ("5", "L000571"), ("5", "H001096"),      # WY: at-large, no lookup needed
        ("6", "B001230"), ("6", "J000293"), ("6", "P000607"),      # WI, ZIP 53703 -> WI-2
        ("7", "N000147")}                                          # DC: the delegate only
    assert [r for r in rows if r["status"] == "review"] == [
        {"row": "3", "constituent": "Tenzin Sample", "member": "", "file": "", "sha256": "", "status": "review"}]
    [ambiguous] = review(out)
    assert ambiguous["row"] == "3" and ambiguous["candidates"] == "NY-10 NY-12"
    assert len(list(out.glob("*.docx"))) == len(list(out.glob("*.txt"))) == 13
    assert "rows needing review: 1" in result.stderr
    assert "written 26, skipped (same) 0" in result.stderr
    printed = result.stdout.splitlines()
    assert str(out / "0002-pema-example-C001101.docx") in printed and str(out / "manifest.csv") in printed


def test_letter_is_addressed_to_the_member_and_signed_by_the_constituent(written):
    _, _, out, _ = written
    text = docx_text(out / "0002-pema-example-C001101.docx")
    assert ("The Honorable Katherine M. Clark\nUnited States House of Representatives\n"
            "2368 Rayburn House Office Building\nWashington, DC 20515-2105") in text
    assert "Dear Representative Clark:" in text
    assert "constituent in Waltham, Massachusetts" in text
    assert "I volunteer with Tibetan families in our town." in text
    assert text.rstrip().endswith("Pema Example\n12 Main Street\nWaltham, MA 02451")
    assert "Co-sign a letter urging the administration" in text        # the ask for members
    notes = docx_text(out / "0002-pema-example-C001101.docx", "word/footnotes.xml")
    assert "Citizen Lab" in notes and "Human Rights Watch" in notes and "Freedom House" in notes
    assert "Dear Delegate Norton:" in docx_text(out / "0007-jamie-demo-N000147.docx")
    # No note, no note paragraph: the letter goes straight from the evidence to the ask.
    alex = docx_text(out / "0006-alex-fictional-P000607.docx")
    assert "three years running.\nI ask that you:" in alex


def test_every_example_letter_passes_docx_check(written):
    _, shared, out, _ = written
    docx_check(shared, *sorted(out.glob("*.docx")))


def test_unknown_state_no_district_and_at_large(campaign, shared, tmp_path):
    people = write_people(tmp_path / "people.csv", [
        ["A Person", "1 Main St", "Nowhere", "Atlantis", "12345", "", ""],
        ["B Person", "2 Main St", "Boston", "MA", "02108", "", ""],
        ["C Person", "3 Main St", "Anchorage", "AK", "99501", "", ""],
        ["D Person", "4 Main St", "Boston", "MA", "02108", "7", ""]])
    out = tmp_path / "out"
    result = run(campaign, shared, out, people=people, zips=False)
    assert result.exit_code == 0, result.output
    reasons = {r["row"]: r["reason"] for r in review(out)}
    assert "unknown state 'Atlantis'" in reasons["2"]
    assert "no ZIP-to-district file" in reasons["3"]
    assert set(reasons) == {"2", "3"}
    written = [r["row"] for r in manifest(out) if r["status"] == "written"]
    assert written == ["4"] * 3 + ["5"] * 3          # Alaska's at-large member; MA-7 given


# ---- the volunteer's note ------------------------------------------------------------------------

def test_note_is_printed_literally(written):
    _, _, out, _ = written
    path = out / "0005-karma-testcase-H001096.docx"
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "I typed {{ 7*7 }} and &lt;w:p&gt; here on purpose" in xml
    assert "49" not in docx_text(path)
    assert "I typed {{ 7*7 }} and <w:p> here on purpose, to check that my words are printed exactly" \
        in docx_text(path)
    assert "I typed {{ 7*7 }} and <w:p> here on purpose" in (out / "0005-karma-testcase-H001096.txt").read_text()


def test_plain_text_has_sources_and_no_markup(written):
    _, _, out, _ = written
    text = (out / "0002-pema-example-M000133.txt").read_text()
    body, sources = text.split("\nSources\n")
    assert "Dear Senator Markey:" in body and "3.66 million people.[1] Men" in body
    numbered = [line for line in sources.strip().splitlines()]
    assert [line.split(".")[0] for line in numbered] == [str(i) for i in range(1, 7)]
    assert "citizenlab.ca" in numbered[0]
    for markup in ("<w:", "</", "\\", "\ue000", "**", "&amp;"):
        assert markup not in text


# ---- robust runs ---------------------------------------------------------------------------------

def test_rerun_skips_and_resumes_after_deletions_and_stray_temp_files(example):
    campaign, shared, out, _ = example
    before = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    gone = ["0004-dolma-placeholder-D000399.docx", "0006-alex-fictional-B001230.txt"]
    for name in gone:
        (out / name).unlink()
    (out / ".drafter-abc123.part").write_bytes(b"PK\x03\x04 half a letter")
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt")
    assert result.exit_code == 0, result.output
    status = {r["file"]: r["status"] for r in manifest(out) if r["file"]}
    assert {f for f, s in status.items() if s == "written"} == set(gone)
    assert sum(s == "skipped-same" for s in status.values()) == 24
    assert not list(out.glob(".drafter-*"))
    assert {p.name: p.read_bytes() for p in out.glob("*.docx")} == before
    assert [line for line in result.stdout.splitlines() if line.endswith((".docx", ".txt"))] == \
        [str(out / name) for name in gone]
    assert "removed 1 temporary file" in result.stderr


def test_a_changed_letter_is_a_conflict_until_force(example):
    campaign, shared, out, _ = example
    path = out / "0002-pema-example-M000133.docx"
    original = path.read_bytes()
    path.write_bytes(b"edited in Word")
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt")
    assert result.exit_code == 1
    assert path.read_bytes() == b"edited in Word"
    assert f"conflict: {path} differs" in result.stderr
    assert "1 existing letter(s) differ" in result.stderr and "--force" in result.stderr
    assert {r["file"]: r["status"] for r in manifest(out)}[path.name] == "conflict"
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt", "--force")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == original
    assert {r["file"]: r["status"] for r in manifest(out)}[path.name] == "overwritten"
    assert result.stdout.splitlines()[0] == str(path)


def test_jobs_2_gives_the_same_bytes_as_jobs_1(campaign, shared, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for out, jobs in ((one, "1"), (two, "2")):
        result = run(campaign, shared, out, "--jobs", jobs, "--format", "docx", "--format", "md")
        assert result.exit_code == 0, result.output
    files = sorted(p.name for p in one.iterdir())
    assert files == sorted(p.name for p in two.iterdir()) and len(files) == 28
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def _many_people(path: Path, n: int) -> Path:
    seats = [("MA", d) for d in range(1, 10)] + [("WI", d) for d in range(1, 9)]
    return write_people(path, [[f"Volunteer {i}", f"{i} Main St", "Springfield", s, "01101", str(d),
                                "My own words." if i % 2 else ""] for i, (s, d) in
                               ((i, seats[i % len(seats)]) for i in range(n))])


@pytest.mark.parametrize("sig, jobs", [(signal.SIGINT, "2"), (signal.SIGTERM, "2"), (signal.SIGINT, "1"),
                                       (signal.SIGKILL, "1"), (signal.SIGKILL, "2")])
def test_killed_batch_leaves_no_partial_file_and_resumes(campaign, shared, tmp_path, sig, jobs):
    people = _many_people(tmp_path / "people.csv", 200)      # 600 letters
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "drafter", "-C", str(campaign), "batch", "constituent",
           "--constituents", str(people), "--legislators", str(shared / LEGISLATORS), "-o", str(out),
           "--jobs", jobs]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 40:
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)      # also waits for the workers, which share stderr
    assert "Traceback" not in err
    done = sorted(out.glob("*.docx"))
    assert 40 <= len(done) < 600, "killed midway"
    if sig != signal.SIGKILL:
        assert proc.returncode == 130 and "interrupted" in err
        assert not list(out.glob(".drafter-*"))
    for path in done:                                          # every file there is whole
        assert zipfile.ZipFile(path).testzip() is None
    result = CliRunner().invoke(main, cmd[3:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    status = [r["status"] for r in manifest(out)]
    assert len(status) == 600 and set(status) == {"written", "skipped-same"}
    assert status.count("skipped-same") >= len(done) - 2       # at most the in-flight ones redone
    assert len(list(out.glob("*.docx"))) == 600 and not list(out.glob(".drafter-*"))
    docx_check(shared, *sorted(out.glob("*.docx"))[::50])


# ---- the letter spec -----------------------------------------------------------------------------

def test_constituent_spec_is_for_batch_only(campaign, shared, tmp_path):
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "constituent", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "drafter batch constituent" in result.output
    result = CliRunner().invoke(main, ["-C", str(campaign), "batch", "erc-entity-list", "--constituents",
                                       str(REPO / "examples/constituents.csv"),
                                       "--legislators", str(shared / LEGISLATORS), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "needs 'to: constituents'" in result.output
    spec = campaign / "letters/constituent.yaml"
    spec.write_text(spec.read_text() + "from: [smith]\n")
    result = run(campaign, shared, tmp_path / "out")
    assert result.exit_code == 1
    assert "constituent.yaml:" in result.output and "signed by each constituent" in result.output


def test_other_letters_still_need_from(campaign):
    spec = campaign / "letters/erc-entity-list.yaml"
    spec.write_text("\n".join(line for line in spec.read_text().splitlines() if not line.startswith("from:")))
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list", "-o",
                                       str(campaign / "out")])
    assert result.exit_code == 1 and "missing required field 'from'" in result.output
