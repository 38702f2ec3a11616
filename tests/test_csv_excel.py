"""Volunteers' CSVs as Excel on Windows saves them: Windows-1252, UTF-8 with a byte-order mark,
semicolons, UTF-16 'Unicode Text' with tabs, CRLF line ends. Each is read as typed, or refused
with a message that says how to save it; never mangled (issue 22)."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from drafter.cli import main
from drafter.errors import DataError
from drafter.people.constituents import SAVE_AS, read_constituents

LEGISLATORS = "data/congress-legislators/legislators-current.yaml"
ZIPS = "data/zip-districts/zccd.csv"
NAMES = ["Zoë Example", "Jonas Müller", "José Sample"]
NOTE = "It’s my home town."             # the curly apostrophe is byte 0x92 in Windows-1252
HEADER = ["Name", "Street", "City", "State", "ZIP", "District", "Note"]


def rows(note: str = NOTE) -> list[list[str]]:
    return [HEADER] + [[name, f"{i} Main Street", "Albany", "NY", "12207", "", note]
                       for i, name in enumerate(NAMES, start=1)]


def excel_bytes(table: list[list[str]], encoding: str, delimiter: str = ",") -> bytes:
    """What Excel writes: cells quoted only when needed, CRLF after every row."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return text.getvalue().encode(encoding)


def write(tmp_path: Path, data: bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def batch(campaign: Path, shared: Path, people: Path, out: Path):
    return CliRunner().invoke(main, ["-C", str(campaign), "batch", "constituent", "--constituents", str(people),
                                     "--legislators", str(shared / LEGISLATORS), "--zip-districts",
                                     str(shared / ZIPS), "-o", str(out), "--format", "txt"],
                              catch_exceptions=False)


def letters(out: Path) -> dict[str, str]:
    """constituent name -> the text of one of their letters, as the manifest lists them."""
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["constituent"]: (out / r["file"]).read_text(encoding="utf-8") for r in csv.DictReader(fh)}


# ---- read as typed -----------------------------------------------------------------------------

def test_windows_1252_is_read_as_typed_and_said(tmp_path, caplog):
    path = write(tmp_path, excel_bytes(rows(), "cp1252"))
    assert b"Zo\xeb" in path.read_bytes() and b"It\x92s" in path.read_bytes()
    people = read_constituents(path)
    assert [p.name for p in people] == NAMES
    assert [p.note for p in people] == [NOTE] * 3
    assert [p.row for p in people] == [2, 3, 4]
    [said] = [r.getMessage() for r in caplog.records]
    assert said.startswith(f"warning: {path}: not UTF-8, so read as Windows-1252")
    assert "row 2 'Zoë'" in said and "row 3 'Müller'" in said and "row 4 'José'" in said
    assert SAVE_AS in said


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf8_with_or_without_bom_is_read_as_is(tmp_path, caplog, encoding):
    people = read_constituents(write(tmp_path, excel_bytes(rows(), encoding)))
    assert [p.name for p in people] == NAMES and people[0].note == NOTE
    assert caplog.records == []


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_semicolons_with_a_quoted_semicolon(tmp_path, encoding):
    data = excel_bytes(rows("Yes; please, now"), encoding, delimiter=";")
    assert b'"Yes; please, now"\r\n' in data
    people = read_constituents(write(tmp_path, data))
    assert [(p.name, p.note) for p in people] == [(n, "Yes; please, now") for n in NAMES]


def test_excel_sep_line_names_the_separator(tmp_path):
    data = b"sep=;\r\n" + excel_bytes(rows(), "utf-8", delimiter=";")
    people = read_constituents(write(tmp_path, data))
    assert [(p.row, p.name) for p in people] == [(2, NAMES[0]), (3, NAMES[1]), (4, NAMES[2])]


def test_unicode_text_is_utf16_with_tabs(tmp_path):
    data = excel_bytes(rows(), "utf-16", delimiter="\t")
    assert data.startswith(b"\xff\xfe") and b"\t\x00" in data
    people = read_constituents(write(tmp_path, data))
    assert [p.name for p in people] == NAMES and people[2].note == NOTE


def test_tab_separated_windows_1252(tmp_path):
    people = read_constituents(write(tmp_path, excel_bytes(rows(), "cp1252", delimiter="\t")))
    assert [p.name for p in people] == NAMES


def test_separator_is_decided_by_the_known_column_names(tmp_path):
    # More commas than semicolons in the header, but only semicolons split it into known names.
    header = "Name;Street;City;State;ZIP;Message, in a few words, as typed, unedited, please\r\n"
    data = (header + "Zoë Example;1 Main Street;Albany;NY;12207;Hello, there\r\n").encode("utf-8")
    [p] = read_constituents(write(tmp_path, data))
    assert (p.name, p.city) == ("Zoë Example", "Albany")


# ---- refused, with how to save ---------------------------------------------------------------

def refused(tmp_path, data: bytes) -> DataError:
    path = write(tmp_path, data)
    with pytest.raises(DataError) as err:
        read_constituents(path, [])
    assert err.value.file == str(path) and SAVE_AS in err.value.hint
    return err.value


def test_utf8_and_windows_1252_mixed_is_refused(tmp_path):
    table = rows()
    data = excel_bytes(table[:3], "utf-8") + excel_bytes(table[3:], "cp1252")
    e = refused(tmp_path, data)
    assert e.line == 4 and "row 4 is not UTF-8 (byte 0xe9, 'é' in Windows-1252)" in e.message
    assert "row 2 is UTF-8 ('ë')" in e.message and "mixes two encodings" in e.message


def test_utf8_bom_then_windows_1252_is_refused(tmp_path):
    e = refused(tmp_path, b"\xef\xbb\xbf" + excel_bytes(rows(), "cp1252"))
    assert e.line == 2 and "starts with a UTF-8 byte-order mark" in e.message


def test_bytes_windows_1252_leaves_undefined_are_refused(tmp_path):
    data = excel_bytes(rows(), "cp1252").replace(b"Jonas", b"Jon\x81s")
    e = refused(tmp_path, data)
    assert e.line == 3 and "neither UTF-8 nor Windows-1252" in e.message and "0x81" in e.message


def test_another_alphabets_code_page_is_refused(tmp_path):
    # Windows-1251 (Cyrillic) bytes are all defined in Windows-1252, as letters of no Western word.
    table = [HEADER, ["Pema Example", "1 Main Street", "Albany", "NY", "12207", "", ""],
             ["Иван Пример", "5 Main Street", "Albany", "NY", "12207", "", ""]]
    e = refused(tmp_path, excel_bytes(table, "cp1251"))
    assert e.line == 3 and "not a word of a Western language" in e.message


def test_utf16_without_bom_and_broken_utf16_are_refused(tmp_path):
    e = refused(tmp_path, excel_bytes(rows(), "utf-16-le"))
    assert "NUL" in e.message
    e = refused(tmp_path, excel_bytes(rows(), "utf-16")[:-1])
    assert "not UTF-16" in e.message


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_a_workbook_is_refused(tmp_path, magic):
    e = refused(tmp_path, magic + b"\x00" * 100)
    assert e.line == 1 and "workbook" in e.message and "not a CSV file" in e.message


def test_question_marks_excel_wrote_for_lost_letters_go_to_review(tmp_path):
    # 'Łukasz' and 'Nguyễn' are outside Windows-1252: Excel's 'CSV (Comma delimited)' writes '?'.
    table = rows() + [["?ukasz Nguy?n", "9 Main Street", "Albany", "NY", "12207", "", "Why? Because."]]
    review = []
    people = read_constituents(write(tmp_path, excel_bytes(table, "cp1252")), review)
    assert [p.name for p in people] == NAMES
    [item] = review
    assert item.row == 5 and "'?ukasz Nguy?n' has a '?' where a letter was" in item.reason


# ---- through drafter batch -------------------------------------------------------------------

def test_batch_writes_letters_with_the_names_as_typed(campaign, shared, tmp_path):
    people = write(tmp_path, excel_bytes(rows(), "cp1252"))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "drafter", "-C", str(campaign), "batch", "constituent",
                           "--constituents", str(people), "--legislators", str(shared / LEGISLATORS),
                           "--zip-districts", str(shared / ZIPS), "-o", str(out), "--format", "txt"],
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {people}: not UTF-8, so read as Windows-1252" in proc.stderr
    texts = letters(out)
    assert sorted(texts) == sorted(NAMES)
    for name, text in texts.items():
        assert name in text and NOTE in text


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ";"), ("utf-16", "\t")])
def test_batch_reads_semicolons_and_unicode_text(campaign, shared, tmp_path, encoding, delimiter):
    people = write(tmp_path, excel_bytes(rows(), encoding, delimiter))
    out = tmp_path / "out"
    result = batch(campaign, shared, people, out)
    assert result.exit_code == 0, result.output
    assert sorted(letters(out)) == sorted(NAMES)


def test_batch_refuses_a_mixed_file_with_how_to_save(campaign, shared, tmp_path):
    table = rows()
    people = write(tmp_path, excel_bytes(table[:3], "utf-8") + excel_bytes(table[3:], "cp1252"))
    out = tmp_path / "out"
    result = batch(campaign, shared, people, out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"error: {people}:4: row 4 is not UTF-8")
    assert "File > Save As > CSV UTF-8 (Comma delimited))" in result.output
    assert not list(out.glob("*.txt"))
