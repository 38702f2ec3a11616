"""File names valid on Windows, macOS and Linux, distinct where names ignore case, the same on a
resumed run: output/names.py, batch's letter names, draft's and kit's clash checks, and a batch
of awkward volunteers end to end (also under the Windows simulation of tests/simulate)."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from conftest import REPO
from drafter.campaign.models import Recipient
from drafter.cli import main
from drafter.commands.batch import letter_stem, person_key
from drafter.commands.check import check_campaign
from drafter.commands.kit import make_kit
from drafter.errors import DataError
from drafter.output.names import MAX_NAME, first_clash, output_name, safe_name
from drafter.people.constituents import Constituent

LEGISLATORS = "data/congress-legislators/legislators-current.yaml"
ZIPS = "data/zip-districts/zccd.csv"

# Windows' rules, written out apart from names.py (as tests/simulate/sitecustomize.py has them)
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$")


def windows_valid(name: str) -> bool:
    return (bool(name) and not FORBIDDEN.search(name) and name[-1] not in ". "
            and not RESERVED.match(name) and len(name) < 255)


# --------------------------------------------------------------------------- safe_name

@pytest.mark.parametrize("char", list('<>:"/\\|?*') + [chr(c) for c in range(32)] + ["\x7f"])
def test_each_forbidden_character_is_replaced(char):
    name = safe_name(f"a{char}b")
    assert name == "a-b" and windows_valid(name + ".docx")


@pytest.mark.parametrize("device", ["con", "CON", "Con", "prn", "aux", "NUL", "nUl", "com0", "COM1", "com9",
                                    "lpt0", "LPT5", "Lpt9", "COM¹", "lpt²", "ＣＯＮ"])
@pytest.mark.parametrize("extension", ["", ".txt", ".docx", ".tar.gz", ".", " ", ". .", " .txt"])
def test_reserved_names_in_any_case_and_with_extensions_get_a_prefix(device, extension):
    name = safe_name(device + extension)
    assert name.startswith("x-") or extension == " .txt", name     # 'con-.txt' is no device
    for suffix in ("", ".docx", ".txt"):
        assert windows_valid(name + suffix)
        assert windows_valid(safe_name(device + extension, suffix))


@pytest.mark.parametrize("text", ["com10", "console", "nully", "lpt", "auxiliary", "x-con", "con-x", "prn_1"])
def test_names_only_like_a_device_are_kept(text):
    assert safe_name(text) == text


def test_a_reserved_first_part_before_a_dot_is_refused_as_windows_does():
    assert safe_name("Con. Smith") == "x-Con.-Smith"     # 'Con.-Smith.docx' is the device CON
    assert safe_name("Dr. Who?") == "Dr.-Who"


@pytest.mark.parametrize("text, expected", [("Nul.", "x-nul"), ("name.", "name"), ("name. . .", "name"),
                                            ("name  ", "name"), ("...", "letter"), (" .hidden", "hidden"),
                                            ("-rf", "rf"), ("a - b", "a-b")])
def test_trailing_dots_and_spaces_and_leading_dots_and_dashes_go(text, expected):
    assert safe_name(text).lower() == expected.lower()


def test_long_names_are_cut_to_the_limit_and_stay_valid():
    assert safe_name("a" * 400) == "a" * MAX_NAME
    assert safe_name("a" * 400, ".docx") == "a" * MAX_NAME + ".docx"
    cut = safe_name("a" * (MAX_NAME - 1) + ".b")             # the cut ends in '.'
    assert cut == "a" * (MAX_NAME - 1) and windows_valid(cut)
    assert safe_name("con" + "_" * 300 + "z") == "x-con"      # the cut leaves a device name
    assert len(safe_name("con." + "a" * 300)) == MAX_NAME


@pytest.mark.parametrize("text, expected", [("Pema Tséring", "Pema-Tsering"), ("Zoë Ñúñez", "Zoe-Nunez"),
                                            ("ﬁne", "fine"), ("达瓦", "letter"), ("Dolma 达瓦", "Dolma"),
                                            ("", "letter"), ("?:*", "letter")])
def test_unicode_is_transliterated_to_ascii_and_empty_falls_back(text, expected):
    assert safe_name(text) == expected


@pytest.mark.parametrize("suffix", [".", "docx", ". docx", ".do/cx", "./x"])
def test_a_bad_suffix_is_a_programming_error(suffix):
    with pytest.raises(ValueError):
        safe_name("a", suffix)


@settings(max_examples=400, deadline=None)
@given(st.text(), st.sampled_from(["", ".docx", ".pdf", ".txt", ".md"]))
def test_any_text_makes_a_name_valid_on_windows(text, suffix):
    name = safe_name(text)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) and len(name) <= MAX_NAME
    assert windows_valid(name) and windows_valid(name + suffix) and safe_name(text, suffix) == name + suffix
    assert safe_name(name) == name                            # idempotent


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["con", "prn", "aux", "nul", *(f"{d}{i}" for d in ("com", "lpt") for i in "0123456789¹²³")]),
       st.text(alphabet="cCoOnN. _-:?", max_size=8))
def test_device_names_with_any_case_and_tail_are_never_written(device, tail):
    cased = "".join(c.upper() if i % 2 else c for i, c in enumerate(device))
    assert windows_valid(safe_name(cased + tail, ".docx"))


def test_output_pattern_names_are_valid():
    assert output_name("{recipient}", date="d", template="t", letter="l", recipient="CON") == "x-CON"
    assert output_name("{recipient}-{date}", date="d", template="t", letter="l", recipient="con.x") == "x-con.x-d"
    assert output_name("{recipient}", date="d", template="t", letter="l", recipient="aux.") == "x-aux"


def test_first_clash_compares_without_case():
    assert first_clash([("a", "1"), ("b", "2")]) is None
    assert first_clash([("a", "1"), ("B", "2"), ("b", "3")]) == (("B", "2"), ("b", "3"))
    assert first_clash([("x-con", "1"), ("x-con", "2")]) == (("x-con", "1"), ("x-con", "2"))


# --------------------------------------------------------------------------- batch's names

def person(name: str, street: str = "5 Maple Drive", row: int = 2) -> Constituent:
    return Constituent(row, name, street, "Madison", "WI", "53703")


def member(rid: str) -> Recipient:
    return Recipient(id=rid, name="A Member", role="senator")


def test_ordinary_batch_names_are_kept():
    """docs/log.md's names: a folder begun before these rules resumes under the same names."""
    assert letter_stem(person("Alex Fictional", row=6), member("B001230")) == "alex-fictional-06930621-B001230"
    assert person_key(person(" alex   FICTIONAL ")) == "06930621"


def test_batch_names_of_awkward_volunteers_are_valid_and_distinct():
    people = [person(n, s, i) for i, (n, s) in enumerate(
        [("Con", "1 A St"), ("con", "2 B St"), ("Con. Smith", "3 C St?"), ("Nul.", "4 D St."),
         ("A: B", "5 E: F"), ("COM1.", "6 G St"), ("Pema Example", "7 H"), ("PEMA EXAMPLE", "8 I"),
         ("达瓦", "9 J"), ("x" * 300, "10 K")], start=2)]
    members = [member(m) for m in ("B001230", "b001230", "A:1", "A?1", "A-1", "CON", "Z" * 80, "Z" * 80 + "z")]
    stems = [letter_stem(p, m) for p in people for m in members]
    for stem in stems:
        assert windows_valid(stem + ".docx") and len(stem) <= MAX_NAME, stem
    assert len({s.casefold() for s in stems}) == len(stems)
    assert stems == [letter_stem(p, m) for p in reversed(people) for m in reversed(members)][::-1]   # order-free


# --------------------------------------------------------------------------- draft and kit refuse a clash

def add_casper_twin(campaign: Path, twin: str) -> None:
    path = campaign / "recipients.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  casper:\n"):text.index("\n\n", text.index("  casper:\n"))] + "\n"
    path.write_text(text.replace("  casper:\n", block.replace("  casper:", f"  {twin}:", 1) + "  casper:\n", 1),
                    encoding="utf-8")
    letter = campaign / "letters/company-ceo.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("to: [casper]", f"to: [casper, {twin}]"),
                      encoding="utf-8")


@pytest.mark.parametrize("twin, words", [("Casper", ["company-ceo-casper", "company-ceo-Casper", "ignore case"]),
                                         ("casper.", ["two letters would be written to 2022-12-15-company-ceo-casper"])])
def test_draft_refuses_two_letters_one_file_without_case(campaign, tmp_path, twin, words):
    add_casper_twin(campaign, twin)
    out = tmp_path / "d"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    for word in [*words, "casper", twin]:
        assert word in result.output, (word, result.output)
    assert not out.exists() or not any(out.iterdir())


def test_kit_refuses_two_files_one_without_case(campaign, tmp_path):
    add_casper_twin(campaign, "Casper")
    (campaign / "letters/templates/kit-factsheet.md.j2").unlink()     # no LibreOffice needed
    out = tmp_path / "kit"
    with pytest.raises(DataError, match=r"two kit files would be written to \S+-casper\.txt and "
                                        r"\S+-Casper\.txt \(for casper and for Casper\), one file on Windows and macOS"):
        make_kit(campaign, "company-ceo", out, log=False)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("twin", ["Casper", "casper."])
def test_check_reports_the_clashes_draft_and_kit_refuse(campaign, twin):
    """What draft and kit refuse above, check has reported first, at the spec's `to:`."""
    add_casper_twin(campaign, twin)
    spec = campaign / "letters/company-ceo.yaml"
    line = next(i for i, text in enumerate(spec.read_text().splitlines(), 1) if text.startswith("to:"))
    found = [f for f in check_campaign(campaign) if f.severity == "error" and f.file == str(spec)]
    assert [f.line for f in found] == [line] * 2, [str(f) for f in found]
    assert found[0].message.startswith("two letters would be written to 2022-12-15-company-ceo-casper")
    assert found[1].message.startswith("two kit files would be written to shareholder-questions-casper.txt")
    assert f"for {twin}" in found[1].message


def test_check_reports_an_output_pattern_that_names_every_letter_alike(campaign):
    spec = campaign / "letters/erc-entity-list.yaml"
    spec.write_text(spec.read_text().replace("mode: joint", "mode: each").replace("-{recipient}", ""))
    found = [f for f in check_campaign(campaign) if f.severity == "error" and f.file == str(spec)]
    assert [(f.file, f.message.split(" (")[0], f.hint) for f in found] == [
        (str(spec), "two letters would be written to 2023-10-23-erc-entity-list",
         "put {recipient} in the 'output' pattern")]


# --------------------------------------------------------------------------- a batch end to end

# name, street: ':', '?', 'CON', trailing dots, two names differing only in case ('?' next to a
# letter would be taken for one Excel lost, and go to review)
AWKWARD = [
    ("Con", "12 Main Street: Apt 4?"),
    ("Pema Example", "12 Main Street"),
    ("PEMA EXAMPLE", "400 Elm Street"),
    ("Dr. Who (?)", "CON"),
    ("Nul.", "5 Elm St."),
    ("Con. Smith", "7 Oak Avenue, Unit 2?"),
    ("A: B", "COM1."),
    ("Tenzin Dolma.", "9 Pine St: rear"),
]


def write_volunteers(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Name", "Street", "City", "State", "ZIP", "District", "Note"],
                                  *[[n, s, "Waltham", "MA", "02451", "", ""] for n, s in AWKWARD]])
    return path


def batch_args(campaign: Path, shared: Path, people: Path, out: Path) -> list[str]:
    return ["-C", str(campaign), "batch", "constituent", "--constituents", str(people),
            "--legislators", str(shared / LEGISLATORS), "--zip-districts", str(shared / ZIPS), "-o", str(out),
            "--format", "docx", "--format", "txt"]


def check_batch(out: Path) -> list[str]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert {r["constituent"] for r in records} == {n for n, _ in AWKWARD}
    assert {r["status"] for r in records} == {"written"}
    assert len(records) == len(AWKWARD) * 3 * 2           # two senators, one representative, two formats
    names = [r["file"] for r in records]
    assert sorted(names) == sorted(p.name for p in out.iterdir() if p.suffix in (".docx", ".txt"))
    for name in names:
        assert windows_valid(name), name
    assert len({n.casefold() for n in names}) == len(names)
    return names


def test_a_batch_of_awkward_names_writes_every_letter_valid_and_distinct(campaign, shared, tmp_path):
    people = write_volunteers(tmp_path / "people.csv")
    result = CliRunner().invoke(main, batch_args(campaign, shared, people, tmp_path / "out"), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    names = check_batch(tmp_path / "out")
    assert any(n.startswith("x-con-") for n in names) and any(n.startswith("x-con.-smith-") for n in names)

    # the rows in another order, into the same folder: the same names, nothing new written
    rows = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "people.csv").write_text("\n".join([rows[0], *reversed(rows[1:])]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, batch_args(campaign, shared, people, tmp_path / "out"), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix in (".docx", ".txt")) == sorted(names)


def test_the_awkward_batch_under_the_windows_simulation(campaign, shared, tmp_path):
    """tests/simulate refuses to create any file whose name Windows forbids."""
    people = write_volunteers(tmp_path / "people.csv")
    env = {**os.environ, "DRAFTER_SIMULATE": "windows", "PYTHONPATH": str(REPO / "tests/simulate")}
    proc = subprocess.run([sys.executable, "-m", "drafter", *batch_args(campaign, shared, people, tmp_path / "out")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check_batch(tmp_path / "out")
