"""drafter batch: constituent letters from a CSV, matched to members of Congress, written safely.

CSV dialects and the matching rules in detail are tested in test_constituents.py; here they are
driven end to end through the command line.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import os
import re
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
from drafter.errors import OutputError

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


def named(out: Path, row: int, member: str, suffix: str = ".docx") -> Path:
    """The file of row `row`'s letter to `member`, as the manifest names it."""
    [name] = {r["file"].rsplit(".", 1)[0] for r in manifest(out) if r["row"] == str(row) and r["member"] == member}
    return out / (name + suffix)


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
        ("3", "G000555"), ("3", "S000148"),                         # NY: ZIP 10001 spans two districts,
        ("4", "C001056"), ("4", "C001098"), ("4", "D000399"),      # 'Texas', district TX-37 given
        ("5", "B001261"), ("5", "L000571"), ("5", "H001096"),      # WY: at-large, no lookup needed
        ("6", "B001230"), ("6", "J000293"), ("6", "P000607"),      # WI, ZIP 53703 -> WI-2
        ("7", "N000147"),                                          # DC: the delegate only
        # six pairs write to the same offices (tests/test_constituent_letters.py)
        ("8", "M000133"), ("8", "W000817"), ("8", "C001101"),
        ("9", "G000555"), ("9", "S000148"), ("9", "N000002"),      # NY-12 given
        ("10", "C001056"), ("10", "C001098"), ("10", "D000399"),
        ("11", "B001261"), ("11", "L000571"), ("11", "H001096"),
        ("12", "B001230"), ("12", "J000293"), ("12", "P000607"),
        ("13", "N000147")}
    assert [r for r in rows if r["status"] == "review"] == [      # so only the House letter waits
        {"row": "3", "constituent": "Tenzin Sample", "member": "", "file": "", "sha256": "", "status": "review",
         "date": rows[0]["date"]}]
    [ambiguous] = review(out)
    assert ambiguous["row"] == "3" and ambiguous["candidates"] == "NY-10 NY-12"
    assert ambiguous["reason"] == ("ZIP 10001 spans NY-10, NY-12; add the district; the House letter is held back, "
                                   "the Senate letters were made")
    assert len(list(out.glob("*.docx"))) == len(list(out.glob("*.txt"))) == 31
    assert "rows needing review: 1" in result.stderr
    assert "written 62, skipped (same) 0" in result.stderr
    printed = result.stdout.splitlines()
    assert str(named(out, 2, "C001101")) in printed and str(out / "manifest.csv") in printed


def test_letter_is_addressed_to_the_member_and_signed_by_the_constituent(written):
    _, _, out, _ = written
    text = docx_text(named(out, 2, "C001101"))
    assert ("The Honorable Katherine M. Clark\nUnited States House of Representatives\n"
            "2368 Rayburn House Office Building\nWashington, DC 20515-2105") in text
    assert "Dear Representative Clark:" in text
    assert "constituent in Waltham, Massachusetts" in text
    assert "I volunteer with Tibetan families in our town." in text
    # the address at the top (tests/test_constituent_letters.py), the name under "Sincerely,"
    assert text.lstrip().startswith("Pema Example\n12 Main Street\nWaltham, MA 02451\npema@example.org\n")
    assert text.rstrip().endswith("Sincerely,\nPema Example")
    # The one ask for members, as a sentence (a one-item numbered list would read oddly).
    assert "I ask that you write to the Secretary of Commerce asking that the End-User Review Committee" in text
    notes = docx_text(named(out, 2, "C001101"), "word/footnotes.xml")
    assert "Citizen Lab" in notes and "744.11" in notes      # the default talking point's and the ask's
    assert "Dear Delegate Norton:" in docx_text(named(out, 7, "N000147"))


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
    path = named(out, 5, "H001096")
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "I typed {{ 7*7 }} and &lt;w:p&gt; here on purpose" in xml
    assert "49" not in docx_text(path)
    assert "I typed {{ 7*7 }} and <w:p> here on purpose, to check that my words are printed exactly" \
        in docx_text(path)
    assert "I typed {{ 7*7 }} and <w:p> here on purpose" in (named(out, 5, "H001096", ".txt")).read_text()


def test_plain_text_has_sources_and_no_markup(written):
    _, _, out, _ = written
    text = (named(out, 2, "M000133", ".txt")).read_text()
    body, sources = text.split("\nSources\n")
    assert "Dear Senator Markey:" in body and "3.66 million people.[1] Men" in body
    numbered = [line for line in sources.strip().splitlines()]
    assert [line.split(".")[0] for line in numbered] == [str(i) for i in range(1, 4)]   # short: one point, one ask
    assert "citizenlab.ca" in numbered[0]
    for markup in ("<w:", "</", "\\", "\ue000", "**", "&amp;"):
        assert markup not in text


# ---- robust runs ---------------------------------------------------------------------------------

def test_rerun_skips_and_resumes_after_deletions_and_stray_temp_files(example):
    campaign, shared, out, _ = example
    before = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    gone = [named(out, 4, "D000399").name, named(out, 6, "B001230", ".txt").name]
    for name in gone:
        (out / name).unlink()
    (out / ".drafter-abc123.part").write_bytes(b"PK\x03\x04 half a letter")
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt")
    assert result.exit_code == 0, result.output
    status = {r["file"]: r["status"] for r in manifest(out) if r["file"]}
    assert {f for f, s in status.items() if s == "written"} == set(gone)
    assert sum(s == "skipped-same" for s in status.values()) == 60
    assert not list(out.glob(".drafter-*"))
    assert {p.name: p.read_bytes() for p in out.glob("*.docx")} == before
    assert [line for line in result.stdout.splitlines() if line.endswith((".docx", ".txt"))] == \
        [str(out / name) for name in gone]
    assert "removed 1 temporary file" in result.stderr


def test_a_changed_letter_is_a_conflict_until_force(example):
    campaign, shared, out, _ = example
    path = named(out, 2, "M000133")
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
    assert files == sorted(p.name for p in two.iterdir()) and len(files) == 65    # 31 letters, 3 CSVs
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_spawned_helpers_give_the_same_bytes(campaign, shared, tmp_path, monkeypatch):
    """Where fork is unsafe (macOS) or missing (Windows), each helper is spawned and loads the
    campaign itself."""
    from drafter import processes, system
    monkeypatch.setattr(system, "PLATFORM", "darwin")
    assert processes.context().get_start_method() == "spawn"
    one, two = tmp_path / "one", tmp_path / "two"
    for out, jobs in ((one, "1"), (two, "2")):
        result = run(campaign, shared, out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
    files = sorted(p.name for p in one.iterdir())
    assert files == sorted(p.name for p in two.iterdir())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def _killed_by_the_system() -> None:
    """In this (the batch's) process: its helpers are killed, as the OOM killer leaves them
    (not the log's process, whose death has a message of its own)."""
    import multiprocessing
    for child in multiprocessing.active_children():
        if child.name != "drafter-log":
            child.kill()


def _log_killed() -> None:
    """In this process: the log's process is killed, as the OOM killer leaves it."""
    import multiprocessing
    for child in multiprocessing.active_children():
        if child.name == "drafter-log":
            child.kill()
            child.join()


def _full_disk() -> None:
    raise OutputError("cannot write: the disk is full", file="x.docx")


@pytest.mark.parametrize("how, said", [
    (_killed_by_the_system, "a helper process stopped unexpectedly"),
    (_log_killed, "the process logging the letters stopped unexpectedly"),
    (_full_disk, "cannot write: the disk is full")])
def test_a_failing_helper_stops_the_batch_with_a_message(campaign, shared, tmp_path, monkeypatch, how, said):
    """This process places its chunks slowly, so that a helper surely takes one; the helper
    fails there (an error it raises reaches only a forked helper, which has this patch), or this
    process has the helpers killed."""
    from drafter import processes
    from drafter.commands import batch as batch_module
    if how is _full_disk and processes.context().get_start_method() != "fork":
        pytest.skip("a spawned helper does not have this test's patch")
    parent, real = os.getpid(), batch_module._Maker.place

    def place(self, made):
        if (os.getpid() != parent) == (how is _full_disk):
            how()
        time.sleep(0.2)
        return real(self, made)
    monkeypatch.setattr(batch_module._Maker, "place", place)
    out = tmp_path / "out"
    result = run(campaign, shared, out, "--jobs", "2")
    assert result.exit_code == 1 and said in result.output, result.output
    assert "Traceback" not in result.output
    if how is not _log_killed:         # the log's death may be noticed only once all is placed
        assert "pending" in {r["status"] for r in manifest(out)}
    assert not list(out.glob(".drafter-*"))
    monkeypatch.setattr(batch_module._Maker, "place", real)
    result = run(campaign, shared, out, "--jobs", "2")                 # the rerun finishes the rest
    assert result.exit_code == 0, result.output
    assert {r["status"] for r in manifest(out)} <= {"written", "skipped-same", "review"}


def _many_people(path: Path, n: int) -> Path:
    seats = [("MA", d) for d in range(1, 10)] + [("WI", d) for d in range(1, 9)]
    return write_people(path, [[f"Volunteer {i}", f"{i} Main St", "Springfield", s, "01101", str(d),
                                "My own words." if i % 2 else ""] for i, (s, d) in
                               ((i, seats[i % len(seats)]) for i in range(n))])


@pytest.mark.slow      # six batches started and killed in subprocesses
@pytest.mark.parametrize("sig, jobs", [(signal.SIGINT, "2"), (signal.SIGTERM, "2"), (signal.SIGINT, "1"),
                                       (signal.SIGTERM, "1"), (signal.SIGKILL, "1"), (signal.SIGKILL, "2")])
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
    _, err = proc.communicate(timeout=60)      # also waits for the helpers, which share stderr
    assert "Traceback" not in err
    done = sorted(out.glob("*.docx"))
    assert 40 <= len(done) < 600, "killed midway"
    if sig != signal.SIGKILL:
        assert proc.returncode == 130 and "interrupted" in err
        assert not list(out.glob(".drafter-*"))
        status = [r["status"] for r in manifest(out)]     # the interrupted run's manifest
        # never claims a file that is not there (a worker's unfinished chunk counts as pending)
        assert len(status) == 600 and "pending" in status and status.count("written") <= len(done)
        assert "pending" in err and "not written" in err
    if sig == signal.SIGKILL:                                  # the manifest written first
        assert len(manifest(out)) == 600 and {r["status"] for r in manifest(out)} == {"pending"}
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


# ---- hardening: names that stay, dates that stay, runs that do not hurt each other -----------------

def test_file_names_stay_when_a_row_is_inserted(campaign, shared, tmp_path):
    rows = [["Pema Example", "1 Elm St", "Waltham", "MA", "02451", "5", ""],
            ["Alex Fictional", "2 Oak St", "Madison", "WI", "53703", "2", ""]]
    out = tmp_path / "out"
    assert run(campaign, shared, out, people=write_people(tmp_path / "a.csv", rows)).exit_code == 0
    before = sorted(p.name for p in out.glob("*.docx"))
    rows.insert(0, ["Jamie Demo", "3 Ash St", "Washington", "DC", "20001", "", ""])
    result = run(campaign, shared, out, people=write_people(tmp_path / "b.csv", rows))
    assert result.exit_code == 0, result.output
    status = {r["file"]: r["status"] for r in manifest(out) if r["file"]}
    assert {f for f, s in status.items() if s == "skipped-same"} == set(before)
    assert [f for f, s in status.items() if s == "written"] == [named(out, 2, "N000147").name]
    assert len(list(out.glob("*.docx"))) == 7           # no stale duplicates under shifted names


def test_the_same_person_twice_goes_to_review(campaign, shared, tmp_path):
    rows = [["Pema Example", "1 Elm St", "Waltham", "MA", "02451", "5", "first"],
            ["pema  example", "1 elm st", "Waltham", "MA", "02451", "5", "second"]]
    out = tmp_path / "out"
    assert run(campaign, shared, out, people=write_people(tmp_path / "a.csv", rows)).exit_code == 0
    [again] = review(out)
    assert again["row"] == "3" and "same name and address as row 2" in again["reason"]


def test_a_resumed_run_keeps_the_first_runs_date(campaign, shared, tmp_path, monkeypatch):
    """`date: today`: a run resumed after midnight dates its letters like the first run's."""
    import datetime as dt
    from drafter.campaign import dates
    assert "date: today" in (campaign / "letters/constituent.yaml").read_text()
    out = tmp_path / "out"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    real = dates.letter_date
    monkeypatch.setattr(dates, "letter_date", lambda v: yesterday if v == "today" else real(v))
    assert run(campaign, shared, out).exit_code == 0
    first = manifest(out)
    assert {r["date"] for r in first} == {yesterday.isoformat()}
    for path in list(out.glob("*.docx"))[:3]:
        path.unlink()
    monkeypatch.setattr(dates, "letter_date", real)         # the next day
    result = run(campaign, shared, out)
    assert result.exit_code == 0, result.output
    rows = manifest(out)
    assert {r["status"] for r in rows if r["file"]} == {"written", "skipped-same"}
    assert {r["date"] for r in rows} == {yesterday.isoformat()}
    assert yesterday.strftime("%B") in docx_text(named(out, 2, "M000133"))


def _batch_process(campaign, shared, people, out, *extra):
    cmd = [sys.executable, "-m", "drafter", "-C", str(campaign), "batch", "constituent",
           "--constituents", str(people), "--legislators", str(shared / LEGISLATORS), "-o", str(out), *extra]
    return subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def test_two_identical_batches_started_together_both_succeed(campaign, shared, tmp_path):
    people = _many_people(tmp_path / "people.csv", 60)
    out = tmp_path / "out"
    procs = [_batch_process(campaign, shared, people, out, "--jobs", jobs) for jobs in ("1", "2")]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert not any("already exists" in e or "Traceback" in e for e in errs)
    assert len(list(out.glob("*.docx"))) == 180 and not list(out.glob(".drafter-*"))
    assert {r["status"] for r in manifest(out)} <= {"written", "skipped-same"}


def test_ctrl_c_on_one_run_leaves_another_runs_temp_files(campaign, shared, tmp_path):
    """Another run, alive, writing to the same folder: its temporary file is not ours to delete."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        out = tmp_path / "out"
        out.mkdir()
        theirs = out / f".drafter-{other.pid}-0123abcd-x1y2z3.part"
        theirs.write_bytes(b"PK\x03\x04 another run's letter, half written")
        proc = _batch_process(campaign, shared, _many_people(tmp_path / "people.csv", 200), out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 20:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "interrupted" in err
        assert theirs.exists()
        assert list(out.glob(".drafter-*")) == [theirs]
    finally:
        other.kill()
        other.wait()


def test_a_full_disk_midway_says_what_was_written(campaign, shared, tmp_path, monkeypatch):
    import errno
    from drafter.commands import batch as batch_module
    from drafter.output import files
    calls = []

    real = files._stage

    def full_at_the_sixth(path, data, **how):
        calls.append(path) if path.suffix == ".docx" else None
        if len(calls) == 6 and path.suffix == ".docx":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data, **how)

    monkeypatch.setattr(files, "_stage", full_at_the_sixth)
    monkeypatch.setattr(batch_module, "CHUNK", 4)     # letters are placed a chunk at a time
    out = tmp_path / "out"
    result = run(campaign, shared, out)
    assert result.exit_code == 1
    assert "the disk is full" in result.output and "nothing was written" not in result.output
    assert "4 file(s) written" in result.output and "27 not written" in result.output
    status = [r["status"] for r in manifest(out)]
    assert status.count("written") == 4 and status.count("pending") == 27
    assert not list(out.glob(".drafter-*"))                              # the failed chunk's temp files
    monkeypatch.undo()
    assert run(campaign, shared, out).exit_code == 0                    # the rerun finishes
    assert [r["status"] for r in manifest(out)].count("skipped-same") == 4


# ---- the volunteer's own words ---------------------------------------------------------------------

def test_an_indented_note_comes_out_exactly_as_typed(campaign, shared, tmp_path):
    """It printed 'Second paragraph \\(indented\\) costs $5\\.00', in .docx and .txt alike."""
    note = "First paragraph.\n    Second paragraph (indented) costs $5.00 *really* {{ 7*7 }} \\o/"
    out = tmp_path / "out"
    rows = [["Jamie Demo", "3 Ash St", "Washington", "DC", "20001", "", note]]
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt", "--format", "md",
                 people=write_people(tmp_path / "p.csv", rows))
    assert result.exit_code == 0, result.output
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").render(named(out, 2, "N000147", ".md").read_text())
    for text in (docx_text(named(out, 2, "N000147")), named(out, 2, "N000147", ".txt").read_text(),
                 md.replace("&amp;", "&")):
        lines = text.split("\n")
        assert "First paragraph." in lines or "<p>First paragraph.</p>" in lines
        second = "    Second paragraph (indented) costs $5.00 *really* {{ 7*7 }} \\o/"
        assert second in lines or f"<p>{second}</p>" in lines, lines
        assert "\\(" not in text and "<pre>" not in text and "<em>really" not in text


def test_controls_and_unbalanced_bidi_never_reach_letters_or_the_manifest(campaign, shared, tmp_path):
    """ESC and BEL reached .txt, .md and manifest.csv raw; an unterminated right-to-left
    override reached letters and the manifest (it reverses whatever follows it)."""
    name = "Pema \x1b[31mExample\x07 \u202e"
    note = "Please act.\x07\x1b[0m \u202eunterminated\nA balanced \u202bשלום\u202c pair stays."
    out = tmp_path / "out"
    rows = [[name, "1 Elm St", "Waltham", "MA", "02451", "5", note]]
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt", "--format", "md",
                 people=write_people(tmp_path / "p.csv", rows))
    assert result.exit_code == 0, result.output
    from markdown_it import MarkdownIt
    raw = [p.read_text(encoding="utf-8-sig") for p in [*out.glob("*.txt"), *out.glob("*.md"), out / "manifest.csv"]]
    for text in raw:
        assert not any(ch in text for ch in "\x1b\x07\u202e"), text
    texts = [p.read_text(encoding="utf-8-sig") for p in [*out.glob("*.txt"), out / "manifest.csv"]] + \
        [docx_text(p) for p in out.glob("*.docx")] + \
        [html.unescape(MarkdownIt("commonmark").render(p.read_text())) for p in out.glob("*.md")]
    for text in texts:
        assert not any(ch in text for ch in "\x1b\x07\u202e"), text
    assert all("Pema [31mExample" in t for t in texts)
    assert all("A balanced \u202bשלום\u202c pair stays." in t for t in texts if "Please act" in t)
    assert sum("Please act.[0m unterminated" in t for t in texts) == 3 * 3      # docx, txt, md per member


@pytest.mark.parametrize("option", ["--constituents", "--legislators", "--zip-districts"])
def test_a_missing_input_file_is_named_with_exit_1_and_nothing_written(campaign, shared, tmp_path, option):
    out = tmp_path / "out"
    args = {"--constituents": str(REPO / "examples/constituents.csv"), "--legislators": str(shared / LEGISLATORS),
            "--zip-districts": str(shared / ZIPS)}
    args[option] = "no-such-file.csv"
    result = CliRunner().invoke(main, ["-C", str(campaign), "batch", "constituent", "-o", str(out),
                                       *(x for pair in args.items() for x in pair)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "no-such-file.csv" in result.output and "not found" in result.output
    assert "a relative path is read from" in result.output
    assert not out.exists() and not (campaign / "drafter-log.sqlite").exists()


def test_helpers_started_early_stop_when_the_plan_fails_or_is_small(campaign, shared, tmp_path):
    """--jobs starts its helpers before the volunteers are read: a CSV that stops the batch, or a
    batch too small to share, leaves no helper process behind."""
    import multiprocessing
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,City\nPema Example,Waltham\n", encoding="utf-8")
    result = run(campaign, shared, tmp_path / "out", "--jobs", "3", people=bad)
    assert result.exit_code == 1 and "bad.csv" in result.output, result.output
    assert multiprocessing.active_children() == []
    one = write_people(tmp_path / "one.csv", [["Pema Example", "12 Main Street", "Waltham", "MA", "02451", "5", ""]])
    result = run(campaign, shared, tmp_path / "small", "--jobs", "3", people=one)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "small").glob("*.docx"))) == 3
    assert multiprocessing.active_children() == []


# ---- how alike the letters read, committees' asks, stale evidence -----------------------------------

def similarity_csv(out: Path) -> list[dict]:
    with open(out / "similarity.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_similarity_csv_has_every_letter_and_a_lone_letter_has_no_figure(written):
    _, _, out, result = written
    rows = similarity_csv(out)
    assert list(rows[0]) == ["row", "constituent", "member", "file", "similarity", "similar_row",
                             "similar_constituent", "similar_file"]
    docx = {r["file"] for r in manifest(out) if r["file"].endswith(".docx")}
    assert {r["file"] for r in rows} == docx                  # one row per letter, by its first format
    # six pairs write to the same offices, each below 0.5; a letter alone to its office (the
    # NY-12 Representative's) has no figure
    lone = [r for r in rows if r["similarity"] == ""]
    assert [r["member"] for r in lone] == ["N000002"] and lone[0]["similar_row"] == lone[0]["similar_file"] == ""
    assert all(0 < float(r["similarity"]) < 0.5 for r in rows if r not in lone)
    assert "similarity: no letter shares more than 50% of its five-word sequences" in result.stderr
    assert str(out / "similarity.csv") in result.stdout.splitlines()


def letter_body(path: Path) -> str:
    """A .txt letter from its salutation to its closing, without note markers: what the
    measure reads."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Dear "))
    end = lines.index("Sincerely,")
    return re.sub(r"\[\d+\]", "", "\n".join(lines[start:end + 1]))


def test_form_letters_to_one_office_are_counted_and_named(campaign, shared, tmp_path):
    """Three volunteers in one district: two with no words of their own read as one form letter
    to each of their three offices; the third, who wrote at length, does not. The figures are
    the exact measure's, within the estimate's error."""
    from drafter.compose.similarity import similarity
    import random
    rnd = random.Random(4)
    vocabulary = ("my grandmother in Lhasa was asked for a blood sample at her neighbourhood office nobody told "
                  "why what it was who would keep grew up hearing stories about monastery near house festivals "
                  "winter since moved Waltham call every Sunday she no longer says anything on phone policeman "
                  "think of family like ours when decide river school teacher brother sister prayer").split()
    own = " ".join(rnd.choice(vocabulary) for _ in range(320)) + "."
    people = write_people(tmp_path / "people.csv", [
        ["Pema Example", "12 Main Street", "Waltham", "MA", "02451", "", ""],
        ["Dawa Sample", "3 Elm Street", "Waltham", "MA", "02451", "", ""],
        ["Lhamo Madeup", "9 Oak Street", "Waltham", "MA", "02451", "", own]])
    out = tmp_path / "out"
    result = run(campaign, shared, out, "--format", "docx", "--format", "txt", people=people)
    assert result.exit_code == 0, result.output
    rows = {(r["row"], r["member"]): r for r in similarity_csv(out)}
    assert len(rows) == 9
    for member in ("M000133", "W000817", "C001101"):
        pema, dawa, lhamo = rows[("2", member)], rows[("3", member)], rows[("4", member)]
        assert float(pema["similarity"]) > 0.8 and pema["similar_row"] == "3" and pema["similar_constituent"] == \
            "Dawa Sample" and pema["similar_file"] == named(out, 3, member).name
        assert float(dawa["similarity"]) > 0.8 and dawa["similar_row"] == "2"
        assert float(lhamo["similarity"]) < 0.5
        for row, other in ((pema, 3), (dawa, 2), (lhamo, int(lhamo["similar_row"]))):
            exact = similarity(letter_body(out / row["file"].replace(".docx", ".txt")),
                               letter_body(named(out, other, member, ".txt")))
            assert abs(float(row["similarity"]) - exact) < 0.1, (row, exact)
    assert ("similarity: 6 of 9 letters share more than 50% of their five-word sequences with another letter to "
            f"the same office, to 3 office(s) (see {out / 'similarity.csv'}):") in result.stderr
    assert "    Katherine M. Clark, United States House of Representatives (C001101): 2 of 3" in result.stderr


def test_committee_members_get_the_committees_ask(campaign, shared, tmp_path):
    """An ask for the members of the Foreign Relations Committee (SSFR): with the committee data
    Senator Shaheen, who sits on it, gets it; Senator Hassan, who does not, gets only the general ask."""
    asks = campaign / "asks.yaml"
    asks.write_text(asks.read_text(encoding="utf-8") + """
  ssfr-hearing:
    for: {membership: SSFR}
    text: >-
      Hold a hearing of the Foreign Relations Committee on the mass collection of DNA in Tibet.
""", encoding="utf-8")
    people = write_people(tmp_path / "people.csv", [["Pema Example", "1 Main Street", "Concord", "NH", "03301", "2", ""]])
    out = tmp_path / "out"
    result = run(campaign, shared, out, "--format", "txt", "--committees",
                 str(shared / "data/congress-legislators/committee-membership-current.yaml"), people=people)
    assert result.exit_code == 0, result.output
    hearing = "hold a hearing of the foreign relations committee"
    shaheen, hassan = (named(out, 2, m, ".txt").read_text(encoding="utf-8").casefold() for m in ("S001181", "H001076"))
    assert hearing in " ".join(shaheen.split()) and hearing not in " ".join(hassan.split())
    without = run(campaign, shared, tmp_path / "without", "--format", "txt", people=people)
    assert without.exit_code == 0, without.output
    assert hearing not in " ".join(named(tmp_path / "without", 2, "S001181", ".txt").read_text(encoding="utf-8")
                                   .casefold().split())


def test_stale_evidence_is_said_once_per_snippet(written):
    _, _, _, result = written
    said = [line for line in result.stderr.splitlines() if line.startswith("    snippet 'dna-scale'")]
    assert said == ["    snippet 'dna-scale' in 16 letter(s): verified 2023-10-20, "
                    f"{(dt.date.today() - dt.date(2023, 10, 20)).days} "
                    "days ago (limit 365 days)"]
    assert result.stderr.count("snippet 'tibet-least-free'") == 1
    assert "source 'citizenlab-2022' in 16 letter(s): accessed 2023-10-20" in result.stderr


def test_stale_refuse_stops_the_batch_before_any_letter(campaign, shared, tmp_path):
    spec = campaign / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "stale: refuse\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(campaign, shared, out)
    assert result.exit_code == 1
    assert "the letters cite evidence due for re-checking, and the spec sets 'stale: refuse'" in result.output
    assert "snippet 'dna-scale' in the letter from row 2 to M000133: verified 2023-10-20" in result.output
    assert result.output.count("'dna-scale'") == 1 and "no letter was written" in result.output
    assert not out.exists() or not list(out.iterdir())
    checked = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert checked.exit_code == 1 and "letters/constituent.yaml" in checked.output \
        and "'stale: refuse'" in checked.output     # check reports first what batch refuses
    spec.write_text(spec.read_text(encoding="utf-8").replace("stale: refuse", "stale: never"), encoding="utf-8")
    bad = run(campaign, shared, out)
    assert bad.exit_code == 1 and "stale: 'never' is not allowed" in bad.output


def test_with_fresh_evidence_stale_refuse_lets_the_batch_run(campaign, shared, tmp_path):
    spec = campaign / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("date: today", "date: 2023-10-21")
                    + "stale: refuse\n", encoding="utf-8")
    evidence = campaign / "evidence.yaml"
    text = evidence.read_text(encoding="utf-8")
    # every snippet verified the day before the letter's date
    head, snippets = text.split("\nsnippets:\n")
    snippets = re.sub(r"^    verified: .*\n", "", snippets, flags=re.M)
    snippets = re.sub(r"(^  [a-z0-9-]+:\n)", r"\1    verified: 2023-10-20\n", snippets, flags=re.M)
    evidence.write_text(head + "\nsnippets:\n" + snippets, encoding="utf-8")
    result = run(campaign, shared, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "due for re-checking" not in result.stderr
