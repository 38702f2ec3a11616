"""Constituent CSVs, members of Congress by seat, ZIP-to-district matching, needs-review.csv."""
from __future__ import annotations

import csv
import functools

import pytest

from drafter.people.constituents import (Constituent, Legislators, ReviewItem, ZipDistricts, match,
                                  read_constituents, recipient_from_legislator)
from drafter.commands.batch import write_review
from drafter.errors import DataError

HEADER = "Name,Street,City,State,ZIP,District,Email,Note\n"


def write(tmp_path, text: str | bytes, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def person(state="MA", zip_="02451", district=None, row=2):
    return Constituent(row=row, name="Pema Example", street="12 Main Street", city="Town",
                       state=state, zip=zip_, district=district)


@functools.lru_cache(maxsize=None)
def _load(kind, path):
    return kind.load(path)       # once per session: the files take ~0.4 s to read


@pytest.fixture
def legislators(shared):
    return _load(Legislators, shared / "data/congress-legislators/legislators-current.yaml")


@pytest.fixture
def zips(shared):
    return _load(ZipDistricts, shared / "data/zip-districts/zccd.csv")


# ---- reading the CSV -------------------------------------------------------------------------

def test_reads_plain_csv(tmp_path):
    path = write(tmp_path, HEADER + "Pema Example,12 Main Street,Waltham,ma,02451,,pema@example.org,Hi\n")
    [p] = read_constituents(path)
    assert p == Constituent(row=2, name="Pema Example", street="12 Main Street", city="Waltham",
                            state="MA", zip="02451", district=None, email="pema@example.org", note="Hi")


def test_bom_semicolons_loose_headers_zip4_and_full_state_names(tmp_path):
    text = ("\ufeffFull name;Street address;City;State;Postal code;Congressional district;"
            "E-mail;Your message\n"
            'Tenzin Sample;1 Elm St;New York;New York;10001-2345;NY-12;t@example.org;"Semi; colon, comma"\n')
    [p] = read_constituents(write(tmp_path, text))
    assert (p.name, p.state, p.zip, p.district, p.email, p.note) == \
        ("Tenzin Sample", "NY", "10001", 12, "t@example.org", "Semi; colon, comma")


def test_extra_cells_go_to_review(tmp_path):
    path = write(tmp_path, HEADER + "Pema Example,12 Main St,Waltham,MA,02451,,,Hello, world\n")
    review = []
    assert read_constituents(path, review) == []
    assert review[0].row == 2 and "9 cells but the header has 8 columns (a ',' in" in review[0].reason


@pytest.mark.parametrize("header", [
    "Your name,Address,Town,ST,Zip code,CD,Email address,Notes (optional)",
    "NAME,STREET ADDRESS,CITY,STATE,ZIP CODE,DISTRICT,E-MAIL,MESSAGE",
    "full_name,street_address,city,state,postal_code,district,email,note",
])
def test_header_spellings(tmp_path, header):
    path = write(tmp_path, header + "\nPema Example,12 Main St,Waltham,MA,02451,5,p@example.org,Hi\n")
    [p] = read_constituents(path)
    assert (p.name, p.street, p.city, p.state, p.zip, p.district, p.email, p.note) == \
        ("Pema Example", "12 Main St", "Waltham", "MA", "02451", 5, "p@example.org", "Hi")


def test_first_and_last_name_columns_and_address_line_2(tmp_path):
    path = write(tmp_path, "First name,Last name,Address line 1,Address line 2,City,State,ZIP\n"
                           "Pema,Example,12 Main St,Apt 4,Waltham,MA,02451\n")
    [p] = read_constituents(path)
    assert (p.name, p.street) == ("Pema Example", "12 Main St, Apt 4")


def test_leading_zeros_zip_plus_4_and_numeric_zips(tmp_path):
    rows = ["A,1 St,X,MA,02451,,,", "B,1 St,X,MA,02451-1234,,,", "C,1 St,X,MA,024511234,,,",
            "D,1 St,X,MA,2451,,,", "E,1 St,X,PR,00601,,,"]
    people = read_constituents(write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert [p.zip for p in people] == ["02451", "02451", "02451", "02451", "00601"]


def test_quoted_newline_in_note_keeps_row_numbers(tmp_path):
    text = (HEADER + 'Pema Example,1 St,X,MA,02451,,,"line one\r\nline two"\r\n'
            "Tenzin Sample,2 St,Y,MA,02451,,,\r\n")
    a, b = read_constituents(write(tmp_path, text))
    assert a.note == "line one\nline two"
    assert (a.row, b.row) == (2, 3)        # spreadsheet rows, not file lines


def test_district_spellings(tmp_path):
    rows = ["A,1 St,X,WY,82001,at-large,,", "B,1 St,X,WY,82001,AL,,", "C,1 St,X,WY,82001,0,,",
            "D,1 St,X,NY,10001,07,,", "E,1 St,X,NY,10001,12th,,"]
    people = read_constituents(write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert [p.district for p in people] == [0, 0, 0, 7, 12]


def test_blank_rows_are_skipped(tmp_path):
    people = read_constituents(write(tmp_path, HEADER + ",,,,,,,\n\nA,1 St,X,MA,02451,,,\n"))
    assert [p.row for p in people] == [4]


def test_missing_column_names_file_and_suggests(tmp_path):
    path = write(tmp_path, "Name,Street,City,State,Zp code\nA,1 St,X,MA,02451\n")
    with pytest.raises(DataError) as err:
        read_constituents(path, [])             # a whole-file problem raises even with a review list
    e = err.value
    assert (e.file, e.line) == (str(path), 1)
    assert "no zip column" in e.message and "'Zp code'" in e.hint


def test_bad_cells_name_row_and_column(tmp_path):
    path = write(tmp_path, HEADER + "A,1 St,X,MA,02451,,,\n"
                                    "Tenzin Sample,,Y,Calfornia,1234x,,,\n")
    with pytest.raises(DataError) as err:
        read_constituents(path)
    e = err.value
    assert (e.file, e.line) == (str(path), 3)
    assert "column B ('Street'): empty street" in e.message
    assert "column D ('State'): unknown state 'Calfornia' (did you mean 'California'?)" in e.message
    assert "column E ('ZIP'): malformed ZIP '1234x'" in e.message
    assert str(e).startswith(f"{path}:3: row 3: ")


def test_bad_rows_go_to_review_and_the_rest_are_read(tmp_path):
    path = write(tmp_path, HEADER + "Tenzin Sample,2 St,Y,ZZ,10001,,,\n"
                                    "A,1 St,X,MA,02451,,,\n"
                                    "B,1 St,X,NY,123,NJ-3,,\n")
    review = []
    people = read_constituents(path, review)
    assert [p.row for p in people] == [3]
    assert [(r.row, r.name, r.state, r.zip) for r in review] == \
        [(2, "Tenzin Sample", "ZZ", "10001"), (4, "B", "NY", "123")]
    assert "unknown state 'ZZ'" in review[0].reason
    assert "district 'NJ-3' is in NJ, but the state is NY" in review[1].reason


def test_not_utf8_names_the_row(tmp_path):
    """Mixed: UTF-8 rows, then a Windows-1252 one; a file wholly in Windows-1252 is read."""
    data = (HEADER + "Zo\u00eb,1 St,X,MA,02451,,,\n" + 'B,2 St,X,MA,02451,,,"multi\nline"\n').encode() \
        + "Jos\u00e9,1 St,X,MA,02451,,,\n".encode("cp1252")
    with pytest.raises(DataError) as err:
        read_constituents(write(tmp_path, data))
    assert err.value.line == 4 and "row 4 is not UTF-8" in err.value.message
    assert "'é'" in err.value.message and "CSV UTF-8" in err.value.hint


def test_broken_utf16_and_empty_files_are_refused(tmp_path):
    with pytest.raises(DataError, match="UTF-16"):
        read_constituents(write(tmp_path, HEADER.encode("utf-16")[:-1]))      # broken UTF-16
    with pytest.raises(DataError, match="empty"):
        read_constituents(write(tmp_path, b""))


def test_example_file_reads_cleanly(repo):
    review = []
    people = read_constituents(repo / "examples/constituents.csv", review)
    assert len(people) == 12 and review == []
    assert [p.points for p in people][:3] == [(), ("children", "us-concern"), ("least-free", "scale")]
    assert any("{{ 7*7 }}" in (p.note or "") and "<w:p>" in p.note for p in people)


# ---- legislators and matching ------------------------------------------------------------------

def test_loading_counts(shared):
    # Speed is measured in bench/imports.py, never asserted here.
    leg = Legislators.load(shared / "data/congress-legislators/legislators-current.yaml")
    z = ZipDistricts.load(shared / "data/zip-districts/zccd.csv")
    assert len(leg) == 537 and len(z) == 33774


def test_recipient_from_legislator():
    record = {"id": {"bioguide": "X000001"},
              "name": {"first": "Pat", "last": "Sample", "suffix": "Jr.", "nickname": "P"},
              "terms": [{"type": "rep", "state": "WA", "district": 1},
                        {"type": "sen", "state": "WA", "party": "Democrat",
                         "address": "511 Hart Senate Office Building Washington DC 20510",
                         "phone": "202-224-0000", "url": "https://example.senate.gov"}]}
    r = recipient_from_legislator(record)
    assert (r.id, r.name, r.role, r.state, r.district, r.party) == \
        ("X000001", "Pat Sample, Jr.", "senator", "WA", None, "Democrat")
    assert r.address == ("511 Hart Senate Office Building", "Washington, DC 20510")
    assert r.organization == "United States Senate"
    assert (r.given, r.surname, r.suffix, r.nickname) == ("Pat", "Sample", "Jr.", "P")


def test_senators_and_representative_by_district(legislators):
    m = match(person("WA", "98101", district=7), legislators)
    assert m.ok and [r.role for r in m.members] == ["senator", "senator", "representative"]
    assert {r.name for r in m.members[:2]} == {"Maria Cantwell", "Patty Murray"}
    rep = m.members[2]
    assert (rep.state, rep.district, rep.organization) == ("WA", 7, "United States House of Representatives")
    assert rep.address[-1].startswith("Washington, DC 20515")


def test_at_large_needs_no_zip_lookup(legislators):
    for state in ("WY", "AK", "VT"):
        m = match(person(state, "00000"), legislators)          # no ZIP file, no district
        assert m.ok and [r.district for r in m.members] == [None, None, 0]


def test_dc_delegate_and_pr_resident_commissioner(legislators, zips):
    dc = match(person("DC", "20002"), legislators, zips)
    assert [(r.name, r.role) for r in dc.members] == [("Eleanor Holmes Norton", "delegate")]
    pr = match(person("PR", "00601"), legislators, zips)
    assert [r.role for r in pr.members] == ["resident-commissioner"]


def test_zip_gives_the_district(legislators, zips):
    assert zips.get("02451") == [("MA", 5)]
    m = match(person("MA", "02451"), legislators, zips)
    assert m.ok and m.members[2].district == 5 and m.members[2].name == "Katherine M. Clark"


def test_ambiguous_zip_is_never_guessed_and_holds_back_only_the_house_letter(legislators, zips):
    assert zips.get("35005") == [("AL", 6), ("AL", 7)]
    m = match(person("AL", "35005"), legislators, zips)
    assert [r.role for r in m.members] == ["senator", "senator"] and not m.ok     # the Senate letters go out
    assert m.review.reason == ("ZIP 35005 spans AL-6, AL-7; add the district; the House letter is held back, "
                               "the Senate letters were made")
    assert m.review.candidates == ("AL-6", "AL-7")
    assert match(person("AL", "35005", district=7), legislators, zips).members[2].district == 7


def test_zip_in_another_state(legislators, zips):
    m = match(person("NJ", "10001"), legislators, zips)
    assert m.members == () and "ZIP 10001 is in NY, not NJ" in m.review.reason
    assert m.review.candidates == ("NY-10", "NY-12")
    # A ZIP spanning a state line matches in either state.
    assert match(person("GA", "30165"), legislators, zips).ok


def test_unknown_state_unknown_zip_and_missing_zip_file(legislators, zips):
    assert "no members of Congress for state 'ZZ'" in match(person("ZZ", "02451"), legislators, zips).review.reason
    assert "ZIP 99999 is not in the ZIP-to-district file" in match(person("MA", "99999"), legislators, zips).review.reason
    assert "--zip-districts" in match(person("MA", "02451"), legislators).review.reason


def test_vacant_seat_and_nonexistent_district(legislators, zips):
    vacant = [(s, d) for s in sorted(legislators.states) for d in zips.districts(s)
              if legislators.representative(s, d) is None]
    assert ("CA", 14) in vacant                  # vacant in the pinned legislators file
    m = match(person("CA", "00000", district=14), legislators, zips)
    assert m.members == () and m.review.reason == "CA-14 has no current member (vacant seat)"
    m = match(person("MA", "02451", district=40), legislators, zips)
    assert m.review.reason == "MA has no district 40 (districts 1-9)"
    m = match(person("WY", "82001", district=3), legislators, zips)
    assert "one at-large seat" in m.review.reason


def test_example_batch_matches(repo, legislators, zips):
    results = [match(p, legislators, zips) for p in read_constituents(repo / "examples/constituents.csv")]
    assert sum(m.ok for m in results) == 11
    [ambiguous] = [m for m in results if not m.ok]
    assert len(ambiguous.review.candidates) > 1


# ---- needs-review.csv ---------------------------------------------------------------------------

def test_write_review(tmp_path):
    items = [ReviewItem(5, "=HYPERLINK(\"x\")", "35005", "AL", "ZIP 35005 spans AL-6, AL-7; add the district",
                        ("AL-6", "AL-7")),
             ReviewItem(3, "Jos\u00e9 Example", "1234x", "MA", "column E ('ZIP'): malformed ZIP '1234x'")]
    path = write_review(tmp_path / "needs-review.csv", items)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == ["row", "name", "zip", "state", "reason", "candidates"]
    assert rows[1] == ["3", "Jos\u00e9 Example", "1234x", "MA", "column E ('ZIP'): malformed ZIP '1234x'", ""]
    assert rows[2][1] == "'=HYPERLINK(\"x\")" and rows[2][5] == "AL-6 AL-7"
    assert [p.name for p in tmp_path.iterdir()] == ["needs-review.csv"]   # no temp file left


def test_multiline_address_cells_become_one_line(tmp_path):
    [p] = read_constituents(write(tmp_path, HEADER + '"Pema\n Example","12 Main St\nApt 4",Waltham,MA,02451,,,\n'))
    assert (p.name, p.street) == ("Pema Example", "12 Main St, Apt 4")


def test_at_large_district_in_a_districted_state(legislators, zips):
    m = match(person("AL", "35005", district=0), legislators, zips)
    assert m.review.reason == "AL has no at-large seat; give the district number (1-7)"


def test_an_open_quote_that_swallows_the_file_names_its_row(tmp_path):
    path = tmp_path / "people.csv"
    rows = "".join(f"P{i},{i} Main,Waltham,MA,02451\n" for i in range(6000))
    path.write_text('Name,Street,City,State,ZIP\n"Pema,1 Main,Waltham,MA,02451\n' + rows)
    with pytest.raises(DataError) as info:
        read_constituents(path, [])
    assert info.value.line == 2 and "quotation mark" in info.value.hint


def test_a_district_contradicting_a_one_district_zip_goes_to_review(legislators, zips):
    assert zips.get("02451") == [("MA", 5)]
    m = match(person("MA", "02451", district=7), legislators, zips)
    assert not m.ok and "ZIP 02451 lies wholly in MA-5" in m.review.reason
    assert m.review.candidates == ("MA-5", "MA-7")
    assert match(person("MA", "02451", district=5), legislators, zips).ok


def test_an_oversized_cell_sends_only_its_row_to_review(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Street,City,State,ZIP,District,Note\n"
                    f"Pema Example,1 Elm St,Waltham,MA,02451,5,{'x' * 1_000_000}\n"
                    "Jamie Demo,3 Ash St,Washington,DC,20001,,short\n", encoding="utf-8")
    review = []
    [jamie] = read_constituents(path, review)
    assert jamie.name == "Jamie Demo"
    [big] = review
    assert big.row == 2 and "column G ('Note'): 1,000,000 characters" in big.reason
    assert "quotation" not in big.reason.split("(")[0]
