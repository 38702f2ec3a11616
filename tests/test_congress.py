"""drafter recipients import-congress / list, on the real congress-legislators files."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml
from click.testing import CliRunner

from drafter.campaign.load import build_people
from drafter.cli import main
from drafter.commands.recipients import import_congress
from drafter.people.congress import base_path
from drafter.errors import DataError
from drafter.campaign.validate import validate
from drafter.campaign.yamlsrc import load_yaml

from conftest import SHARED, need

TODAY = dt.date(2026, 6, 20)


@pytest.fixture
def data(shared):
    return shared / "data" / "congress-legislators"


@pytest.fixture(scope="module")
def legislators_list():
    """The legislators file as PyYAML reads it, parsed once for the module (tests copy what they change)."""
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    return yaml.load((SHARED / "data/congress-legislators/legislators-current.yaml").read_bytes(), Loader=yaml.CSafeLoader)


def run_import(tmp_path, data, **kw):
    kw.setdefault("today", TODAY)
    return import_congress(tmp_path / "recipients.yaml", kw.pop("legislators", data / "legislators-current.yaml"),
                           kw.pop("committees", data / "committee-membership-current.yaml"), **kw)


def profiles(tmp_path):
    doc = load_yaml(tmp_path / "recipients.yaml")
    return doc, doc.data["recipients"]


def write_legislators(path, members):
    path.write_text(yaml.dump(members, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False))
    return path


def test_all_members_become_valid_profiles(tmp_path, data):
    report = run_import(tmp_path, data)
    doc, people = profiles(tmp_path)
    assert validate(doc, "recipients") == []
    assert len(people) == len(report.added) == 537
    roles = [p["role"] for p in people.values()]
    assert roles.count("senator") == 100
    assert roles.count("delegate") == 5
    assert roles.count("resident-commissioner") == 1
    assert roles.count("representative") == 431
    assert {p["state"] for p in people.values() if p["role"] == "delegate"} == {"DC", "GU", "VI", "AS", "MP"}
    assert [p["state"] for p in people.values() if p["role"] == "resident-commissioner"] == ["PR"]
    for rid, p in people.items():
        assert p["bioguide"] == rid and p["as_of"] == TODAY
        assert p["address"] and p["address"][-1].startswith("Washington, DC 205")
        if p["role"] == "senator":
            assert "district" not in p and p["organization"] == "United States Senate"
            assert p["address"][-1] == "Washington, DC 20510"
        else:
            assert p["district"] >= 0 and p["organization"] == "United States House of Representatives"
            assert re.fullmatch(r"Washington, DC 20515(-\d{4})?", p["address"][-1])
        assert p.get("memberships", []) == [c["id"] for c in p.get("committees", [])]
        for value in p.values():
            assert value not in ("", [], {}, None)
    assert people["C000127"]["address"] == ["511 Hart Senate Office Building", "Washington, DC 20510"]
    assert people["C000127"]["name"] == "Maria Cantwell"
    # The SSFR chair: committee names come from committees-current.yaml beside the membership file.
    risch = {c["id"]: c for c in people["R000584"]["committees"]}
    assert risch["SSFR"] == {"id": "SSFR", "name": "Senate Committee on Foreign Relations", "title": "Chairman"}
    sanders = people["S000033"]
    assert (sanders["given"], sanders["surname"], sanders["nickname"]) == ("Bernard", "Sanders", "Bernie")
    # No official_full: the name is built from its parts; no office yet: the chamber's address.
    assert any(p["name"] == "Analilia Mejia" and p["surname"] == "Mejia" for p in people.values())
    gallagher = next(p for p in people.values() if p["name"] == "James Gallagher")
    assert gallagher["address"] == ["Washington, DC 20515"] and gallagher["district"] == 1
    # A source URL the schema refuses is left out and reported, not written.
    assert "contact_form" not in people["F000484"]
    assert any(s.startswith("F000484.contact_form") for s in report.skipped)
    assert {p.name for p in report.written} == {"recipients.yaml", "recipients.congress-base.json"}


HAND_WRITTEN = """\
# Campaign recipients: keep this comment.
recipients:
  raimondo:
    name: Gina M. Raimondo   # the Secretary
    role: secretary
    title: Secretary of Commerce
    organization: U.S. Department of Commerce
    address: ["1401 Constitution Avenue NW", "Washington, DC 20230"]
    as_of: 2023-10-23
signers:
  smith: {name: Christopher H. Smith, title: Chair}
"""


@pytest.mark.slow      # the 537-member import, twice
def test_reimport_keeps_hand_edits_comments_and_hand_written_profiles(tmp_path, data, legislators_list):
    path = tmp_path / "recipients.yaml"
    path.write_text(HAND_WRITTEN)
    run_import(tmp_path, data, states=["OR"])
    text = path.read_text()
    assert text.startswith(HAND_WRITTEN.split("signers:")[0])
    assert text.endswith("signers:\n  smith: {name: Christopher H. Smith, title: Chair}\n")
    # A person edits an imported profile: a value, a comment, an extra field.
    text = text.replace("    phone: 202-224-3753\n",
                        "    phone: 202-555-0100  # his scheduler's line\n    notes: met his staff in May\n", 1)
    text = text.replace("  W000779:\n", "  # Wyden: ranking member on Finance\n  W000779:\n", 1)
    path.write_text(text)
    # Upstream, both senators' phones change, and Merkley's website.
    upstream = {"M001176": {"phone": "202-224-0000", "url": "https://www.merkley.senate.gov/new"},
                "W000779": {"phone": "202-224-0000"}}
    changed = [dict(m, terms=m["terms"][:-1] + [dict(m["terms"][-1], **upstream[m["id"]["bioguide"]])])
               if m["id"]["bioguide"] in upstream else m for m in legislators_list]
    source = write_legislators(tmp_path / "legislators-current.yaml", changed)

    report = run_import(tmp_path, data, legislators=source, states=["OR"], today=TODAY + dt.timedelta(days=1))
    after = path.read_text()
    for kept in ("# Campaign recipients: keep this comment.", "name: Gina M. Raimondo   # the Secretary",
                 "phone: 202-555-0100  # his scheduler's line", "notes: met his staff in May",
                 "# Wyden: ranking member on Finance\n  W000779:\n"):
        assert kept in after
    assert report.kept == [("M001176", "phone", "202-224-0000")]
    assert report.updated == ["M001176", "W000779"]
    assert len(report.unchanged) == 6 and report.added == [] and report.left_office == []
    doc, people = profiles(tmp_path)
    assert validate(doc, "recipients") == []
    assert people["W000779"]["phone"] == "202-224-0000"
    assert people["M001176"]["website"] == "https://www.merkley.senate.gov/new"
    assert people["M001176"]["phone"] == "202-555-0100"
    assert people["W000779"]["as_of"] == TODAY + dt.timedelta(days=1)
    assert people["raimondo"]["as_of"] == dt.date(2023, 10, 23)
    assert list(people)[0] == "raimondo" and list(doc.data) == ["recipients", "signers"]

    # A second re-import changes nothing and still reports the hand edit.
    again = run_import(tmp_path, data, legislators=source, states=["OR"], today=TODAY + dt.timedelta(days=1))
    assert path.read_text() == after
    assert again.kept == report.kept and again.updated == []


def test_reimport_without_a_base_keeps_every_differing_value(tmp_path, data):
    run_import(tmp_path, data, states=["VT"])
    path = tmp_path / "recipients.yaml"
    path.write_text(path.read_text().replace("party: Independent", "party: Independent (caucuses with Democrats)"))
    base_path(path).unlink()
    report = run_import(tmp_path, data, states=["VT"])
    assert {(rid, key) for rid, key, _ in report.kept} == {("S000033", "party")}
    assert "party: Independent (caucuses with Democrats)" in path.read_text()


@pytest.mark.slow      # the 537-member import, twice
def test_departed_member_is_reported_marked_and_kept(tmp_path, data, legislators_list):
    run_import(tmp_path, data, states=["OR"])
    without = write_legislators(tmp_path / "legislators-current.yaml",
                                [m for m in legislators_list if m["id"]["bioguide"] != "W000779"])
    report = run_import(tmp_path, data, legislators=without, states=["OR"])
    assert report.left_office == [("W000779", "Ron Wyden")]
    assert "  left office: Ron Wyden (W000779)" in report.lines()
    text = (tmp_path / "recipients.yaml").read_text()
    assert "  # left office: not in legislators-current.yaml on 2026-06-20\n  W000779:\n" in text
    _, people = profiles(tmp_path)
    assert people["W000779"]["former"] is True and people["W000779"]["name"] == "Ron Wyden"
    # Reported again on the next import, but marked only once.
    again = run_import(tmp_path, data, legislators=without, states=["OR"])
    assert again.left_office == [("W000779", "Ron Wyden")]
    assert (tmp_path / "recipients.yaml").read_text().count("# left office") == 1
    # Back in office (e.g. re-elected): the mark the import set goes away.
    run_import(tmp_path, data, states=["OR"])
    _, people = profiles(tmp_path)
    assert "former" not in people["W000779"]


def test_committee_filter_keeps_members_of_committee_and_subcommittees(tmp_path, data):
    membership = yaml.load((data / "committee-membership-current.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    expected = {m["bioguide"] for key, members in membership.items()
                if re.fullmatch(r"SSFR\d*", key) for m in members}
    report = run_import(tmp_path, data, committee_ids=["SSFR"])
    _, people = profiles(tmp_path)
    assert set(people) == expected == set(report.added)
    assert all(p["role"] == "senator" and "SSFR" in p["memberships"] for p in people.values())


def test_state_filter_and_bad_filters(tmp_path, data):
    run_import(tmp_path, data, states=["vt", "DC"])
    _, people = profiles(tmp_path)
    assert sorted((p["state"], p["role"]) for p in people.values()) == [
        ("DC", "delegate"), ("VT", "representative"), ("VT", "senator"), ("VT", "senator")]
    with pytest.raises(DataError, match="no committee 'SSFX'") as err:
        run_import(tmp_path, data, committee_ids=["SSFX"])
    assert "did you mean 'SSFR'" in str(err.value)
    with pytest.raises(DataError, match="not a state code"):
        run_import(tmp_path, data, states=["Oregon"])
    with pytest.raises(DataError, match="needs the membership file"):
        import_congress(tmp_path / "recipients.yaml", data / "legislators-current.yaml", committee_ids=["SSFR"])


def test_refuses_an_invalid_recipients_file_and_writes_nothing(tmp_path, data):
    path = tmp_path / "recipients.yaml"
    bad = "recipients:\n  x:\n    name: X\n    role: senator\n    phon: 1\n"
    path.write_text(bad)
    with pytest.raises(DataError) as err:
        run_import(tmp_path, data, states=["OR"])
    assert err.value.line == 5 and "nothing was imported" in str(err.value)
    assert path.read_text() == bad and not base_path(path).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipients.yaml"]


def test_every_imported_member_gets_a_role_correct_salutation(tmp_path, data):
    address = pytest.importorskip("drafter.people.address")
    run_import(tmp_path, data)
    people, _, _ = build_people(load_yaml(tmp_path / "recipients.yaml"))
    word = {"senator": "Senator", "representative": "Representative", "delegate": "Delegate",
            "resident-commissioner": "Commissioner"}
    for person in people.values():
        line = address.salutation(person)
        assert re.fullmatch(rf"Dear {word[person.role]} \S.*:", line), (person.id, line)


def test_cli_import_and_list(tmp_path, data):
    runner = CliRunner()
    args = ["-C", str(tmp_path), "recipients", "import-congress", str(data / "legislators-current.yaml"),
            "--committees", str(data / "committee-membership-current.yaml"), "--state", "OR"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "added 8, updated 0, unchanged 0, kept hand edits 0, left office 0" in result.output
    assert f"wrote {tmp_path / 'recipients.yaml'}" in result.output

    result = runner.invoke(main, ["-C", str(tmp_path), "recipients", "list", "--role", "senator"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "name", "role", "state", "district"]
    assert [ln.split()[0] for ln in lines[1:]] == ["M001176", "W000779"]
    result = runner.invoke(main, ["-C", str(tmp_path), "recipients", "list", "--state", "or"])
    assert len(result.output.splitlines()) == 9 and "OR     1" in result.output

    result = runner.invoke(main, args[:-2] + ["--committee", "SSFX"])
    assert result.exit_code == 1 and "did you mean 'SSFR'" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(main, ["-C", str(tmp_path), "recipients", "list", "--role", "senatr"]).exit_code == 2


def test_import_one_member_by_id_and_the_options_say_how_they_combine(tmp_path, data):
    runner = CliRunner()
    base = ["-C", str(tmp_path), "recipients", "import-congress", str(data / "legislators-current.yaml")]
    result = runner.invoke(main, base + ["--id", "M001176", "--id", "w000779"])
    assert result.exit_code == 0, result.output
    assert "selected: members bioguide id M001176 or W000779" in result.output
    assert "added 2, updated 0" in result.output
    listed = runner.invoke(main, ["-C", str(tmp_path), "recipients", "list"]).output.splitlines()[1:]
    assert sorted(line.split()[0] for line in listed) == ["M001176", "W000779"]

    both = base + ["--committees", str(data / "committee-membership-current.yaml"), "--state", "OR",
                   "--committee", "SSFR"]
    result = runner.invoke(main, both)
    assert result.exit_code == 0, result.output
    assert "selected: members from OR, and on committee SSFR (all must hold)" in result.output

    result = runner.invoke(main, base + ["--id", "M00117"])
    assert result.exit_code == 1 and "no member with bioguide id 'M00117'" in result.output
    assert "legislators-current.yaml" in result.output and "Traceback" not in result.output


def test_reduced_reading_gives_the_same_profiles_as_a_full_parse(data, legislators_list):
    from drafter.people.congress import profile_of, read_legislators
    reduced = read_legislators(data / "legislators-current.yaml")
    assert [profile_of(m, None) for m in reduced] == [profile_of(m, None) for m in legislators_list]


def test_reading_a_file_that_is_not_a_legislators_list(tmp_path):
    from drafter.people.congress import read_legislators
    from drafter.errors import DataError
    bad = tmp_path / "legislators.yaml"
    bad.write_text("- id: {bioguide: X1}\n  name: {first: A}\n- just a string\n")
    with pytest.raises(DataError, match="expected a list of legislators"):
        read_legislators(bad)
    bad.write_text("- id: [unclosed\n")
    with pytest.raises(DataError, match="YAML syntax error") as info:
        read_legislators(bad)
    assert info.value.line is not None


def test_an_unknown_state_code_is_refused_and_nothing_written(tmp_path, data):
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "recipients", "import-congress",
                                       str(data / "legislators-current.yaml"), "--state", "ZZ"])
    assert result.exit_code == 1 and "'ZZ' is not a state code" in result.output
    assert not (tmp_path / "recipients.yaml").exists()


# --- forms of address from official names (PRODUCT.md, "Forms of address, in detail") ---------

@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """Every current member imported once, with committees, as Recipient objects."""
    from conftest import SHARED, need
    data = SHARED / "data" / "congress-legislators"
    need(data.is_dir(), str(data))
    folder = tmp_path_factory.mktemp("congress")
    import_congress(folder / "recipients.yaml", data / "legislators-current.yaml",
                    data / "committee-membership-current.yaml", today=TODAY)
    people, _, _ = build_people(load_yaml(folder / "recipients.yaml"))
    return people


TITLE_OF_ROLE = {"senator": "Senator", "representative": "Representative", "delegate": "Delegate",
                 "resident-commissioner": "Commissioner"}


def expected_forms(record: dict) -> tuple[str, str]:
    """(addressee line, salutation) as PRODUCT.md states them, from the source record alone."""
    name, term = record["name"], record["terms"][-1]
    official = name.get("official_full")
    if official is None:   # two new members: the name from its parts
        official = " ".join(name[k] for k in ("first", "middle", "last") if name.get(k))
    addressee = "The Honorable " + re.sub(r' "[^"]+"', "", official)
    core = re.sub(r",? (Jr\.|Sr\.|II|III|IV)$", "", official)
    last = name["last"]
    if not core.endswith(last):   # "Hernández Rivera" -> the part the official name ends with
        last = next(" ".join(last.split()[:n]) for n in range(len(last.split()), 0, -1)
                    if core.endswith(" ".join(last.split()[:n])))
    role = "senator" if term["type"] == "sen" else \
        {"PR": "resident-commissioner"}.get(term["state"], "delegate" if term["state"] in
                                             {"DC", "GU", "VI", "AS", "MP"} else "representative")
    return addressee, f"Dear {TITLE_OF_ROLE[role]} {last}:"


def test_every_current_member_is_addressed_by_the_official_name(members, legislators_list):
    from drafter.people import address
    assert len(legislators_list) == len(members) == 537
    for record in legislators_list:
        person = members[record["id"]["bioguide"]]
        addressee, greeting = expected_forms(record)
        lines = address.inside_address(person)
        assert (lines[0], address.salutation(person)) == (addressee, greeting), person.id
        assert lines[1] == person.organization and lines[2:] == list(person.address)
        assert '"' not in " ".join(lines) and "None" not in " ".join(lines)
    forms = {rid: (address.addressee_line(members[rid]), address.salutation(members[rid]))
             for rid in ("O000175", "H001103", "B000490", "J000288", "C001061", "J000312", "V000128")}
    assert forms == {
        "O000175": ("The Honorable Andrew Ogles", "Dear Representative Ogles:"),            # not "IV"
        "H001103": ("The Honorable Pablo José Hernández", "Dear Commissioner Hernández:"),
        "B000490": ("The Honorable Sanford D. Bishop, Jr.", "Dear Representative Bishop:"),
        "J000288": ("The Honorable Henry C. Johnson, Jr.", "Dear Representative Johnson:"),  # no "Hank"
        "C001061": ("The Honorable Emanuel Cleaver", "Dear Representative Cleaver:"),        # not "II"
        "J000312": ("The Honorable James C. Justice", "Dear Senator Justice:"),
        "V000128": ("The Honorable Chris Van Hollen", "Dear Senator Van Hollen:"),
    }
    assert members["O000175"].suffix is None   # the import no longer writes an unused suffix


def test_mixed_joint_salutation_groups_titles_in_order_of_first_appearance(members):
    from drafter.people import address
    people = [members[rid] for rid in ("J000312", "S000033", "O000175", "R000122", "C001061")]
    assert address.joint_salutation(people) == \
        "Dear Senators Justice, Sanders, and Reed and Representatives Ogles and Cleaver:"


def test_committee_letters_from_the_committee_data(members):
    from drafter.people import address
    risch, shaheen = members["R000584"], members["S001181"]
    assert address.inside_address(risch, "SSFR")[:3] == [
        "The Honorable James E. Risch", "Chairman, Committee on Foreign Relations", "United States Senate"]
    assert address.inside_address(shaheen, "SSFR")[1] == "Ranking Member, Committee on Foreign Relations"
    # A letter to the chair and ranking member.
    assert address.address_letter([risch, shaheen], "SSFR") == (
        [risch, shaheen], "Dear Chairman Risch and Ranking Member Shaheen:")
    # A letter to the whole committee: its chair and ranking member, "and Members of the Committee".
    whole = [p for p in members.values() if p.is_member("SSFR")]
    assert len(whole) == 22
    assert address.address_letter(whole, "SSFR") == (
        [risch, shaheen], "Dear Chairman Risch, Ranking Member Shaheen, and Members of the Committee:")
    # Intelligence: a Vice Chairman where other committees have a ranking member; ex officio: no title line.
    intel = [p for p in members.values() if p.is_member("SLIN")]
    addressed, greeting = address.address_letter(intel, "SLIN")
    assert greeting == "Dear Chairman Cotton, Vice Chairman Warner, and Members of the Committee:"
    assert [address.inside_address(p, "SLIN")[1] for p in addressed] == [
        "Chairman, Select Committee on Intelligence", "Vice Chairman, Select Committee on Intelligence"]
    ex_officio = members["T000250"]   # John Thune, ex officio on SLIN
    assert {"id": "SLIN", "name": "Senate Select Committee on Intelligence", "title": "Ex Officio"} in \
        ex_officio.committees
    assert address.inside_address(ex_officio, "SLIN")[1] == "United States Senate"
    assert address.salutation(ex_officio, "SLIN") == "Dear Senator Thune:"
    # A subcommittee line names the subcommittee, then its committee; chairs come first.
    sub = [p for p in members.values() if p.is_member("SSFR09")]
    addressed, greeting = address.address_letter(sub, "SSFR09")
    assert greeting == "Dear Chairman Cruz, Ranking Member Booker, and Members of the Subcommittee:"
    assert address.inside_address(addressed[0], "SSFR09")[1] == \
        "Chairman, Subcommittee on Africa and Global Health Policy, Committee on Foreign Relations"
    # House committee titles as the data gives them ("Chair").
    mast = next(p for p in members.values() if p.name == "Brian J. Mast")
    assert address.inside_address(mast, "HSFA")[1:3] == ["Chair, Committee on Foreign Affairs",
                                                         "United States House of Representatives"]


def test_reimport_drops_a_suffix_the_official_name_does_not_use(tmp_path, data):
    """A file imported before official names were followed has `suffix: IV` for Andrew Ogles
    ("Andrew Ogles IV"); the next import removes it, as a value it wrote itself."""
    from drafter.people.congress import _hash
    run_import(tmp_path, data, states=["TN"])
    path, base = tmp_path / "recipients.yaml", base_path(tmp_path / "recipients.yaml")
    text = path.read_text()
    path.write_text(text.replace("    surname: Ogles\n", "    surname: Ogles\n    suffix: IV\n", 1))
    record = json.loads(base.read_text())
    record["O000175"]["suffix"] = _hash("IV")
    base.write_text(json.dumps(record))
    people, _, _ = build_people(load_yaml(path))
    assert people["O000175"].suffix == "IV"
    report = run_import(tmp_path, data, states=["TN"])
    assert report.updated == ["O000175"] and not report.kept
    people, _, _ = build_people(load_yaml(path))
    assert people["O000175"].suffix is None


def test_a_letter_to_the_whole_committee_is_addressed_to_its_chair_and_ranking_member(campaign, data, tmp_path):
    """Drafted end to end from imported members: two inside addresses, not 22."""
    from conftest import check_docx, docx_text
    import_congress(campaign / "recipients.yaml", data / "legislators-current.yaml",
                    data / "committee-membership-current.yaml", committee_ids=["SSFR"], today=TODAY)
    (campaign / "letters" / "templates" / "ssfr.md.j2").write_text("We write about {{ snippet('dna-scale') }}\n")
    (campaign / "letters" / "ssfr.yaml").write_text(
        "template: ssfr\ndate: 2026-06-20\nto: {membership: SSFR}\ncommittee: SSFR\nfrom: [smith]\n"
        "letterhead: [\"Congressional-Executive Commission on China\"]\n")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "ssfr", "--clean", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [docx] = out.glob("*.docx")
    check_docx(docx)
    text = docx_text(docx)
    assert text.count("The Honorable") == 2
    head = text[text.index("The Honorable"):text.index("We write")].split("\n")
    # The committee's office, not the members' own (483 Russell, 506 Hart): the committee data
    # gives no office for Senate committees, so the Senate's address.
    assert [line for line in head if line] == [
        "The Honorable James E. Risch", "Chairman, Committee on Foreign Relations", "United States Senate",
        "Washington, DC 20510",
        "The Honorable Jeanne Shaheen", "Ranking Member, Committee on Foreign Relations", "United States Senate",
        "Washington, DC 20510",
        "Dear Chairman Risch, Ranking Member Shaheen, and Members of the Committee:"]


def _house_committee_letter(campaign, data, extra=""):
    import_congress(campaign / "recipients.yaml", data / "legislators-current.yaml",
                    data / "committee-membership-current.yaml", committee_ids=["HSFA"], today=TODAY)
    (campaign / "letters" / "templates" / "hsfa.md.j2").write_text("We write about {{ snippet('dna-scale') }}\n")
    (campaign / "letters" / "hsfa.yaml").write_text(
        "template: hsfa\ndate: 2026-06-20\nto: {membership: HSFA}\nfrom: [smith]\n" + extra)


def test_a_house_committee_letter_goes_to_the_committee_office_from_the_committee_data(campaign, data, tmp_path):
    """"2170 RHOB; Washington, DC 20515-6128" in committees-current.yaml: the chair's and ranking
    member's blocks both give the committee's office; a spec's `committee_address:` overrides it."""
    _house_committee_letter(campaign, data, "committee: HSFA\n")
    people, _, _ = build_people(load_yaml(campaign / "recipients.yaml"))
    chair = next(r for r in people.values() if any(c.get("title") == "Chair" and c["id"] == "HSFA"
                                                   for c in r.committees))
    entry = next(c for c in chair.committees if c["id"] == "HSFA")
    assert entry["address"] == ["2170 Rayburn House Office Building", "Washington, DC 20515-6128"]
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "hsfa", "--clean", "--format", "txt",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = next(out.glob("*.txt")).read_text()
    assert text.count("2170 Rayburn House Office Building\nWashington, DC 20515-6128") == 2, text
    assert "and Members of the Committee:" in text
    spec = campaign / "letters" / "hsfa.yaml"
    spec.write_text(spec.read_text() + 'committee_address: ["2170 Rayburn House Office Building", '
                                       '"Washington, DC 20515"]\n')
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "hsfa", "--clean", "--format", "txt",
                                       "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert next(out.glob("*.txt")).read_text().count("Building\nWashington, DC 20515\n") == 2


def test_a_whole_committee_letter_without_committee_is_a_check_error(campaign, data, tmp_path):
    """Without `committee:` it came out as one inside address per member, over pages, with the
    chair wherever the file put him: check says which field fixes it, and draft refuses."""
    _house_committee_letter(campaign, data)
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert result.exit_code == 1
    [line] = [ln for ln in result.output.splitlines() if "hsfa.yaml" in ln and ": error:" in ln]
    assert "hsfa.yaml:3:1: error: letter 'hsfa' goes to the whole committee HSFA" in line
    assert "add `committee: HSFA`" in line
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "hsfa", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "add `committee: HSFA`" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_whole_committee_letter_is_named_after_its_chair_and_ranking_member(campaign, data, tmp_path):
    """Not after the first member in the file ("M001169-and-21-others"): after the two addressed,
    the same on every run, and apart from a letter to those two alone."""
    import_congress(campaign / "recipients.yaml", data / "legislators-current.yaml",
                    data / "committee-membership-current.yaml", committee_ids=["SSFR"], today=TODAY)
    (campaign / "letters" / "templates" / "ssfr.md.j2").write_text("We write about {{ snippet('dna-scale') }}\n")
    (campaign / "letters" / "ssfr.yaml").write_text(
        "template: ssfr\ndate: 2026-06-20\nto: {membership: SSFR}\ncommittee: SSFR\nfrom: [smith]\n")

    def draft(out, *args):
        result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "ssfr", "--clean", "-o", str(out), *args])
        return result, sorted(p.name for p in out.glob("*.docx"))

    result, names = draft(tmp_path / "whole")
    assert result.exit_code == 0, result.output
    assert names == ["2026-06-20-ssfr-R000584-S001181-and-members.docx"]
    again, _ = draft(tmp_path / "whole")                  # stable: the same name, so not overwritten
    assert again.exit_code == 1 and "R000584-S001181-and-members.docx" in again.output
    result, names = draft(tmp_path / "two", "--to", "R000584", "--to", "S001181")
    assert result.exit_code == 0, result.output
    assert names == ["2026-06-20-ssfr-R000584-S001181.docx"]
    result, names = draft(tmp_path / "each", "--each")
    assert result.exit_code == 0, result.output
    assert len(names) == 22 and "2026-06-20-ssfr-R000584.docx" in names


def test_a_whole_committee_kit_email_greets_as_the_letter_does(campaign, data, tmp_path):
    import_congress(campaign / "recipients.yaml", data / "legislators-current.yaml",
                    data / "committee-membership-current.yaml", committee_ids=["SSFR"], today=TODAY)
    (campaign / "letters" / "templates" / "kit-factsheet.md.j2").unlink()    # no LibreOffice run
    (campaign / "letters" / "ssfr.yaml").write_text(
        "template: erc-entity-list\ndate: 2026-06-20\nto: {membership: SSFR}\ncommittee: SSFR\nfrom: [smith]\n")
    result = CliRunner().invoke(main, ["-C", str(campaign), "kit", "ssfr", "-o", str(tmp_path / "kit")])
    assert result.exit_code == 0, result.output
    email = (tmp_path / "kit" / "email.txt").read_text()
    assert email.split("\n\n")[1] == "Dear Chairman Risch, Ranking Member Shaheen, and Members of the Committee:"


def test_legislators_parsed_in_two_processes_are_the_same_records(tmp_path, legislators_list):
    """batch --jobs 2 parses the legislators file in two halves at once: the records are those
    of the whole file, and a file whose halves do not stand alone is read whole."""
    from concurrent.futures import ProcessPoolExecutor
    from drafter import processes
    from drafter.people.congress import _read_split, read_legislators
    path = SHARED / "data/congress-legislators/legislators-current.yaml"
    pool = ProcessPoolExecutor(1, mp_context=processes.context())
    try:
        _test_split(tmp_path, legislators_list, path, pool)
    finally:
        pool.shutdown()


def _test_split(tmp_path, legislators_list, path, pool):
    from drafter.people.congress import _read_split, read_legislators
    assert _read_split(path, pool) == read_legislators(path)      # really split, and the same
    # an anchor in the first half used in the second: the split cannot parse, the whole file can
    members = legislators_list[:6]
    text = yaml.safe_dump(members, sort_keys=False)
    text = text.replace("- id:", "- &first\n  id:", 1) + "- *first\n"
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text(text)
    whole = read_legislators(aliased)
    assert len(whole) == 7 and whole[-1] == whole[0]
    assert _read_split(aliased, pool) is None and read_legislators(aliased, pool) == whole
    # a syntax error in the second half keeps its true line number
    lines = yaml.safe_dump(members, sort_keys=False).splitlines()
    bad_line = len(lines) - 2
    lines[bad_line] = lines[bad_line] + " : : ["
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as one:
        read_legislators(broken)
    with pytest.raises(DataError) as two:
        read_legislators(broken, pool)
    assert one.value.line == two.value.line == bad_line + 1
