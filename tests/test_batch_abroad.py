"""Constituent letters abroad (`drafter batch` for a UK campaign: volunteers matched to their MP by
constituency name or ONS code) and the kit in the letter's language (issue 27, points 5 and 6).

The MPs are hand-written profiles of real members, from ../shared/data/parliaments/gb-commons/
members-current.yaml (Contains Parliamentary information licensed under the Open Parliament
Licence v3.0); their genders are given by hand, as a campaign gives them (the data has none).
"""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import check_docx, docx_text
from drafter.cli import main

UK_MPS = """
  sarah-olney:
    name: Sarah Olney
    role: mp
    country: GB
    gender: female
    constituency: Richmond Park
    constituency_code: E14001445
    parliament: gb-commons
    member_id: "4591"
  rishi-sunak:
    name: Rishi Sunak
    role: mp
    country: GB
    gender: male
    privy_council: true
    constituency: Richmond and Northallerton
    constituency_code: E14001444
    parliament: gb-commons
    member_id: "4483"
  llinos-medi:
    name: Llinos Medi
    role: mp
    country: GB
    gender: female
    constituency: Ynys Môn
    constituency_code: W07000112
    parliament: gb-commons
    member_id: "5085"
"""

UK_ASK = """
  raise-with-foreign-secretary:
    for: {country: GB, role: mp}
    text: >-
      Ask the Foreign Secretary to raise the mass collection of DNA by police in Tibet with the
      Chinese government.
    authority: a member's own question or letter
"""

UK_SPEC = """template: uk-constituent
date: 2026-12-06
to: constituents
locale: en-GB
citation_style: chicago-notes-bibliography
subject: "Mass DNA collection in Tibet"
points:
  scale:
    label: How many people police sampled
    snippets: [dna-scale, dna-no-crime]
    default: true
  children:
    label: Children are sampled too
    snippets: [dna-kindergartens, dna-qinghai-boys]
  least-free:
    label: Tibet is among the least free places on Earth
    snippets: [tibet-least-free]
"""

UK_TEMPLATE = """As your constituent in {{ constituent.city }} ({{ constituent.constituency }}), I am writing
about the mass collection of DNA by police in the Tibet Autonomous Region.
{% if constituent.note %}

{{ constituent.note }}
{% endif %}
{% for point in points %}

{{ point }}
{% endfor %}
{% if asks %}

I ask that you {{ asks[0] | lowerfirst }}
{% endif %}
"""


def uk_campaign(campaign: Path) -> Path:
    """The example campaign with three UK MPs, an ask for them and a UK constituent letter."""
    recipients = campaign / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    recipients.write_text(text.replace("recipients:\n", "recipients:\n" + UK_MPS, 1), encoding="utf-8")
    asks = campaign / "asks.yaml"
    asks.write_text(asks.read_text(encoding="utf-8").replace("asks:\n", "asks:\n" + UK_ASK, 1), encoding="utf-8")
    (campaign / "letters/uk-constituent.yaml").write_text(UK_SPEC, encoding="utf-8")
    (campaign / "letters/templates/uk-constituent.md.j2").write_text(UK_TEMPLATE, encoding="utf-8")
    return campaign


def write_csv(path: Path, rows: list[list[str]], header=("Name", "Street", "Town", "Postcode", "Email",
                                                          "Constituency", "Message", "Points")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([list(header), *rows])
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


VOLUNTEERS = [
    # by name, in another case and with a postcode typed without its space
    ["Pema Example", "12 Sheen Lane", "London", "sw148ld", "pema@example.org", "richmond park",
     "I live near the park.", ""],
    # by ONS GSS code
    ["Tenzin Sample", "3 High Street", "Northallerton", "DL7 8EQ", "", "E14001444", "", ""],
    # by name without its accent: Ynys Môn
    ["Dolma Placeholder", "1 Stryd Fawr", "Llangefni", "LL77 7AA", "", "Ynys Mon", "", ""],
    # two constituencies start so: a reviewer decides
    ["Karma Test", "5 Hill Rise", "Richmond", "TW10 6UQ", "", "Richmond", "", ""],
]


def review(out: Path) -> list[dict]:
    with open(out / "needs-review.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def letter_of(out: Path, member: str, suffix: str) -> Path:
    [name] = {r["file"].rsplit(".", 1)[0] for r in manifest(out) if r["member"] == member}
    return out / (name + suffix)


@pytest.fixture
def uk(campaign):
    return uk_campaign(campaign)


@pytest.fixture
def uk_batch(uk, tmp_path):
    people = write_csv(tmp_path / "volunteers.csv", VOLUNTEERS)
    out = tmp_path / "out"
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "-o", out,
                 "--format", "docx", "--format", "txt")
    assert result.exit_code == 0, result.output
    return out


def test_uk_volunteers_are_matched_by_constituency_name_or_code(uk_batch):
    rows = {(r["row"], r["member"]) for r in manifest(uk_batch) if r["status"] == "written"}
    assert rows == {("2", "sarah-olney"), ("3", "rishi-sunak"), ("4", "llinos-medi")}
    [held] = review(uk_batch)
    assert list(held) == ["row", "name", "postcode", "constituency", "reason", "candidates"]
    assert held["row"] == "5" and held["constituency"] == "Richmond" and held["postcode"] == "TW10 6UQ"
    assert "ambiguous" in held["reason"]
    assert held["candidates"] == "Richmond Park; Richmond and Northallerton"


def test_uk_letters_take_the_british_forms(uk_batch):
    text = letter_of(uk_batch, "sarah-olney", ".txt").read_text(encoding="utf-8")
    # the volunteer's address at the top in UK order: name, street, town, postcode (no state, no ZIP)
    assert text.startswith("Pema Example\n12 Sheen Lane\nLondon\nSW14 8LD\npema@example.org\n\n6 December 2026\n")
    assert "Sarah Olney MP\nHouse of Commons\nLondon SW1A 0AA" in text
    assert "\nDear Ms Olney,\n" in text and "\nYours sincerely,\n" in text
    assert "As your constituent in London (Richmond Park)" in text
    sunak = letter_of(uk_batch, "rishi-sunak", ".txt").read_text(encoding="utf-8")
    assert "The Rt Hon Rishi Sunak MP" in sunak and "\nDear Mr Sunak,\n" in sunak     # Rt Hon: never in the salutation
    assert "(Richmond and Northallerton)" in sunak       # the constituency's name, though the code was given
    docx = letter_of(uk_batch, "llinos-medi", ".docx")
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in zipfile.ZipFile(docx).read("word/document.xml").decode()  # A4
    body = docx_text(docx)
    assert "Dear Ms Medi," in body and "6 December 2026" in body and "LL77 7AA" in body
    check_docx(*uk_batch.glob("*.docx"))


def test_a_postcode_only_csv_is_refused_naming_the_fix(uk, tmp_path):
    people = write_csv(tmp_path / "postcodes.csv", [["Pema Example", "12 Sheen Lane", "London", "SW14 8LD"]],
                       header=("Name", "Street", "Town", "Postcode"))
    out = tmp_path / "out"
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "-o", out)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "postcodes.csv:1" in message and "no Constituency column" in message
    assert "drafter has no postcode-to-constituency data" in message
    assert "add a Constituency column" in message and "https://www.parliament.uk/" in message
    assert "Traceback" not in result.output and not out.exists()


def test_unknown_constituencies_and_bad_postcodes_go_to_review(uk, tmp_path):
    people = write_csv(tmp_path / "volunteers.csv", [
        ["Pema Example", "12 Sheen Lane", "London", "SW14 8LD", "", "Richmnd Park", "", ""],
        ["Tenzin Sample", "3 High Street", "Northallerton", "DL7 8EQ", "", "Atlantis", "", ""],
        ["Dolma Placeholder", "1 Stryd Fawr", "Llangefni", "not a postcode", "", "Ynys Môn", "", ""],
        ["Karma Test", "5 Hill Rise", "Richmond", "TW10 6UQ", "", "", "", ""],
    ])
    out = tmp_path / "out"
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "-o", out)
    assert result.exit_code == 0, result.output
    reasons = {r["row"]: r for r in review(out)}
    assert "did you mean 'Richmond Park'?" in reasons["2"]["reason"] and reasons["2"]["candidates"] == "Richmond Park"
    assert "none of the 3 members' profiles for GB in recipients.yaml has constituency 'Atlantis'" in reasons["3"]["reason"]
    assert "malformed postcode 'not a postcode'" in reasons["4"]["reason"]
    assert "empty constituency" in reasons["5"]["reason"]
    assert not list(out.glob("*.docx"))


def test_a_uk_batch_refuses_congress_data_and_needs_mp_profiles(uk, shared, tmp_path):
    people = write_csv(tmp_path / "volunteers.csv", VOLUNTEERS[:1])
    legislators = shared / "data/congress-legislators/legislators-current.yaml"
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "--legislators", legislators,
                 "-o", tmp_path / "out")
    assert result.exit_code == 1 and "--legislators name members of Congress" in result.output
    recipients = uk / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace("country: GB", "country: CA"), encoding="utf-8")
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "recipients.yaml" in result.output and "no profile in recipients.yaml has `country: GB`" in result.output
    assert "drafter recipients import-parliament gb-commons" in result.output
    assert not (tmp_path / "out").exists()


def test_a_us_batch_without_legislators_says_what_to_add(campaign, tmp_path):
    people = write_csv(tmp_path / "people.csv", [["Pema Example", "12 Main Street", "Waltham", "MA", "02451"]],
                       header=("Name", "Street", "City", "State", "ZIP"))
    result = run("-C", campaign, "batch", "constituent", "--constituents", people, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "no --legislators file" in result.output
    assert "Traceback" not in result.output


def test_check_asks_for_what_a_uk_mps_form_needs(uk):
    recipients = uk / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace("    gender: female\n    constituency: Richmond Park",
                                                                         "    constituency: Richmond Park"),
                          encoding="utf-8")
    result = run("-C", uk, "check")
    assert "recipient 'sarah-olney'" in result.output and "gender" in result.output, result.output


# --------------------------------------------------------------------------- matching, postcodes

def test_constituency_names_match_without_case_accents_or_punctuation():
    from drafter.people.constituents import constituency_key
    assert constituency_key("Ynys Môn") == constituency_key("ynys mon")
    assert constituency_key("Aldridge-Brownhills") == constituency_key("Aldridge Brownhills")
    assert constituency_key("Montgomeryshire and Glyndŵr") == constituency_key("MONTGOMERYSHIRE & GLYNDWR")
    assert constituency_key("St Albans") == constituency_key("St. Albans")
    assert constituency_key("Richmond Park") != constituency_key("Richmond")


def test_postcodes_take_their_countrys_form():
    from drafter.people.constituents import parse_postcode
    assert parse_postcode("sw1a0aa", "GB") == "SW1A 0AA"
    assert parse_postcode(" EC1A  1BB ", "GB") == "EC1A 1BB"
    assert parse_postcode("k1a0a6", "CA") == "K1A 0A6"
    assert parse_postcode("1067", "DE") == "01067"      # a spreadsheet dropped the leading zero
    assert parse_postcode("800", "AU") == "0800"
    for bad, country in (("12345", "GB"), ("SW1A", "GB"), ("ABCDE", "DE")):
        with pytest.raises(ValueError, match="malformed postcode"):
            parse_postcode(bad, country)


def test_a_seat_held_by_two_profiles_is_for_a_reviewer():
    from drafter.campaign.models import Recipient
    from drafter.people.constituents import Constituencies
    old = Recipient(id="old", name="A Member", role="mp", country="GB", constituency="Richmond Park")
    new = Recipient(id="new", name="B Member", role="mp", country="GB", constituency="Richmond Park")
    gone = Recipient(id="gone", name="C Member", role="mp", country="GB", constituency="Ynys Môn", former=True)
    members = Constituencies.of([old, new, gone], "GB")
    found, why, candidates = members.members("Richmond Park")
    assert found == [] and "held by 2 profiles" in why and candidates == ("old", "new")
    assert members.members("Ynys Môn")[0] == []         # a former member is not written to


# --------------------------------------------------------------------------- the kit

def test_a_uk_kit_speaks_british_english(uk, tmp_path):
    (uk / "letters/templates/kit-factsheet.md.j2").unlink()     # its page count is test_kit's business
    recipients = uk / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace(
        '    member_id: "4591"\n', '    member_id: "4591"\n    phone: "020 0000 0000"\n'), encoding="utf-8")
    out = tmp_path / "kit"
    result = run("-C", uk, "kit", "uk-constituent", "--constituency", "E14001445", "-o", out)
    assert result.exit_code == 0, result.output
    email = (out / "email.txt").read_text(encoding="utf-8")
    assert email.startswith("Subject: Mass DNA collection in Tibet\n\nDear Ms Olney,\n")
    assert "\nYours sincerely,\n[your name]" in email
    assert "5 September 2022" in email and "September 5, 2022" not in email    # the notes' dates are British
    script = (out / "call-script-sarah-olney.txt").read_text(encoding="utf-8")
    assert "## Call Ms Olney's office: 020 0000 0000" not in script and "Call Ms Olney’s office: 020 0000 0000" in script
    assert "### Call script for Ms Olney" in (out / "kit.md").read_text(encoding="utf-8")
    # without --constituency: which MP is not known
    result = run("-C", uk, "kit", "uk-constituent", "-o", tmp_path / "kit2")
    assert result.exit_code == 1 and "--constituency" in result.output


GERMAN_MDB = """
  beispiel:
    name: Anna Beispiel
    role: mp
    country: DE
    gender: female
    academic_title: Dr.
    phone: "030 000000"
"""

GERMAN_ASK = """
  bundesregierung:
    for: {country: DE}
    text: >-
      Die Bundesregierung auffordern, die massenhafte DNA-Entnahme in Tibet gegenüber der
      chinesischen Regierung anzusprechen.
    authority: eine Anfrage oder ein Brief der Abgeordneten
"""

GERMAN_SPEC = """template: de-brief
date: 2026-12-06
to: [beispiel]
from: [smith]
locale: de-DE
citation_style: chicago-notes-bibliography
subject: "Massenhafte DNA-Entnahme in Tibet"
title: "DNA-Entnahme in Tibet"
"""

GERMAN_EMAIL = """# {{ letter.subject }}

{{ salutation }}

ich schreibe Ihnen wegen der massenhaften Entnahme von DNA-Proben durch die Polizei in Tibet.
{{ snippet("dna-scale") }}

{{ closing }}\\
[Ihr Name]
"""

GERMAN_CALL = """## {{ member }}: {{ phone }}

Guten Tag, mein Name ist [Ihr Name]. Ich rufe wegen der DNA-Entnahme in Tibet an.
{{ snippet("dna-no-crime") }} Ich bitte {{ member }}, sich dazu zu äußern.
"""


def test_a_german_kit_has_the_locales_words(campaign, tmp_path):
    recipients = campaign / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace("recipients:\n", "recipients:\n" + GERMAN_MDB, 1),
                          encoding="utf-8")
    asks = campaign / "asks.yaml"
    asks.write_text(asks.read_text(encoding="utf-8").replace("asks:\n", "asks:\n" + GERMAN_ASK, 1), encoding="utf-8")
    templates = campaign / "letters/templates"
    for kind in ("social", "factsheet", "shareholder-questions"):
        (templates / f"kit-{kind}.md.j2").unlink()
    (templates / "kit-email.md.j2").write_text(GERMAN_EMAIL, encoding="utf-8")
    (templates / "kit-call-script.md.j2").write_text(GERMAN_CALL, encoding="utf-8")
    (templates / "de-brief.md.j2").write_text("ich schreibe Ihnen wegen Tibet. {{ snippet('dna-scale') }}\n",
                                              encoding="utf-8")
    (campaign / "letters/de-brief.yaml").write_text(GERMAN_SPEC, encoding="utf-8")
    out = tmp_path / "kit"
    result = run("-C", campaign, "kit", "de-brief", "-o", out)
    assert result.exit_code == 0, result.output
    email = (out / "email.txt").read_text(encoding="utf-8")
    assert email.startswith("Betreff: Massenhafte DNA-Entnahme in Tibet\n\nSehr geehrte Frau Dr. Beispiel,\n")
    assert "\nMit freundlichen Grüßen\n[Ihr Name]" in email
    assert "\nQuellen:\n[1] " in email and "Sources" not in email
    script = (out / "call-script-beispiel.txt").read_text(encoding="utf-8")
    assert script.startswith("Frau Dr. Beispiel: 030 000000") and "Ich bitte Frau Dr. Beispiel," in script
    assert "\n\nQuellen\n\n1. Emile Dirks" in script and "Sources" not in script
    kit = (out / "kit.md").read_text(encoding="utf-8")
    assert kit.startswith("# Aktionspaket: DNA-Entnahme in Tibet\n")
    assert "\n## Anrufleitfäden\n" in kit and "\n## E-Mail\n" in kit and "**Betreff:**" in kit
    assert "Call script" not in kit and "Subject" not in kit


def test_a_member_abroad_is_named_as_the_salutation_without_its_greeting():
    from drafter import locale
    from drafter.campaign.models import Recipient
    from drafter.compose.kit import member_name
    deputy = Recipient(id="d", name="Marie Exemple", role="mp", country="FR", gender="female")
    assert member_name(deputy, locale.get("fr-FR")) == "Madame la Députée"
    mdb = Recipient(id="b", name="Anna Beispiel", role="mp", country="DE", gender="female", academic_title="Dr.")
    assert member_name(mdb, locale.get("de-DE")) == "Frau Dr. Beispiel"
    assert member_name(mdb, locale.get("de-DE"), "neutral") == "Dr. Anna Beispiel"     # "Guten Tag Dr. Anna Beispiel"
    mp = Recipient(id="o", name="Sarah Olney", role="mp", country="GB", gender="female")
    assert member_name(mp) == "Ms Olney"                  # the profile's own locale: en-GB
    assert locale.get("fr-FR").kit.subject == "Objet\u00a0:" and locale.get("de-DE").kit.sources == "Quellen"


def test_the_return_address_is_in_the_volunteers_countrys_order():
    from drafter.compose.constituent import return_address, signature
    from drafter.people.constituents import Constituent

    def person(country, city, zip_, state=""):
        return Constituent(row=2, name="Pema Example", street="1 Example Street", city=city, state=state, zip=zip_,
                           country=country, constituency="Somewhere")
    assert signature(person("GB", "London", "SW14 8LD")) == ("Pema Example", "1 Example Street", "London", "SW14 8LD")
    assert signature(person("DE", "Berlin", "10115"))[2:] == ("10115 Berlin",)
    assert signature(person("FR", "Paris", "75007"))[2:] == ("75007 Paris",)
    assert signature(person("CA", "Ottawa", "K1A 0A6", "ON"))[2:] == ("Ottawa ON  K1A 0A6",)
    assert signature(person("CA", "Ottawa", "K1A 0A6"))[2:] == ("Ottawa  K1A 0A6",)
    assert signature(person("AU", "Canberra", "2600", "ACT"))[2:] == ("Canberra ACT 2600",)
    us = Constituent(row=2, name="Pema Example", street="12 Main Street", city="Waltham", state="MA", zip="02451",
                     email="pema@example.org")
    assert return_address(us) == ("Pema Example", "12 Main Street", "Waltham, MA 02451", "pema@example.org")
