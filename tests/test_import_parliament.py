"""drafter recipients import-parliament, on the real ../shared/data/parliaments files."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from click.testing import CliRunner

from drafter.campaign.load import build_people
from drafter.campaign.validate import validate
from drafter.campaign.yamlsrc import load_yaml
from drafter.cli import main
from drafter.people.parliaments import PARLIAMENTS, slug, title_case

from conftest import SHARED, need

COUNTS = {"gb-commons": 650, "eu-parliament": 718, "de-bundestag": 634, "ca-commons": 343,
          "au-parliament": 226, "fr-assemblee": 575}
AS_OF = {"gb-commons": dt.date(2026, 6, 27), "eu-parliament": dt.date(2024, 10, 15),
         "de-bundestag": dt.date(2026, 1, 31), "ca-commons": dt.date(2026, 1, 22),
         "au-parliament": dt.date(2026, 8, 18), "fr-assemblee": dt.date(2026, 1, 23)}
COUNTRY = {"gb-commons": "GB", "eu-parliament": "EU", "de-bundestag": "DE", "ca-commons": "CA",
           "au-parliament": "AU", "fr-assemblee": "FR"}
ATTRIBUTION = {
    "gb-commons": "Contains Parliamentary information licensed under the Open Parliament Licence v3.0.",
    "eu-parliament": "Source: European Parliament",
    "de-bundestag": "Quelle: Deutscher Bundestag",
    "ca-commons": "Source: House of Commons of Canada (ourcommons.ca), via Open North Represent",
    "au-parliament": "OpenAustralia Foundation",
    "fr-assemblee": "Source : Assemblée nationale (data.assemblee-nationale.fr)",
}
MIT = "The above copyright notice and this permission notice shall be included"
# One member of each, imported by id, and a field a person would correct by hand.
ONE = {"gb-commons": ("4514", "gb-keir-starmer", "title", "Prime Minister"),
       "eu-parliament": ("840", "eu-charles-goerens", "name", "Charles Goerens MEP"),
       "de-bundestag": ("2152", "de-rainer-kraft", "gender", "male"),
       "ca-commons": ("00012", "ca-jenna-sudds", "gender", "female"),
       "au-parliament": ("00AOU", "au-penny-wong", "gender", "female"),
       "fr-assemblee": ("PA718674", "fr-olga-givernet", "gender", "female")}


def source(name):
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    return SHARED / "data" / "parliaments" / name


def run(folder, *args):
    result = CliRunner().invoke(main, ["-C", str(folder), "recipients", "import-parliament", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def people_of(folder):
    doc = load_yaml(folder / "recipients.yaml")
    assert validate(doc, "recipients") == []
    return doc.data["recipients"]


@pytest.fixture(scope="module")
def everyone(tmp_path_factory):
    """All six parliaments imported once into one recipients.yaml."""
    folder = tmp_path_factory.mktemp("parliaments")
    for name in PARLIAMENTS:
        result = run(folder, name, source(name), "--all")
        assert result.exit_code == 0, result.output
        assert f"added {COUNTS[name]}, updated 0" in result.output
    return folder


# --- every source: valid profiles, the source's date, its attribution --------------------------

def test_all_members_of_the_six_parliaments_become_valid_profiles(everyone):
    profiles = people_of(everyone)
    people, _, _ = build_people(load_yaml(everyone / "recipients.yaml"))
    assert len(people) == len(profiles) == sum(COUNTS.values())
    for name in PARLIAMENTS:
        mine = {rid: p for rid, p in profiles.items() if p["parliament"] == name}
        assert len(mine) == COUNTS[name]
        assert len({p["member_id"] for p in mine.values()}) == COUNTS[name]
        for rid, p in mine.items():
            assert rid.startswith(COUNTRY[name].lower() + "-") and rid == rid.lower()
            assert p["country"] == COUNTRY[name] and p["as_of"] == AS_OF[name]
            assert isinstance(p["member_id"], str)
            assert p["role"] in (("mp", "senator") if name == "au-parliament" else ("mp",))
            assert "state" not in p and "district" not in p      # US fields only
            assert all(value not in ("", None, []) for value in p.values())
    sources = (everyone / "recipients.sources.md").read_text(encoding="utf-8")
    for name, line in ATTRIBUTION.items():
        assert line in sources, name
    assert sources.count(MIT) == 3            # Bundestag, Canada, France: the letter-tool files
    assert sources.count("agpl-3.0.html") == 2   # EP and Australian compilations
    head = (everyone / "recipients.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert "recipients.sources.md" in head


def test_gb_commons_fields(everyone):
    p = people_of(everyone)
    rand = p["gb-connor-rand"]              # "Mr Connor Rand" in the source
    assert (rand["name"], rand["courtesy"], rand["gender"]) == ("Connor Rand", "Mr.", "male")
    tami = p["gb-mark-tami"]                # "Rt Hon Sir Mark Tami MP": Sir stays in the name
    assert tami["name"] == "Sir Mark Tami" and tami["privy_council"] is True and "courtesy" not in tami
    starmer = p["gb-keir-starmer"]
    assert starmer["constituency"] == "Holborn and St Pancras" and starmer["constituency_code"] == "E14001290"
    assert starmer["member_id"] == "4514" and starmer["email"] == "keir.starmer.mp@parliament.uk"
    assert "organization" not in starmer and "address" not in starmer     # the form's default
    kinnock = p["gb-stephen-kinnock"]       # no honorific: no gender, nothing guessed
    assert "gender" not in kinnock and "courtesy" not in kinnock and "privy_council" not in kinnock
    assert sum(1 for q in p.values() if q.get("privy_council") and q["parliament"] == "gb-commons") == 95


def test_eu_names_are_title_cased_with_a_note(everyone):
    p = people_of(everyone)
    goerens = p["eu-charles-goerens"]
    assert (goerens["name"], goerens["surname"], goerens["gender"]) == ("Charles Goerens", "Goerens", "male")
    assert "title-cased" in goerens["note"] and "GOERENS" in goerens["note"]
    assert goerens["constituency"] == "Luxembourg" and goerens["constituency_code"] == "LU"
    assert goerens["party"] == "Renew" and goerens["email"] == "charles.goerens@europarl.europa.eu"
    names = {q["name"] for q in p.values() if q["parliament"] == "eu-parliament"}
    for name in ("Elio Di Rupo", "Michael von der Schulenburg", "Marie-Agnes Strack-Zimmermann",
                 "David McAllister", "Pilar del Castillo Vera", "Isabelle Le Callennec"):
        assert name in names
    assert all("UNSURE" in q["note"] for q in p.values() if q["parliament"] == "eu-parliament")


def test_bundestag_academic_title_and_constructed_email(everyone):
    p = people_of(everyone)
    kraft = p["de-rainer-kraft"]
    assert (kraft["name"], kraft["academic_title"]) == ("Rainer Kraft", "Dr.")
    assert "gender" not in kraft and "constructed" in kraft["note"]
    assert (p["de-jan-van-aken"]["given"], p["de-jan-van-aken"]["surname"]) == ("Jan", "van Aken")
    abdi = p["de-sanae-abdi"]
    assert (abdi["constituency"], abdi["constituency_code"], abdi["party"]) == ("Köln I", "092", "SPD")
    titled = [q for q in p.values() if q["parliament"] == "de-bundestag" and "academic_title" in q]
    assert len(titled) == 106 and not any(q["name"].startswith(("Dr.", "Prof.")) for q in titled)


def test_canada_riding_is_the_member_id(everyone):
    sudds = people_of(everyone)["ca-jenna-sudds"]
    assert sudds["member_id"] == sudds["constituency_code"] == "00012"
    assert (sudds["constituency"], sudds["party"], sudds["surname"]) == ("Kanata", "Liberal", "Sudds")


def test_australia_used_names_posts_and_senators(everyone):
    p = people_of(everyone)
    wong = p["au-penny-wong"]               # legal name Penelope Ying Yen Wong
    assert (wong["name"], wong["role"], wong["honourable"]) == ("Penny Wong", "senator", True)
    assert wong["title"] == "Minister for Foreign Affairs" and wong["constituency"] == "South Australia"
    assert "confirm" in wong["note"] and wong["member_id"] == "00AOU"
    burke = p["au-tony-burke"]              # "Mr Anthony Stephen Burke", "The Hon Tony Burke MP"
    assert (burke["name"], burke["courtesy"], burke["gender"], burke["role"]) == ("Tony Burke", "Mr.", "male", "mp")
    assert burke["title"] == "Minister for the Arts" and burke["constituency"] == "Watson"
    assert p["au-jim-chalmers"]["courtesy"] == "Dr."
    assert p["au-anthony-albanese"]["title"] == "Prime Minister"
    plain = [q for q in p.values() if q["parliament"] == "au-parliament" and "honourable" not in q]
    assert plain and all("legal name" in q["note"] for q in plain)
    senators = [q for q in p.values() if q["parliament"] == "au-parliament" and q["role"] == "senator"]
    assert len(senators) == 76 and {q["constituency"] for q in senators} == {
        "New South Wales", "Victoria", "Queensland", "Western Australia", "South Australia", "Tasmania",
        "Australian Capital Territory", "Northern Territory"}


def test_france_constituency_and_personal_addresses(everyone):
    p = people_of(everyone)
    givernet = p["fr-olga-givernet"]
    assert givernet["constituency"] == "Ain (3e circonscription)" and givernet["constituency_code"] == "01-03"
    assert givernet["party"] == "Ensemble pour la République" and "note" not in givernet
    assert p["fr-xavier-breton"]["constituency"] == "Ain (1re circonscription)"
    personal = [q for q in p.values() if q["parliament"] == "fr-assemblee" and "note" in q]
    assert len(personal) == 44 and all("personal or party address" in q["note"] for q in personal)


def test_a_campaign_check_warns_about_each_caveat(everyone, tmp_path, repo):
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("recipients.yaml", "recipients.sources.md"):
        shutil.copy(everyone / name, folder / name)
    shutil.copy(repo / "evidence.yaml", folder / "evidence.yaml")
    result = CliRunner().invoke(main, ["-C", str(folder), "check"])
    assert "Traceback" not in result.output
    caveats = sum(1 for q in people_of(folder).values() if q.get("note"))
    assert result.output.count("UNSURE") == caveats > 1000
    # Until the forms of address for mp (drafter/people/address.py, another branch) are merged,
    # check refuses that role; nothing else about the imported profiles may be an error.
    errors = [line for line in result.output.splitlines() if ": error:" in line]
    assert all("unknown role 'mp'" in line for line in errors), \
        [e for e in errors if "unknown role 'mp'" not in e][:3]


# --- selecting -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PARLIAMENTS)
def test_import_one_member_by_id_into_the_example_campaign(campaign, name):
    mid, rid, _, _ = ONE[name]
    before = people_of(campaign)
    result = run(campaign, name, source(name) / "members-current.yaml", "--id", mid)
    assert result.exit_code == 0, result.output
    assert f"selected: members id {mid}" in result.output and "added 1, updated 0" in result.output
    after = people_of(campaign)
    assert set(after) - set(before) == {rid}
    assert all(after[k] == v for k, v in before.items())
    assert ATTRIBUTION[name] in (campaign / "recipients.sources.md").read_text(encoding="utf-8")
    build_people(load_yaml(campaign / "recipients.yaml"))


@pytest.mark.parametrize("name, args, count", [
    ("gb-commons", ["--constituency", "holborn and st pancras"], 1),
    ("gb-commons", ["--constituency", "E14001290"], 1),
    ("gb-commons", ["--party", "Green Party", "--party", "Reform UK"], None),
    ("eu-parliament", ["--constituency", "Luxembourg"], 6),
    ("eu-parliament", ["--constituency", "LU", "--party", "Renew"], 1),
    ("de-bundestag", ["--constituency", "Köln I"], 3),     # the file has three for Köln I
    ("de-bundestag", ["--constituency", "092"], 3),
    ("de-bundestag", ["--party", "DIE LINKE"], 65),
    ("ca-commons", ["--constituency", "Kanata"], 1),
    ("ca-commons", ["--party", "Green"], 1),
    ("au-parliament", ["--constituency", "SA", "--party", "ALP"], None),
    ("au-parliament", ["--constituency", "Grayndler"], 1),
    ("fr-assemblee", ["--constituency", "01-03"], 1),
    ("fr-assemblee", ["--constituency", "Ain"], 5),
    ("fr-assemblee", ["--party", "LFI-NFP"], 71),
])
def test_select_by_constituency_and_party(tmp_path, name, args, count):
    result = run(tmp_path, name, source(name), *args)
    assert result.exit_code == 0, result.output
    people = people_of(tmp_path)
    if count is not None:
        assert len(people) == count, result.output
    assert people and f"added {len(people)}," in result.output
    if "--party" in args and "--constituency" in args:
        assert "(all must hold)" in result.output
    if name == "au-parliament" and "SA" in args:
        assert {p["constituency"] for p in people.values()} == {"South Australia"}
        assert {p["role"] for p in people.values()} == {"senator"} and "au-penny-wong" in people


# --- re-import keeps hand edits ----------------------------------------------------------------

@pytest.mark.parametrize("name", PARLIAMENTS)
def test_reimport_keeps_a_hand_edit_and_takes_the_sources_changes(tmp_path, name):
    mid, rid, key, value = ONE[name]
    path = tmp_path / "recipients.yaml"
    assert run(tmp_path, name, source(name), "--id", mid).exit_code == 0
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = lines.index(f"  {rid}:\n")
    edited = [ln for ln in lines[at + 1:] if ln.startswith(f"    {key}:")]
    if edited:                        # change a field the import wrote
        text = text.replace(edited[0], f"    {key}: {value}  # checked by hand\n", 1)
    else:                             # add one it does not write
        text = text.replace(f"  {rid}:\n", f"  {rid}:\n    {key}: {value}  # checked by hand\n", 1)
    path.write_text(text, encoding="utf-8")

    # The source changes one value of this member: an e-mail or the party.
    changed = tmp_path / "members-current.yaml"
    data = (source(name) / "members-current.yaml").read_text(encoding="utf-8")
    old, new = _a_change(name, data)
    assert data.count(old) == 1
    changed.write_text(data.replace(old, new), encoding="utf-8")
    result = run(tmp_path, name, changed, "--id", mid)
    assert result.exit_code == 0, result.output
    profile = people_of(tmp_path)[rid]
    assert profile[key] == value and "# checked by hand" in path.read_text(encoding="utf-8")
    assert profile["party"] == "Independent"
    assert "updated 1" in result.output
    if edited:
        assert f"kept: hand edit {rid}.{key}" in result.output
    # Unchanged again: nothing to do.
    again = run(tmp_path, name, changed, "--id", mid)
    assert "updated 0, unchanged 1" in again.output and "kept hand edits" in again.output


def _a_change(name, data):
    """(old, new): the member of ONE[name] moves to the party 'Independent' in a copy of the file."""
    mid = ONE[name][0]
    key = {"ca-commons": "riding_id", "au-parliament": "aph_id"}.get(name, "id")
    quoted = {"ca-commons": f"'{mid}'", "au-parliament": mid, "fr-assemblee": mid}.get(name, mid)
    start = data.index(f"{key}: {quoted}\n")
    party_key = {"eu-parliament": "political_group", "de-bundestag": "parliamentary_group",
                 "fr-assemblee": "political_group"}.get(name, "party")
    at = data.index(f"  {party_key}: ", start)
    end = data.index("\n", at)
    return data[start:end], data[start:at] + f"  {party_key}: Independent"


def test_a_renamed_profile_is_still_matched_by_its_member_id(tmp_path):
    gb = source("gb-commons")
    assert run(tmp_path, "gb-commons", gb, "--id", "4514").exit_code == 0
    path = tmp_path / "recipients.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  gb-keir-starmer:\n", "  starmer:\n"),
                    encoding="utf-8")
    result = run(tmp_path, "gb-commons", gb, "--id", "4514")
    assert "added 0, updated 0, unchanged 1" in result.output
    assert list(people_of(tmp_path)) == ["starmer"]
    # Its member_id deleted by hand: the import record still knows the profile, and fills it in.
    path.write_text(path.read_text(encoding="utf-8").replace("    member_id: '4514'\n", ""), encoding="utf-8")
    result = run(tmp_path, "gb-commons", gb, "--id", "4514")
    assert "added 0, updated 1" in result.output
    assert list(people_of(tmp_path)) == ["starmer"] and people_of(tmp_path)["starmer"]["member_id"] == "4514"


def test_a_new_id_never_takes_an_existing_profiles(tmp_path):
    (tmp_path / "recipients.yaml").write_text(
        "recipients:\n  gb-keir-starmer:\n    name: Keir Starmer\n    role: other\n", encoding="utf-8")
    result = run(tmp_path, "gb-commons", source("gb-commons"), "--id", "4514")
    assert result.exit_code == 0, result.output
    people = people_of(tmp_path)
    assert people["gb-keir-starmer"] == {"name": "Keir Starmer", "role": "other"}
    assert people["gb-keir-starmer-4514"]["member_id"] == "4514"


def test_a_dismissed_note_stays_deleted_and_a_deleted_field_comes_back(tmp_path):
    eu = source("eu-parliament")
    assert run(tmp_path, "eu-parliament", eu, "--id", "840").exit_code == 0
    path = tmp_path / "recipients.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if not ln.startswith(("    note:", "    email:"))), encoding="utf-8")
    result = run(tmp_path, "eu-parliament", eu, "--id", "840")
    assert result.exit_code == 0, result.output
    goerens = people_of(tmp_path)["eu-charles-goerens"]
    assert "note" not in goerens and goerens["email"] == "charles.goerens@europarl.europa.eu"


def test_a_member_no_longer_in_the_file_is_marked_former(tmp_path):
    ca = source("ca-commons") / "members-current.yaml"
    assert run(tmp_path, "ca-commons", ca, "--constituency", "Kanata").exit_code == 0
    data = ca.read_text(encoding="utf-8")
    start = data.index("- riding_id: '00012'")
    gone = tmp_path / "members-current.yaml"
    gone.write_text(data[:start] + data[data.index("- riding_id", start + 1):], encoding="utf-8")
    result = run(tmp_path, "ca-commons", gone, "--party", "Green")
    assert result.exit_code == 0, result.output
    assert "left office: Jenna Sudds (ca-jenna-sudds)" in result.output
    assert people_of(tmp_path)["ca-jenna-sudds"]["former"] is True
    assert "# left office" in (tmp_path / "recipients.yaml").read_text(encoding="utf-8")


def test_attribution_of_every_imported_parliament_is_kept(tmp_path):
    assert run(tmp_path, "gb-commons", source("gb-commons"), "--id", "4514").exit_code == 0
    assert run(tmp_path, "fr-assemblee", source("fr-assemblee"), "--id", "PA718674").exit_code == 0
    sources = (tmp_path / "recipients.sources.md").read_text(encoding="utf-8")
    assert ATTRIBUTION["gb-commons"] in sources and ATTRIBUTION["fr-assemblee"] in sources
    assert ATTRIBUTION["eu-parliament"] not in sources
    text = (tmp_path / "recipients.yaml").read_text(encoding="utf-8")
    assert text.count("recipients.sources.md") == 1


# --- bad input -------------------------------------------------------------------------------

def _refused(folder, *args, says):
    path = folder / "recipients.yaml"
    before = path.read_bytes() if path.exists() else None
    result = run(folder, *args)
    assert result.exit_code == 1, result.output
    for text in (says if isinstance(says, tuple) else (says,)):
        assert text in result.output, result.output
    assert (path.read_bytes() if path.exists() else None) == before
    assert not (folder / "recipients.parliaments-base.json").exists()
    assert not (folder / "recipients.sources.md").exists()
    return result


def test_bad_input_is_refused_with_a_clear_message(campaign, tmp_path):
    gb = source("gb-commons")
    _refused(campaign, "gb-comons", gb, "--all", says=("no parliament 'gb-comons'", "did you mean 'gb-commons'"))
    _refused(campaign, "gb-commons", tmp_path / "nowhere.yaml", "--all", says=("nowhere.yaml", "not found"))
    _refused(campaign, "gb-commons", tmp_path, "--all", says="members-current.yaml")
    _refused(campaign, "gb-commons", gb, says=("no members selected", "--all"))
    _refused(campaign, "gb-commons", gb, "--all", "--party", "Labour", says="--all takes every member")
    _refused(campaign, "gb-commons", gb, "--constituency", "Holborn and St Pancreas",
             says=("no constituency 'Holborn and St Pancreas'", "did you mean 'Holborn and St Pancras'"))
    _refused(campaign, "gb-commons", gb, "--id", "99999999", says="no member id '99999999'")
    _refused(campaign, "gb-commons", gb, "--party", "Labor", says="did you mean 'Labour'")
    bad = tmp_path / "members-current.yaml"
    bad.write_text("- id: 1\n  name: [unclosed\n", encoding="utf-8")
    _refused(campaign, "gb-commons", bad, "--all", says=(f"{bad}:", "YAML syntax error"))
    bad.write_text("- {id: 1, first_name: A, last_name: B, country_code: LU, gender: [F]}\n", encoding="utf-8")
    _refused(campaign, "eu-parliament", bad, "--all", says=(f"{bad}:1:", "cannot read this member"))
    bad.write_text("just: a mapping\n", encoding="utf-8")
    _refused(campaign, "gb-commons", bad, "--all", says="expected a list of members")
    # Another parliament's file: its members lack what this one's have.
    result = _refused(campaign, "gb-commons", source("de-bundestag"), "--all", says="has no 'constituency_code'")
    assert "members-current.yaml:3:" in result.output
    _refused(campaign, "au-parliament", gb, "--all", says="'representatives' and 'senators'")


def test_a_broken_recipients_file_is_refused_before_anything_is_imported(tmp_path):
    path = tmp_path / "recipients.yaml"
    path.write_text("recipients:\n  x:\n    name: X\n    role: mp\n    phon: 1\n", encoding="utf-8")
    _refused(tmp_path, "gb-commons", source("gb-commons"), "--id", "4514", says="nothing was imported")


def test_two_profiles_of_one_member_are_refused(tmp_path):
    gb = source("gb-commons")
    assert run(tmp_path, "gb-commons", gb, "--id", "4514").exit_code == 0
    path = tmp_path / "recipients.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  gb-keir-starmer:"):]
    path.write_text(text + block.replace("gb-keir-starmer:", "starmer-as-pm:"), encoding="utf-8")
    result = run(tmp_path, "gb-commons", gb, "--id", "4514")
    assert result.exit_code == 1 and "both have parliament gb-commons and member_id '4514'" in result.output


# --- names -----------------------------------------------------------------------------------

def test_title_case_and_ids():
    assert title_case("DI RUPO") == "Di Rupo"
    assert title_case("VON DER SCHULENBURG") == "von der Schulenburg"
    assert title_case("GARCÍA HERMIDA-VAN DER WALLE") == "García Hermida-Van der Walle"
    assert title_case("MCNAMARA") == "McNamara" and title_case("Ó RÍORDÁIN") == "Ó Ríordáin"
    assert title_case("DE") == "De"         # a particle alone is the name
    assert title_case("VAN BREMPT", "BE") == "Van Brempt" and title_case("DE MASI", "IT") == "De Masi"
    assert title_case("VAN SPARRENTAK", "NL") == "van Sparrentak"
    assert slug("Jérôme Buisson") == "jerome-buisson" and slug("Clare O’Neil") == "clare-oneil"
    assert slug("Jürgen Straße") == "jurgen-strasse"


def test_the_base_record_is_keyed_by_parliament_and_member_id(tmp_path):
    assert run(tmp_path, "au-parliament", source("au-parliament"), "--id", "00aou").exit_code == 0
    record = json.loads((tmp_path / "recipients.parliaments-base.json").read_text(encoding="utf-8"))
    assert list(record) == ["au-parliament/00AOU"] and record["au-parliament/00AOU"]["id"] == "au-penny-wong"
